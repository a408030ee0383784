#include "http/api.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cctype>
#include <chrono>
#include <future>
#include <initializer_list>
#include <string_view>

#include "core/text.hpp"
#include "core/time.hpp"
#include "http/attendance_json.hpp"
#include "http/body_reader.hpp"
#include "http/handler_support.hpp"
#include "http/problem.hpp"
#include "http/security_headers.hpp"
#include "http/serializers.hpp"
#include "infra/crypto.hpp"

namespace lc::http {

namespace json = boost::json;
using namespace lc::domain;
using services::Principal;

namespace {

/// The launch page: the provider's room filling the window. Only the URL is variable, escaped for
/// an attribute; the page's CSP allows frames from that provider's origin and nothing else.
std::string room_page_html(const std::string& room_url) {
    const std::string url = html_escape(room_url);
    return "<!doctype html>\n<html lang=\"tr\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>Canl\xc4\xb1 ders / Live class</title>"
           "<style>html,body{margin:0;height:100%;background:#111}iframe{border:0;width:100%;height:100%;display:block}"
           "</style></head><body><iframe src=\"" +
           url +
           "\" title=\"Canl\xc4\xb1 ders / Live class\" allow=\"camera; microphone; display-capture; fullscreen; "
           "autoplay; clipboard-write\" allowfullscreen></iframe></body></html>\n";
}

Result<services::SessionInput> read_session_input(RequestContext& c) {
    auto body = body_object(c);
    if (!body) return body.take_error();
    BodyReader r(*body);
    services::SessionInput in;
    read_session_fields(r, in, /*with_times=*/true);
    if (auto s = check_fields(r, "the live session"); !s) return s.take_error();
    return in;
}

std::optional<std::string> secret_field(BodyReader& r, const char* name) {
    auto v = r.string(name, 500);
    if (v && *v == "********") return std::nullopt;  // the masked value sent back unchanged: keep
    return v;
}

/// A CSV attachment (Excel opens it with Turkish letters intact: the document starts with a BOM).
Response csv_response(RequestContext& c, std::string body, const std::string& filename) {
    Response res{bhttp::status::ok, c.version()};
    res.set(bhttp::field::content_type, "text/csv; charset=utf-8");
    res.set(bhttp::field::content_disposition, "attachment; filename=\"" + filename + "\"");
    res.body() = std::move(body);
    res.keep_alive(c.keep_alive());
    res.prepare_payload();
    return res;
}

/// ?format=json (default) or csv.
Result<bool> wants_csv(RequestContext& c) {
    auto it = c.query.find("format");
    if (it == c.query.end() || it->second == "json") return false;
    if (it->second == "csv") return true;
    return bad_query({{"format", "must be json or csv"}});
}

/// The filters of the course report and a user's history: from, to, status (and course for a history).
Result<store::AttendanceFilter> attendance_filter(RequestContext& c, bool with_course) {
    store::AttendanceFilter f;
    std::vector<FieldError> errs;
    for (const auto& [k, v] : c.query) {
        if (k == "page" || k == "page_size" || k == "format") continue;
        if (k == "from" || k == "to") {
            time_param(k, v, k == "from" ? f.from : f.to, errs);
        } else if (k == "status") {
            if (v != "attended" && v != "partial" && v != "absent" && v != "late" && v != "early_leave")
                errs.push_back({"status", "must be one of attended, partial, absent, late, early_leave"});
            f.status = v;
        } else if (k == "course" && with_course) {
            if (!infra::is_uuid(v)) errs.push_back({"course", "must be a course UUID"});
            f.course_id = ascii_lower(v);
        } else {
            errs.push_back({k, std::string("is not a known filter (") + (with_course ? "course, " : "") +
                                   "from, to, status, format, page, page_size)"});
        }
    }
    if (!errs.empty()) return bad_query(errs);
    return f;
}

}  // namespace

Api::Api(Services s, const infra::Logger& log, ApiOptions opt) : s_(s), log_(log), opt_(opt) {
    register_routes();
    register_ops_routes();
    register_notification_routes();
    register_series_routes();
    register_recording_routes();
    register_artifact_routes();
    register_board_routes();
    register_participant_routes();
    if (opt_.metrics) http_metrics_ = std::make_unique<HttpMetrics>(*opt_.metrics, router_);
}

RouteHandler Api::authed(std::function<Response(RequestContext&, const services::Principal&)> fn) {
    return [this, fn = std::move(fn)](RequestContext& c) -> Response {
        auto p = s_.auth.authenticate(bearer_of(c));
        if (!p) return fail(c, p.error());
        c.principal = std::move(p.value());
        return fn(c, *c.principal);
    };
}

void Api::register_routes() {
    auto authed = [this](auto fn) { return this->authed(std::move(fn)); };

    router_.add("GET", "/health", [this](RequestContext& c) {
        bool db = s_.db.ping();
        return send(c, db ? 200 : 503,
                    json::object{{"status", db ? "ok" : "unavailable"}, {"database", db ? "ok" : "unreachable"}});
    });

    // Seed 10.3: every conferencing endpoint the schools use, checked in parallel within 5 s each.
    router_.add("GET", "/health/live-provider/", [this](RequestContext& c) {
        if (auto st = only_known_params(c, {}, "this check takes no query parameters"); !st) return fail(c, st.error());
        auto checked = s_.provider_health.check_all();
        if (!checked) return fail(c, checked.error());
        json::array list;
        bool all_up = true;
        for (const auto& h : *checked) {
            all_up = all_up && h.up;
            json::object o{{"provider", h.provider},
                           {"target", h.target},
                           {"status", h.up ? "up" : "down"},
                           {"latency_ms", h.latency_ms},
                           {"schools", h.schools}};
            if (!h.up) o["error"] = h.error;
            list.push_back(std::move(o));
        }
        return send(c, all_up ? 200 : 503, json::object{{"status", all_up ? "ok" : "degraded"}, {"providers", list}});
    });

    // ---- provider webhooks (seed 4.2): signed by the provider, not by a bearer token ----
    // Registered before the /live-sessions/{id}/... routes so that "webhooks" is never read as an id.
    auto webhook = [this](RequestContext& c) {
        services::WebhookDelivery d;
        d.provider = c.params.at(0);
        d.method = std::string(c.req.method_string());
        std::string_view target(c.req.target().data(), c.req.target().size());
        if (auto q = target.find('?'); q != std::string_view::npos) d.raw_query = std::string(target.substr(q + 1));
        d.query = c.query;
        for (const auto& f : c.req) {
            d.headers[ascii_lower(f.name_string())] = std::string(f.value());
        }
        d.body = c.req.body();
        auto answer = s_.webhooks.receive(d);
        if (!answer) return fail(c, answer.error());
        return send(c, static_cast<unsigned>(answer->status), answer->body);
    };
    router_.add("POST", "/api/v1/live-sessions/webhooks/{provider}/", webhook);
    router_.add("GET", "/api/v1/live-sessions/webhooks/{provider}/", webhook);  // BBB's end-of-meeting callback

    // ---- moderation (seed 1.2 kick_participant, mute_others) ----
    auto moderation_json = [](const services::ModerationResult& m) {
        json::object o{{"user_id", m.user_id}, {"action", m.action}, {"provider_applied", m.provider_applied}};
        if (!m.provider_applied) o["provider_detail"] = m.provider_detail;
        return o;
    };
    router_.add("POST", "/api/v1/live-sessions/{id}/participants/{user_id}/kick/",
                authed([this, moderation_json](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto user = path_id(c, 1);
                    if (!user) return fail(c, user.error());
                    std::string reason;
                    if (!c.req.body().empty()) {
                        auto body = body_object(c);
                        if (!body) return fail(c, body.error());
                        BodyReader r(*body);
                        reason = r.string("reason", 500).value_or("");
                        if (auto s = check_fields(r, "the kick"); !s) return fail(c, s.error());
                    }
                    return reply(c, s_.sessions.kick(p, *id, *user, reason, c.meta()), 200, moderation_json);
                }));
    router_.add("POST", "/api/v1/live-sessions/{id}/participants/{user_id}/mute/",
                authed([this, moderation_json](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto user = path_id(c, 1);
                    if (!user) return fail(c, user.error());
                    return reply(c, s_.sessions.mute(p, *id, *user, c.meta()), 200, moderation_json);
                }));

    // ---- auth ----
    router_.add("POST", "/api/v1/auth/login/", [this](RequestContext& c) {
        auto body = body_object(c);
        if (!body) return fail(c, body.error());
        BodyReader r(*body);
        r.require("email");
        r.require("password");
        auto email = r.string("email", 254);
        auto password = r.string("password", 1024);
        auto tenant = r.string("tenant", 63);
        if (auto s = check_fields(r, "the login"); !s) return fail(c, s.error());
        auto res =
            s_.auth.login(*email, *password, tenant.value_or(""), std::string(c.req[bhttp::field::host]), c.client_ip);
        if (!res) return fail(c, res.error());
        return send(c, 200,
                    json::object{{"access_token", res->access_token},
                                 {"token_type", "Bearer"},
                                 {"expires_in", res->expires_in},
                                 {"user", to_json(res->user)},
                                 {"tenant", to_json(res->tenant)}});
    });
    // ---- launch links (seed 9.1) ----
    // Opened by the browser itself (no bearer header): the token is the credential. Jitsi and
    // BigBlueButton rooms are embedded in a page whose CSP frames only that provider and lets only
    // the school's own sites frame it; Zoom (which refuses to be framed) and ?redirect=true get a 303.
    router_.add("GET", "/api/v1/launch/{token}/", [this](RequestContext& c) {
        if (auto st = only_known_params(c, {"redirect"}, "only redirect=true is accepted"); !st)
            return fail(c, st.error());
        if (auto r = c.query.find("redirect"); r != c.query.end() && r->second != "true")
            return fail(c, bad_query({{"redirect", "must be true (or left out for the room page)"}}));
        auto launch = s_.sessions.open_launch(c.params.at(0));
        if (!launch) return fail(c, launch.error());
        c.session_id = launch->ticket.session_id;
        const auto& t = launch->ticket;
        auto redirect = c.query.find("redirect");
        if (t.provider == domain::ProviderKind::kZoom || (redirect != c.query.end() && redirect->second == "true")) {
            Response res{bhttp::status::see_other, c.version()};
            res.set(bhttp::field::location, t.url);
            res.keep_alive(c.keep_alive());
            res.prepare_payload();
            return res;
        }
        Response res{bhttp::status::ok, c.version()};
        res.set(bhttp::field::content_type, "text/html; charset=utf-8");
        res.set("Content-Security-Policy", room_page_csp(origin_of(t.url), launch->school_domains));
        res.keep_alive(c.keep_alive());
        res.body() = room_page_html(t.url);
        res.prepare_payload();
        return res;
    });
    router_.add("GET", "/api/v1/auth/me/", authed([](RequestContext& c, const Principal& p) {
                    return send(c, 200, json::object{{"user", to_json(p.user)}, {"tenant", to_json(p.tenant)}});
                }));

    // ---- live sessions ----
    router_.add("GET", "/api/v1/live-sessions/", authed([this](RequestContext& c, const Principal& p) {
                    auto pg = paging(c);
                    if (!pg) return fail(c, pg.error());
                    services::SessionQuery q;
                    std::vector<FieldError> errs;
                    for (const auto& [k, v] : c.query) {
                        if (k == "page" || k == "page_size") continue;
                        if (k == "course") {
                            if (!infra::is_uuid(v)) errs.push_back({"course", "must be a course UUID"});
                            q.course_id = ascii_lower(v);  // ids are stored lowercase; any case names one
                        } else if (k == "status") {
                            q.status = parse_session_status(v);
                            if (!q.status)
                                errs.push_back({"status", "must be one of draft, scheduled, live, ended, cancelled"});
                        } else if (k == "type") {
                            q.type = parse_session_type(v);
                            if (!q.type) errs.push_back({"type", "must be one of scheduled, adhoc, webinar"});
                        } else if (k == "from" || k == "to") {
                            time_param(k, v, k == "from" ? q.from : q.to, errs);
                        } else {
                            errs.push_back({k,
                                            "is not a known filter (course, status, type, from, to, page, "
                                            "page_size)"});
                        }
                    }
                    if (!errs.empty()) return fail(c, bad_query(errs));
                    q.limit = pg->page_size;
                    q.offset = pg->offset();
                    auto res = s_.sessions.list(p, q);
                    if (!res) return fail(c, res.error());
                    json::array items;
                    for (const auto& v : res->items) items.push_back(to_json(v, false));
                    return send(c, 200, page_json(c, "/api/v1/live-sessions/", *pg, res->total, std::move(items)));
                }));
    router_.add("POST", "/api/v1/live-sessions/", authed([this](RequestContext& c, const Principal& p) {
                    auto in = read_session_input(c);
                    if (!in) return fail(c, in.error());
                    auto res = s_.sessions.create(p, *in, c.meta());
                    if (res) c.session_id = res->session.id;
                    return reply(c, std::move(res), 201, [](const auto& v) { return to_json(v, true); });
                }));
    router_.add("GET", "/api/v1/live-sessions/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    return reply(c, s_.sessions.get(p, *id), 200, [](const auto& v) { return to_json(v, true); });
                }));
    router_.add("PATCH", "/api/v1/live-sessions/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    auto in = read_session_input(c);
                    if (!in) return fail(c, in.error());
                    return reply(c, s_.sessions.update(p, *id, *in, c.meta()), 200,
                                 [](const auto& v) { return to_json(v, true); });
                }));
    router_.add("DELETE", "/api/v1/live-sessions/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    return reply(c, s_.sessions.cancel(p, *id, c.meta()), 200,
                                 [](const auto& v) { return to_json(v, true); });
                }));
    auto action = [this, authed](const char* name,
                                 Result<services::SessionView> (services::SessionService::*fn)(
                                     const Principal&, const std::string&, const services::RequestMeta&)) {
        router_.add("POST", std::string("/api/v1/live-sessions/{id}/") + name + "/",
                    authed([this, fn](RequestContext& c, const Principal& p) {
                        auto id = path_id(c, 0);
                        if (!id) return fail(c, id.error());
                        c.session_id = *id;
                        return reply(c, (s_.sessions.*fn)(p, *id, c.meta()), 200,
                                     [](const auto& v) { return to_json(v, true); });
                    }));
    };
    action("start", &services::SessionService::start);
    action("end", &services::SessionService::end);
    // Join is the hot path: it runs on the I/O thread (cached reads, token signing) and answers when
    // the group commit holding its participation row is durable, without tying up a handler thread.
    router_.add_async(
        "POST", "/api/v1/live-sessions/{id}/join/", [this](std::shared_ptr<RequestContext> c, Respond done) {
            auto run = [this, c, done] {
                auto p = s_.auth.authenticate(bearer_of(*c));
                if (!p) return done(fail(*c, p.error()));
                c->principal = std::move(p.value());
                auto id = path_id(*c, 0);
                if (!id) return done(fail(*c, id.error()));
                c->session_id = *id;
                s_.sessions.join_async(*c->principal, *id, c->meta(), [c, done](Result<services::JoinResult> r) {
                    done(reply(*c, std::move(r), 200, [](const auto& j) { return to_json(j); }));
                });
            };
            // Stay on the I/O thread only when everything the join reads is cached; a
            // miss means database reads, which belong on the handler pool.
            auto cached = s_.auth.cached(bearer_of(*c));
            auto id = path_id(*c, 0);
            // (A limiter in Redis is a network round trip: that too belongs on the handler pool.)
            if (cached && id && !s_.limits.remote() && s_.sessions.join_is_cached(**cached, *id)) return run();
            c->offload(std::move(run));
        });

    // ---- attendance (seed 6, 4.1 attendance, 13.4, 13.5) ----
    router_.add("POST", "/api/v1/live-sessions/{id}/heartbeat/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    auto body = c.req.body().empty() ? Result<json::object>(json::object{}) : body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    services::HeartbeatInput in;
                    in.visible = r.boolean("visible").value_or(true);
                    in.participant_id = r.uuid("participant_id");
                    if (auto st = check_fields(r, "the heartbeat"); !st) return fail(c, st.error());
                    return reply(c, s_.attendance.heartbeat(p, *id, in), 200, [](const auto& h) { return to_json(h); });
                }));
    router_.add("POST", "/api/v1/live-sessions/{id}/leave/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    auto body = c.req.body().empty() ? Result<json::object>(json::object{}) : body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    auto participant = r.uuid("participant_id");
                    if (auto st = check_fields(r, "the leave"); !st) return fail(c, st.error());
                    return reply(c, s_.attendance.leave(p, *id, participant), 200, [](int n) {
                        return json::object{{"closed", n}};
                    });
                }));
    router_.add("GET", "/api/v1/live-sessions/{id}/attendance/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    if (auto st = only_known_params(c, {"format", "explain"}, "format, explain"); !st)
                        return fail(c, st.error());
                    auto csv = wants_csv(c);
                    if (!csv) return fail(c, csv.error());
                    bool explain = false;
                    if (auto it = c.query.find("explain"); it != c.query.end()) {
                        if (it->second != "true" && it->second != "false")
                            return fail(c, bad_query({{"explain", "must be true or false"}}));
                        explain = it->second == "true";
                    }
                    auto report = s_.attendance.session_report(p, *id, explain && !*csv);
                    if (!report) return fail(c, report.error());
                    if (*csv) {
                        std::vector<store::AttendanceReportRow> rows;
                        for (const auto& v : report->rows) rows.push_back(v.row);
                        if (auto st = audit_export(c, "live_session", *id, rows.size()); !st)
                            return fail(c, st.error());
                        return csv_response(c, attendance_csv(rows, p.user.locale), "attendance-" + *id + ".csv");
                    }
                    return send(c, 200, to_json(*report, explain));
                }));
    router_.add("POST", "/api/v1/live-sessions/{id}/attendance/recalculate/",
                authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    return reply(c, s_.attendance.recalculate(p, *id), 200,
                                 [](const auto& a) { return to_json(a, false); });
                }));
    router_.add("GET", "/api/v1/live-sessions/{id}/attendance/timeline/",
                authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    return reply(c, s_.attendance.timeline(p, *id), 200, [](const auto& t) { return to_json(t); });
                }));
    // A course's report across its classes, and a user's own history: paged JSON, or every row as CSV.
    auto report_page = [this](RequestContext& c, const std::string& base, const std::string& filename,
                              const char* resource_type, const std::string& resource_id, auto&& load) -> Response {
        auto pg = paging(c);
        if (!pg) return fail(c, pg.error());
        auto csv = wants_csv(c);
        if (!csv) return fail(c, csv.error());
        int limit = *csv ? 100000 : pg->page_size, offset = *csv ? 0 : pg->offset();
        auto page = load(limit, offset);
        if (!page) return fail(c, page.error());
        if (*csv && page->total > limit)  // never a silently cut export
            return fail(
                c, Error::bad_request("the export would have " + std::to_string(page->total) + " rows, more than " +
                                      std::to_string(limit) + ": narrow it with from, to or status"));
        if (*csv) {
            if (auto st = audit_export(c, resource_type, resource_id, page->items.size()); !st)
                return fail(c, st.error());
            return csv_response(c, attendance_csv(page->items, c.principal->user.locale), filename);
        }
        json::array items;
        for (const auto& r : page->items) items.push_back(to_json(r));
        return send(c, 200, page_json(c, base, *pg, page->total, std::move(items)));
    };
    router_.add("GET", "/api/v1/courses/{id}/attendance/",
                authed([this, report_page](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto f = attendance_filter(c, false);
                    if (!f) return fail(c, f.error());
                    return report_page(c, "/api/v1/courses/" + *id + "/attendance/",
                                       "attendance-course-" + *id + ".csv", "course", *id, [&](int limit, int offset) {
                                           f->limit = limit;
                                           f->offset = offset;
                                           return s_.attendance.course_report(p, *id, *f);
                                       });
                }));
    router_.add("GET", "/api/v1/users/{id}/attendance/",
                authed([this, report_page](RequestContext& c, const Principal& p) {
                    // "me" names the caller.
                    Result<std::string> id =
                        !c.params.empty() && c.params[0] == "me" ? Result<std::string>(p.user.id) : path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto f = attendance_filter(c, true);
                    if (!f) return fail(c, f.error());
                    return report_page(c, "/api/v1/users/" + c.params[0] + "/attendance/", "attendance-" + *id + ".csv",
                                       "user", *id, [&](int limit, int offset) {
                                           f->limit = limit;
                                           f->offset = offset;
                                           return s_.attendance.user_history(p, *id, *f);
                                       });
                }));

    // ---- data-subject rights (seed 9.4, KVKK) ----
    router_.add("GET", "/api/v1/users/{id}/data-export/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto data = s_.privacy.export_user(p, *id, c.meta());
                    if (!data) return fail(c, data.error());
                    Response res = send(c, 200, *data);
                    res.set(bhttp::field::content_disposition,
                            "attachment; filename=\"personal-data-" + *id + ".json\"");
                    return res;
                }));
    router_.add("POST", "/api/v1/users/{id}/erase/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto body = body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    r.require("confirm");
                    auto confirm = r.boolean("confirm");
                    if (confirm && !*confirm) r.add_error("confirm", "must be true: erasure cannot be undone");
                    if (auto st = check_fields(r, "the erasure request"); !st) return fail(c, st.error());
                    auto done = s_.privacy.erase_user(p, *id, c.meta());
                    if (!done) return fail(c, done.error());
                    return send(c, 200,
                                json::object{{"user_id", done->user_id},
                                             {"erased", true},
                                             {"participations_anonymised", done->counts.participations},
                                             {"audit_rows_anonymised", done->counts.audit_rows},
                                             {"webhook_events_blanked", done->counts.webhook_events}});
                }));

    // ---- audit trail (seed 9.5): read-only from the API ----
    router_.add("GET", "/api/v1/audit/", authed([this](RequestContext& c, const Principal& p) {
                    auto pg = paging(c);
                    if (!pg) return fail(c, pg.error());
                    store::AuditFilter f;
                    std::vector<FieldError> errs;
                    auto text = [&](const std::string& k, const std::string& v, std::string& out) {
                        if (v.empty() || v.size() > 200) errs.push_back({k, "must be 1 to 200 characters"});
                        out = v;
                    };
                    for (const auto& [k, v] : c.query) {
                        if (k == "page" || k == "page_size") continue;
                        if (k == "action") {
                            text(k, v, f.action);
                        } else if (k == "resource_type") {
                            text(k, v, f.resource_type);
                        } else if (k == "resource_id") {
                            text(k, v, f.resource_id);
                            if (infra::is_uuid(f.resource_id)) f.resource_id = ascii_lower(f.resource_id);
                        } else if (k == "request_id") {
                            text(k, v, f.request_id);
                        } else if (k == "actor") {
                            if (!infra::is_uuid(v)) errs.push_back({"actor", "must be a user UUID"});
                            f.actor_id = ascii_lower(v);
                        } else if (k == "from" || k == "to") {
                            time_param(k, v, k == "from" ? f.from : f.to, errs);
                        } else {
                            errs.push_back({k,
                                            "is not a known filter (action, resource_type, resource_id, actor, "
                                            "request_id, from, to, page, page_size)"});
                        }
                    }
                    if (!errs.empty()) return fail(c, bad_query(errs));
                    f.limit = pg->page_size;
                    f.offset = pg->offset();
                    auto res = s_.directory.list_audit(p, f);
                    if (!res) return fail(c, res.error());
                    json::array items;
                    for (const auto& e : res->items) {
                        boost::system::error_code ec;
                        json::value details = json::parse(e.details, ec);
                        if (ec) details = e.details;  // kept as written
                        items.push_back(json::object{{"id", e.id},
                                                     {"actor_id", e.actor_id ? json::value(*e.actor_id) : nullptr},
                                                     {"action", e.action},
                                                     {"resource_type", e.resource_type},
                                                     {"resource_id", e.resource_id},
                                                     {"ip_hash", e.ip_hash},
                                                     {"details", std::move(details)},
                                                     {"created_at", format_iso8601(e.created_at)},
                                                     {"request_id", e.request_id}});
                    }
                    return send(c, 200, page_json(c, "/api/v1/audit/", *pg, res->total, std::move(items)));
                }));

    // ---- tenant settings ----

    router_.add("GET", "/api/v1/tenants/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    return reply(c, s_.directory.get_tenant(p, *id), 200, [](const auto& t) { return to_json(t); });
                }));
    router_.add("PATCH", "/api/v1/tenants/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto body = body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    services::TenantPatch patch;
                    patch.name = r.string("name", 200);
                    patch.domains = r.string_list("domains", 50);
                    patch.lms_jwt_secret = secret_field(r, "lms_jwt_secret");
                    if (auto s = check_fields(r, "the school"); !s) return fail(c, s.error());
                    return reply(c, s_.directory.update_tenant(p, *id, patch, c.meta()), 200,
                                 [](const auto& t) { return to_json(t); });
                }));
    auto configs_json = [](const std::vector<ProviderConfig>& v) {
        json::array a;
        for (const auto& cfg : v) a.push_back(to_json(cfg));
        return json::object{{"configs", std::move(a)}};
    };
    router_.add("GET", "/api/v1/tenants/{id}/live-config/",
                authed([this, configs_json](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    return reply(c, s_.config.get_live_config(p, *id), 200, configs_json);
                }));
    router_.add("PUT", "/api/v1/tenants/{id}/live-config/",
                authed([this, configs_json](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto body = body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    services::ProviderConfigInput in;
                    r.require("provider");
                    if (auto pv = r.string("provider")) {
                        auto k = parse_provider_kind(*pv);
                        if (!k)
                            r.add_error("provider", "must be one of jitsi, bbb, zoom");
                        else
                            in.provider = *k;
                    }
                    in.is_active = r.boolean("is_active");
                    in.is_default = r.boolean("is_default");
                    in.jitsi_domain = r.string("jitsi_domain", 200);
                    in.jitsi_app_id = r.string("jitsi_app_id", 100);
                    in.jitsi_jwt_secret = secret_field(r, "jitsi_jwt_secret");
                    in.bbb_server_url = r.string("bbb_server_url", 500);
                    in.bbb_shared_secret = secret_field(r, "bbb_shared_secret");
                    in.bbb_checksum_algorithm = r.string("bbb_checksum_algorithm", 10);
                    in.zoom_account_id = r.string("zoom_account_id", 100);
                    in.zoom_client_id = r.string("zoom_client_id", 100);
                    in.zoom_client_secret = secret_field(r, "zoom_client_secret");
                    in.zoom_user_id = r.string("zoom_user_id", 200);
                    in.zoom_webhook_secret = secret_field(r, "zoom_webhook_secret");
                    in.webhook_secret = secret_field(r, "webhook_secret");
                    in.max_concurrent_rooms = r.integer("max_concurrent_rooms", 1, 100000);
                    in.default_room_duration_minutes = r.integer("default_room_duration_minutes", 1, 1440);
                    if (auto s = check_fields(r, "the provider settings"); !s) return fail(c, s.error());
                    return reply(c, s_.config.put_live_config(p, *id, in, c.meta()), 200, configs_json);
                }));
    auto policy_json = [](const services::ConfigService::PolicyView& v) {
        return json::object{{"overrides", to_json(v.overrides)}, {"effective", to_json(v.effective)}};
    };
    auto policy_routes = [&](const std::string& base, auto get, auto put) {
        router_.add("GET", base, authed([this, get, policy_json](RequestContext& c, const Principal& p) {
                        auto id = path_id(c, 0);
                        if (!id) return fail(c, id.error());
                        return reply(c, (s_.config.*get)(p, *id), 200, policy_json);
                    }));
        router_.add("PUT", base, authed([this, put, policy_json](RequestContext& c, const Principal& p) {
                        auto id = path_id(c, 0);
                        if (!id) return fail(c, id.error());
                        auto body = body_object(c);
                        if (!body) return fail(c, body.error());
                        BodyReader r(*body);
                        PolicyOverrides in = read_policy(r);
                        if (auto s = check_fields(r, "the policy"); !s) return fail(c, s.error());
                        return reply(c, (s_.config.*put)(p, *id, in, c.meta()), 200, policy_json);
                    }));
    };
    policy_routes("/api/v1/tenants/{id}/live-policy/", &services::ConfigService::get_tenant_policy,
                  &services::ConfigService::put_tenant_policy);
    policy_routes("/api/v1/courses/{id}/live-policy/", &services::ConfigService::get_course_policy,
                  &services::ConfigService::put_course_policy);

    // ---- users ----
    router_.add(
        "GET", "/api/v1/users/", authed([this](RequestContext& c, const Principal& p) {
            if (auto s = only_known_params(c, {"page", "page_size", "role", "search"}, "role, search, page, page_size");
                !s)
                return fail(c, s.error());
            auto pg = paging(c);
            if (!pg) return fail(c, pg.error());
            store::UserFilter f;
            f.limit = pg->page_size;
            f.offset = pg->offset();
            if (auto it = c.query.find("role"); it != c.query.end()) {
                f.role = parse_user_role(it->second);
                if (!f.role) return fail(c, bad_query({{"role", "must be admin, instructor or student"}}));
            }
            if (auto it = c.query.find("search"); it != c.query.end()) f.search = utf8_prefix(it->second, 100);
            auto res = s_.directory.list_users(p, f);
            if (!res) return fail(c, res.error());
            json::array items;
            for (const auto& u : res->items) items.push_back(to_json(u));
            return send(c, 200, page_json(c, "/api/v1/users/", *pg, res->total, std::move(items)));
        }));
    router_.add("POST", "/api/v1/users/", authed([this](RequestContext& c, const Principal& p) {
                    auto body = body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    services::NewUser u;
                    r.require("email");
                    u.email = r.string("email", 254).value_or("");
                    u.password = r.string("password", 1024).value_or("");
                    u.full_name = r.string("full_name", 200).value_or("");
                    if (auto role = r.string("role")) {
                        auto parsed = parse_user_role(*role);
                        if (!parsed)
                            r.add_error("role", "must be admin, instructor or student");
                        else
                            u.role = *parsed;
                    }
                    u.locale = r.string("locale", 5).value_or("tr");
                    u.external_id = r.string("external_id", 200);
                    if (auto s = check_fields(r, "the user"); !s) return fail(c, s.error());
                    return reply(c, s_.directory.create_user(p, u, c.meta()), 201,
                                 [](const auto& x) { return to_json(x); });
                }));
    router_.add("GET", "/api/v1/users/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    return reply(c, s_.directory.get_user(p, *id), 200, [](const auto& x) { return to_json(x); });
                }));
    router_.add("PATCH", "/api/v1/users/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto body = body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    services::UserPatch u;
                    u.email = r.string("email", 254);
                    u.password = r.string("password", 1024);
                    u.full_name = r.string("full_name", 200);
                    if (auto role = r.string("role")) {
                        u.role = parse_user_role(*role);
                        if (!u.role) r.add_error("role", "must be admin, instructor or student");
                    }
                    u.locale = r.string("locale", 5);
                    u.is_active = r.boolean("is_active");
                    if (auto s = check_fields(r, "the user"); !s) return fail(c, s.error());
                    return reply(c, s_.directory.update_user(p, *id, u, c.meta()), 200,
                                 [](const auto& x) { return to_json(x); });
                }));

    // ---- courses ----
    router_.add("GET", "/api/v1/courses/", authed([this](RequestContext& c, const Principal& p) {
                    if (auto s = only_known_params(c, {"page", "page_size"}, "page, page_size"); !s)
                        return fail(c, s.error());
                    auto pg = paging(c);
                    if (!pg) return fail(c, pg.error());
                    auto res = s_.directory.list_courses(p, pg->page_size, pg->offset());
                    if (!res) return fail(c, res.error());
                    json::array items;
                    for (const auto& x : res->items) items.push_back(to_json(x));
                    return send(c, 200, page_json(c, "/api/v1/courses/", *pg, res->total, std::move(items)));
                }));
    router_.add("POST", "/api/v1/courses/", authed([this](RequestContext& c, const Principal& p) {
                    auto body = body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    services::NewCourse in;
                    r.require("title");
                    in.title = r.string("title", 100000).value_or("");
                    in.description = r.string("description", 10000).value_or("");
                    in.instructor_ids = r.uuid_list("instructor_ids").value_or(std::vector<std::string>{});
                    if (auto s = check_fields(r, "the course"); !s) return fail(c, s.error());
                    return reply(c, s_.directory.create_course(p, in, c.meta()), 201,
                                 [](const auto& x) { return to_json(x); });
                }));
    router_.add("GET", "/api/v1/courses/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    return reply(c, s_.directory.get_course(p, *id), 200, [](const auto& x) { return to_json(x); });
                }));
    router_.add("PATCH", "/api/v1/courses/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto body = body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    services::CoursePatch in;
                    in.title = r.string("title", 100000);
                    in.description = r.string("description", 10000);
                    if (auto s = check_fields(r, "the course"); !s) return fail(c, s.error());
                    return reply(c, s_.directory.update_course(p, *id, in, c.meta()), 200,
                                 [](const auto& x) { return to_json(x); });
                }));
    router_.add("DELETE", "/api/v1/courses/{id}/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto r = s_.directory.delete_course(p, *id, c.meta());
                    return r ? no_content(c) : fail(c, r.error());
                }));
    auto member_body = [](RequestContext& c) -> Result<std::string> {
        auto body = body_object(c);
        if (!body) return body.take_error();
        BodyReader r(*body);
        r.require("user_id");
        auto uid = r.uuid("user_id");
        if (auto s = check_fields(r, "the request"); !s) return s.take_error();
        return *uid;
    };
    router_.add("POST", "/api/v1/courses/{id}/instructors/",
                authed([this, member_body](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto uid = member_body(c);
                    if (!uid) return fail(c, uid.error());
                    return reply(c, s_.directory.add_instructor(p, *id, *uid, c.meta()), 200,
                                 [](const auto& x) { return to_json(x); });
                }));
    router_.add("DELETE", "/api/v1/courses/{id}/instructors/{user_id}/",
                authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto uid = path_id(c, 1, "user_id");
                    if (!uid) return fail(c, uid.error());
                    return reply(c, s_.directory.remove_instructor(p, *id, *uid, c.meta()), 200,
                                 [](const auto& x) { return to_json(x); });
                }));
    router_.add("GET", "/api/v1/courses/{id}/enrollments/", authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    return reply(c, s_.directory.list_enrolled(p, *id), 200, [](const auto& users) {
                        json::array a;
                        for (const auto& u : users) a.push_back(to_json(u));
                        return json::object{{"results", std::move(a)}};
                    });
                }));
    router_.add(
        "POST", "/api/v1/courses/{id}/enrollments/", authed([this, member_body](RequestContext& c, const Principal& p) {
            auto id = path_id(c, 0);
            if (!id) return fail(c, id.error());
            auto uid = member_body(c);
            if (!uid) return fail(c, uid.error());
            auto added = s_.directory.enroll(p, *id, *uid, c.meta());
            if (!added) return fail(c, added.error());
            return send(c, *added ? 201 : 200, json::object{{"course_id", *id}, {"user_id", *uid}, {"enrolled", true}});
        }));
    router_.add("DELETE", "/api/v1/courses/{id}/enrollments/{user_id}/",
                authed([this](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto uid = path_id(c, 1, "user_id");
                    if (!uid) return fail(c, uid.error());
                    auto r = s_.directory.unenroll(p, *id, *uid, c.meta());
                    return r ? no_content(c) : fail(c, r.error());
                }));
}

