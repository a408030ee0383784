#pragma once
// Seed 2.4 / 5.1 / 5.6: the recording status machine and who sees which recording. No I/O.
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/entities.hpp"
#include "domain/permissions.hpp"

namespace lc::domain {

/// A recording of a live session (seed 2.4 LiveSessionRecording).
struct Recording {
    std::string id;
    std::string tenant_id;
    std::string session_id;
    std::string provider_recording_id;
    std::string provider_url;  // the provider's playback URL: handed out only through signed access links
    std::string storage_url;
    std::string storage_path;  // the key of our copy in the file store (seed 5.3); empty: none
    /// none | copying | stored | failed (the copy; the recording's own status is `status`)
    std::string storage_status = "none";
    long long storage_bytes = 0;  // copied so far, then the copy's size
    long long duration_seconds = 0;
    /// When the recording begins (its provider's word; none: not known). A moment of the class is
    /// found in it at (moment - started_at) seconds.
    std::optional<UnixTime> started_at;
    long long file_size_bytes = 0;
    std::string format = "mp4";
    std::string resolution;
    std::string thumbnail_url;
    /// Seed 13.1: none | processing | ready | failed, with how far it is (0-100), the language spoken
    /// (ISO 639-1, once known) and where it is read (our API) when ready.
    std::string transcript_status = "none";
    int transcript_progress = 0;
    std::string transcript_language;
    std::string transcript_url;
    /// Seed 13.2: the summary's status (none | processing | ready | failed) as the reader may know it; only
    /// listings fill it (the notes live in their own table).
    std::optional<std::string> summary_status;
    /// Seed 13.1: why its transcript failed, for the class's staff (listings only; none otherwise).
    std::optional<std::string> transcript_error;
    RecordingStatus status = RecordingStatus::kProcessing;
    bool is_public = false;
    std::optional<UnixTime> published_at;
    std::optional<UnixTime> expires_at;
    UnixTime created_at = 0;
};

enum class RecordingAction { kMarkReady, kFail, kPublish, kUnpublish, kDelete };

/// processing -> ready (mark_ready) | failed (fail); ready -> published (publish);
/// published -> ready (unpublish); anything but deleted -> deleted (delete).
/// Returns the new status, or a FailedPrecondition error with a message a person can act on.
Result<RecordingStatus> apply_recording_action(RecordingStatus from, RecordingAction action);

/// Seed 4.1 "only published ones are visible to students": participants see published recordings;
/// hosts, moderators and admins see every recording that was not deleted.
bool can_see_recording(SessionActor actor, RecordingStatus status);

/// Seed 5.6: a recording can be played once it is ready (the class's staff, to check it) or published.
bool is_playable(RecordingStatus status);

/// Seed 5.5 / 2.6 recording_retention_days: when a recording that became ready at `ready_at` is
/// deleted by the daily cleanup. Retention 0 keeps it until somebody deletes it (no expiry).
std::optional<UnixTime> recording_expiry(UnixTime ready_at, int retention_days);

/// True when the daily cleanup deletes it: its expiry has come and it was not deleted already.
bool is_expired(const Recording& r, UnixTime now);

/// Who may publish and unpublish (seed 4.1 "Kaydı LMS'de yayınla"): those who may start a
/// recording (hosts, moderators, admins). Deleting is for hosts and admins only.
bool can_publish_recordings(SessionActor actor);
bool can_delete_recordings(SessionActor actor);

}  // namespace lc::domain
