import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { AppRoutes } from '../App';
import { useAuth } from '../auth/AuthContext';
import i18n from '../i18n';
import { TENANT, callsTo, json, mockApi, problem, renderWithApp, signIn, teacher } from '../test/api';
import { LoginPage } from './LoginPage';

const LOGIN = 'POST /api/v1/auth/login/';
const loginAnswer = () =>
  json({ access_token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhMSJ9.c2ln', token_type: 'Bearer', expires_in: 3600, user: teacher, tenant: TENANT });

function stored() {
  return JSON.parse(localStorage.getItem('liveclass.auth') ?? 'null') as { token: string; expiresAt: number } | null;
}

async function fillAndSubmit(email = 'ayse.ogretmen@ornek.k12.tr', password = 'doğru at pil zımba') {
  const user = userEvent.setup({ delay: null });
  await user.type(screen.getByLabelText('E-posta'), email);
  await user.type(screen.getByLabelText('Parola'), password);
  await user.click(screen.getByRole('button', { name: 'Giriş yap' }));
  return user;
}

function Where() {
  const loc = useLocation();
  return <p>at {loc.pathname + loc.search}</p>;
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-26T08:00:00Z'));
  await i18n.changeLanguage('tr');
});
describe('LoginPage', () => {
  it('sends a visitor to the login page, signs in, stores the token and returns to the page they asked for', async () => {
    const fetchMock = mockApi({ [LOGIN]: () => loginAnswer() });
    renderWithApp(<AppRoutes />, ['/nowhere?tab=past']);
    expect(await screen.findByRole('heading', { name: 'Canlı Ders' })).toBeInTheDocument();
    await fillAndSubmit('  ayse.ogretmen@ornek.k12.tr ');

    expect(await screen.findByRole('heading', { name: 'Sayfa bulunamadı' })).toBeInTheDocument();
    expect(screen.getByText('Ayşe Öğretmen')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', '/api/v1/auth/login/')).toEqual([
      { email: 'ayse.ogretmen@ornek.k12.tr', password: 'doğru at pil zımba' },
    ]);
    expect((fetchMock.mock.calls[0][1]?.headers as Record<string, string>).Authorization).toBeUndefined();
    const s = stored();
    expect(s?.token).toBe('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhMSJ9.c2ln');
    // Kept a little less than the token lives, so it is never sent in its last seconds.
    expect(s?.expiresAt).toBe(Date.parse('2026-11-26T09:00:00Z') - 30_000);
  });

  it('returns to the page given in the router state, with its query', async () => {
    mockApi({ [LOGIN]: () => loginAnswer() });
    renderWithApp(
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Where />} />
      </Routes>,
      [{ pathname: '/login', state: { from: '/sessions/abc?view=calendar' } }],
    );
    await fillAndSubmit();
    expect(await screen.findByText('at /sessions/abc?view=calendar')).toBeInTheDocument();
  });

  it('says the e-mail or password is wrong on a 401 and keeps the form usable', async () => {
    mockApi({ [LOGIN]: () => problem('unauthenticated', 401, 'wrong e-mail or password', {}, { 'WWW-Authenticate': 'Bearer' }) });
    renderWithApp(<LoginPage />, ['/login']);
    await fillAndSubmit();
    expect(await screen.findByRole('alert')).toHaveTextContent(/^E-posta ya da parola yanlış\.$/);
    expect(screen.getByRole('button', { name: 'Giriş yap' })).toBeEnabled();
    expect(screen.getByLabelText('E-posta')).toHaveValue('ayse.ogretmen@ornek.k12.tr');
    expect(stored()).toBeNull();
  });

  it('shows the rate limit with the seconds to wait on a 429', async () => {
    mockApi({
      [LOGIN]: () => problem('rate-limited', 429, 'too many sign-in attempts for this account', {}, { 'Retry-After': '900' }),
    });
    renderWithApp(<LoginPage />, ['/login']);
    await fillAndSubmit();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Çok fazla deneme yapıldı; 900 saniye sonra tekrar deneyin. (too many sign-in attempts for this account)',
    );
  });

  it('shows a network failure', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    renderWithApp(<LoginPage />, ['/login']);
    await fillAndSubmit();
    expect(await screen.findByRole('alert')).toHaveTextContent('Sunucuya ulaşılamadı; bağlantınızı kontrol edip tekrar deneyin.');
  });

  it('is busy while signing in', async () => {
    let answer!: (r: Response) => void;
    mockApi({ [LOGIN]: () => new Promise<Response>((r) => (answer = r)) });
    renderWithApp(<LoginPage />, ['/login']);
    await fillAndSubmit();
    const busy = screen.getByRole('button', { name: 'Giriş yapılıyor…' });
    expect(busy).toBeDisabled();
    expect(busy).toHaveAttribute('aria-busy', 'true');
    await act(async () => answer(problem('unauthenticated', 401, '')));
    expect(await screen.findByRole('alert')).toBeInTheDocument();
  });

  it('sends a signed-in user on at once', () => {
    signIn(teacher);
    mockApi({});
    renderWithApp(
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Where />} />
      </Routes>,
      ['/login'],
    );
    expect(screen.getByText('at /')).toBeInTheDocument();
  });

  it('switches to English', async () => {
    mockApi({ [LOGIN]: () => problem('unauthenticated', 401, '') });
    renderWithApp(<LoginPage />, ['/login']);
    const user = userEvent.setup({ delay: null });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Dil' }), 'en');
    expect(screen.getByRole('heading', { name: 'Live Class' })).toBeInTheDocument();
    await user.type(screen.getByLabelText('E-mail'), 'a@b.c');
    await user.type(screen.getByLabelText('Password'), 'x');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong e-mail or password.');
    expect(localStorage.getItem('liveclass.lang')).toBe('en');
  });
});

