import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18n from '../i18n';
import type { LiveSession, Provider, Recording } from '../api/types';
import {
  RECORDING_ID,
  SID,
  buttonLabels,
  callsTo,
  json,
  listOf,
  mockApi,
  problem,
  recording,
  renderWithApp,
  signIn,
  signInSpeaking,
  student,
  teacher,
} from '../test/api';
import { RecordingsPanel } from './RecordingsPanel';

const base = `/api/v1/live-sessions/${SID}/recordings/`;
const R1 = RECORDING_ID;
const R2 = 'f2222222-2222-4222-8222-222222222222';
const R3 = 'f3333333-3333-4333-8333-333333333333';
const SIGNED = `https://media.example.org/rec/${R1}.mp4?exp=1795694700&sig=abc123`;

const rec = recording;
const list = listOf<Recording>;

function renderPanel(role: LiveSession['my_role'], provider?: Provider) {
  return renderWithApp(<RecordingsPanel sessionId={SID} role={role} provider={provider} timeZone="Europe/Istanbul" />);
}

const panel = () => screen.getByRole('region', { name: /Kayıtlar|Recordings/ });
const item = (id: string) => panel().querySelector<HTMLElement>(`[data-recording-id="${id}"]`)!;
const buttonsOf = (id: string) => buttonLabels(item(id));

beforeEach(() => signInSpeaking(teacher));

describe('RecordingsPanel — a student', () => {
  it('lists the published recordings: date in the user’s zone, duration, size, status; nothing to manage', async () => {
    signIn(student);
    const fetchMock = mockApi({ [`GET ${base}`]: () => list(rec()) });
    renderPanel('participant');
    expect(await screen.findByText('26 Kas 2026 14:00 kaydı')).toBeInTheDocument();
    expect(within(panel()).getByRole('heading', { level: 2 })).toHaveTextContent('Kayıtlar 1');
    expect(within(item(R1)).getByText('Yayında')).toHaveAttribute('data-status', 'published');
    expect(item(R1)).toHaveTextContent('55 dk · 412,3 MB · 1280x720 · mp4');
    expect(item(R1)).toHaveTextContent('Yayın tarihi: 26 Kas 2026 15:00');
    expect(item(R1)).toHaveTextContent('Saklama süresi dolunca silinir: 26 Kas 2027 14:00');
    expect(buttonsOf(R1)).toEqual(['İzle']);
    // The signed link is asked for only on the click.
    expect(fetchMock.mock.calls.map(([u]) => String(u))).toEqual([base]);
  });

  it('opens the signed link in a new tab when Watch is clicked, and offers it in case of a pop-up blocker', async () => {
    signIn(student);
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(rec()),
      [`GET ${base}${R1}/access/`]: () => json({ url: SIGNED, expires_at: '2026-11-27T08:05:00Z' }),
    });
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const user = userEvent.setup({ delay: null });
    renderPanel('participant');
    const watch = await screen.findByRole('button', { name: 'İzle' });
    expect(watch).toHaveAccessibleDescription('26 Kas 2026 14:00 kaydı');
    await user.click(watch);
    await waitFor(() => expect(open).toHaveBeenCalledWith(SIGNED, '_blank', 'noopener'));
    expect(open).toHaveBeenCalledTimes(1);
    expect(callsTo(fetchMock, 'GET', `${base}${R1}/access/`)).toHaveLength(1);
    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent('Video yeni bir sekmede açıldı. Açılmadıysa buraya tıklayın (bağlantı 11:05 saatine kadar geçerli)');
    expect(within(status).getByRole('link', { name: 'Açılmadıysa buraya tıklayın' })).toHaveAttribute('href', SIGNED);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    // Each click asks for a fresh link (the previous one may have expired).
    await user.click(screen.getByRole('button', { name: 'İzle' }));
    await waitFor(() => expect(open).toHaveBeenCalledTimes(2));
    expect(callsTo(fetchMock, 'GET', `${base}${R1}/access/`)).toHaveLength(2);
  });

  it('shows the server’s message when the recording cannot be played yet (409), and opens nothing', async () => {
    signIn(student);
    mockApi({
      [`GET ${base}`]: () => list(rec()),
      [`GET ${base}${R1}/access/`]: () => problem('conflict', 409, 'recording is still processing'),
    });
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const user = userEvent.setup({ delay: null });
    renderPanel('participant');
    await user.click(await screen.findByRole('button', { name: 'İzle' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem dersin şu anki durumunda yapılamaz. (recording is still processing)',
    );
    expect(open).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'İzle' })).toBeEnabled();
  });

  it('says there are no recordings yet', async () => {
    signIn(student);
    mockApi({ [`GET ${base}`]: () => list() });
    renderPanel('participant');
    expect(await screen.findByText('Henüz kayıt yok.')).toBeInTheDocument();
    expect(within(panel()).queryByRole('listitem')).not.toBeInTheDocument();
    expect(within(panel()).queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows why the list could not be loaded', async () => {
    signIn(student);
    mockApi({ [`GET ${base}`]: () => problem('forbidden', 403, 'not enrolled in this course') });
    renderPanel('participant');
    expect(await screen.findByRole('alert')).toHaveTextContent('Bu işlem için yetkiniz yok. (not enrolled in this course)');
    expect(screen.queryByText('Henüz kayıt yok.')).not.toBeInTheDocument();
  });
});