Status Api::audit_export(RequestContext& c, const char* resource_type, const std::string& resource_id,
                         std::size_t rows) {
    // Seed 9.5 "exports": who took which data out, in one row; an export that cannot be audited is
    // not handed out.
    return s_.audit.record(*c.principal, "attendance.export", resource_type, resource_id, c.meta(),
                           {{"format", "csv"}, {"rows", rows}});
}

Response Api::dispatch(RequestContext& c, const std::string& path, std::string& route) {
    auto m = router_.match(std::string(c.req.method_string()), path);
    if (!m.route) {
        if (m.path_matched) {
            std::string allow;
            for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
            Response r = fail(c, Error{Code::kBadRequest, "method not allowed here; use " + allow, {}, {}});
            r.result(bhttp::status::method_not_allowed);
            r.set(bhttp::field::allow, allow);
            auto body = json::parse(r.body()).as_object();
            body["status"] = 405;
            body["type"] = "https://liveclass.dev/problems/method-not-allowed";
            body["title"] = "Method not allowed";
            r.body() = json::serialize(body);
            r.prepare_payload();
            return r;
        }
        return fail(c, Error::not_found("no such endpoint: " + path));
    }
    c.params = std::move(m.params);
    route = m.route->pattern;
    return m.route->handler(c);
}

