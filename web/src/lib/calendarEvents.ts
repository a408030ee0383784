// The calendar's data: classes in a visible range and their calendar events. No FullCalendar import
// here (types only), so these stay testable and out of every bundle but the calendar's.
import type { EventInput } from '@fullcalendar/core';
import type { ApiClient } from '../api/client';
import type { LiveSession, Page, SessionStatus } from '../api/types';
import { sessionsPath } from './queries';

/** ISO 8601 in UTC without milliseconds, as the API's examples write it. */
export function isoZ(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Stops a server that keeps answering `next` from keeping the calendar busy forever. */
const MAX_PAGES = 50;

/**
 * Every class starting in [from, to) (the API's `from`/`to` filter `scheduled_start`), of one course or
 * all the user's, following `next` until the last page (100 a page, the API's maximum).
 */
export async function fetchSessionsInRange(
  api: ApiClient,
  range: { from: Date; to: Date; courseId?: string },
  signal?: AbortSignal,
): Promise<LiveSession[]> {
  const out: LiveSession[] = [];
  let path: string | null = sessionsPath({
    from: isoZ(range.from),
    to: isoZ(range.to),
    course: range.courseId,
    page_size: 100,
  });
  for (let n = 0; path && n < MAX_PAGES; n++) {
    const page: Page<LiveSession> = await api.get<Page<LiveSession>>(path, signal);
    out.push(...page.results);
    path = page.next;
  }
  return out;
}

/** Event colours per status (white text on each is at least 4.5:1; cancelled is drawn light and struck through). */
export const STATUS_COLORS: Record<SessionStatus, { bg: string; border: string; text: string }> = {
  live: { bg: '#b42318', border: '#b42318', text: '#ffffff' },
  scheduled: { bg: '#1d4ed8', border: '#1d4ed8', text: '#ffffff' },
  draft: { bg: '#f2f4f7', border: '#4b5565', text: '#344054' },
  ended: { bg: '#475467', border: '#475467', text: '#ffffff' },
  cancelled: { bg: '#fffaeb', border: '#93370d', text: '#93370d' },
};

export function sessionUrl(id: string): string {
  return `/sessions/${id}`;
}

/** One class as a FullCalendar event: its page as the link, coloured by status, cancelled ones struck through. */
export function toCalendarEvent(s: LiveSession): EventInput {
  const c = STATUS_COLORS[s.status] ?? STATUS_COLORS.scheduled;
  return {
    id: s.id,
    title: s.title,
    start: s.scheduled_start,
    end: s.scheduled_end,
    url: sessionUrl(s.id),
    backgroundColor: c.bg,
    borderColor: c.border,
    textColor: c.text,
    classNames: ['lc-event', `lc-event-${s.status}`],
    extendedProps: { status: s.status, courseId: s.course_id },
  };
}

/** The hours the week and day views show: 08:00-18:00 widened to take in every class (zone-aware). */
export function visibleHours(sessions: LiveSession[], timeZone?: string): { min: string; max: string } {
  let lo = 8;
  let hi = 18;
  const hourOf = (iso: string) => {
    const parts = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: 'numeric', hourCycle: 'h23', timeZone })
      .formatToParts(new Date(iso));
    const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
    const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
    return h + m / 60;
  };
  for (const s of sessions) {
    const a = hourOf(s.scheduled_start);
    let b = hourOf(s.scheduled_end);
    if (b <= a || Date.parse(s.scheduled_end) - Date.parse(s.scheduled_start) >= 24 * 3_600_000) {
      // Runs past midnight: its next day starts at 00:00.
      lo = 0;
      b = 24;
    }
    lo = Math.min(lo, Math.floor(a));
    hi = Math.max(hi, Math.ceil(b));
  }
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00:00`;
  return { min: hh(lo), max: hh(Math.min(hi, 24)) };
}
