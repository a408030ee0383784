// RFC 5545 RRULE text for the schedule form (the server normalises and expands it with libical).
export type Frequency = 'none' | 'daily' | 'weekly' | 'monthly';
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The weekday of an instant in the browser's zone (the zone the series is sent with). */
export function weekdayOf(iso: string): Weekday {
  const js = new Date(iso).getDay(); // 0 = Sunday
  return WEEKDAYS[(js + 6) % 7];
}

export function buildRrule(freq: Exclude<Frequency, 'none'>, count: number, days: Weekday[] = []): string {
  const parts = [`FREQ=${freq.toUpperCase()}`];
  if (freq === 'weekly' && days.length > 0) {
    const sorted = WEEKDAYS.filter((d) => days.includes(d));
    parts.push(`BYDAY=${sorted.join(',')}`);
  }
  parts.push(`COUNT=${count}`);
  return parts.join(';');
}

/** The weekday of a calendar date ("2026-11-27"), whatever the zone. */
export function weekdayOfDate(date: string): Weekday | null {
  const [y, m, d] = date.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d);
  return Number.isNaN(t) ? null : WEEKDAYS[(new Date(t).getUTCDay() + 6) % 7];
}
