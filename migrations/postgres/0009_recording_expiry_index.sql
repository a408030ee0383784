-- Seed 5.5: the daily cleanup finds recordings whose retention ran out without reading every
-- recording of every school. Only recordings that can still expire are indexed: retention 0 keeps
-- a recording (no expiry), and deleted ones are done with.
CREATE INDEX live_session_recordings_expires ON live_session_recordings(expires_at)
    WHERE expires_at IS NOT NULL AND status <> 'deleted';
