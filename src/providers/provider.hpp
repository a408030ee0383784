#pragma once
// Seed 3.1: the provider-agnostic interface every conferencing adapter implements,
// and seed 3.6: webhook payloads normalised into one event shape.
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/entities.hpp"

namespace lc::providers {

struct RoomInfo {
    std::string room_id;
    std::string room_url;
    std::optional<std::string> password;
    std::optional<std::string> moderator_url;
    std::optional<std::string> dial_in;
};

struct JoinInfo {
    std::string join_url;
    std::optional<std::string> token;
    std::optional<UnixTime> expires_at;
};

struct ParticipantInfo {
    std::string user_id;
    std::string name;
    std::string role;
    bool is_presenter = false;
    bool has_video = false;
    bool has_audio = false;
    UnixTime joined_at = 0;
    std::optional<UnixTime> left_at;  // when the provider reports it (past meetings)
    long long duration_seconds = 0;   // time present, rejoins merged (past meetings)
};

struct RecordingInfo {
    std::string recording_id;
    std::string url;
    long long duration_seconds = 0;
    long long size_bytes = 0;
    std::string format;
    UnixTime created_at = 0;
};

/// A caption or subtitle file a provider keeps with a recording (BigBlueButton's getRecordingTextTracks),
/// in WebVTT, timed to the recording's playback.
struct TextTrack {
    std::string href;
    std::string kind;    // subtitles | captions
    std::string label;   // as the playback shows it
    std::string lang;    // a language tag (RFC 5646), e.g. tr-TR
    std::string source;  // live (captioned in the meeting) | automatic (speech recognition) | upload
};

/// event_type: session_started | session_ended | participant_joined | participant_left |
/// participant_joined_lobby | recording_ready.
struct NormalizedEvent {
    std::string event_type;
    std::string session_id;  // our session UUID, derived from the provider's room/meeting id
    std::string room_id;
    UnixTime timestamp = 0;
    boost::json::object payload;
    std::string provider;
    boost::json::object raw_event;
};

/// Everything an adapter needs to know about the joining user.
struct JoinRequest {
    const domain::LiveSession* session = nullptr;
    const domain::User* user = nullptr;
    domain::ParticipantRole role = domain::ParticipantRole::kParticipant;
    bool moderator = false;  // moderator rights in the room
    domain::EffectivePolicy policy;
};

/// The seed's LiveClassProvider. Calls that the provider cannot serve return Unimplemented with a reason.
class LiveClassProvider {
public:
    virtual ~LiveClassProvider() = default;
    virtual domain::ProviderKind kind() const = 0;
    /// Creates (or names) the room for a session; room ids are unique per tenant and session.
    virtual Result<RoomInfo> create_room(const domain::LiveSession& session, const std::string& tenant_slug) = 0;
    /// Opens the room for a session that is starting (BigBlueButton: create the meeting with the
    /// policy's settings). Idempotent: starting a room that is already open succeeds.
    virtual Result<bool> start_session(const domain::LiveSession& session, const domain::EffectivePolicy& policy) = 0;
    virtual Result<bool> end_session(const domain::LiveSession& session) = 0;
    /// A short-lived, role-bearing join link for one user.
    virtual Result<JoinInfo> generate_join_url(const JoinRequest& request) = 0;
    virtual Result<std::vector<ParticipantInfo>> get_participants(const domain::LiveSession& session) = 0;
    virtual Result<std::string> start_recording(const domain::LiveSession& session) = 0;
    virtual Result<bool> stop_recording(const domain::LiveSession& session) = 0;
    virtual Result<std::vector<RecordingInfo>> get_recordings(const domain::LiveSession& session) = 0;
    virtual Result<bool> delete_room(const domain::LiveSession& session) = 0;
    /// Publishes or hides one provider recording (BigBlueButton publishRecordings).
    virtual Result<bool> publish_recording(const std::string& recording_id, bool publish) {
        (void)recording_id;
        (void)publish;
        return Error::unimplemented("this provider cannot publish or hide recordings");
    }
    /// Deletes one provider recording (BigBlueButton deleteRecordings).
    virtual Result<bool> delete_recording(const std::string& recording_id) {
        (void)recording_id;
        return Error::unimplemented("this provider cannot delete recordings");
    }
    /// Request headers a download of one of this provider's recording files at `url` needs (seed 5.3):
    /// Zoom's download_url wants the account's OAuth token; the others' addresses need nothing.
    virtual Result<std::vector<std::pair<std::string, std::string>>> download_headers(const std::string& url) {
        (void)url;
        return std::vector<std::pair<std::string, std::string>>{};
    }
    /// Seed 13.1: the caption files the provider keeps with one of its recordings (none: it has none).
    virtual Result<std::vector<TextTrack>> text_tracks(const std::string& recording_id) {
        (void)recording_id;
        return Error::unimplemented("this provider keeps no caption files with its recordings");
    }
    /// Seed 7.3: where the chat of one of this provider's recordings can be fetched once the recording is
    /// ready (BigBlueButton: next to its playback). Empty when there is none to fetch that way (Zoom's
    /// chat file comes with its recording event; Jitsi keeps no chat).
    virtual std::string chat_file_url(const RecordingInfo& recording) const {
        (void)recording;
        return {};
    }
    /// Seed 7.1: where the whiteboard of one of this provider's recordings can be read once it is ready
    /// (BigBlueButton: the playback's data directory, ending in '/'). Empty when there is none.
    virtual std::string whiteboard_data_url(const RecordingInfo& recording) const {
        (void)recording;
        return {};
    }
    /// True when the provider knows the session's room is open right now.
    virtual Result<bool> is_running(const domain::LiveSession& session) {
        (void)session;
        return Error::unimplemented("this provider cannot tell whether a room is open");
    }
    /// False when a room must be opened by start_session before anyone can join it (so a join URL
    /// for a session that has not started would lead nowhere).
    virtual bool rooms_open_on_join() const { return true; }
    /// True when the provider keeps a room object that must follow the session's edits and
    /// cancellation (Zoom meetings); update_room/delete_room then run as retried jobs.
    virtual bool has_remote_rooms() const { return false; }
    /// Brings the provider's room in line with an edited session.
    virtual Result<bool> update_room(const domain::LiveSession& session, const domain::EffectivePolicy& policy) {
        (void)session;
        (void)policy;
        return true;
    }
    /// Removes / mutes one user in the live room through the provider's server API. None of the three
    /// providers offers this over a documented server API (Jitsi and BBB have none; Zoom only in its
    /// client SDKs), so the defaults say so and the moderator's meeting client does it (the web page
    /// drives Jitsi's iframe API); the kick is still recorded and enforced at the next join.
    virtual Result<bool> kick_participant(const domain::LiveSession& session, const std::string& user_id) {
        (void)session;
        (void)user_id;
        return Error::unimplemented("the provider has no server API to remove a participant");
    }
    virtual Result<bool> mute_participant(const domain::LiveSession& session, const std::string& user_id) {
        (void)session;
        (void)user_id;
        return Error::unimplemented("the provider has no server API to mute a participant");
    }
    /// Checks that the provider answers with these settings (seed 10.3); returns what was checked
    /// (e.g. the host) or why it failed.
    virtual Result<std::string> health_check() { return Error::unimplemented("no health check for this provider"); }
    /// True when generate_join_url calls the provider over the network (so it must not run on an
    /// I/O thread).
    virtual bool join_needs_network(bool moderator) const {
        (void)moderator;
        return false;
    }
    /// Turns a provider webhook body into a NormalizedEvent (signature checks happen before this).
    virtual Result<NormalizedEvent> handle_webhook(const boost::json::object& payload) = 0;
};

}  // namespace lc::providers
