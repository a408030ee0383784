import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { act } from 'react';
import { makeQueryClient } from '../App';
import { AuthProvider } from '../auth/AuthContext';
import i18n from '../i18n';
import type { AttendanceRow, AttendanceTimeline, LiveSession, SessionAttendance, User } from '../api/types';
import { AttendanceReportPage, sortRows } from './AttendanceReportPage';
import { toSegments } from '../components/AttendanceIntervalBars';

// ---- API answers shaped as docs/openapi.yaml says ----------------------------------------------

const SID = '3f0b8a52-6c1d-4e7a-9b2f-1a2b3c4d5e6f';
const COURSE = '7a1c3f0e-2b7d-4e59-9a57-3f4c1d2e8b90';
const TENANT = { id: '0b7e1c3a-9d2f-4a6b-8c5e-1f2a3b4c5d6e', slug: 'ornek-lisesi', name: 'Örnek Lisesi' };
const teacher: User = {
  id: 'a1111111-1111-4111-8111-111111111111',
  tenant_id: TENANT.id,
  email: 'ayse.ogretmen@ornek.k12.tr',
  full_name: 'Ayşe Öğretmen',
  role: 'instructor',
  locale: 'tr',
};
const student: User = {
  id: 'c3333333-3333-4333-8333-333333333333',
  tenant_id: TENANT.id,
  email: 'can.yilmaz@ornek.k12.tr',
  full_name: 'Can Yılmaz',
  role: 'student',
  locale: 'tr',
};

function session(myRole: LiveSession['my_role'], status: LiveSession['status'] = 'ended'): LiveSession {
  return {
    id: SID,
    course_id: COURSE,
    title: 'Türev — Canlı',
    description: '',
    type: 'scheduled',
    status,
    scheduled_start: '2026-11-26T10:00:00Z',
    scheduled_end: '2026-11-26T11:00:00Z',
    actual_start: status === 'ended' || status === 'live' ? '2026-11-26T10:00:00Z' : null,
    actual_end: status === 'ended' ? '2026-11-26T11:00:00Z' : null,
    provider: 'jitsi',
    participant_count: 0,
    peak_participants: 3,
    moderator_ids: [],
    series_id: null,
    max_participants: 100,
    recording_enabled: true,
    waiting_room_enabled: true,
    course: { id: COURSE, title: 'Matematik 11-A' },
    my_role: myRole,
    participants_count: 3,
    recordings_count: 0,
  };
}

const canRow: AttendanceRow = {
  user_id: student.id,
  full_name: 'Can Yılmaz',
  email: student.email,
  status: 'partial',
  attended: false,
  attendance_percent: 41.67,
  total_duration_seconds: 1500,
  background_duration_seconds: 300,
  join_count: 2,
  first_join: '2026-11-26T10:12:00Z',
  last_leave: '2026-11-26T10:40:00Z',
  late_join: true,
  early_leave: true,
  engagement_score: 38,
  intervals: [
    { kind: 'present', participant_id: 'p-1', from: '2026-11-26T10:12:00Z', to: '2026-11-26T10:25:00Z', end_reason: 'heartbeat_timeout', device_type: 'mobile' },
    { kind: 'present', participant_id: 'p-2', from: '2026-11-26T10:28:00Z', to: '2026-11-26T10:40:00Z', end_reason: 'left', device_type: 'desktop' },
    { kind: 'background', participant_id: 'p-2', from: '2026-11-26T10:30:00Z', to: '2026-11-26T10:35:00Z' },
  ],
};
const rows: AttendanceRow[] = [
  {
    user_id: 'b2222222-2222-4222-8222-222222222222',
    full_name: 'Zeynep Kaya',
    email: 'zeynep.kaya@ornek.k12.tr',
    status: 'attended',
    attended: true,
    attendance_percent: 100,
    total_duration_seconds: 3600,
    background_duration_seconds: 0,
    join_count: 1,
    first_join: '2026-11-26T09:58:00Z',
    last_leave: '2026-11-26T11:00:00Z',
    late_join: false,
    early_leave: false,
    engagement_score: 91,
    intervals: [
      { kind: 'present', participant_id: 'p-3', from: '2026-11-26T09:58:00Z', to: '2026-11-26T11:00:00Z', end_reason: 'session_end', device_type: 'desktop' },
    ],
  },
  canRow,
  {
    user_id: 'd4444444-4444-4444-8444-444444444444',
    full_name: 'Deniz Şahin',
    email: 'deniz.sahin@ornek.k12.tr',
    status: 'absent',
    attended: false,
    attendance_percent: 0,
    total_duration_seconds: 0,
    background_duration_seconds: 0,
    join_count: 0,
    first_join: null,
    last_leave: null,
    late_join: false,
    early_leave: false,
    engagement_score: 0,
    intervals: [],
  },
];

