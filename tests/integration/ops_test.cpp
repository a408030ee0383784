// Seed 10.4 and 10.5 on SQLite and PostgreSQL: the school admins' live ops view over HTTP (their school
// only), and the check_webhook_health job alerting a Slack-style receiver on loopback once per incident
// (several App instances on one database stand in for several workers), with a ManualClock.
#include <boost/json.hpp>
#include <mutex>

#include "harness.hpp"
#include "http/server.hpp"
#include "infra/crypto.hpp"
#include "store/job_repo.hpp"
#include "store/webhook_repo.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

/// A Slack-style incoming webhook on loopback: keeps every POSTed body, answers `status`.
class AlertReceiver {
public:
    AlertReceiver() : log_(infra::Logger::quiet()) {
        http::ServerOptions so;
        so.port = 0;
        so.io_threads = 1;
        so.handler_threads = 1;
        server_ = std::make_unique<http::Server>(
            so,
            [this](std::shared_ptr<const http::Request> req, const http::ConnInfo&, const http::Offload&,
                   http::Respond respond, http::RespondStream) {
                http::Response res{boost::beast::http::status::ok, req->version()};
                {
                    std::lock_guard lk(mu_);
                    bodies_.push_back(req->body());
                    content_types_.emplace_back(req->at(boost::beast::http::field::content_type));
                    res.result(status_);
                }
                res.body() = res.result_int() == 200 ? "ok" : "invalid_token";
                res.keep_alive(false);
                res.prepare_payload();
                respond(std::move(res));
            },
            log_);
        port_ = server_->start();
    }
    ~AlertReceiver() { server_->stop(1); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/services/T000/B000/XXXX"; }
    void answer(unsigned status) {
        std::lock_guard lk(mu_);
        status_ = status;
    }
    /// The "text" of every post received.
    std::vector<std::string> texts() const {
        std::lock_guard lk(mu_);
        std::vector<std::string> out;
        for (const auto& b : bodies_) out.emplace_back(json::parse(b).at("text").as_string());
        return out;
    }
    std::vector<std::string> content_types() const {
        std::lock_guard lk(mu_);
        return content_types_;
    }

private:
    infra::Logger log_;
    std::unique_ptr<http::Server> server_;
    unsigned short port_ = 0;
    mutable std::mutex mu_;
    unsigned status_ = 200;
    std::vector<std::string> bodies_, content_types_;
};

/// Stores a webhook delivery as the intake would, with the given outcome and time.
std::string add_event(TestServer& srv, const std::optional<std::string>& tenant, const std::string& status, UnixTime at,
                      const std::string& reason = "") {
    store::WebhookEvent e;
    e.id = infra::new_uuid();
    e.provider = "jitsi";
    e.tenant_id = tenant;
    e.dedupe_key = e.id;
    e.event_type = "participant_joined";
    e.status = status;
    e.reason = reason;
    e.body = "{}";
    e.received_at = at;
    store::Tx tx(srv.app().db());
    if (status == "rejected")
        store::insert_rejected_webhook(tx.sql(), e);
    else
        store::insert_webhook_event(tx.sql(), e);
    tx.commit();
    return e.id;
}

void add_events(TestServer& srv, const std::string& status, int n, UnixTime at) {
    for (int i = 0; i < n; ++i) add_event(srv, std::nullopt, status, at);
}

/// A job of the school that failed for good.
std::string add_dead_job(TestServer& srv, const std::string& tenant, const std::string& error,
                         const std::string& internal = "") {
    store::Job j;
    j.id = infra::new_uuid();
    j.tenant_id = tenant;
    j.type = "calculate_attendance";
    j.max_attempts = 1;
    j.attempts = 1;
    UnixTime now = srv.clock().now();
    {
        store::Tx tx(srv.app().db());
        store::enqueue_job(tx.sql(), j, now);
        tx.commit();
    }
    store::fail_job(srv.app().db(), j, internal.empty() ? error : error + ": " + internal, error, now + 10, now);
    return j.id;
}

class Ops : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
};

