#pragma once
// Seed 13.1: the transcripts of recordings. One row per recording, written piece by piece while the
// speech-to-text service works through the audio (pieces_done of pieces_total), so that a job cut short
// resumes after the last piece it kept. The segments are JSON ([{start, end, text}]), the shape the
// transcript API answers with.
#include <soci/soci.h>

#include <optional>
#include <string>

#include "core/clock.hpp"

namespace lc::store {

struct TranscriptRow {
    std::string recording_id;
    std::string tenant_id;
    std::string job_id;     // the transcribe_recording job that owns it
    int piece_seconds = 0;  // how the audio was cut for the pieces kept
    std::string language;
    int pieces_done = 0;
    int pieces_total = 0;
    std::string segments_json = "[]";
    UnixTime updated_at = 0;
};

std::optional<TranscriptRow> find_transcript(soci::session& sql, const std::string& tenant_id,
                                             const std::string& recording_id);
/// Inserts or replaces the recording's row.
void save_transcript(soci::session& sql, const TranscriptRow& row);
/// Whether the job that owns the recording's transcript is queued or running. A transcript left
/// "processing" by one that is not (its process died on its last attempt, or it stopped on an error it
/// could not record) will never be finished: it reads as failed, and can be asked for again.
bool transcript_job_at_work(soci::session& sql, const std::string& tenant_id, const std::string& recording_id);
/// The public error (for a person) of the job that owns the recording's transcript ("" when it left none).
std::string transcript_job_error(soci::session& sql, const std::string& tenant_id, const std::string& recording_id);
/// Removes the recording's transcript (none there is fine).
void delete_transcript(soci::session& sql, const std::string& tenant_id, const std::string& recording_id);

}  // namespace lc::store
