#include "domain/recording_rules.hpp"

namespace lc::domain {

Result<RecordingStatus> apply_recording_action(RecordingStatus from, RecordingAction action) {
    using S = RecordingStatus;
    if (from == S::kDeleted) return Error::conflict("this recording was deleted");
    switch (action) {
        case RecordingAction::kMarkReady:
            if (from == S::kProcessing) return S::kReady;
            return Error::conflict("only a recording that is being processed can become ready");
        case RecordingAction::kFail:
            if (from == S::kProcessing) return S::kFailed;
            return Error::conflict("only a recording that is being processed can fail");
        case RecordingAction::kPublish:
            if (from == S::kReady) return S::kPublished;
            if (from == S::kPublished) return Error::conflict("this recording is already published");
            if (from == S::kProcessing)
                return Error::conflict("this recording is still being processed; publish it once it is ready");
            return Error::conflict("this recording failed to process and cannot be published");
        case RecordingAction::kUnpublish:
            if (from == S::kPublished) return S::kReady;
            return Error::conflict("only a published recording can be unpublished");
        case RecordingAction::kDelete:
            return S::kDeleted;
    }
    return Error::conflict("unknown recording action");
}

bool can_see_recording(SessionActor actor, RecordingStatus status) {
    if (status == RecordingStatus::kDeleted) return false;
    if (actor == SessionActor::kParticipant) return status == RecordingStatus::kPublished;
    return true;
}

bool is_playable(RecordingStatus status) {
    return status == RecordingStatus::kReady || status == RecordingStatus::kPublished;
}

std::optional<UnixTime> recording_expiry(UnixTime ready_at, int retention_days) {
    if (retention_days <= 0) return std::nullopt;
    return ready_at + static_cast<UnixTime>(retention_days) * 86400;
}

bool is_expired(const Recording& r, UnixTime now) {
    return r.expires_at && *r.expires_at <= now && r.status != RecordingStatus::kDeleted;
}

bool can_publish_recordings(SessionActor actor) { return actor != SessionActor::kParticipant; }

bool can_delete_recordings(SessionActor actor) { return actor == SessionActor::kHost || actor == SessionActor::kAdmin; }

}  // namespace lc::domain
