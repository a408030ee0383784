import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18n from '../i18n';
import type { LiveParticipant, LiveParticipants, User } from '../api/types';
import { SID, callsTo, json, mockApi, problem, renderWithApp, signIn, student, teacher } from '../test/api';
import { AttendancePanel } from './AttendancePanel';

const base = `/api/v1/live-sessions/${SID}`;
const STREAM = `GET ${base}/participants/stream/`;

const moderator: User = { ...student, id: 'b2222222-2222-4222-8222-222222222222', full_name: 'Mehmet Demir', email: 'mehmet@ornek.k12.tr' };
const zeynep: User = { ...student, id: 'd4444444-4444-4444-8444-444444444444', full_name: 'Zeynep Kaya', email: 'zeynep@ornek.k12.tr' };

function person(u: User, role: LiveParticipant['role'], over: Partial<LiveParticipant> = {}): LiveParticipant {
  return {
    user_id: u.id,
    full_name: u.full_name,
    role,
    joined_at: '2026-11-26T10:02:00Z',
    last_seen_at: '2026-11-26T10:20:00Z',
    in_background: false,
    devices: 1,
    device_type: 'desktop',
    browser: 'Firefox',
    ...over,
  };
}

function snapshot(participants: LiveParticipant[]): LiveParticipants {
  return { session_id: SID, status: 'live', participant_count: participants.length, participants };
}
const participantsEvent = (s: LiveParticipants) => `event: participants\ndata: ${JSON.stringify(s)}\n\n`;

const everyone = snapshot([
  person(teacher, 'host'),
  person(moderator, 'moderator', { joined_at: '2026-11-26T10:05:00Z' }),
  person(student, 'participant', { in_background: true, devices: 2, device_type: 'mobile', browser: 'Safari' }),
]);

/** A text/event-stream answer whose body the test writes to; it fails like fetch's when the request is aborted. */
function sseStream() {
  const enc = new TextEncoder();
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      ctl = c;
    },
  });
  return {
    respond(init: RequestInit | undefined) {
      init?.signal?.addEventListener('abort', () => {
        try {
          ctl.error(new DOMException('The operation was aborted.', 'AbortError'));
        } catch {
          // already closed
        }
      });
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' } });
    },
    send: (text: string) => ctl.enqueue(enc.encode(text)),
  };
}

function renderPanel(props: { onKick?: (p: LiveParticipant) => void; onEnded?: () => void } = {}) {
  return renderWithApp(<AttendancePanel sessionId={SID} timeZone="Europe/Istanbul" {...props} />);
}

const panel = () => screen.getByRole('region', { name: /Katılımcılar/ });
const item = (name: string) => screen.getByText(name).closest('li') as HTMLElement;

