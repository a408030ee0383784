import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { AppRoutes, makeQueryClient } from '../App';
import { AuthProvider } from '../auth/AuthContext';
import i18n from '../i18n';
import type { AdminCourse, AdminUser, PolicyView, ProviderConfig } from './admin/types';

const TENANT = { id: '7f1c2a9e-1b2c-4d3e-8f40-5a6b7c8d9e01', slug: 'ornek-lisesi', name: 'Örnek Lisesi', domains: [], sso_enabled: false, created_at: '2026-01-05T08:00:00Z' };

function user(over: Partial<AdminUser>): AdminUser {
  return {
    id: '00000000-0000-4000-8000-000000000000',
    tenant_id: TENANT.id,
    email: 'x@okul.edu.tr',
    full_name: 'X',
    role: 'student',
    locale: 'tr',
    external_id: null,
    avatar_url: '',
    is_active: true,
    created_at: '2026-01-05T08:00:00Z',
    ...over,
  };
}
const ADMIN = user({ id: 'a0000000-0000-4000-8000-000000000001', email: 'mudur@okul.edu.tr', full_name: 'Zeynep Kaya', role: 'admin' });
const TEACHER = user({ id: 'b0000000-0000-4000-8000-000000000002', email: 'ogretmen@okul.edu.tr', full_name: 'Mehmet Demir', role: 'instructor' });
const STUDENT = user({ id: 'c0000000-0000-4000-8000-000000000003', email: 'ayse@okul.edu.tr', full_name: 'Ayşe Yılmaz', role: 'student' });

const JITSI: ProviderConfig = {
  provider: 'jitsi',
  is_active: true,
  is_default: true,
  jitsi_domain: 'meet.okul.edu.tr',
  jitsi_app_id: 'liveclass',
  jitsi_jwt_secret: '********',
  jitsi_jwt_secret_set: true,
  bbb_server_url: '',
  bbb_shared_secret: '',
  bbb_shared_secret_set: false,
  bbb_checksum_algorithm: 'sha256',
  zoom_account_id: '',
  zoom_client_id: '',
  zoom_client_secret: '',
  zoom_client_secret_set: false,
  zoom_user_id: '',
  zoom_webhook_secret: '',
  zoom_webhook_secret_set: false,
  webhook_secret: '',
  webhook_secret_set: false,
  max_concurrent_rooms: 10,
  default_room_duration_minutes: 120,
};

const NULL_OVERRIDES = {
  recording_required: null,
  auto_recording: null,
  transcribe_recordings: null,
  summarize_recordings: null,
  recording_retention_days: null,
  attendance_threshold_percent: null,
  minimum_duration_minutes: null,
  late_join_tolerance_minutes: null,
  early_leave_tolerance_minutes: null,
  lobby_enabled: null,
  require_authentication: null,
  allow_guests: null,
  students_can_share_screen: null,
  students_can_use_whiteboard: null,
  students_can_unmute_self: null,
  students_start_muted: null,
  students_video_off: null,
};
const POLICY: PolicyView = {
  overrides: { ...NULL_OVERRIDES, attendance_threshold_percent: 80 },
  effective: {
    recording_required: true,
    auto_recording: false,
    transcribe_recordings: false,
    summarize_recordings: false,
    recording_retention_days: 90,
    attendance_threshold_percent: 80,
    minimum_duration_minutes: 5,
    late_join_tolerance_minutes: 10,
    early_leave_tolerance_minutes: 10,
    lobby_enabled: true,
    require_authentication: true,
    allow_guests: false,
    students_can_share_screen: false,
    students_can_use_whiteboard: true,
    students_can_unmute_self: true,
    students_start_muted: true,
    students_video_off: false,
  },
};

const COURSE: AdminCourse = {
  id: 'd0000000-0000-4000-8000-000000000004',
  tenant_id: TENANT.id,
  title: 'Matematik 101',
  description: '',
  instructor_ids: [TEACHER.id],
  created_at: '2026-01-06T08:00:00Z',
};

const page = <T,>(results: T[]) => ({ count: results.length, page: 1, page_size: 20, next: null, previous: null, results });
const problem422 = (field: string, detail: string) => ({
  type: 'https://liveclass.dev/problems/validation-error',
  title: 'Your request contains invalid fields',
  status: 422,
  detail: 'the provider settings cannot be saved',
  errors: [{ field, pointer: `/${field}`, detail }],
});

interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  auth: string | null;
}
type Handler = (c: Call) => [number, unknown] | undefined;