describe('RecordingsPanel — the host', () => {
  it('explains processing and failed recordings and offers each state its actions', async () => {
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, status: 'processing', published_at: null, duration_seconds: 0, file_size_bytes: 0 }),
          rec({ id: R2, status: 'failed', published_at: null, created_at: '2026-11-26T11:10:00Z' }),
          rec({ id: R3, status: 'ready', published_at: null, created_at: '2026-11-26T11:20:00Z' }),
        ),
    });
    renderPanel('host');
    await screen.findByText('26 Kas 2026 14:00 kaydı');
    expect(within(item(R1)).getByText('İşleniyor')).toHaveAttribute('data-status', 'processing');
    expect(item(R1)).toHaveTextContent('Kayıt işleniyor; hazır olduğunda buradan izlenebilir.');
    expect(item(R1)).not.toHaveTextContent('MB');
    expect(buttonsOf(R1)).toEqual(['Sil']);
    expect(within(item(R2)).getByText('Hata')).toHaveAttribute('data-status', 'failed');
    expect(item(R2)).toHaveTextContent('Kayıt işlenemedi; izlenemez.');
    expect(buttonsOf(R2)).toEqual(['Sil']);
    expect(within(item(R3)).getByText('Hazır (yayında değil)')).toHaveAttribute('data-status', 'ready');
    expect(item(R3)).toHaveTextContent('Öğrenciler bu kaydı yayınlanana kadar göremez.');
    expect(buttonsOf(R3)).toEqual(['İzle', 'Yayınla', 'Sil']);
  });

  it('publishes a ready recording and shows the refreshed list', async () => {
    let current = rec({ status: 'ready', published_at: null });
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(current),
      [`POST ${base}${R1}/publish/`]: () => {
        current = rec({ status: 'published' });
        return json(current);
      },
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Yayınla' }));
    expect(await screen.findByText('Yayında')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', `${base}${R1}/publish/`)).toHaveLength(1);
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(2);
    expect(screen.getByRole('status')).toHaveTextContent('Kayıt yayınlandı; öğrencilere e-postayla haber verilecek.');
    expect(buttonsOf(R1)).toEqual(['İzle', 'Yayından kaldır', 'Sil']);
  });

  it('unpublishes a published recording', async () => {
    let current = rec();
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(current),
      [`POST ${base}${R1}/unpublish/`]: () => {
        current = rec({ status: 'ready', published_at: null });
        return json(current);
      },
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Yayından kaldır' }));
    expect(await screen.findByText('Hazır (yayında değil)')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', `${base}${R1}/unpublish/`)).toHaveLength(1);
    expect(screen.getByRole('status')).toHaveTextContent('Kayıt yayından kaldırıldı; öğrenciler artık göremez.');
    expect(buttonsOf(R1)).toEqual(['İzle', 'Yayınla', 'Sil']);
  });

  it('deletes a recording after confirmation', async () => {
    let current = [rec()];
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(...current),
      [`DELETE ${base}${R1}/`]: () => {
        current = [];
        return new Response(null, { status: 204 });
      },
    });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Sil' }));
    expect(confirm).toHaveBeenCalledWith('Kayıt kalıcı olarak silinsin mi? Bu işlem geri alınamaz.');
    expect(await screen.findByText('Henüz kayıt yok.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'DELETE', `${base}${R1}/`)).toHaveLength(1);
    expect(screen.getByRole('status')).toHaveTextContent('Kayıt silindi.');
  });

  it('sends nothing when the deletion is not confirmed', async () => {
    const fetchMock = mockApi({ [`GET ${base}`]: () => list(rec()) });
    vi.spyOn(window, 'confirm').mockReturnValue(false);
    const user = userEvent.setup({ delay: null });
    renderPanel('admin');
    await user.click(await screen.findByRole('button', { name: 'Sil' }));
    expect(callsTo(fetchMock, 'DELETE', `${base}${R1}/`)).toHaveLength(0);
    expect(screen.getByText('Yayında')).toBeInTheDocument();
  });

  it('shows the problem when publishing is refused, and keeps the list as it was', async () => {
    mockApi({
      [`GET ${base}`]: () => list(rec({ status: 'ready', published_at: null })),
      [`POST ${base}${R1}/publish/`]: () => problem('conflict', 409, 'recording is not ready'),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Yayınla' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem dersin şu anki durumunda yapılamaz. (recording is not ready)',
    );
    expect(screen.getByText('Hazır (yayında değil)')).toBeInTheDocument();
  });

  it('lets a moderator publish and unpublish but not delete', async () => {
    mockApi({
      [`GET ${base}`]: () => list(rec({ id: R1, status: 'ready', published_at: null }), rec({ id: R2 })),
    });
    renderPanel('moderator');
    await waitFor(() => expect(buttonsOf(R1)).toEqual(['İzle', 'Yayınla']));
    expect(buttonsOf(R2)).toEqual(['İzle', 'Yayından kaldır']);
  });
});

describe('RecordingsPanel — English', () => {
  it('speaks English after a language switch', async () => {
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, status: 'processing', published_at: null }),
          rec({ id: R2, status: 'ready', published_at: null, created_at: '2026-11-26T11:20:00Z' }),
        ),
    });
    renderPanel('host');
    await screen.findByText('26 Kas 2026 14:00 kaydı');
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    expect(within(panel()).getByRole('heading', { level: 2 })).toHaveTextContent('Recordings 2');
    expect(within(item(R1)).getByText('Processing')).toBeInTheDocument();
    expect(item(R1)).toHaveTextContent('The recording is being processed; it can be watched here once it is ready.');
    expect(item(R2)).toHaveTextContent('Recording of 26 Nov 2026, 14:20');
    expect(item(R2)).toHaveTextContent('55 min · 412.3 MB');
    expect(within(item(R2)).getByText('Ready (not published)')).toBeInTheDocument();
    expect(buttonsOf(R2)).toEqual(['Watch', 'Publish', 'Delete']);
  });
});