std::optional<Response> Api::prepare(RequestContext& c, std::string& path) {
    const Request& req = c.req;
    auto rid = req["X-Request-Id"];
    bool rid_ok = !rid.empty() && rid.size() <= 64 && std::all_of(rid.begin(), rid.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
    });
    c.request_id = rid_ok ? std::string(rid) : infra::random_hex(8);
    c.client_ip = c.conn.remote_ip;
    c.https = opt_.public_https;
    if (!opt_.proxies.empty() && opt_.proxies.contains(c.conn.remote_ip)) {
        // Every X-Forwarded-For field, in order, as one list: a proxy may append its own field after
        // the one the client sent, and reading only the first would believe the client.
        std::string xff;
        for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it)
            xff.append(xff.empty() ? "" : ",").append(it->value().data(), it->value().size());
        c.client_ip = opt_.proxies.client_ip(c.conn.remote_ip, xff);
        // The proto the nearest proxy saw: the last field (an earlier one may be the client's own).
        std::string_view proto;
        for (auto [it, end] = req.equal_range("X-Forwarded-Proto"); it != end; ++it)
            proto = std::string_view(it->value().data(), it->value().size());
        if (proto == "https") c.https = true;
    }
    auto target = boost::urls::parse_origin_form(std::string_view(req.target().data(), req.target().size()));
    if (!target) return fail(c, Error::bad_request("the request target is not a valid URL path"));
    path = target->path();
    bool utf8 = true;
    for (auto qp : target->params()) {
        utf8 = utf8 && is_valid_utf8(qp.key) && is_valid_utf8(qp.value);
        c.query[qp.key] = qp.value;
    }
    // API paths end with '/' as in the seed; a web app route is the app's own and stays as it is.
    if (path != "/health" && path != "/metrics" && !(opt_.web && is_web_path(path)) &&
        (path.empty() || path.back() != '/'))
        path += '/';
    if (!utf8 || !is_valid_utf8(path))
        return fail(c, Error::bad_request("the URL must be UTF-8 text (percent-encoded)"));
    if (const std::size_t limit = body_limit_for(std::string_view(req.target().data(), req.target().size()));
        req.body().size() > limit)
        return fail(c, Error{Code::kPayloadTooLarge,
                             "the request body is larger than " + std::to_string(limit / (1024 * 1024)) + " MiB",
                             {},
                             {}});
    return std::nullopt;
}

