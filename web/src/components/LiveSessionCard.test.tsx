import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import { act } from 'react';
import i18n from '../i18n';
import type { LiveSession } from '../api/types';
import { SID, liveSession, mockApi, renderWithApp, signIn, student, teacher } from '../test/api';
import { LiveSessionCard } from './LiveSessionCard';

function renderCard(session: LiveSession, opts: { canHost?: boolean; courseTitle?: string; timeZone?: string } = {}) {
  renderWithApp(
    <LiveSessionCard
      session={session}
      canHost={opts.canHost ?? false}
      courseTitle={opts.courseTitle}
      timeZone={opts.timeZone ?? 'Europe/Istanbul'}
    />,
  );
  return screen.getByRole('article', { name: session.title });
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-26T08:30:00Z'));
  signIn(student);
  mockApi({});
  await i18n.changeLanguage('tr');
});
afterEach(async () => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  await i18n.changeLanguage('tr');
});

describe('LiveSessionCard', () => {
  it('links the title to the class page and shows the time range in the given zone', () => {
    const card = renderCard(liveSession(), { courseTitle: 'Matematik 11-A' });
    expect(within(card).getByRole('link', { name: 'Türev — Canlı' })).toHaveAttribute('href', `/sessions/${SID}`);
    const time = card.querySelector('time')!;
    expect(time).toHaveTextContent('26 Kas 2026 13:00–14:00');
    expect(time).toHaveAttribute('datetime', '2026-11-26T10:00:00Z');
    expect(within(card).getByText(/· Matematik 11-A/)).toBeInTheDocument();
    expect(within(card).getByText('Planlandı')).toHaveAttribute('data-status', 'scheduled');
    expect(within(card).queryByText(/Odada/)).not.toBeInTheDocument();
  });

  it('follows the zone it is given', () => {
    const card = renderCard(liveSession(), { timeZone: 'America/New_York' });
    expect(card.querySelector('time')).toHaveTextContent('26 Kas 2026 05:00–06:00');
  });

  it('shows the end date when the class crosses midnight in the zone', () => {
    const card = renderCard(liveSession({ scheduled_start: '2026-11-26T20:30:00Z', scheduled_end: '2026-11-26T21:30:00Z' }));
    expect(card.querySelector('time')).toHaveTextContent('26 Kas 2026 23:30–27 Kas 2026 00:30');
  });

  it('shows the live badge and how many are in the room', () => {
    const card = renderCard(liveSession({ status: 'live', participant_count: 23 }));
    expect(within(card).getByText('Canlı')).toHaveAttribute('data-status', 'live');
    expect(within(card).getByText('Odada 23 kişi')).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Derse katıl' })).toBeEnabled();
  });

  it.each([
    ['ended', 'Bitti'],
    ['cancelled', 'İptal edildi'],
    ['draft', 'Taslak'],
  ] as const)('labels a %s class', (status, text) => {
    const card = renderCard(liveSession({ status }));
    expect(within(card).getByText(text)).toHaveAttribute('data-status', status);
  });

  it('marks webinars and classes of a series', () => {
    const card = renderCard(liveSession({ type: 'webinar', series_id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a' }));
    expect(within(card).getByText(/· Webinar/)).toBeInTheDocument();
    expect(within(card).getByText(/· Tekrarlanan/)).toBeInTheDocument();
  });

  it('has no markers for a single scheduled class', () => {
    const card = renderCard(liveSession());
    expect(within(card).queryByText(/Webinar/)).not.toBeInTheDocument();
    expect(within(card).queryByText(/Tekrarlanan/)).not.toBeInTheDocument();
  });

  it('gives hosts the Start button', () => {
    signIn(teacher);
    const card = renderCard(liveSession({ status: 'scheduled' }), { canHost: true });
    expect(within(card).getByRole('button', { name: 'Dersi başlat' })).toBeDisabled();
  });

  it('switches its texts and date format to English', async () => {
    const card = renderCard(liveSession({ status: 'live', participant_count: 1, type: 'webinar', series_id: 'x' }));
    await act(async () => {
      await i18n.changeLanguage('en');
    });
    expect(card.querySelector('time')).toHaveTextContent('26 Nov 2026, 13:00–14:00');
    expect(within(card).getByText('Live')).toBeInTheDocument();
    expect(within(card).getByText('1 person in the room')).toBeInTheDocument();
    expect(within(card).getByText(/· Recurring/)).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Join class' })).toBeEnabled();
  });

  it('uses the plural in English', async () => {
    await i18n.changeLanguage('en');
    const card = renderCard(liveSession({ status: 'live', participant_count: 5 }));
    expect(within(card).getByText('5 people in the room')).toBeInTheDocument();
  });
});
