#include "providers/zoom.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <map>

#include "core/text.hpp"
#include "core/time.hpp"
#include "infra/crypto.hpp"
#include "providers/zoom_events.hpp"

namespace lc::providers {

namespace json = boost::json;
using namespace lc::domain;

// ---------------------------------------------------------------- token cache

std::optional<std::string> ZoomTokenCache::get(const std::string& key, UnixTime now) {
    std::lock_guard lk(mu_);
    auto it = tokens_.find(key);
    if (it == tokens_.end() || it->second.second <= now) return std::nullopt;
    return it->second.first;
}

void ZoomTokenCache::put(const std::string& key, std::string token, UnixTime expires_at) {
    std::lock_guard lk(mu_);
    tokens_[key] = {std::move(token), expires_at};
}

void ZoomTokenCache::drop(const std::string& key) {
    std::lock_guard lk(mu_);
    tokens_.erase(key);
}

// ---------------------------------------------------------------- helpers

namespace {

constexpr const char* kNotConfigured =
    "Zoom is not configured for this school (account id, client id, client secret and host user are needed)";

std::string text_at(const json::object& o, const char* key) {
    auto* v = o.if_contains(key);
    if (!v) return {};
    if (v->is_string()) return std::string(v->get_string());
    if (v->is_int64()) return std::to_string(v->get_int64());
    if (v->is_uint64()) return std::to_string(v->get_uint64());
    return {};
}

/// A Zoom API call as a metric label: the method and the path with every id replaced, e.g.
/// "PATCH /meetings/{id}" or "GET /report/meetings/{id}/participants" (ids would make labels unbounded).
std::string endpoint_kind(const std::string& method, const std::string& path) {
    static const char* const kWords[] = {"users",  "meetings", "webinars",     "live_meetings", "recordings", "events",
                                         "status", "report",   "participants", "past_meetings", "registrants"};
    std::string out = method + " ";
    std::string_view p(path);
    p = p.substr(0, p.find('?'));
    while (!p.empty()) {
        if (p.front() == '/') p.remove_prefix(1);
        std::string_view seg = p.substr(0, p.find('/'));
        p.remove_prefix(seg.size());
        if (seg.empty()) continue;
        bool word = std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return seg == w; });
        out += "/";
        out += word ? std::string(seg) : "{id}";
    }
    return out;
}

long long number_at(const json::object& o, const char* key) {
    auto* v = o.if_contains(key);
    return v && v->is_int64() ? v->get_int64() : 0;  // anything else (huge, fractional) reads as 0
}

/// Zoom's error body {"code": n, "message": "..."} turned into what a teacher or admin can act on.
Error zoom_failure(const std::string& what, const infra::HttpResponse& res) {
    std::string message;
    boost::system::error_code ec;
    json::value v = json::parse(res.body, ec);
    if (!ec && v.is_object()) message = text_at(v.get_object(), "message");
    std::string internal = what + ": HTTP " + std::to_string(res.status) + (message.empty() ? "" : ": " + message);
    if (res.status == 404)
        return Error::not_found("the Zoom meeting does not exist (it may have been deleted in Zoom)");
    if (res.status == 401 || res.status == 403)
        return Error::unavailable(
            "Zoom refused our credentials: check the account id, client id/secret and the app's scopes in the "
            "school's live-class settings",
            internal);
    if (res.status == 429)
        return Error{
            Code::kResourceExhausted, "Zoom is rate-limiting this school's requests; try again shortly", internal, {}};
    if (res.status >= 500)
        return Error::unavailable(
            "Zoom is having trouble (HTTP " + std::to_string(res.status) + "); try again in a minute", internal);
    return Error::unavailable("Zoom refused the request" + (message.empty() ? std::string() : ": " + message),
                              internal);
}

}  // namespace

ZoomProvider::ZoomProvider(ZoomSettings settings, const infra::HttpClient& http, ZoomTokenCache& tokens,
                           const Clock& clock)
    : s_(std::move(settings)), http_(http), tokens_(tokens), clock_(clock) {
    while (!s_.api_base.empty() && s_.api_base.back() == '/') s_.api_base.pop_back();
}

