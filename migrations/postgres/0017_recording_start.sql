-- Seed 13.5: when a recording begins, in Unix seconds, as its provider says (Zoom's recording_start,
-- BigBlueButton's startTime, the Jibri finalize script's started_at). With it, a moment of the class
-- (a drop-off in the attendance timeline) is found in the recording and its transcript. NULL: not known.
ALTER TABLE live_session_recordings ADD COLUMN started_at BIGINT;