/** Shows who is signed in and makes one API call on demand. */
function Probe() {
  const { user, api } = useAuth();
  return (
    <>
      <p>{user ? `signed in as ${user.full_name}` : 'signed out'}</p>
      <button type="button" onClick={() => void api.get('/api/v1/live-sessions/').catch(() => {})}>
        load
      </button>
    </>
  );
}

describe('AuthProvider', () => {
  it('counts a stored expired token as signed out and sends no token', async () => {
    signIn(teacher, Date.now() - 1);
    const fetchMock = mockApi({ 'GET /api/v1/live-sessions/': () => problem('unauthenticated', 401, 'authentication required') });
    renderWithApp(<Probe />);
    expect(screen.getByText('signed out')).toBeInTheDocument();
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'load' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect((fetchMock.mock.calls[0][1]?.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it('sends a stored expired token to the login page', async () => {
    signIn(teacher, Date.now() - 1);
    mockApi({});
    renderWithApp(<AppRoutes />, ['/nowhere']);
    expect(await screen.findByRole('button', { name: 'Giriş yap' })).toBeInTheDocument();
  });

  it('drops the token when the API answers 401 later', async () => {
    signIn(teacher);
    const fetchMock = mockApi({
      'GET /api/v1/live-sessions/': () => problem('unauthenticated', 401, 'the token has been revoked'),
    });
    renderWithApp(<Probe />);
    expect(screen.getByText('signed in as Ayşe Öğretmen')).toBeInTheDocument();
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'load' }));
    expect(await screen.findByText('signed out')).toBeInTheDocument();
    expect(localStorage.getItem('liveclass.auth')).toBeNull();
    expect((fetchMock.mock.calls[0][1]?.headers as Record<string, string>).Authorization).toBe('Bearer test-token');
  });

  it('keeps the token on other errors', async () => {
    signIn(teacher);
    mockApi({ 'GET /api/v1/live-sessions/': () => problem('forbidden', 403, 'not yours') });
    renderWithApp(<Probe />);
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'load' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.getByText('signed in as Ayşe Öğretmen')).toBeInTheDocument();
    expect(localStorage.getItem('liveclass.auth')).not.toBeNull();
  });

  it('signs out when the token expires while the page is open and the API then answers 401', async () => {
    signIn(teacher, Date.now() + 60_000);
    mockApi({ 'GET /api/v1/live-sessions/': () => problem('unauthenticated', 401, 'authentication required') });
    renderWithApp(<Probe />);
    expect(screen.getByText('signed in as Ayşe Öğretmen')).toBeInTheDocument();
    vi.setSystemTime(Date.now() + 120_000);
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'load' }));
    expect(await screen.findByText('signed out')).toBeInTheDocument();
    expect(localStorage.getItem('liveclass.auth')).toBeNull();
  });

  it('signs out from the menu', async () => {
    signIn(teacher);
    mockApi({});
    renderWithApp(<AppRoutes />, ['/nowhere']);
    await userEvent.setup({ delay: null }).click(await screen.findByRole('button', { name: 'Çıkış' }));
    expect(await screen.findByRole('button', { name: 'Giriş yap' })).toBeInTheDocument();
    expect(localStorage.getItem('liveclass.auth')).toBeNull();
  });
});
