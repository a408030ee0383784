-- Seed 7.3: artifacts made from a provider's file (a Zoom chat file, a BigBlueButton playback) name
-- it, so that a webhook delivered twice or a retried export job keeps one artifact per source.
ALTER TABLE live_session_artifacts ADD COLUMN source_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX live_session_artifacts_session_source
    ON live_session_artifacts(session_id, source_id) WHERE source_id <> '';
