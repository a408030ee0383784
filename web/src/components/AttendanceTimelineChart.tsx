import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttendanceTimeline } from '../api/types';
import { formatTime } from '../lib/time';

// Drawing units of the viewBox; the SVG scales to its container's width.
const W = 560;
const H = 240;
const M = { top: 14, right: 12, bottom: 30, left: 36 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** A step path across the minutes (one flat segment per minute), optionally closed down to the baseline. */
export function stepPath(values: number[], max: number, area: boolean): string {
  const n = values.length;
  if (n === 0) return '';
  const x = (i: number) => M.left + (i * PW) / n;
  const y = (v: number) => M.top + PH - (v / max) * PH;
  let d = area ? `M${x(0)},${M.top + PH} V${y(values[0])}` : `M${x(0)},${y(values[0])}`;
  values.forEach((v, i) => {
    if (i > 0) d += ` V${y(v)}`;
    d += ` H${x(i + 1)}`;
  });
  if (area) d += ` V${M.top + PH} Z`;
  return d;
}

/** Up to three distinct integer ticks: 0, about half, the top. */
export function yTicks(max: number): number[] {
  return [...new Set([0, Math.round(max / 2), max])];
}

/** Minute indexes to label on the time axis: at most about six, evenly spaced. */
export function xTickIndexes(n: number): number[] {
  if (n === 0) return [];
  const step = Math.max(1, Math.ceil(n / 5));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  return out;
}

/**
 * The class minute by minute (seed 13.5): how many were in the class and how many had the tab in the
 * foreground, with the minutes where presence dropped marked. A hand-drawn SVG with a title and a
 * description, followed by the same data as a (visually hidden) table.
 */
export function AttendanceTimelineChart({ timeline, timeZone }: { timeline: AttendanceTimeline; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const uid = useId();
  const titleId = `${uid}-title`;
  const descId = `${uid}-desc`;
  const minutes = timeline.minutes;
  const n = minutes.length;
  const time = (iso: string) => formatTime(iso, lang, timeZone);

  if (n === 0) return <p className="muted">{t('report.chart.empty')}</p>;

  const max = Math.max(1, timeline.peak_present, ...minutes.map((m) => Math.max(m.present, m.foreground)));
  const x = (i: number) => M.left + (i * PW) / n;
  const y = (v: number) => M.top + PH - (v / max) * PH;
  const drops = minutes.map((m, i) => ({ m, i })).filter(({ m }) => m.drop_off);
  const dropTimes = drops.map(({ m }) => time(m.minute_start));
  const desc = t('report.chart.desc', {
    count: n,
    peak: timeline.peak_present,
    drops: dropTimes.length ? dropTimes.join(', ') : t('report.chart.noDrops'),
  });

  return (
    <div className="lc-chart">
      <div className="lc-chart-legend small" aria-hidden="true">
        <span>
          <span className="lc-swatch lc-swatch-present" /> {t('report.chart.present')}
        </span>
        <span>
          <span className="lc-swatch lc-swatch-foreground" /> {t('report.chart.foreground')}
        </span>
        <span>
          <span className="lc-swatch lc-swatch-drop" /> {t('report.chart.dropOff')}
        </span>
      </div>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        preserveAspectRatio="xMidYMid meet"
        data-testid="timeline-chart"
      >
        <title id={titleId}>{t('report.chart.title')}</title>
        <desc id={descId}>{desc}</desc>
        {yTicks(max).map((v) => (
          <g key={v} className="lc-chart-grid">
            <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} />
            <text x={M.left - 6} y={y(v)} dy="0.35em" textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        {drops.map(({ m, i }) => (
          <rect
            key={m.minute_start}
            className="lc-chart-drop"
            data-testid="drop-off"
            x={x(i)}
            y={M.top}
            width={Math.max(PW / n, 2)}
            height={PH}
          />
        ))}
        <path className="lc-chart-present" d={stepPath(minutes.map((m) => m.present), max, true)} />
        <path className="lc-chart-foreground" d={stepPath(minutes.map((m) => m.foreground), max, false)} />
        {drops.map(({ m, i }) => (
          <path
            key={`mark-${m.minute_start}`}
            className="lc-chart-drop-mark"
            d={`M${x(i) + PW / n / 2 - 5},${M.top - 10} h10 l-5,8 z`}
          />
        ))}
        <line className="lc-chart-axis" x1={M.left} x2={W - M.right} y1={M.top + PH} y2={M.top + PH} />
        {xTickIndexes(n).map((i) => (
          <text key={i} className="lc-chart-xlabel" x={x(i)} y={H - 10} textAnchor={i === 0 ? 'start' : x(i) > W - M.right - 24 ? 'end' : 'middle'}>
            {time(minutes[i].minute_start)}
          </text>
        ))}
      </svg>
      <table className="visually-hidden">
        <caption>{t('report.chart.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('report.chart.minute')}</th>
            <th scope="col">{t('report.chart.present')}</th>
            <th scope="col">{t('report.chart.foreground')}</th>
            <th scope="col">{t('report.chart.lost')}</th>
            <th scope="col">{t('report.chart.dropOff')}</th>
          </tr>
        </thead>
        <tbody>
          {minutes.map((m) => (
            <tr key={m.minute_start}>
              <th scope="row">{time(m.minute_start)}</th>
              <td>{m.present}</td>
              <td>{m.foreground}</td>
              <td>{m.lost}</td>
              <td>{m.drop_off ? t('report.chart.yes') : t('report.chart.no')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
