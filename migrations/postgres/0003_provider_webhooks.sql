-- Issue 3: provider settings the BigBlueButton and Zoom adapters and the webhook intake need, and the
-- webhook inbox (every provider callback is stored here before it is acknowledged).
ALTER TABLE live_provider_configs ADD COLUMN bbb_checksum_algorithm TEXT NOT NULL DEFAULT 'sha256'
    CHECK (bbb_checksum_algorithm IN ('sha1', 'sha256', 'sha512'));
ALTER TABLE live_provider_configs ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';  -- encrypted
ALTER TABLE live_provider_configs ADD COLUMN zoom_webhook_secret TEXT NOT NULL DEFAULT '';  -- encrypted
ALTER TABLE live_provider_configs ADD COLUMN zoom_user_id TEXT NOT NULL DEFAULT '';
-- Where a participation row came from: our join endpoint, a provider's join/leave events, or a
-- provider's leave that arrived before its join (completed when the join comes in).
ALTER TABLE live_session_participants ADD COLUMN source TEXT NOT NULL DEFAULT 'join'
    CHECK (source IN ('join', 'provider', 'provider_leave_first'));
-- The provider's id for one connection of a user (BBB internal user id, Zoom participant uuid, the
-- Jitsi occupant): pairs each leave with its join exactly, whatever order they arrive in.
ALTER TABLE live_session_participants ADD COLUMN connection_id TEXT NOT NULL DEFAULT '';
-- Who a moderator removed from a session (read when a session's join context is built): a few rows,
-- so a partial index keeps that read from walking every participation row of a busy class.
CREATE INDEX live_session_participants_kicked ON live_session_participants(session_id, user_id) WHERE kicked = 1;

CREATE TABLE webhook_events (
    id UUID PRIMARY KEY,
    provider TEXT NOT NULL CHECK (provider IN ('jitsi', 'bbb', 'zoom')),
    tenant_id UUID REFERENCES tenants(id) ON DELETE CASCADE,  -- NULL while unknown (rejected before lookup)
    session_id UUID,
    -- The provider's event id, or a hash of the body: a retried delivery finds its first copy here.
    dedupe_key TEXT NOT NULL,
    event_type TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('received', 'processed', 'ignored', 'rejected', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    -- The provider events found in the body (seed 3.6 NormalizedEvent, as a JSON array) once accepted.
    normalized TEXT NOT NULL DEFAULT '[]',
    received_at BIGINT NOT NULL,
    processed_at BIGINT
);
-- Only accepted events take part in de-duplication: a rejected copy must not block the genuine one.
CREATE UNIQUE INDEX webhook_events_dedupe ON webhook_events(provider, dedupe_key)
    WHERE status <> 'rejected';
CREATE INDEX webhook_events_session ON webhook_events(session_id, received_at);
CREATE INDEX webhook_events_status ON webhook_events(status, received_at);
