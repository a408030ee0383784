#include "providers/jitsi.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "core/text.hpp"
#include "domain/session_rules.hpp"
#include "infra/jwt.hpp"

namespace lc::providers {

namespace json = boost::json;
using namespace lc::domain;

namespace {
// The session UUID is the last 36 characters of "{tenant-slug}-{uuid}".
std::string session_id_from_room(const std::string& room) {
    return room.size() >= 36 ? room.substr(room.size() - 36) : "";
}
}  // namespace

Result<RoomInfo> JitsiProvider::create_room(const LiveSession& session, const std::string& tenant_slug) {
    if (s_.domain.empty()) return Error::unavailable("Jitsi is not configured for this school (no domain)");
    RoomInfo r;
    r.room_id = room_name(tenant_slug, session.id);
    r.room_url = "https://" + s_.domain + "/" + r.room_id;
    return r;
}

// A Jitsi room exists while someone is in it; there is nothing to call on start or end.
Result<bool> JitsiProvider::start_session(const LiveSession&, const EffectivePolicy&) { return true; }
Result<bool> JitsiProvider::end_session(const LiveSession&) { return true; }
Result<bool> JitsiProvider::delete_room(const LiveSession&) { return true; }

json::object JitsiProvider::join_claims(const JoinRequest& req, UnixTime now) const {
    const User& u = *req.user;
    json::object user{{"id", u.id},
                      {"name", u.full_name.empty() ? u.email : u.full_name},
                      {"email", u.email},
                      {"avatar", u.avatar_url},
                      {"moderator", req.moderator ? "true" : "false"},
                      {"affiliation", req.moderator ? "owner" : "member"}};
    json::object features{{"recording", req.moderator && req.session->recording_enabled},
                          {"livestreaming", false},
                          {"transcription", false}};
    return json::object{{"aud", "jitsi"},
                        {"iss", s_.app_id},
                        {"sub", s_.domain},
                        {"room", ascii_lower(req.session->room_id)},
                        {"exp", now + s_.token_ttl_seconds},
                        {"nbf", now - s_.not_before_skew_seconds},
                        {"iat", now},
                        {"context", json::object{{"user", std::move(user)}, {"features", std::move(features)}}},
                        {"moderator", req.moderator}};
}

Result<JoinInfo> JitsiProvider::generate_join_url(const JoinRequest& req) {
    if (s_.domain.empty() || s_.app_id.empty() || s_.secret.empty())
        return Error::unavailable("Jitsi is not configured for this school (domain, app id and secret are needed)");
    UnixTime now = clock_.now();
    JoinInfo info;
    info.token = infra::jwt_sign_hs256(join_claims(req, now), s_.secret);
    info.expires_at = now + s_.token_ttl_seconds;
    info.join_url = "https://" + s_.domain + "/" + ascii_lower(req.session->room_id) + "?jwt=" + *info.token;
    // Start muted/camera-off via Jitsi's URL config overrides (read by the web client).
    std::vector<std::string> config;
    if (!req.moderator) {
        if (req.policy.students_start_muted) config.push_back("config.startWithAudioMuted=true");
        if (req.policy.students_video_off) config.push_back("config.startWithVideoMuted=true");
    }
    if (req.session->type == SessionType::kWebinar && !req.moderator) {
        if (std::find(config.begin(), config.end(), "config.startWithAudioMuted=true") == config.end())
            config.push_back("config.startWithAudioMuted=true");
        config.push_back("config.disableReactionsModeration=true");
    }
    for (std::size_t i = 0; i < config.size(); ++i) info.join_url += (i == 0 ? "#" : "&") + config[i];
    return info;
}

Result<std::vector<ParticipantInfo>> JitsiProvider::get_participants(const LiveSession&) {
    // Stock Jitsi has no REST API for room occupants; presence comes from webhooks (prosody
    // event_sync / muc events) and the front end's heartbeats instead.
    return Error::unimplemented("Jitsi does not report participants over an API; attendance comes from events");
}

Result<std::string> JitsiProvider::start_recording(const LiveSession&) {
    // Jibri recording is started by a moderator inside the room (the token's features.recording).
    return Error::unimplemented("Jitsi recordings are started by a moderator in the meeting (Jibri)");
}
Result<bool> JitsiProvider::stop_recording(const LiveSession&) {
    return Error::unimplemented("Jitsi recordings are stopped by a moderator in the meeting (Jibri)");
}
Result<std::vector<RecordingInfo>> JitsiProvider::get_recordings(const LiveSession&) {
    // Jibri uploads files and reports them through the recording webhook; there is no listing API.
    return std::vector<RecordingInfo>{};
}

Result<NormalizedEvent> JitsiProvider::handle_webhook(const json::object& payload) {
    auto str = [&](const char* k) -> std::string {
        auto* v = payload.if_contains(k);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    std::string event = str("event");
    std::string room = ascii_lower(str("room"));
    static const char* kKnown[] = {"participant_joined",  "participant_left", "session_started",
                                   "session_ended",       "recording_ready",  "participant_joined_lobby",
                                   "participant_activity"};
    if (std::find_if(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return event == k; }) ==
        std::end(kKnown))
        return Error::invalid("unknown Jitsi event", {{"event",
                                                       "must be one of participant_joined, participant_left, "
                                                       "session_started, session_ended, recording_ready, "
                                                       "participant_joined_lobby, participant_activity"}});
    if (room.empty()) return Error::invalid("the event names no room", {{"room", "is required"}});
    NormalizedEvent ev;
    ev.event_type = event;
    ev.room_id = room;
    ev.session_id = session_id_from_room(room);
    ev.provider = "jitsi";
    ev.raw_event = payload;
    // Only a timestamp that fits is used (a huge one must not throw on unauthenticated input).
    if (auto* ts = payload.if_contains("timestamp"); ts && ts->is_int64())
        ev.timestamp = ts->get_int64();
    else
        ev.timestamp = clock_.now();
    if (auto* p = payload.if_contains("participant"); p && p->is_object()) ev.payload["participant"] = *p;
    // participant_activity: what the room counted for one participant since its last report (chat
    // messages sent; seconds as dominant speaker, from Jitsi's speaker stats).
    if (auto* a = payload.if_contains("activity"); a && a->is_object()) ev.payload["activity"] = *a;
    // recording_ready (posted by the Jibri finalize script): which file, where it plays, how long and big,
    // and when it began.
    if (event == "recording_ready") {
        for (const char* k : {"recording_id", "url"})
            if (auto* v = payload.if_contains(k); v && v->is_string()) ev.payload[k] = *v;
        // started_at (Unix seconds, optional): when the recording began, so moments of the class are found in it.
        for (const char* k : {"duration_seconds", "size_bytes", "started_at"})
            if (auto* v = payload.if_contains(k); v && v->is_int64() && v->get_int64() >= 0) ev.payload[k] = *v;
    }
    return ev;
}

Result<std::string> JitsiProvider::health_check() {
    if (s_.domain.empty()) return Error::unavailable("Jitsi is not configured (no domain)");
    if (!http_) return Error::unimplemented("no HTTP client for the Jitsi health check");
    infra::HttpRequest req;
    req.url = "https://" + s_.domain + "/";
    req.timeout = std::chrono::seconds(5);
    req.provider = "jitsi";
    req.endpoint = "health";
    auto res = http_->send(req);
    if (!res) return res.take_error();
    if (res->status >= 500) return Error::unavailable("the Jitsi server answered HTTP " + std::to_string(res->status));
    return s_.domain;
}

}  // namespace lc::providers
