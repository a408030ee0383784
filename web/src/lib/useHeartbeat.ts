import { useEffect, useRef, useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { HeartbeatResult } from '../api/types';

export type HeartbeatState = 'ok' | 'ended' | 'removed' | 'failing';

/**
 * Seed 6.2/6.5: while the room is open, tell the server every `next_heartbeat_seconds` (30 by default)
 * that the page is still here, and at once when the tab is hidden or shown again.
 */
export function useHeartbeat(api: ApiClient, sessionId: string, participantId: string | undefined, active: boolean) {
  const [state, setState] = useState<HeartbeatState>('ok');
  const period = useRef(30);
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const beat = async () => {
      clearTimeout(timer);
      if (stopped) return; // the room was left while a visibility change was queued
      try {
        const r = await api.post<HeartbeatResult>(`/api/v1/live-sessions/${sessionId}/heartbeat/`, {
          visible: document.visibilityState !== 'hidden',
          ...(participantId ? { participant_id: participantId } : {}),
        });
        if (typeof r?.next_heartbeat_seconds === 'number' && r.next_heartbeat_seconds > 0)
          period.current = r.next_heartbeat_seconds;
        setState('ok');
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) {
          setState('ended');
          stopped = true;
          return;
        }
        if (e instanceof ApiError && e.status === 403) {
          setState('removed');
          stopped = true;
          return;
        }
        setState('failing');
      }
      if (!stopped) timer = setTimeout(beat, period.current * 1000);
    };
    const onVisibility = () => {
      if (!stopped) void beat();
    };
    timer = setTimeout(beat, period.current * 1000);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [api, sessionId, participantId, active]);
  return state;
}
