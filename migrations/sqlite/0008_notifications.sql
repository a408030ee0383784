-- Issue 6: recurring classes (series), notifications (reminders, status notices) with one delivery
-- record per user, kind and occasion, Web Push subscriptions, notification preferences and personal
-- calendar feeds.
CREATE TABLE live_session_series (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    rrule TEXT NOT NULL,              -- RFC 5545, normalised, always with COUNT or UNTIL
    timezone TEXT NOT NULL,           -- IANA zone the rule expands in (wall-clock time kept across DST)
    first_start BIGINT NOT NULL,      -- DTSTART of the rule
    duration_seconds INTEGER NOT NULL CHECK (duration_seconds > 0),
    sequence INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX live_session_series_course ON live_session_series(course_id);

ALTER TABLE live_sessions ADD COLUMN series_id TEXT REFERENCES live_session_series(id) ON DELETE SET NULL;
-- The instant the series rule gave this occurrence (its RECURRENCE-ID), kept when it is moved.
ALTER TABLE live_sessions ADD COLUMN recurrence_start BIGINT;
-- RFC 5545 SEQUENCE: raised on every reschedule and on cancellation; reminders are re-armed per value.
ALTER TABLE live_sessions ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
-- When the class got its current time (created, published or moved): a reminder whose moment came
-- before that is not sent (the invitation or the move notice told people already).
ALTER TABLE live_sessions ADD COLUMN schedule_set_at BIGINT;
CREATE INDEX live_sessions_series ON live_sessions(series_id, scheduled_start);

-- One row per (session, user, kind, channel, occasion): the unique index is what makes a notice reach a
-- user at most once across restarts, retries and several workers. occasion is the version of the class's
-- time (schedule_set_at) for reminders, so a new start re-arms them; the session's sequence for status
-- notices; the recording id for recording notices; "series:..." for notices about a whole series.
CREATE TABLE notification_deliveries (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'push')),
    occasion TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE UNIQUE INDEX notification_deliveries_once
    ON notification_deliveries(session_id, user_id, kind, channel, occasion);
CREATE INDEX notification_deliveries_user ON notification_deliveries(user_id, created_at);

-- A class's audience fanned out for one kind and occasion: the per-minute reminder scans skip classes
-- that have a row, so a school's next day of classes is not walked again every minute.
CREATE TABLE notification_rounds (
    session_id TEXT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    occasion TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, kind, occasion)
);

CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    last_success_at BIGINT
);
CREATE UNIQUE INDEX push_subscriptions_endpoint ON push_subscriptions(endpoint);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);

CREATE TABLE notification_preferences (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email_enabled INTEGER NOT NULL DEFAULT 1,
    push_enabled INTEGER NOT NULL DEFAULT 1,
    reminders_enabled INTEGER NOT NULL DEFAULT 1,
    locale TEXT,  -- NULL: the user's own locale
    timezone TEXT,  -- IANA zone times are shown in; NULL: LIVE_DEFAULT_TIMEZONE
    updated_at BIGINT NOT NULL
);

-- Personal calendar subscriptions: only a hash of the secret token is kept.
CREATE TABLE calendar_feeds (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds(token_hash);
CREATE INDEX calendar_feeds_user ON calendar_feeds(user_id);