void Api::finish(RequestContext& c, Response res, const Respond& respond) {
    const Request& req = c.req;
    res.set("X-Request-Id", c.request_id);
    apply_security_headers(res, c.https);
    if (req.method() == bhttp::verb::head) res.body().clear();
    const auto elapsed = std::chrono::steady_clock::now() - c.t0;
    if (http_metrics_)
        http_metrics_->observe(std::string_view(req.method_string().data(), req.method_string().size()), c.route,
                               res.result_int(), std::chrono::duration<double>(elapsed).count());
    log_request(c, res.result_int(), elapsed);
    respond(std::move(res));
}

void Api::log_request(const RequestContext& c, unsigned status, std::chrono::steady_clock::duration elapsed,
                      const char* stream_end) {
    if (!log_.info_enabled() && status < 500) return;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    json::object f{{"request_id", c.request_id},
                   {"method", std::string(c.req.method_string())},
                   {"route", c.route},
                   {"status", status},
                   {"duration_us", static_cast<std::int64_t>(us)}};
    if (c.principal) {
        f["tenant_id"] = c.principal->tenant.id;
        f["user_id"] = c.principal->user.id;
    }
    if (!c.session_id.empty()) f["session_id"] = c.session_id;
    if (stream_end) f["stream_end"] = stream_end;  // an event stream: logged once, when it closed
    if (status >= 500 && !c.internal_error.empty()) f["error"] = c.internal_error;
    if (status >= 500)
        log_.error("request", std::move(f));
    else
        log_.info("request", std::move(f));
}

