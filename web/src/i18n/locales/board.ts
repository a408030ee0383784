// Texts of a Jitsi class's own whiteboard (the room page's board, docs/whiteboard.md, seed 7.2),
// Turkish first.
const tr: Record<string, string> = {
  'board.toggle': 'Beyaz tahta',
  'board.title': 'Beyaz tahta',
  'board.loading': 'Beyaz tahta yükleniyor…',
  'board.failed': 'Beyaz tahta açılamadı.',
  'board.retry': 'Tekrar dene',
  'board.menu': 'Tahta menüsü',
  'board.readOnly': 'Bu beyaz tahtayı yalnızca görüntüleyebilirsiniz.',
  'board.ended': 'Ders sona erdi; beyaz tahta artık yalnızca görüntülenebilir.',
  'board.export': 'Dışa aktar',
  'board.format.pdf': 'PDF',
  'board.format.svg': 'SVG',
  'board.format.excalidraw': 'Excalidraw dosyası',
  'board.exporting': 'Hazırlanıyor…',
  'board.exportFailed': 'Tahta dışa aktarılamadı: {{reason}}',
  'board.saveFailed': 'Çiziminiz kaydedilemedi: {{reason}}',
  'board.tooLarge':
    'Bir şekil kaydedilemeyecek kadar büyük; küçültün ya da parçalara bölün. Değiştirilene kadar yalnızca bu sayfada kalır.',
  'board.syncFailed': 'Tahtadaki son değişiklikler alınamadı: {{reason}}',
};

const en: Record<string, string> = {
  'board.toggle': 'Whiteboard',
  'board.title': 'Whiteboard',
  'board.loading': 'Loading the whiteboard…',
  'board.failed': 'The whiteboard could not be opened.',
  'board.retry': 'Try again',
  'board.menu': 'Board menu',
  'board.readOnly': 'You can only view this whiteboard.',
  'board.ended': 'The class is over; the whiteboard can only be viewed now.',
  'board.export': 'Export',
  'board.format.pdf': 'PDF',
  'board.format.svg': 'SVG',
  'board.format.excalidraw': 'Excalidraw file',
  'board.exporting': 'Preparing…',
  'board.exportFailed': 'The whiteboard could not be exported: {{reason}}',
  'board.saveFailed': 'Your drawing could not be saved: {{reason}}',
  'board.tooLarge': 'A shape is too large to be saved; make it smaller or split it. Until it is changed it stays on this page only.',
  'board.syncFailed': 'The latest changes to the board could not be fetched: {{reason}}',
};

export default { tr, en };
