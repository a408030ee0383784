// GET /metrics over HTTP on SQLite and PostgreSQL: the exposition passes `promtool check metrics`,
// requests are labelled by route pattern (never the raw path), the gauges follow the database, job
// failures, webhook processing latency and provider calls are recorded, access is loopback-only or
// by bearer token, and the Grafana dashboard queries only metrics the server exposes.
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "fake_bbb.hpp"
#include "fake_zoom.hpp"
#include "harness.hpp"
#include "http/http_metrics.hpp"
#include "infra/crypto.hpp"
#include "infra/metered_http_client.hpp"
#include "providers/bbb.hpp"
#include "providers/zoom.hpp"
#include "store/job_repo.hpp"
#include "store/webhook_repo.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

struct ToolResult {
    int exit_code = -1;
    std::string output;
};

/// Pipes `text` into `promtool check metrics` and returns its exit code and output.
ToolResult promtool_check(const std::string& text) {
    char path[] = "/tmp/liveclass-metrics-XXXXXX";
    int fd = ::mkstemp(path);
    EXPECT_GE(fd, 0);
    ::close(fd);
    {
        std::ofstream out(path, std::ios::binary);
        out << text;
    }
    ToolResult r;
    std::string cmd = "promtool check metrics < " + std::string(path) + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    EXPECT_NE(p, nullptr);
    if (p) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
        int status = ::pclose(p);
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::remove(path);
    return r;
}

/// Metric family names from the "# TYPE name kind" lines, with their kind.
std::map<std::string, std::string> exposed_families(const std::string& text) {
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("# TYPE ", 0) != 0) continue;
        std::istringstream l(line.substr(7));
        std::string name, kind;
        l >> name >> kind;
        out[name] = kind;
    }
    return out;
}

/// The value of the sample line that starts with `series` ("name{labels}"), or -1 when there is none.
double sample(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ')
            return std::stod(line.substr(series.size() + 1));
    return -1;
}

class Metrics : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
};

TEST_P(Metrics, ScrapeIsValidPrometheusTextLabelledByRoutePatternWithDatabaseGauges) {
    auto s = srv.make_school("alpha", 2);
    std::string id(srv.create_session(s).at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    auto join = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]);
    ASSERT_EQ(join.status, 200u) << join.body;
    ASSERT_EQ(srv.get("/api/v1/live-sessions/" + id + "/", s.student_tokens[0]).status, 200u);
    ASSERT_EQ(srv.get("/no/such/thing/" + id).status, 404u);

    auto m = srv.get("/metrics");
    ASSERT_EQ(m.status, 200u) << m.body;
    EXPECT_EQ(m.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    auto check = promtool_check(m.body);
    EXPECT_EQ(check.exit_code, 0) << "promtool (Debian package prometheus, installed by scripts/install-deps.sh "
                                     "--test) found problems:\n"
                                  << check.output;
    EXPECT_EQ(check.output, "");

    // Routes by pattern: the session id (in three requests' paths) is never a label value.
    EXPECT_EQ(m.body.find(id), std::string::npos);
    const std::string h = "liveclass_http_request_duration_seconds_count";
    EXPECT_EQ(sample(m.body, h + "{method=\"POST\",route=\"/api/v1/live-sessions/{id}/join/\",status=\"2xx\"}"), 1);
    EXPECT_EQ(sample(m.body, h + "{method=\"GET\",route=\"/api/v1/live-sessions/{id}/\",status=\"2xx\"}"), 1);
    EXPECT_EQ(sample(m.body, h + "{method=\"GET\",route=\"unmatched\",status=\"4xx\"}"), 1);
    EXPECT_EQ(sample(m.body, "liveclass_concurrent_sessions"), 1);
    EXPECT_EQ(sample(m.body, "liveclass_active_participants"), 1);
    EXPECT_EQ(sample(m.body, "liveclass_database_up"), 1);
    EXPECT_EQ(sample(m.body, "liveclass_job_queue_depth{type=\"close_stale_participants\"}"), 1);  // class is live
    EXPECT_EQ(sample(m.body, "liveclass_job_queue_depth{type=\"check_webhook_health\"}"), 0);      // no alert URL
    EXPECT_EQ(sample(m.body, "liveclass_job_queue_depth{type=\"calculate_attendance\"}"), 0);

    // The scrape itself is counted by the next one; an unknown method is "OTHER", not a label of its own.
    auto odd = http_request(srv.port(), "PROPFIND", "/api/v1/live-sessions/" + id + "/");
    EXPECT_EQ(odd.status, 405u) << odd.body;
    auto again = srv.get("/metrics");
    EXPECT_EQ(sample(again.body, h + "{method=\"GET\",route=\"/metrics\",status=\"2xx\"}"), 1);
    EXPECT_EQ(again.body.find("PROPFIND"), std::string::npos);
    EXPECT_EQ(sample(again.body, h + "{method=\"OTHER\",route=\"unmatched\",status=\"4xx\"}"), 1) << again.body;

    // Ending the class: the gauges follow the database.
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    auto after = srv.get("/metrics");
    EXPECT_EQ(sample(after.body, "liveclass_concurrent_sessions"), 0);
    EXPECT_EQ(sample(after.body, "liveclass_active_participants"), 0);
    EXPECT_GE(sample(after.body, "liveclass_job_queue_depth{type=\"calculate_attendance\"}"), 1);
}

