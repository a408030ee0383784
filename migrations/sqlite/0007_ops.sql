-- Issue 5 (seed 10.4, 10.5): alert incidents, so that an alert is sent once per incident whatever the
-- number of workers and restarts, and an index for a school's latest webhook events (the ops view).
CREATE TABLE ops_incidents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,  -- e.g. 'webhook_failure_rate'
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    detail TEXT NOT NULL DEFAULT '',
    opened_at BIGINT NOT NULL,
    resolved_at BIGINT,
    -- When the alert (and the "resolved" message) went out; NULL while not sent (a failed send is retried).
    alert_sent_at BIGINT,
    resolved_sent_at BIGINT
);
-- At most one open incident of a kind: the worker whose insert wins sends the alert.
CREATE UNIQUE INDEX ops_incidents_one_open ON ops_incidents(kind) WHERE status = 'open';
CREATE INDEX webhook_events_tenant ON webhook_events(tenant_id, received_at);