Result<std::string> ZoomProvider::token(bool force_new) {
    if (s_.account_id.empty() || s_.client_id.empty() || s_.client_secret.empty())
        return Error::unavailable(kNotConfigured);
    // The secret is part of the key: a school that names another school's account and client id
    // without its secret must never be handed that school's cached token.
    const std::string key = s_.account_id + "|" + s_.client_id + "|" + infra::sha256_hex(s_.client_secret);
    UnixTime now = clock_.now();
    if (force_new)
        tokens_.drop(key);
    else if (auto cached = tokens_.get(key, now))
        return *cached;
    infra::HttpRequest req;
    req.method = "POST";
    req.url = s_.oauth_url;
    req.timeout = s_.timeout;
    req.provider = "zoom";
    req.endpoint = "oauth";
    req.headers = {{"Authorization", "Basic " + infra::base64_encode(s_.client_id + ":" + s_.client_secret)},
                   {"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = infra::form_encode({{"grant_type", "account_credentials"}, {"account_id", s_.account_id}});
    auto res = http_.send(req);
    if (!res) {
        Error e = res.take_error();
        if (e.retry_after_seconds > 0) return e;  // paused by the circuit breaker
        return Error::unavailable("Zoom is not reachable right now; try again in a minute",
                                  "oauth: " + e.message + " (" + e.internal + ")");
    }
    if (res->status != 200) {
        Error e = zoom_failure("oauth", *res);
        if (res->status == 400 || res->status == 401)
            return Error::unavailable(
                "Zoom refused the school's app credentials: check the account id and client id/secret of the "
                "Server-to-Server OAuth app",
                e.internal);
        return e;
    }
    boost::system::error_code ec;
    json::value v = json::parse(res->body, ec);
    if (ec || !v.is_object() || text_at(v.get_object(), "access_token").empty())
        return Error::unavailable("Zoom sent an answer we cannot read; try again in a minute",
                                  "oauth: no access_token");
    std::string access = text_at(v.get_object(), "access_token");
    long long ttl = number_at(v.get_object(), "expires_in");
    if (ttl <= 0) ttl = 3600;
    // Renew a minute early so a token never expires between being read here and used at Zoom.
    tokens_.put(key, access, now + std::max<long long>(ttl - 60, 1));
    return access;
}

Result<json::value> ZoomProvider::api(const std::string& method, const std::string& path, const json::object* body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto t = token(attempt > 0);
        if (!t) return t.take_error();
        infra::HttpRequest req;
        req.method = method;
        req.url = s_.api_base + path;
        req.timeout = s_.timeout;
        req.provider = "zoom";
        req.endpoint = endpoint_kind(method, path);
        req.headers = {{"Authorization", "Bearer " + *t}, {"Accept", "application/json"}};
        if (body) {
            req.headers.emplace_back("Content-Type", "application/json");
            req.body = json::serialize(*body);
        }
        auto res = http_.send(req);
        if (!res) {
            Error e = res.take_error();
            if (e.retry_after_seconds > 0) return e;  // paused by the circuit breaker
            return Error::unavailable("Zoom is not reachable right now; try again in a minute",
                                      method + " " + path + ": " + e.message + " (" + e.internal + ")");
        }
        if (res->status == 401 && attempt == 0) continue;  // the token was revoked or expired early
        if (res->status < 200 || res->status >= 300) return zoom_failure(method + " " + path, *res);
        if (res->body.empty()) return json::value(json::object{});
        boost::system::error_code ec;
        json::value v = json::parse(res->body, ec);
        if (ec)
            return Error::unavailable("Zoom sent an answer we cannot read; try again in a minute",
                                      method + " " + path + ": not JSON");
        return v;
    }
    return Error::unavailable("Zoom refused our credentials", "401 twice");
}

json::object ZoomProvider::meeting_body(const LiveSession& session, const EffectivePolicy& policy) const {
    const bool webinar = session.type == SessionType::kWebinar;
    const long long minutes = std::max<long long>(1, (session.scheduled_end - session.scheduled_start + 59) / 60);
    const bool auto_record = session.recording_enabled && (session.auto_recording || policy.auto_recording);
    json::object settings{{"host_video", true}, {"auto_recording", auto_record ? "cloud" : "none"}};
    if (webinar) {
        settings["panelists_video"] = true;
        settings["practice_session"] = false;
    } else {
        settings["join_before_host"] = false;
        settings["waiting_room"] = session.waiting_room_enabled && policy.lobby_enabled;
        settings["mute_upon_entry"] = policy.students_start_muted;
        settings["participant_video"] = !policy.students_video_off;
    }
    return json::object{{"topic", utf8_prefix(session.title, 200)},
                        {"type", webinar ? 5 : 2},
                        {"start_time", format_iso8601(session.scheduled_start)},
                        {"duration", minutes},
                        {"timezone", "UTC"},
                        {"agenda", utf8_prefix(session.description, 2000)},
                        {"settings", std::move(settings)}};
}

namespace {
std::string room_path(const LiveSession& s) {
    return (s.type == SessionType::kWebinar ? "/webinars/" : "/meetings/") + infra::url_encode(s.room_id);
}
}  // namespace

Result<RoomInfo> ZoomProvider::create_room(const LiveSession& session, const std::string&) {
    if (s_.user_id.empty()) return Error::unavailable(kNotConfigured);
    json::object body = meeting_body(session, EffectivePolicy{});
    const char* kind = session.type == SessionType::kWebinar ? "/webinars" : "/meetings";
    auto r = api("POST", "/users/" + infra::url_encode(s_.user_id) + kind, &body);
    if (!r) return r.take_error();
    if (!r->is_object()) return Error::unavailable("Zoom sent an answer we cannot read", "create: not an object");
    const json::object& m = r->get_object();
    RoomInfo info;
    info.room_id = text_at(m, "id");
    info.room_url = text_at(m, "join_url");
    if (auto pw = text_at(m, "password"); !pw.empty()) info.password = pw;
    if (auto start = text_at(m, "start_url"); !start.empty()) info.moderator_url = start;
    if (info.room_id.empty() || info.room_url.empty())
        return Error::unavailable("Zoom sent an answer we cannot read", "create: no id or join_url");
    return info;
}

Result<bool> ZoomProvider::update_room(const LiveSession& session, const EffectivePolicy& policy) {
    json::object body = meeting_body(session, policy);
    auto r = api("PATCH", room_path(session), &body);
    if (!r) return r.take_error();
    return true;
}

// A Zoom meeting exists from creation; the host opens it with the start URL.
Result<bool> ZoomProvider::start_session(const LiveSession&, const EffectivePolicy&) { return true; }

Result<bool> ZoomProvider::end_session(const LiveSession& session) {
    json::object body{{"action", "end"}};
    auto r = api("PUT", room_path(session) + "/status", &body);
    if (!r && r.error().code == Code::kNotFound) return true;
    if (!r) return r.take_error();
    return true;
}

Result<bool> ZoomProvider::delete_room(const LiveSession& session) {
    auto r = api("DELETE", room_path(session));
    if (!r && r.error().code == Code::kNotFound) return true;  // already gone
    if (!r) return r.take_error();
    return true;
}

Result<JoinInfo> ZoomProvider::generate_join_url(const JoinRequest& req) {
    JoinInfo info;
    if (!req.moderator) {
        if (req.session->room_url.empty()) return Error::unavailable("this class has no Zoom meeting link");
        info.join_url = req.session->room_url;
        return info;
    }
    auto r = api("GET", room_path(*req.session));
    if (!r) return r.take_error();
    std::string start = r->is_object() ? text_at(r->get_object(), "start_url") : std::string();
    if (start.empty())
        return Error::unavailable("Zoom sent no start link for this meeting", "GET meeting: no start_url");
    info.join_url = start;
    info.expires_at = clock_.now() + 2 * 3600;  // the host token in start_url lasts two hours
    return info;
}

Result<std::vector<ParticipantInfo>> ZoomProvider::get_participants(const LiveSession& session) {
    struct Interval {
        UnixTime from, to;
    };
    struct Person {
        ParticipantInfo info;
        std::vector<Interval> intervals;
    };
    std::map<std::string, Person> people;  // merged per user: a rejoin is a new record at Zoom
    std::vector<std::string> order;
    std::string next;
    const std::string base = (session.type == SessionType::kWebinar ? "/report/webinars/" : "/report/meetings/") +
                             infra::url_encode(session.room_id) + "/participants?page_size=300";
    for (int page = 0; page < 100; ++page) {
        auto r = api("GET", base + (next.empty() ? "" : "&next_page_token=" + infra::url_encode(next)));
        if (!r) return r.take_error();
        if (!r->is_object()) return Error::unavailable("Zoom sent an answer we cannot read", "report: not an object");
        const json::object& o = r->get_object();
        if (auto* list = o.if_contains("participants"); list && list->is_array()) {
            for (const auto& p : list->get_array()) {
                if (!p.is_object()) continue;
                const json::object& rec = p.get_object();
                std::string email = ascii_lower(text_at(rec, "user_email"));
                std::string key = !email.empty()                ? "e:" + email
                                  : !text_at(rec, "id").empty() ? "i:" + text_at(rec, "id")
                                                                : "n:" + text_at(rec, "name");
                auto [it, fresh] = people.try_emplace(key);
                if (fresh) {
                    order.push_back(key);
                    it->second.info.user_id = !email.empty() ? email : text_at(rec, "id");
                    it->second.info.name = text_at(rec, "name");
                    it->second.info.role = "participant";
                }
                auto from = parse_iso8601(text_at(rec, "join_time"));
                auto to = parse_iso8601(text_at(rec, "leave_time"));
                if (from) it->second.intervals.push_back({*from, to ? std::max(*to, *from) : *from});
            }
        }
        next = text_at(o, "next_page_token");
        if (next.empty()) break;
    }
    std::vector<ParticipantInfo> out;
    for (const auto& key : order) {
        Person& p = people[key];
        std::sort(p.intervals.begin(), p.intervals.end(),
                  [](const Interval& a, const Interval& b) { return a.from < b.from; });
        long long total = 0;
        std::optional<Interval> cur;
        for (const auto& iv : p.intervals) {  // union of the intervals: overlapping records count once
            if (cur && iv.from <= cur->to) {
                cur->to = std::max(cur->to, iv.to);
                continue;
            }
            if (cur) total += cur->to - cur->from;
            cur = iv;
        }
        if (cur) total += cur->to - cur->from;
        if (!p.intervals.empty()) {
            p.info.joined_at = p.intervals.front().from;
            UnixTime last = p.intervals.front().to;
            for (const auto& iv : p.intervals) last = std::max(last, iv.to);
            p.info.left_at = last;
        }
        p.info.duration_seconds = total;
        out.push_back(p.info);
    }
    return out;
}

Result<std::string> ZoomProvider::start_recording(const LiveSession& session) {
    json::object body{{"method", "recording.start"}};
    auto r = api("PATCH", "/live_meetings/" + infra::url_encode(session.room_id) + "/events", &body);
    if (!r) return r.take_error();
    return session.room_id;
}

Result<bool> ZoomProvider::stop_recording(const LiveSession& session) {
    json::object body{{"method", "recording.stop"}};
    auto r = api("PATCH", "/live_meetings/" + infra::url_encode(session.room_id) + "/events", &body);
    if (!r) return r.take_error();
    return true;
}

Result<std::vector<RecordingInfo>> ZoomProvider::get_recordings(const LiveSession& session) {
    auto r = api("GET", "/meetings/" + infra::url_encode(session.room_id) + "/recordings");
    if (!r && r.error().code == Code::kNotFound) return std::vector<RecordingInfo>{};  // nothing recorded
    if (!r) return r.take_error();
    std::vector<RecordingInfo> out;
    if (!r->is_object()) return out;
    const json::object& o = r->get_object();
    const std::string meeting_uuid = text_at(o, "uuid");
    if (auto* files = o.if_contains("recording_files"); files && files->is_array()) {
        for (const auto& f : files->get_array()) {
            if (!f.is_object()) continue;
            const json::object& file = f.get_object();
            if (text_at(file, "file_type") != "MP4") continue;  // audio-only, chat and transcript files aside
            RecordingInfo info;
            // "meeting uuid/file id": deleting a file needs both.
            info.recording_id = meeting_uuid + "/" + text_at(file, "id");
            info.url = text_at(file, "download_url");
            info.size_bytes = number_at(file, "file_size");
            info.format = "mp4";
            auto from = parse_iso8601(text_at(file, "recording_start"));
            auto to = parse_iso8601(text_at(file, "recording_end"));
            info.created_at = from.value_or(0);
            info.duration_seconds = from && to && *to > *from ? *to - *from : 0;
            out.push_back(std::move(info));
        }
    }
    return out;
}

Result<bool> ZoomProvider::delete_recording(const std::string& recording_id) {
    auto slash = recording_id.rfind('/');
    if (slash == std::string::npos) return Error::invalid("a Zoom recording id is \"meeting uuid/file id\"");
    // Meeting UUIDs may contain '/' and '+': Zoom wants them double-encoded in paths.
    std::string uuid = infra::url_encode(infra::url_encode(recording_id.substr(0, slash)));
    auto r = api("DELETE", "/meetings/" + uuid + "/recordings/" + infra::url_encode(recording_id.substr(slash + 1)) +
                               "?action=trash");
    if (!r && r.error().code == Code::kNotFound) return true;
    if (!r) return r.take_error();
    return true;
}

Result<std::vector<std::pair<std::string, std::string>>> ZoomProvider::download_headers(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    const std::string host = u ? std::string(u->host()) : std::string();
    const bool zoom_host = host == "zoom.us" || (host.size() > 8 && host.compare(host.size() - 8, 8, ".zoom.us") == 0);
    if (!u || u->scheme() != "https" || !zoom_host) return std::vector<std::pair<std::string, std::string>>{};
    auto t = token(false);
    if (!t) return t.take_error();
    return std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + *t}};
}

Result<std::string> ZoomProvider::health_check() {
    auto t = token(false);
    if (!t) return t.take_error();
    return "zoom account " + s_.account_id;
}

Result<NormalizedEvent> ZoomProvider::handle_webhook(const json::object& payload) {
    return normalize_zoom_event(payload, clock_);
}

}  // namespace lc::providers
