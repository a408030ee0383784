import { beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { act } from 'react';
import i18n from '../i18n';
import type { JoinResponse, LiveSession } from '../api/types';
import {
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
} from '../test/api';
import { JoinSessionButton } from './JoinSessionButton';

const base = `/api/v1/live-sessions/${SID}`;
const ZONE = 'Europe/Istanbul';

function RoomProbe() {
  const join = (useLocation().state as { join?: JoinResponse } | null)?.join;
  return <p>room page: {join?.participant_id ?? 'no join answer'}</p>;
}

function renderButton(session: LiveSession, canHost: boolean) {
  return renderWithApp(
    <Routes>
      <Route path="/" element={<JoinSessionButton session={session} canHost={canHost} timeZone={ZONE} />} />
      <Route path="/sessions/:id/room" element={<RoomProbe />} />
    </Routes>,
  );
}

/** The text that explains a disabled button (linked with aria-describedby). */
function description(button: HTMLElement) {
  const id = button.getAttribute('aria-describedby');
  return id ? document.getElementById(id)?.textContent : null;
}

beforeEach(async () => {
  // Only Date is faked, so Testing Library's own timers still run: "now" is 26 Nov 2026 08:30 UTC,
  // 90 minutes before the class planned for 10:00 UTC (13:00 in Istanbul).
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-26T08:30:00Z'));
  await i18n.changeLanguage('tr');
});
describe('JoinSessionButton — student', () => {
  beforeEach(() => signIn(student, Date.parse('2026-11-26T12:00:00Z')));

  it('shows Join disabled with the reason while the class is scheduled', () => {
    mockApi({});
    renderButton(liveSession({ status: 'scheduled' }), false);
    const button = screen.getByRole('button', { name: 'Derse katıl' });
    expect(button).toBeDisabled();
    expect(description(button)).toBe('Ders henüz başlamadı; öğretmen başlatınca katılabilirsiniz (26 Kas 2026 13:00).');
  });

  it('enables Join when the class is live and goes to the room with the join answer', async () => {
    const fetchMock = mockApi({ [`POST ${base}/join/`]: () => json(joinAnswer()) });
    const user = userEvent.setup({ delay: null });
    renderButton(liveSession({ status: 'live' }), false);
    const button = screen.getByRole('button', { name: 'Derse katıl' });
    expect(button).toBeEnabled();
    expect(button).not.toHaveAttribute('aria-describedby');
    await user.click(button);
    expect(await screen.findByText(`room page: ${joinAnswer().participant_id}`)).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', `${base}/start/`)).toHaveLength(0);
    expect(callsTo(fetchMock, 'POST', `${base}/join/`)).toHaveLength(1);
  });

  it.each([
    ['ended', 'Ders sona erdi.'],
    ['cancelled', 'Ders iptal edildi.'],
  ] as const)('says why an %s class cannot be joined', (status, reason) => {
    mockApi({});
    renderButton(liveSession({ status }), false);
    const button = screen.getByRole('button', { name: 'Derse katıl' });
    expect(button).toBeDisabled();
    expect(description(button)).toBe(reason);
  });

  it('shows a full class (409) with the server’s detail and lets the student try again', async () => {
    mockApi({
      [`POST ${base}/join/`]: () => problem('conflict', 409, 'the class is full (100 participants)'),
    });
    const user = userEvent.setup({ delay: null });
    renderButton(liveSession({ status: 'live' }), false);
    await user.click(screen.getByRole('button', { name: 'Derse katıl' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem dersin şu anki durumunda yapılamaz. (the class is full (100 participants))',
    );
    const button = screen.getByRole('button', { name: 'Derse katıl' });
    expect(button).toBeEnabled();
    expect(button).toHaveAttribute('aria-busy', 'false');
    expect(description(button)).toContain('the class is full');
    expect(screen.queryByText(/room page/)).not.toBeInTheDocument();
  });

  it('tells how many seconds to wait after a 429 with Retry-After', async () => {
    mockApi({
      [`POST ${base}/join/`]: () =>
        problem('rate-limited', 429, 'too many join attempts; try again in 42 seconds', {}, { 'Retry-After': '42' }),
    });
    const user = userEvent.setup({ delay: null });
    renderButton(liveSession({ status: 'live' }), false);
    await user.click(screen.getByRole('button', { name: 'Derse katıl' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Çok fazla deneme yapıldı; 42 saniye sonra tekrar deneyin. (too many join attempts; try again in 42 seconds)',
    );
  });
});

describe('JoinSessionButton — host', () => {
  beforeEach(() => signIn(teacher, Date.parse('2026-11-26T12:00:00Z')));

  it('keeps Start disabled until an hour before the start and says when it opens', () => {
    mockApi({});
    renderButton(liveSession({ status: 'scheduled' }), true);
    const button = screen.getByRole('button', { name: 'Dersi başlat' });
    expect(button).toBeDisabled();
    expect(description(button)).toBe('Dersi 26 Kas 2026 12:00 itibarıyla başlatabilirsiniz.');
  });

  it('enables Start from 60 minutes before the planned start', () => {
    vi.setSystemTime(new Date('2026-11-26T09:00:00Z'));
    mockApi({});
    renderButton(liveSession({ status: 'scheduled' }), true);
    const button = screen.getByRole('button', { name: 'Dersi başlat' });
    expect(button).toBeEnabled();
    expect(button).not.toHaveAttribute('aria-describedby');
  });

  it('refuses to start a draft', () => {
    vi.setSystemTime(new Date('2026-11-26T09:55:00Z'));
    mockApi({});
    renderButton(liveSession({ status: 'draft' }), true);
    const button = screen.getByRole('button', { name: 'Dersi başlat' });
    expect(button).toBeDisabled();
    expect(description(button)).toBe('Ders taslak; başlatmadan önce yayınlayın.');
  });

  it('offers Join, not Start, once the class is live', () => {
    mockApi({});
    renderButton(liveSession({ status: 'live' }), true);
    expect(screen.getByRole('button', { name: 'Derse katıl' })).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'Dersi başlat' })).not.toBeInTheDocument();
  });

  it('starts, then joins, then opens the room; busy while the requests are pending', async () => {
    vi.setSystemTime(new Date('2026-11-26T09:30:00Z'));
    let answerStart!: (r: Response) => void;
    const order: string[] = [];
    const fetchMock = mockApi({
      [`POST ${base}/start/`]: () => {
        order.push('start');
        return new Promise<Response>((resolve) => (answerStart = resolve));
      },
      [`POST ${base}/join/`]: () => {
        order.push('join');
        return json(joinAnswer({ role: 'host' }));
      },
    });
    const user = userEvent.setup({ delay: null });
    renderButton(liveSession({ status: 'scheduled' }), true);
    await user.click(screen.getByRole('button', { name: 'Dersi başlat' }));

    const busy = screen.getByRole('button', { name: 'Başlatılıyor…' });
    expect(busy).toBeDisabled();
    expect(busy).toHaveAttribute('aria-busy', 'true');
    await user.click(busy); // a second click while pending sends nothing
    expect(order).toEqual(['start']);

    await act(async () => answerStart(json(liveSession({ status: 'live', actual_start: '2026-11-26T09:30:00Z' }))));
    expect(await screen.findByText(`room page: ${joinAnswer().participant_id}`)).toBeInTheDocument();
    expect(order).toEqual(['start', 'join']);
    expect(fetchMock.mock.calls[0][1]).toMatchObject({
      method: 'POST',
      headers: expect.objectContaining({ Authorization: 'Bearer test-token' }),
    });
  });

  it('shows why the server refused to start (409) and does not join', async () => {
    vi.setSystemTime(new Date('2026-11-26T09:30:00Z'));
    const fetchMock = mockApi({
      [`POST ${base}/start/`]: () => problem('conflict', 409, 'cannot start a session that is cancelled'),
    });
    const user = userEvent.setup({ delay: null });
    renderButton(liveSession({ status: 'scheduled' }), true);
    await user.click(screen.getByRole('button', { name: 'Dersi başlat' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Bu işlem dersin şu anki durumunda yapılamaz. (cannot start a session that is cancelled)',
    );
    expect(screen.getByRole('button', { name: 'Dersi başlat' })).toBeEnabled();
    expect(callsTo(fetchMock, 'POST', `${base}/join/`)).toHaveLength(0);
  });

  it('speaks English after a language switch', async () => {
    mockApi({});
    renderButton(liveSession({ status: 'scheduled' }), true);
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    const button = screen.getByRole('button', { name: 'Start class' });
    await waitFor(() => expect(description(button)).toBe('You can start the class from 26 Nov 2026, 12:00.'));
  });
});
