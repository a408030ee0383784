import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AttendanceRow, AttendanceTimeline, LiveSession, SessionAttendance } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { AttendanceIntervalBars } from '../components/AttendanceIntervalBars';
import { AttendanceTimelineChart } from '../components/AttendanceTimelineChart';
import { CoachingInsights } from '../components/CoachingInsights';
import { StatusBadge } from '../components/StatusBadge';
import { errorMessage } from '../lib/errors';
import { formatDateTime, formatDuration, formatRange, formatTime } from '../lib/time';
import { useTimeZone } from '../lib/useTimeZone';
import { Notice } from '../components/Notice';

export type SortKey = 'name' | 'percent' | 'duration';
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/** The rows in the table's order; ties (and the name column) by name in the reader's language. */
export function sortRows(rows: AttendanceRow[], sort: Sort, lang: string): AttendanceRow[] {
  const collator = new Intl.Collator(lang.startsWith('en') ? 'en' : 'tr', { sensitivity: 'base' });
  const byName = (a: AttendanceRow, b: AttendanceRow) => collator.compare(a.full_name || a.email, b.full_name || b.email);
  const sign = sort.dir === 'asc' ? 1 : -1;
  const cmp = (a: AttendanceRow, b: AttendanceRow) => {
    switch (sort.key) {
      case 'percent':
        return sign * (a.attendance_percent - b.attendance_percent) || byName(a, b);
      case 'duration':
        return sign * (a.total_duration_seconds - b.total_duration_seconds) || byName(a, b);
      default:
        return sign * byName(a, b);
    }
  };
  return [...rows].sort(cmp);
}

function safeFileName(s: string): string {
  return s.replace(/[^\p{L}\p{N} _-]/gu, '').trim().replace(/\s+/g, '-');
}

/**
 * A class's attendance (seed 4.1, 6.3-6.5, 13.4-13.5). The class's instructors and admins see every
 * row, the totals, why each person is where they are (interval bars), the per-minute timeline with
 * what stood out and what to try (the coach), the CSV
 * and, once the class has ended, a recalculation; anyone else sees only their own row.
 */