/** A fake liveclass API: handlers keyed "METHOD /path/" (path without the query); records every call. */
function fakeApi(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    const call: Call = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      auth: headers.get('Authorization'),
    };
    calls.push(call);
    const handler = routes[`${method} ${url.pathname}`];
    const answer = handler?.(call) ?? [404, { type: 'https://liveclass.dev/problems/not-found', title: 'Not found', status: 404, detail: `no fake for ${method} ${url.pathname}` }];
    const [status, body] = answer;
    if (status === 204) return new Response(null, { status });
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, sent: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path) };
}

function renderAdmin(me: AdminUser = ADMIN, path = '/admin') {
  localStorage.setItem(
    'liveclass.auth',
    JSON.stringify({ token: 'test-token', user: me, tenant: TENANT, expiresAt: Date.now() + 3600_000 }),
  );
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <AuthProvider>
        <MemoryRouter initialEntries={[path]}>
          <AppRoutes />
        </MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>,
  );
}

const CONFIG_PATH = `/api/v1/tenants/${TENANT.id}/live-config/`;
const POLICY_PATH = `/api/v1/tenants/${TENANT.id}/live-policy/`;

afterEach(async () => {
  cleanup(); // before the language changes back, so nothing mounted re-renders
  vi.unstubAllGlobals();
  await i18n.changeLanguage('tr');
});

