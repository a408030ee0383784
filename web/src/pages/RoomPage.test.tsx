import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect } from 'react';
import { Route, Routes } from 'react-router-dom';
import i18n from '../i18n';
import type { JoinResponse, LiveSession } from '../api/types';
import {
  JWT,
  PARTICIPANT_ID,
  SID,
  callsTo,
  joinAnswer,
  json,
  liveSession,
  mockApi,
  problem,
  renderWithApp,
  signIn,
  student,
  teacher,
  type Handler,
} from '../test/api';
import { RoomPage } from './RoomPage';

// The Jitsi IFrame API cannot run in jsdom: a stand-in shows the props it was given and hands the page
// a fake meeting API.
const meeting = vi.hoisted(() => {
  const listeners = new Map<string, Set<(e: unknown) => void>>();
  return {
    listeners,
    dispose: vi.fn(),
    executeCommand: vi.fn(),
    getParticipantsInfo: vi.fn(() => [] as { participantId: string; displayName?: string }[]),
    addListener: vi.fn((name: string, fn: (e: unknown) => void) => {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)!.add(fn);
    }),
    removeListener: vi.fn((name: string, fn: (e: unknown) => void) => listeners.get(name)?.delete(fn)),
    /** What the Jitsi IFrame API would emit. */
    emit(name: string, e: unknown) {
      for (const fn of listeners.get(name) ?? []) fn(e);
    },
  };
});
vi.mock('@jitsi/react-sdk', () => ({
  JitsiMeeting: (props: {
    domain: string;
    roomName: string;
    jwt?: string;
    lang?: string;
    configOverwrite?: Record<string, unknown>;
    onApiReady?: (api: unknown) => void;
  }) => {
    const { onApiReady } = props;
    useEffect(() => onApiReady?.(meeting), [onApiReady]);
    return (
      <div data-testid="jitsi" data-domain={props.domain} data-room={props.roomName} data-jwt={props.jwt} data-lang={props.lang}>
        {JSON.stringify(props.configOverwrite)}
      </div>
    );
  },
}));

// The class whiteboard (Excalidraw, loaded lazily) has its own tests: a stand-in shows what it was given.
vi.mock('../components/WhiteboardPanel', () => ({
  WhiteboardPanel: ({ sessionId, classOver }: { sessionId: string; classOver?: boolean }) => (
    <section aria-label="whiteboard stand-in" data-session={sessionId} data-class-over={String(!!classOver)} />
  ),
}));

const base = `/api/v1/live-sessions/${SID}`;
const ROOM = `demo-${SID}`;

function routes(session: LiveSession, extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/v1/notifications/preferences/': () => json({ timezone: 'Europe/Istanbul' }),
    [`GET ${base}/`]: () => json(session),
    [`POST ${base}/join/`]: () => json(joinAnswer()),
    [`POST ${base}/heartbeat/`]: () => json({ participant_ids: [PARTICIPANT_ID], visible: true, resumed: false, next_heartbeat_seconds: 30 }),
    [`POST ${base}/leave/`]: () => new Response(null, { status: 204 }),
    ...extra,
  };
}

function renderRoom(join?: JoinResponse) {
  return renderWithApp(
    <Routes>
      <Route path="/sessions/:id/room" element={<RoomPage />} />
      <Route path="/sessions/:id" element={<p>class page</p>} />
    </Routes>,
    [{ pathname: `/sessions/${SID}/room`, state: join ? { join } : null }],
  );
}

const live = (over: Partial<LiveSession> = {}) =>
  liveSession({ status: 'live', actual_start: '2026-11-26T10:00:00Z', participant_count: 2, ...over });

beforeEach(async () => {
  signIn(student);
  await i18n.changeLanguage('tr');
});
afterEach(() => {
  cleanup(); // unmount first: unmounting disposes the meeting, which must not count for the next test
  meeting.dispose.mockClear();
  meeting.executeCommand.mockClear();
  meeting.getParticipantsInfo.mockReset();
  meeting.addListener.mockClear();
  meeting.removeListener.mockClear();
  meeting.listeners.clear();
});

