// Provider health (seed 10.3) and the circuit breaker in front of provider calls (seed 12.4): a provider
// that keeps failing is paused, requests answer 503 with Retry-After at once, and one probe later
// closes the breaker again.
#include <gtest/gtest.h>

#include <atomic>

#include "fake_bbb.hpp"
#include "harness.hpp"
#include "infra/http_client.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

/// A scripted transport (our own interface): answers with `status`, or fails like a refused connection.
class ScriptedHttp final : public infra::HttpClient {
public:
    mutable std::atomic<int> calls{0};
    std::atomic<long> status{500};
    std::atomic<bool> refuse{false};
    Result<infra::HttpResponse> send(const infra::HttpRequest&) const override {
        ++calls;
        if (refuse) return Error::unavailable("the provider could not be reached", "connection refused");
        infra::HttpResponse r;
        r.status = status;
        return r;
    }
};

TEST(CircuitBreaker, OpensAfterFailuresInARowAndProbesOnceThePauseIsOver) {
    ScriptedHttp inner;
    ManualClock clock{1'700'000'000};
    infra::CircuitBreakerHttpClient breaker(inner, clock, {3, 30});
    infra::HttpRequest req;
    req.url = "https://bbb.okul.test/bigbluebutton/api/create?x=1";
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(breaker.send(req).ok()) << "a 5xx is still an answer";
    EXPECT_EQ(inner.calls.load(), 3);
    auto paused = breaker.send(req);
    ASSERT_FALSE(paused);
    EXPECT_EQ(paused.error().code, Code::kUnavailable);
    EXPECT_EQ(paused.error().retry_after_seconds, 30);
    EXPECT_EQ(inner.calls.load(), 3) << "an open breaker does not call the provider";
    EXPECT_EQ(breaker.open_destinations().at("https://bbb.okul.test"), 30);
    // Another destination is not affected.
    infra::HttpRequest other;
    other.url = "https://zoom.test/v2/users";
    inner.status = 200;
    EXPECT_TRUE(breaker.send(other));
    inner.status = 500;

    clock.advance(20);
    EXPECT_EQ(breaker.send(req).error().retry_after_seconds, 10);
    clock.advance(10);
    EXPECT_TRUE(breaker.send(req).ok()) << "the probe goes through";
    EXPECT_FALSE(breaker.send(req)) << "the probe failed: open again";
    clock.advance(30);
    inner.status = 200;
    EXPECT_TRUE(breaker.send(req));
    EXPECT_TRUE(breaker.open_destinations().empty()) << "a good answer closes it";
    inner.refuse = true;
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(breaker.send(req));
    EXPECT_EQ(breaker.send(req).error().retry_after_seconds, 30) << "transport failures count too";
}

constexpr const char* kBbbSecret = "bbb-health-secret-0123456789abcdef";

Config unreachable_jitsi() {
    Config c;
    c.jitsi_domain = "127.0.0.1:1";  // nothing listens there: refused at once
    return c;
}

class ProviderHealth : public ::testing::TestWithParam<Engine> {
protected:
    FakeBbb fake{kBbbSecret};
    TestServer srv{GetParam(), true, unreachable_jitsi()};

    TestServer::School bbb_school(const std::string& slug) {
        auto s = srv.make_school(slug, 1);
        auto r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                              {{"provider", "bbb"},
                               {"is_default", true},
                               {"bbb_server_url", fake.server_url()},
                               {"bbb_shared_secret", kBbbSecret}},
                              s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
        // The school's Jitsi settings (made by the harness) are switched off: their test host names do
        // not resolve here.
        r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                         {{"provider", "jitsi"}, {"is_active", false}}, s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
        return s;
    }
};

TEST_P(ProviderHealth, EveryEndpointIsCheckedOnceAndADownOneIs503) {
    bbb_school("healtha");
    bbb_school("healthb");  // same BBB server and secret: checked once, used by two schools
    auto r = srv.get("/health/live-provider");
    EXPECT_EQ(r.status, 503u) << r.body;
    EXPECT_EQ(r.obj().at("status"), "degraded");
    std::map<std::string, json::object> by;
    for (const auto& p : r.obj().at("providers").as_array()) by[js(p.at("provider"))] = p.as_object();
    ASSERT_TRUE(by.count("bbb")) << r.body;
    EXPECT_EQ(by["bbb"].at("status"), "up") << r.body;
    EXPECT_EQ(by["bbb"].at("schools").as_int64(), 2);
    EXPECT_EQ(js(by["bbb"].at("target")), fake.server_url().substr(0, fake.server_url().find("/bigbluebutton")));
    ASSERT_TRUE(by.count("jitsi")) << r.body;
    EXPECT_EQ(by["jitsi"].at("status"), "down");
    EXPECT_FALSE(js(by["jitsi"].at("error")).empty());
    EXPECT_EQ(r.body.find(kBbbSecret), std::string::npos) << "no secrets in the health report";
    EXPECT_EQ(fake.calls_named("getMeetings").size(), 1U);

    fake.set_mode(FakeBbb::Mode::kHttp500);
    r = srv.get("/health/live-provider");
    EXPECT_EQ(fake.calls_named("getMeetings").size(), 1U) << "a report under 30 s old is served again";
    srv.clock().advance(31);
    r = srv.get("/health/live-provider");
    for (const auto& p : r.obj().at("providers").as_array()) {
        if (p.at("provider") == "bbb") {
            EXPECT_EQ(p.at("status"), "down") << r.body;
        }
    }
}

TEST_P(ProviderHealth, ADownProviderIsPausedAndClassesAnswer503WithRetryAfter) {
    auto s = bbb_school("breaker");
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string());
    fake.set_mode(FakeBbb::Mode::kHttp500);
    for (int i = 0; i < 5; ++i) {
        auto r = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
        EXPECT_EQ(r.status, 503u) << r.body;
        EXPECT_EQ(r.headers["retry-after"], "30");
    }
    int calls = fake.hits();
    auto paused = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
    EXPECT_EQ(paused.status, 503u) << paused.body;
    EXPECT_EQ(paused.headers["content-type"], "application/problem+json");
    EXPECT_EQ(paused.headers["retry-after"], "30");
    EXPECT_NE(paused.str("detail").find("Try again in 30 s"), std::string::npos) << paused.body;
    EXPECT_EQ(fake.hits(), calls) << "the paused provider was not called";
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token).obj().at("status"), "scheduled");

    fake.set_mode(FakeBbb::Mode::kNormal);
    srv.clock().advance(31);
    auto started = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
    EXPECT_EQ(started.status, 200u) << started.body;
}

INSTANTIATE_TEST_SUITE_P(Engines, ProviderHealth, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