describe('AdminPage: provider', () => {
  it('loads the settings and never shows a stored secret', async () => {
    fakeApi({ [`GET ${CONFIG_PATH}`]: () => [200, { configs: [JITSI] }] });
    renderAdmin();
    const domain = await screen.findByLabelText('Jitsi alan adı');
    expect(domain).toHaveValue('meet.okul.edu.tr');
    expect(screen.getByLabelText('Uygulama kimliği (JWT app_id)')).toHaveValue('liveclass');
    const secret = screen.getByLabelText('JWT gizli anahtarı');
    expect(secret).toHaveAttribute('type', 'password');
    expect(secret).toHaveValue('');
    expect(secret).toHaveAccessibleDescription(/Kayıtlı\. Değiştirmek istemiyorsanız boş bırakın\./);
    expect(screen.getByLabelText('Olay bildirimi gizli anahtarı')).toHaveAccessibleDescription(/Kayıtlı değil\./);
    expect(document.body.innerHTML).not.toContain('********');
    expect(screen.getByRole('radio', { name: /Jitsi/ })).toBeChecked();
  });

  it('leaves untyped secrets out of the PUT and sends a typed one', async () => {
    const api = fakeApi({
      [`GET ${CONFIG_PATH}`]: () => [200, { configs: [JITSI] }],
      [`PUT ${CONFIG_PATH}`]: () => [200, { configs: [{ ...JITSI, jitsi_domain: 'meet2.okul.edu.tr', webhook_secret: '********', webhook_secret_set: true }] }],
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin();
    const domain = await screen.findByLabelText('Jitsi alan adı');
    await u.clear(domain);
    await u.type(domain, 'meet2.okul.edu.tr');
    await u.click(screen.getByRole('button', { name: 'Kaydet' }));
    expect(await screen.findByText('Jitsi ayarları kaydedildi.')).toHaveAttribute('role', 'status');
    const first = api.sent('PUT', CONFIG_PATH)[0].body as Record<string, unknown>;
    expect(first).toMatchObject({ provider: 'jitsi', is_active: true, is_default: true, jitsi_domain: 'meet2.okul.edu.tr', max_concurrent_rooms: 10 });
    expect(first).not.toHaveProperty('jitsi_jwt_secret');
    expect(first).not.toHaveProperty('webhook_secret');
    expect(first).not.toHaveProperty('bbb_shared_secret');
    expect(first).not.toHaveProperty('zoom_client_secret');
    expect(Object.values(first)).not.toContain('********');

    await u.type(screen.getByLabelText('Olay bildirimi gizli anahtarı'), 'a-new-webhook-secret-123');
    await u.click(screen.getByRole('button', { name: 'Kaydet' }));
    await waitFor(() => expect(api.sent('PUT', CONFIG_PATH)).toHaveLength(2));
    const second = api.sent('PUT', CONFIG_PATH)[1].body as Record<string, unknown>;
    expect(second.webhook_secret).toBe('a-new-webhook-secret-123');
    expect(second).not.toHaveProperty('jitsi_jwt_secret');
    // Saved: the typed secret is not kept in the page, and the stored state now reads "set".
    await waitFor(() => expect(screen.getByLabelText('Olay bildirimi gizli anahtarı')).toHaveValue(''));
    expect(screen.getByLabelText('Olay bildirimi gizli anahtarı')).toHaveAccessibleDescription(/^Kayıtlı\./);
  });

  it('shows a 422 field error next to its field and keeps what was typed', async () => {
    const api = fakeApi({
      [`GET ${CONFIG_PATH}`]: () => [200, { configs: [JITSI] }],
      [`PUT ${CONFIG_PATH}`]: () => [422, problem422('jitsi_domain', 'must be a host name like meet.school.edu (no scheme or path)')],
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin();
    const domain = await screen.findByLabelText('Jitsi alan adı');
    await u.clear(domain);
    await u.type(domain, 'https://meet.okul.edu.tr/x');
    await u.type(screen.getByLabelText('JWT gizli anahtarı'), 'sixteen-chars-secret');
    await u.click(screen.getByRole('button', { name: 'Kaydet' }));
    await waitFor(() => expect(domain).toHaveAttribute('aria-invalid', 'true'));
    expect(domain).toHaveAccessibleDescription(/must be a host name like meet\.school\.edu/);
    expect(screen.getByRole('alert')).toHaveTextContent('Lütfen işaretli alanları düzeltin.');
    expect(domain).toHaveValue('https://meet.okul.edu.tr/x');
    expect(screen.getByLabelText('JWT gizli anahtarı')).toHaveValue('sixteen-chars-secret');
    expect(api.sent('PUT', CONFIG_PATH)).toHaveLength(1);
  });

  it('starts a provider the school has not configured from the defaults', async () => {
    const api = fakeApi({
      [`GET ${CONFIG_PATH}`]: () => [200, { configs: [JITSI] }],
      [`PUT ${CONFIG_PATH}`]: (c) => [200, { configs: [JITSI, { ...JITSI, ...(c.body as object), is_default: false, bbb_shared_secret: '********', bbb_shared_secret_set: true }] }],
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin();
    await u.click(await screen.findByRole('radio', { name: /BigBlueButton/ }));
    await u.type(screen.getByLabelText('BigBlueButton sunucu adresi'), 'https://bbb.okul.edu.tr/bigbluebutton/');
    await u.type(screen.getByLabelText('Paylaşılan gizli anahtar'), 'bbb-shared-secret');
    await u.click(screen.getByRole('button', { name: 'Kaydet' }));
    await screen.findByText('BigBlueButton ayarları kaydedildi.');
    expect(api.sent('PUT', CONFIG_PATH)[0].body).toEqual({
      provider: 'bbb',
      is_active: true,
      is_default: false,
      max_concurrent_rooms: 10,
      default_room_duration_minutes: 120,
      bbb_server_url: 'https://bbb.okul.edu.tr/bigbluebutton/',
      bbb_checksum_algorithm: 'sha256',
      bbb_shared_secret: 'bbb-shared-secret',
    });
  });

  it('checks provider health on request', async () => {
    fakeApi({
      [`GET ${CONFIG_PATH}`]: () => [200, { configs: [JITSI] }],
      'GET /health/live-provider/': () => [
        503,
        {
          status: 'degraded',
          providers: [
            { provider: 'jitsi', target: 'meet.okul.edu.tr', status: 'down', latency_ms: 5000, schools: 1, error: 'timed out' },
            { provider: 'bbb', target: 'bbb.other.edu', status: 'up', latency_ms: 40, schools: 2 },
          ],
        },
      ],
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin();
    await u.click(await screen.findByRole('button', { name: 'Şimdi kontrol et' }));
    expect(await screen.findByText('Yanıt vermiyor')).toBeInTheDocument();
    expect(screen.getByText('meet.okul.edu.tr')).toBeInTheDocument();
    expect(screen.getByText(/timed out/)).toBeInTheDocument();
    expect(screen.queryByText('bbb.other.edu')).not.toBeInTheDocument();
  });
});

describe('AdminPage: tabs and policy', () => {
  it('moves between tabs with the arrow keys and saves the policy as a whole', async () => {
    const api = fakeApi({
      [`GET ${CONFIG_PATH}`]: () => [200, { configs: [JITSI] }],
      [`GET ${POLICY_PATH}`]: () => [200, POLICY],
      [`PUT ${POLICY_PATH}`]: (c) => [
        200,
        { overrides: c.body, effective: { ...POLICY.effective, students_can_share_screen: true, recording_retention_days: 30 } },
      ],
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin();
    const providerTab = await screen.findByRole('tab', { name: 'Görüşme platformu' });
    expect(providerTab).toHaveAttribute('aria-selected', 'true');
    providerTab.focus();
    await u.keyboard('{ArrowRight}');
    const policyTab = screen.getByRole('tab', { name: 'Ders kuralları' });
    expect(policyTab).toHaveAttribute('aria-selected', 'true');
    expect(policyTab).toHaveFocus();
    expect(screen.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', policyTab.id);

    const share = await screen.findByLabelText('Öğrenciler ekran paylaşabilir');
    expect(share).toHaveValue('inherit');
    expect(share).toHaveAccessibleDescription('Şu an geçerli: Kapalı.');
    expect(screen.getByLabelText('Katıldı sayılmak için gereken süre (%)')).toHaveValue(80);
    await u.selectOptions(share, 'on');
    const retention = screen.getByLabelText('Kayıtların saklanma süresi (gün)');
    await u.type(retention, '99999');
    await u.click(screen.getByRole('button', { name: 'Kaydet' }));
    expect(retention).toHaveAccessibleDescription(/0 ile 36500 arasında bir tam sayı girin\./);
    expect(api.sent('PUT', POLICY_PATH)).toHaveLength(0);

    await u.clear(retention);
    await u.type(retention, '30');
    await u.click(screen.getByRole('button', { name: 'Kaydet' }));
    await screen.findByText('Ders kuralları kaydedildi.');
    expect(api.sent('PUT', POLICY_PATH)[0].body).toEqual({
      ...NULL_OVERRIDES,
      attendance_threshold_percent: 80,
      students_can_share_screen: true,
      recording_retention_days: 30,
    });
    expect(screen.getByLabelText('Öğrenciler ekran paylaşabilir')).toHaveAccessibleDescription('Şu an geçerli: Açık.');
  });

  it('has the transcription of recordings among the rules, off by default, and saves it', async () => {
    const api = fakeApi({
      [`GET ${CONFIG_PATH}`]: () => [200, { configs: [JITSI] }],
      [`GET ${POLICY_PATH}`]: () => [200, POLICY],
      [`PUT ${POLICY_PATH}`]: (c) => [200, { overrides: c.body, effective: { ...POLICY.effective, transcribe_recordings: true } }],
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin(ADMIN, '/admin?tab=policy');
    const transcribe = await screen.findByLabelText(
      'Kayıtlar yazıya dökülsün (ses, konuşmayı yazıya çeviren servise gönderilir)',
    );
    expect(transcribe).toHaveValue('inherit');
    expect(within(transcribe).getByRole('option', { name: 'Varsayılan (Kapalı)' })).toBeInTheDocument();
    expect(transcribe).toHaveAccessibleDescription('Şu an geçerli: Kapalı.');
    await u.selectOptions(transcribe, 'on');
    await u.click(screen.getByRole('button', { name: 'Kaydet' }));
    await screen.findByText('Ders kuralları kaydedildi.');
    expect(api.sent('PUT', POLICY_PATH)[0].body).toEqual({
      ...NULL_OVERRIDES,
      attendance_threshold_percent: 80,
      transcribe_recordings: true,
    });
    expect(transcribe).toHaveAccessibleDescription('Şu an geçerli: Açık.');

    await act(async () => {
      await i18n.changeLanguage('en');
    });
    expect(
      await screen.findByLabelText('Transcribe recordings (their audio is sent to the speech-to-text service)'),
    ).toHaveValue('on');
  });

  it('has summaries and quiz suggestions next to the transcription, off by default, and saves them', async () => {
    const api = fakeApi({
      [`GET ${CONFIG_PATH}`]: () => [200, { configs: [JITSI] }],
      [`GET ${POLICY_PATH}`]: () => [200, POLICY],
      [`PUT ${POLICY_PATH}`]: (c) => [200, { overrides: c.body, effective: { ...POLICY.effective, summarize_recordings: true } }],
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin(ADMIN, '/admin?tab=policy');
    const summarize = await screen.findByLabelText(
      'Kayıtların yazıya dökümünden özet ve quiz önerisi çıkarılsın (döküm, yapay zekâ servisine gönderilir)',
    );
    // Right after the transcription it builds on.
    const transcribe = screen.getByLabelText(
      'Kayıtlar yazıya dökülsün (ses, konuşmayı yazıya çeviren servise gönderilir)',
    );
    const selects = screen.getAllByRole('combobox');
    expect(selects.indexOf(summarize)).toBe(selects.indexOf(transcribe) + 1);
    expect(summarize).toHaveValue('inherit');
    expect(within(summarize).getByRole('option', { name: 'Varsayılan (Kapalı)' })).toBeInTheDocument();
    expect(summarize).toHaveAccessibleDescription('Şu an geçerli: Kapalı.');
    await u.selectOptions(summarize, 'on');
    await u.click(screen.getByRole('button', { name: 'Kaydet' }));
    await screen.findByText('Ders kuralları kaydedildi.');
    expect(api.sent('PUT', POLICY_PATH)[0].body).toEqual({
      ...NULL_OVERRIDES,
      attendance_threshold_percent: 80,
      summarize_recordings: true,
    });
    expect(summarize).toHaveAccessibleDescription('Şu an geçerli: Açık.');
    expect(transcribe).toHaveValue('inherit');

    await act(async () => {
      await i18n.changeLanguage('en');
    });
    expect(
      await screen.findByLabelText('Summaries and quiz suggestions from transcripts (the transcript is sent to the AI service)'),
    ).toHaveValue('on');
  });
});

describe('AdminPage: users', () => {
  it('creates a user and changes a role', async () => {
    let users = [ADMIN, STUDENT];
    const api = fakeApi({
      'GET /api/v1/users/': () => [200, page(users)],
      'POST /api/v1/users/': (c) => {
        const b = c.body as Partial<AdminUser>;
        const created = user({ id: 'e0000000-0000-4000-8000-000000000005', email: b.email, full_name: b.full_name, role: b.role });
        users = [...users, created];
        return [201, created];
      },
      [`PATCH /api/v1/users/${STUDENT.id}/`]: (c) => {
        const changed = { ...STUDENT, ...(c.body as object) };
        users = users.map((x) => (x.id === STUDENT.id ? changed : x));
        return [200, changed];
      },
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin(ADMIN, '/admin?tab=users');
    expect(await screen.findByText('ayse@okul.edu.tr')).toBeInTheDocument();

    await u.click(screen.getByRole('button', { name: 'Yeni kullanıcı' }));
    const dialog = screen.getByRole('dialog', { name: 'Yeni kullanıcı' });
    await u.type(within(dialog).getByLabelText('E-posta'), 'ali@okul.edu.tr');
    await u.type(within(dialog).getByLabelText('Ad soyad'), 'Ali Veli');
    await u.selectOptions(within(dialog).getByLabelText('Rol'), 'instructor');
    await u.type(within(dialog).getByLabelText('Parola'), 'kisa');
    await u.click(within(dialog).getByRole('button', { name: 'Kullanıcıyı oluştur' }));
    expect(within(dialog).getByLabelText('Parola')).toHaveAccessibleDescription(/Parola en az 8 karakter olmalı\./);
    await u.type(within(dialog).getByLabelText('Parola'), '-ama-simdi-uzun');
    await u.click(within(dialog).getByRole('button', { name: 'Kullanıcıyı oluştur' }));
    await screen.findByText('ali@okul.edu.tr oluşturuldu.');
    expect(api.sent('POST', '/api/v1/users/')[0].body).toEqual({
      email: 'ali@okul.edu.tr',
      full_name: 'Ali Veli',
      role: 'instructor',
      locale: 'tr',
      password: 'kisa-ama-simdi-uzun',
    });
    expect(await screen.findByText('ali@okul.edu.tr')).toBeInTheDocument();

    await u.click(screen.getByRole('button', { name: 'Ayşe Yılmaz kullanıcısını düzenle' }));
    const edit = screen.getByRole('dialog');
    await u.selectOptions(within(edit).getByLabelText('Rol'), 'instructor');
    await u.click(within(edit).getByRole('button', { name: 'Kaydet' }));
    await screen.findByText('Ayşe Yılmaz için değişiklikler kaydedildi.');
    expect(api.sent('PATCH', `/api/v1/users/${STUDENT.id}/`)[0].body).toEqual({ role: 'instructor' });
    const row = screen.getByText('ayse@okul.edu.tr').closest('tr')!;
    await waitFor(() => expect(within(row).getByText('Öğretmen')).toBeInTheDocument());
  });

  it('puts a duplicate e-mail (409) next to the e-mail field', async () => {
    fakeApi({
      'GET /api/v1/users/': () => [200, page([ADMIN])],
      'POST /api/v1/users/': () => [
        409,
        { type: 'https://liveclass.dev/problems/already-exists', title: 'Already exists', status: 409, detail: 'a user with this e-mail already exists' },
      ],
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin(ADMIN, '/admin?tab=users');
    await u.click(await screen.findByRole('button', { name: 'Yeni kullanıcı' }));
    const email = screen.getByLabelText('E-posta');
    await u.type(email, 'mudur@okul.edu.tr');
    await u.click(screen.getByRole('button', { name: 'Kullanıcıyı oluştur' }));
    await waitFor(() => expect(email).toHaveAccessibleDescription('Bu e-posta adresiyle kayıtlı bir kullanıcı zaten var.'));
    expect(email).toHaveValue('mudur@okul.edu.tr');
  });

  it('searches with the API’s search parameter', async () => {
    const api = fakeApi({ 'GET /api/v1/users/': (c) => [200, page(c.query.get('search') ? [STUDENT] : [ADMIN, STUDENT])] });
    const u = userEvent.setup({ delay: null });
    renderAdmin(ADMIN, '/admin?tab=users');
    await screen.findByText('mudur@okul.edu.tr');
    await u.type(screen.getByLabelText('Ad ya da e-posta'), 'ayşe{Enter}');
    await waitFor(() => expect(screen.queryByText('mudur@okul.edu.tr')).not.toBeInTheDocument());
    expect(api.calls.at(-1)!.query.get('search')).toBe('ayşe');
  });
});

describe('AdminPage: courses', () => {
  it('enrols a student in a course', async () => {
    let enrolled: AdminUser[] = [];
    const api = fakeApi({
      'GET /api/v1/courses/': () => [200, page([COURSE])],
      [`GET /api/v1/users/${TEACHER.id}/`]: () => [200, TEACHER],
      [`GET /api/v1/courses/${COURSE.id}/enrollments/`]: () => [200, { results: enrolled }],
      'GET /api/v1/users/': (c) => [200, page(c.query.get('role') === 'student' ? [STUDENT] : [])],
      [`POST /api/v1/courses/${COURSE.id}/enrollments/`]: (c) => {
        enrolled = [STUDENT];
        return [201, { course_id: COURSE.id, user_id: (c.body as { user_id: string }).user_id, enrolled: true }];
      },
    });
    const u = userEvent.setup({ delay: null });
    renderAdmin(ADMIN, '/admin?tab=courses');
    await u.click(await screen.findByRole('button', { name: 'Matematik 101' }));
    expect(await screen.findByText('Mehmet Demir')).toBeInTheDocument();
    expect(await screen.findByText('Bu kursa kayıtlı öğrenci yok.')).toBeInTheDocument();
    await u.type(screen.getByRole('searchbox', { name: 'Öğrenci ara' }), 'ayşe{Enter}');
    await u.click(await screen.findByRole('button', { name: 'Ayşe Yılmaz kişisini ekle' }));
    await screen.findByText('Ayşe Yılmaz kursa kaydedildi.');
    expect(api.sent('POST', `/api/v1/courses/${COURSE.id}/enrollments/`)[0].body).toEqual({ user_id: STUDENT.id });
    const search = api.sent('GET', '/api/v1/users/')[0].query;
    expect(search.get('role')).toBe('student');
    expect(search.get('search')).toBe('ayşe');
    expect(await screen.findByRole('button', { name: 'Ayşe Yılmaz kişisini kurstan çıkar' })).toBeInTheDocument();
    expect(screen.getByText('zaten ekli')).toBeInTheDocument();
  });
});

describe('AdminPage: access and language', () => {
  it('tells a non-admin the page is for school admins only', async () => {
    const api = fakeApi({});
    renderAdmin(STUDENT);
    expect(await screen.findByRole('alert')).toHaveTextContent('Bu sayfayı yalnızca okul yöneticileri kullanabilir.');
    expect(screen.queryByRole('tablist')).not.toBeInTheDocument();
    expect(api.calls).toHaveLength(0);
  });

  it('switches to English', async () => {
    fakeApi({ [`GET ${CONFIG_PATH}`]: () => [200, { configs: [JITSI] }] });
    const u = userEvent.setup({ delay: null });
    renderAdmin();
    await screen.findByLabelText('Jitsi alan adı');
    await u.selectOptions(screen.getByLabelText('Dil'), 'en');
    expect(await screen.findByRole('tab', { name: 'Meeting platform' })).toBeInTheDocument();
    expect(screen.getByLabelText('Jitsi domain')).toHaveValue('meet.okul.edu.tr');
    expect(screen.getByLabelText('JWT secret')).toHaveAccessibleDescription(/^Set\. Leave empty to keep it\./);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('School administration');
  });
});
