import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, NETWORK_PROBLEM, toApiError } from '../api/client';
import type { LiveSession, Provider, Recording, RecordingAccess, RecordingList, Transcript } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { fileNameFromDisposition, saveBlob } from '../lib/download';
import { errorMessage } from '../lib/errors';
import { formatDateTime, formatDuration, formatTimestamp } from '../lib/time';
import { useAuthedImage } from '../lib/useAuthedImage';
import { LessonNotes, notesPath } from './LessonNotes';
import { Notice } from './Notice';
import { QueryState, SignedLinkNotice } from './PanelStatus';

type Action = 'watch' | 'publish' | 'unpublish' | 'delete' | 'transcribe' | 'vtt' | 'srt';

/** The transcript's API path (the recording's transcript_url, or where an older answer would put it) in a format. */
function transcriptPath(base: string, r: Recording, format: 'json' | 'vtt' | 'srt'): string {
  const path = r.transcript_url || `${base}${r.id}/transcript/`;
  return `${path}${path.includes('?') ? '&' : '?'}format=${format}`;
}

/**
 * A class's recordings. Students are sent only the published ones; the class's hosts, moderators and
 * admins see all but the deleted ones and may publish or unpublish them, hosts and admins also delete
 * them. The staff also see whether the server has copied the file to the school's own storage (followed
 * every few seconds while a copy runs). "Watch" asks for a signed link that expires within minutes
 * (each request is audited), so it is fetched only on the click and opened in a new tab at once.
 * A recording with a thumbnail shows it first in its row.
 *
 * Transcripts (speech-to-text): the staff ask for one with "Transcribe" once the server holds its own
 * copy of the file (again after a failure); its progress is followed every 10 s, and a failure shows the
 * server's reason. Of a BigBlueButton recording (never copied) they ask for BigBlueButton's captions
 * instead ("Get BigBlueButton's captions"): those uploaded, or finished by its speech recognition, after
 * the recording was ready. A ready transcript can be downloaded as WebVTT or SubRip subtitles (fetched
 * with the bearer token) or read here, with each segment's position in the recording. A recording the server keeps a copy of can also be watched here
 * with its transcript as captions ("Watch with captions": CaptionedPlayer); "Watch" opens it in a new tab.
 *
 * Lesson notes (seeds 13.2, 13.3), for a recording whose transcript is ready: "Summary" shows what the AI
 * service made of the transcript (to a student once it is ready), "Quiz suggestions" (the class's staff
 * only: it holds the answers) its suggested questions; the staff ask for either there (LessonNotes).
 */
