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