TEST_P(Metrics, JobFailuresAndWebhookProcessingLatencyAreRecorded) {
    auto s = srv.make_school("beta", 1);
    const UnixTime t0 = srv.clock().now();
    {
        store::Tx tx(srv.app().db());
        store::Job bad;  // a summary job without its session id fails
        bad.id = infra::new_uuid();
        bad.tenant_id = s.tenant.id;
        bad.type = "calculate_attendance";
        store::enqueue_job(tx.sql(), bad, t0);
        store::WebhookEvent e;  // an accepted delivery with nothing to apply
        e.id = infra::new_uuid();
        e.provider = "jitsi";
        e.tenant_id = s.tenant.id;
        e.dedupe_key = e.id;
        e.status = "received";
        e.body = "{}";
        e.received_at = t0;
        ASSERT_TRUE(store::insert_webhook_event(tx.sql(), e));
        store::Job drain;
        drain.id = infra::new_uuid();
        drain.type = services::WebhookService::kDrainJob;
        store::enqueue_job(tx.sql(), drain, t0);
        tx.commit();
    }
    srv.clock().advance(3);  // the worker applies it 3 s after it arrived
    srv.app().workers().run_due();
    auto m = srv.get("/metrics");
    ASSERT_EQ(m.status, 200u);
    EXPECT_EQ(sample(m.body, "liveclass_job_failures_total{type=\"calculate_attendance\"}"), 1) << m.body;
    const std::string w = "liveclass_webhook_processing_seconds";
    EXPECT_EQ(sample(m.body, w + "_bucket{provider=\"jitsi\",outcome=\"ignored\",le=\"2\"}"), 0);
    EXPECT_EQ(sample(m.body, w + "_bucket{provider=\"jitsi\",outcome=\"ignored\",le=\"5\"}"), 1);
    EXPECT_EQ(sample(m.body, w + "_sum{provider=\"jitsi\",outcome=\"ignored\"}"), 3);
    EXPECT_EQ(sample(m.body, w + "_count{provider=\"jitsi\",outcome=\"processed\"}"), 0);
    EXPECT_EQ(promtool_check(m.body).exit_code, 0);
}

TEST_P(Metrics, WithoutATokenOnlyDirectLoopbackPeersMayScrape) {
    auto via_proxy = http_request(srv.port(), "GET", "/metrics", "", "", {{"X-Forwarded-For", "203.0.113.9"}});
    EXPECT_EQ(via_proxy.status, 403u);
    EXPECT_EQ(via_proxy.headers["content-type"], "application/problem+json");
    EXPECT_NE(via_proxy.body.find("LIVE_METRICS_TOKEN"), std::string::npos);
    EXPECT_EQ(http_request(srv.port(), "GET", "/metrics", "", "", {{"Forwarded", "for=203.0.113.9"}}).status, 403u);
    EXPECT_EQ(srv.get("/metrics?format=json").status, 400u);
    EXPECT_EQ(srv.post("/metrics", "").status, 405u);
}

