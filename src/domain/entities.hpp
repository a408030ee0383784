#pragma once
// Plain entities of the live-class domain (seed section 2) plus the LMS objects around them.
// Times are UnixTime (seconds, UTC); optional fields are std::optional.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace lc::domain {

enum class UserRole { kAdmin, kInstructor, kStudent };
enum class SessionType { kScheduled, kAdhoc, kWebinar };
enum class SessionStatus { kDraft, kScheduled, kLive, kEnded, kCancelled };
enum class ParticipantRole { kHost, kModerator, kParticipant };
enum class ProviderKind { kJitsi, kBbb, kZoom };
enum class RecordingStatus { kProcessing, kReady, kPublished, kFailed, kDeleted };
enum class ArtifactType { kWhiteboard, kChat, kFile, kPoll, kNotes };

// Wire names ("admin", "scheduled", "bbb", ...). parse_* return nullopt for unknown names.
const char* to_string(UserRole v);
const char* to_string(SessionType v);
const char* to_string(SessionStatus v);
const char* to_string(ParticipantRole v);
const char* to_string(ProviderKind v);
const char* to_string(RecordingStatus v);
const char* to_string(ArtifactType v);
std::optional<UserRole> parse_user_role(std::string_view s);
std::optional<SessionType> parse_session_type(std::string_view s);
std::optional<SessionStatus> parse_session_status(std::string_view s);
std::optional<ParticipantRole> parse_participant_role(std::string_view s);
std::optional<ProviderKind> parse_provider_kind(std::string_view s);
std::optional<RecordingStatus> parse_recording_status(std::string_view s);
std::optional<ArtifactType> parse_artifact_type(std::string_view s);

struct Tenant {
    std::string id;
    std::string slug;
    std::string name;
    std::vector<std::string> domains;
    std::string lms_jwt_secret;  // decrypted; empty = single sign-on off
    UnixTime created_at = 0;
};

struct User {
    std::string id;
    std::string tenant_id;
    std::string email;
    std::string full_name;
    UserRole role = UserRole::kStudent;
    std::string locale = "tr";
    std::string password_hash;  // Argon2id (libsodium string form); empty for SSO-only users
    std::optional<std::string> external_id;
    std::string avatar_url;
    bool is_active = true;
    UnixTime created_at = 0;
    UnixTime updated_at = 0;
};

struct Course {
    std::string id;
    std::string tenant_id;
    std::string title;
    std::string description;
    std::vector<std::string> instructor_ids;
    UnixTime created_at = 0;
};

struct LiveSession {
    std::string id;
    std::string tenant_id;
    std::string course_id;
    std::optional<std::string> content_id;
    std::optional<std::string> created_by;
    std::string title;
    std::string description;
    SessionType type = SessionType::kScheduled;
    SessionStatus status = SessionStatus::kDraft;
    UnixTime scheduled_start = 0;
    UnixTime scheduled_end = 0;
    std::optional<UnixTime> actual_start;
    std::optional<UnixTime> actual_end;
    ProviderKind provider = ProviderKind::kJitsi;
    std::string room_id;
    std::string room_url;
    std::string room_password;
    int max_participants = 100;
    bool recording_enabled = true;
    bool auto_recording = false;
    bool waiting_room_enabled = true;
    int participant_count = 0;
    int peak_participants = 0;
    int total_duration_minutes = 0;
    std::vector<std::string> moderator_ids;
    UnixTime created_at = 0;
    UnixTime updated_at = 0;
    std::optional<std::string> series_id;      // an occurrence of a recurring series
    std::optional<UnixTime> recurrence_start;  // the instant the series rule gave it (RECURRENCE-ID)
    int sequence = 0;                          // RFC 5545 SEQUENCE: raised on reschedule and cancellation
    std::optional<UnixTime> schedule_set_at;   // when it got its current time (created, published, moved)
};

