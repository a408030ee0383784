import { describe, expect, it } from 'vitest';
import { buildRrule, weekdayOf } from './recurrence';
import { fromLocalInputs } from './time';

describe('buildRrule', () => {
  it('writes daily and monthly rules with a count and no BYDAY', () => {
    expect(buildRrule('daily', 5)).toBe('FREQ=DAILY;COUNT=5');
    expect(buildRrule('monthly', 12, ['MO'])).toBe('FREQ=MONTHLY;COUNT=12');
  });

  it('lists weekly days in calendar order, Monday first, whatever order they were picked in', () => {
    expect(buildRrule('weekly', 10, ['FR', 'MO', 'WE'])).toBe('FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=10');
    expect(buildRrule('weekly', 3, ['SU', 'SA'])).toBe('FREQ=WEEKLY;BYDAY=SA,SU;COUNT=3');
  });

  it('leaves BYDAY out of a weekly rule without days (the start’s weekday is implied)', () => {
    expect(buildRrule('weekly', 4)).toBe('FREQ=WEEKLY;COUNT=4');
  });
});

describe('weekdayOf', () => {
  it('gives the weekday of the local date the instant was entered on', () => {
    // 30 Nov 2026 is a Monday, 6 Dec 2026 a Sunday (local inputs, whatever the machine's zone).
    expect(weekdayOf(fromLocalInputs('2026-11-30', '00:30')!)).toBe('MO');
    expect(weekdayOf(fromLocalInputs('2026-12-02', '10:00')!)).toBe('WE');
    expect(weekdayOf(fromLocalInputs('2026-12-06', '23:45')!)).toBe('SU');
  });
});