TEST_P(Metrics, WithATokenTheBearerIsRequired) {
    Config cfg;
    cfg.metrics_token = "metrics-token-0123456789abcdef";
    TestServer guarded(GetParam(), true, cfg);
    auto none = guarded.get("/metrics");
    EXPECT_EQ(none.status, 401u);
    EXPECT_EQ(none.headers["www-authenticate"], "Bearer");
    EXPECT_EQ(none.headers["content-type"], "application/problem+json");
    EXPECT_EQ(guarded.get("/metrics", "metrics-token-0123456789abcdeX").status, 401u);
    auto ok = guarded.get("/metrics", cfg.metrics_token);
    EXPECT_EQ(ok.status, 200u);
    EXPECT_NE(ok.body.find("# TYPE liveclass_concurrent_sessions gauge"), std::string::npos);
    // With a token, a scraper behind a proxy is fine: the token is what counts.
    EXPECT_EQ(
        http_request(guarded.port(), "GET", "/metrics", "", cfg.metrics_token, {{"X-Forwarded-For", "203.0.113.9"}})
            .status,
        200u);
}

TEST_P(Metrics, GrafanaDashboardQueriesOnlyMetricsTheServerExposes) {
    std::ifstream in(LIVECLASS_SOURCE_DIR "/infra/grafana/liveclass.json");
    ASSERT_TRUE(in.good()) << "infra/grafana/liveclass.json is missing";
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    json::value dash = json::parse(text.str(), ec);
    ASSERT_FALSE(ec) << "the dashboard is not JSON: " << ec.message();
    std::vector<std::string> exprs;
    std::function<void(const json::value&)> walk = [&](const json::value& v) {
        if (v.is_object()) {
            for (const auto& kv : v.get_object()) {
                if (kv.key() == "expr" && kv.value().is_string()) exprs.emplace_back(kv.value().get_string());
                walk(kv.value());
            }
        } else if (v.is_array()) {
            for (const auto& e : v.get_array()) walk(e);
        }
    };
    walk(dash);
    ASSERT_GE(exprs.size(), 8U);

    auto families = exposed_families(srv.get("/metrics").body);
    std::set<std::string> used;
    const std::regex metric(R"(\bliveclass_[a-z0-9_]+)");
    for (const auto& e : exprs) {
        bool any = false;
        for (auto it = std::sregex_iterator(e.begin(), e.end(), metric); it != std::sregex_iterator(); ++it) {
            std::string name = it->str();
            for (const char* suffix : {"_bucket", "_sum", "_count"}) {
                std::string sfx(suffix);
                if (name.size() > sfx.size() && name.compare(name.size() - sfx.size(), sfx.size(), sfx) == 0 &&
                    families.count(name.substr(0, name.size() - sfx.size())) &&
                    families[name.substr(0, name.size() - sfx.size())] == "histogram")
                    name = name.substr(0, name.size() - sfx.size());
            }
            EXPECT_TRUE(families.count(name))
                << "the dashboard queries " << it->str() << ", which /metrics does not expose (expr: " << e << ")";
            used.insert(name);
            any = true;
        }
        EXPECT_TRUE(any) << "an expr names no liveclass metric: " << e;
    }
    // Every metric of the issue has a panel.
    for (const char* name :
         {"liveclass_concurrent_sessions", "liveclass_active_participants", "liveclass_webhook_processing_seconds",
          "liveclass_http_request_duration_seconds", "liveclass_job_queue_depth", "liveclass_job_failures_total",
          "liveclass_provider_request_duration_seconds", "liveclass_provider_errors_total",
          "liveclass_storage_request_duration_seconds", "liveclass_storage_errors_total"})
        EXPECT_TRUE(used.count(name)) << "no dashboard panel shows " << name;
}

INSTANTIATE_TEST_SUITE_P(Engines, Metrics, ::testing::ValuesIn(available_engines()), engine_name);

