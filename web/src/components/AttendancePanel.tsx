import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { followEvents } from '../api/sse';
import type { LiveParticipant, LiveParticipants } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { errorMessage } from '../lib/errors';
import { formatTime } from '../lib/time';
import { Notice } from './Notice';

type Conn = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'refused';

/**
 * Seed 14.4: the host's live list of who is in the room, pushed by the server over Server-Sent Events
 * (GET .../participants/stream/, read with fetch so the token stays in a header). Kick and mute are
 * recorded by the API; `onKick` lets the room page also apply a kick through the provider's iframe.
 */
export function AttendancePanel({
  sessionId,
  onKick,
  onEnded,
  timeZone,
}: {
  sessionId: string;
  onKick?: (p: LiveParticipant) => void;
  onEnded?: () => void;
  timeZone?: string;
}) {
  const { t, i18n } = useTranslation();
  const { api, user } = useAuth();
  const [snapshot, setSnapshot] = useState<LiveParticipants | null>(null);
  const [conn, setConn] = useState<Conn>('connecting');
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  // Read through a ref: a parent passing a new function on each render must not reopen the stream.
  const onEndedRef = useRef(onEnded);
  onEndedRef.current = onEnded;

  useEffect(() => {
    const ctl = new AbortController();
    void followEvents(
      (signal) =>
        api.fetchRaw(`/api/v1/live-sessions/${sessionId}/participants/stream/`, {
          headers: { Accept: 'text/event-stream' },
          signal,
        }),
      (ev) => {
        if (ev.event === 'participants') {
          try {
            setSnapshot(JSON.parse(ev.data) as LiveParticipants);
            setConn('live');
          } catch {
            // a malformed event is skipped; the next one replaces the list
          }
        } else if (ev.event === 'ended') {
          setConn('ended');
          onEndedRef.current?.();
          return false;
        }
      },
      ctl.signal,
      (e) => {
        if (e instanceof Response && e.status >= 400 && e.status < 500 && e.status !== 429) setConn('refused');
        else setConn('reconnecting');
      },
    );
    return () => ctl.abort();
  }, [api, sessionId]);

  const act = async (p: LiveParticipant, action: 'kick' | 'mute') => {
    if (action === 'kick' && !window.confirm(t('panel.confirmKick', { name: p.full_name }))) return;
    setBusy(`${action}:${p.user_id}`);
    setNotice(null);
    try {
      const r = await api.post<{ provider_applied?: boolean; provider_detail?: string }>(
        `/api/v1/live-sessions/${sessionId}/participants/${p.user_id}/${action}/`,
      );
      if (action === 'kick') onKick?.(p);
      // Where the platform has no server API for it, the server only records it: say so, and what the
      // host still has to do in the room (the server's provider_detail).
      const recordedOnly = r?.provider_applied === false;
      const done = t(
        action === 'kick' ? 'panel.kicked' : recordedOnly ? 'panel.mutedRecorded' : 'panel.muted',
        { name: p.full_name },
      );
      const rest = recordedOnly && r.provider_detail ? ` ${t('panel.providerNote')} ${r.provider_detail}` : '';
      setNotice({ text: done + rest, error: false });
    } catch (e) {
      setNotice({ text: errorMessage(e, t), error: true });
    } finally {
      setBusy(null);
    }
  };

  // Alphabetical in the reader's language (the server sorts by bytes, which puts Ö after Z).
  const people = [...(snapshot?.participants ?? [])].sort((a, b) =>
    a.full_name.localeCompare(b.full_name, i18n.language.startsWith('en') ? 'en' : 'tr'),
  );
  return (
    <section className="panel attendance-panel" aria-labelledby="attendance-panel-title">
      <div className="panel-head">
        <h2 id="attendance-panel-title">
          {t('panel.title')} <span className="count">{people.length}</span>
        </h2>
        <span className={`conn conn-${conn}`} role="status">
          {t(`panel.conn.${conn}`)}
        </span>
      </div>
      <Notice notice={notice} />
      {snapshot && people.length === 0 && <p className="muted">{t('panel.empty')}</p>}
      <ul className="participant-list">
        {people.map((p) => {
          const self = p.user_id === user?.id;
          const moderatable = !self && p.role === 'participant';
          return (
            <li key={p.user_id} data-user-id={p.user_id}>
              <div>
                <strong>{p.full_name}</strong>
                {p.role !== 'participant' && <span className="tag">{t(`panel.role.${p.role}`)}</span>}
                {p.in_background && <span className="tag warn">{t('panel.background')}</span>}
                <div className="muted small">
                  {t('panel.since', { time: formatTime(p.joined_at, i18n.language, timeZone) })}
                  {p.device_type && <> · {t(`deviceType.${p.device_type}`, { defaultValue: p.device_type })}</>}
                  {p.devices > 1 && <> · {t('panel.devices', { count: p.devices })}</>}
                </div>
              </div>
              {moderatable && (
                <div className="row-actions">
                  <button
                    type="button"
                    className="small"
                    disabled={busy !== null}
                    aria-busy={busy === `mute:${p.user_id}`}
                    onClick={() => act(p, 'mute')}
                    aria-label={t('panel.muteWho', { name: p.full_name })}
                  >
                    {t('panel.mute')}
                  </button>
                  <button
                    type="button"
                    className="small danger"
                    disabled={busy !== null}
                    aria-busy={busy === `kick:${p.user_id}`}
                    onClick={() => act(p, 'kick')}
                    aria-label={t('panel.kickWho', { name: p.full_name })}
                  >
                    {t('panel.kick')}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