function report(results: AttendanceRow[], calculated = true): SessionAttendance {
  const count = (f: (r: AttendanceRow) => boolean) => results.filter(f).length;
  return {
    session_id: SID,
    title: 'Türev — Canlı',
    status: 'ended',
    actual_start: '2026-11-26T10:00:00Z',
    actual_end: '2026-11-26T11:00:00Z',
    calculated,
    totals: {
      rows: results.length,
      attended: count((r) => r.status === 'attended'),
      partial: count((r) => r.status === 'partial'),
      absent: count((r) => r.status === 'absent'),
      late_join: count((r) => r.late_join),
      early_leave: count((r) => r.early_leave),
    },
    results: calculated ? results : [],
  };
}

const timeline: AttendanceTimeline = {
  session_id: SID,
  peak_present: 2,
  drop_off_minutes: ['2026-11-26T10:25:00Z'],
  minutes: Array.from({ length: 60 }, (_, i) => {
    const minute_start = new Date(Date.parse('2026-11-26T10:00:00Z') + i * 60_000).toISOString().replace('.000Z', 'Z');
    const present = i < 12 ? 1 : i < 25 || (i >= 28 && i < 40) ? 2 : 1;
    return { minute_start, present, foreground: i >= 30 && i < 35 ? 1 : present, drop_off: i === 25, lost: i === 25 ? 1 : 0 };
  }),
  insights: [
    { kind: 'late_joins', severity: 'medium', from: '2026-11-26T10:00:00Z', to: '2026-11-26T11:00:00Z', minute: 0, count: 2, of: 5 },
    {
      kind: 'drop_off',
      severity: 'high',
      from: '2026-11-26T10:25:00Z',
      to: '2026-11-26T10:26:00Z',
      minute: 25,
      count: 3,
      of: 10,
      recording: { id: 'r1', offset_seconds: 1390, said: 'Şimdi kısmi kesirlere geçelim & <b>örnek</b>' },
    },
    {
      kind: 'attention_dip',
      severity: 'medium',
      from: '2026-11-26T10:30:00Z',
      to: '2026-11-26T10:35:00Z',
      minute: 30,
      count: 4,
      of: 10,
      recording: { id: 'r1', offset_seconds: 1690, said: '' },
    },
    { kind: 'fading', severity: 'medium', from: '2026-11-26T10:40:00Z', to: '2026-11-26T10:57:00Z', minute: 40, count: 4, of: 10 },
  ],
  people_judged: true,
  minutes_judged: 57,
};

// ---- fetch mock ---------------------------------------------------------------------------------

type Handler = (init: RequestInit | undefined) => Response | Promise<Response>;
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
const notFound = () =>
  json({ type: 'https://liveclass.dev/problems/not-found', title: 'Not found', status: 404, detail: 'no such live session' }, 404);

function mockApi(routes: Record<string, Handler>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const key = `${init?.method ?? 'GET'} ${url}`;
    const h = routes[key];
    return h ? h(init) : notFound();
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const base = `/api/v1/live-sessions/${SID}`;
const prefs: Record<string, Handler> = {
  'GET /api/v1/notifications/preferences/': () => json({ timezone: 'Europe/Istanbul' }),
};

function signIn(user: User) {
  localStorage.setItem(
    'liveclass.auth',
    JSON.stringify({ token: 'test-token', user, tenant: TENANT, expiresAt: Date.now() + 3_600_000 }),
  );
}

function renderPage() {
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <AuthProvider>
        <MemoryRouter initialEntries={[`/sessions/${SID}/attendance`]}>
          <Routes>
            <Route path="/sessions/:id/attendance" element={<AttendanceReportPage />} />
            <Route path="/sessions/:id" element={<p>class page</p>} />
          </Routes>
        </MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>,
  );
}

