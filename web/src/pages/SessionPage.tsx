import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { LiveSession } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { ArtifactsPanel } from '../components/ArtifactsPanel';
import { AttendancePanel } from '../components/AttendancePanel';
import { JoinSessionButton } from '../components/JoinSessionButton';
import { RecordingsPanel } from '../components/RecordingsPanel';
import { StatusBadge } from '../components/StatusBadge';
import { errorMessage } from '../lib/errors';
import { formatRange } from '../lib/time';
import { useTimeZone } from '../lib/useTimeZone';

/** ?play=<recording id>&t=<seconds>: a recording to open in the page's captioned player, at that moment. */
export function playRequest(params: URLSearchParams): { recordingId: string; at: number } | undefined {
  const recordingId = params.get('play');
  if (!recordingId) return undefined;
  const at = Number(params.get('t') ?? '0');
  return { recordingId, at: Number.isFinite(at) && at > 0 ? Math.floor(at) : 0 };
}

/**
 * One class: what the e-mails link to ({LIVE_PUBLIC_URL}/sessions/{id}); the recording e-mails' link
 * (/sessions/{id}/recordings) shows the same page with `focus="recordings"`, and the attendance coach's
 * (/sessions/{id}/recordings?play=<id>&t=<seconds>) opens a recording at a moment of the class.
 */
export function SessionPage({ focus }: { focus?: 'recordings' } = {}) {
  const { id = '' } = useParams();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const timeZone = useTimeZone();
  const [actionError, setActionError] = useState<string | null>(null);
  const session = useQuery({
    queryKey: ['session', id],
    queryFn: ({ signal }) => api.get<LiveSession>(`/api/v1/live-sessions/${id}/`, signal),
    refetchInterval: (q) => (q.state.data?.status === 'scheduled' || q.state.data?.status === 'live' ? 20_000 : false),
  });

  if (session.isLoading) return <p className="muted center">{t('common.loading')}</p>;
  if (session.isError || !session.data)
    return (
      <main className="page narrow">
        <p className="field-error" role="alert">
          {errorMessage(session.error, t)}
        </p>
        <Link to="/">{t('session.back')}</Link>
      </main>
    );
  const s = session.data;
  const host = s.my_role !== undefined && s.my_role !== 'participant';
  const showRecordings = s.status === 'ended' || (s.recordings_count ?? 0) > 0 || focus === 'recordings';
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['session', id] });
    void queryClient.invalidateQueries({ queryKey: ['sessions'] });
  };
  const run = async (confirmKey: string, fn: () => Promise<unknown>) => {
    if (!window.confirm(t(confirmKey))) return;
    setActionError(null);
    try {
      await fn();
      refresh();
    } catch (e) {
      setActionError(errorMessage(e, t));
    }
  };
  const downloadIcs = async () => {
    setActionError(null);
    try {
      await api.download(`/api/v1/live-sessions/${id}/calendar/`, `${s.title.replace(/[^\p{L}\p{N} _-]/gu, '')}.ics`);
    } catch (e) {
      setActionError(errorMessage(e, t));
    }
  };

  return (
    <main className="page">
      <p className="breadcrumb">
        <Link to={`/?course=${s.course_id}`}>{s.course?.title ?? t('sessions.title')}</Link>
      </p>
      <div className="page-head">
        <h1>{s.title}</h1>
        <StatusBadge status={s.status} />
      </div>
      <div className="session-detail">
        <div className="card">
          <dl className="facts">
            <dt>{t('session.when')}</dt>
            <dd>
              <time dateTime={s.scheduled_start}>{formatRange(s.scheduled_start, s.scheduled_end, i18n.language, timeZone)}</time>
            </dd>
            <dt>{t('session.type')}</dt>
            <dd>{t(`type.${s.type}`)}</dd>
            <dt>{t('session.provider')}</dt>
            <dd>{t(`provider.${s.provider}`)}</dd>
            {s.status === 'live' && (
              <>
                <dt>{t('session.now')}</dt>
                <dd>{t('session.inRoom', { count: s.participant_count })}</dd>
              </>
            )}
            {s.status === 'ended' && (
              <>
                <dt>{t('session.peak')}</dt>
                <dd>{s.peak_participants}</dd>
              </>
            )}
          </dl>
          {s.description && <p className="description">{s.description}</p>}
          <div className="actions left">
            <JoinSessionButton session={s} canHost={host} timeZone={timeZone} />
            {s.status !== 'cancelled' && (
              <button type="button" onClick={downloadIcs}>
                {t('session.ics')}
              </button>
            )}
            {host && s.status === 'live' && (
              <button
                type="button"
                className="danger"
                onClick={() => run('room.confirmEnd', () => api.post(`/api/v1/live-sessions/${id}/end/`))}
              >
                {t('room.end')}
              </button>
            )}
            {/* Moderators may start and end a class but not cancel it (the API answers 403). */}
            {(s.my_role === 'host' || s.my_role === 'admin') && (s.status === 'scheduled' || s.status === 'draft') && (
              <button
                type="button"
                className="danger"
                onClick={() => run('session.confirmCancel', () => api.delete(`/api/v1/live-sessions/${id}/`))}
              >
                {t('session.cancel')}
              </button>
            )}
            {s.status === 'ended' && (
              <Link className="button" to={`/sessions/${id}/attendance`}>
                {host ? t('session.report') : t('session.myAttendance')}
              </Link>
            )}
            <Link className="button" to="/device-test">
              {t('nav.deviceTest')}
            </Link>
          </div>
          {actionError && (
            <p className="field-error" role="alert">
              {actionError}
            </p>
          )}
        </div>
        {host && s.status === 'live' && <AttendancePanel sessionId={id} onEnded={refresh} timeZone={timeZone} />}
      </div>
      {showRecordings && (
        <RecordingsPanel
          sessionId={id}
          role={s.my_role}
          provider={s.provider}
          timeZone={timeZone}
          focus={focus === 'recordings'}
          play={focus === 'recordings' ? playRequest(searchParams) : undefined}
        />
      )}
      {/* The chat log and other outputs come with the recording, so they are shown when it is. */}
      {showRecordings && <ArtifactsPanel sessionId={id} role={s.my_role} timeZone={timeZone} />}
    </main>
  );
}
