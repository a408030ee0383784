-- Issue 4 (attendance). Heartbeats and tab visibility on each participation row (seed 6.2, 6.5), the
-- background stretches that explain a report, what providers report of activity (seed 13.4), and
-- summaries that can say "absent" (first_join empty) and carry background time and a score.
ALTER TABLE live_session_participants ADD COLUMN last_seen_at BIGINT;  -- last heartbeat; NULL: none yet
ALTER TABLE live_session_participants ADD COLUMN hidden_since BIGINT;  -- tab in the background since
ALTER TABLE live_session_participants ADD COLUMN background_duration INTEGER NOT NULL DEFAULT 0;  -- seconds
-- Why the row closed: left (our leave endpoint), provider (its leave event), heartbeat_timeout,
-- session_end, kicked; '' while open.
ALTER TABLE live_session_participants ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE live_session_background_spans (
    id UUID PRIMARY KEY,
    participant_id UUID NOT NULL REFERENCES live_session_participants(id) ON DELETE CASCADE,
    session_id UUID NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL
);
CREATE INDEX live_session_background_spans_session_user ON live_session_background_spans(session_id, user_id);

CREATE TABLE live_session_activity (
    session_id UUID NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    chat_messages INTEGER NOT NULL DEFAULT 0,
    talk_seconds INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, user_id)
);

ALTER TABLE live_session_attendance_summaries ALTER COLUMN first_join DROP NOT NULL;
ALTER TABLE live_session_attendance_summaries ADD COLUMN background_duration_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE live_session_attendance_summaries ADD COLUMN engagement_score INTEGER NOT NULL DEFAULT 0;