struct Participant {
    std::string id;
    std::string session_id;
    std::string user_id;
    ParticipantRole role = ParticipantRole::kParticipant;
    UnixTime joined_at = 0;
    std::optional<UnixTime> left_at;
    int duration_seconds = 0;
    std::string device_type;
    std::string browser;
    std::string ip_hash;
    bool is_active = true;
    bool kicked = false;
    std::string kick_reason;
    std::string source;                    // join (our endpoint) | provider | provider_leave_first
    std::string connection_id;             // the provider's id for this connection, when it names one
    std::optional<UnixTime> last_seen_at;  // the last heartbeat from the room page (seed 6.2)
    std::optional<UnixTime> hidden_since;  // the tab is in the background since then (seed 6.5)
    int background_duration = 0;           // seconds this row spent in a background tab (seed 6.5)
    std::string end_reason;                // left | provider | heartbeat_timeout | session_end | kicked ("" while open)
};

/// A stretch of a participation row with the tab in the background (seed 6.5).
struct BackgroundSpan {
    std::string participant_id;
    UnixTime started_at = 0;
    UnixTime ended_at = 0;
};

struct AttendanceSummary {
    std::string id;
    std::string session_id;
    std::string user_id;
    int total_duration_seconds = 0;
    int join_count = 1;
    std::optional<UnixTime> first_join;  // none: never joined (absent)
    std::optional<UnixTime> last_leave;
    bool attended = false;
    double attendance_percent = 0;
    bool late_join = false;
    bool early_leave = false;
    int background_duration_seconds = 0;  // present, but with every device's tab in the background
    int engagement_score = 0;             // 0-100, see domain/attendance.hpp
};

/// Policy fields as stored at one level (tenant, course or session): nullopt = inherit.
struct PolicyOverrides {
    std::optional<bool> recording_required;
    std::optional<bool> auto_recording;
    std::optional<int> recording_retention_days;
    std::optional<int> attendance_threshold_percent;
    std::optional<int> minimum_duration_minutes;
    std::optional<int> late_join_tolerance_minutes;
    std::optional<int> early_leave_tolerance_minutes;
    std::optional<bool> lobby_enabled;
    std::optional<bool> require_authentication;
    std::optional<bool> allow_guests;
    std::optional<bool> students_can_share_screen;
    std::optional<bool> students_can_use_whiteboard;
    std::optional<bool> students_can_unmute_self;
    std::optional<bool> students_start_muted;
    std::optional<bool> students_video_off;
    std::optional<bool> transcribe_recordings;
    std::optional<bool> summarize_recordings;
};

/// The policy in force for a session; defaults are the seed's (LiveSessionPolicy field defaults).
struct EffectivePolicy {
    bool recording_required = true;
    bool auto_recording = false;
    int recording_retention_days = 90;
    int attendance_threshold_percent = 70;
    int minimum_duration_minutes = 5;
    int late_join_tolerance_minutes = 10;
    int early_leave_tolerance_minutes = 10;
    bool lobby_enabled = true;
    bool require_authentication = true;
    bool allow_guests = false;
    bool students_can_share_screen = false;
    bool students_can_use_whiteboard = true;
    bool students_can_unmute_self = true;
    bool students_start_muted = true;
    bool students_video_off = false;
    /// Seed 13.1: recordings of the class are sent to the speech-to-text service (the school opts in:
    /// the class's voices leave the building).
    bool transcribe_recordings = false;
    /// Seeds 13.2 and 13.3: the transcripts of the class's recordings are sent to the AI service for a
    /// summary and quiz suggestions (the school opts in, as for transcripts).
    bool summarize_recordings = false;
};

struct ProviderConfig {
    std::string id;
    std::string tenant_id;
    ProviderKind provider = ProviderKind::kJitsi;
    bool is_active = true;
    bool is_default = false;
    std::string jitsi_domain;
    std::string jitsi_app_id;
    std::string jitsi_jwt_secret;  // plaintext in memory, encrypted at rest
    std::string bbb_server_url;
    std::string bbb_shared_secret;
    std::string bbb_checksum_algorithm = "sha256";  // sha1 | sha256 | sha512
    std::string zoom_account_id;
    std::string zoom_client_id;
    std::string zoom_client_secret;
    std::string zoom_user_id;         // the Zoom user (id or e-mail) that hosts the school's meetings
    std::string zoom_webhook_secret;  // Zoom's webhook "secret token"
    std::string webhook_secret;       // signs Jitsi (prosody) event posts, see docs/webhooks.md
    int max_concurrent_rooms = 10;
    int default_room_duration_minutes = 120;
};

}  // namespace lc::domain
