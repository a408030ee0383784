-- A provider's recording is kept once per class. The worker looked before it inserted, but two
-- workers (several processes on PostgreSQL) handling two reports of one recording at the same time
-- could both find none and insert it twice: two copies downloaded, two notices sent. The index makes
-- the second insert do nothing. Its (tenant, provider id) prefix also serves the BigBlueButton
-- callback's "was this recording deleted here?" question, which used to read every recording of
-- the school.
--
-- Rows that raced before this migration are kept, not deleted (each may have copies, notes and
-- notices of its own): every later duplicate's provider id gets a suffix, so the index can be built
-- and the oldest row stays the one a provider's id finds.
UPDATE live_session_recordings
SET provider_recording_id = provider_recording_id || ' (duplicate ' || id || ')'
WHERE EXISTS (
    SELECT 1 FROM live_session_recordings AS older
    WHERE older.session_id = live_session_recordings.session_id
      AND older.provider_recording_id = live_session_recordings.provider_recording_id
      AND (older.created_at < live_session_recordings.created_at
           OR (older.created_at = live_session_recordings.created_at AND older.id < live_session_recordings.id)));
CREATE UNIQUE INDEX live_session_recordings_provider_id
    ON live_session_recordings(tenant_id, provider_recording_id, session_id);
