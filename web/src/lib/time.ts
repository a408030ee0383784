// Dates and times in the user's language and time zone (Intl; no date library needed).

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function intlLocale(lang: string): string {
  return lang.startsWith('en') ? 'en-GB' : 'tr-TR';
}

export function formatDateTime(iso: string | null | undefined, lang: string, timeZone?: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(intlLocale(lang), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(iso));
}

export function formatTime(iso: string | null | undefined, lang: string, timeZone?: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(intlLocale(lang), { timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** "27 Kas 2026 10:00–11:00", the end's date shown only when it differs. */
export function formatRange(startIso: string, endIso: string, lang: string, timeZone?: string): string {
  const start = new Date(startIso);
  const end = new Date(endIso);
  const day = new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'medium', timeZone });
  const sameDay = day.format(start) === day.format(end);
  return `${formatDateTime(startIso, lang, timeZone)}–${sameDay ? formatTime(endIso, lang, timeZone) : formatDateTime(endIso, lang, timeZone)}`;
}

export function formatDuration(seconds: number, lang: string): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  const en = lang.startsWith('en');
  if (h > 0) return en ? `${h} h ${m} min` : `${h} sa ${m} dk`;
  if (m > 0) return en ? `${m} min` : `${m} dk`;
  return en ? `${s} s` : `${s} sn`;
}

/** A position in a recording, as subtitles show it: "mm:ss" under an hour ("00:07", "12:30"), "h:mm:ss" from an hour on. */
export function formatTimestamp(seconds: number): string {
  const total = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** "2026-11-27" and "10:00" in the browser's zone, for date/time inputs. */
export function toLocalInputs(d: Date): { date: string; time: string } {
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}`,
  };
}

/** Local date + time inputs (browser zone) to an ISO-8601 UTC instant; null when incomplete. */
export function fromLocalInputs(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const d = new Date(`${date}T${time}:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What the wall clock in `timeZone` shows at an instant, as if it were UTC (ms). */
function wallClockMs(instantMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
}

/**
 * Date + time inputs read in the IANA zone `timeZone` (the user's, which may differ from the
 * browser's) to an ISO-8601 UTC instant, across daylight saving: a wall time skipped by a spring-
 * forward jump lands just after it, an ambiguous autumn one on its first occurrence. Null when the
 * inputs are incomplete or not a real date.
 */
export function zonedInputsToUtc(date: string, time: string, timeZone: string): string | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!dm || !tm) return null;
  const [y, mo, d, h, mi] = [dm[1], dm[2], dm[3], tm[1], tm[2]].map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wall);
  if (h > 23 || mi > 59 || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  try {
    // "instant = wall - offset at the instant", twice: that settles on the zone's offset there. A wall
    // time that never happens (skipped by a spring-forward jump) matches neither guess: take the later
    // one, which is the same time on the clock after the jump.
    const t1 = wall - (wallClockMs(wall, timeZone) - wall);
    const t2 = wall - (wallClockMs(t1, timeZone) - t1);
    const t =
      wallClockMs(t2, timeZone) === wall ? t2 : wallClockMs(t1, timeZone) === wall ? t1 : Math.max(t1, t2);
    return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  } catch {
    return fromLocalInputs(date, time); // an unknown zone: the browser's
  }
}

/** "2026-11-27" and "10:00" as the wall clock in `timeZone` shows `d`, for date/time inputs. */
export function toZonedInputs(d: Date, timeZone: string): { date: string; time: string } {
  try {
    const wall = new Date(wallClockMs(d.getTime(), timeZone));
    const iso = wall.toISOString();
    return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
  } catch {
    return toLocalInputs(d);
  }
}

/** The calendar date `n` days after a "YYYY-MM-DD" date. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
