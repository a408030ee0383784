import { useTranslation } from 'react-i18next';
import type { AttendanceInterval, AttendanceRow } from '../api/types';
import { formatTime } from '../lib/time';

export interface Segment {
  kind: AttendanceInterval['kind'];
  /** Percent of the class window from its start, 0-100. */
  left: number;
  /** Percent of the class window, > 0. */
  width: number;
  interval: AttendanceInterval;
}

/**
 * Places a row's intervals on the class window (start..end, ms since epoch): each one clipped to the
 * window, an open one (`to` null) running to the end; intervals wholly outside are left out.
 */
export function toSegments(intervals: AttendanceInterval[] | undefined, start: number, end: number): Segment[] {
  const span = end - start;
  if (!intervals || !(span > 0)) return [];
  const out: Segment[] = [];
  for (const iv of intervals) {
    const from = Math.max(start, Date.parse(iv.from));
    const to = Math.min(end, iv.to ? Date.parse(iv.to) : end);
    if (!(to > from)) continue;
    out.push({ kind: iv.kind, left: ((from - start) / span) * 100, width: ((to - from) / span) * 100, interval: iv });
  }
  // Present stretches first so background ones are drawn over them.
  return out.sort((a, b) => (a.kind === b.kind ? a.left - b.left : a.kind === 'present' ? -1 : 1));
}

/**
 * One horizontal bar per person spanning the class (actual start..end) with their time in the class
 * and in a background tab drawn as positioned segments. The bars are decoration for sighted users;
 * each is followed by a list of the same intervals in words (visually hidden).
 */
export function AttendanceIntervalBars({
  rows,
  start,
  end,
  timeZone,
}: {
  rows: AttendanceRow[];
  start: string;
  end: string;
  timeZone: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  const time = (iso: string | null) => (iso ? formatTime(iso, lang, timeZone) : t('report.bars.still'));
  const describe = (iv: AttendanceInterval) => {
    const kind = t(iv.kind === 'present' ? 'report.bars.present' : 'report.bars.background');
    const vars = { kind, from: time(iv.from), to: time(iv.to) };
    return iv.kind === 'present' && iv.end_reason
      ? t('report.bars.intervalWhy', { ...vars, reason: t(`report.end.${iv.end_reason}`, { defaultValue: iv.end_reason }) })
      : t('report.bars.interval', vars);
  };

  return (
    <section className="card report-section" aria-labelledby="report-bars-title">
      <h2 id="report-bars-title">{t('report.bars.title')}</h2>
      <p className="muted small">{t('report.bars.hint')}</p>
      <div className="ivbar-legend small" aria-hidden="true">
        <span>
          <span className="ivbar-swatch ivbar-present" /> {t('report.bars.present')}
        </span>
        <span>
          <span className="ivbar-swatch ivbar-background" /> {t('report.bars.background')}
        </span>
      </div>
      <div className="ivbar-axis small muted" aria-hidden="true">
        <span>{formatTime(start, lang, timeZone)}</span>
        <span>{formatTime(end, lang, timeZone)}</span>
      </div>
      <p className="visually-hidden">{t('report.bars.window', { from: time(start), to: time(end) })}</p>
      <ul className="ivbar-list">
        {rows.map((r) => {
          const segs = toSegments(r.intervals, startMs, endMs);
          const listed = (r.intervals ?? []).filter((iv) => segs.some((s) => s.interval === iv));
          return (
            <li key={r.user_id} className="ivbar-row" data-testid="ivbar-row">
              <span className="ivbar-name">{r.full_name || r.email}</span>
              <div className="ivbar" aria-hidden="true">
                {segs.map((s, i) => (
                  <span
                    key={i}
                    className={`ivbar-seg ivbar-${s.kind}`}
                    data-kind={s.kind}
                    style={{ left: `${s.left}%`, width: `${s.width}%` }}
                    title={describe(s.interval)}
                  />
                ))}
              </div>
              {r.join_count === 0 && listed.length === 0 ? (
                <span className="ivbar-none small muted">{t('report.bars.none')}</span>
              ) : (
                listed.length > 0 && (
                <ul className="visually-hidden" aria-label={t('report.bars.intervalsOf', { name: r.full_name || r.email })}>
                  {listed.map((iv, i) => (
                    <li key={i}>{describe(iv)}</li>
                  ))}
                </ul>
                )
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