describe('RecordingsPanel — the server’s copy of the file', () => {
  const storageLine = (id: string) => item(id).querySelector<HTMLElement>('[data-storage]');

  it('shows the staff how far the copy is, in percent or, without a known size, in MB', async () => {
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, storage_status: 'copying', storage_bytes: 185_600_000, file_size_bytes: 412_345_678 }),
          // No size yet, and an estimate the copy already went past: the bytes copied so far.
          rec({ id: R2, storage_status: 'copying', storage_bytes: 12_500_000, file_size_bytes: 0 }),
          rec({ id: R3, storage_status: 'copying', storage_bytes: 500_000_000, file_size_bytes: 412_345_678 }),
        ),
    });
    renderPanel('host');
    await screen.findByRole('list');
    expect(storageLine(R1)).toHaveTextContent('Okulun depolamasına kopyalanıyor… %45');
    expect(storageLine(R1)).toHaveAttribute('data-storage', 'copying');
    expect(storageLine(R2)).toHaveTextContent('Okulun depolamasına kopyalanıyor… 12,5 MB');
    expect(storageLine(R3)).toHaveTextContent('Okulun depolamasına kopyalanıyor… 500 MB');
    // It still plays from the provider meanwhile.
    expect(buttonsOf(R1)).toEqual(['İzle', 'Yayından kaldır', 'Sil']);
  });

  it('rounds the percentage down and says nothing of a size before the first bytes', async () => {
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, storage_status: 'copying', storage_bytes: 999, file_size_bytes: 1000 }),
          rec({ id: R2, storage_status: 'copying', storage_bytes: 0, file_size_bytes: 0 }),
        ),
    });
    renderPanel('moderator');
    await screen.findByRole('list');
    expect(storageLine(R1)).toHaveTextContent(/^Okulun depolamasına kopyalanıyor… %99$/);
    expect(storageLine(R2)).toHaveTextContent(/^Okulun depolamasına kopyalanıyor…$/);
  });

  it('tells the staff when the copy is kept and when it could not be made', async () => {
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, storage_status: 'stored', storage_bytes: 412_345_678 }),
          rec({ id: R2, storage_status: 'failed', storage_bytes: 0 }),
        ),
    });
    renderPanel('admin');
    await screen.findByRole('list');
    expect(storageLine(R1)).toHaveTextContent(/^Okulun depolamasında saklanıyor$/);
    expect(storageLine(R1)).toHaveAttribute('data-storage', 'stored');
    expect(storageLine(R2)).toHaveTextContent(/^Kopyalanamadı; sağlayıcıdan oynatılıyor$/);
    expect(storageLine(R2)).toHaveAttribute('data-storage', 'failed');
  });

  it('says nothing of it to a student', async () => {
    signIn(student);
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, storage_status: 'copying', storage_bytes: 185_600_000 }),
          rec({ id: R2, storage_status: 'stored', storage_bytes: 412_345_678 }),
          rec({ id: R3, storage_status: 'failed', storage_bytes: 0 }),
        ),
    });
    renderPanel('participant');
    await screen.findByRole('list');
    expect(panel().querySelector('[data-storage]')).toBeNull();
    expect(panel()).not.toHaveTextContent(/depolama|Kopyalanamadı/);
  });

  it('says nothing when the file plays from the provider or an older server does not tell', async () => {
    mockApi({
      [`GET ${base}`]: () => list(rec({ id: R1, storage_status: 'none', storage_bytes: 0 }), rec({ id: R2 })),
    });
    renderPanel('host');
    await screen.findByRole('list');
    expect(within(panel()).getAllByRole('listitem')).toHaveLength(2);
    expect(panel().querySelector('[data-storage]')).toBeNull();
    expect(panel()).not.toHaveTextContent(/depolama|Kopyalanamadı/);
  });

  it('speaks English', async () => {
    await i18n.changeLanguage('en');
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, storage_status: 'copying', storage_bytes: 185_600_000 }),
          rec({ id: R2, storage_status: 'copying', storage_bytes: 12_500_000, file_size_bytes: 0 }),
          rec({ id: R3, storage_status: 'stored', storage_bytes: 412_345_678 }),
        ),
    });
    renderPanel('host');
    await screen.findByRole('list');
    expect(storageLine(R1)).toHaveTextContent(/^Copying to the school’s storage… 45%$/);
    expect(storageLine(R2)).toHaveTextContent(/^Copying to the school’s storage… 12.5 MB$/);
    expect(storageLine(R3)).toHaveTextContent(/^Kept in the school’s storage$/);
    await act(async () => {
      await i18n.changeLanguage('tr');
    });
    expect(storageLine(R2)).toHaveTextContent('Okulun depolamasına kopyalanıyor… 12,5 MB');
  });

  it('looks again every 5 s while a copy is running, and stops once it is done', async () => {
    // Fake intervals only (the query's refetchInterval); Testing Library keeps waiting with real timeouts.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'], shouldAdvanceTime: true });
    const answers = [
      rec({ storage_status: 'copying', storage_bytes: 41_234_568 }),
      rec({ storage_status: 'copying', storage_bytes: 206_172_839 }),
      rec({ storage_status: 'stored', storage_bytes: 412_345_678 }),
    ];
    let calls = 0;
    const fetchMock = mockApi({ [`GET ${base}`]: () => list(answers[Math.min(calls++, answers.length - 1)]) });
    renderPanel('host');
    await waitFor(() => expect(storageLine(R1)).toHaveTextContent('Okulun depolamasına kopyalanıyor… %10'));
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    await waitFor(() => expect(storageLine(R1)).toHaveTextContent('Okulun depolamasına kopyalanıyor… %50'));
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    await waitFor(() => expect(storageLine(R1)).toHaveTextContent('Okulun depolamasında saklanıyor'));
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(3);
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(3);
  });
});

