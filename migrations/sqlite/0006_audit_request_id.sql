-- Seed 9.5: every audit row names the request that caused it (X-Request-Id, echoed to the client and
-- in the access log), so one can go from a log line to the audit row and back. Jobs and webhooks,
-- which have no client request, leave it empty.
ALTER TABLE audit_logs ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
