#pragma once
// Zoom adapter (seed 3.4, made real): Server-to-Server OAuth (account_credentials grant, the token
// cached until shortly before it expires), meetings and webinars through the REST API v2, in-meeting
// controls for recording, the participant report (rejoins merged per user) and cloud recordings.
// See docs/zoom.md for the app scopes a school must grant.
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "infra/http_client.hpp"
#include "providers/provider.hpp"

namespace lc::providers {

struct ZoomSettings {
    std::string account_id;
    std::string client_id;
    std::string client_secret;
    /// The Zoom user (id or e-mail) whose account hosts the school's meetings.
    std::string user_id;
    std::string api_base = "https://api.zoom.us/v2";
    std::string oauth_url = "https://zoom.us/oauth/token";
    std::chrono::milliseconds timeout{5000};
};

/// Access tokens per (account, client), shared by every ZoomProvider the factory makes: a token lives
/// an hour and several may be valid at once, so one is fetched per hour, not per call.
class ZoomTokenCache {
public:
    std::optional<std::string> get(const std::string& key, UnixTime now);
    void put(const std::string& key, std::string token, UnixTime expires_at);
    void drop(const std::string& key);

private:
    std::mutex mu_;
    std::map<std::string, std::pair<std::string, UnixTime>> tokens_;
};

class ZoomProvider final : public LiveClassProvider {
public:
    ZoomProvider(ZoomSettings settings, const infra::HttpClient& http, ZoomTokenCache& tokens, const Clock& clock);

    domain::ProviderKind kind() const override { return domain::ProviderKind::kZoom; }
    /// Creates the Zoom meeting (a webinar for webinar sessions); room_id is Zoom's meeting id.
    Result<RoomInfo> create_room(const domain::LiveSession& session, const std::string& tenant_slug) override;
    Result<bool> update_room(const domain::LiveSession& session, const domain::EffectivePolicy& policy) override;
    Result<bool> start_session(const domain::LiveSession& session, const domain::EffectivePolicy& policy) override;
    Result<bool> end_session(const domain::LiveSession& session) override;
    /// Attendees get the meeting's join_url; moderators get a fresh start_url (it carries a short-lived
    /// host token, so it is fetched at join time).
    Result<JoinInfo> generate_join_url(const JoinRequest& request) override;
    bool join_needs_network(bool moderator) const override { return moderator; }
    bool has_remote_rooms() const override { return true; }
    /// The participant report with every user's rejoins merged into one entry.
    Result<std::vector<ParticipantInfo>> get_participants(const domain::LiveSession& session) override;
    Result<std::string> start_recording(const domain::LiveSession& session) override;
    Result<bool> stop_recording(const domain::LiveSession& session) override;
    Result<std::vector<RecordingInfo>> get_recordings(const domain::LiveSession& session) override;
    Result<bool> delete_recording(const std::string& recording_id) override;
    /// download_url takes the OAuth token as a bearer header (Zoom's recording download rules); the
    /// token goes only to Zoom's own hosts (zoom.us and its subdomains), whatever a webhook names.
    Result<std::vector<std::pair<std::string, std::string>>> download_headers(const std::string& url) override;
    Result<bool> delete_room(const domain::LiveSession& session) override;
    Result<NormalizedEvent> handle_webhook(const boost::json::object& payload) override;
    /// An access token for the school's app (cached, else fetched): Zoom answers and the credentials work.
    Result<std::string> health_check() override;

    /// The meeting body for a session (exposed for tests).
    boost::json::object meeting_body(const domain::LiveSession& session, const domain::EffectivePolicy& policy) const;

private:
    Result<std::string> token(bool force_new);
    /// One authenticated API call; retried once with a new token on 401. `out` gets the JSON answer.
    Result<boost::json::value> api(const std::string& method, const std::string& path,
                                   const boost::json::object* body = nullptr);

    ZoomSettings s_;
    const infra::HttpClient& http_;
    ZoomTokenCache& tokens_;
    const Clock& clock_;
};

}  // namespace lc::providers