describe('RecordingsPanel — thumbnails', () => {
  const thumb = (id: string) => `${base}${id}/thumbnail/`;
  const jpeg = () =>
    new Response(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), { headers: { 'Content-Type': 'image/jpeg' } });
  const imageOf = (id: string) => item(id).querySelector('img');
  let made = 0;
  let createObjectURL: ReturnType<typeof vi.fn<(b: Blob) => string>>;
  let revokeObjectURL: ReturnType<typeof vi.fn<(u: string) => void>>;

  beforeEach(() => {
    made = 0;
    createObjectURL = vi.fn((_b: Blob) => `blob:thumb-${++made}`);
    revokeObjectURL = vi.fn((_u: string) => {});
    // jsdom has no object URLs: a URL class with them, stubbed for this test only.
    vi.stubGlobal('URL', class extends URL {
      static createObjectURL = createObjectURL;
      static revokeObjectURL = revokeObjectURL;
    });
  });

  it('fetches the thumbnail with the bearer token and shows it first in the row, to a student too', async () => {
    signIn(student);
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(rec({ thumbnail_url: thumb(R1) })),
      [`GET ${thumb(R1)}`]: jpeg,
    });
    renderPanel('participant');
    await waitFor(() => expect(imageOf(R1)).not.toBeNull());
    const img = imageOf(R1)!;
    expect(img).toHaveAttribute('src', 'blob:thumb-1');
    expect(img).toHaveAttribute('alt', '');
    expect(img).toHaveClass('recording-thumb');
    expect(img).toHaveAttribute('width', '160');
    expect(img).toHaveAttribute('height', '90');
    expect(item(R1).firstElementChild).toBe(img);
    const calls = fetchMock.mock.calls.filter(([u]) => String(u) === thumb(R1));
    expect(calls).toHaveLength(1);
    expect((calls[0][1]?.headers as Record<string, string>).Authorization).toBe('Bearer test-token');
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    expect(await createObjectURL.mock.calls[0][0].arrayBuffer()).toEqual(
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]).buffer,
    );
    expect(buttonsOf(R1)).toEqual(['İzle']);
  });

  it('asks for no image when the recording has none', async () => {
    const fetchMock = mockApi({ [`GET ${base}`]: () => list(rec({ thumbnail_url: '' })) });
    renderPanel('host');
    await screen.findByText('26 Kas 2026 14:00 kaydı');
    await new Promise((r) => setTimeout(r, 20));
    expect(fetchMock.mock.calls.map(([u]) => String(u))).toEqual([base]);
    expect(imageOf(R1)).toBeNull();
    expect(createObjectURL).not.toHaveBeenCalled();
  });

  it('shows nothing (no broken image, no error) when the thumbnail is missing or cannot be decoded', async () => {
    const fetchMock = mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, thumbnail_url: thumb(R1) }),
          rec({ id: R2, thumbnail_url: thumb(R2), created_at: '2026-11-26T11:10:00Z' }),
        ),
      [`GET ${thumb(R1)}`]: () => problem('not-found', 404, 'no thumbnail'),
      [`GET ${thumb(R2)}`]: jpeg,
    });
    renderPanel('host');
    await waitFor(() => expect(imageOf(R2)).not.toBeNull());
    await waitFor(() => expect(callsTo(fetchMock, 'GET', thumb(R1))).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(imageOf(R1)).toBeNull();
    expect(item(R1)).toHaveTextContent('26 Kas 2026 14:00 kaydı');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // A 404 is not asked again.
    expect(callsTo(fetchMock, 'GET', thumb(R1))).toHaveLength(1);

    // An answer the browser cannot show as an image: gone as well.
    fireEvent.error(imageOf(R2)!);
    expect(imageOf(R2)).toBeNull();
    expect(within(panel()).queryAllByRole('img')).toHaveLength(0);
  });

  it('keeps the image across the 5-second refreshes without fetching it again', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'], shouldAdvanceTime: true });
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(rec({ thumbnail_url: thumb(R1), storage_status: 'copying', storage_bytes: 1000 })),
      [`GET ${thumb(R1)}`]: jpeg,
    });
    renderPanel('host');
    await waitFor(() => expect(imageOf(R1)).toHaveAttribute('src', 'blob:thumb-1'));
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    await waitFor(() => expect(callsTo(fetchMock, 'GET', base)).toHaveLength(3));
    expect(callsTo(fetchMock, 'GET', thumb(R1))).toHaveLength(1);
    expect(imageOf(R1)).toHaveAttribute('src', 'blob:thumb-1');
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    expect(revokeObjectURL).not.toHaveBeenCalled();
  });

  it('revokes the object URL when the panel goes away', async () => {
    mockApi({
      [`GET ${base}`]: () => list(rec({ thumbnail_url: thumb(R1) })),
      [`GET ${thumb(R1)}`]: jpeg,
    });
    const { unmount } = renderPanel('host');
    await waitFor(() => expect(imageOf(R1)).toHaveAttribute('src', 'blob:thumb-1'));
    expect(revokeObjectURL).not.toHaveBeenCalled();
    unmount();
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:thumb-1');
    expect(revokeObjectURL).toHaveBeenCalledTimes(createObjectURL.mock.calls.length);
  });

  it('revokes the old object URL when the recording is deleted from the list', async () => {
    let current = [rec({ thumbnail_url: thumb(R1) })];
    mockApi({
      [`GET ${base}`]: () => list(...current),
      [`GET ${thumb(R1)}`]: jpeg,
      [`DELETE ${base}${R1}/`]: () => {
        current = [];
        return new Response(null, { status: 204 });
      },
    });
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await waitFor(() => expect(imageOf(R1)).toHaveAttribute('src', 'blob:thumb-1'));
    await user.click(screen.getByRole('button', { name: 'Sil' }));
    expect(await screen.findByText('Henüz kayıt yok.')).toBeInTheDocument();
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:thumb-1');
  });
});

