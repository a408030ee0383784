#include "http/handler_support.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "core/text.hpp"
#include "core/time.hpp"
#include "http/problem.hpp"
#include "infra/crypto.hpp"

namespace lc::http {

namespace json = boost::json;

Response send(RequestContext& c, unsigned status, const json::value& body) {
    return json_response(status, body, c.version(), c.keep_alive());
}
Response fail(RequestContext& c, const Error& e) {
    if (!e.internal.empty()) c.internal_error = e.internal;
    return problem_response(e, c.version(), c.keep_alive());
}
Response no_content(RequestContext& c) {
    Response res{bhttp::status::no_content, c.version()};
    res.keep_alive(c.keep_alive());
    return res;
}

Response attachment(RequestContext& c, const std::string& content_type, const std::string& file_name,
                    std::string body) {
    Response res{bhttp::status::ok, c.version()};
    res.set(bhttp::field::content_type, content_type);
    res.set(bhttp::field::cache_control, "private, no-store");
    res.set(bhttp::field::content_disposition, "attachment; filename=\"" + file_name + "\"");
    res.body() = std::move(body);
    res.keep_alive(c.keep_alive());
    res.prepare_payload();
    return res;
}

std::string bearer_of(const RequestContext& c) {
    auto auth = c.req[bhttp::field::authorization];
    if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer "))
        return std::string(auth.substr(7));
    return {};
}

Error bad_uuid(const char* what) {
    return Error{Code::kBadRequest, std::string(what) + " in the URL must be a UUID", {}, {{what, "must be a UUID"}}};
}

/// Path parameter i as a lowercase UUID, or a 400.
Result<std::string> path_id(RequestContext& c, std::size_t i, const char* what) {
    if (i >= c.params.size() || !infra::is_uuid(c.params[i])) return bad_uuid(what);
    return ascii_lower(c.params[i]);
}

Result<SessionItemIds> session_item_ids(RequestContext& c, const char* item) {
    auto sid = path_id(c, 0);
    if (!sid) return sid.take_error();
    c.session_id = *sid;
    SessionItemIds out{*sid, {}};
    if (!item) return out;
    auto iid = path_id(c, 1, item);
    if (!iid) return iid.take_error();
    out.item = *iid;
    return out;
}

namespace {
/// application/json or a structured `+json` type (RFC 6839), parameters aside; media types compare
/// without case (RFC 9110 section 8.3.1), so "APPLICATION/JSON; charset=utf-8" is JSON and
/// "application/jsonx" is not.
bool is_json_media_type(std::string_view ct) {
    std::string type(ct.substr(0, ct.find(';')));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.erase(0, 1);
    for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (type == "application/json") return true;
    return type.rfind("application/", 0) == 0 && type.size() > 17 && type.compare(type.size() - 5, 5, "+json") == 0;
}
}  // namespace

Result<json::object> body_object(RequestContext& c) {
    auto ct = c.req[bhttp::field::content_type];
    if (!c.req.body().empty() && !is_json_media_type(std::string_view(ct.data(), ct.size())))
        return Error::bad_request("send the body as JSON with Content-Type: application/json");
    return parse_json_object(c.req.body());
}

Status check_fields(BodyReader& r, const char* what) {
    auto errors = r.finish();
    if (!errors.empty()) return Error::invalid(std::string(what) + " has invalid fields", std::move(errors));
    return ok_status();
}

/// A 400 naming each query parameter that is wrong.
Error bad_query(std::vector<FieldError> errs) {
    return Error{Code::kBadRequest, "invalid query parameters", {}, std::move(errs)};
}

/// ?from= / ?to= as an ISO 8601 time, or an error naming the parameter.
void time_param(const std::string& name, const std::string& value, std::optional<UnixTime>& out,
                std::vector<FieldError>& errs) {
    out = parse_iso8601(value);
    if (!out) errs.push_back({name, "must be an ISO 8601 date-time like 2026-11-26T00:00:00Z"});
}

Result<Paging> paging(RequestContext& c) {
    Paging p;
    std::vector<FieldError> errs;
    auto num = [&](const char* name, int& out, int max) {
        auto it = c.query.find(name);
        if (it == c.query.end()) return;
        try {
            std::size_t used = 0;
            long v = std::stol(it->second, &used);
            if (used != it->second.size() || v < 1 || v > max) throw std::out_of_range(name);
            out = static_cast<int>(v);
        } catch (const std::exception&) {
            errs.push_back({name, "must be a whole number between 1 and " + std::to_string(max)});
        }
    };
    num("page", p.page, 1000000);
    num("page_size", p.page_size, 100);
    if (!errs.empty()) return bad_query(errs);
    return p;
}

/// A 400 naming every query parameter that is not in `known`: a mistyped filter must not silently widen a list.
Status only_known_params(RequestContext& c, std::initializer_list<std::string_view> known, const std::string& hint) {
    std::vector<FieldError> errs;
    for (const auto& kv : c.query)
        if (std::find(known.begin(), known.end(), kv.first) == known.end())
            errs.push_back({kv.first, "is not a known filter (" + hint + ")"});
    if (!errs.empty()) return bad_query(errs);
    return ok_status();
}

json::object page_json(RequestContext& c, const std::string& base, const Paging& p, long long total,
                       json::array results) {
    auto link = [&](int page) -> json::value {
        std::string q;
        for (const auto& [k, v] : c.query) {
            if (k == "page") continue;
            q += (q.empty() ? "?" : "&") + k + "=" + boost::urls::encode(v, boost::urls::unreserved_chars);
        }
        q += (q.empty() ? "?" : "&") + std::string("page=") + std::to_string(page);
        return json::value(base + q);
    };
    bool has_next = static_cast<long long>(p.page) * p.page_size < total;
    return {{"count", total},
            {"page", p.page},
            {"page_size", p.page_size},
            {"next", has_next ? link(p.page + 1) : json::value(nullptr)},
            {"previous", p.page > 1 ? link(p.page - 1) : json::value(nullptr)},
            {"results", std::move(results)}};
}

domain::PolicyOverrides read_policy(BodyReader& r) {
    domain::PolicyOverrides p;
    auto b = [&](const char* n, std::optional<bool>& out) {
        if (!r.is_null(n))
            out = r.boolean(n);
        else
            r.skip(n);  // null = inherit
    };
    auto i = [&](const char* n, std::optional<int>& out, long long max) {
        if (r.is_null(n)) {
            r.skip(n);  // null = inherit
            return;
        }
        if (auto v = r.integer(n, 0, max)) out = static_cast<int>(*v);
    };
    b("recording_required", p.recording_required);
    b("auto_recording", p.auto_recording);
    i("recording_retention_days", p.recording_retention_days, 36500);
    i("attendance_threshold_percent", p.attendance_threshold_percent, 100);
    i("minimum_duration_minutes", p.minimum_duration_minutes, 1440);
    i("late_join_tolerance_minutes", p.late_join_tolerance_minutes, 1440);
    i("early_leave_tolerance_minutes", p.early_leave_tolerance_minutes, 1440);
    b("lobby_enabled", p.lobby_enabled);
    b("require_authentication", p.require_authentication);
    b("allow_guests", p.allow_guests);
    b("students_can_share_screen", p.students_can_share_screen);
    b("students_can_use_whiteboard", p.students_can_use_whiteboard);
    b("students_can_unmute_self", p.students_can_unmute_self);
    b("students_start_muted", p.students_start_muted);
    b("students_video_off", p.students_video_off);
    b("transcribe_recordings", p.transcribe_recordings);
    b("summarize_recordings", p.summarize_recordings);
    return p;
}

void read_session_fields(BodyReader& r, services::SessionInput& in, bool with_times) {
    in.course_id = r.uuid("course_id");
    if (r.is_null("content_id")) {
        r.skip("content_id");
        in.content_id = std::nullopt;
    } else {
        in.content_id = r.string("content_id", 100);
    }
    in.title = r.string("title", 100000);
    in.description = r.string("description", 10000);
    if (auto t = r.string("type")) {
        in.type = domain::parse_session_type(*t);
        if (!in.type) r.add_error("type", "must be one of scheduled, adhoc, webinar");
    }
    if (auto s = r.string("status")) {
        in.status = domain::parse_session_status(*s);
        if (!in.status) r.add_error("status", "must be one of draft, scheduled, live, ended, cancelled");
    }
    if (with_times) {
        in.scheduled_start = r.datetime("scheduled_start");
        in.scheduled_end = r.datetime("scheduled_end");
    }
    in.max_participants = r.integer("max_participants", 1, 10000);
    in.recording_enabled = r.boolean("recording_enabled");
    in.auto_recording = r.boolean("auto_recording");
    in.waiting_room_enabled = r.boolean("waiting_room_enabled");
    in.moderator_ids = r.uuid_list("moderator_ids");
    if (const boost::json::object* po = r.object("policy")) {
        BodyReader pr(*po, "policy.");
        in.policy = read_policy(pr);
        r.absorb(pr);
    }
}

Response calendar_response(RequestContext& c, std::string ics, const std::string& filename) {
    // Calendars poll feeds often: an unchanged feed answers 304 (the body is stable for unchanged data).
    const std::string etag = "\"" + infra::sha256_hex(ics).substr(0, 32) + "\"";
    auto inm = c.req[bhttp::field::if_none_match];
    Response res{inm == etag ? bhttp::status::not_modified : bhttp::status::ok, c.version()};
    res.set(bhttp::field::content_type, "text/calendar; charset=utf-8");
    res.set(bhttp::field::etag, etag);
    if (!filename.empty()) res.set(bhttp::field::content_disposition, "attachment; filename=\"" + filename + "\"");
    res.keep_alive(c.keep_alive());
    if (res.result() == bhttp::status::ok) res.body() = std::move(ics);
    res.prepare_payload();
    return res;
}

}  // namespace lc::http