beforeEach(async () => {
  signIn(teacher);
  await i18n.changeLanguage('tr');
});
describe('AttendancePanel — live list', () => {
  it('shows who is in the room from the first event and follows later ones', async () => {
    const stream = sseStream();
    const fetchMock = mockApi({ [STREAM]: (init) => stream.respond(init) });
    renderPanel();
    expect(screen.getByRole('status')).toHaveTextContent('Bağlanıyor…');

    // The first event arrives in pieces, split inside a line and inside a CRLF.
    const text = participantsEvent(everyone).replace(/\n/g, '\r\n');
    stream.send(': connected\r\n\r\n' + text.slice(0, 25));
    stream.send(text.slice(25, -1));
    stream.send(text.slice(-1));
    expect(await screen.findByText('Can Yılmaz')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Canlı güncelleniyor');
    expect(screen.getByRole('heading', { name: 'Katılımcılar 3' })).toBeInTheDocument();

    const names = within(panel()).getAllByRole('listitem').map((li) => li.querySelector('strong')?.textContent);
    expect(names).toEqual(['Ayşe Öğretmen', 'Can Yılmaz', 'Mehmet Demir']); // alphabetical in Turkish
    expect(within(item('Ayşe Öğretmen')).getByText('Öğretmen')).toHaveClass('tag');
    expect(within(item('Mehmet Demir')).getByText('Moderatör')).toHaveClass('tag');
    expect(within(item('Mehmet Demir')).getByText(/13:05 itibarıyla/)).toBeInTheDocument();
    const can = item('Can Yılmaz');
    expect(within(can).getByText('Sekme arka planda')).toBeInTheDocument();
    expect(within(can).getByText('13:02 itibarıyla · Telefon · 2 cihaz')).toBeInTheDocument();
    expect(within(item('Ayşe Öğretmen')).queryByText(/cihaz/)).not.toBeInTheDocument();

    // The stream is read with the token in a header, never in the URL.
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe(`${base}/participants/stream/`);
    const headers = new Headers(init?.headers);
    expect(headers.get('Authorization')).toBe('Bearer test-token');
    expect(headers.get('Accept')).toBe('text/event-stream');

    stream.send(
      participantsEvent(
        snapshot([person(teacher, 'host'), person(zeynep, 'participant', { device_type: 'tablet' }), person(student, 'participant')]),
      ),
    );
    expect(await screen.findByText('Zeynep Kaya')).toBeInTheDocument();
    expect(screen.queryByText('Mehmet Demir')).not.toBeInTheDocument();
    expect(within(item('Can Yılmaz')).queryByText('Sekme arka planda')).not.toBeInTheDocument();
    expect(within(item('Zeynep Kaya')).getByText(/Tablet/)).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('says when the room is empty', async () => {
    const stream = sseStream();
    mockApi({ [STREAM]: (init) => stream.respond(init) });
    renderPanel();
    stream.send(participantsEvent(snapshot([])));
    expect(await screen.findByText('Odada henüz kimse yok.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Katılımcılar 0' })).toBeInTheDocument();
  });

  it('skips a malformed event and keeps the list', async () => {
    const stream = sseStream();
    mockApi({ [STREAM]: (init) => stream.respond(init) });
    renderPanel();
    stream.send(participantsEvent(everyone));
    await screen.findByText('Can Yılmaz');
    stream.send('event: participants\ndata: {not json\n\n' + participantsEvent(snapshot([person(teacher, 'host')])));
    await waitFor(() => expect(screen.queryByText('Can Yılmaz')).not.toBeInTheDocument());
    expect(screen.getByText('Ayşe Öğretmen')).toBeInTheDocument();
  });

  it('shows the ended state and tells the page when the class ends', async () => {
    const stream = sseStream();
    mockApi({ [STREAM]: (init) => stream.respond(init) });
    const onEnded = vi.fn();
    renderPanel({ onEnded });
    stream.send(participantsEvent(everyone));
    await screen.findByText('Can Yılmaz');
    stream.send('event: ended\ndata: {"status":"ended"}\n\n');
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Ders bitti'));
    expect(onEnded).toHaveBeenCalledTimes(1);
  });

  it('shows the refused state on a 403 and does not ask again', async () => {
    const fetchMock = mockApi({ [STREAM]: () => problem('forbidden', 403, 'only hosts, moderators and admins can see this') });
    renderPanel();
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Liste görüntülenemiyor'));
    expect(within(panel()).queryAllByRole('listitem')).toHaveLength(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('says it is reconnecting after a server error and connects again', async () => {
    // Fake timeouts that still move with real time (Testing Library waits with setTimeout), so only the
    // 3 s reconnect delay needs an explicit jump.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const stream = sseStream();
    let calls = 0;
    const fetchMock = mockApi({
      [STREAM]: (init) => (++calls === 1 ? problem('unavailable', 503, 'starting up') : stream.respond(init)),
    });
    renderPanel();
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Bağlantı koptu, yeniden bağlanıyor…'));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    stream.send(participantsEvent(everyone));
    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect(await screen.findByText('Can Yılmaz')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });
});

describe('AttendancePanel — moderation', () => {
  async function withEveryone(routes: Parameters<typeof mockApi>[0] = {}, props: Parameters<typeof renderPanel>[0] = {}) {
    const stream = sseStream();
    const fetchMock = mockApi({ [STREAM]: (init) => stream.respond(init), ...routes });
    renderPanel(props);
    stream.send(participantsEvent(everyone));
    await screen.findByText('Can Yılmaz');
    return fetchMock;
  }

  it('offers kick and mute for participants only, not for the user or the hosts', async () => {
    await withEveryone();
    expect(within(item('Can Yılmaz')).getByRole('button', { name: 'Çıkar: Can Yılmaz' })).toBeEnabled();
    expect(within(item('Can Yılmaz')).getByRole('button', { name: 'Sessize al: Can Yılmaz' })).toBeEnabled();
    expect(within(item('Ayşe Öğretmen')).queryByRole('button')).not.toBeInTheDocument();
    expect(within(item('Mehmet Demir')).queryByRole('button')).not.toBeInTheDocument();
  });

  it('never offers to kick the signed-in user, whatever their role in the list', async () => {
    localStorage.clear();
    signIn(student);
    await withEveryone();
    expect(within(item('Can Yılmaz')).queryByRole('button')).not.toBeInTheDocument();
  });

  it('asks before kicking, then records the kick and lets the room remove them', async () => {
    const onKick = vi.fn();
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    const fetchMock = await withEveryone(
      {
        [`POST ${base}/participants/${student.id}/kick/`]: () =>
          json({ user_id: student.id, action: 'kick', provider_applied: false, provider_detail: 'remove them in the meeting' }),
      },
      { onKick },
    );
    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByRole('button', { name: 'Çıkar: Can Yılmaz' }));
    expect(confirm).toHaveBeenCalledWith('Can Yılmaz dersten çıkarılsın mı? Bu derse yeniden katılamaz.');
    expect(
      await screen.findByText('Can Yılmaz dersten çıkarıldı. Platform bunu kendisi uygulamıyor: remove them in the meeting'),
    ).toHaveAttribute('role', 'status');
    expect(callsTo(fetchMock, 'POST', `${base}/participants/${student.id}/kick/`)).toHaveLength(1);
    expect(onKick).toHaveBeenCalledWith(expect.objectContaining({ user_id: student.id, full_name: 'Can Yılmaz' }));
  });

  it('does nothing when the kick is not confirmed', async () => {
    const onKick = vi.fn();
    vi.spyOn(window, 'confirm').mockReturnValue(false);
    const fetchMock = await withEveryone({}, { onKick });
    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByRole('button', { name: 'Çıkar: Can Yılmaz' }));
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(0);
    expect(onKick).not.toHaveBeenCalled();
  });

  it('mutes, disabling the buttons while the request is pending', async () => {
    let answer!: (r: Response) => void;
    const fetchMock = await withEveryone({
      [`POST ${base}/participants/${student.id}/mute/`]: () => new Promise<Response>((r) => (answer = r)),
    });
    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByRole('button', { name: 'Sessize al: Can Yılmaz' }));
    const mute = screen.getByRole('button', { name: 'Sessize al: Can Yılmaz' });
    expect(mute).toBeDisabled();
    expect(mute).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('button', { name: 'Çıkar: Can Yılmaz' })).toBeDisabled();
    await act(async () => answer(json({ user_id: student.id, action: 'mute', provider_applied: false })));
    // The platform did not apply it (no provider_detail given): the panel says it was only recorded.
    expect(await screen.findByText('Can Yılmaz için sessize alma kaydedildi.')).toBeInTheDocument();
    expect(mute).toBeEnabled();
    expect(callsTo(fetchMock, 'POST', `${base}/participants/${student.id}/mute/`)).toHaveLength(1);
  });

  it('shows the problem when muting fails', async () => {
    await withEveryone({
      [`POST ${base}/participants/${student.id}/mute/`]: () => problem('conflict', 409, 'the session is not live'),
    });
    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByRole('button', { name: 'Sessize al: Can Yılmaz' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Bu işlem dersin şu anki durumunda yapılamaz. (the session is not live)');
    expect(screen.getByRole('button', { name: 'Sessize al: Can Yılmaz' })).toBeEnabled();
  });
});

describe('AttendancePanel — English', () => {
  it('translates roles, states and devices', async () => {
    await i18n.changeLanguage('en');
    const stream = sseStream();
    mockApi({ [STREAM]: (init) => stream.respond(init) });
    renderPanel();
    stream.send(participantsEvent(everyone));
    expect(await screen.findByText('Teacher')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Participants 3' })).toBeInTheDocument();
    expect(screen.getByText('Tab in background')).toBeInTheDocument();
    expect(screen.getByText('since 13:02 · Phone · 2 devices')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Remove: Can Yılmaz' })).toBeInTheDocument();
  });
});
