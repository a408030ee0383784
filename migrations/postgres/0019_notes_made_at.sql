-- Seeds 13.2, 13.3: when the document kept in a notes row was finished (Unix seconds). Notes asked for
-- again keep the last finished document while new ones are made, and after they fail: its reader is
-- told how old it is. NULL: no document, or one finished before this column existed while a new one
-- was being made (its time is not known).
ALTER TABLE live_recording_notes ADD COLUMN made_at BIGINT;
UPDATE live_recording_notes SET made_at = updated_at WHERE status = 'ready' AND content <> '';
