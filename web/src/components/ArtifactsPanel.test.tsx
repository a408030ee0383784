import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18n from '../i18n';
import type { Artifact, LiveSession } from '../api/types';
import {
  ARTIFACT_ID,
  SID,
  artifact,
  buttonLabels,
  callsTo,
  json,
  listOf,
  mockApi,
  problem,
  renderWithApp,
  signIn,
  signInSpeaking,
  student,
  teacher,
} from '../test/api';
import { ArtifactsPanel } from './ArtifactsPanel';

const base = `/api/v1/live-sessions/${SID}/artifacts/`;
const A1 = ARTIFACT_ID;
const A2 = 'b2222222-2222-4222-8222-222222222222';
const A3 = 'b3333333-3333-4333-8333-333333333333';
const A4 = 'b4444444-4444-4444-8444-444444444444';
const A5 = 'b5555555-5555-4555-8555-555555555555';
const SIGNED = `https://media.example.org/artifacts/${A1}.json?exp=1795694700&sig=abc123`;

const list = listOf<Artifact>;

/** One of each kind, as the server sends them to the class's staff. */
const allKinds = () => [
  artifact(),
  artifact({
    id: A2,
    type: 'whiteboard',
    title: 'Tahta 1',
    metadata: { provider: 'bbb', format: 'pdf', page_count: 3, size_bytes: 2_450_000 },
  }),
  artifact({ id: A3, type: 'file', title: 'turev-ornekler.pdf', metadata: { size_bytes: 812 } }),
  artifact({ id: A4, type: 'poll', title: 'Türev kuralları anketi', metadata: {} }),
  artifact({ id: A5, type: 'notes', title: '', metadata: {} }),
];

function renderPanel(role: LiveSession['my_role']) {
  return renderWithApp(<ArtifactsPanel sessionId={SID} role={role} timeZone="Europe/Istanbul" />);
}

const panel = () => screen.getByRole('region', { name: /Ders çıktıları|Class outputs/ });
const item = (id: string) => panel().querySelector<HTMLElement>(`[data-artifact-id="${id}"]`)!;
/** The line under the title: message count, size, date. */
const factsOf = (id: string) => item(id).querySelector<HTMLElement>('.artifact-main .muted')!;
const buttonsOf = (id: string) => buttonLabels(item(id));

beforeEach(() => signInSpeaking(teacher));

