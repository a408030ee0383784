// Shapes of the liveclass REST API (docs/openapi.yaml): snake_case as the server sends them.
export type Role = 'admin' | 'instructor' | 'student';
export type SessionStatus = 'draft' | 'scheduled' | 'live' | 'ended' | 'cancelled';
export type SessionType = 'scheduled' | 'adhoc' | 'webinar';
export type Provider = 'jitsi' | 'bbb' | 'zoom';

export interface User {
  id: string;
  tenant_id: string;
  email: string;
  full_name: string;
  role: Role;
  locale: string;
  avatar_url?: string;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  domains?: string[];
}

export interface Course {
  id: string;
  tenant_id: string;
  title: string;
  description: string;
  instructor_ids: string[];
}

export interface LiveSession {
  id: string;
  course_id: string;
  title: string;
  description: string;
  type: SessionType;
  status: SessionStatus;
  scheduled_start: string;
  scheduled_end: string;
  actual_start: string | null;
  actual_end: string | null;
  provider: Provider;
  participant_count: number;
  peak_participants: number;
  moderator_ids: string[];
  series_id: string | null;
  max_participants: number;
  recording_enabled: boolean;
  waiting_room_enabled: boolean;
  // detail only
  course?: { id: string; title: string };
  my_role?: 'host' | 'moderator' | 'admin' | 'participant';
  participants_count?: number;
  recordings_count?: number;
}

export interface Page<T> {
  count: number;
  page: number;
  page_size: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface JoinResponse {
  join_url: string;
  token: string | null;
  launch_url: string;
  role: string;
  expires_at: string;
  provider: Provider;
  participant_id: string;
}

export interface HeartbeatResult {
  next_heartbeat_seconds?: number;
  [k: string]: unknown;
}

export interface LiveParticipant {
  user_id: string;
  full_name: string;
  role: 'host' | 'moderator' | 'participant';
  joined_at: string;
  last_seen_at: string | null;
  in_background: boolean;
  devices: number;
  device_type: string;
  browser: string;
}

export interface LiveParticipants {
  session_id: string;
  status: SessionStatus;
  participant_count: number;
  participants: LiveParticipant[];
}

export interface AttendanceInterval {
  kind: 'present' | 'background';
  participant_id: string;
  from: string;
  to: string | null;
  end_reason?: string | null;
  device_type?: string;
}

export interface AttendanceRow {
  user_id: string;
  full_name: string;
  email: string;
  status: 'attended' | 'partial' | 'absent';
  attended: boolean;
  attendance_percent: number;
  total_duration_seconds: number;
  background_duration_seconds: number;
  join_count: number;
  first_join: string | null;
  last_leave: string | null;
  late_join: boolean;
  early_leave: boolean;
  engagement_score: number;
  intervals?: AttendanceInterval[];
}

export interface SessionAttendance {
  session_id: string;
  title?: string;
  status: string;
  actual_start: string | null;
  actual_end: string | null;
  calculated: boolean;
  totals: { rows: number; attended: number; partial: number; absent: number; late_join: number; early_leave: number };
  results: AttendanceRow[];
}

/** What a coach would point out in a class (seed 13.5); rules and thresholds in docs/attendance.md. */
export type InsightKind =
  | 'low_turnout'
  | 'late_joins'
  | 'early_leaves'
  | 'quiet_class'
  | 'drop_off'
  | 'attention_dip'
  | 'fading';

export interface AttendanceInsight {
  kind: InsightKind;
  severity: 'high' | 'medium';
  from: string;
  to: string;
  /** Whole minutes from the class start to `from`. */
  minute: number;
  /** How many (absent, late, left early, silent, left, away, fewer than at the peak) out of `of`. */
  count: number;
  of: number;
  /** Moments only: the recording that was running then, how far into it, and what was said there. */
  recording?: { id: string; offset_seconds: number; said: string } | null;
}

export interface AttendanceTimeline {
  session_id: string;
  peak_present: number;
  drop_off_minutes: string[];
  minutes: { minute_start: string; present: number; foreground: number; drop_off: boolean; lost: number }[];
  /** People first, then moments in time order; empty when nothing stood out. */
  insights: AttendanceInsight[];
  /** The class has ended and its summaries exist: the people-based kinds were looked for too. */
  people_judged: boolean;
  /** Minutes the moment kinds looked at (whole minutes before the goodbye, or so far); 0: too early to say. */
  minutes_judged: number;
}

export type RecordingStatus = 'processing' | 'ready' | 'published' | 'failed';

/**
 * The server's own copy of the recording file: "none" plays from the provider (BigBlueButton
 * presentations are never copied), "copying" is being downloaded (still playable from the provider),
 * "stored" plays from our copy, "failed" could not be copied and keeps playing from the provider.
 */
export type RecordingStorageStatus = 'none' | 'copying' | 'stored' | 'failed';

/**
 * The recording's transcript (speech-to-text): "none" was never asked for, "processing" is being made
 * (transcript_progress tells how far), "ready" can be fetched from transcript_url, "failed" could not be
 * made (the staff may ask again).
 */
export type TranscriptStatus = 'none' | 'processing' | 'ready' | 'failed';

/** A class recording (GET .../live-sessions/{id}/recordings/); students are only sent published ones. */
export interface Recording {
  id: string;
  session_id: string;
  status: RecordingStatus;
  duration_seconds: number;
  file_size_bytes: number;
  format: string;
  resolution: string;
  thumbnail_url: string;
  transcript_status: TranscriptStatus;
  /** 0-100 while the transcript is being made; older servers do not send it. */
  transcript_progress?: number;
  /** ISO 639-1 code of the spoken language ("tr", "en"); "" while unknown. */
  transcript_language?: string;
  /** The API path of the transcript (GET .../recordings/{rid}/transcript/) once ready, "" before. */
  transcript_url?: string;
  /** Why the transcript failed, in the staff's listing only. */
  transcript_error?: string;
  is_public: boolean;
  published_at: string | null;
  /** When the retention policy deletes it. */
  expires_at: string | null;
  created_at: string;
  /** Older servers do not send it: treat a missing one as "none". */
  storage_status?: RecordingStorageStatus;
  /** Bytes copied so far while copying; the copy's size once stored. */
  storage_bytes?: number;
  /**
   * Seed 13.2, in listings: the summary's status as the caller may know it (students: "ready" or "none").
   * Older servers do not send it.
   */
  summary_status?: 'none' | RecordingNotesStatus;
}

export interface RecordingList {
  count: number;
  results: Recording[];
}

/** One stretch of speech of a transcript, in seconds from the recording's start. */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
}

