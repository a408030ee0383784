import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes, useParams } from 'react-router-dom';
import { makeQueryClient } from '../App';
import { ApiClient } from '../api/client';
import { AuthProvider } from '../auth/AuthContext';
import i18n from '../i18n';
import type { LiveSession, Page, User } from '../api/types';
import { fetchSessionsInRange, toCalendarEvent, visibleHours } from '../lib/calendarEvents';
import { absoluteFeedUrl, LiveSessionCalendar, webcalUrl } from './LiveSessionCalendar';
import { offsetAt, offsetForWallClock, zonedArray } from './fullcalendarIntlZone';

// ---- API answers shaped as docs/openapi.yaml says ----------------------------------------------

const COURSE = '7a1c3f0e-2b7d-4e59-9a57-3f4c1d2e8b90';
const TENANT = { id: '0b7e1c3a-9d2f-4a6b-8c5e-1f2a3b4c5d6e', slug: 'ornek-lisesi', name: 'Örnek Lisesi' };
const student: User = {
  id: 'c3333333-3333-4333-8333-333333333333',
  tenant_id: TENANT.id,
  email: 'can.yilmaz@ornek.k12.tr',
  full_name: 'Can Yılmaz',
  role: 'student',
  locale: 'tr',
};

function liveSession(id: string, title: string, status: LiveSession['status'], start: string, minutes = 60): LiveSession {
  return {
    id,
    course_id: COURSE,
    title,
    description: '',
    type: 'scheduled',
    status,
    scheduled_start: start,
    scheduled_end: new Date(Date.parse(start) + minutes * 60_000).toISOString().replace('.000Z', 'Z'),
    actual_start: status === 'live' ? start : null,
    actual_end: null,
    provider: 'jitsi',
    participant_count: status === 'live' ? 12 : 0,
    peak_participants: 0,
    moderator_ids: [],
    series_id: null,
    max_participants: 100,
    recording_enabled: true,
    waiting_room_enabled: true,
  };
}

const derivative = liveSession('11111111-aaaa-4aaa-8aaa-111111111111', 'Türev — Canlı', 'scheduled', '2026-11-26T10:00:00Z');
const limit = liveSession('22222222-bbbb-4bbb-8bbb-222222222222', 'Limit tekrarı', 'cancelled', '2026-11-27T07:00:00Z');
const integral = liveSession('33333333-cccc-4ccc-8ccc-333333333333', 'İntegral', 'live', '2026-11-20T08:30:00Z');

function page<T>(results: T[], n: number, next: string | null): Page<T> {
  return { count: 3, page: n, page_size: 100, next, previous: n > 1 ? 'prev' : null, results };
}

// ---- fetch mock ---------------------------------------------------------------------------------

const json = (body: unknown, status = 200) =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
const notFound = () =>
  json({ type: 'https://liveclass.dev/problems/not-found', title: 'Not found', status: 404, detail: 'no such thing' }, 404);

type Handler = (url: URL, init: RequestInit | undefined) => Response;

