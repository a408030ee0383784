import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import type { LessonQuiz, LessonSummary, QuizQuestion, RecordingNotes, RecordingNotesKind } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { errorMessage } from '../lib/errors';
import { formatDateTime, formatTimestamp } from '../lib/time';
import { Notice } from './Notice';

/** How often a summary or quiz being made is looked at again while it is shown. */
export const NOTES_POLL_MS = 5_000;

/** The API path of a recording's summary or quiz suggestions. */
export const notesPath = (recordingsBase: string, recordingId: string, kind: RecordingNotesKind) =>
  `${recordingsBase}${recordingId}/${kind}/`;

/**
 * What the AI service made of a recording's ready transcript (seeds 13.2, 13.3): the lesson summary
 * (overview, key points, timeline) or, for the class's staff only, quiz suggestions (topics, questions
 * with the correct option marked, model answers, explanations). Fetched when first shown; while it is
 * being made its progress is shown and looked at again every 5 s (or at once with "Refresh"). None yet
 * (404): the staff may ask for one; so they may after a failure, and again for ready notes. Notes asked
 * for again keep showing the last ones made (`previous`) until the new ones are ready, and after the new
 * ones failed; the document says when it was made. A refusal (409: no AI service, the school's policy,
 * already being made) is shown with the server's reason.
 */
export function LessonNotes({
  id,
  kind,
  path,
  manager,
  label,
  timeZone,
}: {
  id: string;
  kind: RecordingNotesKind;
  path: string;
  /** The class's staff: may ask for one (and only they are offered the quiz). */
  manager: boolean;
  /** The region's accessible name (names the recording). */
  label: string;
  /** The school's time zone, for when the document was made. */
  timeZone?: string;
}) {
  const { t, i18n } = useTranslation();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const headingId = `${id}-title`;
  const [asking, setAsking] = useState(false);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const key = ['recording-notes', path];
  /** Who made the document shown, and when (a kept earlier one is older than the notes' other dates). */
  const madeBy = (doc: RecordingNotes) => {
    const date = doc.made_at ? formatDateTime(doc.made_at, i18n.language, timeZone) : null;
    if (doc.model)
      return date
        ? t('recording.notes.madeByOn', { model: doc.model, date })
        : t('recording.notes.madeBy', { model: doc.model });
    return date ? t('recording.notes.madeByAiOn', { date }) : t('recording.notes.madeByAi');
  };

  const query = useQuery({
    queryKey: key,
    // None asked for (or, for a student, none ready yet) is an answer, not an error: null.
    queryFn: ({ signal }) =>
      api.get<RecordingNotes>(path, signal).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    refetchInterval: (q) => (q.state.data?.status === 'processing' ? NOTES_POLL_MS : false),
    staleTime: 30_000,
    refetchOnWindowFocus: false,
  });

  const ask = async () => {
    setAsking(true);
    setNotice(null);
    try {
      // 202 with the document, now "processing": shown at once, then followed by the query's polling.
      const doc = await api.post<RecordingNotes | undefined>(path);
      await queryClient.cancelQueries({ queryKey: key });
      if (doc?.status) queryClient.setQueryData(key, doc);
      else await queryClient.invalidateQueries({ queryKey: key });
    } catch (e) {
      setNotice({ text: errorMessage(e, t), error: true });
    } finally {
      setAsking(false);
    }
  };

  const askButton = (labelKey: string) => (
    <button type="button" className="small" disabled={asking} aria-busy={asking} onClick={ask}>
      {t(labelKey)}
    </button>
  );

  const doc = query.data;
  return (
    <section className="lesson-notes" id={id} aria-label={label} data-notes={kind}>
      <h3 id={headingId}>{t(`recording.${kind}.heading`)}</h3>
      {query.isLoading && (
        <p className="muted small" role="status">
          {t(`recording.${kind}.loading`)}
        </p>
      )}
      {query.isError && (
        <p className="field-error" role="alert">
          {errorMessage(query.error, t)}
        </p>
      )}
      {doc === null && (
        <div className="notes-line">
          <span className="muted small">{t(manager ? `recording.${kind}.none` : `recording.${kind}.notYet`)}</span>
          {manager && askButton(`recording.${kind}.make`)}
        </div>
      )}
      {doc?.status === 'processing' && (
        <div className="notes-line">
          <span className="muted small" role="status" data-notes-status="processing">
            {Number.isFinite(doc.progress)
              ? t(`recording.${kind}.processingPercent`, { percent: Math.min(100, Math.max(0, Math.floor(doc.progress))) })
              : t(`recording.${kind}.processing`)}
          </span>
          <button
            type="button"
            className="small"
            disabled={query.isFetching}
            aria-busy={query.isFetching}
            onClick={() => void query.refetch()}
          >
            {t('recording.notes.refresh')}
          </button>
        </div>
      )}
      {doc?.status === 'failed' && (
        <div className="notes-line">
          <span className="field-error small" data-notes-status="failed">
            {doc.error
              ? t(`recording.${kind}.failedReason`, { error: doc.error })
              : t(`recording.${kind}.failed`)}
          </span>
          {manager && askButton(`recording.${kind}.remake`)}
        </div>
      )}
      {doc?.previous && (
        <p className="muted small" data-notes-previous="true">
          {t(doc.status === 'processing' ? 'recording.notes.previousWhileMaking' : 'recording.notes.previousKept')}
        </p>
      )}
      <Notice notice={notice} />
      {(doc?.status === 'ready' || doc?.previous) && (
        <div className="notes-body" lang={doc.language || undefined} data-notes-status={doc.status}>
          {kind === 'summary' ? (
            <SummaryView summary={doc.summary} headingId={headingId} />
          ) : (
            <QuizView quiz={doc.quiz} headingId={headingId} />
          )}
          <p className="muted small notes-made-by">{madeBy(doc)}</p>
        </div>
      )}
      {/* Ready notes can be made again (the model may do better); the shown ones stay until then. */}
      {doc?.status === 'ready' && manager && <div className="notes-line">{askButton(`recording.${kind}.remake`)}</div>}
    </section>
  );
}

