// Operations routes: GET /metrics (Prometheus) and the school admins' live ops view (seed 10.1, 10.4).
#include <boost/json.hpp>

#include "core/time.hpp"
#include "http/api.hpp"
#include "http/problem.hpp"

namespace lc::http {

namespace json = boost::json;

namespace {

json::value time_or_null(const std::optional<UnixTime>& t) {
    return t ? json::value(format_iso8601(*t)) : json::value(nullptr);
}

json::object event_json(const store::WebhookEvent& e) {
    return {{"id", e.id},
            {"provider", e.provider},
            {"session_id", e.session_id ? json::value(*e.session_id) : json::value(nullptr)},
            {"event_type", e.event_type},
            {"status", e.status},
            {"reason", e.reason},
            {"received_at", format_iso8601(e.received_at)},
            {"processed_at", time_or_null(e.processed_at)}};
}

json::object ops_json(const services::OpsView& v) {
    json::array sessions, providers, events, failed_jobs, failed_webhooks;
    for (const auto& s : v.sessions)
        sessions.push_back(json::object{{"id", s.id},
                                        {"title", s.title},
                                        {"provider", s.provider},
                                        {"room_id", s.room_id},
                                        {"actual_start", time_or_null(s.actual_start)},
                                        {"participant_count", s.participant_count},
                                        {"peak_participants", s.peak_participants}});
    for (const auto& h : v.providers) {
        json::object o{{"provider", h.provider},
                       {"target", h.target},
                       {"status", h.up ? "up" : "down"},
                       {"latency_ms", h.latency_ms}};
        if (!h.up) o["error"] = h.error;
        providers.push_back(std::move(o));
    }
    for (const auto& e : v.webhook_events) events.push_back(event_json(e));
    for (const auto& j : v.failed_jobs)
        failed_jobs.push_back(json::object{
            {"id", j.id},
            {"type", j.type},
            {"status", j.status},
            {"attempts", j.attempts},
            {"max_attempts", j.max_attempts},
            {"next_run_at", j.status == "queued" ? json::value(format_iso8601(j.run_at)) : json::value(nullptr)},
            {"last_error", j.public_error}});
    for (const auto& e : v.failed_webhooks) failed_webhooks.push_back(event_json(e));
    json::object o{
        {"generated_at", format_iso8601(v.generated_at)},
        {"active_sessions", std::move(sessions)},
        {"providers", std::move(providers)},
        {"webhook_events", std::move(events)},
        {"errors", json::object{{"jobs", std::move(failed_jobs)}, {"webhooks", std::move(failed_webhooks)}}}};
    if (!v.providers_error.empty()) o["providers_error"] = v.providers_error;
    return o;
}

}  // namespace

void Api::register_ops_routes() {
    auto fail = [](RequestContext& c, const Error& e) {
        if (!e.internal.empty()) c.internal_error = e.internal;
        return problem_response(e, c.version(), c.keep_alive());
    };

    // Seed 10.1: Prometheus text format. Not under /api/v1/ and no trailing slash, as scrapers expect.
    router_.add("GET", "/metrics", [this, fail](RequestContext& c) {
        if (!opt_.metrics) return fail(c, Error::not_found("metrics are not enabled in this process"));
        bool proxied = !c.req["X-Forwarded-For"].empty() || !c.req["Forwarded"].empty();
        auto auth = c.req[bhttp::field::authorization];
        if (auto ok = metrics_access(opt_.metrics_token, std::string_view(auth.data(), auth.size()), c.conn.remote_ip,
                                     proxied);
            !ok) {
            Response r = fail(c, ok.error());
            if (r.result() == bhttp::status::unauthorized) r.set(bhttp::field::www_authenticate, "Bearer");
            return r;
        }
        if (!c.query.empty()) return fail(c, Error::bad_request("/metrics takes no query parameters"));
        Response res{bhttp::status::ok, c.version()};
        res.keep_alive(c.keep_alive());
        res.set(bhttp::field::content_type, infra::metrics::kContentType);
        res.body() = opt_.metrics->render();
        res.prepare_payload();
        return res;
    });

    // Seed 10.4: the school's live classes, provider status, last 100 webhook events and latest errors.
    router_.add("GET", "/api/v1/ops/live/", [this, fail](RequestContext& c) {
        auto auth = c.req[bhttp::field::authorization];
        std::string token;
        if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer "))
            token = std::string(auth.substr(7));
        auto p = s_.auth.authenticate(token);
        if (!p) return fail(c, p.error());
        c.principal = std::move(p.value());
        if (!c.query.empty()) {
            std::vector<FieldError> errs;
            for (const auto& kv : c.query)
                errs.push_back({kv.first, "is not a parameter of the ops view (it has none)"});
            return fail(c, Error{Code::kBadRequest, "invalid query parameters", {}, std::move(errs)});
        }
        if (!s_.ops) return fail(c, Error::unavailable("the ops view is not wired in this process"));
        auto view = s_.ops->live_view(*c.principal);
        if (!view) return fail(c, view.error());
        return json_response(200, ops_json(*view), c.version(), c.keep_alive());
    });
}

}  // namespace lc::http