function mockApi(routes: Record<string, Handler>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(raw, 'http://localhost');
    const h = routes[`${init?.method ?? 'GET'} ${url.pathname}`];
    return h ? h(url, init) : notFound();
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The list endpoint: page 1 with a `next` path (other parameters kept, as the server does), then page 2. */
const sessionsRoute: Handler = (url) => {
  if (url.searchParams.get('page') === '2') return json(page([integral], 2, null));
  const next = new URLSearchParams(url.searchParams);
  next.set('page', '2');
  return json(page([derivative, limit], 1, `/api/v1/live-sessions/?${next.toString()}`));
};

let feedActive = false;
const FEED_URL = 'https://okul.example.edu.tr/api/v1/calendar/feed/Zx9kQ2mP7vLr4Tn8.ics';
const baseRoutes: Record<string, Handler> = {
  'GET /api/v1/live-sessions/': sessionsRoute,
  'GET /api/v1/calendar/feed/': () =>
    json(feedActive ? { active: true, created_at: '2026-11-19T08:00:00Z', last_used_at: null } : { active: false, created_at: null, last_used_at: null }),
  'POST /api/v1/calendar/feed/': () => {
    feedActive = true;
    return json({ active: true, url: FEED_URL, created_at: '2026-11-20T09:00:00Z', last_used_at: null }, 201);
  },
  'DELETE /api/v1/calendar/feed/': () => {
    feedActive = false;
    return json(null, 204);
  },
};

function signIn(user: User) {
  localStorage.setItem(
    'liveclass.auth',
    JSON.stringify({ token: 'test-token', user, tenant: TENANT, expiresAt: Date.now() + 3_600_000 }),
  );
}

function ClassPage() {
  const { id } = useParams();
  return <p>class page {id}</p>;
}

function renderCalendar(props: { courseId?: string; timeZone?: string } = { timeZone: 'Europe/Istanbul' }) {
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <AuthProvider>
        <MemoryRouter initialEntries={['/?view=calendar']}>
          <Routes>
            <Route path="/" element={<LiveSessionCalendar {...props} />} />
            <Route path="/sessions/:id" element={<ClassPage />} />
          </Routes>
        </MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>,
  );
}

