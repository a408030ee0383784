-- Seed 13.2 and 13.3: what a language model makes of a recording's transcript. One row per recording and
-- kind ('summary': an overview, key points and a timeline; 'quiz': suggested questions with their
-- topics), made in the background by the make_lesson_notes job. The row says how far it is (status,
-- progress). A transcript too long for one request is sent in parts of part_chars bytes, and each part's
-- answer is kept in parts as it comes back, so that a job cut short resumes after the last part it kept.
-- job_id names the job that owns the row (asking again hands it to a new job). A school opts in with the
-- policy's summarize_recordings (the transcript's text goes to the AI service).
ALTER TABLE live_session_policies ADD COLUMN summarize_recordings INTEGER;
CREATE TABLE live_recording_notes (
    recording_id UUID NOT NULL REFERENCES live_session_recordings(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    job_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'processing',
    progress INTEGER NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    parts_total INTEGER NOT NULL DEFAULT 0,
    part_chars INTEGER NOT NULL DEFAULT 0,
    parts TEXT NOT NULL DEFAULT '[]',
    content TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (recording_id, kind)
);
CREATE INDEX idx_live_recording_notes_tenant ON live_recording_notes(tenant_id);
