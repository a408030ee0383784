import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import i18n from '../i18n';
import type { LiveSession } from '../api/types';
import {
  COURSE,
  RECORDING_ID,
  SID,
  artifact,
  callsTo,
  json,
  liveSession,
  mockApi,
  notFound,
  problem,
  recording as recordingOf,
  renderWithApp,
  signIn,
  student,
  teacher,
  type Handler,
} from '../test/api';
import { AppRoutes } from '../App';
import { SessionPage, playRequest } from './SessionPage';

const base = `/api/v1/live-sessions/${SID}`;
const STREAM = `GET ${base}/participants/stream/`;

type Detail = LiveSession & Required<Pick<LiveSession, 'my_role'>>;
const detail = (over: Partial<LiveSession> = {}): Detail =>
  ({
    ...liveSession(),
    course: { id: COURSE, title: 'Matematik 11-A' },
    my_role: 'host',
    participants_count: 0,
    recordings_count: 0,
    ...over,
  }) as Detail;
const live = (over: Partial<LiveSession> = {}) =>
  detail({ status: 'live', actual_start: '2026-11-26T10:00:00Z', participant_count: 2, ...over });
const ended = (over: Partial<LiveSession> = {}) =>
  detail({ status: 'ended', actual_start: '2026-11-26T10:00:00Z', actual_end: '2026-11-26T10:55:00Z', peak_participants: 24, ...over });

/** A participant stream that sends one snapshot and stays open until the page aborts it. */
function stream(init: RequestInit | undefined) {
  const snapshot = {
    session_id: SID,
    status: 'live',
    participant_count: 1,
    participants: [
      {
        user_id: student.id,
        full_name: student.full_name,
        role: 'participant',
        joined_at: '2026-11-26T10:02:00Z',
        last_seen_at: '2026-11-26T10:20:00Z',
        in_background: false,
        devices: 1,
        device_type: 'desktop',
        browser: 'Firefox',
      },
    ],
  };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(`event: participants\ndata: ${JSON.stringify(snapshot)}\n\n`));
      init?.signal?.addEventListener('abort', () => {
        try {
          c.error(new DOMException('The operation was aborted.', 'AbortError'));
        } catch {
          // already closed
        }
      });
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

function routes(session: LiveSession | (() => Response), extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/v1/notifications/preferences/': () => json({ timezone: 'Europe/Istanbul' }),
    [`GET ${base}/`]: typeof session === 'function' ? session : () => json(session),
    [STREAM]: stream,
    [`GET ${base}/recordings/`]: () => json({ count: 0, results: [] }),
    [`GET ${base}/artifacts/`]: () => json({ count: 0, results: [] }),
    ...extra,
  };
}

function LocationProbe() {
  const l = useLocation();
  return <p data-testid="location">{l.pathname + l.search}</p>;
}

function renderPage() {
  return renderWithApp(
    <>
      <Routes>
        <Route path="/sessions/:id" element={<SessionPage />} />
        <Route path="*" element={<p>elsewhere</p>} />
      </Routes>
      <LocationProbe />
    </>,
    [`/sessions/${SID}`],
  );
}

const heading = () => screen.findByRole('heading', { level: 1, name: 'Türev — Canlı' });
/** The definition next to a term of the facts list. */
const fact = (term: string) => screen.getByText(term, { selector: 'dt' }).nextElementSibling?.textContent;
const panel = () => screen.queryByRole('region', { name: /Katılımcılar/ });

beforeEach(async () => {
  // Only Date is faked: "now" is 26 Nov 2026 09:30 UTC, half an hour before the planned start.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-26T09:30:00Z'));
  signIn(teacher, Date.parse('2026-11-26T12:00:00Z'));
  await i18n.changeLanguage('tr');
});
describe('SessionPage — the coach’s link to a moment', () => {
  it('reads ?play= and ?t= (whole seconds, never negative), and nothing without a recording', () => {
    expect(playRequest(new URLSearchParams('play=r1&t=1390.7'))).toEqual({ recordingId: 'r1', at: 1390 });
    expect(playRequest(new URLSearchParams('play=r1'))).toEqual({ recordingId: 'r1', at: 0 });
    expect(playRequest(new URLSearchParams('play=r1&t=-5'))).toEqual({ recordingId: 'r1', at: 0 });
    expect(playRequest(new URLSearchParams('play=r1&t=abc'))).toEqual({ recordingId: 'r1', at: 0 });
    expect(playRequest(new URLSearchParams('t=10'))).toBeUndefined();
  });
});

