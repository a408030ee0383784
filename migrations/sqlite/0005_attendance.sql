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
    id TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES live_session_participants(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL
);
CREATE INDEX live_session_background_spans_session_user ON live_session_background_spans(session_id, user_id);

CREATE TABLE live_session_activity (
    session_id TEXT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    chat_messages INTEGER NOT NULL DEFAULT 0,
    talk_seconds INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, user_id)
);

-- SQLite cannot drop NOT NULL in place: rebuild the summaries (recomputable, nothing references them).
CREATE TABLE live_session_attendance_summaries_v5 (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    total_duration_seconds INTEGER NOT NULL DEFAULT 0,
    join_count INTEGER NOT NULL DEFAULT 1,
    first_join BIGINT,
    last_leave BIGINT,
    attended INTEGER NOT NULL DEFAULT 0,
    attendance_percent NUMERIC(5, 2) NOT NULL DEFAULT 0,
    late_join INTEGER NOT NULL DEFAULT 0,
    early_leave INTEGER NOT NULL DEFAULT 0,
    background_duration_seconds INTEGER NOT NULL DEFAULT 0,
    engagement_score INTEGER NOT NULL DEFAULT 0
);
INSERT INTO live_session_attendance_summaries_v5(id, session_id, user_id, total_duration_seconds, join_count,
    first_join, last_leave, attended, attendance_percent, late_join, early_leave)
SELECT id, session_id, user_id, total_duration_seconds, join_count, first_join, last_leave, attended,
    attendance_percent, late_join, early_leave FROM live_session_attendance_summaries;
DROP TABLE live_session_attendance_summaries;
ALTER TABLE live_session_attendance_summaries_v5 RENAME TO live_session_attendance_summaries;
CREATE UNIQUE INDEX live_session_attendance_session_user ON live_session_attendance_summaries(session_id, user_id);