std::size_t Api::body_limit_for(std::string_view target) const {
    // Every request passes here (the server asks before reading a body): only one route differs, so a
    // prefix test on the raw target sends all others back at once.
    constexpr std::string_view kBbbHooks = "/api/v1/live-sessions/webhooks/bbb";
    if (target.substr(0, kBbbHooks.size()) != kBbbHooks) return opt_.body_limit;
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return opt_.body_limit;
    std::string path = url->path();
    if (!path.empty() && path.back() == '/') path.pop_back();
    if (path != kBbbHooks) return opt_.body_limit;
    std::string event;  // decoded, and the last one when repeated: as the webhook service reads it
    for (auto qp : url->params())
        if (qp.key == "event") event = qp.value;
    return event == "analytics" ? std::max(opt_.body_limit, kLargestBodyLimit) : opt_.body_limit;
}

namespace {
/// One of at most `limit` places counted by `open`: held (shared) by a stream until it closes.
std::shared_ptr<void> acquire_slot(std::atomic<int>& open, int limit) {
    struct Slot {
        explicit Slot(std::atomic<int>& n) : open(n) {}
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        ~Slot() { open.fetch_sub(1); }
        std::atomic<int>& open;
    };
    if (open.fetch_add(1) >= limit) {
        open.fetch_sub(1);
        return nullptr;
    }
    return std::make_shared<Slot>(open);
}
}  // namespace