describe('RecordingsPanel — transcripts', () => {
  const transcriptOf = (id: string) => `${base}${id}/transcript/`;
  const transcriptLine = (id: string) => item(id).querySelector<HTMLElement>('[data-transcript]');
  const readyRec = (over: Partial<Recording> = {}) =>
    rec({
      storage_status: 'stored',
      transcript_status: 'ready',
      transcript_progress: 100,
      transcript_language: 'tr',
      transcript_url: transcriptOf(over.id ?? R1),
      ...over,
    });
  const TRANSCRIPT = {
    recording_id: R1,
    session_id: SID,
    language: 'tr',
    duration_seconds: 3800,
    text: 'Bugün türevi göreceğiz. Limit tanımından başlayalım. Son soru?',
    segments: [
      { start: 0.0, end: 4.2, text: 'Bugün türevi göreceğiz.' },
      { start: 65.4, end: 70.1, text: 'Limit tanımından başlayalım.' },
      { start: 3729.5, end: 3733.0, text: 'Son soru?' },
    ],
  };

  function captureDownloads() {
    const saved: { name: string; blob: Blob }[] = [];
    const blobs = new Map<string, Blob>();
    // jsdom has no object URLs: a URL class with them, stubbed for this test only.
    vi.stubGlobal('URL', class extends URL {
      static createObjectURL = vi.fn((b: Blob) => {
        const u = `blob:${blobs.size}`;
        blobs.set(u, b);
        return u;
      });
      static revokeObjectURL = vi.fn();
    });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, blob: blobs.get(this.getAttribute('href') ?? '')! });
    });
    return saved;
  }

  it('plays a kept recording here with its transcript as captions, and lets the object URL go when closed', async () => {
    const made: Blob[] = [];
    const revoked: string[] = [];
    vi.stubGlobal('URL', class extends URL {
      static createObjectURL = vi.fn((b: Blob) => {
        made.push(b);
        return `blob:captions-${made.length}`;
      });
      static revokeObjectURL = vi.fn((u: string) => void revoked.push(u));
    });
    const VTT = 'WEBVTT\n\n00:00.000 --> 00:04.200\nBugün türevi göreceğiz.\n';
    signIn(student);
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec(), readyRec({ id: R2, storage_status: 'none' })),
      [`GET ${base}${R1}/access/`]: () => json({ url: SIGNED, expires_at: '2026-11-27T08:05:00Z' }),
      [`GET ${transcriptOf(R1)}?format=vtt`]: () => new Response(VTT, { headers: { 'Content-Type': 'text/vtt' } }),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('participant');
    await screen.findByRole('list');
    // Only our own copy plays here: a recording played from the provider has no such button.
    expect(buttonsOf(R2)).not.toContain('Altyazılı izle');
    const show = within(item(R1)).getByRole('button', { name: 'Altyazılı izle' });
    expect(show).toHaveAttribute('aria-expanded', 'false');
    await user.click(show);
    const video = await within(item(R1)).findByTestId('captioned-player');
    expect(video).toHaveAttribute('src', SIGNED);
    expect(video).toHaveAttribute('controls');
    expect(video).toHaveAccessibleName('Altyazılı video: 26 Kas 2026 14:00 kaydı');
    const track = video.querySelector('track')!;
    expect(track).toHaveAttribute('kind', 'captions');
    expect(track).toHaveAttribute('src', 'blob:captions-1');
    expect(track).toHaveAttribute('srclang', 'tr');
    expect(track).toHaveAttribute('label', 'Transkript');
    expect(track).toHaveAttribute('default');
    expect(await made[0].text()).toBe(VTT);
    expect(made[0].type).toBe('text/vtt');
    const vttCall = fetchMock.mock.calls.find(([u]) => String(u) === `${transcriptOf(R1)}?format=vtt`)!;
    expect(new Headers(vttCall[1]?.headers).get('Authorization')).toBe('Bearer test-token');
    expect(callsTo(fetchMock, 'GET', `${base}${R1}/access/`)).toHaveLength(1);
    expect(show).toHaveAttribute('aria-expanded', 'true');

    await user.click(show);
    expect(within(item(R1)).queryByTestId('captioned-player')).not.toBeInTheDocument();
    expect(revoked).toEqual(['blob:captions-1']);
  });

  it('opens the recording the coach links to in the player, at that moment', async () => {
    vi.stubGlobal('URL', class extends URL {
      static createObjectURL = vi.fn(() => 'blob:captions');
      static revokeObjectURL = vi.fn();
    });
    mockApi({
      [`GET ${base}`]: () => list(readyRec({ id: R1 }), readyRec({ id: R2, created_at: '2026-11-26T12:00:00Z' })),
      [`GET ${base}${R2}/access/`]: () => json({ url: SIGNED, expires_at: '2026-11-27T08:05:00Z' }),
      [`GET ${transcriptOf(R2)}?format=vtt`]: () => new Response('WEBVTT\n', { headers: { 'Content-Type': 'text/vtt' } }),
    });
    renderWithApp(
      <RecordingsPanel sessionId={SID} role="host" timeZone="Europe/Istanbul" play={{ recordingId: R2, at: 1390 }} />,
    );
    await screen.findByRole('list');
    const video = await within(item(R2)).findByTestId('captioned-player');
    expect(video).toHaveAttribute('src', `${SIGNED}#t=1390`);
    expect(within(item(R2)).getByRole('button', { name: 'Altyazılı izle' })).toHaveAttribute('aria-expanded', 'true');
    expect(within(item(R1)).queryByTestId('captioned-player')).not.toBeInTheDocument();
  });

  it('says why the captioned video cannot play', async () => {
    vi.stubGlobal('URL', class extends URL {
      static createObjectURL = vi.fn(() => 'blob:x');
      static revokeObjectURL = vi.fn();
    });
    mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${base}${R1}/access/`]: () => problem('conflict', 409, 'the recording cannot be played yet'),
      [`GET ${transcriptOf(R1)}?format=vtt`]: () => new Response('WEBVTT\n', { headers: { 'Content-Type': 'text/vtt' } }),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Altyazılı izle' }));
    expect(await within(item(R1)).findByRole('alert')).toHaveTextContent('the recording cannot be played yet');
    expect(within(item(R1)).queryByTestId('captioned-player')).not.toBeInTheDocument();
  });

  it('shows how far a transcript being made is, to the staff and to a student', async () => {
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, storage_status: 'stored', transcript_status: 'processing', transcript_progress: 42 }),
          // An older server without the progress: no number.
          rec({ id: R2, storage_status: 'stored', transcript_status: 'processing' }),
          rec({ id: R3, storage_status: 'stored', transcript_status: 'processing', transcript_progress: 99.6 }),
        ),
    });
    const { unmount } = renderPanel('host');
    await screen.findByRole('list');
    expect(transcriptLine(R1)).toHaveTextContent(/^Yazıya dökülüyor… %42$/);
    expect(transcriptLine(R1)).toHaveAttribute('data-transcript', 'processing');
    expect(transcriptLine(R2)).toHaveTextContent(/^Yazıya dökülüyor…$/);
    expect(transcriptLine(R3)).toHaveTextContent(/^Yazıya dökülüyor… %99$/);
    // Nothing to download or ask for while it runs.
    expect(buttonsOf(R1)).toEqual(['İzle', 'Yayından kaldır', 'Sil']);
    unmount();

    signIn(student);
    renderPanel('participant');
    await screen.findByRole('list');
    expect(transcriptLine(R1)).toHaveTextContent(/^Yazıya dökülüyor… %42$/);
    expect(buttonsOf(R1)).toEqual(['İzle']);
  });

  it('says nothing of a recording that has no transcript', async () => {
    mockApi({
      [`GET ${base}`]: () => list(rec({ id: R1 }), rec({ id: R2, transcript_status: 'none', storage_status: 'copying' })),
    });
    renderPanel('host');
    await screen.findByRole('list');
    expect(panel().querySelector('[data-transcript]')).toBeNull();
    expect(panel()).not.toHaveTextContent(/Yazıya|Transkript/);
  });

  it('offers a ready transcript as VTT and SRT files, fetched with the token and saved under the server’s name', async () => {
    const saved = captureDownloads();
    signIn(student);
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${transcriptOf(R1)}?format=vtt`]: () =>
        new Response('WEBVTT\n\n00:00.000 --> 00:04.200\nBugün türevi göreceğiz.\n', {
          headers: { 'Content-Type': 'text/vtt', 'Content-Disposition': 'attachment; filename="turev-2026-11-26.vtt"' },
        }),
      // No file name from the server: one of its own.
      [`GET ${transcriptOf(R1)}?format=srt`]: () =>
        new Response('1\n00:00:00,000 --> 00:00:04,200\nBugün türevi göreceğiz.\n', {
          headers: { 'Content-Type': 'application/x-subrip' },
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('participant');
    await screen.findByRole('list');
    expect(transcriptLine(R1)).toHaveTextContent(/^Transkript \(tr\)$/);
    expect(buttonsOf(R1)).toEqual(['Altyazılı izle', 'VTT', 'SRT', 'Transkripti göster', 'Özet', 'İzle']);
    const vtt = screen.getByRole('button', { name: 'VTT' });
    expect(vtt).toHaveAccessibleDescription('26 Kas 2026 14:00 kaydı Transkript (tr)');

    await user.click(vtt);
    await waitFor(() => expect(saved).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'SRT' }));
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(saved.map((s) => s.name)).toEqual(['turev-2026-11-26.vtt', `transcript-${R1}.srt`]);
    expect(await saved[0].blob.text()).toMatch(/^WEBVTT/);
    expect(await saved[1].blob.text()).toMatch(/^1\n00:00:00,000 --> /);
    for (const format of ['vtt', 'srt']) {
      const call = fetchMock.mock.calls.find(([u]) => String(u) === `${transcriptOf(R1)}?format=${format}`)!;
      expect(new Headers(call[1]?.headers).get('Authorization')).toBe('Bearer test-token');
    }
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows why a transcript file could not be downloaded', async () => {
    const saved = captureDownloads();
    mockApi({
      [`GET ${base}`]: () => list(readyRec()),
      [`GET ${transcriptOf(R1)}?format=srt`]: () => problem('not-found', 404, 'the recording has no transcript'),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'SRT' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('(the recording has no transcript)');
    expect(saved).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'SRT' })).toBeEnabled();
  });

  it('shows the transcript’s segments with their positions, fetched once, and hides them again', async () => {
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(readyRec(), rec({ id: R2, created_at: '2026-11-26T11:10:00Z' })),
      [`GET ${transcriptOf(R1)}?format=json`]: () => json(TRANSCRIPT),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    const show = await screen.findByRole('button', { name: 'Transkripti göster' });
    expect(show).toHaveAttribute('aria-expanded', 'false');
    expect(callsTo(fetchMock, 'GET', `${transcriptOf(R1)}?format=json`)).toHaveLength(0);

    await user.click(show);
    const box = await screen.findByRole('region', { name: 'Transkript: 26 Kas 2026 14:00 kaydı' });
    const segments = within(box).getAllByRole('listitem');
    expect(segments.map((s) => s.textContent)).toEqual([
      '00:00 Bugün türevi göreceğiz.',
      '01:05 Limit tanımından başlayalım.',
      '1:02:09 Son soru?',
    ]);
    expect(within(box).getByRole('list')).toHaveAttribute('lang', 'tr');
    const hide = screen.getByRole('button', { name: 'Transkripti gizle' });
    expect(hide).toHaveAttribute('aria-expanded', 'true');
    expect(document.getElementById(hide.getAttribute('aria-controls')!)).toContainElement(box);
    // The other recording has no transcript: nothing shown for it.
    expect(transcriptLine(R2)).toBeNull();

    await user.click(hide);
    expect(screen.queryByRole('region', { name: /Transkript:/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Transkripti göster' }));
    expect(await screen.findByRole('region', { name: /Transkript:/ })).toBeInTheDocument();
    expect(callsTo(fetchMock, 'GET', `${transcriptOf(R1)}?format=json`)).toHaveLength(1);
  });

  it('says so when the transcript holds no speech, and why it could not be loaded', async () => {
    mockApi({
      [`GET ${base}`]: () => list(readyRec({ id: R1 }), readyRec({ id: R2, transcript_language: '' })),
      [`GET ${transcriptOf(R1)}?format=json`]: () => json({ ...TRANSCRIPT, text: '', segments: [] }),
      [`GET ${transcriptOf(R2)}?format=json`]: () => problem('not-found', 404, 'no transcript yet'),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await screen.findByRole('list');
    expect(transcriptLine(R2)).toHaveTextContent(/^Transkript$/);
    await user.click(within(item(R1)).getByRole('button', { name: 'Transkripti göster' }));
    expect(await within(item(R1)).findByText('Transkriptte konuşma yok.')).toBeInTheDocument();
    await user.click(within(item(R2)).getByRole('button', { name: 'Transkripti göster' }));
    expect(await within(item(R2)).findByRole('alert')).toHaveTextContent('(no transcript yet)');
  });

  it('lets the staff ask for a transcript of a stored recording, and shows the 202 answer at once', async () => {
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(rec({ storage_status: 'stored' })),
      [`POST ${transcriptOf(R1)}`]: () =>
        json(rec({ storage_status: 'stored', transcript_status: 'processing', transcript_progress: 0 }), 202),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('moderator');
    await screen.findByRole('list');
    expect(buttonsOf(R1)).toEqual(['İzle', 'Yayından kaldır', 'Yazıya dök']);
    const transcribe = screen.getByRole('button', { name: 'Yazıya dök' });
    expect(transcribe).toHaveAccessibleDescription('26 Kas 2026 14:00 kaydı');
    await user.click(transcribe);
    await waitFor(() => expect(transcriptLine(R1)).toHaveTextContent(/^Yazıya dökülüyor… %0$/));
    const posts = fetchMock.mock.calls.filter(([u, init]) => String(u) === transcriptOf(R1) && init?.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0][1]?.body).toBeUndefined();
    expect(new Headers(posts[0][1]?.headers).get('Authorization')).toBe('Bearer test-token');
    expect(screen.getByRole('status')).toHaveTextContent('Kayıt yazıya dökülmeye başladı; ilerlemesi burada görünecek.');
    expect(buttonsOf(R1)).toEqual(['İzle', 'Yayından kaldır']);
    // Taken from the answer, not from asking for the list again.
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(1);
  });

  it('shows the server’s reason when a transcript is refused, and keeps the button', async () => {
    mockApi({
      [`GET ${base}`]: () => list(rec({ storage_status: 'stored' })),
      [`POST ${transcriptOf(R1)}`]: () =>
        problem('conflict', 409, 'the class policy does not allow transcripts of its recordings'),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Yazıya dök' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem dersin şu anki durumunda yapılamaz. (the class policy does not allow transcripts of its recordings)',
    );
    expect(transcriptLine(R1)).toBeNull();
    expect(screen.getByRole('button', { name: 'Yazıya dök' })).toBeEnabled();
  });

  it('offers Transcribe again after a failure, only once the file is stored, and never to a student', async () => {
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, storage_status: 'stored', transcript_status: 'failed' }),
          rec({ id: R2, storage_status: 'copying', storage_bytes: 1000, transcript_status: 'none' }),
          rec({ id: R3, transcript_status: 'none' }), // an older server: no storage_status
        ),
    });
    const { unmount } = renderPanel('admin');
    await screen.findByRole('list');
    expect(transcriptLine(R1)).toHaveTextContent(/^Yazıya dökülemedi\.$/);
    expect(transcriptLine(R1)).toHaveAttribute('data-transcript', 'failed');
    expect(buttonsOf(R1)).toEqual(['İzle', 'Yayından kaldır', 'Yazıya dök', 'Sil']);
    expect(buttonsOf(R2)).toEqual(['İzle', 'Yayından kaldır', 'Sil']);
    expect(buttonsOf(R3)).toEqual(['İzle', 'Yayından kaldır', 'Sil']);
    unmount();

    signIn(student);
    renderPanel('participant');
    await screen.findByRole('list');
    expect(within(panel()).queryByRole('button', { name: 'Yazıya dök' })).not.toBeInTheDocument();
    expect(buttonsOf(R1)).toEqual(['İzle']);
    // A failure is nothing a student can act on.
    expect(panel().querySelector('[data-transcript]')).toBeNull();
  });

  it('offers BigBlueButton’s captions of a recording it does not copy, and shows their import', async () => {
    const bbb = { format: 'presentation', resolution: '', storage_status: 'none' } as const;
    const fetchMock = mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, ...bbb }),
          rec({ id: R2, ...bbb, status: 'processing', published_at: undefined }),
          rec({ id: R3, ...bbb, transcript_status: 'failed', transcript_error: 'the file is not WebVTT' }),
        ),
      [`POST ${transcriptOf(R1)}`]: () => json(rec({ id: R1, ...bbb, transcript_status: 'processing' }), 202),
    });
    const user = userEvent.setup({ delay: null });
    const { unmount } = renderPanel('host', 'bbb');
    await screen.findByRole('list');
    expect(buttonsOf(R1)).toEqual(['İzle', 'Yayından kaldır', 'BigBlueButton altyazılarını al', 'Sil']);
    expect(buttonsOf(R2)).toEqual(['Sil']); // not playable yet: nothing to caption
    expect(transcriptLine(R3)).toHaveTextContent(/^Altyazılar alınamadı: the file is not WebVTT$/);
    expect(buttonsOf(R3)).toContain('BigBlueButton altyazılarını al');
    await user.click(within(item(R1)).getByRole('button', { name: 'BigBlueButton altyazılarını al' }));
    await waitFor(() => expect(transcriptLine(R1)).toHaveTextContent(/^Altyazılar alınıyor…$/));
    expect(screen.getByRole('status')).toHaveTextContent(
      "BigBlueButton'daki altyazılar alınıyor; döküm hazır olunca burada görünecek.",
    );
    expect(callsTo(fetchMock, 'POST', transcriptOf(R1))).toHaveLength(1);
    expect(buttonsOf(R1)).toEqual(['İzle', 'Yayından kaldır', 'Sil']);
    unmount();

    // Another provider's recording without our copy has nothing to offer; nor has a student.
    const zoom = renderPanel('host', 'zoom');
    await screen.findByRole('list');
    expect(buttonsOf(R3)).toEqual(['İzle', 'Yayından kaldır', 'Sil']);
    expect(transcriptLine(R3)).toHaveTextContent(/^Yazıya dökülemedi: the file is not WebVTT$/);
    zoom.unmount();
    signIn(student);
    renderPanel('participant', 'bbb');
    await screen.findByRole('list');
    expect(within(panel()).queryByRole('button', { name: 'BigBlueButton altyazılarını al' })).not.toBeInTheDocument();
  });

  it('shows why BigBlueButton’s captions could not be asked for, and keeps the button', async () => {
    mockApi({
      [`GET ${base}`]: () => list(rec({ format: 'presentation', storage_status: 'none' })),
      [`POST ${transcriptOf(R1)}`]: () =>
        problem('unavailable', 503, 'the shared secret in the school’s live-class settings does not match'),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host', 'bbb');
    await user.click(await screen.findByRole('button', { name: 'BigBlueButton altyazılarını al' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Hizmet şu an yanıt veremiyor; birazdan tekrar deneyin. (the shared secret in the school’s live-class settings does not match)',
    );
    expect(transcriptLine(R1)).toBeNull();
    expect(screen.getByRole('button', { name: 'BigBlueButton altyazılarını al' })).toBeEnabled();
  });

  it('looks again every 10 s while a transcript is being made, and stops once it is ready', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'], shouldAdvanceTime: true });
    const answers = [
      rec({ storage_status: 'stored', transcript_status: 'processing', transcript_progress: 10 }),
      rec({ storage_status: 'stored', transcript_status: 'processing', transcript_progress: 55 }),
      readyRec(),
    ];
    let calls = 0;
    const fetchMock = mockApi({ [`GET ${base}`]: () => list(answers[Math.min(calls++, answers.length - 1)]) });
    const { unmount } = renderPanel('host');
    await waitFor(() => expect(transcriptLine(R1)).toHaveTextContent('Yazıya dökülüyor… %10'));
    await act(() => vi.advanceTimersByTimeAsync(8_000));
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(2_000));
    await waitFor(() => expect(transcriptLine(R1)).toHaveTextContent('Yazıya dökülüyor… %55'));
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    await waitFor(() => expect(transcriptLine(R1)).toHaveTextContent('Transkript (tr)'));
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(3);
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(3);
    unmount();
  });

  it('starts following the progress after Transcribe, and stops when the panel goes away', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'], shouldAdvanceTime: true });
    let current = rec({ storage_status: 'stored' });
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(current),
      [`POST ${transcriptOf(R1)}`]: () => {
        current = rec({ storage_status: 'stored', transcript_status: 'processing', transcript_progress: 30 });
        return json(rec({ storage_status: 'stored', transcript_status: 'processing', transcript_progress: 0 }), 202);
      },
    });
    const user = userEvent.setup({ delay: null });
    const { unmount } = renderPanel('host');
    const transcribe = await screen.findByRole('button', { name: 'Yazıya dök' });
    // Nothing being made yet: nothing to follow.
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(1);
    await user.click(transcribe);
    await waitFor(() => expect(transcriptLine(R1)).toHaveTextContent('Yazıya dökülüyor… %0'));
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    await waitFor(() => expect(transcriptLine(R1)).toHaveTextContent('Yazıya dökülüyor… %30'));
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(2);
    unmount();
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(2);
  });

  it('speaks English', async () => {
    await i18n.changeLanguage('en');
    mockApi({
      [`GET ${base}`]: () =>
        list(
          rec({ id: R1, storage_status: 'stored', transcript_status: 'processing', transcript_progress: 42 }),
          readyRec({ id: R2, transcript_language: 'en' }),
          rec({ id: R3, storage_status: 'stored', transcript_status: 'failed' }),
        ),
      [`GET ${transcriptOf(R2)}?format=json`]: () => json({ ...TRANSCRIPT, recording_id: R2, language: 'en' }),
    });
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await screen.findByRole('list');
    expect(transcriptLine(R1)).toHaveTextContent(/^Transcribing… 42%$/);
    expect(transcriptLine(R2)).toHaveTextContent(/^Transcript \(en\)$/);
    expect(transcriptLine(R3)).toHaveTextContent(/^Could not be transcribed\.$/);
    expect(buttonsOf(R2)).toEqual(['Watch with captions', 'VTT', 'SRT', 'Show transcript', 'Summary', 'Quiz suggestions', 'Watch', 'Unpublish', 'Delete']);
    expect(buttonsOf(R3)).toEqual(['Watch', 'Unpublish', 'Transcribe', 'Delete']);
    await user.click(screen.getByRole('button', { name: 'Show transcript' }));
    expect(await screen.findByRole('region', { name: 'Transcript: Recording of 26 Nov 2026, 14:00' })).toHaveTextContent(
      '01:05 Limit tanımından başlayalım.',
    );
    expect(screen.getByRole('button', { name: 'Hide transcript' })).toHaveAttribute('aria-expanded', 'true');
  });
});