TEST(MetricsAccess, DecidesByTokenOrByADirectLoopbackPeer) {
    using http::metrics_access;
    // No token configured: this host only, and not through a proxy.
    EXPECT_TRUE(metrics_access("", "", "127.0.0.1", false));
    EXPECT_TRUE(metrics_access("", "", "127.0.0.53", false));
    EXPECT_TRUE(metrics_access("", "", "::1", false));
    EXPECT_TRUE(metrics_access("", "", "::ffff:127.0.0.1", false));
    EXPECT_EQ(metrics_access("", "", "10.0.0.7", false).error().code, Code::kPermissionDenied);
    EXPECT_EQ(metrics_access("", "", "::ffff:10.0.0.7", false).error().code, Code::kPermissionDenied);
    EXPECT_EQ(metrics_access("", "", "127.0.0.1", true).error().code, Code::kPermissionDenied);
    EXPECT_EQ(metrics_access("", "Bearer anything", "10.0.0.7", false).error().code, Code::kPermissionDenied);
    // A token configured: the bearer decides, wherever the scraper is.
    const std::string t = "metrics-token-0123456789abcdef";
    EXPECT_TRUE(metrics_access(t, "Bearer " + t, "10.0.0.7", true));
    EXPECT_TRUE(metrics_access(t, "bearer " + t, "10.0.0.7", false));
    EXPECT_EQ(metrics_access(t, "", "127.0.0.1", false).error().code, Code::kUnauthenticated);
    EXPECT_EQ(metrics_access(t, "Bearer ", "127.0.0.1", false).error().code, Code::kUnauthenticated);
    EXPECT_EQ(metrics_access(t, "Basic " + t, "127.0.0.1", false).error().code, Code::kUnauthenticated);
    EXPECT_EQ(metrics_access(t, "Bearer " + t + "x", "127.0.0.1", false).error().code, Code::kUnauthenticated);
}

// Provider calls through the metered client: timed and counted per provider and kind of call, with
// ids (meeting ids, the host's e-mail) kept out of the labels.
TEST(MetricsProviderCalls, AreTimedAndErrorsCountedByProviderAndEndpointKind) {
    infra::metrics::Registry registry;
    infra::CurlHttpClient curl;
    infra::MeteredHttpClient http(curl, registry);
    ManualClock clock{1'700'000'000};

    FakeBbb bbb("8cd8ef52e8e101574e400365b55e11a6");
    providers::BbbSettings bs;
    bs.server_url = bbb.server_url();
    bs.secret = "8cd8ef52e8e101574e400365b55e11a6";
    bs.timeout = std::chrono::milliseconds(2000);
    providers::BbbProvider bbb_provider(bs, http, clock);
    ASSERT_TRUE(bbb_provider.health_check()) << "getMeetings against the fake";
    bbb.set_mode(FakeBbb::Mode::kHttp500);
    EXPECT_FALSE(bbb_provider.health_check());

    FakeZoom zoom("acct-okul", "client-okul", "client-secret-okul-0123456789");
    providers::ZoomSettings zs;
    zs.account_id = "acct-okul";
    zs.client_id = "client-okul";
    zs.client_secret = "client-secret-okul-0123456789";
    zs.user_id = "host@okul.test";
    zs.api_base = zoom.api_base();
    zs.oauth_url = zoom.oauth_url();
    zs.timeout = std::chrono::milliseconds(2000);
    providers::ZoomTokenCache tokens;
    providers::ZoomProvider zoom_provider(zs, http, tokens, clock);
    domain::LiveSession session;
    session.id = "0b0f8c4e-1c7d-4a57-9d2b-3f1f5a7c9e11";
    session.title = "Kimya 10-B";
    session.scheduled_start = 1'800'000'000;
    session.scheduled_end = 1'800'000'000 + 2700;
    auto room = zoom_provider.create_room(session, "okul");
    ASSERT_TRUE(room) << room.error().message;

    std::string text = registry.render();
    const std::string d = "liveclass_provider_request_duration_seconds_count";
    EXPECT_EQ(sample(text, d + "{provider=\"bbb\",endpoint=\"getMeetings\"}"), 2) << text;
    EXPECT_EQ(sample(text, "liveclass_provider_errors_total{provider=\"bbb\",endpoint=\"getMeetings\"}"), 1);
    EXPECT_EQ(sample(text, d + "{provider=\"zoom\",endpoint=\"oauth\"}"), 1);
    EXPECT_EQ(sample(text, d + "{provider=\"zoom\",endpoint=\"POST /users/{id}/meetings\"}"), 1);
    EXPECT_EQ(text.find("host@okul.test"), std::string::npos);
    EXPECT_EQ(text.find("host%40okul.test"), std::string::npos);
    EXPECT_EQ(promtool_check(text).exit_code, 0);
}

}  // namespace
}  // namespace lc::testing