std::shared_ptr<void> Api::acquire_stream_slot() { return acquire_slot(open_streams_, opt_.sse_max_streams); }

Response Api::open_event_stream(RequestContext& c, std::string opening, std::shared_ptr<StreamSource> source) {
    auto slot = acquire_stream_slot();
    if (!slot) {
        Error busy = Error::unavailable("this server has as many live streams open as it allows; retry shortly");
        busy.retry_after_seconds = 5;
        return fail(c, busy);
    }
    PendingStream stream;
    stream.slot = std::move(slot);
    stream.opening = std::move(opening);
    stream.source = std::move(source);
    c.stream = std::move(stream);
    Response head{boost::beast::http::status::ok, c.version()};
    head.set(boost::beast::http::field::content_type, "text/event-stream; charset=utf-8");
    head.set(boost::beast::http::field::cache_control, "no-store");
    head.set("X-Accel-Buffering", "no");  // nginx: pass each event on at once
    return head;
}

std::shared_ptr<void> Api::acquire_file_stream_slot() {
    return acquire_slot(open_file_streams_, opt_.max_file_streams);
}

void Api::finish_stream(const std::shared_ptr<RequestContext>& c, Response head, const Respond& respond,
                        const RespondStream& respond_stream) {
    head.set("X-Request-Id", c->request_id);
    apply_security_headers(head, c->https);
    // The request metric measures the time to the stream's header (a latency, as for every other
    // route); how long the stream then stayed open goes to its access-log line when it closes.
    if (http_metrics_)
        http_metrics_->observe(std::string_view(c->req.method_string().data(), c->req.method_string().size()), c->route,
                               head.result_int(),
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - c->t0).count());
    PendingStream pending = std::move(*c->stream);
    c->stream.reset();
    auto on_close = [this, c, slot = std::move(pending.slot), status = head.result_int()](StreamEnd why) {
        log_request(*c, status, std::chrono::steady_clock::now() - c->t0, to_string(why));
    };
    if (c->req.method() == bhttp::verb::head) {  // the header alone: no stream opens, no slot is held
        const auto known_length = head.find(bhttp::field::content_length);
        const std::string length = known_length != head.end() ? std::string(known_length->value()) : "";
        head.body().clear();
        head.prepare_payload();
        if (!length.empty()) head.set(bhttp::field::content_length, length);  // what a GET would send
        on_close(StreamEnd::kFinished);
        return respond(std::move(head));
    }
    if (!respond_stream) {  // a caller without an event loop (Api::handle): the opening is the answer
        head.body() = std::move(pending.opening);
        head.prepare_payload();
        on_close(StreamEnd::kFinished);
        return respond(std::move(head));
    }
    respond_stream(StreamAnswer{std::move(head), std::move(pending.opening), std::move(pending.source), on_close});
}