describe('RoomPage — providers', () => {
  it('embeds Jitsi with the domain, room and jwt of the join answer it was handed', async () => {
    const fetchMock = mockApi(routes(live({ my_role: 'participant' })));
    renderRoom(joinAnswer());
    const jitsi = screen.getByTestId('jitsi');
    expect(jitsi).toHaveAttribute('data-domain', 'meet.example.org');
    expect(jitsi).toHaveAttribute('data-room', ROOM);
    expect(jitsi).toHaveAttribute('data-jwt', JWT);
    expect(jitsi).toHaveAttribute('data-lang', 'tr');
    expect(await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' })).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', `${base}/join/`)).toHaveLength(0);
  });

  it('applies the policy overrides the server put in the join URL’s fragment', async () => {
    mockApi(routes(live({ type: 'webinar' })));
    renderRoom(
      joinAnswer({
        join_url: `https://meet.example.org/${ROOM}?jwt=${JWT}#config.startWithAudioMuted=true&config.startWithVideoMuted=true&config.disableReactionsModeration=true`,
      }),
    );
    const jitsi = screen.getByTestId('jitsi');
    expect(jitsi).toHaveAttribute('data-room', ROOM);
    expect(jitsi).toHaveAttribute('data-jwt', JWT);
    expect(JSON.parse(jitsi.textContent ?? '{}')).toEqual({
      startWithAudioMuted: true,
      startWithVideoMuted: true,
      disableReactionsModeration: true,
      prejoinConfig: { enabled: true },
      disableDeepLinking: true,
    });
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
  });

  it('joins by itself when opened without a join answer (a reload or a link)', async () => {
    let answer!: (r: Response) => void;
    const fetchMock = mockApi(routes(live(), { [`POST ${base}/join/`]: () => new Promise<Response>((r) => (answer = r)) }));
    renderRoom();
    expect(screen.getByText('Odaya bağlanılıyor…')).toBeInTheDocument();
    expect(screen.queryByTestId('jitsi')).not.toBeInTheDocument();
    await waitFor(() => expect(callsTo(fetchMock, 'POST', `${base}/join/`)).toHaveLength(1));
    await act(async () => answer(json(joinAnswer())));
    expect(await screen.findByTestId('jitsi')).toHaveAttribute('data-room', ROOM);
    expect(screen.queryByText('Odaya bağlanılıyor…')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', `${base}/join/`)).toHaveLength(1);
  });

  it('shows BigBlueButton in a frame with the join URL', async () => {
    const url = 'https://bbb.ornek.k12.tr/bigbluebutton/api/join?meetingID=x&fullName=Can&checksum=abc';
    mockApi(routes(live({ provider: 'bbb' })));
    renderRoom(joinAnswer({ provider: 'bbb', join_url: url, token: null }));
    const frame = screen.getByTitle('Canlı ders odası');
    expect(frame.tagName).toBe('IFRAME');
    expect(frame).toHaveAttribute('src', url);
    expect(frame.getAttribute('allow')).toContain('camera');
    expect(screen.queryByTestId('jitsi')).not.toBeInTheDocument();
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
  });

  it('frames our own launch link when join links are single use (no provider URL is handed out)', async () => {
    const launch = `${window.location.origin}/api/v1/launch/lt_${'b'.repeat(32)}/`;
    mockApi(routes(live()));
    renderRoom(joinAnswer({ join_url: launch, token: null }));
    const frame = screen.getByTitle('Canlı ders odası');
    expect(frame.tagName).toBe('IFRAME');
    expect(frame).toHaveAttribute('src', launch);
    expect(screen.queryByTestId('jitsi')).not.toBeInTheDocument();
    expect(screen.queryByText('Oda adresi okunamadı; yöneticinize bildirin.')).not.toBeInTheDocument();
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
  });

  it('opens Zoom in its own tab', async () => {
    const url = 'https://us06web.zoom.us/j/81234567890?pwd=abc';
    mockApi(routes(live({ provider: 'zoom' })));
    renderRoom(joinAnswer({ provider: 'zoom', join_url: url, token: null }));
    const link = screen.getByRole('link', { name: "Zoom'da aç" });
    expect(link).toHaveAttribute('href', url);
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', expect.stringContaining('noopener'));
    expect(screen.getByText('Zoom dersleri kendi penceresinde açılır.')).toBeInTheDocument();
    expect(screen.queryByTitle('Canlı ders odası')).not.toBeInTheDocument();
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
  });

  it('refuses a Jitsi address it cannot read', async () => {
    mockApi(routes(live()));
    renderRoom(joinAnswer({ join_url: 'http://meet.example.org/room?jwt=x' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Oda adresi okunamadı; yöneticinize bildirin.');
    expect(screen.queryByTestId('jitsi')).not.toBeInTheDocument();
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
  });

  it('shows why the join was refused (409) with a way back', async () => {
    mockApi(routes(live(), { [`POST ${base}/join/`]: () => problem('conflict', 409, 'the class is full (100 participants)') }));
    renderRoom();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem dersin şu anki durumunda yapılamaz. (the class is full (100 participants))',
    );
    expect(screen.getByRole('link', { name: 'Derse dön' })).toHaveAttribute('href', `/sessions/${SID}`);
    expect(screen.queryByTestId('jitsi')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Ayrıl' })).not.toBeInTheDocument();
  });
});

describe('RoomPage — whiteboard', () => {
  const board = () => screen.queryByRole('region', { name: 'whiteboard stand-in' });

  it('opens and closes the class whiteboard next to a Jitsi room', async () => {
    mockApi(routes(live({ my_role: 'participant' })));
    const user = userEvent.setup({ delay: null });
    const { container } = renderRoom(joinAnswer());
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
    const toggle = screen.getByRole('button', { name: 'Beyaz tahta' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(board()).not.toBeInTheDocument();

    await user.click(toggle);
    expect(await screen.findByRole('region', { name: 'whiteboard stand-in' })).toHaveAttribute('data-session', SID);
    expect(board()).toHaveAttribute('data-class-over', 'false');
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(container.querySelector('main.room')).toHaveClass('with-board');
    expect(screen.getByTestId('jitsi')).toBeInTheDocument(); // the room stays

    await user.click(toggle);
    expect(board()).not.toBeInTheDocument();
    expect(container.querySelector('main.room')).not.toHaveClass('with-board');
  });

  it.each([
    ['BigBlueButton', 'bbb' as const, 'https://bbb.ornek.k12.tr/bigbluebutton/api/join?meetingID=x&checksum=abc'],
    ['Zoom', 'zoom' as const, 'https://us06web.zoom.us/j/81234567890?pwd=abc'],
  ])('offers no whiteboard of its own in a %s class (the provider has one)', async (_name, provider, url) => {
    mockApi(routes(live({ provider })));
    renderRoom(joinAnswer({ provider, join_url: url, token: null }));
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
    expect(screen.queryByRole('button', { name: 'Beyaz tahta' })).not.toBeInTheDocument();
  });

  it('keeps the board open, read-only, when the class ends', async () => {
    signIn(teacher);
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    mockApi(
      routes(live({ my_role: 'host' }), {
        [`GET ${base}/participants/stream/`]: () => new Response(new ReadableStream(), { headers: { 'Content-Type': 'text/event-stream' } }),
        [`POST ${base}/end/`]: () => json(live({ status: 'ended', my_role: 'host' })),
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderRoom(joinAnswer({ role: 'host' }));
    await user.click(await screen.findByRole('button', { name: 'Beyaz tahta' }));
    expect(await screen.findByRole('region', { name: 'whiteboard stand-in' })).toHaveAttribute('data-class-over', 'false');
    await user.click(screen.getByRole('button', { name: 'Dersi bitir' }));
    expect(await screen.findByText('Ders sona erdi.')).toBeInTheDocument();
    expect(board()).toHaveAttribute('data-class-over', 'true');
    expect(screen.queryByTestId('jitsi')).not.toBeInTheDocument();
  });
});

describe('RoomPage — heartbeats and leaving', () => {
  it('sends heartbeats after next_heartbeat_seconds and at once when the tab is hidden', async () => {
    // Timeouts are fake but still move with real time (Testing Library waits with them); the 30 s
    // and 20 s heartbeat periods only pass by explicit jumps.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    let period = 20;
    const fetchMock = mockApi(
      routes(live(), {
        [`POST ${base}/heartbeat/`]: () =>
          json({ participant_ids: [PARTICIPANT_ID], visible: true, resumed: false, next_heartbeat_seconds: period }),
      }),
    );
    const beats = () => callsTo(fetchMock, 'POST', `${base}/heartbeat/`);
    renderRoom(joinAnswer());
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });

    await act(() => vi.advanceTimersByTimeAsync(29_000));
    expect(beats()).toHaveLength(0);
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(beats()).toEqual([{ visible: true, participant_id: PARTICIPANT_ID }]);

    // The server asked for every 20 s.
    await act(() => vi.advanceTimersByTimeAsync(19_000));
    expect(beats()).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(beats()).toHaveLength(2);

    // Hidden: at once, with visible false; and the period starts again from there.
    period = 30;
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    await act(async () => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => expect(beats()).toHaveLength(3));
    expect(beats()[2]).toEqual({ visible: false, participant_id: PARTICIPANT_ID });
    await act(() => vi.advanceTimersByTimeAsync(19_500));
    expect(beats()).toHaveLength(3);

    visibility.mockReturnValue('visible');
    await act(async () => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => expect(beats()).toHaveLength(4));
    expect(beats()[3]).toEqual({ visible: true, participant_id: PARTICIPANT_ID });
  });

  it('says so when a moderator removed the user (heartbeat 403)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const fetchMock = mockApi(
      routes(live(), { [`POST ${base}/heartbeat/`]: () => problem('forbidden', 403, 'a moderator removed you from this class') }),
    );
    renderRoom(joinAnswer());
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(await screen.findByText('Bir moderatör sizi bu dersten çıkardı.')).toHaveAttribute('role', 'alert');
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(callsTo(fetchMock, 'POST', `${base}/heartbeat/`)).toHaveLength(1);
  });

  it('shows the class as over when a heartbeat answers 409', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    mockApi(routes(live(), { [`POST ${base}/heartbeat/`]: () => problem('conflict', 409, 'the session is not live') }));
    renderRoom(joinAnswer());
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(await screen.findByText('Ders sona erdi.')).toBeInTheDocument();
    expect(screen.queryByTestId('jitsi')).not.toBeInTheDocument();
  });

  it('leaves: closes its participation, ends the meeting and goes back to the class page', async () => {
    const fetchMock = mockApi(routes(live()));
    const user = userEvent.setup({ delay: null });
    renderRoom(joinAnswer());
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
    await user.click(screen.getByRole('button', { name: 'Ayrıl' }));
    expect(await screen.findByText('class page')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', `${base}/leave/`)).toEqual([{ participant_id: PARTICIPANT_ID }]);
    expect(meeting.dispose).toHaveBeenCalled();
  });

  it('still goes back when the leave request fails', async () => {
    mockApi(routes(live(), { [`POST ${base}/leave/`]: () => problem('not-found', 404, 'no open participation') }));
    const user = userEvent.setup({ delay: null });
    renderRoom(joinAnswer());
    await user.click(screen.getByRole('button', { name: 'Ayrıl' }));
    expect(await screen.findByText('class page')).toBeInTheDocument();
  });

  it('leaves with a keepalive request when the tab is closed', async () => {
    const fetchMock = mockApi(routes(live()));
    renderRoom(joinAnswer());
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
    fireEvent(window, new Event('pagehide'));
    const call = fetchMock.mock.calls.find(([u]) => u === `${base}/leave/`);
    expect(call?.[1]).toMatchObject({ method: 'POST', keepalive: true, body: JSON.stringify({ participant_id: PARTICIPANT_ID }) });
    expect(new Headers(call?.[1]?.headers).get('Authorization')).toBe('Bearer test-token');
  });
});

describe('RoomPage — roles', () => {
  it('gives students neither “end class” nor the participant panel', async () => {
    const fetchMock = mockApi(routes(live({ my_role: 'participant' })));
    renderRoom(joinAnswer());
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
    expect(screen.getByRole('button', { name: 'Ayrıl' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Dersi bitir' })).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: /Katılımcılar/ })).not.toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([u]) => String(u).includes('/participants/stream/'))).toBe(false);
  });

  it('does not collect the chat for students', async () => {
    const fetchMock = mockApi(routes(live({ my_role: 'participant' })));
    const user = userEvent.setup({ delay: null });
    renderRoom(joinAnswer());
    await screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
    expect(screen.queryByText('Sohbet kaydediliyor (yalnızca herkese açık mesajlar)')).not.toBeInTheDocument();
    const events = meeting.addListener.mock.calls.map(([name]) => name);
    expect(events).not.toContain('incomingMessage');
    expect(events).not.toContain('outgoingMessage');
    await user.click(screen.getByRole('button', { name: 'Ayrıl' }));
    expect(await screen.findByText('class page')).toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([u]) => String(u).includes('/artifacts/chat/'))).toBe(false);
  });

  describe('host', () => {
    function hostRoutes(extra: Record<string, Handler> = {}) {
      signIn(teacher);
      const enc = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(
            enc.encode(
              `event: participants\ndata: ${JSON.stringify({
                session_id: SID,
                status: 'live',
                participant_count: 2,
                participants: [
                  { user_id: teacher.id, full_name: teacher.full_name, role: 'host', joined_at: '2026-11-26T10:00:00Z', last_seen_at: null, in_background: false, devices: 1, device_type: 'desktop', browser: 'Firefox' },
                  { user_id: student.id, full_name: student.full_name, role: 'participant', joined_at: '2026-11-26T10:03:00Z', last_seen_at: null, in_background: false, devices: 1, device_type: 'mobile', browser: 'Safari' },
                ],
              })}\n\n`,
            ),
          );
        },
      });
      return mockApi(
        routes(live({ my_role: 'host' }), {
          [`GET ${base}/participants/stream/`]: () => new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }),
          ...extra,
        }),
      );
    }

    it('sees “end class” and the live participant panel', async () => {
      hostRoutes();
      renderRoom(joinAnswer({ role: 'host' }));
      expect(await screen.findByRole('button', { name: 'Dersi bitir' })).toBeInTheDocument();
      const panel = screen.getByRole('region', { name: /Katılımcılar/ });
      expect(await within(panel).findByText('Can Yılmaz')).toBeInTheDocument();
      expect(within(panel).getByText(/13:03 itibarıyla/)).toBeInTheDocument(); // in the user's zone
    });

    it('ends the class for everyone after confirming', async () => {
      vi.spyOn(window, 'confirm').mockReturnValue(true);
      const fetchMock = hostRoutes({ [`POST ${base}/end/`]: () => json(live({ status: 'ended', my_role: 'host' })) });
      const user = userEvent.setup({ delay: null });
      renderRoom(joinAnswer({ role: 'host' }));
      await user.click(await screen.findByRole('button', { name: 'Dersi bitir' }));
      expect(await screen.findByText('Ders sona erdi.')).toBeInTheDocument();
      expect(screen.getByRole('link', { name: 'Yoklama raporunu aç' })).toHaveAttribute('href', `/sessions/${SID}/attendance`);
      expect(screen.queryByRole('button', { name: 'Dersi bitir' })).not.toBeInTheDocument();
      expect(screen.queryByTestId('jitsi')).not.toBeInTheDocument();
      expect(meeting.dispose).toHaveBeenCalled(); // closed without hangup, whose readyToClose would leave the page
      expect(meeting.executeCommand).not.toHaveBeenCalledWith('hangup');
      expect(callsTo(fetchMock, 'POST', `${base}/end/`)).toHaveLength(1);
    });

    it('keeps the class running when ending is not confirmed, and shows a refused end', async () => {
      const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
      const fetchMock = hostRoutes({ [`POST ${base}/end/`]: () => problem('conflict', 409, 'the session is not live') });
      const user = userEvent.setup({ delay: null });
      renderRoom(joinAnswer({ role: 'host' }));
      await user.click(await screen.findByRole('button', { name: 'Dersi bitir' }));
      expect(callsTo(fetchMock, 'POST', `${base}/end/`)).toHaveLength(0);
      confirm.mockReturnValue(true);
      await user.click(screen.getByRole('button', { name: 'Dersi bitir' }));
      expect(await screen.findByRole('alert')).toHaveTextContent('Bu işlem dersin şu anki durumunda yapılamaz. (the session is not live)');
      expect(screen.getByTestId('jitsi')).toBeInTheDocument();
    });

    it('saves the room’s public chat, says so, and sends what it holds before ending the class', async () => {
      vi.spyOn(window, 'confirm').mockReturnValue(true);
      const fetchMock = hostRoutes({
        [`POST ${base}/end/`]: () => json(live({ status: 'ended', my_role: 'host' })),
        [`POST ${base}/artifacts/chat/`]: () => json({ added: 2, artifact: {} }),
      });
      const user = userEvent.setup({ delay: null });
      renderRoom(joinAnswer({ role: 'host' }));
      expect(await screen.findByText('Sohbet kaydediliyor (yalnızca herkese açık mesajlar)')).toBeInTheDocument();
      act(() => {
        meeting.emit('incomingMessage', { from: 'e5f6a7b8', nick: 'Can Yılmaz', privateMessage: false, message: 'Hocam bir soru' });
        meeting.emit('incomingMessage', { from: 'e5f6a7b8', nick: 'Can Yılmaz', privateMessage: true, message: 'özel' });
        meeting.emit('outgoingMessage', { privateMessage: false, message: 'Buyrun' });
      });
      await user.click(screen.getByRole('button', { name: 'Dersi bitir' }));
      expect(await screen.findByText('Ders sona erdi.')).toBeInTheDocument();
      const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(callsTo(fetchMock, 'POST', `${base}/artifacts/chat/`)).toEqual([
        {
          sent_at: iso,
          messages: [
            { timestamp: iso, sender: 'Can Yılmaz', message: 'Hocam bir soru' },
            { timestamp: iso, sender: teacher.full_name, message: 'Buyrun' },
          ],
        },
      ]);
      const order = fetchMock.mock.calls.map(([u]) => String(u)).filter((u) => /\/(end|artifacts\/chat)\/$/.test(u));
      expect(order).toEqual([`${base}/artifacts/chat/`, `${base}/end/`]);
      expect(screen.queryByText('Sohbet kaydediliyor (yalnızca herkese açık mesajlar)')).not.toBeInTheDocument();
      expect(meeting.listeners.get('incomingMessage')?.size ?? 0).toBe(0);
    });

    it('sends the chat it holds when the host leaves', async () => {
      const fetchMock = hostRoutes({ [`POST ${base}/artifacts/chat/`]: () => json({ added: 1, artifact: {} }) });
      const user = userEvent.setup({ delay: null });
      renderRoom(joinAnswer({ role: 'host' }));
      await screen.findByText('Sohbet kaydediliyor (yalnızca herkese açık mesajlar)');
      act(() => {
        // The name the meeting shows this user under (what the other staff pages see as the nick).
        meeting.emit('videoConferenceJoined', { id: 'a1b2c3d4', displayName: 'Ayşe Hoca', roomName: 'r' });
        meeting.emit('outgoingMessage', { privateMessage: false, message: 'Görüşmek üzere' });
      });
      await user.click(screen.getByRole('button', { name: 'Ayrıl' }));
      expect(await screen.findByText('class page')).toBeInTheDocument();
      await waitFor(() =>
        expect(callsTo(fetchMock, 'POST', `${base}/artifacts/chat/`)).toEqual([
          {
            sent_at: expect.any(String),
            messages: [{ timestamp: expect.any(String), sender: 'Ayşe Hoca', message: 'Görüşmek üzere' }],
          },
        ]),
      );
    });

    it('removes a kicked participant from the Jitsi meeting too', async () => {
      vi.spyOn(window, 'confirm').mockReturnValue(true);
      meeting.getParticipantsInfo.mockReturnValue([
        { participantId: 'a1b2c3d4', displayName: 'Ayşe Öğretmen' },
        { participantId: 'e5f6a7b8', displayName: 'Can Yılmaz' },
      ]);
      hostRoutes({
        [`POST ${base}/participants/${student.id}/kick/`]: () => json({ user_id: student.id, action: 'kick', provider_applied: false }),
      });
      const user = userEvent.setup({ delay: null });
      renderRoom(joinAnswer({ role: 'host' }));
      await user.click(await screen.findByRole('button', { name: 'Çıkar: Can Yılmaz' }));
      expect(await screen.findByText('Can Yılmaz dersten çıkarıldı.')).toBeInTheDocument();
      expect(meeting.executeCommand).toHaveBeenCalledWith('kickParticipant', 'e5f6a7b8');
      expect(meeting.executeCommand).not.toHaveBeenCalledWith('kickParticipant', 'a1b2c3d4');
    });
  });
});
