import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Course, LiveSession } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useFormErrors } from '../lib/useFormErrors';
import { buildRrule, WEEKDAYS, weekdayOfDate, type Frequency, type Weekday } from '../lib/recurrence';
import { addDays, browserTimeZone, toZonedInputs, zonedInputsToUtc } from '../lib/time';
import { Modal } from './Modal';

type Kind = 'scheduled' | 'webinar' | 'adhoc';

/** Which form field shows an error the API reported for one of its fields. */
const FIELD_OF: Record<string, string> = {
  course_id: 'course',
  title: 'title',
  description: 'description',
  type: 'type',
  scheduled_start: 'start',
  first_start: 'start',
  scheduled_end: 'end',
  duration_minutes: 'end',
  rrule: 'recurrence',
  timezone: 'recurrence',
};

export interface Created {
  session?: LiveSession;
  seriesId?: string;
}

/**
 * Seed 14.6: plan a class (or a weekly/daily/monthly series, or start one now). Field errors from the
 * API's problem document appear next to the field they concern.
 */
export function ScheduleSessionModal({
  courses,
  defaultCourseId,
  onClose,
  onCreated,
  now = new Date(),
  timeZone,
}: {
  courses: Course[];
  defaultCourseId?: string;
  onClose: () => void;
  onCreated: (c: Created) => void;
  now?: Date;
  /** The zone the times are typed in (the user's preference); the browser's when not given. */
  timeZone?: string;
}) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const uid = useId();
  const zone = timeZone || browserTimeZone();
  const start0 = new Date(Math.ceil(now.getTime() / (15 * 60_000)) * 15 * 60_000 + 60 * 60_000);
  const initial = toZonedInputs(start0, zone);
  const initialEnd = toZonedInputs(new Date(start0.getTime() + 60 * 60_000), zone);
  const [courseId, setCourseId] = useState(defaultCourseId ?? courses[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<Kind>('scheduled');
  const [date, setDate] = useState(initial.date);
  const [startTime, setStartTime] = useState(initial.time);
  const [endTime, setEndTime] = useState(initialEnd.time);
  const [freq, setFreq] = useState<Frequency>('none');
  const [days, setDays] = useState<Weekday[]>([]);
  const [count, setCount] = useState(10);
  const [busy, setBusy] = useState(false);
  const { id, fieldProps, fieldError, setErrors, setFormError, fail, formErrorView } = useFormErrors();

  const validate = (): { start: string | null; end: string | null; errs: Record<string, string> } => {
    const errs: Record<string, string> = {};
    if (!courseId) errs.course = t('schedule.error.course');
    if (!title.trim()) errs.title = t('schedule.error.title');
    else if ([...title].length > 200) errs.title = t('schedule.error.titleLong');
    if (kind === 'adhoc') return { start: null, end: null, errs };
    const start = zonedInputsToUtc(date, startTime, zone);
    let end = zonedInputsToUtc(date, endTime, zone);
    if (!start) errs.start = t('schedule.error.start');
    if (!end) errs.end = t('schedule.error.end');
    // An end earlier than the start on the clock means the class runs past midnight (the next
    // calendar day in the zone, so a daylight-saving night is counted right).
    if (start && end && Date.parse(end) <= Date.parse(start)) {
      end = zonedInputsToUtc(addDays(date, 1), endTime, zone);
      if (!end || Date.parse(end) - Date.parse(start) > 12 * 3600_000) errs.end = t('schedule.error.endBeforeStart');
    }
    if (freq !== 'none' && (!Number.isInteger(count) || count < 2 || count > 200)) errs.recurrence = t('schedule.error.count');
    return { start, end, errs };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { start, end, errs } = validate();
    setErrors(errs);
    setFormError(null);
    if (Object.keys(errs).length > 0) return;
    setBusy(true);
    try {
      if (kind === 'adhoc') {
        const s = await api.post<LiveSession>('/api/v1/live-sessions/', {
          course_id: courseId,
          title: title.trim(),
          description,
          type: 'adhoc',
        });
        onCreated({ session: s });
      } else if (freq === 'none') {
        const s = await api.post<LiveSession>('/api/v1/live-sessions/', {
          course_id: courseId,
          title: title.trim(),
          description,
          type: kind,
          scheduled_start: start,
          scheduled_end: end,
        });
        onCreated({ session: s });
      } else {
        const firstStart = start!;
        const first = weekdayOfDate(date);
        const weekdays = freq === 'weekly' ? Array.from(new Set([...(first ? [first] : []), ...days])) : [];
        const series = await api.post<{ id: string }>('/api/v1/live-series/', {
          course_id: courseId,
          title: title.trim(),
          description,
          type: kind,
          rrule: buildRrule(freq, count, weekdays),
          first_start: firstStart,
          duration_minutes: Math.round((Date.parse(end!) - Date.parse(firstStart)) / 60_000),
          timezone: zone,
        });
        onCreated({ seriesId: series.id });
      }
    } catch (err) {
      fail(err, (apiField) => FIELD_OF[apiField.split('.')[0]] ?? null);
      setBusy(false);
    }
  };

  const toggleDay = (d: Weekday) => setDays((cur) => (cur.includes(d) ? cur.filter((x) => x !== d) : [...cur, d]));
  const startDay = weekdayOfDate(date);

  return (
    <Modal title={t('schedule.title')} onClose={onClose}>
      <form onSubmit={submit} noValidate className="form">
        <div className="field">
          <label htmlFor={id('course')}>{t('schedule.course')}</label>
          <select {...fieldProps('course')} value={courseId} onChange={(e) => setCourseId(e.target.value)}>
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
          {fieldError('course')}
        </div>
        <div className="field">
          <label htmlFor={id('title')}>{t('schedule.name')}</label>
          <input {...fieldProps('title')} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={220} required />
          {fieldError('title')}
        </div>
        <div className="field">
          <label htmlFor={id('description')}>{t('schedule.description')}</label>
          <textarea {...fieldProps('description')} value={description} rows={2} onChange={(e) => setDescription(e.target.value)} />
          {fieldError('description')}
        </div>
        <fieldset className="field">
          <legend>{t('schedule.kind')}</legend>
          {(['scheduled', 'webinar', 'adhoc'] as Kind[]).map((k) => (
            <label key={k} className="inline">
              <input type="radio" name={`${uid}-kind`} value={k} checked={kind === k} onChange={() => setKind(k)} />{' '}
              {t(`schedule.kind.${k}`)}
            </label>
          ))}
          {fieldError('type')}
        </fieldset>
        {kind !== 'adhoc' && (
          <>
            <div className="field-row">
              <div className="field">
                <label htmlFor={id('date')}>{t('schedule.date')}</label>
                <input type="date" id={id('date')} value={date} onChange={(e) => setDate(e.target.value)} required />
              </div>
              <div className="field">
                <label htmlFor={id('start')}>{t('schedule.startTime')}</label>
                <input type="time" {...fieldProps('start')} value={startTime} onChange={(e) => setStartTime(e.target.value)} required />
                {fieldError('start')}
              </div>
              <div className="field">
                <label htmlFor={id('end')}>{t('schedule.endTime')}</label>
                <input type="time" {...fieldProps('end')} value={endTime} onChange={(e) => setEndTime(e.target.value)} required />
                {fieldError('end')}
              </div>
            </div>
            <p className="muted small">{t('schedule.timezone', { zone })}</p>
            <div className="field">
              <label htmlFor={id('recurrence')}>{t('schedule.repeat')}</label>
              <select {...fieldProps('recurrence')} value={freq} onChange={(e) => setFreq(e.target.value as Frequency)}>
                {(['none', 'daily', 'weekly', 'monthly'] as Frequency[]).map((f) => (
                  <option key={f} value={f}>
                    {t(`schedule.repeat.${f}`)}
                  </option>
                ))}
              </select>
              {fieldError('recurrence')}
            </div>
            {freq === 'weekly' && (
              <fieldset className="field weekdays">
                <legend>{t('schedule.days')}</legend>
                {WEEKDAYS.map((d) => (
                  <label key={d} className="inline">
                    <input
                      type="checkbox"
                      checked={d === startDay || days.includes(d)}
                      disabled={d === startDay}
                      onChange={() => toggleDay(d)}
                    />{' '}
                    {t(`weekday.${d}`)}
                  </label>
                ))}
              </fieldset>
            )}
            {freq !== 'none' && (
              <div className="field">
                <label htmlFor={id('count')}>{t('schedule.count')}</label>
                <input
                  type="number"
                  id={id('count')}
                  min={2}
                  max={200}
                  value={count}
                  onChange={(e) => setCount(Number(e.target.value))}
                />
              </div>
            )}
          </>
        )}
        {formErrorView}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
            {busy ? t('common.saving') : kind === 'adhoc' ? t('schedule.startNow') : t('schedule.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