void Api::handle_async(std::shared_ptr<const Request> req, ConnInfo conn, const Offload& offload, Respond respond,
                       RespondStream respond_stream) {
    auto c = std::make_shared<RequestContext>(std::move(req), std::move(conn));
    c->offload = offload;
    auto last_resort = [this, c, respond](const std::exception& e) {
        // A database that is locked or gone (503 with Retry-After), or a row another request wrote first
        // (409): not a bug.
        if (auto expected = store::expected_database_error(e))
            return finish(*c, fail(*c, std::move(*expected)), respond);
        // A bug, not the client's fault: log it and answer 500 without details.
        log_.error("unhandled exception", {{"request_id", c->request_id}, {"error", e.what()}});
        finish(*c, fail(*c, Error::internal_error(e.what())), respond);
    };
    std::string path;
    try {
        if (auto early = prepare(*c, path)) return finish(*c, std::move(*early), respond);
        if (opt_.web && is_web_path(path)) return serve_web(c, path, offload, respond);
        auto m = router_.match(std::string(c->req.method_string()), path);
        if (m.route && m.route->async_handler) {
            c->params = std::move(m.params);
            c->route = m.route->pattern;
            m.route->async_handler(c, [this, c, respond](Response r) { finish(*c, std::move(r), respond); });
            return;
        }
    } catch (const std::exception& e) {
        return last_resort(e);
    }
    offload([this, c, path, respond, respond_stream, last_resort] {
        Response res;
        try {
            res = dispatch(*c, path, c->route);
        } catch (const std::exception& e) {
            c->stream.reset();
            return last_resort(e);
        }
        if (c->stream && (res.result() == bhttp::status::ok || res.result() == bhttp::status::partial_content))
            return finish_stream(c, std::move(res), respond, respond_stream);
        c->stream.reset();
        finish(*c, std::move(res), respond);
    });
}

Response Api::handle(const Request& req, const ConnInfo& conn) {
    auto promise = std::make_shared<std::promise<Response>>();
    auto answer = promise->get_future();
    handle_async(
        std::make_shared<const Request>(req), conn, [](std::function<void()> fn) { fn(); },
        [promise](Response r) { promise->set_value(std::move(r)); });
    return answer.get();
}

}  // namespace lc::http