beforeEach(async () => {
  // Only Date is faked (timers stay real for React Query and Testing Library): "today" is 20 Nov 2026.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-20T09:00:00Z'));
  feedActive = false;
  signIn(student);
  await i18n.changeLanguage('tr');
});
describe('LiveSessionCalendar', () => {
  it('fetches the visible month (all pages) and shows the classes in the user’s zone, coloured by status', async () => {
    const fetchMock = mockApi(baseRoutes);
    renderCalendar({ courseId: COURSE, timeZone: 'Europe/Istanbul' });
    expect(await screen.findByText('Türev — Canlı')).toBeInTheDocument();
    expect(await screen.findByText('İntegral')).toBeInTheDocument(); // from the second page
    expect(screen.getByRole('heading', { name: 'Kasım 2026' })).toBeInTheDocument();

    const listCalls = fetchMock.mock.calls.map(([u]) => new URL(String(u), 'http://localhost')).filter((u) => u.pathname === '/api/v1/live-sessions/');
    const first = listCalls[0].searchParams;
    // The month view (weeks from Monday) 26 Oct - 7 Dec 2026, midnight in Istanbul (UTC+3).
    expect(first.get('from')).toBe('2026-10-25T21:00:00Z');
    expect(first.get('to')).toBe('2026-12-06T21:00:00Z');
    expect(first.get('course')).toBe(COURSE);
    expect(first.get('page_size')).toBe('100');
    expect(listCalls.some((u) => u.searchParams.get('page') === '2')).toBe(true);

    // 10:00Z is 13:00 in Istanbul.
    const derivativeLink = screen.getByText('Türev — Canlı').closest('a')!;
    expect(derivativeLink).toHaveTextContent('13:00');
    expect(derivativeLink).toHaveAttribute('href', `/sessions/${derivative.id}`);
    expect(derivativeLink).toHaveClass('lc-event-scheduled');
    expect(derivativeLink).toHaveTextContent('Planlandı'); // status for screen readers
    const cancelled = screen.getByText('Limit tekrarı').closest('a')!;
    expect(cancelled).toHaveClass('lc-event-cancelled');
    expect(screen.getByText('İntegral').closest('a')).toHaveClass('lc-event-live');
    expect(screen.getByText('Bu aralıkta 3 ders var.', { exact: false })).toBeInTheDocument();
    expect(screen.getByText('Saatler Europe/Istanbul saat dilimine göredir.')).toBeInTheDocument();
  });

  it('opens the class page when a class is clicked', async () => {
    mockApi(baseRoutes);
    const user = userEvent.setup({ delay: null });
    renderCalendar();
    await user.click(await screen.findByText('Türev — Canlı'));
    expect(await screen.findByText(`class page ${derivative.id}`)).toBeInTheDocument();
  });

  it('fetches the next month when navigating', async () => {
    const fetchMock = mockApi(baseRoutes);
    const user = userEvent.setup({ delay: null });
    renderCalendar();
    await screen.findByText('Türev — Canlı');
    await user.click(screen.getByRole('button', { name: 'Sonraki ay' }));
    expect(await screen.findByRole('heading', { name: 'Aralık 2026' })).toBeInTheDocument();
    await waitFor(() =>
      expect(
        fetchMock.mock.calls.some(([u]) => new URL(String(u), 'http://localhost').searchParams.get('from') === '2026-11-29T21:00:00Z'),
      ).toBe(true),
    );
  });

  it('starts on the day view on a narrow screen and asks for that day only', async () => {
    vi.spyOn(window, 'innerWidth', 'get').mockReturnValue(360);
    const fetchMock = mockApi(baseRoutes);
    renderCalendar();
    expect(await screen.findByRole('heading', { name: '20 Kasım 2026' })).toBeInTheDocument();
    await waitFor(() => expect(fetchMock.mock.calls.some(([u]) => String(u).startsWith('/api/v1/live-sessions/'))).toBe(true));
    const first = new URL(String(fetchMock.mock.calls.find(([u]) => String(u).startsWith('/api/v1/live-sessions/'))![0]), 'http://localhost');
    expect(first.searchParams.get('from')).toBe('2026-11-19T21:00:00Z');
    expect(first.searchParams.get('to')).toBe('2026-11-20T21:00:00Z');
    // No week view in the narrow toolbar.
    expect(screen.queryByRole('button', { name: 'Hafta' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Ay' })).toHaveAttribute('title', 'Ay görünümü');
  });

  it('shows an API error', async () => {
    mockApi({
      ...baseRoutes,
      'GET /api/v1/live-sessions/': () =>
        json({ type: 'https://liveclass.dev/problems/bad-request', title: 'Bad request', status: 400, detail: 'course: not a UUID' }, 400),
    });
    renderCalendar({ courseId: 'nope' });
    expect(await screen.findByText('Gönderilen bilgilerde hata var. (course: not a UUID)')).toBeInTheDocument();
  });

  it('subscribes to the calendar feed, shows and copies the URL, and revokes it', async () => {
    const fetchMock = mockApi(baseRoutes);
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup({ delay: null });
    renderCalendar();
    const panel = (await screen.findByRole('heading', { name: 'Takvim aboneliği (.ics)' })).closest('section')!;
    expect(await within(panel).findByText('Takvim aboneliğiniz yok.')).toBeInTheDocument();

    await user.click(within(panel).getByRole('button', { name: 'Takvimime abone ol' }));
    const input = await within(panel).findByLabelText('Abonelik adresi');
    expect(input).toHaveValue(FEED_URL);
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/calendar/feed/', expect.objectContaining({ method: 'POST' }));
    expect(within(panel).getByRole('link', { name: 'Takvim uygulamasında aç' })).toHaveAttribute(
      'href',
      'webcal://okul.example.edu.tr/api/v1/calendar/feed/Zx9kQ2mP7vLr4Tn8.ics',
    );

    await user.click(within(panel).getByRole('button', { name: 'Kopyala' }));
    expect(await within(panel).findByText('Adres panoya kopyalandı.')).toBeInTheDocument();
    expect(await navigator.clipboard.readText()).toBe(FEED_URL);

    await user.click(within(panel).getByRole('button', { name: 'Aboneliği iptal et' }));
    expect(await within(panel).findByText('Abonelik adresi iptal edildi.')).toBeInTheDocument();
    expect(within(panel).queryByLabelText('Abonelik adresi')).not.toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/calendar/feed/', expect.objectContaining({ method: 'DELETE' }));
    expect(within(panel).getByRole('button', { name: 'Takvimime abone ol' })).toBeInTheDocument();
  });

  it('tells an existing subscriber that the address is shown once and asks before replacing it', async () => {
    feedActive = true;
    mockApi(baseRoutes);
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    const user = userEvent.setup({ delay: null });
    renderCalendar();
    expect(await screen.findByText(/Etkin bir takvim aboneliğiniz var \(19 Kas 2026 11:00/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Yeni adres oluştur' }));
    expect(confirm).toHaveBeenCalled();
    expect(screen.queryByLabelText('Abonelik adresi')).not.toBeInTheDocument();
  });

  it('switches to English', async () => {
    mockApi(baseRoutes);
    renderCalendar();
    await screen.findByText('Türev — Canlı');
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    expect(await screen.findByRole('heading', { name: 'November 2026' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Subscribe to my calendar' })).toBeInTheDocument();
    expect(screen.getByText('Times are in the Europe/Istanbul time zone.')).toBeInTheDocument();
    expect(screen.getByText('Türev — Canlı').closest('a')).toHaveTextContent('Scheduled');
  });
});

describe('calendar data', () => {
  it('follows next pages and maps classes to events', async () => {
    const fetchMock = mockApi(baseRoutes);
    const api = new ApiClient(() => 'tok');
    const list = await fetchSessionsInRange(api, {
      from: new Date('2026-11-23T00:00:00Z'),
      to: new Date('2026-11-30T00:00:00Z'),
    });
    expect(list.map((s) => s.title)).toEqual(['Türev — Canlı', 'Limit tekrarı', 'İntegral']);
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/live-sessions/?from=2026-11-23T00%3A00%3A00Z&to=2026-11-30T00%3A00%3A00Z&page_size=100');
    expect(fetchMock).toHaveBeenCalledTimes(2);

    const ev = toCalendarEvent(limit);
    expect(ev).toMatchObject({
      id: limit.id,
      title: 'Limit tekrarı',
      start: '2026-11-27T07:00:00Z',
      end: '2026-11-27T08:00:00Z',
      url: `/sessions/${limit.id}`,
      classNames: ['lc-event', 'lc-event-cancelled'],
      extendedProps: { status: 'cancelled' },
    });
  });

  it('widens the week view’s hours to the classes, in the zone', () => {
    expect(visibleHours([], 'Europe/Istanbul')).toEqual({ min: '08:00:00', max: '18:00:00' });
    const early = liveSession('x', 'Erken', 'scheduled', '2026-11-26T03:30:00Z'); // 06:30 in Istanbul
    const late = liveSession('y', 'Geç', 'scheduled', '2026-11-26T17:30:00Z', 90); // 20:30-22:00
    expect(visibleHours([early, late], 'Europe/Istanbul')).toEqual({ min: '06:00:00', max: '22:00:00' });
  });

  it('converts instants and wall-clock times for a named zone with Intl', () => {
    const ms = Date.parse('2026-11-26T10:00:00Z');
    expect(zonedArray(ms, 'Europe/Istanbul')).toEqual([2026, 10, 26, 13, 0, 0, 0]);
    expect(offsetAt(ms, 'Europe/Istanbul')).toBe(180);
    expect(offsetAt(Date.parse('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe(120);
    expect(offsetAt(Date.parse('2026-01-01T12:00:00Z'), 'Europe/Berlin')).toBe(60);
    // 29 Mar 2026 03:30 in Berlin (summer time) is 01:30Z.
    expect(offsetForWallClock([2026, 2, 29, 3, 30, 0, 0], 'Europe/Berlin')).toBe(120);
    expect(offsetForWallClock([2026, 0, 15, 9, 0, 0, 0], 'America/New_York')).toBe(-300);
  });

  it('makes feed URLs absolute and offers webcal:', () => {
    expect(absoluteFeedUrl('/api/v1/calendar/feed/abc.ics', 'https://okul.example')).toBe('https://okul.example/api/v1/calendar/feed/abc.ics');
    expect(absoluteFeedUrl(FEED_URL)).toBe(FEED_URL);
    expect(webcalUrl('https://okul.example/f.ics')).toBe('webcal://okul.example/f.ics');
  });
});