describe('ArtifactsPanel — the host', () => {
  it('lists the outputs with their kind, title, message count, size and date in the user’s zone', async () => {
    const fetchMock = mockApi({ [`GET ${base}`]: () => list(...allKinds()) });
    renderPanel('host');
    expect(await screen.findByText('Türev — Canlı sohbeti')).toBeInTheDocument();
    expect(within(panel()).getByRole('heading', { level: 2 })).toHaveTextContent('Ders çıktıları 5');
    expect(within(panel()).getAllByRole('listitem')).toHaveLength(5);

    expect(within(item(A1)).getByText('Sohbet kaydı')).toHaveAttribute('data-type', 'chat');
    expect(factsOf(A1)).toHaveTextContent(/^42 mesaj · 5,3 KB · Oluşturulma tarihi: 26 Kas 2026 14:05$/);
    expect(within(item(A2)).getByText('Beyaz tahta')).toHaveAttribute('data-type', 'whiteboard');
    expect(item(A2)).toHaveTextContent('Tahta 1');
    expect(factsOf(A2)).toHaveTextContent(/^3 sayfa · 2,5 MB · Oluşturulma tarihi: 26 Kas 2026 14:05$/);
    expect(within(item(A3)).getByText('Dosya')).toBeInTheDocument();
    expect(factsOf(A3)).toHaveTextContent(/^0,8 KB · Oluşturulma/);
    expect(within(item(A4)).getByText('Anket')).toBeInTheDocument();
    expect(item(A4)).toHaveTextContent('Türev kuralları anketi');
    expect(factsOf(A4)).toHaveTextContent(/^Oluşturulma tarihi: 26 Kas 2026 14:05$/);
    // Without a title the kind stands in for it.
    expect(within(item(A5)).getAllByText('Notlar')).toHaveLength(2);
    // Only a chat log has messages.
    for (const id of [A2, A3, A4, A5]) expect(item(id)).not.toHaveTextContent('mesaj');

    for (const id of [A1, A2, A3, A4, A5]) expect(buttonsOf(id)).toEqual(['İndir', 'Sil']);
    // The signed links are asked for only on a click.
    expect(fetchMock.mock.calls.map(([u]) => String(u))).toEqual([base]);
  });

  it('names each button’s artifact for screen readers', async () => {
    mockApi({ [`GET ${base}`]: () => list(...allKinds()) });
    renderPanel('admin');
    await screen.findByRole('list');
    const [download, del] = within(item(A1)).getAllByRole('button');
    expect(download).toHaveAccessibleName('İndir');
    expect(download).toHaveAccessibleDescription('Sohbet kaydı Türev — Canlı sohbeti');
    expect(del).toHaveAccessibleName('Sil');
    expect(del).toHaveAccessibleDescription('Sohbet kaydı Türev — Canlı sohbeti');
    expect(within(item(A2)).getByRole('button', { name: 'İndir' })).toHaveAccessibleDescription('Beyaz tahta Tahta 1');
  });

  it('counts the messages in the user’s language, one or many', async () => {
    mockApi({
      [`GET ${base}`]: () =>
        list(
          artifact({ metadata: { message_count: 1 } }),
          artifact({ id: A2, metadata: { message_count: 1234 } }),
          artifact({ id: A3, metadata: {} }),
        ),
    });
    renderPanel('host');
    await screen.findByRole('list');
    expect(factsOf(A1)).toHaveTextContent(/^1 mesaj · Oluşturulma/);
    expect(factsOf(A2)).toHaveTextContent(/^1\.234 mesaj · Oluşturulma/);
    expect(item(A3)).not.toHaveTextContent('mesaj');
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    expect(factsOf(A1)).toHaveTextContent(/^1 message · Created: 26 Nov 2026, 14:05$/);
    expect(factsOf(A2)).toHaveTextContent(/^1,234 messages · Created/);
  });

  it('deletes an artifact after confirmation and shows the refreshed list', async () => {
    let current = [artifact()];
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(...current),
      [`DELETE ${base}${A1}/`]: () => {
        current = [];
        return new Response(null, { status: 204 });
      },
    });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Sil' }));
    expect(confirm).toHaveBeenCalledWith('“Türev — Canlı sohbeti” kalıcı olarak silinsin mi? Bu işlem geri alınamaz.');
    expect(
      await screen.findByText('Henüz ders çıktısı yok: sohbet kayıtları, dersin kaydı işlendikten sonra burada görünür.'),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'DELETE', `${base}${A1}/`)).toHaveLength(1);
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(2);
    expect(screen.getByRole('status')).toHaveTextContent('Ders çıktısı silindi.');
    expect(within(panel()).getByRole('heading', { level: 2 })).toHaveTextContent('Ders çıktıları 0');
  });

  it('sends nothing when the deletion is not confirmed', async () => {
    const fetchMock = mockApi({ [`GET ${base}`]: () => list(artifact()) });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    const user = userEvent.setup({ delay: null });
    renderPanel('admin');
    await user.click(await screen.findByRole('button', { name: 'Sil' }));
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(callsTo(fetchMock, 'DELETE', `${base}${A1}/`)).toHaveLength(0);
    expect(callsTo(fetchMock, 'GET', base)).toHaveLength(1);
    expect(screen.getByText('Türev — Canlı sohbeti')).toBeInTheDocument();
  });

  it('shows the problem when the deletion is refused, and keeps the list as it was', async () => {
    mockApi({
      [`GET ${base}`]: () => list(artifact()),
      [`DELETE ${base}${A1}/`]: () => problem('forbidden', 403, 'only the class’s instructors may delete its artifacts'),
    });
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup({ delay: null });
    renderPanel('host');
    await user.click(await screen.findByRole('button', { name: 'Sil' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem için yetkiniz yok. (only the class’s instructors may delete its artifacts)',
    );
    expect(screen.getByText('Türev — Canlı sohbeti')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sil' })).toBeEnabled();
  });

  it('lets a moderator download but not delete', async () => {
    mockApi({ [`GET ${base}`]: () => list(...allKinds()) });
    renderPanel('moderator');
    await waitFor(() => expect(buttonsOf(A1)).toEqual(['İndir']));
    expect(buttonsOf(A2)).toEqual(['İndir']);
  });
});

describe('ArtifactsPanel — a student', () => {
  it('lists what the server sends, with a download button and nothing to delete', async () => {
    signIn(student);
    mockApi({
      [`GET ${base}`]: () =>
        list(
          artifact({ id: A2, type: 'whiteboard', title: 'Tahta 1', metadata: {} }),
          artifact({ id: A5, type: 'notes', title: 'Ders notları', metadata: {} }),
        ),
    });
    renderPanel('participant');
    expect(await screen.findByText('Tahta 1')).toBeInTheDocument();
    expect(within(item(A2)).getByText('Beyaz tahta')).toBeInTheDocument();
    expect(within(item(A5)).getByText('Notlar')).toBeInTheDocument();
    expect(buttonsOf(A2)).toEqual(['İndir']);
    expect(buttonsOf(A5)).toEqual(['İndir']);
    expect(within(panel()).queryByRole('button', { name: 'Sil' })).not.toBeInTheDocument();
  });

  it('fetches the signed link on Download, opens it, and offers it in case of a pop-up blocker', async () => {
    signIn(student);
    const fetchMock = mockApi({
      [`GET ${base}`]: () => list(artifact({ type: 'notes', title: 'Ders notları' })),
      [`GET ${base}${A1}/download/`]: () => json({ url: SIGNED, expires_at: '2026-11-27T08:05:00Z' }),
    });
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const user = userEvent.setup({ delay: null });
    renderPanel('participant');
    await user.click(await screen.findByRole('button', { name: 'İndir' }));
    await waitFor(() => expect(open).toHaveBeenCalledWith(SIGNED, '_blank', 'noopener'));
    expect(open).toHaveBeenCalledTimes(1);
    expect(callsTo(fetchMock, 'GET', `${base}${A1}/download/`)).toHaveLength(1);
    // The link itself is asked for with the bearer token; the file is then opened without it.
    const call = fetchMock.mock.calls.find(([u]) => String(u) === `${base}${A1}/download/`)!;
    expect((call[1]?.headers as Record<string, string>).Authorization).toBe('Bearer test-token');
    expect(fetchMock.mock.calls.some(([u]) => String(u) === SIGNED)).toBe(false);
    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent(
      'İndirme yeni bir sekmede başlatıldı. Başlamadıysa buraya tıklayın (bağlantı 11:05 saatine kadar geçerli)',
    );
    expect(within(status).getByRole('link', { name: 'Başlamadıysa buraya tıklayın' })).toHaveAttribute('href', SIGNED);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    // Each click asks for a fresh link (the previous one may have expired).
    await user.click(screen.getByRole('button', { name: 'İndir' }));
    await waitFor(() => expect(open).toHaveBeenCalledTimes(2));
    expect(callsTo(fetchMock, 'GET', `${base}${A1}/download/`)).toHaveLength(2);
  });

  it('shows the server’s message when the link cannot be had, and opens nothing', async () => {
    signIn(student);
    mockApi({
      [`GET ${base}`]: () => list(artifact({ type: 'file', title: 'ornek.pdf' })),
      [`GET ${base}${A1}/download/`]: () => problem('not-found', 404, 'no such artifact'),
    });
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const user = userEvent.setup({ delay: null });
    renderPanel('participant');
    await user.click(await screen.findByRole('button', { name: 'İndir' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Aradığınız kayıt bulunamadı. (no such artifact)');
    expect(open).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'İndir' })).toBeEnabled();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  it('says there are no class outputs yet', async () => {
    signIn(student);
    mockApi({ [`GET ${base}`]: () => list() });
    renderPanel('participant');
    expect(
      await screen.findByText('Henüz ders çıktısı yok: sohbet kayıtları, dersin kaydı işlendikten sonra burada görünür.'),
    ).toBeInTheDocument();
    expect(within(panel()).queryByRole('list')).not.toBeInTheDocument();
    expect(within(panel()).queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows why the list could not be loaded', async () => {
    signIn(student);
    mockApi({ [`GET ${base}`]: () => problem('forbidden', 403, 'not enrolled in this course') });
    renderPanel('participant');
    expect(await screen.findByRole('alert')).toHaveTextContent('Bu işlem için yetkiniz yok. (not enrolled in this course)');
    expect(screen.queryByText(/Henüz ders çıktısı yok/)).not.toBeInTheDocument();
    expect(within(panel()).queryByRole('list')).not.toBeInTheDocument();
  });
});

describe('ArtifactsPanel — English', () => {
  it('speaks English after a language switch', async () => {
    mockApi({ [`GET ${base}`]: () => list(...allKinds()) });
    renderPanel('host');
    await screen.findByText('Türev — Canlı sohbeti');
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    expect(within(panel()).getByRole('heading', { level: 2 })).toHaveTextContent('Class outputs 5');
    expect(within(item(A1)).getByText('Chat log')).toBeInTheDocument();
    expect(factsOf(A1)).toHaveTextContent(/^42 messages · 5\.3 KB · Created: 26 Nov 2026, 14:05$/);
    expect(within(item(A2)).getByText('Whiteboard')).toBeInTheDocument();
    expect(factsOf(A2)).toHaveTextContent(/^3 pages · 2\.5 MB · Created/);
    expect(within(item(A3)).getByText('File')).toBeInTheDocument();
    expect(within(item(A4)).getByText('Poll')).toBeInTheDocument();
    expect(within(item(A5)).getAllByText('Notes')).toHaveLength(2);
    expect(buttonsOf(A1)).toEqual(['Download', 'Delete']);
  });

  it('says there is nothing yet in English', async () => {
    await i18n.changeLanguage('en');
    mockApi({ [`GET ${base}`]: () => list() });
    renderPanel('participant');
    expect(
      await screen.findByText('No class outputs yet: chat logs appear here after the class’s recording is processed.'),
    ).toBeInTheDocument();
  });
});
