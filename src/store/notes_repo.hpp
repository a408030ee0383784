#pragma once
// Seeds 13.2 and 13.3: a recording's lesson notes (its summary, its quiz suggestions), one row per
// recording and kind. `parts` holds the answers for the transcript's parts kept so far (a JSON array of
// documents), so that a job cut short resumes after the last part it kept; `content` the finished
// document.
#include <soci/soci.h>

#include <map>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace lc::store {

struct NotesRow {
    std::string recording_id;
    std::string kind;  // "summary" | "quiz"
    std::string tenant_id;
    std::string job_id;                 // the make_lesson_notes job that owns it
    std::string status = "processing";  // processing | ready | failed
    int progress = 0;                   // percent
    std::string language;
    std::string model;
    int parts_total = 0;
    int part_chars = 0;  // LIVE_AI_PART_CHARS when the parts were cut (a resume needs the same cut)
    std::string parts_json = "[]";
    std::string content_json;
    std::optional<UnixTime> made_at;  // when content_json was finished (none: not known, or no document)
    std::string error;                // why it failed, for a person
    UnixTime created_at = 0;
    UnixTime updated_at = 0;
};

std::optional<NotesRow> find_notes(soci::session& sql, const std::string& tenant_id, const std::string& recording_id,
                                   const std::string& kind);
/// Inserts or replaces the row of (recording, kind).
void save_notes(soci::session& sql, const NotesRow& row);
struct NotesStatus {
    std::string status;        // processing | ready | failed
    bool has_content = false;  // a finished document is there (the last one made, while new notes are made)
};
/// The status of the notes of `kind` of each recording of a session that has some: recording id -> status.
/// Notes left processing by a job no longer at work (its process died on its last attempt) are failed.
std::map<std::string, NotesStatus> notes_statuses(soci::session& sql, const std::string& tenant_id,
                                                  const std::string& session_id, const std::string& kind);
/// Removes the recording's notes of `kind`, or of every kind when `kind` is empty (none there is fine).
void delete_notes(soci::session& sql, const std::string& tenant_id, const std::string& recording_id,
                  const std::string& kind = {});

}  // namespace lc::store
