import { describe, expect, it } from 'vitest';
import { liveSession } from '../test/api';
import { HOST_EARLY_START_MS, joinAvailability } from './joinWindow';

const start = Date.parse('2026-11-26T10:00:00Z');

describe('joinAvailability', () => {
  it('lets everyone join a live class', () => {
    expect(joinAvailability(liveSession({ status: 'live' }), false, start)).toEqual({ action: 'join', allowed: true });
    expect(joinAvailability(liveSession({ status: 'live' }), true, start)).toEqual({ action: 'join', allowed: true });
  });

  it('opens Start to hosts an hour before the planned start, not a moment earlier', () => {
    const s = liveSession({ status: 'scheduled' });
    expect(joinAvailability(s, true, start - HOST_EARLY_START_MS - 1)).toEqual({
      action: 'start',
      allowed: false,
      reason: 'join.reason.tooEarly',
    });
    expect(joinAvailability(s, true, start - HOST_EARLY_START_MS)).toEqual({ action: 'start', allowed: true });
    expect(joinAvailability(s, true, start + 3_600_000)).toEqual({ action: 'start', allowed: true });
  });

  it('keeps students waiting until the class is live', () => {
    expect(joinAvailability(liveSession({ status: 'scheduled' }), false, start)).toMatchObject({
      action: 'join',
      allowed: false,
      reason: 'join.reason.notStarted',
    });
    expect(joinAvailability(liveSession({ status: 'draft' }), false, start)).toMatchObject({ allowed: false, reason: 'join.reason.notStarted' });
  });

  it('refuses drafts, ended and cancelled classes with their reason', () => {
    expect(joinAvailability(liveSession({ status: 'draft' }), true, start)).toEqual({ action: 'start', allowed: false, reason: 'join.reason.draft' });
    expect(joinAvailability(liveSession({ status: 'ended' }), true, start)).toMatchObject({ allowed: false, reason: 'join.reason.ended' });
    expect(joinAvailability(liveSession({ status: 'cancelled' }), false, start)).toMatchObject({ allowed: false, reason: 'join.reason.cancelled' });
  });
});
