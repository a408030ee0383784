import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { LiveSession } from '../api/types';
import { formatRange } from '../lib/time';
import { JoinSessionButton } from './JoinSessionButton';
import { StatusBadge } from './StatusBadge';

/** Seed 14.1: a class in the course's list: title, date and time, status and the join button. */
export function LiveSessionCard({
  session,
  canHost,
  courseTitle,
  timeZone,
}: {
  session: LiveSession;
  canHost: boolean;
  courseTitle?: string;
  timeZone?: string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <article className="card session-card" aria-labelledby={`s-${session.id}`} data-session-id={session.id}>
      <div className="session-card-main">
        <h3 id={`s-${session.id}`}>
          <Link to={`/sessions/${session.id}`}>{session.title}</Link>
        </h3>
        <p className="muted">
          <time dateTime={session.scheduled_start}>
            {formatRange(session.scheduled_start, session.scheduled_end, i18n.language, timeZone)}
          </time>
          {courseTitle && <> · {courseTitle}</>}
          {session.type === 'webinar' && <> · {t('type.webinar')}</>}
          {session.series_id && <> · {t('session.recurring')}</>}
        </p>
        <StatusBadge status={session.status} />
        {session.status === 'live' && (
          <span className="muted small"> {t('session.inRoom', { count: session.participant_count })}</span>
        )}
      </div>
      <div className="session-card-action">
        <JoinSessionButton session={session} canHost={canHost} timeZone={timeZone} />
      </div>
    </article>
  );
}
