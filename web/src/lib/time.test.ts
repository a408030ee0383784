import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatRange, formatTime, fromLocalInputs, toLocalInputs } from './time';

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
