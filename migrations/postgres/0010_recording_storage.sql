-- Seed 5.3: our own copy of a recording. storage_status: none (played from the provider), copying,
-- stored (storage_path is the key in the file store), failed (the copy could not be made; it still
-- plays from the provider). storage_bytes: how much is copied so far (progress), then the file's size.
ALTER TABLE live_session_recordings ADD COLUMN storage_status TEXT NOT NULL DEFAULT 'none';
ALTER TABLE live_session_recordings ADD COLUMN storage_bytes BIGINT NOT NULL DEFAULT 0;
