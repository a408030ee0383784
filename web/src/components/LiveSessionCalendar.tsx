// Loaded lazily (SessionsPage's calendar view): FullCalendar is imported by this module only, so it
// stays out of the main bundle.
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import interactionPlugin from '@fullcalendar/interaction';
import trLocale from '@fullcalendar/core/locales/tr';
import type { DatesSetArg, EventClickArg, EventContentArg, ToolbarInput } from '@fullcalendar/core';
import type { SessionStatus } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { fetchSessionsInRange, sessionUrl, STATUS_COLORS, toCalendarEvent, visibleHours } from '../lib/calendarEvents';
import { errorMessage } from '../lib/errors';
import { browserTimeZone, formatDateTime } from '../lib/time';
import { intlTimeZonePlugin, isKnownZone } from './fullcalendarIntlZone';
import { Notice } from './Notice';

const PLUGINS = [dayGridPlugin, timeGridPlugin, interactionPlugin, intlTimeZonePlugin];
const LOCALES = [trLocale];
const NARROW_PX = 600;
const WIDE_TOOLBAR: ToolbarInput = { start: 'prev,next today', center: 'title', end: 'dayGridMonth,timeGridWeek,timeGridDay' };
// Under 600 px: the title on its own line, no week view (seven columns do not fit).
const NARROW_HEADER: ToolbarInput = { start: 'title', end: 'prev,next' };
const NARROW_FOOTER: ToolbarInput = { start: 'today', end: 'timeGridDay,dayGridMonth' };
const TIME_FORMAT = { hour: '2-digit', minute: '2-digit', hour12: false } as const;
const STATUSES: SessionStatus[] = ['scheduled', 'live', 'ended', 'cancelled', 'draft'];

const isNarrow = () => typeof window !== 'undefined' && window.innerWidth < NARROW_PX;

/**
 * The user's classes on a month / week / day calendar in their language and time zone, fetched for the
 * visible range; a click opens the class page (which has the Join / Start button). Below it, the
 * personal calendar feed (subscribe, copy, revoke).
 */
