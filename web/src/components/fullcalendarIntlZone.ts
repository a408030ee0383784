import { createPlugin } from '@fullcalendar/core';
import { NamedTimeZoneImpl } from '@fullcalendar/core/internal';

/**
 * Named time zones for FullCalendar without a date library. FullCalendar only converts to a named zone
 * (`timeZone: 'Europe/Istanbul'`) through a plugin; its own ones need Luxon or moment-timezone, which
 * this app does not ship. This one does the same two conversions with the browser's Intl data, the way
 * `@fullcalendar/luxon3` does with Luxon. It is imported only by the lazily loaded calendar.
 */

const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

/** The wall-clock time in `zone` at the instant `ms`: [year, month 0-11, day, hour, minute, second, ms]. */
export function zonedArray(ms: number, zone: string): number[] {
  const parts: Record<string, number> = {};
  for (const p of formatFor(zone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const millis = ((ms % 1000) + 1000) % 1000;
  return [parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second, millis];
}

/** The zone's offset from UTC at the instant `ms`, in minutes (east positive: Istanbul is +180). */
export function offsetAt(ms: number, zone: string): number {
  const a = zonedArray(ms, zone);
  const wall = Date.UTC(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
  return Math.round((wall - ms) / 60_000);
}

/** The offset in force at a wall-clock time in `zone` (the later one in a DST gap or overlap). */
export function offsetForWallClock(a: number[], zone: string): number {
  const wall = Date.UTC(a[0], a[1] ?? 0, a[2] ?? 1, a[3] ?? 0, a[4] ?? 0, a[5] ?? 0, a[6] ?? 0);
  const first = offsetAt(wall, zone);
  const second = offsetAt(wall - first * 60_000, zone);
  return second;
}

/** Whether the browser knows the zone (an unknown one makes Intl throw). */
export function isKnownZone(zone: string): boolean {
  try {
    formatFor(zone);
    return true;
  } catch {
    return false;
  }
}

class IntlNamedTimeZone extends NamedTimeZoneImpl {
  offsetForArray(a: number[]): number {
    return offsetForWallClock(a, this.timeZoneName);
  }
  timestampToArray(ms: number): number[] {
    return zonedArray(ms, this.timeZoneName);
  }
}

export const intlTimeZonePlugin = createPlugin({
  name: 'liveclass-intl-time-zone',
  namedTimeZonedImpl: IntlNamedTimeZone,
});
