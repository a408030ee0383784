-- Seed 13.1: a recording's transcript. The recording row says how far it is (transcript_status,
-- transcript_progress) and in which language; the segments themselves live in their own table, written
-- piece by piece as the speech-to-text service answers, so that a job cut short resumes where it was.
-- A school opts in with the policy's transcribe_recordings (its classes' voices leave the building).
-- job_id names the job that owns the transcript (a request again, or a job run twice, writes nothing
-- over another's); piece_seconds how its audio was cut, so a resume adds to pieces cut the same way.
ALTER TABLE live_session_recordings ADD COLUMN transcript_language TEXT NOT NULL DEFAULT '';
ALTER TABLE live_session_recordings ADD COLUMN transcript_progress INTEGER NOT NULL DEFAULT 0;
ALTER TABLE live_session_policies ADD COLUMN transcribe_recordings INTEGER;
CREATE TABLE live_recording_transcripts (
    recording_id UUID PRIMARY KEY REFERENCES live_session_recordings(id) ON DELETE CASCADE,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    job_id TEXT NOT NULL DEFAULT '',
    piece_seconds INTEGER NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT '',
    pieces_done INTEGER NOT NULL DEFAULT 0,
    pieces_total INTEGER NOT NULL DEFAULT 0,
    segments TEXT NOT NULL DEFAULT '[]',
    updated_at BIGINT NOT NULL
);