/** GET .../recordings/{rid}/transcript/ (format=json, the default). */
export interface Transcript {
  recording_id: string;
  session_id: string;
  language: string;
  duration_seconds: number;
  text: string;
  segments: TranscriptSegment[];
}

/** What a language model makes of a ready transcript (seeds 13.2, 13.3): a lesson summary or quiz suggestions. */
export type RecordingNotesKind = 'summary' | 'quiz';

/** "processing" is being made (progress tells how far), "ready" holds its content, "failed" says why in error. */
export type RecordingNotesStatus = 'processing' | 'ready' | 'failed';

/** One stretch of the lesson in a summary's timeline, from `start` seconds into the recording. */
export interface SummaryTimelineItem {
  start: number;
  title: string;
  summary: string;
}

export interface LessonSummary {
  overview: string;
  key_points: string[];
  timeline: SummaryTimelineItem[];
}

export type QuizQuestionType = 'multiple_choice' | 'open_ended';

/** A suggested question; answer_index is the correct option's index (-1 for an open-ended one). */
export interface QuizQuestion {
  type: QuizQuestionType;
  question: string;
  options: string[];
  answer_index: number;
  /** The correct option's text, or a model answer to an open-ended question. */
  answer: string;
  explanation: string;
  topic: string;
  /** Seconds into the recording the question refers to. */
  start: number;
}

export interface LessonQuiz {
  topics: string[];
  questions: QuizQuestion[];
}

/**
 * GET/POST .../recordings/{rid}/summary/ and .../quiz/ (the quiz for the class's staff only: it holds the
 * answers). `summary` or `quiz`, after its kind, is sent only once the status is "ready".
 */
export interface RecordingNotes {
  recording_id: string;
  session_id: string;
  kind: RecordingNotesKind;
  status: RecordingNotesStatus;
  /** 0-100 while being made. */
  progress: number;
  /** ISO 639-1 code of the content's language. */
  language: string;
  /** The language model that made it. */
  model: string;
  /** Why it failed, as a sentence for a person; "" otherwise. */
  error: string;
  /** summary/quiz is the last one made, kept while new notes are made (processing) or after they failed. */
  previous?: boolean;
  /** When the summary/quiz shown was finished (null: none, or not known for an older kept one). */
  made_at?: string | null;
  created_at: string;
  updated_at: string;
  summary?: LessonSummary;
  quiz?: LessonQuiz;
}

/** GET .../recordings/{rid}/access/: a signed link to the video, valid for a few minutes. */
export interface RecordingAccess {
  url: string;
  expires_at: string;
}

/** What a class leaves behind besides its recording (seed 7.3/7.4). */
export type ArtifactType = 'whiteboard' | 'chat' | 'file' | 'poll' | 'notes';

/**
 * One of a class's outputs (GET .../live-sessions/{id}/artifacts/). Students are never sent the chat
 * log (it holds the other students' names and messages); the class's staff see all of them.
 */
export interface Artifact {
  id: string;
  session_id: string;
  type: ArtifactType;
  title: string;
  metadata: {
    provider?: Provider;
    /** Chat logs: how many messages the log holds. */
    message_count?: number;
    /** Whiteboards (BigBlueButton): a PDF of this many pages, one per slide drawn on. */
    format?: 'pdf';
    page_count?: number;
    shape_count?: number;
    skipped_shapes?: number;
    missing_slides?: number;
    size_bytes?: number;
  };
  created_at: string;
}

export interface ArtifactList {
  count: number;
  results: Artifact[];
}

/** GET .../artifacts/{aid}/download/: a signed link to the file (served as an attachment), valid for a few minutes. */
export interface ArtifactDownload {
  url: string;
  expires_at: string;
}

/** An Excalidraw element as the whiteboard API stores it (docs/whiteboard.md, "Elements kept"). */
export interface WhiteboardElement {
  id: string;
  type: string;
  version: number;
  versionNonce: number;
  index?: string | null;
  isDeleted?: boolean;
  [field: string]: unknown;
}

/** GET .../live-sessions/{id}/whiteboard/[?since=N]: a Jitsi class's own board (seed 7.2). */
export interface Whiteboard {
  board_id: string;
  session_id: string;
  /** Grows by one with every accepted change. */
  version: number;
  can_edit: boolean;
  /** Why the user may not draw, as a sentence for them (when can_edit is false). */
  read_only_reason: string | null;
  /** Without since: the elements not deleted, in drawing order; with since: those changed after it, deleted ones too. */
  elements: WhiteboardElement[];
}

/** PATCH .../whiteboard/: the board's version and its copy of each element sent, after the merge. */
export interface WhiteboardPatch {
  version: number;
  elements: WhiteboardElement[];
}

export interface FieldError {
  field: string;
  pointer: string;
  detail: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}
