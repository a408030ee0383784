import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { AttendanceInsight, AttendanceTimeline } from '../api/types';
import { formatTime, formatTimestamp } from '../lib/time';

/** Kinds that happened at a point in the class: worth watching in the recording. */
const MOMENTS = new Set<AttendanceInsight['kind']>(['drop_off', 'attention_dip', 'fading']);

/** One finding in the reader's language: what happened, with its times and numbers. */
export function insightText(
  i: AttendanceInsight,
  t: (key: string, values?: Record<string, unknown>) => string,
  time: (iso: string) => string,
): string {
  const at = t('report.coach.at', { time: time(i.from), minute: i.minute });
  // Fading to an average under half a person: "almost nobody", not "0 people".
  const key = i.kind === 'fading' && i.of - i.count <= 0 ? 'report.coach.fading.nobody' : `report.coach.${i.kind}`;
  return t(key, {
    count: i.count,
    of: i.of,
    now: i.of - i.count,
    at,
    from: time(i.from),
    to: time(i.to),
  });
}

/**
 * The instructor coach (seed 13.5): what stood out in the class — people first, then the moments in
 * time order, as the server found them — each with a suggestion for next time. A moment the server
 * found in a recording says where in it and what was said there (when the recording has a transcript),
 * and links to the recording's player at that point. High-severity findings are marked so they are read
 * first. While the class runs (or before its summaries are computed) only the moments are judged, and
 * the page says the rest comes later.
 */
export function CoachingInsights({
  timeline,
  timeZone,
  recordingsHref,
}: {
  timeline: AttendanceTimeline;
  timeZone: string;
  /** The class's recordings page, when it has any: the moments are found by watching them. */
  recordingsHref?: string;
}) {
  const { t, i18n } = useTranslation();
  const time = (iso: string) => formatTime(iso, i18n.language, timeZone);
  const insights = timeline.insights ?? [];
  return (
    <div className="coach" data-testid="coaching">
      <h3 id="report-coach-title">{t('report.coach.title')}</h3>
      {insights.length === 0 ? (
        <p className="muted">
          {timeline.minutes_judged > 0 || timeline.people_judged ? t('report.coach.none') : t('report.coach.tooEarly')}
        </p>
      ) : (
        <>
          <p className="muted small">{t('report.coach.intro')}</p>
          <ul className="coach-list" aria-labelledby="report-coach-title">
            {insights.map((i) => (
              <li key={`${i.kind}-${i.from}`} className={`coach-item coach-${i.severity}`} data-kind={i.kind}>
                <p className="coach-finding">
                  {i.severity === 'high' && <span className="badge coach-badge">{t('report.coach.high')}</span>}{' '}
                  {insightText(i, t, time)}
                </p>
                {i.recording && (
                  <p className="coach-said small">
                    {i.recording.said
                      ? t('report.coach.said', { at: formatTimestamp(i.recording.offset_seconds), said: i.recording.said })
                      : t('report.coach.inRecording', { at: formatTimestamp(i.recording.offset_seconds) })}
                  </p>
                )}
                <p className="coach-tip small">
                  <strong>{t('report.coach.tip')}:</strong> {t(`report.coach.${i.kind}.tip`)}
                  {recordingsHref && MOMENTS.has(i.kind) && (
                    <>
                      {' '}
                      <Link
                        to={
                          i.recording
                            ? `${recordingsHref}?play=${encodeURIComponent(i.recording.id)}&t=${i.recording.offset_seconds}`
                            : recordingsHref
                        }
                      >
                        {t(i.recording ? 'report.coach.watchMoment' : 'report.coach.recordings')}
                      </Link>
                    </>
                  )}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
      {!timeline.people_judged && <p className="muted small">{t('report.coach.peopleLater')}</p>}
    </div>
  );
}