export function RecordingsPanel({
  sessionId,
  role,
  provider,
  timeZone,
  focus = false,
  play,
}: {
  sessionId: string;
  role: LiveSession['my_role'];
  /** The class's provider: a BigBlueButton recording's transcript comes from its captions. */
  provider?: Provider;
  timeZone?: string;
  /** Scroll to the panel and move the focus to its heading (the e-mails' /sessions/:id/recordings). */
  focus?: boolean;
  /** A recording to open in the captioned player at `at` seconds (the attendance coach's links). */
  play?: { recordingId: string; at: number };
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const base = `/api/v1/live-sessions/${sessionId}/recordings/`;
  const manager = role === 'host' || role === 'moderator' || role === 'admin';
  const canDelete = role === 'host' || role === 'admin';
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [opened, setOpened] = useState<RecordingAccess | null>(null);
  // What is unfolded under the recordings: "player:<id>", "transcript:<id>", "summary:<id>", "quiz:<id>".
  const [shownParts, setShownParts] = useState<ReadonlySet<string>>(() => new Set());
  const headingRef = useRef<HTMLHeadingElement>(null);

  const list = useQuery({
    queryKey: ['recordings', sessionId],
    queryFn: ({ signal }) => api.get<RecordingList>(base, signal),
    // A recording being processed turns ready on its own: look again now and then until none is left.
    // One being copied to the school's storage moves faster, so its progress is followed more closely;
    // so does a transcript being made.
    refetchInterval: (q) => {
      const results = q.state.data?.results ?? [];
      if (results.some((r) => r.storage_status === 'copying')) return 5_000;
      if (results.some((r) => r.transcript_status === 'processing')) return 10_000;
      return results.some((r) => r.status === 'processing') ? 30_000 : false;
    },
  });

  // The coach's link: once the list is there, the player of that recording is unfolded (when it can play
  // here), starting at the moment.
  const playId = play?.recordingId;
  const listed = list.data !== undefined;
  useEffect(() => {
    if (!playId || !listed) return;
    setShownParts((cur) => (cur.has(`player:${playId}`) ? cur : new Set(cur).add(`player:${playId}`)));
  }, [playId, listed]);

  useEffect(() => {
    if (!focus) return;
    const h = headingRef.current;
    h?.scrollIntoView?.({ block: 'start' });
    h?.focus();
  }, [focus]);

  const playable = (r: Recording) => r.status === 'published' || (manager && r.status === 'ready');
  const mb = new Intl.NumberFormat(lang.startsWith('en') ? 'en-GB' : 'tr-TR', { maximumFractionDigits: 1 });
  const size = (bytes: number) => t('recording.size', { size: mb.format(bytes / 1_000_000) });

  /** The state of the server's own copy of the file, for the class's staff; null when there is none to tell. */
  const storage = (r: Recording) => {
    switch (r.storage_status ?? 'none') {
      case 'copying': {
        const done = r.storage_bytes ?? 0;
        if (r.file_size_bytes > 0 && done <= r.file_size_bytes)
          return t('recording.storage.copyingPercent', { percent: Math.floor((done * 100) / r.file_size_bytes) });
        return done > 0 ? t('recording.storage.copyingSize', { size: size(done) }) : t('recording.storage.copying');
      }
      case 'stored':
        return t('recording.storage.stored');
      case 'failed':
        return t('recording.storage.failed');
      default:
        return null;
    }
  };

  /** Its transcript can only be the provider's captions: we keep no copy to transcribe. */
  const fromCaptions = (r: Recording) => provider === 'bbb' && r.storage_status !== 'stored';

  /** The transcript's state in a line, null when there is none to tell (a failure is told to the staff only). */
  const transcript = (r: Recording) => {
    switch (r.transcript_status) {
      case 'processing': {
        if (fromCaptions(r)) return t('recording.transcript.importing');
        const p = r.transcript_progress;
        return typeof p === 'number' && Number.isFinite(p)
          ? t('recording.transcript.processingPercent', { percent: Math.min(100, Math.max(0, Math.floor(p))) })
          : t('recording.transcript.processing');
      }
      case 'ready':
        return r.transcript_language
          ? t('recording.transcript.ready', { language: r.transcript_language })
          : t('recording.transcript.readyNoLanguage');
      case 'failed': {
        if (!manager) return null;
        const captions = fromCaptions(r);
        // The server's reason (staff listings carry it): what to fix before asking again.
        if (r.transcript_error)
          return t(captions ? 'recording.transcript.importFailedReason' : 'recording.transcript.failedReason', {
            error: r.transcript_error,
          });
        return t(captions ? 'recording.transcript.importFailed' : 'recording.transcript.failed');
      }
      default:
        return null;
    }
  };
  const canTranscribe = (r: Recording) =>
    manager &&
    (r.transcript_status === 'none' || r.transcript_status === 'failed') &&
    (r.storage_status === 'stored' || (fromCaptions(r) && playable(r)));

  const toggle = (part: string) =>
    setShownParts((cur) => {
      const next = new Set(cur);
      if (!next.delete(part)) next.add(part);
      return next;
    });

  /** A button that unfolds a part under the recording (its transcript, summary, quiz suggestions). */
  const partToggle = (
    r: Recording,
    part: 'player' | 'transcript' | 'summary' | 'quiz',
    controls: string,
    label: string,
  ) => {
    const open = shownParts.has(`${part}:${r.id}`);
    return (
      <button
        type="button"
        className="small"
        aria-expanded={open}
        aria-controls={open ? controls : undefined}
        aria-describedby={`recording-${r.id}`}
        onClick={() => toggle(`${part}:${r.id}`)}
      >
        {label}
      </button>
    );
  };

  /** Saves the subtitles file under the name the server gives (Content-Disposition). */
  const downloadTranscript = async (r: Recording, format: 'vtt' | 'srt') => {
    const res = await api.fetchRaw(transcriptPath(base, r, format)).catch((e: unknown) => {
      throw new ApiError({ type: NETWORK_PROBLEM, title: 'Network error', status: 0, detail: String(e) });
    });
    if (!res.ok) throw await toApiError(res);
    const blob = await res.blob();
    saveBlob(blob, fileNameFromDisposition(res.headers.get('Content-Disposition')) ?? `transcript-${r.id}.${format}`);
  };

  const act = async (r: Recording, action: Action) => {
    if (action === 'delete' && !window.confirm(t('recording.confirmDelete'))) return;
    setBusy(`${action}:${r.id}`);
    setNotice(null);
    setOpened(null);
    try {
      if (action === 'watch') {
        const access = await api.get<RecordingAccess>(`${base}${r.id}/access/`);
        window.open(access.url, '_blank', 'noopener');
        // With noopener there is no way to tell whether a pop-up blocker stopped the tab: offer the link.
        setOpened(access);
        return;
      }
      if (action === 'vtt' || action === 'srt') {
        await downloadTranscript(r, action);
        return;
      }
      if (action === 'transcribe') {
        // 202 with the recording, now "processing": shown at once (a refresh under way, which may have
        // been answered before, is dropped), then followed by the list's refreshes.
        const updated = await api.post<Recording | undefined>(`${base}${r.id}/transcript/`);
        // A transcript made again keeps its address: forget the old one, so that it is not shown again.
        queryClient.removeQueries({ queryKey: ['transcript', transcriptPath(base, r, 'json')] });
        const key = ['recordings', sessionId];
        await queryClient.cancelQueries({ queryKey: key });
        if (updated?.id)
          queryClient.setQueryData<RecordingList>(key, (cur) =>
            cur ? { ...cur, results: cur.results.map((x) => (x.id === updated.id ? updated : x)) } : cur,
          );
        else await queryClient.invalidateQueries({ queryKey: key });
        setNotice({ text: t(fromCaptions(r) ? 'recording.didFetchCaptions' : 'recording.didTranscribe'), error: false });
        return;
      }
      if (action === 'delete') await api.delete(`${base}${r.id}/`);
      else await api.post<Recording>(`${base}${r.id}/${action}/`);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['recordings', sessionId] }),
        queryClient.invalidateQueries({ queryKey: ['session', sessionId] }),
      ]);
      const done = { publish: 'recording.didPublish', unpublish: 'recording.didUnpublish', delete: 'recording.didDelete' };
      setNotice({ text: t(done[action]), error: false });
    } catch (e) {
      setNotice({ text: errorMessage(e, t), error: true });
    } finally {
      setBusy(null);
    }
  };

  const button = (r: Recording, action: Action, label: string, className = 'small', describedBy = `recording-${r.id}`) => (
    <button
      type="button"
      className={className}
      disabled={busy !== null}
      aria-busy={busy === `${action}:${r.id}`}
      aria-describedby={describedBy}
      onClick={() => act(r, action)}
    >
      {busy === `watch:${r.id}` && action === 'watch' ? t('recording.opening') : label}
    </button>
  );

  const recordings = list.data?.results ?? [];
  return (
    <section className="card recordings-panel" aria-labelledby="recordings-panel-title">
      <div className="panel-head">
        <h2 id="recordings-panel-title" ref={headingRef} tabIndex={-1}>
          {t('recording.title')} {list.data && <span className="count">{recordings.length}</span>}
        </h2>
      </div>
      <QueryState query={list} loadingKey="recording.loading" />
      <Notice notice={notice} />
      <SignedLinkNotice
        link={opened}
        timeZone={timeZone}
        textKey="recording.opened"
        linkKey="recording.openLink"
        validKey="recording.linkValid"
      />
      {list.data && recordings.length === 0 && <p className="muted">{t('recording.empty')}</p>}
      {recordings.length > 0 && (
        <ul className="recording-list">
          {recordings.map((r) => {
            const facts = [
              r.duration_seconds > 0 ? formatDuration(r.duration_seconds, lang) : null,
              r.file_size_bytes > 0 ? size(r.file_size_bytes) : null,
              r.resolution || null,
              r.format || null,
            ].filter(Boolean);
            const hint =
              r.status === 'processing' || r.status === 'failed' || (manager && r.status === 'ready')
                ? t(`recording.hint.${r.status}`)
                : null;
            const stored = manager ? storage(r) : null;
            const transcribed = transcript(r);
            const ready = r.transcript_status === 'ready';
            const shown = ready && shownParts.has(`transcript:${r.id}`);
            // Our own copy (an MP4 we serve) can play here with the transcript as its captions.
            const captioned = ready && playable(r) && r.storage_status === 'stored';
            const playerShown = captioned && shownParts.has(`player:${r.id}`);
            const summaryShown = ready && shownParts.has(`summary:${r.id}`);
            const quizShown = ready && manager && shownParts.has(`quiz:${r.id}`);
            // "VTT" alone says little: the files' buttons are described by the recording and its transcript.
            const fileAbout = `recording-${r.id} transcript-${r.id}`;
            const title = t('recording.item', { date: formatDateTime(r.created_at, lang, timeZone) });
            return (
              <li key={r.id} data-recording-id={r.id}>
                {r.thumbnail_url && <RecordingThumbnail path={r.thumbnail_url} />}
                <div className="recording-main">
                  <div>
                    <strong id={`recording-${r.id}`}>{title}</strong>{' '}
                    <span className={`badge badge-rec-${r.status}`} data-status={r.status}>
                      {t(`recording.status.${r.status}`, { defaultValue: r.status })}
                    </span>
                  </div>
                  {facts.length > 0 && <div className="muted small">{facts.join(' · ')}</div>}
                  {hint && <div className="muted small">{hint}</div>}
                  {(r.published_at || r.expires_at) && (
                    <div className="muted small">
                      {r.published_at && t('recording.publishedAt', { date: formatDateTime(r.published_at, lang, timeZone) })}
                      {r.published_at && r.expires_at && ' · '}
                      {r.expires_at && t('recording.expires', { date: formatDateTime(r.expires_at, lang, timeZone) })}
                    </div>
                  )}
                  {stored && (
                    <div className="muted small" data-storage={r.storage_status}>
                      {stored}
                    </div>
                  )}
                  {transcribed && (
                    <div className="transcript-line">
                      <span className="muted small" id={`transcript-${r.id}`} data-transcript={r.transcript_status}>
                        {transcribed}
                      </span>
                      {ready && (
                        <>
                          {captioned && partToggle(r, 'player', `player-${r.id}`, t('recording.player.show'))}
                          {button(r, 'vtt', t('recording.transcript.vtt'), 'small', fileAbout)}
                          {button(r, 'srt', t('recording.transcript.srt'), 'small', fileAbout)}
                          {partToggle(
                            r,
                            'transcript',
                            `transcript-text-${r.id}`,
                            t(shown ? 'recording.transcript.hide' : 'recording.transcript.show'),
                          )}
                          {/* Staff may ask for one; a student is offered only one that is there. */}
                          {(manager || (r.summary_status ?? 'ready') === 'ready') &&
                            partToggle(r, 'summary', `summary-${r.id}`, t('recording.summary.show'))}
                          {manager && partToggle(r, 'quiz', `quiz-${r.id}`, t('recording.quiz.show'))}
                        </>
                      )}
                    </div>
                  )}
                  {playerShown && (
                    <CaptionedPlayer
                      id={`player-${r.id}`}
                      startAt={play?.recordingId === r.id ? play.at : 0}
                      accessPath={`${base}${r.id}/access/`}
                      captionsPath={transcriptPath(base, r, 'vtt')}
                      language={r.transcript_language ?? ''}
                      label={t('recording.player.label', { title })}
                    />
                  )}
                  {shown && (
                    <TranscriptText
                      id={`transcript-text-${r.id}`}
                      path={transcriptPath(base, r, 'json')}
                      label={t('recording.transcript.listLabel', { title })}
                    />
                  )}
                  {summaryShown && (
                    <LessonNotes
                      id={`summary-${r.id}`}
                      kind="summary"
                      path={notesPath(base, r.id, 'summary')}
                      manager={manager}
                      label={t('recording.summary.label', { title })}
                      timeZone={timeZone}
                    />
                  )}
                  {quizShown && (
                    <LessonNotes
                      id={`quiz-${r.id}`}
                      kind="quiz"
                      path={notesPath(base, r.id, 'quiz')}
                      manager={manager}
                      label={t('recording.quiz.label', { title })}
                      timeZone={timeZone}
                    />
                  )}
                </div>
                <div className="row-actions">
                  {playable(r) && button(r, 'watch', t('recording.watch'), 'small primary')}
                  {manager && r.status === 'ready' && button(r, 'publish', t('recording.publish'))}
                  {manager && r.status === 'published' && button(r, 'unpublish', t('recording.unpublish'))}
                  {canTranscribe(r) &&
                    button(r, 'transcribe', t(fromCaptions(r) ? 'recording.fetchCaptions' : 'recording.transcribe'))}
                  {canDelete && button(r, 'delete', t('recording.delete'), 'small danger')}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/**
 * A recording played here with its transcript as captions (accessibility: students who cannot hear it,
 * or watch it without sound). The signed link to the video (audited, as "Watch" is) and the WebVTT file
 * (behind the bearer token, so fetched and handed to the <track> as an object URL) are fetched when it is
 * first shown; the captions are on by default. The object URL is released when the player closes.
 */
function CaptionedPlayer({
  id,
  accessPath,
  captionsPath,
  language,
  label,
  startAt = 0,
}: {
  id: string;
  /** Where to start, in seconds (a media fragment: the browser seeks there once it can). */
  startAt?: number;
  accessPath: string;
  captionsPath: string;
  language: string;
  label: string;
}) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const [media, setMedia] = useState<{ src: string; captions: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let cancelled = false;
    let captions: string | null = null;
    (async () => {
      try {
        const [access, res] = await Promise.all([
          api.get<RecordingAccess>(accessPath),
          api.fetchRaw(captionsPath).catch((e: unknown) => {
            throw new ApiError({ type: NETWORK_PROBLEM, title: 'Network error', status: 0, detail: String(e) });
          }),
        ]);
        if (!res.ok) throw await toApiError(res);
        const vtt = await res.text();
        if (cancelled) return;
        captions = URL.createObjectURL(new Blob([vtt], { type: 'text/vtt' }));
        setMedia({ src: access.url, captions });
      } catch (e) {
        if (!cancelled) setError(e);
      }
    })();
    return () => {
      cancelled = true;
      if (captions) URL.revokeObjectURL(captions);
    };
  }, [api, accessPath, captionsPath]);
  return (
    <div className="recording-player" id={id}>
      {!media && !error && (
        <p className="muted small" role="status">
          {t('recording.player.loading')}
        </p>
      )}
      {error !== null && (
        <p className="field-error small" role="alert">
          {errorMessage(error, t)}
        </p>
      )}
      {media && (
        <video
          controls
          preload="metadata"
          src={startAt > 0 ? `${media.src}#t=${startAt}` : media.src}
          aria-label={label}
          data-testid="captioned-player"
        >
          <track kind="captions" src={media.captions} srcLang={language || undefined} label={t('recording.player.captions')} default />
        </video>
      )}
    </div>
  );
}

/**
 * A ready transcript, fetched (JSON) when it is first shown and kept while the page is open: its segments
 * in order, each with its position in the recording. Long ones scroll inside their own box, which can be
 * reached with the keyboard.
 */
function TranscriptText({ id, path, label }: { id: string; path: string; label: string }) {
  const { t } = useTranslation();
  const { api } = useAuth();
  const query = useQuery({
    queryKey: ['transcript', path],
    queryFn: ({ signal }) => api.get<Transcript>(path, signal),
    staleTime: 10 * 60_000,
    refetchOnWindowFocus: false,
  });
  const segments = query.data?.segments ?? [];
  return (
    <div className="transcript" id={id}>
      <QueryState query={query} loadingKey="recording.transcript.loading" />
      {query.data && segments.length === 0 && <p className="muted small">{t('recording.transcript.empty')}</p>}
      {segments.length > 0 && (
        <div className="transcript-scroll" role="region" aria-label={label} tabIndex={0}>
          <ol className="transcript-segments" lang={query.data?.language || undefined}>
            {segments.map((seg, i) => (
              <li key={i}>
                <span className="transcript-time">{formatTimestamp(seg.start)}</span> {seg.text}
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}

/**
 * A recording's preview frame (640x360 JPEG behind the bearer token, so fetched by the API client and
 * shown through an object URL). Decorative next to the recording's title, hence the empty alt text.
 * Nothing is shown while it loads, or when it is missing (404) or cannot be fetched or decoded.
 */
function RecordingThumbnail({ path }: { path: string }) {
  const src = useAuthedImage(path);
  const [broken, setBroken] = useState<string | null>(null);
  if (!src || broken === src) return null;
  return (
    <img
      className="recording-thumb"
      src={src}
      alt=""
      width={160}
      height={90}
      decoding="async"
      onError={() => setBroken(src)}
    />
  );
}
