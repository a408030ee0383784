#include "providers/bbb.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <memory>
#include <pugixml.hpp>

#include "domain/session_rules.hpp"
#include "infra/crypto.hpp"
#include "infra/json_fields.hpp"

namespace lc::providers {

namespace json = boost::json;
using namespace lc::domain;

std::optional<BbbChecksum> parse_bbb_checksum(std::string_view s) {
    if (s == "sha1") return BbbChecksum::kSha1;
    if (s == "sha256") return BbbChecksum::kSha256;
    if (s == "sha512") return BbbChecksum::kSha512;
    return std::nullopt;
}

const char* to_string(BbbChecksum c) {
    switch (c) {
        case BbbChecksum::kSha1:
            return "sha1";
        case BbbChecksum::kSha256:
            return "sha256";
        case BbbChecksum::kSha512:
            return "sha512";
    }
    return "sha256";
}

std::string bbb_checksum(std::string_view call, std::string_view query, std::string_view secret, BbbChecksum algo) {
    std::string data;
    data.reserve(call.size() + query.size() + secret.size());
    data.append(call).append(query).append(secret);
    switch (algo) {
        case BbbChecksum::kSha1:
            return infra::sha1_hex(data);
        case BbbChecksum::kSha512:
            return infra::sha512_hex(data);
        case BbbChecksum::kSha256:
            break;
    }
    return infra::sha256_hex(data);
}

std::string bbb_chat_file_url(const std::string& playback_url, const std::string& record_id) {
    const std::string dir = bbb_playback_data_url(playback_url, record_id);
    return dir.empty() ? dir : dir + "slides_new.xml";
}

std::string bbb_playback_data_url(const std::string& playback_url, const std::string& record_id) {
    const std::string origin = infra::url_origin(playback_url);
    // Record ids are "<sha1>-<milliseconds>": anything else would change the path we ask for.
    const bool plain_id = !record_id.empty() && std::all_of(record_id.begin(), record_id.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
    });
    if (origin.empty() || !plain_id) return {};
    return origin + "/presentation/" + record_id + "/";
}

std::string bbb_hook_url(const std::string& callback_url, const std::string& meeting_id) {
    return callback_url + (callback_url.find('?') == std::string::npos ? "?" : "&") +
           "meeting=" + infra::url_encode(meeting_id);
}

std::string bbb_end_callback_token(std::string_view secret, std::string_view meeting_id) {
    return infra::hmac_sha256_hex(secret, std::string("end:").append(meeting_id));
}

