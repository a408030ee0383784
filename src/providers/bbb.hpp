#pragma once
// BigBlueButton adapter (seed 3.3) over BBB's HTTP API: every call is GET {api}/{call}?{query}
// &checksum=hex(SHA(call + query + shared secret)), answered with XML. Meetings are created when a
// session starts (create is idempotent), joins are signed URLs (no network call), and BBB reports
// back through three callbacks that all point at our webhook endpoint (see docs/bbb.md).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "infra/http_client.hpp"
#include "providers/provider.hpp"

namespace lc::providers {

enum class BbbChecksum { kSha1, kSha256, kSha512 };

/// The periodic job that registers our bbb-webhooks hook again for live classes (see WebhookService).
inline constexpr const char* kBbbHookJob = "bbb_register_hooks";
inline constexpr int kBbbHookEverySeconds = 300;

/// "sha1" | "sha256" | "sha512" (nullopt for anything else).
std::optional<BbbChecksum> parse_bbb_checksum(std::string_view s);
const char* to_string(BbbChecksum c);

struct BbbSettings {
    /// The API endpoint as admins copy it from `bbb-conf --secret`, e.g.
    /// https://bbb.school.edu/bigbluebutton/ ("api" is appended when missing).
    std::string server_url;
    std::string secret;
    BbbChecksum checksum = BbbChecksum::kSha256;
    /// Our webhook URL for this school, e.g. https://lms.school.edu/api/v1/live-sessions/webhooks/bbb/?tenant=ID.
    /// Empty: no callbacks are requested (then attendance and recordings need polling).
    std::string callback_url;
    std::chrono::milliseconds timeout{5000};
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// The caption file to take as a recording's transcript: a WebVTT address (http or https) of kind
/// subtitles or captions, preferring what a person wrote or checked (upload, then live captioning) over
/// speech recognition (automatic); the first of equals. None: no usable track.
std::optional<TextTrack> best_text_track(const std::vector<TextTrack>& tracks);

/// The checksum BBB expects for `call` with the exact query string sent (without the checksum).
std::string bbb_checksum(std::string_view call, std::string_view query, std::string_view secret, BbbChecksum algo);

/// The callback URL a meeting's bbb-webhooks hook is registered with (and signed over).
std::string bbb_hook_url(const std::string& callback_url, const std::string& meeting_id);

/// The token that authenticates the unsigned end-of-meeting callback (meta_endCallbackUrl): BBB
/// calls that URL as given, so the URL itself carries HMAC-SHA256(secret, "end:" + meeting id).
std::string bbb_end_callback_token(std::string_view secret, std::string_view meeting_id);

/// One bbb-webhooks event ({"data":{"id":"user-joined","attributes":{...},"event":{"ts":ms}}}) in the
/// seed's event model; events nothing here depends on (audio, camera, chat, polls) become "ignored".
/// Seed 7.3: where a "presentation" recording's chat is, next to its playback: the playback's data
/// directory (https://host/presentation/{record id}/) holds slides_new.xml with the chat timeline.
/// Empty when the playback address is not a web address.
std::string bbb_chat_file_url(const std::string& playback_url, const std::string& record_id);
/// The "presentation" playback's data directory, https://host/presentation/{record id}/ (shapes.svg,
/// tldraw.json, the slides); empty when the playback address is not a web address.
std::string bbb_playback_data_url(const std::string& playback_url, const std::string& record_id);

Result<NormalizedEvent> normalize_bbb_event(const boost::json::object& event, const Clock& clock);

class BbbProvider final : public LiveClassProvider {
public:
    BbbProvider(BbbSettings settings, const infra::HttpClient& http, const Clock& clock);

    domain::ProviderKind kind() const override { return domain::ProviderKind::kBbb; }
    Result<RoomInfo> create_room(const domain::LiveSession& session, const std::string& tenant_slug) override;
    Result<bool> start_session(const domain::LiveSession& session, const domain::EffectivePolicy& policy) override;
    Result<bool> end_session(const domain::LiveSession& session) override;
    Result<JoinInfo> generate_join_url(const JoinRequest& request) override;
    Result<std::vector<ParticipantInfo>> get_participants(const domain::LiveSession& session) override;
    Result<std::string> start_recording(const domain::LiveSession& session) override;
    Result<bool> stop_recording(const domain::LiveSession& session) override;
    Result<std::vector<RecordingInfo>> get_recordings(const domain::LiveSession& session) override;
    Result<bool> delete_room(const domain::LiveSession& session) override;
    Result<NormalizedEvent> handle_webhook(const boost::json::object& payload) override;
    Result<bool> publish_recording(const std::string& recording_id, bool publish) override;
    Result<bool> delete_recording(const std::string& recording_id) override;
    /// The "presentation" playback's chat timeline (bbb_chat_file_url).
    std::string chat_file_url(const RecordingInfo& recording) const override {
        return recording.format == "presentation" ? bbb_chat_file_url(recording.url, recording.recording_id)
                                                  : std::string();
    }
    /// Seed 7.1: the same playback's data directory (shapes.svg, tldraw.json, slides).
    std::string whiteboard_data_url(const RecordingInfo& recording) const override {
        return recording.format == "presentation" ? bbb_playback_data_url(recording.url, recording.recording_id)
                                                  : std::string();
    }
    Result<bool> is_running(const domain::LiveSession& session) override;
    /// getRecordingTextTracks (BBB 2.2+, answered in JSON): live, automatic and uploaded captions; only
    /// those kept on the BigBlueButton server itself (same scheme and host as its API).
    Result<std::vector<TextTrack>> text_tracks(const std::string& recording_id) override;
    bool rooms_open_on_join() const override { return false; }
    /// BBB's API root answers its version without a checksum; a second, signed call checks the secret.
    Result<std::string> health_check() override;

    /// hooks/create for our callback URL (all meetings on this server, or one meeting); returns the
    /// hook id. Idempotent on BBB's side: registering the same URL again keeps one hook.
    Result<std::string> register_hook(const std::string& meeting_id = {});

    /// The full signed URL of an API call (exposed for tests and for the join URL).
    std::string call_url(std::string_view call, const QueryParams& params) const;
    /// The create parameters for a session (exposed for tests).
    QueryParams create_params(const domain::LiveSession& session, const domain::EffectivePolicy& policy) const;

private:
    struct XmlAnswer;
    /// The body of a signed API call that answered 2xx (or an error a person can act on).
    Result<std::string> fetch(std::string_view call, const QueryParams& params) const;
    Result<XmlAnswer> call(std::string_view call, const QueryParams& params) const;

    BbbSettings s_;
    std::string api_base_;  // .../bigbluebutton/api (no trailing slash)
    const infra::HttpClient& http_;
    const Clock& clock_;
};

}  // namespace lc::providers