describe('SessionPage — facts', () => {
  it('shows the class: title, status, time range in the user’s zone, type, platform and course', async () => {
    const fetchMock = mockApi(routes(detail({ description: 'Zincir kuralı' })));
    renderPage();
    expect(screen.getByText('Yükleniyor…')).toBeInTheDocument();
    await heading();
    await waitFor(() => expect(fact('Zaman')).toBe('26 Kas 2026 13:00–14:00'));
    expect(screen.getByText('26 Kas 2026 13:00–14:00').closest('time')).toHaveAttribute('dateTime', '2026-11-26T10:00:00Z');
    expect(fact('Tür')).toBe('Planlı ders');
    expect(fact('Platform')).toBe('Jitsi');
    expect(screen.getByText('Planlandı')).toHaveAttribute('data-status', 'scheduled');
    expect(screen.getByText('Zincir kuralı')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Matematik 11-A' })).toHaveAttribute('href', `/?course=${COURSE}`);
    expect(screen.getByRole('link', { name: 'Cihaz testi' })).toHaveAttribute('href', '/device-test');
    expect(screen.queryByText('Şu an')).not.toBeInTheDocument();
    expect(fetchMock.mock.calls.find(([u]) => u === `${base}/`)?.[1]).toMatchObject({
      headers: expect.objectContaining({ Authorization: 'Bearer test-token' }),
    });
  });

  it('shows the time in the zone of the user’s preferences, the end’s date when it differs', async () => {
    mockApi(
      routes(detail({ type: 'webinar', provider: 'bbb', scheduled_start: '2026-11-26T22:00:00Z', scheduled_end: '2026-11-27T00:30:00Z' }), {
        'GET /api/v1/notifications/preferences/': () => json({ timezone: 'America/New_York' }),
      }),
    );
    renderPage();
    await heading();
    await waitFor(() => expect(fact('Zaman')).toBe('26 Kas 2026 17:00–19:30'));
    expect(fact('Tür')).toBe('Webinar');
    expect(fact('Platform')).toBe('BigBlueButton');
  });

  it('shows how many are in the room of a live class and the peak of an ended one', async () => {
    mockApi(routes(live({ my_role: 'participant', type: 'adhoc', provider: 'zoom' })));
    const { unmount } = renderPage();
    await heading();
    expect(fact('Şu an')).toBe('Odada 2 kişi');
    expect(fact('Tür')).toBe('Anlık ders');
    expect(fact('Platform')).toBe('Zoom');
    unmount();

    mockApi(routes(ended({ my_role: 'participant' })));
    renderPage();
    await heading();
    expect(fact('En çok katılımcı')).toBe('24');
    expect(screen.queryByText('Şu an')).not.toBeInTheDocument();
  });
});

describe('SessionPage — Start or Join by my_role', () => {
  it.each(['host', 'moderator', 'admin'] as const)('offers a %s Start', async (role) => {
    mockApi(routes(detail({ my_role: role })));
    renderPage();
    await heading();
    expect(screen.getByRole('button', { name: 'Dersi başlat' })).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'Derse katıl' })).not.toBeInTheDocument();
  });

  it('offers a participant Join, not Start, and nothing to manage', async () => {
    signIn(student, Date.parse('2026-11-26T12:00:00Z'));
    mockApi(routes(detail({ my_role: 'participant' })));
    renderPage();
    await heading();
    expect(screen.getByRole('button', { name: 'Derse katıl' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Dersi başlat' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Dersi iptal et' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Dersi bitir' })).not.toBeInTheDocument();
  });
});

describe('SessionPage — calendar file', () => {
  it('downloads the .ics with the bearer token', async () => {
    const fetchMock = mockApi(
      routes(detail(), {
        [`GET ${base}/calendar/`]: () =>
          new Response('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', { headers: { 'Content-Type': 'text/calendar' } }),
      }),
    );
    const createObjectURL = vi.fn(() => 'blob:ics');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const user = userEvent.setup({ delay: null });
    renderPage();
    await heading();
    await user.click(screen.getByRole('button', { name: 'Takvime ekle (.ics)' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const call = fetchMock.mock.calls.find(([u]) => u === `${base}/calendar/`);
    expect((call?.[1] as RequestInit).headers).toEqual({ Authorization: 'Bearer test-token' });
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    const a = click.mock.contexts[0] as HTMLAnchorElement;
    expect(a.href).toBe('blob:ics');
    expect(a.download).toBe('Türev  Canlı.ics');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows why the file could not be fetched', async () => {
    mockApi(routes(detail(), { [`GET ${base}/calendar/`]: () => problem('forbidden', 403, 'not a member of this course') }));
    const user = userEvent.setup({ delay: null });
    renderPage();
    await heading();
    await user.click(screen.getByRole('button', { name: 'Takvime ekle (.ics)' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Bu işlem için yetkiniz yok. (not a member of this course)');
  });

  it('offers no file for a cancelled class', async () => {
    mockApi(routes(detail({ status: 'cancelled' })));
    renderPage();
    await heading();
    expect(screen.queryByRole('button', { name: 'Takvime ekle (.ics)' })).not.toBeInTheDocument();
  });
});

describe('SessionPage — cancel', () => {
  it('cancels a scheduled class after confirmation and shows it cancelled', async () => {
    let current = detail();
    const fetchMock = mockApi(
      routes(() => json(current), {
        [`DELETE ${base}/`]: () => {
          current = detail({ status: 'cancelled' });
          return json(current);
        },
      }),
    );
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup({ delay: null });
    renderPage();
    await heading();
    await user.click(screen.getByRole('button', { name: 'Dersi iptal et' }));
    expect(confirm).toHaveBeenCalledWith('Ders iptal edilsin mi? Katılımcılara haber verilir.');
    expect(await screen.findByText('İptal edildi')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'DELETE', `${base}/`)).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Dersi iptal et' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Derse katıl' })).toBeDisabled();
    expect(screen.getByText('Ders iptal edildi.')).toBeInTheDocument();
  });

  it('sends nothing when the confirmation is declined', async () => {
    const fetchMock = mockApi(routes(detail()));
    vi.spyOn(window, 'confirm').mockReturnValue(false);
    const user = userEvent.setup({ delay: null });
    renderPage();
    await heading();
    await user.click(screen.getByRole('button', { name: 'Dersi iptal et' }));
    expect(callsTo(fetchMock, 'DELETE', `${base}/`)).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Dersi iptal et' })).toBeInTheDocument();
  });

  it('shows the problem’s detail when the server refuses', async () => {
    mockApi(routes(detail(), { [`DELETE ${base}/`]: () => problem('conflict', 409, 'cannot cancel a session that is live') }));
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup({ delay: null });
    renderPage();
    await heading();
    await user.click(screen.getByRole('button', { name: 'Dersi iptal et' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem dersin şu anki durumunda yapılamaz. (cannot cancel a session that is live)',
    );
    expect(screen.getByText('Planlandı')).toBeInTheDocument();
  });

  it.each([
    ['a live class', live()],
    ['an ended class', ended()],
    ['a cancelled class', detail({ status: 'cancelled' })],
    ['a participant', detail({ my_role: 'participant' })],
    ['a moderator (only hosts and admins may cancel)', detail({ my_role: 'moderator' })],
  ])('is not offered for %s', async (_what, session) => {
    mockApi(routes(session));
    renderPage();
    await heading();
    expect(screen.queryByRole('button', { name: 'Dersi iptal et' })).not.toBeInTheDocument();
  });

  it('is offered to an admin', async () => {
    mockApi(routes(detail({ my_role: 'admin' })));
    renderPage();
    await heading();
    expect(screen.getByRole('button', { name: 'Dersi iptal et' })).toBeInTheDocument();
  });
});

describe('SessionPage — end', () => {
  it('ends a live class after confirmation', async () => {
    let current = live();
    const fetchMock = mockApi(
      routes(() => json(current), {
        [`POST ${base}/end/`]: () => {
          current = ended();
          return json(current);
        },
      }),
    );
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup({ delay: null });
    renderPage();
    await heading();
    await user.click(screen.getByRole('button', { name: 'Dersi bitir' }));
    expect(confirm).toHaveBeenCalledWith('Ders herkes için bitirilsin mi?');
    expect(await screen.findByText('Bitti')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', `${base}/end/`)).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Dersi bitir' })).not.toBeInTheDocument();
    expect(panel()).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Yoklama raporu' })).toBeInTheDocument();
  });

  it.each([
    ['a participant of a live class', live({ my_role: 'participant' })],
    ['a host of a scheduled class', detail()],
    ['a host of an ended class', ended()],
  ])('is not offered to %s', async (_what, session) => {
    mockApi(routes(session));
    renderPage();
    await heading();
    expect(screen.queryByRole('button', { name: 'Dersi bitir' })).not.toBeInTheDocument();
  });

  it('is offered to a moderator of a live class', async () => {
    mockApi(routes(live({ my_role: 'moderator' })));
    renderPage();
    await heading();
    expect(screen.getByRole('button', { name: 'Dersi bitir' })).toBeInTheDocument();
    await waitFor(() => expect(within(panel()!).getByText(student.full_name)).toBeInTheDocument());
  });
});

describe('SessionPage — attendance', () => {
  it('links a host to the attendance report of an ended class', async () => {
    mockApi(routes(ended()));
    renderPage();
    await heading();
    expect(screen.getByRole('link', { name: 'Yoklama raporu' })).toHaveAttribute('href', `/sessions/${SID}/attendance`);
    expect(screen.queryByRole('link', { name: 'Katılımım' })).not.toBeInTheDocument();
  });

  it('links a student to their own attendance of an ended class', async () => {
    signIn(student, Date.parse('2026-11-26T12:00:00Z'));
    mockApi(routes(ended({ my_role: 'participant' })));
    renderPage();
    await heading();
    expect(screen.getByRole('link', { name: 'Katılımım' })).toHaveAttribute('href', `/sessions/${SID}/attendance`);
    expect(screen.queryByRole('link', { name: 'Yoklama raporu' })).not.toBeInTheDocument();
  });

  it('has no attendance link before the class ends', async () => {
    mockApi(routes(live()));
    renderPage();
    await heading();
    expect(screen.queryByRole('link', { name: 'Yoklama raporu' })).not.toBeInTheDocument();
  });

  it('shows the host of a live class who is in the room, from the participant stream', async () => {
    const fetchMock = mockApi(routes(live()));
    renderPage();
    await heading();
    expect(panel()).toBeInTheDocument();
    await waitFor(() => expect(within(panel()!).getByText(student.full_name)).toBeInTheDocument());
    expect(within(panel()!).getByRole('status')).toHaveTextContent('Canlı güncelleniyor');
    const call = fetchMock.mock.calls.find(([u]) => u === `${base}/participants/stream/`);
    expect(new Headers((call?.[1] as RequestInit).headers).get('Authorization')).toBe('Bearer test-token');
  });

  it('shows the panel as reconnecting when the stream answers 204', async () => {
    mockApi(routes(live(), { [STREAM]: () => new Response(null, { status: 204 }) }));
    renderPage();
    await heading();
    await waitFor(() => expect(within(panel()!).getByRole('status')).toHaveTextContent('Bağlantı koptu, yeniden bağlanıyor…'));
  });

  it.each([
    ['a participant of a live class', live({ my_role: 'participant' })],
    ['a host of a scheduled class', detail()],
  ])('shows no live panel to %s and opens no stream', async (_what, session) => {
    const fetchMock = mockApi(routes(session));
    renderPage();
    await heading();
    expect(panel()).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'GET', `${base}/participants/stream/`)).toHaveLength(0);
  });
});

describe('SessionPage — recordings', () => {
  const RID = RECORDING_ID;
  const recording = (status: 'ready' | 'published') =>
    recordingOf({ status, published_at: status === 'published' ? '2026-11-26T12:00:00Z' : null, expires_at: null });
  const recordings = () => screen.queryByRole('region', { name: /Kayıtlar/ });

  it('lists a student the recordings of an ended class, in the zone of their preferences', async () => {
    signIn(student, Date.parse('2026-11-26T12:00:00Z'));
    mockApi(
      routes(ended({ my_role: 'participant', recordings_count: 1 }), {
        [`GET ${base}/recordings/`]: () => json({ count: 1, results: [recording('published')] }),
      }),
    );
    renderPage();
    await heading();
    await waitFor(() => expect(within(recordings()!).getByText('26 Kas 2026 14:00 kaydı')).toBeInTheDocument());
    expect(within(recordings()!).getByText('Yayında')).toBeInTheDocument();
    expect(within(recordings()!).getAllByRole('button').map((b) => b.textContent)).toEqual(['İzle']);
  });

  it('says an ended class has no recordings yet', async () => {
    mockApi(routes(ended()));
    renderPage();
    await heading();
    expect(await within(recordings()!).findByText('Henüz kayıt yok.')).toBeInTheDocument();
  });

  it('shows no recordings and asks for none before a class without recordings has ended', async () => {
    const fetchMock = mockApi(routes(live()));
    renderPage();
    await heading();
    expect(recordings()).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'GET', `${base}/recordings/`)).toHaveLength(0);
  });

  it('shows the recordings of a class that has some even while it is live', async () => {
    mockApi(
      routes(live({ recordings_count: 1 }), {
        [`GET ${base}/recordings/`]: () => json({ count: 1, results: [recording('ready')] }),
      }),
    );
    renderPage();
    await heading();
    await waitFor(() => expect(within(recordings()!).getByText('Hazır (yayında değil)')).toBeInTheDocument());
  });

  it('reloads the class as well as the list after publishing', async () => {
    let current = recording('ready');
    const fetchMock = mockApi(
      routes(ended({ recordings_count: 1 }), {
        [`GET ${base}/recordings/`]: () => json({ count: 1, results: [current] }),
        [`POST ${base}/recordings/${RID}/publish/`]: () => {
          current = recording('published');
          return json(current);
        },
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderPage();
    await heading();
    const before = callsTo(fetchMock, 'GET', `${base}/`).length;
    await user.click(await within(recordings()!).findByRole('button', { name: 'Yayınla' }));
    expect(await within(recordings()!).findByText('Yayında')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', `${base}/recordings/${RID}/publish/`)).toHaveLength(1);
    await waitFor(() => expect(callsTo(fetchMock, 'GET', `${base}/`).length).toBe(before + 1));
  });

  it('opens from the e-mails’ link /sessions/:id/recordings with the recordings in view and focused', async () => {
    signIn(student, Date.parse('2026-11-26T12:00:00Z'));
    mockApi(
      routes(ended({ my_role: 'participant', recordings_count: 1 }), {
        [`GET ${base}/recordings/`]: () => json({ count: 1, results: [recording('published')] }),
      }),
    );
    const scrollIntoView = vi.fn();
    Object.defineProperty(HTMLElement.prototype, 'scrollIntoView', { configurable: true, value: scrollIntoView });
    try {
      renderWithApp(<AppRoutes />, [`/sessions/${SID}/recordings`]);
      await heading();
      expect(screen.queryByRole('heading', { name: 'Sayfa bulunamadı' })).not.toBeInTheDocument();
      const title = within(recordings()!).getByRole('heading', { level: 2 });
      await waitFor(() => expect(title).toHaveFocus());
      expect(scrollIntoView).toHaveBeenCalledTimes(1);
      expect(scrollIntoView.mock.contexts[0]).toBe(title);
      expect(await within(recordings()!).findByText('26 Kas 2026 14:00 kaydı')).toBeInTheDocument();
    } finally {
      delete (HTMLElement.prototype as Partial<HTMLElement>).scrollIntoView;
    }
  });

  it('does not move the focus on the class’s own address', async () => {
    mockApi(routes(ended()));
    renderWithApp(<AppRoutes />, [`/sessions/${SID}`]);
    await heading();
    expect(within(recordings()!).getByRole('heading', { level: 2 })).not.toHaveFocus();
  });
});

describe('SessionPage — class outputs', () => {
  const outputs = () => screen.queryByRole('region', { name: /Ders çıktıları/ });

  it('lists an ended class’s outputs right after its recordings', async () => {
    mockApi(
      routes(ended({ recordings_count: 1 }), {
        [`GET ${base}/artifacts/`]: () => json({ count: 1, results: [artifact()] }),
      }),
    );
    renderPage();
    await heading();
    await waitFor(() => expect(within(outputs()!).getByText('Türev — Canlı sohbeti')).toBeInTheDocument());
    expect(within(outputs()!).getByText('Sohbet kaydı')).toBeInTheDocument();
    expect(within(outputs()!).getAllByRole('button').map((b) => b.textContent)).toEqual(['İndir', 'Sil']);
    const recordings = screen.getByRole('region', { name: /Kayıtlar/ });
    expect(recordings.nextElementSibling).toBe(outputs());
  });

  it('offers a student no deletion', async () => {
    signIn(student, Date.parse('2026-11-26T12:00:00Z'));
    mockApi(
      routes(ended({ my_role: 'participant' }), {
        [`GET ${base}/artifacts/`]: () => json({ count: 1, results: [artifact({ type: 'notes', title: 'Ders notları' })] }),
      }),
    );
    renderPage();
    await heading();
    await waitFor(() => expect(within(outputs()!).getByText('Ders notları')).toBeInTheDocument());
    expect(within(outputs()!).getAllByRole('button').map((b) => b.textContent)).toEqual(['İndir']);
  });

  it('says an ended class has none yet', async () => {
    mockApi(routes(ended()));
    renderPage();
    await heading();
    expect(await within(outputs()!).findByText(/^Henüz ders çıktısı yok/)).toBeInTheDocument();
  });

  it('shows none and asks for none when the recordings are not shown either', async () => {
    const fetchMock = mockApi(routes(live()));
    renderPage();
    await heading();
    expect(outputs()).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'GET', `${base}/artifacts/`)).toHaveLength(0);
  });
});

describe('SessionPage — not found', () => {
  it('says the class was not found and links back to the classes', async () => {
    mockApi(routes(notFound));
    const user = userEvent.setup({ delay: null });
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent('Aradığınız kayıt bulunamadı. (no such live session)');
    expect(screen.queryByRole('heading', { level: 1 })).not.toBeInTheDocument();
    const back = screen.getByRole('link', { name: 'Derslere dön' });
    expect(back).toHaveAttribute('href', '/');
    await user.click(back);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
    expect(screen.getByText('elsewhere')).toBeInTheDocument();
  });
});

describe('SessionPage — English', () => {
  it('speaks English after a language switch', async () => {
    mockApi(routes(detail()));
    renderPage();
    await heading();
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    await waitFor(() => expect(fact('When')).toBe('26 Nov 2026, 13:00–14:00'));
    expect(fact('Type')).toBe('Scheduled class');
    expect(fact('Platform')).toBe('Jitsi');
    expect(screen.getByText('Scheduled')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start class' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add to calendar (.ics)' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel class' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Device test' })).toBeInTheDocument();
  });

  it('shows not found and the way back in English', async () => {
    mockApi(routes(notFound));
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent('What you are looking for was not found. (no such live session)');
    expect(screen.getByRole('link', { name: 'Back to classes' })).toHaveAttribute('href', '/');
  });
});
