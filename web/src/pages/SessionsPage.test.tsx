import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation, useParams } from 'react-router-dom';
import i18n from '../i18n';
import type { Course, Page, User } from '../api/types';
import {
  COURSE,
  TENANT,
  callsTo,
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
import { SessionsPage } from './SessionsPage';

// FullCalendar does not belong in these tests: a stand-in shows the props the page hands it.
vi.mock('../components/LiveSessionCalendar', () => ({
  LiveSessionCalendar: (props: { courseId?: string; timeZone?: string }) => (
    <div data-testid="calendar" data-course={props.courseId ?? ''} data-zone={props.timeZone} />
  ),
}));

const PHYSICS = '8b2d4f1a-3c5e-4f6a-8b7c-9d0e1f2a3b4c';
const OTHER_TEACHER = 'b2222222-2222-4222-8222-222222222222';
const admin: User = { ...teacher, id: 'f6666666-6666-4666-8666-666666666666', full_name: 'Okul Yöneticisi', role: 'admin' };
/** Teaches nothing here: enrolled in physics only. */
const otherInstructor: User = { ...teacher, id: 'a7777777-7777-4777-8777-777777777777', full_name: 'Ali Hoca' };

const MATH_COURSE: Course = { id: COURSE, tenant_id: TENANT.id, title: 'Matematik 11-A', description: '', instructor_ids: [teacher.id] };
const PHYSICS_COURSE: Course = { id: PHYSICS, tenant_id: TENANT.id, title: 'Fizik 11-A', description: '', instructor_ids: [OTHER_TEACHER] };

const id = (n: number) => `0000000${n}-0000-4000-8000-00000000000${n}`;
// "Now" is 26 Nov 2026 08:30 UTC (11:30 in Istanbul), so the upcoming list asks from 07:30 UTC.
const NOW = '2026-11-26T08:30:00Z';
const FROM = '2026-11-26T07:30:00Z';

const liveMath = liveSession({ id: id(1), title: 'Türev', status: 'live', scheduled_start: '2026-11-26T08:00:00Z', scheduled_end: '2026-11-26T09:00:00Z', participant_count: 3 });
const livePhysics = liveSession({ id: id(2), course_id: PHYSICS, title: 'Kuvvet', status: 'live', scheduled_start: '2026-11-26T08:15:00Z', scheduled_end: '2026-11-26T09:15:00Z' });
const soonMath = liveSession({ id: id(3), title: 'İntegral', status: 'scheduled', scheduled_start: '2026-11-26T10:00:00Z', scheduled_end: '2026-11-26T11:00:00Z' });
const endedEarly = liveSession({ id: id(4), title: 'Limit', status: 'ended', scheduled_start: '2026-11-26T12:00:00Z', scheduled_end: '2026-11-26T13:00:00Z' });
const laterPhysics = liveSession({ id: id(5), course_id: PHYSICS, title: 'Momentum', status: 'scheduled', scheduled_start: '2026-11-27T09:00:00Z', scheduled_end: '2026-11-27T10:00:00Z' });

function page<T>(results: T[], over: Partial<Page<T>> = {}): Page<T> {
  return { count: results.length, page: 1, page_size: 100, next: null, previous: null, results, ...over };
}

const list = (params: Record<string, string | number>) =>
  `/api/v1/live-sessions/?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`;
const LIVE = list({ status: 'live', page_size: 100 });
const COMING = list({ from: FROM, page_size: 100 });
const PAST = (p: number, course?: string) => list({ ...(course ? { course } : {}), status: 'ended', page: p, page_size: 20 });

function routes(extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/v1/notifications/preferences/': () => json({ timezone: 'Europe/Istanbul' }),
    'GET /api/v1/courses/?page_size=100': () => json(page([MATH_COURSE, PHYSICS_COURSE])),
    [`GET ${LIVE}`]: () => json(page([livePhysics, liveMath])),
    [`GET ${COMING}`]: () => json(page([liveMath, livePhysics, soonMath, endedEarly, laterPhysics])),
    [`GET ${PAST(1)}`]: () => json(page([], { page_size: 20 })),
    ...extra,
  };
}