beforeEach(async () => {
  await i18n.changeLanguage('tr');
});
describe('AttendanceReportPage — instructor', () => {
  function instructorApi(extra: Record<string, Handler> = {}) {
    signIn(teacher);
    return mockApi({
      ...prefs,
      [`GET ${base}/`]: () => json(session('host')),
      [`GET ${base}/attendance/?explain=true`]: () => json(report(rows)),
      [`GET ${base}/attendance/timeline/`]: () => json(timeline),
      ...extra,
    });
  }

  it('shows the class, the totals, every row with its flags, the interval bars and the timeline chart', async () => {
    const fetchMock = instructorApi();
    renderPage();
    expect(await screen.findByRole('heading', { level: 1, name: /Yoklama raporu\s+Türev — Canlı/ })).toBeInTheDocument();
    // Times in the user's zone (Europe/Istanbul, UTC+3).
    expect(screen.getAllByText(/13:00–14:00/, { selector: 'time' })).toHaveLength(2);
    expect(screen.getByText('Saatler Europe/Istanbul saat dilimine göredir.')).toBeInTheDocument();

    expect(screen.getByTestId('total-rows')).toHaveTextContent('3');
    expect(screen.getByTestId('total-attended')).toHaveTextContent('1');
    expect(screen.getByTestId('total-partial')).toHaveTextContent('1');
    expect(screen.getByTestId('total-absent')).toHaveTextContent('1');
    expect(screen.getByTestId('total-late')).toHaveTextContent('1');
    expect(screen.getByTestId('total-early')).toHaveTextContent('1');

    const table = screen.getByRole('table', { name: /Öğrencilerin katılımı/ });
    const bodyRows = within(table).getAllByRole('row').slice(1);
    expect(bodyRows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual([
      expect.stringContaining('Can Yılmaz'),
      expect.stringContaining('Deniz Şahin'),
      expect.stringContaining('Zeynep Kaya'),
    ]);
    const can = bodyRows[0];
    expect(within(can).getByText('Kısmen')).toHaveClass('badge-att-partial');
    expect(within(can).getByText('Geç geldi')).toBeInTheDocument();
    expect(within(can).getByText('Erken ayrıldı')).toBeInTheDocument();
    expect(within(can).getByText('%41,7')).toBeInTheDocument();
    expect(within(can).getByText('25 dk')).toBeInTheDocument();
    expect(within(can).getByText('5 dk')).toBeInTheDocument();
    expect(within(can).getByText('13:12 / 13:40')).toBeInTheDocument();
    expect(within(can).getByText('38/100')).toBeInTheDocument();
    expect(within(bodyRows[1]).getByText('Katılmadı')).toBeInTheDocument();

    // Interval bars: positioned segments and their text alternative.
    const bars = screen.getAllByTestId('ivbar-row');
    expect(bars).toHaveLength(3);
    const canBar = bars[0];
    const segs = canBar.querySelectorAll('.ivbar-seg');
    expect(segs).toHaveLength(3);
    expect((segs[0] as HTMLElement).style.left).toBe('20%');
    expect(within(canBar).getByRole('list', { name: 'Can Yılmaz: zaman aralıkları' })).toBeInTheDocument();
    expect(within(canBar).getByText('Derste: 13:12–13:25 (bağlantısı koptu)')).toBeInTheDocument();
    expect(within(canBar).getByText('Arka planda: 13:30–13:35')).toBeInTheDocument();
    expect(within(bars[1]).getByText('Derse hiç katılmadı.')).toBeInTheDocument();

    // Timeline chart: an SVG image with a title/description, drop-offs marked, a data table.
    const chart = await screen.findByRole('img', { name: /Dakika dakika katılım/ });
    expect(chart.querySelector('title')).toHaveTextContent('Dakika dakika katılım');
    expect(chart.querySelector('desc')).toHaveTextContent('60 dakikalık ders; aynı anda en çok 2 kişi derste');
    expect(chart.querySelector('desc')).toHaveTextContent('13:25');
    expect(within(chart as unknown as HTMLElement).getAllByTestId('drop-off')).toHaveLength(1);
    expect(chart.textContent).toContain('13:00');
    const data = screen.getByRole('table', { name: 'Dakika dakika katılım verisi' });
    expect(within(data).getAllByRole('row')).toHaveLength(61);

    expect(fetchMock).toHaveBeenCalledWith(`${base}/attendance/timeline/`, expect.anything());
  });

  it('says what stood out in the class, with a suggestion for each, the high ones marked', async () => {
    instructorApi();
    renderPage();
    const coach = await screen.findByTestId('coaching');
    expect(within(coach).getByRole('heading', { name: 'Öne çıkanlar ve öneriler' })).toBeInTheDocument();
    const items = within(coach).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('data-kind'))).toEqual(['late_joins', 'drop_off', 'attention_dip', 'fading']);
    expect(items[0]).toHaveTextContent('Gelen 5 öğrenciden 2 kişi geç katıldı.');
    expect(items[0]).toHaveTextContent('Hatırlatmayı daha erken gönderin');
    // Times in the reader's zone (UTC+3), with the minute of the class.
    expect(items[1]).toHaveTextContent('13:25 (başlangıçtan 25 dk sonra): derste olan 10 kişiden 3 kişi ayrıldı.');
    expect(within(items[1]).getByText('Öncelikli')).toBeInTheDocument();
    expect(items[1]).toHaveTextContent('Kayıtta bu dakikaya bakın');
    // Where the moment is in the recording, and what was said there (text, never markup).
    expect(items[1]).toHaveTextContent('Kayıtta 23:10 civarında söylenen: “Şimdi kısmi kesirlere geçelim & <b>örnek</b>”');
    expect(items[1].querySelector('b')).toBeNull();
    expect(items[2]).toHaveTextContent('Kayıtta 28:10 noktasında.');
    expect(items[0]).not.toHaveTextContent('Kayıtta');
    expect(within(items[0]).queryByText('Öncelikli')).not.toBeInTheDocument();
    expect(items[2]).toHaveTextContent('13:30–13:35 arasında');
    expect(items[2]).toHaveTextContent('en kötü dakikada 10 kişiden 4 kişi');
    expect(items[3]).toHaveTextContent('13:40 (başlangıçtan 40 dk sonra) itibarıyla katılım giderek azaldı');
    expect(items[3]).toHaveTextContent('en kalabalık anda 10 kişi vardı, son bölümde ortalama 6 kişi kaldı.');
    expect(within(coach).queryByText(/Ders bitip yoklama hesaplanınca/)).not.toBeInTheDocument();
    // The class has no recordings: no link to them.
    expect(within(coach).queryByRole('link')).not.toBeInTheDocument();

    await act(() => i18n.changeLanguage('en'));
    expect(items[1]).toHaveTextContent('13:25 (25 min in): 3 of the 10 people in class left.');
    expect(items[2]).toHaveTextContent('From 13:30 to 13:35 many in class were on another tab (at the worst minute 4 of 10).');
    expect(within(items[1]).getByText('Priority')).toBeInTheDocument();
    expect(items[3]).toHaveTextContent(
      'From 13:40 (40 min in) on, presence wore away: 10 at the busiest point, 6 on average in the last part.',
    );
    expect(items[3]).toHaveTextContent('Take a five-minute break');
  });

  it('links the moments (not the people) to the class’s recordings when it has some', async () => {
    instructorApi({ [`GET ${base}/`]: () => json({ ...session('host'), recordings_count: 2 }) });
    renderPage();
    const coach = await screen.findByTestId('coaching');
    const items = within(coach).getAllByRole('listitem');
    expect(within(items[0]).queryByRole('link')).not.toBeInTheDocument();
    // A moment found in a recording opens it there, at that point; one that was not, the recordings.
    expect(within(items[1]).getByRole('link', { name: 'Kayıtta bu ana git' })).toHaveAttribute(
      'href',
      `/sessions/${SID}/recordings?play=r1&t=1390`,
    );
    expect(within(items[2]).getByRole('link', { name: 'Kayıtta bu ana git' })).toHaveAttribute(
      'href',
      `/sessions/${SID}/recordings?play=r1&t=1690`,
    );
    expect(within(items[3]).getByRole('link', { name: 'Kayıtları aç' })).toHaveAttribute('href', `/sessions/${SID}/recordings`);
  });

  it('says when nothing stood out, and that people are judged once the class has ended', async () => {
    instructorApi({
      [`GET ${base}/`]: () => json(session('host', 'live')),
      [`GET ${base}/attendance/timeline/`]: () => json({ ...timeline, insights: [], people_judged: false }),
    });
    renderPage();
    const coach = await screen.findByTestId('coaching');
    expect(coach).toHaveTextContent('Bu derste öne çıkan bir şey yok');
    expect(coach).toHaveTextContent('Ders bitip yoklama hesaplanınca kayıtlı öğrenciler de');
    expect(within(coach).queryByRole('list')).not.toBeInTheDocument();
  });

  it('does not claim all went well before there is anything to judge, and says “almost nobody” for an emptied room', async () => {
    const fading = {
      kind: 'fading' as const,
      severity: 'high' as const,
      from: '2026-11-26T10:20:00Z',
      to: '2026-11-26T10:57:00Z',
      minute: 20,
      count: 8,
      of: 8,
    };
    let answer = { ...timeline, insights: [] as AttendanceTimeline['insights'], people_judged: false, minutes_judged: 0 };
    instructorApi({
      [`GET ${base}/`]: () => json(session('host', 'live')),
      [`GET ${base}/attendance/timeline/`]: () => json(answer),
    });
    const { unmount } = renderPage();
    const coach = await screen.findByTestId('coaching');
    expect(coach).toHaveTextContent('Öne çıkanları söylemek için henüz yeterli veri yok.');
    expect(coach).not.toHaveTextContent('öne çıkan bir şey yok');
    unmount();

    answer = { ...timeline, insights: [fading], people_judged: true, minutes_judged: 57 };
    renderPage();
    const item = within(await screen.findByTestId('coaching')).getByRole('listitem');
    expect(item).toHaveTextContent('en kalabalık anda 8 kişi vardı, son bölümde neredeyse kimse kalmadı.');
  });

  it('sorts by attendance percent and duration from the column headers', async () => {
    instructorApi();
    const user = userEvent.setup({ delay: null });
    renderPage();
    const table = await screen.findByRole('table', { name: /Öğrencilerin katılımı/ });
    const names = () => within(table).getAllByRole('rowheader').map((h) => h.firstChild?.textContent);
    const nameHeader = within(table).getByRole('columnheader', { name: /Ad soyad/ });
    expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');

    await user.click(within(table).getByRole('button', { name: /Katılım/ }));
    const percentHeader = within(table).getByRole('columnheader', { name: /Katılım/ });
    expect(percentHeader).toHaveAttribute('aria-sort', 'descending');
    expect(nameHeader).toHaveAttribute('aria-sort', 'none');
    expect(names()).toEqual(['Zeynep Kaya', 'Can Yılmaz', 'Deniz Şahin']);

    await user.click(within(table).getByRole('button', { name: /Katılım/ }));
    expect(percentHeader).toHaveAttribute('aria-sort', 'ascending');
    expect(names()).toEqual(['Deniz Şahin', 'Can Yılmaz', 'Zeynep Kaya']);

    await user.click(within(table).getByRole('button', { name: /Derste/ }));
    expect(names()).toEqual(['Zeynep Kaya', 'Can Yılmaz', 'Deniz Şahin']);
  });

  it('downloads the CSV from the attendance URL with format=csv', async () => {
    const fetchMock = instructorApi({
      [`GET ${base}/attendance/?format=csv`]: () =>
        new Response('\uFEFFAd Soyad,E-posta\r\nCan Yılmaz,can.yilmaz@ornek.k12.tr\r\n', {
          headers: { 'Content-Type': 'text/csv; charset=utf-8' },
        }),
    });
    const createObjectURL = vi.fn(() => 'blob:report');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const user = userEvent.setup({ delay: null });
    renderPage();
    await user.click(await screen.findByRole('button', { name: 'CSV indir' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const call = fetchMock.mock.calls.find(([u]) => String(u).includes('format=csv'));
    expect(call?.[0]).toBe(`${base}/attendance/?format=csv`);
    expect((call?.[1] as RequestInit).headers).toEqual({ Authorization: 'Bearer test-token' });
    expect(createObjectURL).toHaveBeenCalled();
    const a = click.mock.contexts[0] as HTMLAnchorElement;
    expect(a.download).toBe('yoklama-Türev-Canlı.csv');
  });

  it('recalculates an ended class and fetches the report again', async () => {
    let calculated = false;
    const fetchMock = instructorApi({
      [`GET ${base}/attendance/?explain=true`]: () => json(report(rows, calculated)),
      [`POST ${base}/attendance/recalculate/`]: () => {
        calculated = true;
        return json(report(rows));
      },
    });
    const user = userEvent.setup({ delay: null });
    renderPage();
    expect(await screen.findByText(/Ders bitti; yoklama birkaç dakika içinde hesaplanacak/)).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: /Öğrencilerin katılımı/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Şimdi hesapla' }));
    expect(await screen.findByText('Yoklama yeniden hesaplandı.')).toBeInTheDocument();
    expect(await screen.findByRole('table', { name: /Öğrencilerin katılımı/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Yeniden hesapla' })).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(`${base}/attendance/recalculate/`, expect.objectContaining({ method: 'POST' }));
    const reads = fetchMock.mock.calls.filter(([u]) => u === `${base}/attendance/?explain=true`);
    expect(reads.length).toBe(2);
  });

  it('offers no recalculation while the class is live and says the report comes at the end', async () => {
    instructorApi({
      [`GET ${base}/`]: () => json(session('host', 'live')),
      [`GET ${base}/attendance/?explain=true`]: () => json({ ...report(rows, false), status: 'live', actual_end: null }),
    });
    renderPage();
    expect(await screen.findByText('Ders sürüyor; yoklama ders bitince hesaplanır.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /hesapla/i })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'CSV indir' })).toBeInTheDocument();
  });

  it('says so when nobody is listed', async () => {
    instructorApi({ [`GET ${base}/attendance/?explain=true`]: () => json(report([])) });
    renderPage();
    expect(await screen.findByText(/Bu ders için listelenecek kimse yok/)).toBeInTheDocument();
  });

  it('switches its texts to English', async () => {
    instructorApi();
    renderPage();
    await screen.findByRole('heading', { level: 1, name: /Yoklama raporu/ });
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    expect(screen.getByRole('heading', { level: 1, name: /Attendance report\s+Türev — Canlı/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download CSV' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Recalculate' })).toBeInTheDocument();
    expect(screen.getByText('Late joins')).toBeInTheDocument();
    const table = screen.getByRole('table', { name: /Attendance by student/ });
    expect(within(table).getByText('Partial')).toBeInTheDocument();
    expect(within(table).getByText('41.7%')).toBeInTheDocument();
    expect(within(table).getByText('25 min')).toBeInTheDocument();
    expect(screen.getByText('In class: 13:12–13:25 (connection lost)')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /Participation minute by minute/ })).toBeInTheDocument();
  });
});

describe('AttendanceReportPage — student', () => {
  it('shows only the student’s own row, without totals, CSV, recalculation or timeline', async () => {
    signIn(student);
    const fetchMock = mockApi({
      ...prefs,
      [`GET ${base}/`]: () => json(session('participant')),
      [`GET ${base}/attendance/?explain=true`]: () => json(report([canRow])),
    });
    renderPage();
    expect(await screen.findByRole('heading', { level: 1, name: /Katılımım\s+Türev — Canlı/ })).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Bu dersteki katılımınız' });
    expect(within(table).getAllByRole('rowheader')).toHaveLength(1);
    expect(within(table).getByText('Can Yılmaz')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'CSV indir' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /hesapla/i })).not.toBeInTheDocument();
    expect(screen.queryByText('Özet')).not.toBeInTheDocument();
    expect(screen.queryByRole('img', { name: /Dakika dakika katılım/ })).not.toBeInTheDocument();
    expect(screen.getAllByTestId('ivbar-row')).toHaveLength(1);
    expect(fetchMock.mock.calls.some(([u]) => String(u).includes('timeline'))).toBe(false);
  });
});

describe('AttendanceReportPage — errors', () => {
  it('shows the problem+json 404 as a message with a way back', async () => {
    signIn(teacher);
    mockApi(prefs);
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent('Aradığınız kayıt bulunamadı. (no such live session)');
    expect(screen.getByRole('link', { name: 'Derse dön' })).toHaveAttribute('href', `/sessions/${SID}`);
  });
});

describe('report helpers', () => {
  it('places intervals on the class window, clipped, open ones to the end', () => {
    const start = Date.parse('2026-11-26T10:00:00Z');
    const end = Date.parse('2026-11-26T11:00:00Z');
    const segs = toSegments(
      [
        { kind: 'background', participant_id: 'x', from: '2026-11-26T10:30:00Z', to: '2026-11-26T10:45:00Z' },
        { kind: 'present', participant_id: 'x', from: '2026-11-26T09:50:00Z', to: '2026-11-26T10:15:00Z' },
        { kind: 'present', participant_id: 'x', from: '2026-11-26T10:30:00Z', to: null },
        { kind: 'present', participant_id: 'x', from: '2026-11-26T11:10:00Z', to: '2026-11-26T11:20:00Z' },
      ],
      start,
      end,
    );
    expect(segs.map((s) => [s.kind, s.left, s.width])).toEqual([
      ['present', 0, 25],
      ['present', 50, 50],
      ['background', 50, 25],
    ]);
  });

  it('sorts names the Turkish way', () => {
    const r = (full_name: string) => ({ ...canRow, full_name });
    const sorted = sortRows([r('Zeynep'), r('Çağla'), r('Ceren'), r('Deniz')], { key: 'name', dir: 'asc' }, 'tr');
    expect(sorted.map((x) => x.full_name)).toEqual(['Ceren', 'Çağla', 'Deniz', 'Zeynep']);
  });
});