export function AttendanceReportPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { api, user } = useAuth();
  const queryClient = useQueryClient();
  const timeZone = useTimeZone();
  const path = `/api/v1/live-sessions/${id}/attendance/`;
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 'asc' });
  const [downloading, setDownloading] = useState(false);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);

  const session = useQuery({
    queryKey: ['session', id],
    queryFn: ({ signal }) => api.get<LiveSession>(`/api/v1/live-sessions/${id}/`, signal),
  });
  const report = useQuery({
    queryKey: ['attendance', id],
    queryFn: ({ signal }) => api.get<SessionAttendance>(`${path}?explain=true`, signal),
  });
  // `my_role` is host | moderator | participant | admin (SessionActor); only instructors and admins
  // get every row, the timeline, the CSV of everyone and the recalculation.
  const role: string | undefined = session.data?.my_role;
  const manager = role === 'host' || role === 'admin' || (!role && user?.role === 'admin');
  const timeline = useQuery({
    queryKey: ['attendance-timeline', id],
    queryFn: ({ signal }) => api.get<AttendanceTimeline>(`${path}timeline/`, signal),
    enabled: !!session.data && manager,
  });
  const recalc = useMutation({
    mutationFn: () => api.post<SessionAttendance>(`${path}recalculate/`),
    onMutate: () => setNotice(null),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['attendance', id] }),
        queryClient.invalidateQueries({ queryKey: ['attendance-timeline', id] }),
      ]);
      setNotice({ text: t('report.recalculated'), error: false });
    },
    onError: (e) => setNotice({ text: errorMessage(e, t), error: true }),
  });

  const rows = useMemo(() => sortRows(report.data?.results ?? [], sort, lang), [report.data, sort, lang]);

  if (session.isLoading || report.isLoading)
    return (
      <p className="muted center" role="status">
        {t('common.loading')}
      </p>
    );
  const failed = session.isError ? session.error : report.isError ? report.error : null;
  if (failed || !session.data || !report.data)
    return (
      <main className="page narrow">
        <h1>{t('report.title')}</h1>
        <p className="field-error" role="alert">
          {errorMessage(failed, t)}
        </p>
        <Link to={`/sessions/${id}`}>{t('report.back')}</Link>
      </main>
    );

  const s = session.data;
  const r = report.data;
  const title = r.title || s.title;
  const start = r.actual_start ?? s.actual_start;
  const end = r.actual_end ?? s.actual_end;
  const ended = s.status === 'ended';

  const download = async () => {
    setDownloading(true);
    setNotice(null);
    try {
      await api.download(`${path}?format=csv`, `${t('report.csvName')}-${safeFileName(title) || id}.csv`);
    } catch (e) {
      setNotice({ text: errorMessage(e, t), error: true });
    } finally {
      setDownloading(false);
    }
  };

  const sortBy = (key: SortKey) =>
    setSort((cur) =>
      cur.key === key ? { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' ? 'asc' : 'desc' },
    );
  const ariaSort = (key: SortKey) => (sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
  const sortHeader = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={ariaSort(key)}>
      <button type="button" className="sort-button" onClick={() => sortBy(key)}>
        {label}
        <span aria-hidden="true" className="sort-icon">
          {sort.key === key ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
  const percent = new Intl.NumberFormat(lang.startsWith('en') ? 'en-GB' : 'tr-TR', {
    style: 'percent',
    maximumFractionDigits: 1,
  });

  const notCalculatedText =
    s.status === 'live'
      ? t('report.notCalculatedLive')
      : ended
        ? t('report.notCalculatedEnded')
        : s.status === 'scheduled' || s.status === 'draft'
          ? t('report.notCalculatedNotStarted')
          : t('report.notCalculated');

  return (
    <main className="page report-page">
      <p className="breadcrumb">
        <Link to={`/sessions/${id}`}>{t('report.back')}</Link>
      </p>
      <div className="page-head">
        <h1>
          <span className="report-kicker">{manager ? t('report.title') : t('report.myTitle')}</span> {title}
        </h1>
        <StatusBadge status={s.status} />
      </div>
      <dl className="facts report-facts">
        <dt>{t('report.scheduled')}</dt>
        <dd>
          <time dateTime={s.scheduled_start}>{formatRange(s.scheduled_start, s.scheduled_end, lang, timeZone)}</time>
        </dd>
        {start && (
          <>
            <dt>{t('report.actual')}</dt>
            <dd>
              <time dateTime={start}>
                {end ? formatRange(start, end, lang, timeZone) : formatDateTime(start, lang, timeZone)}
              </time>
            </dd>
          </>
        )}
      </dl>
      <p className="muted small">{t('report.timezone', { zone: timeZone })}</p>

      {manager && (
        <div className="actions left report-actions" role="group" aria-label={t('report.actions')}>
          <button type="button" onClick={download} disabled={downloading} aria-busy={downloading}>
            {downloading ? t('report.downloading') : t('report.csv')}
          </button>
          {ended && (
            <button type="button" onClick={() => recalc.mutate()} disabled={recalc.isPending} aria-busy={recalc.isPending}>
              {recalc.isPending ? t('report.recalculating') : r.calculated ? t('report.recalculate') : t('report.calculate')}
            </button>
          )}
        </div>
      )}
      <div aria-live="polite">
        <Notice notice={notice} />
      </div>

      {!r.calculated ? (
        <p className="card report-state" role="status">
          {notCalculatedText}
        </p>
      ) : rows.length === 0 ? (
        <p className="card report-state" role="status">
          {manager ? t('report.empty') : t('report.emptyOwn')}
        </p>
      ) : (
        <>
          {manager && (
            <section className="report-section" aria-labelledby="report-totals-title">
              <h2 id="report-totals-title">{t('report.totals')}</h2>
              <dl className="report-totals">
                {(
                  [
                    ['rows', r.totals.rows],
                    ['attended', r.totals.attended],
                    ['partial', r.totals.partial],
                    ['absent', r.totals.absent],
                    ['late', r.totals.late_join],
                    ['early', r.totals.early_leave],
                  ] as const
                ).map(([k, v]) => (
                  <div key={k} className={`report-total report-total-${k}`}>
                    <dt>{t(`report.totals.${k}`)}</dt>
                    <dd data-testid={`total-${k}`}>{v}</dd>
                  </div>
                ))}
              </dl>
            </section>
          )}

          <section className="report-section">
            <div className="table-scroll" role="region" aria-label={t('report.tableScroll')} tabIndex={0}>
              <table className="report-table">
                <caption>
                  {manager ? t('report.tableCaption', { count: rows.length }) : t('report.tableCaptionOwn')}
                </caption>
                <thead>
                  <tr>
                    {sortHeader('name', t('report.col.name'))}
                    <th scope="col">{t('report.col.status')}</th>
                    {sortHeader('percent', t('report.col.percent'))}
                    {sortHeader('duration', t('report.col.duration'))}
                    <th scope="col">{t('report.col.background')}</th>
                    <th scope="col">{t('report.col.joins')}</th>
                    <th scope="col">{t('report.col.firstLast')}</th>
                    <th scope="col">{t('report.col.flags')}</th>
                    <th scope="col">{t('report.col.engagement')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.user_id}>
                      <th scope="row" className="report-name">
                        {row.full_name || row.email}
                        {manager && row.full_name && <span className="muted small report-email">{row.email}</span>}
                      </th>
                      <td>
                        <span className={`badge badge-att-${row.status}`} data-status={row.status}>
                          {t(`report.status.${row.status}`)}
                        </span>
                      </td>
                      <td className="num">{percent.format(row.attendance_percent / 100)}</td>
                      <td className="num">{formatDuration(row.total_duration_seconds, lang)}</td>
                      <td className="num">{formatDuration(row.background_duration_seconds, lang)}</td>
                      <td className="num">{row.join_count}</td>
                      <td className="nowrap">
                        {formatTime(row.first_join, lang, timeZone)} / {formatTime(row.last_leave, lang, timeZone)}
                      </td>
                      <td>
                        {row.late_join && <span className="tag warn">{t('report.flag.late')}</span>}
                        {row.early_leave && <span className="tag warn">{t('report.flag.early')}</span>}
                        {!row.late_join && !row.early_leave && (
                          <>
                            <span aria-hidden="true">—</span>
                            <span className="visually-hidden">{t('report.flag.none')}</span>
                          </>
                        )}
                      </td>
                      <td className="num">{t('report.engagementOf', { score: row.engagement_score })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          {start && end && <AttendanceIntervalBars rows={rows} start={start} end={end} timeZone={timeZone} />}
        </>
      )}

      {manager && (
        <section className="card report-section" aria-labelledby="report-chart-title">
          <h2 id="report-chart-title">{t('report.chart.title')}</h2>
          {timeline.isLoading && <p className="muted">{t('report.chart.loading')}</p>}
          {timeline.isError && (
            <p className="field-error" role="alert">
              {errorMessage(timeline.error, t)}
            </p>
          )}
          {timeline.data && (
            <>
              <AttendanceTimelineChart timeline={timeline.data} timeZone={timeZone} />
              <CoachingInsights
                timeline={timeline.data}
                timeZone={timeZone}
                recordingsHref={(s.recordings_count ?? 0) > 0 ? `/sessions/${id}/recordings` : undefined}
              />
            </>
          )}
        </section>
      )}
    </main>
  );
}