TEST_P(Ops, LiveViewShowsTheCallersSchoolOnlyAndOnlyToItsAdmins) {
    auto a = srv.make_school("alpha", 2);
    auto b = srv.make_school("beta", 1);
    std::string live_a(srv.create_session(a).at("id").as_string());
    std::string idle_a(srv.create_session(a).at("id").as_string());  // scheduled, not live
    std::string live_b(srv.create_session(b).at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + live_a + "/start/", "", a.instructor_token).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + live_b + "/start/", "", b.instructor_token).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + live_a + "/join/", "", a.student_tokens[0]).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + live_a + "/join/", "", a.student_tokens[1]).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + live_b + "/join/", "", b.student_tokens[0]).status, 200u);

    UnixTime now = srv.clock().now();
    std::string ok_a = add_event(srv, a.tenant.id, "processed", now - 5);
    std::string failed_a = add_event(srv, a.tenant.id, "failed", now - 4, "the session no longer exists");
    std::string rejected_a = add_event(srv, a.tenant.id, "rejected", now - 3, "bad signature");
    std::string failed_b = add_event(srv, b.tenant.id, "failed", now - 2);
    // The job's full error names the deployment's store; the school's admin reads the public part only.
    std::string job_a = add_dead_job(srv, a.tenant.id, "summary failed: boom",
                                     "the file store (s3://operator-bucket/liveclass/) refused to put: HTTP 403");
    std::string job_b = add_dead_job(srv, b.tenant.id, "summary failed: other school");

    auto r = srv.get("/api/v1/ops/live/", a.admin_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    const auto& o = r.obj();
    const auto& sessions = o.at("active_sessions").as_array();
    ASSERT_EQ(sessions.size(), 1U) << r.body;
    EXPECT_EQ(js(sessions[0].at("id")), live_a);
    EXPECT_EQ(sessions[0].at("participant_count").as_int64(), 2);
    EXPECT_EQ(sessions[0].at("provider"), "jitsi");
    EXPECT_TRUE(sessions[0].at("actual_start").is_string());

    std::vector<std::string> event_ids;
    for (const auto& e : o.at("webhook_events").as_array()) event_ids.emplace_back(e.at("id").as_string());
    EXPECT_EQ(event_ids, (std::vector<std::string>{rejected_a, failed_a, ok_a}));  // newest first, A's only
    const auto& errors = o.at("errors").as_object();
    ASSERT_EQ(errors.at("jobs").as_array().size(), 1U) << r.body;
    EXPECT_EQ(js(errors.at("jobs").as_array()[0].at("id")), job_a);
    EXPECT_EQ(errors.at("jobs").as_array()[0].at("status"), "dead");
    EXPECT_EQ(errors.at("jobs").as_array()[0].at("last_error"), "summary failed: boom");
    EXPECT_EQ(r.body.find("operator-bucket"), std::string::npos) << r.body;
    const auto& bad_hooks = errors.at("webhooks").as_array();
    ASSERT_EQ(bad_hooks.size(), 2U);
    EXPECT_EQ(js(bad_hooks[0].at("id")), rejected_a);
    EXPECT_EQ(bad_hooks[0].at("reason"), "bad signature");
    EXPECT_EQ(js(bad_hooks[1].at("id")), failed_a);
    // Provider status: the school's own Jitsi endpoint, checked (the test domain does not resolve: down).
    const auto& providers = o.at("providers").as_array();
    ASSERT_EQ(providers.size(), 1U) << r.body;
    EXPECT_EQ(providers[0].at("provider"), "jitsi");
    EXPECT_EQ(providers[0].at("target"), "meet.alpha.test");
    EXPECT_FALSE(providers[0].as_object().contains("schools"));
    EXPECT_EQ(r.body.find(live_b), std::string::npos);
    EXPECT_EQ(r.body.find(failed_b), std::string::npos);
    EXPECT_EQ(r.body.find(job_b), std::string::npos);
    EXPECT_EQ(r.body.find(idle_a), std::string::npos);

    // The other school's admin sees the other school.
    auto rb = srv.get("/api/v1/ops/live/", b.admin_token);
    ASSERT_EQ(rb.status, 200u);
    EXPECT_EQ(rb.obj().at("active_sessions").as_array().size(), 1U);
    EXPECT_EQ(js(rb.obj().at("active_sessions").as_array()[0].at("id")), live_b);
    EXPECT_EQ(rb.body.find(live_a), std::string::npos);

    // Nobody else: instructors and students get 403, no token 401, unknown parameters 400.
    for (const auto& token : {a.instructor_token, a.student_tokens[0]}) {
        auto denied = srv.get("/api/v1/ops/live/", token);
        EXPECT_EQ(denied.status, 403u);
        EXPECT_EQ(denied.headers["content-type"], "application/problem+json");
    }
    EXPECT_EQ(srv.get("/api/v1/ops/live/").status, 401u);
    auto bad = srv.get("/api/v1/ops/live/?tenant=" + b.tenant.id, a.admin_token);
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(bad.obj().at("errors").as_array()[0].at("field"), "tenant");
    EXPECT_EQ(srv.post("/api/v1/ops/live/", "", a.admin_token).status, 405u);
}

