import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatDateTime,
  formatDuration,
  formatRange,
  formatTimestamp,
  formatTime,
  fromLocalInputs,
  toLocalInputs,
  toZonedInputs,
  zonedInputsToUtc,
} from './time';

describe('local date/time inputs', () => {
  it('turns the inputs into a UTC instant without milliseconds and back again', () => {
    const iso = fromLocalInputs('2026-11-27', '10:05');
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
    expect(iso).toBe(new Date(2026, 10, 27, 10, 5).toISOString().replace('.000Z', 'Z'));
    expect(toLocalInputs(new Date(iso!))).toEqual({ date: '2026-11-27', time: '10:05' });
  });

  it('pads single-digit months, days, hours and minutes', () => {
    expect(toLocalInputs(new Date(2027, 0, 3, 7, 4))).toEqual({ date: '2027-01-03', time: '07:04' });
  });

  it('round-trips every quarter hour of a day', () => {
    for (let m = 0; m < 24 * 60; m += 15) {
      const d = new Date(2026, 5, 15, Math.floor(m / 60), m % 60);
      const { date, time } = toLocalInputs(d);
      expect(fromLocalInputs(date, time)).toBe(d.toISOString().replace('.000Z', 'Z'));
    }
  });

  it('gives null for incomplete or impossible inputs', () => {
    expect(fromLocalInputs('', '10:00')).toBeNull();
    expect(fromLocalInputs('2026-11-27', '')).toBeNull();
    expect(fromLocalInputs('27.11.2026', '10:00')).toBeNull();
    expect(fromLocalInputs('2026-11-27', '10.00')).toBeNull();
    expect(fromLocalInputs('2026-13-45', '10:00')).toBeNull();
  });
});

describe('formatting in a zone and language', () => {
  it('formats a date and time in Turkish and English', () => {
    expect(formatDateTime('2026-11-26T10:00:00Z', 'tr', 'Europe/Istanbul')).toBe('26 Kas 2026 13:00');
    expect(formatDateTime('2026-11-26T10:00:00Z', 'en', 'Europe/Istanbul')).toBe('26 Nov 2026, 13:00');
    expect(formatTime('2026-11-26T10:00:00Z', 'en', 'America/New_York')).toBe('05:00');
    expect(formatDateTime(null, 'tr')).toBe('—');
  });

  it('shows the end’s time only when it falls on the same day', () => {
    expect(formatRange('2026-11-26T10:00:00Z', '2026-11-26T11:30:00Z', 'tr', 'Europe/Istanbul')).toBe('26 Kas 2026 13:00–14:30');
    expect(formatRange('2026-11-26T10:00:00Z', '2026-11-26T11:30:00Z', 'en', 'Europe/Istanbul')).toBe(
      '26 Nov 2026, 13:00–14:30',
    );
  });

  it('shows the end’s date when the class runs past midnight in the zone', () => {
    // 20:00–22:00 UTC is one day in UTC but crosses midnight in Istanbul (23:00–01:00).
    expect(formatRange('2026-11-26T20:00:00Z', '2026-11-26T22:00:00Z', 'tr', 'UTC')).toBe('26 Kas 2026 20:00–22:00');
    expect(formatRange('2026-11-26T20:00:00Z', '2026-11-26T22:00:00Z', 'tr', 'Europe/Istanbul')).toBe(
      '26 Kas 2026 23:00–27 Kas 2026 01:00',
    );
  });

  it('formats durations', () => {
    expect(formatDuration(3725, 'tr')).toBe('1 sa 2 dk');
    expect(formatDuration(3725, 'en')).toBe('1 h 2 min');
    expect(formatDuration(1500, 'tr')).toBe('25 dk');
    expect(formatDuration(42, 'en')).toBe('42 s');
  });
});

describe('date/time inputs in a named zone', () => {
  it('reads a wall time in the zone, whatever the browser’s', () => {
    expect(zonedInputsToUtc('2026-11-27', '10:00', 'Europe/Istanbul')).toBe('2026-11-27T07:00:00Z');
    expect(zonedInputsToUtc('2026-07-01', '10:00', 'America/New_York')).toBe('2026-07-01T14:00:00Z'); // EDT
    expect(zonedInputsToUtc('2026-12-01', '10:00', 'America/New_York')).toBe('2026-12-01T15:00:00Z'); // EST
  });
  it('crosses daylight saving: a skipped time lands after the jump, an ambiguous one on its first occurrence', () => {
    expect(zonedInputsToUtc('2026-03-08', '02:30', 'America/New_York')).toBe('2026-03-08T07:30:00Z');
    expect(zonedInputsToUtc('2026-11-01', '01:30', 'America/New_York')).toBe('2026-11-01T05:30:00Z');
    expect(zonedInputsToUtc('2026-03-29', '03:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00Z');
  });
  it('refuses incomplete or impossible dates', () => {
    expect(zonedInputsToUtc('2026-02-31', '10:00', 'Europe/Istanbul')).toBeNull();
    expect(zonedInputsToUtc('2026-11-27', '24:00', 'Europe/Istanbul')).toBeNull();
    expect(zonedInputsToUtc('', '10:00', 'Europe/Istanbul')).toBeNull();
  });
  it('shows an instant as the zone’s wall clock and steps calendar days', () => {
    expect(toZonedInputs(new Date('2026-11-27T07:00:00Z'), 'Europe/Istanbul')).toEqual({ date: '2026-11-27', time: '10:00' });
    expect(toZonedInputs(new Date('2026-11-27T02:00:00Z'), 'America/Los_Angeles')).toEqual({ date: '2026-11-26', time: '18:00' });
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});

describe('positions in a recording', () => {
  it('shows mm:ss under an hour and h:mm:ss from an hour on, seconds rounded down', () => {
    expect(formatTimestamp(0)).toBe('00:00');
    expect(formatTimestamp(7.9)).toBe('00:07');
    expect(formatTimestamp(750)).toBe('12:30');
    expect(formatTimestamp(3599.99)).toBe('59:59');
    expect(formatTimestamp(3600)).toBe('1:00:00');
    expect(formatTimestamp(3729.5)).toBe('1:02:09');
    expect(formatTimestamp(36_000)).toBe('10:00:00');
  });

  it('never shows a negative or broken value', () => {
    expect(formatTimestamp(-3)).toBe('00:00');
    expect(formatTimestamp(Number.NaN)).toBe('00:00');
  });
});