function LocationProbe() {
  const l = useLocation();
  return <p data-testid="location">{l.pathname + l.search}</p>;
}
function ClassProbe() {
  return <p>class page {useParams().id}</p>;
}

function renderPage(entry = '/') {
  return renderWithApp(
    <Routes>
      <Route
        path="/"
        element={
          <>
            <SessionsPage />
            <LocationProbe />
          </>
        }
      />
      <Route path="/sessions/:id" element={<ClassProbe />} />
    </Routes>,
    [entry],
  );
}

const cards = () => screen.queryAllByRole('article');
const titles = () => cards().map((c) => within(c).getByRole('heading').textContent);
const card = (title: string) => screen.getByRole('article', { name: title });
const urls = (fetchMock: ReturnType<typeof mockApi>) => fetchMock.mock.calls.map(([u]) => String(u));

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
  await i18n.changeLanguage('tr');
});
describe('SessionsPage — upcoming', () => {
  beforeEach(() => signIn(teacher));

  it('merges the live and coming answers: live first, then by start, once each, without ended ones', async () => {
    const fetchMock = mockApi(routes());
    renderPage();
    await waitFor(() => expect(titles()).toEqual(['Türev', 'Kuvvet', 'İntegral', 'Momentum']));
    expect(callsTo(fetchMock, 'GET', LIVE)).toHaveLength(1);
    expect(callsTo(fetchMock, 'GET', COMING)).toHaveLength(1);
    expect(screen.getByRole('tab', { name: 'Yaklaşan' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.queryByText('Limit')).not.toBeInTheDocument();
    // Without a course filter each card names its course; times are in the user's zone.
    expect(within(card('Türev')).getByText(/Matematik 11-A/)).toBeInTheDocument();
    expect(within(card('Momentum')).getByText(/Fizik 11-A/)).toBeInTheDocument();
    expect(within(card('İntegral')).getByText('26 Kas 2026 13:00–14:00')).toBeInTheDocument();
    expect(within(card('Türev')).getByText('Odada 3 kişi')).toBeInTheDocument();
    expect(within(card('Türev')).getByRole('link', { name: 'Türev' })).toHaveAttribute('href', `/sessions/${id(1)}`);
  });

  it('lists the user’s courses in the filter and asks for the chosen course’s classes', async () => {
    const fetchMock = mockApi(
      routes({
        [`GET ${list({ course: PHYSICS, status: 'live', page_size: 100 })}`]: () => json(page([livePhysics])),
        [`GET ${list({ course: PHYSICS, from: FROM, page_size: 100 })}`]: () => json(page([livePhysics, laterPhysics])),
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderPage();
    const filter = screen.getByRole('combobox', { name: 'Kurs:' });
    await waitFor(() =>
      expect(within(filter).getAllByRole('option').map((o) => o.textContent)).toEqual(['Tüm kurslar', 'Matematik 11-A', 'Fizik 11-A']),
    );
    expect(filter).toHaveValue('');
    expect(callsTo(fetchMock, 'GET', '/api/v1/courses/?page_size=100')).toHaveLength(1);
    await waitFor(() => expect(cards()).toHaveLength(4));

    await user.selectOptions(filter, PHYSICS);
    await waitFor(() => expect(titles()).toEqual(['Kuvvet', 'Momentum']));
    expect(screen.getByTestId('location')).toHaveTextContent(`/?course=${PHYSICS}`);
    expect(urls(fetchMock)).toContain(list({ course: PHYSICS, status: 'live', page_size: 100 }));
    expect(urls(fetchMock)).toContain(list({ course: PHYSICS, from: FROM, page_size: 100 }));
    // The course is in the filter: the cards do not repeat it.
    expect(within(card('Momentum')).queryByText(/Fizik 11-A/)).not.toBeInTheDocument();

    await user.selectOptions(filter, '');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
    await waitFor(() => expect(cards()).toHaveLength(4));
  });

  it('opens on the course in the address', async () => {
    const fetchMock = mockApi(routes());
    renderPage(`/?course=${COURSE}`);
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Kurs:' })).toHaveValue(COURSE));
    await waitFor(() => expect(urls(fetchMock)).toContain(list({ course: COURSE, status: 'live', page_size: 100 })));
    expect(urls(fetchMock)).toContain(list({ course: COURSE, from: FROM, page_size: 100 }));
  });

  it('says there is nothing coming', async () => {
    mockApi(routes({ [`GET ${LIVE}`]: () => json(page([])), [`GET ${COMING}`]: () => json(page([endedEarly])) }));
    renderPage();
    expect(await screen.findByText('Yaklaşan canlı ders yok.')).toBeInTheDocument();
    expect(cards()).toHaveLength(0);
  });

  it('shows an API error in the user’s language with the server’s detail', async () => {
    mockApi(routes({ [`GET ${COMING}`]: () => problem('bad-request', 400, 'unknown query parameter: frm') }));
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Gönderilen bilgilerde hata var. (unknown query parameter: frm)',
    );
    expect(screen.queryByText('Yaklaşan canlı ders yok.')).not.toBeInTheDocument();
  });
});

describe('SessionsPage — Start or Join on each card', () => {
  const button = (title: string) => within(card(title)).getByRole('button');

  it('offers the course’s instructor Start on their classes and Join on a course they only attend', async () => {
    signIn(teacher);
    mockApi(routes());
    renderPage();
    await waitFor(() => expect(cards()).toHaveLength(4));
    expect(button('İntegral')).toHaveTextContent('Dersi başlat');
    expect(button('Momentum')).toHaveTextContent('Derse katıl');
    expect(button('Türev')).toHaveTextContent('Derse katıl'); // live: hosts join too
  });

  it('offers a student Join everywhere', async () => {
    signIn(student);
    mockApi(routes());
    renderPage();
    await waitFor(() => expect(cards()).toHaveLength(4));
    for (const title of ['Türev', 'Kuvvet', 'İntegral', 'Momentum']) expect(button(title)).toHaveTextContent('Derse katıl');
  });

  it('offers an admin Start on every class', async () => {
    signIn(admin);
    mockApi(routes());
    renderPage();
    await waitFor(() => expect(cards()).toHaveLength(4));
    expect(button('İntegral')).toHaveTextContent('Dersi başlat');
    expect(button('Momentum')).toHaveTextContent('Dersi başlat');
  });

  it('offers Start to a moderator named on the class', async () => {
    signIn(otherInstructor);
    mockApi(
      routes({
        [`GET ${COMING}`]: () => json(page([laterPhysics, { ...soonMath, moderator_ids: [otherInstructor.id] }])),
        [`GET ${LIVE}`]: () => json(page([])),
      }),
    );
    renderPage();
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(button('İntegral')).toHaveTextContent('Dersi başlat');
    expect(button('Momentum')).toHaveTextContent('Derse katıl');
  });
});

describe('SessionsPage — scheduling', () => {
  it.each([
    ['an instructor who teaches a course', true, teacher],
    ['an admin', true, admin],
    ['a student', false, student],
    ['an instructor who teaches none of the courses', false, otherInstructor],
  ] as const)('"Ders planla" for %s: shown %s', async (_who, shown, u) => {
    signIn(u);
    mockApi(routes());
    renderPage();
    await waitFor(() => expect(cards()).toHaveLength(4));
    expect(screen.queryByRole('button', { name: 'Ders planla' }) !== null).toBe(shown);
  });

  it('creates a class through the modal and opens its page', async () => {
    signIn(teacher);
    const created = liveSession({ id: id(9), title: 'Türev tekrarı' });
    const fetchMock = mockApi(routes({ 'POST /api/v1/live-sessions/': () => json({ ...created, my_role: 'host' }, 201) }));
    const user = userEvent.setup({ delay: null });
    renderPage();
    await user.click(await screen.findByRole('button', { name: 'Ders planla' }));
    const dialog = screen.getByRole('dialog', { name: 'Ders planla' });
    // Only the courses the user teaches can be chosen.
    expect(within(within(dialog).getByLabelText('Kurs')).getAllByRole('option').map((o) => o.textContent)).toEqual(['Matematik 11-A']);
    await user.type(within(dialog).getByLabelText('Ders adı'), 'Türev tekrarı');
    await user.click(within(dialog).getByRole('button', { name: 'Planla' }));
    expect(await screen.findByText(`class page ${id(9)}`)).toBeInTheDocument();
    const [body] = callsTo(fetchMock, 'POST', '/api/v1/live-sessions/');
    expect(body).toMatchObject({ course_id: COURSE, title: 'Türev tekrarı', type: 'scheduled' });
  });

  it('does not preselect a filtered course the user cannot schedule in', async () => {
    signIn(teacher);
    const fetchMock = mockApi(routes({ 'POST /api/v1/live-sessions/': () => json(liveSession({ id: id(9) }), 201) }));
    const user = userEvent.setup({ delay: null });
    renderPage(`/?course=${PHYSICS}`);
    await user.click(await screen.findByRole('button', { name: 'Ders planla' }));
    const dialog = screen.getByRole('dialog', { name: 'Ders planla' });
    expect(within(dialog).getByLabelText('Kurs')).toHaveValue(COURSE);
    await user.type(within(dialog).getByLabelText('Ders adı'), 'Türev');
    await user.click(within(dialog).getByRole('button', { name: 'Planla' }));
    await screen.findByText(`class page ${id(9)}`);
    expect(callsTo(fetchMock, 'POST', '/api/v1/live-sessions/')[0].course_id).toBe(COURSE);
  });

  it('preselects the filtered course when the user teaches it', async () => {
    signIn(admin);
    mockApi(routes());
    const user = userEvent.setup({ delay: null });
    renderPage(`/?course=${PHYSICS}`);
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Kurs:' })).toHaveValue(PHYSICS));
    await user.click(screen.getByRole('button', { name: 'Ders planla' }));
    expect(within(screen.getByRole('dialog')).getByLabelText('Kurs')).toHaveValue(PHYSICS);
    await user.click(screen.getByRole('button', { name: 'Vazgeç' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});

describe('SessionsPage — past', () => {
  beforeEach(() => signIn(student));
  const past = (n: number) =>
    liveSession({
      id: id(n),
      title: `Ders ${n}`,
      status: 'ended',
      scheduled_start: `2026-11-0${n}T10:00:00Z`,
      scheduled_end: `2026-11-0${n}T11:00:00Z`,
      actual_start: `2026-11-0${n}T10:00:00Z`,
      actual_end: `2026-11-0${n}T10:50:00Z`,
    });

  it('asks for ended classes page by page with Önceki and Sonraki', async () => {
    const fetchMock = mockApi(
      routes({
        [`GET ${PAST(1)}`]: () => json(page([past(3), past(2)], { count: 3, page_size: 20, next: PAST(2) })),
        [`GET ${PAST(2)}`]: () => json(page([past(1)], { count: 3, page: 2, page_size: 20, previous: PAST(1) })),
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderPage('/?view=past');
    expect(screen.getByRole('tab', { name: 'Geçmiş' })).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(titles()).toEqual(['Ders 3', 'Ders 2']));
    expect(screen.getByText('Sayfa 1')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Önceki' })).toBeDisabled();
    expect(within(card('Ders 3')).getByRole('button', { name: 'Derse katıl' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Sonraki' }));
    await waitFor(() => expect(titles()).toEqual(['Ders 1']));
    expect(screen.getByText('Sayfa 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sonraki' })).toBeDisabled();
    expect(callsTo(fetchMock, 'GET', PAST(2))).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Önceki' }));
    await waitFor(() => expect(titles()).toEqual(['Ders 3', 'Ders 2']));
    expect(screen.getByText('Sayfa 1')).toBeInTheDocument();
  });

  it('switches from the upcoming tab and back, and goes back to page 1 on a new course', async () => {
    const fetchMock = mockApi(
      routes({
        [`GET ${PAST(1)}`]: () => json(page([past(3)], { count: 2, page_size: 20, next: PAST(2) })),
        [`GET ${PAST(2)}`]: () => json(page([past(2)], { count: 2, page: 2, page_size: 20, previous: PAST(1) })),
        [`GET ${PAST(1, PHYSICS)}`]: () => json(page([], { page_size: 20 })),
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderPage();
    await waitFor(() => expect(cards()).toHaveLength(4));
    await user.click(screen.getByRole('tab', { name: 'Geçmiş' }));
    expect(screen.getByTestId('location')).toHaveTextContent('/?view=past');
    await waitFor(() => expect(titles()).toEqual(['Ders 3']));
    await user.click(screen.getByRole('button', { name: 'Sonraki' }));
    await waitFor(() => expect(titles()).toEqual(['Ders 2']));

    await user.selectOptions(screen.getByRole('combobox', { name: 'Kurs:' }), PHYSICS);
    expect(await screen.findByText('Geçmiş ders yok.')).toBeInTheDocument();
    expect(urls(fetchMock)).toContain(PAST(1, PHYSICS));
    expect(urls(fetchMock)).not.toContain(PAST(2, PHYSICS));
    expect(screen.queryByRole('button', { name: 'Sonraki' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('tab', { name: 'Yaklaşan' }));
    expect(screen.getByTestId('location')).toHaveTextContent(`/?course=${PHYSICS}`);
  });

  it('says there are no past classes and shows no pager', async () => {
    mockApi(routes());
    renderPage('/?view=past');
    expect(await screen.findByText('Geçmiş ders yok.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Önceki' })).not.toBeInTheDocument();
  });
});

describe('SessionsPage — calendar', () => {
  beforeEach(() => signIn(teacher));

  it('loads the calendar only when its tab is opened and hands it the course and the zone', async () => {
    mockApi(
      routes({
        [`GET ${list({ course: COURSE, status: 'live', page_size: 100 })}`]: () => json(page([liveMath])),
        [`GET ${list({ course: COURSE, from: FROM, page_size: 100 })}`]: () => json(page([liveMath, soonMath])),
      }),
    );
    const user = userEvent.setup({ delay: null });
    renderPage(`/?course=${COURSE}`);
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    expect(screen.queryByTestId('calendar')).not.toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'Takvim' }));
    const calendar = await screen.findByTestId('calendar');
    expect(calendar).toHaveAttribute('data-course', COURSE);
    await waitFor(() => expect(calendar).toHaveAttribute('data-zone', 'Europe/Istanbul'));
    expect(screen.getByTestId('location')).toHaveTextContent(`/?course=${COURSE}&view=calendar`);
    expect(cards()).toHaveLength(0);
    expect(screen.getByRole('tab', { name: 'Takvim' })).toHaveAttribute('aria-selected', 'true');
  });
});

describe('SessionsPage — English', () => {
  it('speaks English after a language switch', async () => {
    signIn(teacher);
    mockApi(routes({ [`GET ${LIVE}`]: () => json(page([])), [`GET ${COMING}`]: () => json(page([soonMath])) }));
    renderPage();
    await waitFor(() => expect(cards()).toHaveLength(1));
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    expect(screen.getByRole('heading', { level: 1, name: 'Live classes' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Schedule a class' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Course:' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'All courses' })).toBeInTheDocument();
    expect(screen.getByRole('tablist', { name: 'View' })).toBeInTheDocument();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Upcoming', 'Past', 'Calendar']);
    expect(within(card('İntegral')).getByRole('button', { name: 'Start class' })).toBeInTheDocument();
    expect(within(card('İntegral')).getByText('26 Nov 2026, 13:00–14:00')).toBeInTheDocument();
    expect(within(card('İntegral')).getByText('Scheduled')).toBeInTheDocument();
  });

  it('shows the empty list in English', async () => {
    signIn(student);
    mockApi(routes({ [`GET ${LIVE}`]: () => json(page([])), [`GET ${COMING}`]: () => json(page([])) }));
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    renderPage();
    expect(await screen.findByText('No upcoming live classes.')).toBeInTheDocument();
  });
});
