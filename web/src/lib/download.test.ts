import { describe, expect, it } from 'vitest';
import { fileNameFromDisposition } from './download';

describe('fileNameFromDisposition', () => {
  it('reads a quoted or bare file name', () => {
    expect(fileNameFromDisposition('attachment; filename="whiteboard-türev.pdf"')).toBe('whiteboard-türev.pdf');
    expect(fileNameFromDisposition('attachment; filename=board.svg')).toBe('board.svg');
    expect(fileNameFromDisposition('attachment; filename="a \\"b\\".pdf"')).toBe('a "b".pdf');
  });

  it('prefers the UTF-8 extended form', () => {
    expect(
      fileNameFromDisposition(`attachment; filename="Turev.pdf"; filename*=UTF-8''T%C3%BCrev%20tahtas%C4%B1.pdf`),
    ).toBe('Türev tahtası.pdf');
  });

  it('drops any directory part', () => {
    expect(fileNameFromDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(fileNameFromDisposition('attachment; filename=C:\\x\\board.excalidraw')).toBe('board.excalidraw');
  });

  it('gives null when there is no name', () => {
    expect(fileNameFromDisposition(null)).toBeNull();
    expect(fileNameFromDisposition('attachment')).toBeNull();
    expect(fileNameFromDisposition('attachment; filename=""')).toBeNull();
    expect(fileNameFromDisposition('attachment; filename=".."')).toBeNull();
  });
});
