import type { LiveSession } from '../api/types';

/** Hosts may open the room this long before the planned start (students wait until it is live). */
export const HOST_EARLY_START_MS = 60 * 60 * 1000;

export type JoinAction = 'start' | 'join';
export interface JoinAvailability {
  action: JoinAction;
  allowed: boolean;
  /** i18n key of why the button is disabled. */
  reason?: 'join.reason.notStarted' | 'join.reason.ended' | 'join.reason.cancelled' | 'join.reason.draft' | 'join.reason.tooEarly';
}

/**
 * What the button offers, mirroring the server's rules (domain/session_rules: hosts may join while
 * scheduled or live, participants only while live) plus the early-start window for hosts.
 */
export function joinAvailability(s: LiveSession, canHost: boolean, now: number): JoinAvailability {
  switch (s.status) {
    case 'live':
      return { action: 'join', allowed: true };
    case 'ended':
      return { action: 'join', allowed: false, reason: 'join.reason.ended' };
    case 'cancelled':
      return { action: 'join', allowed: false, reason: 'join.reason.cancelled' };
    case 'draft':
      return canHost
        ? { action: 'start', allowed: false, reason: 'join.reason.draft' }
        : { action: 'join', allowed: false, reason: 'join.reason.notStarted' };
    case 'scheduled': {
      if (!canHost) return { action: 'join', allowed: false, reason: 'join.reason.notStarted' };
      const opens = Date.parse(s.scheduled_start) - HOST_EARLY_START_MS;
      return now >= opens
        ? { action: 'start', allowed: true }
        : { action: 'start', allowed: false, reason: 'join.reason.tooEarly' };
    }
  }
}