TEST_P(Ops, LiveViewListsTheLast100WebhookEventsNewestFirst) {
    auto a = srv.make_school("alpha", 0);
    UnixTime t0 = srv.clock().now() - 1000;
    std::vector<std::string> ids;
    for (int i = 0; i < 105; ++i) ids.push_back(add_event(srv, a.tenant.id, "processed", t0 + i));
    auto r = srv.get("/api/v1/ops/live/", a.admin_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    const auto& events = r.obj().at("webhook_events").as_array();
    ASSERT_EQ(events.size(), 100U);
    EXPECT_EQ(js(events.front().at("id")), ids.back());
    EXPECT_EQ(js(events.back().at("id")), ids[5]);
    EXPECT_EQ(events.front().at("status"), "processed");
    EXPECT_TRUE(events.front().at("received_at").is_string());
    EXPECT_TRUE(r.obj().at("active_sessions").as_array().empty());
    EXPECT_TRUE(r.obj().at("errors").at("jobs").as_array().empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, Ops, ::testing::ValuesIn(available_engines()), engine_name);

class OpsAlert : public ::testing::TestWithParam<Engine> {
protected:
    static Config with_receiver(const AlertReceiver& r) {
        Config c;
        c.alert_webhook_url = r.url();
        return c;
    }
    AlertReceiver receiver;
    TestServer srv{GetParam(), true, with_receiver(receiver)};
    long long incidents(const std::string& status) {
        return srv.count_rows("ops_incidents WHERE kind = 'webhook_failure_rate' AND status = '" + status + "'");
    }
};

TEST_P(OpsAlert, AlertsOncePerIncidentAcrossWorkersAndSaysWhenResolved) {
    auto& health = srv.app().webhook_health();
    UnixTime now = srv.clock().now();
    // 2 failures in 20: exactly 10 %, not above it.
    add_events(srv, "processed", 18, now - 60);
    add_events(srv, "failed", 2, now - 30);
    auto r = health.check();
    ASSERT_TRUE(r) << r.error().internal;
    EXPECT_EQ(r->counts.total, 20);
    EXPECT_FALSE(r->unhealthy);
    EXPECT_TRUE(receiver.texts().empty());

    // One rejected delivery more: 3 of 21 (14.3 %) -> one incident, one alert.
    add_events(srv, "rejected", 1, now - 10);
    r = health.check();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->unhealthy);
    EXPECT_TRUE(r->alert_sent);
    ASSERT_EQ(receiver.texts().size(), 1U);
    EXPECT_NE(receiver.texts()[0].find("3 of 21"), std::string::npos) << receiver.texts()[0];
    EXPECT_NE(receiver.texts()[0].find("14.3 %"), std::string::npos) << receiver.texts()[0];
    EXPECT_EQ(receiver.content_types()[0], "application/json");
    EXPECT_EQ(incidents("open"), 1);

    // Later rounds, of this process and of another one on the same database (a second worker, or a
    // restart), do not repeat it.
    srv.clock().advance(60);
    r = health.check();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->incident_open);
    EXPECT_FALSE(r->alert_sent);
    {
        infra::Logger quiet = infra::Logger::quiet();
        auto other = app::App::create(srv.app().config(), srv.clock(), quiet, false);
        ASSERT_TRUE(other) << other.error().message;
        auto r2 = (*other)->webhook_health().check();
        ASSERT_TRUE(r2);
        EXPECT_TRUE(r2->incident_open);
        EXPECT_FALSE(r2->alert_sent);
        (*other)->shutdown(1);
    }
    EXPECT_EQ(receiver.texts().size(), 1U);
    EXPECT_EQ(incidents("open"), 1);

    // The window moves past the failures: the incident closes, with one "resolved" message.
    srv.clock().advance(600);
    add_events(srv, "processed", 25, srv.clock().now() - 5);
    r = health.check();
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->unhealthy);
    EXPECT_TRUE(r->resolved_sent);
    EXPECT_FALSE(r->incident_open);
    ASSERT_EQ(receiver.texts().size(), 2U);
    EXPECT_NE(receiver.texts()[1].find("resolved"), std::string::npos) << receiver.texts()[1];
    EXPECT_EQ(incidents("open"), 0);
    EXPECT_EQ(incidents("resolved"), 1);
    r = health.check();
    EXPECT_EQ(receiver.texts().size(), 2U);

    // A new burst of failures is a new incident with its own alert.
    add_events(srv, "failed", 10, srv.clock().now() - 1);
    r = health.check();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->alert_sent);
    EXPECT_EQ(receiver.texts().size(), 3U);
    EXPECT_EQ(incidents("open"), 1);
    EXPECT_EQ(incidents("resolved"), 1);
}