namespace {

/// BBB's own error keys, translated into what a teacher or admin can act on.
Error bbb_failure(std::string_view call, const std::string& key, const std::string& message) {
    std::string internal = std::string(call) + ": " + key + ": " + message;
    if (key == "checksumError")
        return Error::unavailable(
            "BigBlueButton refused our request signature: the shared secret (or checksum algorithm) in the school's "
            "live-class settings does not match the server",
            internal);
    if (key == "notFound" || key == "invalidMeetingIdentifier")
        return Error::not_found("the BigBlueButton meeting does not exist (it may have ended)");
    if (key == "maxConcurrent")
        return Error::unavailable("the BigBlueButton server has reached its meeting limit; try again later", internal);
    if (key == "sentTooManyRequests" || key == "tooManyRequests")
        return Error{
            Code::kResourceExhausted, "the BigBlueButton server is rate-limiting us; try again shortly", internal, {}};
    return Error::unavailable("BigBlueButton refused the request: " + (message.empty() ? key : message), internal);
}

std::string child_text(const pugi::xml_node& n, const char* name) { return n.child(name).text().as_string(); }

/// "https://host" of an http(s) URL, lowercased; "" when it is not one.
std::string scheme_and_host(std::string_view url) {
    auto u = boost::urls::parse_uri(url);
    if (!u || (u->scheme() != "https" && u->scheme() != "http") || u->encoded_host().empty()) return {};
    std::string out = std::string(u->scheme()) + "://" + std::string(u->encoded_host());
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string trim_slashes(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

const char* flag(bool b) { return b ? "true" : "false"; }

}  // namespace

struct BbbProvider::XmlAnswer {
    std::unique_ptr<pugi::xml_document> doc;
    pugi::xml_node response;
};

BbbProvider::BbbProvider(BbbSettings settings, const infra::HttpClient& http, const Clock& clock)
    : s_(std::move(settings)), http_(http), clock_(clock) {
    api_base_ = trim_slashes(s_.server_url);
    if (api_base_.size() < 4 || api_base_.compare(api_base_.size() - 4, 4, "/api") != 0) api_base_ += "/api";
}

std::string BbbProvider::call_url(std::string_view call, const QueryParams& params) const {
    std::string query = infra::form_encode(params);
    std::string url = api_base_ + "/" + std::string(call) + "?" + query;
    if (!query.empty()) url += "&";
    url += "checksum=" + bbb_checksum(call, query, s_.secret, s_.checksum);
    return url;
}

Result<std::string> BbbProvider::fetch(std::string_view name, const QueryParams& params) const {
    if (s_.server_url.empty() || s_.secret.empty())
        return Error::unavailable(
            "BigBlueButton is not configured for this school (server URL and shared secret are needed)");
    infra::HttpRequest req;
    req.url = call_url(name, params);
    req.timeout = s_.timeout;
    req.provider = "bbb";
    req.endpoint = std::string(name);
    auto res = http_.send(req);
    if (!res) {
        Error e = res.take_error();
        if (e.retry_after_seconds > 0) return e;  // paused by the circuit breaker: its message says when
        return Error::unavailable("the BigBlueButton server is not reachable right now; try again in a minute",
                                  std::string(name) + ": " + e.message + " (" + e.internal + ")");
    }
    if (res->status == 404)
        return Error::unavailable(
            "the BigBlueButton server answered 404: check the server URL in the school's live-class settings (it "
            "usually ends in /bigbluebutton/)",
            std::string(name) + ": HTTP 404");
    if (res->status < 200 || res->status >= 300)
        return Error::unavailable("the BigBlueButton server is having trouble (HTTP " + std::to_string(res->status) +
                                      "); try again in a minute",
                                  std::string(name) + ": HTTP " + std::to_string(res->status));
    return std::move(res->body);
}

Result<BbbProvider::XmlAnswer> BbbProvider::call(std::string_view name, const QueryParams& params) const {
    auto body = fetch(name, params);
    if (!body) return body.take_error();
    XmlAnswer a;
    a.doc = std::make_unique<pugi::xml_document>();
    pugi::xml_parse_result parsed = a.doc->load_buffer(body->data(), body->size());
    a.response = a.doc->child("response");
    if (!parsed || !a.response)
        return Error::unavailable("the BigBlueButton server sent an answer we cannot read; try again in a minute",
                                  std::string(name) + ": not a BBB XML response: " + parsed.description());
    std::string code = child_text(a.response, "returncode");
    if (code != "SUCCESS")
        return bbb_failure(name, child_text(a.response, "messageKey"), child_text(a.response, "message"));
    return a;
}

Result<RoomInfo> BbbProvider::create_room(const LiveSession& session, const std::string& tenant_slug) {
    if (s_.server_url.empty() || s_.secret.empty())
        return Error::unavailable(
            "BigBlueButton is not configured for this school (server URL and shared secret are needed)");
    RoomInfo r;
    // The meeting itself is created when the session starts: BBB forgets meetings nobody joins.
    r.room_id = room_name(tenant_slug, session.id);
    r.room_url = trim_slashes(s_.server_url);
    return r;
}

QueryParams BbbProvider::create_params(const LiveSession& session, const EffectivePolicy& policy) const {
    const bool webinar = session.type == SessionType::kWebinar;
    const bool lobby = session.waiting_room_enabled && policy.lobby_enabled;
    QueryParams p{
        {"name", session.title},
        {"meetingID", session.room_id},
        {"record", flag(session.recording_enabled)},
        {"autoStartRecording", flag(session.recording_enabled && (session.auto_recording || policy.auto_recording))},
        {"allowStartStopRecording", flag(session.recording_enabled)},
        {"muteOnStart", flag(webinar || policy.students_start_muted)},
        // Non-moderators join as guests while the lobby is on (see generate_join_url), so this is
        // what holds students in BBB's waiting room until a moderator lets them in.
        {"guestPolicy", lobby ? "ASK_MODERATOR" : "ALWAYS_ACCEPT"},
        {"lockSettingsDisableMic", flag(webinar || !policy.students_can_unmute_self)},
        {"lockSettingsDisableCam", flag(webinar)},
        {"webcamsOnlyForModerator", flag(webinar)},
    };
    if (session.max_participants > 0) p.emplace_back("maxParticipants", std::to_string(session.max_participants));
    if (!s_.callback_url.empty()) {
        const char* sep = s_.callback_url.find('?') == std::string::npos ? "?" : "&";
        p.emplace_back("meta_endCallbackUrl",
                       s_.callback_url + sep + "event=meeting-ended&meeting_id=" + infra::url_encode(session.room_id) +
                           "&token=" + bbb_end_callback_token(s_.secret, session.room_id));
        p.emplace_back("meta_bbb-recording-ready-url", s_.callback_url + sep + "event=recording-ready");
        // The learning-analytics summary (talk time, chat messages per attendee) for the engagement
        // score. BBB builds it from the meeting's events.xml, which it keeps for unrecorded meetings
        // only when asked to.
        p.emplace_back("meta_analytics-callback-url", s_.callback_url + sep + "event=analytics");
        p.emplace_back("meetingKeepEvents", "true");
    }
    return p;
}

Result<bool> BbbProvider::start_session(const LiveSession& session, const EffectivePolicy& policy) {
    auto created = call("create", create_params(session, policy));
    if (!created) return created.take_error();
    // Per-meeting hook as well as the server-wide one: a meeting created while the server-wide hook
    // was dropped still reports its joins and leaves. Failure here does not stop the class.
    if (!s_.callback_url.empty()) (void)register_hook(session.room_id);
    return true;
}

Result<bool> BbbProvider::end_session(const LiveSession& session) {
    auto r = call("end", {{"meetingID", session.room_id}});
    if (!r && r.error().code == Code::kNotFound) return true;  // already over
    if (!r) return r.take_error();
    return true;
}

Result<JoinInfo> BbbProvider::generate_join_url(const JoinRequest& req) {
    if (s_.server_url.empty() || s_.secret.empty())
        return Error::unavailable(
            "BigBlueButton is not configured for this school (server URL and shared secret are needed)");
    const User& u = *req.user;
    QueryParams p{
        {"fullName", u.full_name.empty() ? u.email : u.full_name},
        {"meetingID", req.session->room_id},
        {"role", req.moderator ? "MODERATOR" : "VIEWER"},
        {"userID", u.id},
        {"redirect", "true"},
    };
    if (!u.avatar_url.empty()) p.emplace_back("avatarURL", u.avatar_url);
    if (!req.moderator && req.session->waiting_room_enabled && req.policy.lobby_enabled)
        p.emplace_back("guest", "true");
    JoinInfo info;
    info.join_url = call_url("join", p);
    return info;
}

Result<std::vector<ParticipantInfo>> BbbProvider::get_participants(const LiveSession& session) {
    auto r = call("getMeetingInfo", {{"meetingID", session.room_id}});
    if (!r) return r.take_error();
    std::vector<ParticipantInfo> out;
    for (auto a : r->response.child("attendees").children("attendee")) {
        ParticipantInfo p;
        p.user_id = child_text(a, "userID");
        p.name = child_text(a, "fullName");
        p.role = child_text(a, "role") == "MODERATOR" ? "moderator" : "participant";
        p.is_presenter = a.child("isPresenter").text().as_bool();
        p.has_video = a.child("hasVideo").text().as_bool();
        p.has_audio = a.child("hasJoinedVoice").text().as_bool();
        out.push_back(std::move(p));
    }
    return out;
}

Result<std::string> BbbProvider::start_recording(const LiveSession&) {
    return Error::unimplemented(
        "BigBlueButton has no API to start a recording: the moderator presses the record button in the meeting");
}

Result<bool> BbbProvider::stop_recording(const LiveSession&) {
    return Error::unimplemented(
        "BigBlueButton has no API to stop a recording: the moderator presses the record button in the meeting");
}

Result<std::vector<RecordingInfo>> BbbProvider::get_recordings(const LiveSession& session) {
    auto r = call("getRecordings", {{"meetingID", session.room_id}, {"state", "any"}});
    if (!r) return r.take_error();
    std::vector<RecordingInfo> out;
    for (auto rec : r->response.child("recordings").children("recording")) {
        RecordingInfo info;
        info.recording_id = child_text(rec, "recordID");
        const long long start_ms = rec.child("startTime").text().as_llong();
        const long long end_ms = rec.child("endTime").text().as_llong();
        info.created_at = start_ms / 1000;
        info.duration_seconds = end_ms > start_ms ? (end_ms - start_ms) / 1000 : 0;
        info.size_bytes = rec.child("size").text().as_llong();
        if (auto fmt = rec.child("playback").child("format")) {
            info.format = child_text(fmt, "type");
            info.url = child_text(fmt, "url");
            if (info.duration_seconds == 0) info.duration_seconds = fmt.child("length").text().as_llong() * 60;
            if (info.size_bytes == 0) info.size_bytes = fmt.child("size").text().as_llong();
        }
        out.push_back(std::move(info));
    }
    return out;
}

Result<std::vector<TextTrack>> BbbProvider::text_tracks(const std::string& recording_id) {
    constexpr std::string_view kCall = "getRecordingTextTracks";
    auto body = fetch(kCall, {{"recordID", recording_id}});
    if (!body) return body.take_error();
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(*body, ec);
    const boost::json::object* response = !ec && v.is_object() ? infra::object_at(v.get_object(), "response") : nullptr;
    if (!response) {
        // A refusal from the API's common checks (the checksum) may come as the usual XML.
        pugi::xml_document doc;
        const auto xml = doc.load_buffer(body->data(), body->size()) ? doc.child("response") : pugi::xml_node();
        if (xml && child_text(xml, "returncode") == "FAILED")
            return bbb_failure(kCall, child_text(xml, "messageKey"), child_text(xml, "message"));
        return Error::unavailable("the BigBlueButton server sent an answer we cannot read; try again in a minute",
                                  std::string(kCall) + ": not a JSON response");
    }
    if (infra::text_at(*response, "returncode") != "SUCCESS") {
        const std::string key = infra::text_at(*response, "messageKey");
        if (key == "noRecordings") return std::vector<TextTrack>{};  // deleted since, or never processed
        return bbb_failure(kCall, key, infra::text_at(*response, "message"));
    }
    // Only files on the BigBlueButton server itself (same scheme and host as its API; any port): the
    // address comes from a server a school admin names, and must not send us anywhere else on the network.
    const std::string server = scheme_and_host(api_base_);
    std::vector<TextTrack> out;
    if (const auto* tracks = response->if_contains("tracks"); tracks && tracks->is_array())
        for (const auto& t : tracks->get_array())
            if (const auto* o = t.if_object())
                if (std::string href = infra::text_at(*o, "href"); !server.empty() && scheme_and_host(href) == server)
                    out.push_back(TextTrack{std::move(href), infra::text_at(*o, "kind"), infra::text_at(*o, "label"),
                                            infra::text_at(*o, "lang"), infra::text_at(*o, "source")});
    return out;
}

std::optional<TextTrack> best_text_track(const std::vector<TextTrack>& tracks) {
    auto rank = [](const TextTrack& t) { return t.source == "upload" ? 0 : t.source == "live" ? 1 : 2; };
    const TextTrack* best = nullptr;
    for (const auto& t : tracks) {
        if (t.kind != "subtitles" && t.kind != "captions") continue;
        if (t.href.rfind("https://", 0) != 0 && t.href.rfind("http://", 0) != 0) continue;
        if (!best || rank(t) < rank(*best)) best = &t;
    }
    return best ? std::optional<TextTrack>(*best) : std::nullopt;
}

Result<bool> BbbProvider::delete_room(const LiveSession& session) { return end_session(session); }

Result<bool> BbbProvider::publish_recording(const std::string& recording_id, bool publish) {
    auto r = call("publishRecordings", {{"recordID", recording_id}, {"publish", flag(publish)}});
    if (!r) return r.take_error();
    return r->response.child("published").text().as_bool() == publish;
}

Result<bool> BbbProvider::delete_recording(const std::string& recording_id) {
    auto r = call("deleteRecordings", {{"recordID", recording_id}});
    if (!r) return r.take_error();
    return r->response.child("deleted").text().as_bool();
}

Result<bool> BbbProvider::is_running(const LiveSession& session) {
    auto r = call("isMeetingRunning", {{"meetingID", session.room_id}});
    if (!r) return r.take_error();
    return r->response.child("running").text().as_bool();
}

Result<std::string> BbbProvider::health_check() {
    // getMeetings is signed: it proves the server answers and that our secret is the right one.
    auto r = call("getMeetings", {});
    if (!r) return r.take_error();
    return infra::url_origin(api_base_);
}

Result<std::string> BbbProvider::register_hook(const std::string& meeting_id) {
    if (s_.callback_url.empty()) return Error::conflict("no callback URL is configured (LIVE_PUBLIC_URL)");
    // bbb-webhooks keeps one hook per callback URL, so each meeting's hook gets a URL of its own.
    QueryParams p{{"callbackURL", meeting_id.empty() ? s_.callback_url : bbb_hook_url(s_.callback_url, meeting_id)}};
    if (!meeting_id.empty()) p.emplace_back("meetingID", meeting_id);
    auto r = call("hooks/create", p);
    if (!r) return r.take_error();
    return child_text(r->response, "hookID");
}

Result<NormalizedEvent> BbbProvider::handle_webhook(const json::object& payload) {
    return normalize_bbb_event(payload, clock_);
}

Result<NormalizedEvent> normalize_bbb_event(const json::object& payload, const Clock& clock) {
    // One bbb-webhooks event: {"data":{"id":"user-joined","attributes":{"meeting":{...},"user":{...}},
    // "event":{"ts":ms}}}.
    const json::object* data = nullptr;
    if (auto* d = payload.if_contains("data"); d && d->is_object()) data = &d->get_object();
    if (!data) return Error::invalid("not a bbb-webhooks event", {{"event", "must have a data object"}});
    auto str = [](const json::object* o, const char* k) -> std::string {
        if (!o) return {};
        auto* v = o->if_contains(k);
        if (!v) return {};
        if (v->is_string()) return std::string(v->get_string());
        if (v->is_bool()) return v->get_bool() ? "true" : "false";
        return {};
    };
    auto obj = [](const json::object* o, const char* k) -> const json::object* {
        if (!o) return nullptr;
        auto* v = o->if_contains(k);
        return v && v->is_object() ? &v->get_object() : nullptr;
    };
    const std::string id = str(data, "id");
    const json::object* attrs = obj(data, "attributes");
    const json::object* meeting = obj(attrs, "meeting");
    const json::object* user = obj(attrs, "user");
    NormalizedEvent ev;
    ev.provider = "bbb";
    ev.raw_event = payload;
    ev.room_id = str(meeting, "external-meeting-id");
    if (ev.room_id.empty()) ev.room_id = str(attrs, "meeting-id");  // rap-* events
    ev.session_id = ev.room_id.size() >= 36 ? ev.room_id.substr(ev.room_id.size() - 36) : "";
    if (const json::object* e = obj(data, "event"); e && e->if_contains("ts") && e->at("ts").is_int64())
        ev.timestamp = e->at("ts").get_int64() / 1000;
    else
        ev.timestamp = clock.now();
    if (id == "meeting-created")
        ev.event_type = "session_started";
    else if (id == "meeting-ended")
        ev.event_type = "session_ended";
    else if (id == "user-joined")
        ev.event_type = "participant_joined";
    else if (id == "user-left")
        ev.event_type = "participant_left";
    else if (id == "rap-publish-ended" || id == "rap-published")
        ev.event_type = "recording_ready";
    else
        ev.event_type = "ignored";  // audio, camera, chat, polls...: nothing here depends on them
    if (ev.room_id.empty() && ev.event_type != "ignored")
        return Error::invalid("the event names no meeting",
                              {{"event", "attributes.meeting.external-meeting-id is required"}});
    if (user) {
        json::object participant{{"user_id", str(user, "external-user-id")},
                                 {"connection_id", str(user, "internal-user-id")},
                                 {"name", str(user, "name")},
                                 {"role", str(user, "role") == "MODERATOR" ? "moderator" : "participant"}};
        ev.payload["participant"] = std::move(participant);
    }
    if (std::string rec = str(attrs, "record-id"); !rec.empty()) ev.payload["recording_id"] = rec;
    return ev;
}

}  // namespace lc::providers
