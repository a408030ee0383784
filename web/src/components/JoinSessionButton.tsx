import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import type { JoinResponse, LiveSession } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { errorMessage } from '../lib/errors';
import { HOST_EARLY_START_MS, joinAvailability } from '../lib/joinWindow';
import { formatDateTime } from '../lib/time';

/** Re-evaluates the window every 30 s so a button enables itself when its time comes. */
function useNow(periodMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return now;
}

/**
 * Seed 14.2: Start for hosts, Join for students. Start opens the room (POST start/) and then joins;
 * the join answer travels to the room page in the router state, so the room does not join twice.
 */
export function JoinSessionButton({
  session,
  canHost,
  timeZone,
}: {
  session: LiveSession;
  canHost: boolean;
  timeZone?: string;
}) {
  const { t, i18n } = useTranslation();
  const { api } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reasonId = useId();
  const a = joinAvailability(session, canHost, now);

  const onClick = async () => {
    setBusy(true);
    setError(null);
    try {
      if (a.action === 'start') await api.post(`/api/v1/live-sessions/${session.id}/start/`);
      const join = await api.post<JoinResponse>(`/api/v1/live-sessions/${session.id}/join/`);
      void queryClient.invalidateQueries({ queryKey: ['sessions'] });
      navigate(`/sessions/${session.id}/room`, { state: { join } });
    } catch (e) {
      setError(errorMessage(e, t));
      setBusy(false);
    }
  };

  let reason: string | null = null;
  if (!a.allowed && a.reason) {
    const opens = new Date(Date.parse(session.scheduled_start) - HOST_EARLY_START_MS).toISOString();
    reason = t(a.reason, {
      start: formatDateTime(session.scheduled_start, i18n.language, timeZone),
      opens: formatDateTime(opens, i18n.language, timeZone),
    });
  }
  const label = a.action === 'start' ? t('join.start') : t('join.join');
  return (
    <div className="join-button">
      <button
        type="button"
        className={a.action === 'start' ? 'primary' : 'primary join'}
        disabled={!a.allowed || busy}
        aria-busy={busy}
        aria-describedby={reason || error ? reasonId : undefined}
        onClick={onClick}
      >
        {busy ? (
          <>
            <span className="spinner" aria-hidden="true" /> {a.action === 'start' ? t('join.starting') : t('join.joining')}
          </>
        ) : (
          label
        )}
      </button>
      {(reason || error) && (
        <p id={reasonId} className={error ? 'field-error' : 'muted small'} role={error ? 'alert' : undefined}>
          {error ?? reason}
        </p>
      )}
    </div>
  );
}