function SummaryView({ summary, headingId }: { summary?: LessonSummary; headingId: string }) {
  const { t } = useTranslation();
  const overview = summary?.overview?.trim() ?? '';
  const points = summary?.key_points ?? [];
  const timeline = summary?.timeline ?? [];
  if (!overview && points.length === 0 && timeline.length === 0)
    return <p className="muted small">{t('recording.summary.empty')}</p>;
  return (
    <>
      {overview && <p className="notes-overview">{overview}</p>}
      {points.length > 0 && (
        <>
          <h4 id={`${headingId}-points`}>{t('recording.summary.keyPoints')}</h4>
          <ul className="notes-points" aria-labelledby={`${headingId}-points`}>
            {points.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {timeline.length > 0 && (
        <>
          <h4 id={`${headingId}-timeline`}>{t('recording.summary.timeline')}</h4>
          <ol className="notes-timeline" aria-labelledby={`${headingId}-timeline`}>
            {timeline.map((item, i) => (
              <li key={i}>
                <span className="transcript-time">{formatTimestamp(item.start)}</span>{' '}
                <strong>{item.title}</strong>
                {item.summary && <div className="small">{item.summary}</div>}
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

/** The index of the correct option: answer_index when it names one, else the option whose text is the answer. */
function correctOption(q: QuizQuestion): number {
  const options = q.options ?? [];
  if (Number.isInteger(q.answer_index) && q.answer_index >= 0 && q.answer_index < options.length) return q.answer_index;
  const answer = q.answer?.trim();
  return answer ? options.findIndex((o) => o.trim() === answer) : -1;
}

function QuizView({ quiz, headingId }: { quiz?: LessonQuiz; headingId: string }) {
  const { t } = useTranslation();
  const topics = quiz?.topics ?? [];
  const questions = quiz?.questions ?? [];
  return (
    <>
      <p className="muted small">{t('recording.quiz.staffOnly')}</p>
      {topics.length > 0 && (
        <>
          <h4 id={`${headingId}-topics`}>{t('recording.quiz.topics')}</h4>
          <ul className="quiz-topics" aria-labelledby={`${headingId}-topics`}>
            {topics.map((topic, i) => (
              <li key={i}>{topic}</li>
            ))}
          </ul>
        </>
      )}
      {questions.length === 0 ? (
        <p className="muted small">{t('recording.quiz.empty')}</p>
      ) : (
        <>
          <h4 id={`${headingId}-questions`}>{t('recording.quiz.questions')}</h4>
          <ol className="quiz-questions" aria-labelledby={`${headingId}-questions`}>
            {questions.map((q, i) => (
              <QuizItem key={i} q={q} />
            ))}
          </ol>
        </>
      )}
    </>
  );
}

function QuizItem({ q }: { q: QuizQuestion }) {
  const { t } = useTranslation();
  const options = q.options ?? [];
  const correct = correctOption(q);
  const facts = [
    t(`recording.quiz.type.${q.type}`, { defaultValue: q.type }),
    q.topic ? t('recording.quiz.topic', { topic: q.topic }) : null,
    Number.isFinite(q.start) ? t('recording.quiz.at', { time: formatTimestamp(q.start) }) : null,
  ].filter(Boolean);
  // The answer in words: an open-ended question's model answer, or a correct option the list cannot mark.
  const answerText = q.answer?.trim() && (options.length === 0 || correct < 0) ? q.answer.trim() : null;
  return (
    <li className="quiz-question" data-question-type={q.type}>
      <p className="quiz-text">{q.question}</p>
      <p className="muted small">{facts.join(' · ')}</p>
      {options.length > 0 && (
        <ol className="quiz-options" aria-label={t('recording.quiz.options')}>
          {options.map((o, i) => (
            <li key={i} className={i === correct ? 'correct' : undefined} data-correct={i === correct ? 'true' : undefined}>
              {o}
              {i === correct && (
                <>
                  {' '}
                  <span className="quiz-correct-mark">
                    <span aria-hidden="true">✓ </span>
                    {t('recording.quiz.correct')}
                  </span>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      {answerText && (
        <p className="small quiz-answer">
          <strong>{t(options.length === 0 ? 'recording.quiz.modelAnswer' : 'recording.quiz.answer')}:</strong>{' '}
          {answerText}
        </p>
      )}
      {q.explanation?.trim() && (
        <p className="small quiz-explanation">
          <strong>{t('recording.quiz.explanation')}:</strong> {q.explanation.trim()}
        </p>
      )}
    </li>
  );
}
