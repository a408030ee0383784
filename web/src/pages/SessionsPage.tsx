import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import type { Course } from '../api/types';
import { useUser } from '../auth/AuthContext';
import { LiveSessionCard } from '../components/LiveSessionCard';
import { ScheduleSessionModal, type Created } from '../components/ScheduleSessionModal';
import { errorMessage } from '../lib/errors';
import { useCourses, usePastSessions, useUpcomingSessions } from '../lib/queries';
import { canHost, canSchedule } from '../lib/roles';
import { useTimeZone } from '../lib/useTimeZone';

// FullCalendar is large: loaded only when the calendar view is opened.
const LiveSessionCalendar = lazy(() =>
  import('../components/LiveSessionCalendar').then((m) => ({ default: m.LiveSessionCalendar })),
);

type View = 'upcoming' | 'past' | 'calendar';

/** The classes of the user's courses: live and coming first, past ones, or a calendar. */
export function SessionsPage() {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const timeZone = useTimeZone();
  const [params, setParams] = useSearchParams();
  const courseId = params.get('course') ?? undefined;
  const view = (params.get('view') as View) || 'upcoming';
  const [page, setPage] = useState(1);
  const [scheduling, setScheduling] = useState(false);
  const courses = useCourses();
  const courseById = useMemo(() => {
    const m = new Map<string, Course>();
    for (const c of courses.data?.results ?? []) m.set(c.id, c);
    return m;
  }, [courses.data]);
  const hostable = (courses.data?.results ?? []).filter((c) => canSchedule(user, c));
  const upcoming = useUpcomingSessions(courseId);
  const past = usePastSessions(courseId, page);

  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
    setPage(1);
  };

  const onCreated = (c: Created) => {
    setScheduling(false);
    void queryClient.invalidateQueries({ queryKey: ['sessions'] });
    if (c.session) navigate(`/sessions/${c.session.id}`);
  };

  const list = view === 'past' ? (past.data?.results ?? []).filter((s) => s.status !== 'live') : (upcoming.data ?? []);
  const query = view === 'past' ? past : upcoming;
  return (
    <main className="page">
      <div className="page-head">
        <h1>{t('sessions.title')}</h1>
        {hostable.length > 0 && (
          <button type="button" className="primary" onClick={() => setScheduling(true)}>
            {t('sessions.schedule')}
          </button>
        )}
      </div>
      <div className="toolbar">
        <label>
          {t('sessions.course')}{' '}
          <select value={courseId ?? ''} onChange={(e) => set('course', e.target.value || undefined)}>
            <option value="">{t('sessions.allCourses')}</option>
            {(courses.data?.results ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
        <div className="tabs" role="tablist" aria-label={t('sessions.views')}>
          {(['upcoming', 'past', 'calendar'] as View[]).map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              aria-selected={view === v}
              className={view === v ? 'tab active' : 'tab'}
              onClick={() => set('view', v === 'upcoming' ? undefined : v)}
            >
              {t(`sessions.view.${v}`)}
            </button>
          ))}
        </div>
      </div>
      {view === 'calendar' ? (
        <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
          <LiveSessionCalendar courseId={courseId} timeZone={timeZone} />
        </Suspense>
      ) : (
        <section aria-live="polite" aria-busy={query.isLoading}>
          {query.isLoading && <p className="muted">{t('common.loading')}</p>}
          {query.isError && (
            <p className="field-error" role="alert">
              {errorMessage(query.error, t)}
            </p>
          )}
          {query.isSuccess && list.length === 0 && (
            <p className="muted">{view === 'past' ? t('sessions.noPast') : t('sessions.noUpcoming')}</p>
          )}
          <div className="session-list">
            {list.map((s) => (
              <LiveSessionCard
                key={s.id}
                session={s}
                canHost={canHost(user, s, courseById.get(s.course_id))}
                courseTitle={courseId ? undefined : courseById.get(s.course_id)?.title}
                timeZone={timeZone}
              />
            ))}
          </div>
          {view === 'past' && past.data && (past.data.next || past.data.previous) && (
            <div className="pager">
              <button type="button" disabled={!past.data.previous} onClick={() => setPage((p) => p - 1)}>
                {t('common.previous')}
              </button>
              <span className="muted">{t('common.page', { page })}</span>
              <button type="button" disabled={!past.data.next} onClick={() => setPage((p) => p + 1)}>
                {t('common.next')}
              </button>
            </div>
          )}
        </section>
      )}
      {scheduling && (
        <ScheduleSessionModal
          courses={hostable}
          defaultCourseId={courseId && hostable.some((c) => c.id === courseId) ? courseId : undefined}
          onClose={() => setScheduling(false)}
          onCreated={onCreated}
          timeZone={timeZone}
        />
      )}
    </main>
  );
}