TEST_P(OpsAlert, AnAlertTheReceiverRefusedIsSentAgainByTheNextRound) {
    auto& health = srv.app().webhook_health();
    add_events(srv, "failed", 20, srv.clock().now());
    receiver.answer(500);
    auto r = health.check();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->unhealthy);
    EXPECT_FALSE(r->alert_sent);
    EXPECT_NE(r->send_error.find("HTTP 500"), std::string::npos) << r->send_error;
    EXPECT_EQ(receiver.texts().size(), 1U);  // tried once
    receiver.answer(200);
    srv.clock().advance(60);
    r = health.check();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->alert_sent);
    EXPECT_EQ(receiver.texts().size(), 2U);
    r = health.check();
    EXPECT_FALSE(r->alert_sent);
    EXPECT_EQ(receiver.texts().size(), 2U);
}

TEST_P(OpsAlert, TooFewDeliveriesAreNoIncident) {
    add_events(srv, "rejected", 19, srv.clock().now());  // 100 % of 19: below the minimum of 20
    auto r = srv.app().webhook_health().check();
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->unhealthy);
    EXPECT_EQ(incidents("open"), 0);
    EXPECT_TRUE(receiver.texts().empty());
}

TEST_P(OpsAlert, ThePeriodicJobChecksRejectedDeliveriesAndQueuesItsNextRound) {
    const std::string queued = "jobs WHERE type = 'check_webhook_health' AND status = 'queued'";
    EXPECT_EQ(srv.count_rows(queued), 1);  // serve() queued the first round
    // Deliveries the intake refuses (no valid signature) count as failures.
    for (int i = 0; i < 20; ++i) {
        auto res = srv.post("/api/v1/live-sessions/webhooks/jitsi/", "{\"event\":\"x" + std::to_string(i) + "\"}");
        ASSERT_GE(res.status, 400u);
        ASSERT_LT(res.status, 500u);
    }
    srv.app().workers().run_due();
    ASSERT_EQ(receiver.texts().size(), 1U);
    EXPECT_NE(receiver.texts()[0].find("20 of 20"), std::string::npos) << receiver.texts()[0];
    const UnixTime next = srv.clock().now() + 60;
    EXPECT_EQ(srv.count_rows(queued + " AND run_at = " + std::to_string(next)), 1);
    EXPECT_EQ(srv.count_rows(queued), 1);
    srv.app().workers().run_due();  // not due yet
    srv.clock().advance(60);
    srv.app().workers().run_due();  // the next round: still failing, already alerted
    EXPECT_EQ(receiver.texts().size(), 1U);
    EXPECT_EQ(srv.count_rows(queued + " AND run_at = " + std::to_string(next + 60)), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, OpsAlert, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