export function LiveSessionCalendar({ courseId, timeZone }: { courseId?: string; timeZone?: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { api } = useAuth();
  const navigate = useNavigate();
  const [range, setRange] = useState<{ from: Date; to: Date } | null>(null);
  const [narrow, setNarrow] = useState(isNarrow);
  const [initialView] = useState(() => (isNarrow() ? 'timeGridDay' : 'dayGridMonth'));

  // FullCalendar converts to a named zone only through a plugin; ours uses Intl (fullcalendarIntlZone).
  // A zone this browser does not know falls back to the browser's own, and the note below says so.
  const device = browserTimeZone();
  const known = !timeZone || isKnownZone(timeZone);
  const zone = timeZone && known ? timeZone : device;
  const fcZone = zone === device ? 'local' : zone;

  const sessions = useQuery({
    queryKey: ['sessions', 'calendar', courseId ?? '', range?.from.getTime(), range?.to.getTime()],
    queryFn: ({ signal }) => fetchSessionsInRange(api, { from: range!.from, to: range!.to, courseId }, signal),
    enabled: !!range,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const events = useMemo(() => (sessions.data ?? []).map(toCalendarEvent), [sessions.data]);
  const hours = useMemo(() => visibleHours(sessions.data ?? [], zone), [sessions.data, zone]);

  const onDatesSet = useCallback((arg: DatesSetArg) => {
    setRange((prev) =>
      prev && prev.from.getTime() === arg.start.getTime() && prev.to.getTime() === arg.end.getTime()
        ? prev
        : { from: arg.start, to: arg.end },
    );
  }, []);
  const onEventClick = useCallback(
    (arg: EventClickArg) => {
      const e = arg.jsEvent;
      // Ctrl/⌘/Shift-click and middle-click keep the browser's own "open in a new tab".
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button === 1) return;
      e.preventDefault();
      // Click to join: a live class opens its room at once (the room page joins by itself); any
      // other class opens its page, whose button says when it can be started or joined.
      const live = arg.event.extendedProps.status === 'live';
      navigate(live ? `${sessionUrl(arg.event.id)}/room` : sessionUrl(arg.event.id));
    },
    [navigate],
  );
  // FullCalendar's Turkish locale has no button hints (the titles screen readers read): ours, both languages.
  const hints = useMemo(
    () => ({
      buttonHints: {
        prev: (_text: string, unit: string) => t(`calendar.hint.prev.${unit}`),
        next: (_text: string, unit: string) => t(`calendar.hint.next.${unit}`),
        today: (_text: string, unit: string) => t(`calendar.hint.today.${unit}`),
      },
      viewHint: (text: string) => t('calendar.hint.view', { view: text }),
      navLinkHint: (date: string) => t('calendar.hint.navLink', { date }),
      moreLinkHint: (count: number) => t('calendar.hint.more', { count }),
    }),
    [t],
  );
  const renderEvent = useCallback(
    (arg: EventContentArg) => {
      const status = arg.event.extendedProps.status as SessionStatus;
      return (
        <span className="lc-event-main">
          {arg.timeText && <span className="lc-event-time">{arg.timeText}</span>}{' '}
          <span className="lc-event-title">{arg.event.title}</span>
          <span className="visually-hidden">, {t(`status.${status}`)}</span>
        </span>
      );
    },
    [t],
  );

  return (
    <div className="lc-calendar">
      <div className="lc-calendar-status" aria-live="polite">
        {sessions.isFetching && (!sessions.data || sessions.isPlaceholderData) && (
          <p className="muted small" role="status">
            {t('calendar.loading')}
          </p>
        )}
        {sessions.isError && (
          <p className="field-error" role="alert">
            {errorMessage(sessions.error, t)}
          </p>
        )}
        {sessions.isSuccess && !sessions.isPlaceholderData && (
          <p className="muted small">
            {sessions.data.length ? t('calendar.count', { count: sessions.data.length }) : t('calendar.none')}{' '}
            {t('calendar.hint')}
          </p>
        )}
      </div>
      <section className="card lc-calendar-frame" aria-label={t('calendar.label')}>
        <FullCalendar
          plugins={PLUGINS}
          locales={LOCALES}
          locale={lang.startsWith('en') ? 'en-gb' : 'tr'}
          timeZone={fcZone}
          initialView={initialView}
          headerToolbar={narrow ? NARROW_HEADER : WIDE_TOOLBAR}
          footerToolbar={narrow ? NARROW_FOOTER : false}
          height="auto"
          {...hints}
          firstDay={1}
          allDaySlot={false}
          nowIndicator
          navLinks
          dayMaxEvents={4}
          eventDisplay="block"
          eventTimeFormat={TIME_FORMAT}
          slotLabelFormat={TIME_FORMAT}
          slotMinTime={hours.min}
          slotMaxTime={hours.max}
          events={events}
          eventContent={renderEvent}
          eventClick={onEventClick}
          datesSet={onDatesSet}
          windowResize={(arg) => {
            const n = isNarrow();
            setNarrow(n);
            if (n && arg.view.type === 'timeGridWeek') arg.view.calendar.changeView('timeGridDay');
          }}
        />
      </section>
      <p className="muted small">
        {known ? t('calendar.zone', { zone }) : t('calendar.zoneBrowser', { zone, wanted: timeZone })}
      </p>
      <ul className="lc-legend small" aria-label={t('calendar.legend')}>
        {STATUSES.map((s) => (
          <li key={s}>
            <span
              className={`lc-legend-swatch lc-event-${s}`}
              style={{ background: STATUS_COLORS[s].bg, borderColor: STATUS_COLORS[s].border }}
              aria-hidden="true"
            />
            <span className={s === 'cancelled' ? 'lc-struck' : undefined}>{t(`status.${s}`)}</span>
          </li>
        ))}
      </ul>
      <CalendarFeedPanel timeZone={zone} />
    </div>
  );
}

/** GET/POST/DELETE /api/v1/calendar/feed/ (docs/openapi.yaml `CalendarFeed`). */
export interface CalendarFeed {
  active: boolean;
  /** Only in the answer that made the feed. */
  url?: string;
  created_at: string | null;
  last_used_at: string | null;
}

/** The feed's address as calendars need it: absolute (the server may answer a path). */
export function absoluteFeedUrl(url: string, origin = window.location.origin): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : new URL(url, origin).href;
}

/** The same address for calendar apps that open `webcal:` links (Apple Calendar, Outlook). */
export function webcalUrl(url: string): string {
  return url.replace(/^https?:/i, 'webcal:');
}

const FEED_KEY = ['calendar-feed'];

/**
 * The personal calendar feed: one secret address listing all the user's classes. The server keeps only
 * a hash, so the address is shown once, when made; making a new one stops the old.
 */
export function CalendarFeedPanel({ timeZone }: { timeZone?: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const feed = useQuery({
    queryKey: FEED_KEY,
    queryFn: ({ signal }) => api.get<CalendarFeed>('/api/v1/calendar/feed/', signal),
  });
  const create = useMutation({
    mutationFn: () => api.post<CalendarFeed>('/api/v1/calendar/feed/'),
    onMutate: () => setNotice(null),
    onSuccess: (f) => {
      setUrl(f.url ? absoluteFeedUrl(f.url) : null);
      queryClient.setQueryData<CalendarFeed>(FEED_KEY, { ...f, url: undefined });
    },
    onError: (e) => setNotice({ text: errorMessage(e, t), error: true }),
  });
  const revoke = useMutation({
    mutationFn: () => api.delete<void>('/api/v1/calendar/feed/'),
    onMutate: () => setNotice(null),
    onSuccess: () => {
      setUrl(null);
      queryClient.setQueryData<CalendarFeed>(FEED_KEY, { active: false, created_at: null, last_used_at: null });
      setNotice({ text: t('calendar.feed.revoked'), error: false });
    },
    onError: (e) => setNotice({ text: errorMessage(e, t), error: true }),
  });

  const active = feed.data?.active ?? false;
  const subscribe = () => {
    if (active && !window.confirm(t('calendar.feed.confirmRenew'))) return;
    create.mutate();
  };
  const copy = async (input: HTMLInputElement | null) => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setNotice({ text: t('calendar.feed.copied'), error: false });
    } catch {
      input?.select();
      setNotice({ text: t('calendar.feed.copyFailed'), error: true });
    }
  };
  const when = (iso: string | null) => formatDateTime(iso, i18n.language, timeZone);

  return (
    <section className="card lc-feed" aria-labelledby="lc-feed-title">
      <h2 id="lc-feed-title">{t('calendar.feed.title')}</h2>
      <p>{t('calendar.feed.intro')}</p>
      <p className="muted small">{t('calendar.feed.oneClass')}</p>
      {feed.isLoading && <p className="muted small">{t('common.loading')}</p>}
      {feed.isError && (
        <p className="field-error" role="alert">
          {errorMessage(feed.error, t)}
        </p>
      )}
      {url ? (
        <div className="lc-feed-url">
          <label htmlFor="lc-feed-url-input">{t('calendar.feed.url')}</label>
          <div className="lc-feed-copy">
            <input
              id="lc-feed-url-input"
              type="text"
              readOnly
              value={url}
              onFocus={(e) => e.currentTarget.select()}
              aria-describedby="lc-feed-once"
            />
            <button
              type="button"
              onClick={(e) => void copy(e.currentTarget.parentElement?.querySelector('input') ?? null)}
            >
              {t('calendar.feed.copy')}
            </button>
          </div>
          <p id="lc-feed-once" className="muted small">
            {t('calendar.feed.onceOnly')}
          </p>
          <a href={webcalUrl(url)}>{t('calendar.feed.openApp')}</a>
        </div>
      ) : (
        feed.data &&
        (active ? (
          <p>
            {t('calendar.feed.active', { created: when(feed.data.created_at) })}{' '}
            {feed.data.last_used_at
              ? t('calendar.feed.lastUsed', { time: when(feed.data.last_used_at) })
              : t('calendar.feed.neverUsed')}{' '}
            <span className="muted small">{t('calendar.feed.lost')}</span>
          </p>
        ) : (
          <p className="muted">{t('calendar.feed.inactive')}</p>
        ))
      )}
      <div className="actions left">
        <button type="button" className={active ? undefined : 'primary'} onClick={subscribe} disabled={create.isPending}>
          {create.isPending ? t('calendar.feed.creating') : active ? t('calendar.feed.renew') : t('calendar.feed.subscribe')}
        </button>
        {active && (
          <button
            type="button"
            className="danger"
            disabled={revoke.isPending}
            onClick={() => window.confirm(t('calendar.feed.confirmRevoke')) && revoke.mutate()}
          >
            {revoke.isPending ? t('calendar.feed.revoking') : t('calendar.feed.revoke')}
          </button>
        )}
      </div>
      <div aria-live="polite">
        <Notice notice={notice} />
      </div>
    </section>
  );
}
