// Provider webhooks end to end (issue 3 items 3-4): signatures over the raw body, the inbox before
// the 2xx, de-duplication, rejection with a reason, and the state the events drive, in any order,
// for Jitsi, BigBlueButton (against the fake BBB server) and Zoom, on SQLite and PostgreSQL.
#include <boost/json.hpp>

#include "core/time.hpp"
#include "fake_bbb.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"
#include "infra/http_client.hpp"
#include "infra/jwt.hpp"
#include "providers/bbb.hpp"
#include "services/webhook_service.hpp"
#include "store/webhook_repo.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kPublicUrl = "https://lms.okul.test";
constexpr const char* kJitsiHookSecret = "jitsi-webhook-secret-0123456789";
constexpr const char* kBbbSecret = "bbb-shared-secret-0123456789abcdef";
constexpr const char* kZoomHookSecret = "zoom-webhook-secret-token-0123";

Config with_public_url() {
    Config c;
    c.public_url = kPublicUrl;
    return c;
}

class Webhooks : public ::testing::TestWithParam<Engine> {
protected:
    using School = TestServer::School;
    TestServer srv{GetParam(), true, with_public_url()};

    void set_config(const School& s, json::object cfg) {
        auto r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/", cfg, s.admin_token);
        ASSERT_EQ(r.status, 200u) << r.body;
    }

    /// A started Jitsi session of `s` with the school's webhook secret set; returns the session JSON.
    json::object live_jitsi_session(const School& s) {
        set_config(s, {{"provider", "jitsi"}, {"webhook_secret", kJitsiHookSecret}});
        auto created = srv.create_session(s);
        std::string id(created.at("id").as_string());
        auto started = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
        EXPECT_EQ(started.status, 200u) << started.body;
        return started.obj();
    }

    HttpResult post_jitsi(const std::string& body, long long ts, const std::string& secret = kJitsiHookSecret) {
        std::string t = std::to_string(ts);
        return http_request(srv.port(), "POST", "/api/v1/live-sessions/webhooks/jitsi/", body, "",
                            {{"Content-Type", "application/json"},
                             {"X-Live-Timestamp", t},
                             {"X-Live-Signature", "sha256=" + infra::hmac_sha256_hex(secret, t + "." + body)}});
    }

    std::string jitsi_event(const std::string& event, const json::object& session, const domain::User& u,
                            long long at) {
        return json::serialize(json::object{{"event", event},
                                            {"room", session.at("room_id")},
                                            {"timestamp", at},
                                            {"participant", {{"id", u.id}, {"name", u.full_name}}}});
    }

    int run_jobs() { return srv.app().workers().run_due(); }
    long long rows(const std::string& where) { return srv.count_rows(where); }
};

// ---------------------------------------------------------------- Jitsi

TEST_P(Webhooks, JitsiJoinAndLeaveAreStoredBeforeTheAnswerAndProcessedOnce) {
    auto s = srv.make_school("jitsihook", 1);
    auto session = live_jitsi_session(s);
    std::string id(session.at("id").as_string());
    long long t0 = srv.clock().now();

    std::string joined = jitsi_event("participant_joined", session, s.students[0], t0);
    auto r = post_jitsi(joined, t0);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.obj().at("status"), "accepted");
    // Stored (with its job) before the answer: the row is there even though no job has run yet.
    EXPECT_EQ(rows("webhook_events WHERE status = 'received' AND provider = 'jitsi'"), 1);
    EXPECT_EQ(rows("jobs WHERE type = 'process_webhooks' AND status = 'queued'"), 1);
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "'"), 0);

    // A retry of the same delivery is acknowledged and changes nothing.
    auto again = post_jitsi(joined, t0 + 3);
    ASSERT_EQ(again.status, 200u) << again.body;
    EXPECT_EQ(again.obj().at("status"), "duplicate");
    EXPECT_EQ(rows("webhook_events WHERE provider = 'jitsi'"), 1);

    run_jobs();  // the drain, and the heartbeat sweep that starting the class queued
    EXPECT_EQ(rows("jobs WHERE type = 'process_webhooks' AND status = 'done'"), 1);
    EXPECT_EQ(rows("webhook_events WHERE status = 'processed'"), 1);
    EXPECT_EQ(
        rows("live_session_participants WHERE session_id = '" + id + "' AND is_active = 1 AND source = 'provider'"), 1);
    auto detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(detail.obj().at("participant_count").as_int64(), 1) << detail.body;

    srv.clock().advance(600);
    auto left = post_jitsi(jitsi_event("participant_left", session, s.students[0], t0 + 600), t0 + 600);
    ASSERT_EQ(left.status, 200u) << left.body;
    run_jobs();
    EXPECT_EQ(
        rows("live_session_participants WHERE session_id = '" + id + "' AND is_active = 0 AND duration_seconds = 600"),
        1);
    detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(detail.obj().at("participant_count").as_int64(), 0);
    EXPECT_EQ(detail.obj().at("peak_participants").as_int64(), 1);
}

TEST_P(Webhooks, JitsiProviderJoinAdoptsTheRowOurJoinEndpointOpened) {
    auto s = srv.make_school("adopt", 1);
    auto session = live_jitsi_session(s);
    std::string id(session.at("id").as_string());
    auto join = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]);
    ASSERT_EQ(join.status, 200u) << join.body;
    srv.clock().advance(5);
    long long entered = srv.clock().now();
    ASSERT_EQ(post_jitsi(jitsi_event("participant_joined", session, s.students[0], entered), entered).status, 200u);
    run_jobs();
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "'"), 1) << "one presence, not two";
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id +
                   "' AND source = 'provider' AND joined_at = " + std::to_string(entered)),
              1);
}

TEST_P(Webhooks, OutOfOrderAndRepeatedEventsGiveTheSameResult) {
    auto s = srv.make_school("order", 1);
    auto session = live_jitsi_session(s);
    std::string id(session.at("id").as_string());
    long long t1 = srv.clock().now() - 200, t2 = srv.clock().now() - 50;
    // The leave arrives (and is processed) before the join.
    ASSERT_EQ(post_jitsi(jitsi_event("participant_left", session, s.students[0], t2), srv.clock().now()).status, 200u);
    run_jobs();
    ASSERT_EQ(post_jitsi(jitsi_event("participant_joined", session, s.students[0], t1), srv.clock().now()).status,
              200u);
    run_jobs();
    // ... and both again, with a different signature time (a different delivery of the same events).
    srv.clock().advance(1);
    post_jitsi(jitsi_event("participant_joined", session, s.students[0], t1), srv.clock().now());
    post_jitsi(jitsi_event("participant_left", session, s.students[0], t2), srv.clock().now());
    run_jobs();
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "'"), 1);
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "' AND joined_at = " + std::to_string(t1) +
                   " AND left_at = " + std::to_string(t2) + " AND duration_seconds = 150 AND is_active = 0"),
              1);

    // session_ended before session_started: the class ends at the provider's time, and the late start
    // fills in the real start without reopening it.
    long long start_at = srv.clock().now() - 300, end_at = srv.clock().now() - 10;
    auto ended = json::serialize(
        json::object{{"event", "session_ended"}, {"room", session.at("room_id")}, {"timestamp", end_at}});
    ASSERT_EQ(post_jitsi(ended, srv.clock().now()).status, 200u);
    run_jobs();
    auto detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(detail.obj().at("status"), "ended");
    EXPECT_EQ(rows("jobs WHERE type = 'calculate_attendance'"), 1);
    auto started = json::serialize(
        json::object{{"event", "session_started"}, {"room", session.at("room_id")}, {"timestamp", start_at}});
    ASSERT_EQ(post_jitsi(started, srv.clock().now()).status, 200u);
    run_jobs();
    detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(detail.obj().at("status"), "ended");
}

TEST_P(Webhooks, BadJitsiDeliveriesAre4xxKeptAsRejectedAndChangeNothing) {
    auto s = srv.make_school("badhook", 1);
    auto session = live_jitsi_session(s);
    std::string id(session.at("id").as_string());
    long long now = srv.clock().now();
    std::string body = jitsi_event("participant_joined", session, s.students[0], now);

    auto wrong_secret = post_jitsi(body, now, "someone-elses-secret-0123456789");
    EXPECT_EQ(wrong_secret.status, 401u) << wrong_secret.body;
    EXPECT_EQ(wrong_secret.headers["content-type"], "application/problem+json");
    EXPECT_NE(wrong_secret.str("detail").find("X-Live-Signature"), std::string::npos) << wrong_secret.body;

    auto stale = post_jitsi(body, now - 301);
    EXPECT_EQ(stale.status, 401u) << stale.body;
    EXPECT_NE(stale.str("detail").find("5 minutes"), std::string::npos) << stale.body;

    std::string t = std::to_string(now);
    auto tampered =
        http_request(srv.port(), "POST", "/api/v1/live-sessions/webhooks/jitsi/", body + " ", "",
                     {{"X-Live-Timestamp", t},
                      {"X-Live-Signature", "sha256=" + infra::hmac_sha256_hex(kJitsiHookSecret, t + "." + body)}});
    EXPECT_EQ(tampered.status, 401u) << "the signature covers the raw bytes";

    auto unknown = post_jitsi(json::serialize(json::object{{"event", "participant_joined"},
                                                           {"room", "badhook-00000000-0000-4000-8000-000000000000"}}),
                              now);
    EXPECT_EQ(unknown.status, 404u) << unknown.body;

    auto malformed = post_jitsi("{\"event\": ", now);
    EXPECT_EQ(malformed.status, 400u) << malformed.body;

    auto unknown_event =
        post_jitsi(json::serialize(json::object{{"event", "room_exploded"}, {"room", session.at("room_id")}}), now);
    EXPECT_EQ(unknown_event.status, 422u) << unknown_event.body;

    std::string huge = "{\"event\":\"participant_joined\",\"pad\":\"" + std::string(300 * 1024, 'x') + "\"}";
    auto oversize = post_jitsi(huge, now);
    EXPECT_EQ(oversize.status, 413u) << oversize.body.substr(0, 300);

    auto no_such_provider = post_jitsi(body, now);  // control: the genuine delivery still works afterwards
    EXPECT_EQ(no_such_provider.status, 200u) << no_such_provider.body;
    EXPECT_EQ(http_request(srv.port(), "POST", "/api/v1/live-sessions/webhooks/webex/", body).status, 404u);

    EXPECT_EQ(rows("webhook_events WHERE status = 'rejected'"), 7);
    EXPECT_EQ(rows("webhook_events WHERE status = 'rejected' AND reason LIKE '%X-Live-Signature%'"), 2);
    EXPECT_EQ(rows("webhook_events WHERE status = 'rejected' AND length(body) <= 4096"), 7)
        << "an oversized body is kept as a preview";
    EXPECT_EQ(rows("webhook_events WHERE status = 'received'"), 1);
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "'"), 0);
}

TEST_P(Webhooks, AnotherSchoolsSecretCannotDriveThisSchoolsSession) {
    auto a = srv.make_school("schoola", 1);
    auto b = srv.make_school("schoolb", 1);
    auto session = live_jitsi_session(a);
    set_config(b, {{"provider", "jitsi"}, {"webhook_secret", "school-b-webhook-secret-0123"}});
    long long now = srv.clock().now();
    auto r =
        post_jitsi(jitsi_event("participant_joined", session, a.students[0], now), now, "school-b-webhook-secret-0123");
    EXPECT_EQ(r.status, 401u) << r.body;
    // A student of school B named in school A's room is not a participant of A.
    auto cross = post_jitsi(jitsi_event("participant_joined", session, b.students[0], now), now);
    ASSERT_EQ(cross.status, 200u) << cross.body;
    run_jobs();
    EXPECT_EQ(rows("live_session_participants"), 0);
    EXPECT_EQ(rows("webhook_events WHERE status = 'ignored' AND reason LIKE '%not a user of this school%'"), 1);
}

TEST_P(Webhooks, ARotatedSecretAndADeletedCourseTakeEffectAtOnceDespiteTheIntakeCache) {
    auto s = srv.make_school("rotate", 2);
    auto session = live_jitsi_session(s);
    std::string id(session.at("id").as_string());
    long long now = srv.clock().now();
    // Warm the cache with the old secret, then rotate it.
    ASSERT_EQ(post_jitsi(jitsi_event("participant_joined", session, s.students[0], now), now).status, 200u);
    set_config(s, {{"provider", "jitsi"}, {"webhook_secret", "rotated-webhook-secret-0123456"}});
    auto stale = post_jitsi(jitsi_event("participant_joined", session, s.students[1], now), now);
    EXPECT_EQ(stale.status, 401u) << stale.body;
    auto fresh = post_jitsi(jitsi_event("participant_joined", session, s.students[1], now), now,
                            "rotated-webhook-secret-0123456");
    EXPECT_EQ(fresh.status, 200u) << fresh.body;
    // Applying events does not need the cache refreshed, but a deleted course's classes are gone at once.
    run_jobs();
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    ASSERT_EQ(
        srv.del("/api/v1/courses/" + std::string(session.at("course_id").as_string()) + "/", s.admin_token).status,
        204u);
    auto gone = post_jitsi(jitsi_event("participant_left", session, s.students[1], now + 5), now + 5,
                           "rotated-webhook-secret-0123456");
    EXPECT_EQ(gone.status, 404u) << gone.body;
}

TEST_P(Webhooks, JitsiActivityReportsAddUpAndFeedTheEngagementScore) {
    auto s = srv.make_school("activity", 2);
    auto session = live_jitsi_session(s);
    std::string id(session.at("id").as_string());
    const long long t0 = srv.clock().now();
    auto activity = [&](const std::string& event_id, const domain::User& u, json::object counts) {
        return json::serialize(json::object{{"id", event_id},
                                            {"event", "participant_activity"},
                                            {"room", session.at("room_id")},
                                            {"timestamp", t0},
                                            {"participant", {{"id", u.id}}},
                                            {"activity", std::move(counts)}});
    };
    // Both students are there for half of the class; only the first one speaks and writes.
    for (const auto& u : s.students) {
        ASSERT_EQ(post_jitsi(jitsi_event("participant_joined", session, u, t0), t0).status, 200u);
        ASSERT_EQ(post_jitsi(jitsi_event("participant_left", session, u, t0 + 1800), t0).status, 200u);
    }
    ASSERT_EQ(post_jitsi(activity("act-1", s.students[0], {{"chat_messages", 2}, {"talk_seconds", 30}}), t0).status,
              200u);
    ASSERT_EQ(post_jitsi(activity("act-2", s.students[0], {{"chat_messages", 1}, {"talk_seconds", 30}}), t0).status,
              200u);
    ASSERT_EQ(post_jitsi(activity("act-2", s.students[0], {{"chat_messages", 1}, {"talk_seconds", 30}}), t0).status,
              200u);  // a retry: counted once
    ASSERT_EQ(post_jitsi(activity("act-3", s.students[1], {{"chat_messages", -1}}), t0).status, 200u);
    run_jobs();
    EXPECT_EQ(rows("live_session_activity WHERE user_id = '" + s.students[0].id +
                   "' AND chat_messages = 3 AND talk_seconds = 60"),
              1);
    EXPECT_EQ(rows("live_session_activity WHERE user_id = '" + s.students[1].id + "'"), 0);
    EXPECT_EQ(rows("webhook_events WHERE status = 'ignored' AND reason LIKE '%whole numbers%'"), 1);

    srv.clock().advance(3600);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", srv.token_for(s.instructor, s.tenant)).status,
              200u);
    run_jobs();
    auto report = srv.get("/api/v1/live-sessions/" + id + "/attendance/", srv.token_for(s.instructor, s.tenant));
    ASSERT_EQ(report.status, 200u) << report.body;
    for (const auto& r : report.obj().at("results").as_array()) {
        // 50 % of the class, always in the foreground: round(100 * (60 * 0.5 + 25) / 85) = 65 without
        // activity; with 3 messages and a minute of talk (activity 1): 60 * 0.5 + 25 + 15 = 70.
        const bool spoke = js(r.at("user_id")) == s.students[0].id;
        EXPECT_EQ(r.at("engagement_score").as_int64(), spoke ? 70 : 65) << report.body;
    }
    // The room's last report comes after the end: the summaries are computed again with it.
    ASSERT_EQ(post_jitsi(activity("act-4", s.students[1], {{"chat_messages", 5}}), srv.clock().now()).status, 200u);
    run_jobs();
    report = srv.get("/api/v1/live-sessions/" + id + "/attendance/", srv.token_for(s.instructor, s.tenant));
    for (const auto& r : report.obj().at("results").as_array())
        EXPECT_EQ(r.at("engagement_score").as_int64(), 70) << report.body;
}

TEST_P(Webhooks, NewProviderSettingsAreValidatedAndTheirSecretsNeverReturned) {
    auto s = srv.make_school("hookcfg", 0);
    const std::string path = "/api/v1/tenants/" + s.tenant.id + "/live-config/";
    auto bad = [&](json::object body, const char* field) {
        auto r = srv.put_json(path, body, s.admin_token);
        EXPECT_EQ(r.status, 422u) << r.body;
        EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
    };
    bad({{"provider", "bbb"}, {"is_active", false}, {"bbb_checksum_algorithm", "md5"}}, "bbb_checksum_algorithm");
    bad({{"provider", "jitsi"}, {"webhook_secret", "short"}}, "webhook_secret");
    bad({{"provider", "zoom"}, {"zoom_webhook_secret", 5}}, "zoom_webhook_secret");
    bad({{"provider", "zoom"}, {"zoom_user_id", json::array{}}}, "zoom_user_id");
    bad({{"provider", "bbb"}, {"is_active", true}}, "bbb_server_url");  // active BBB needs a server and secret
    EXPECT_EQ(rows("live_provider_configs WHERE provider <> 'jitsi'"), 0) << "refused settings change nothing";
    EXPECT_EQ(
        srv.put_json(path, {{"provider", "jitsi"}, {"webhook_secret", kJitsiHookSecret}}, s.instructor_token).status,
        403u)
        << "only school admins";
    auto other = srv.make_school("hookcfg2", 0);
    EXPECT_EQ(
        srv.put_json(path, {{"provider", "jitsi"}, {"webhook_secret", kJitsiHookSecret}}, other.admin_token).status,
        404u)
        << "another school's admin";

    auto ok = srv.put_json(path,
                           {{"provider", "zoom"},
                            {"is_active", false},
                            {"zoom_webhook_secret", kZoomHookSecret},
                            {"webhook_secret", kJitsiHookSecret}},
                           s.admin_token);
    ASSERT_EQ(ok.status, 200u) << ok.body;
    EXPECT_EQ(ok.body.find(kZoomHookSecret), std::string::npos);
    EXPECT_EQ(ok.body.find(kJitsiHookSecret), std::string::npos);
    bool seen = false;
    for (const auto& c : ok.obj().at("configs").as_array()) {
        if (c.at("provider") != "zoom") continue;
        seen = true;
        EXPECT_EQ(c.at("zoom_webhook_secret"), "********");
        EXPECT_EQ(c.at("zoom_webhook_secret_set"), true);
        EXPECT_EQ(c.at("bbb_checksum_algorithm"), "sha256");
    }
    EXPECT_TRUE(seen) << ok.body;
}

// ---------------------------------------------------------------- BigBlueButton

class BbbWebhooks : public Webhooks {
protected:
    FakeBbb fake{kBbbSecret};

    json::object live_bbb_session(const School& s, const std::string& algorithm = "sha256") {
        set_config(s, {{"provider", "bbb"},
                       {"is_default", true},
                       {"bbb_server_url", fake.server_url()},
                       {"bbb_shared_secret", kBbbSecret},
                       {"bbb_checksum_algorithm", algorithm}});
        auto created = srv.create_session(s);
        EXPECT_EQ(created.at("provider"), "bbb");
        std::string id(created.at("id").as_string());
        auto started = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
        EXPECT_EQ(started.status, 200u) << started.body;
        return started.obj();
    }
    std::string hook_url(const School& s) {
        std::string url = kPublicUrl;  // appended in place: GCC 12 warns (falsely) on a temporary's concatenation
        url += "/api/v1/live-sessions/webhooks/bbb/?tenant=";
        url += s.tenant.id;
        return url;
    }
    /// What bbb-webhooks posts to a meeting's hook: domain, event=[...], timestamp, and the checksum
    /// over the hook's callback URL + body + secret appended to that URL.
    HttpResult post_hook(const School& s, const std::string& room, const json::object& event,
                         const std::string& secret = kBbbSecret) {
        std::string body = infra::form_encode({{"domain", "bbb.okul.test"},
                                               {"event", "[" + json::serialize(event) + "]"},
                                               {"timestamp", "1700000000000"}});
        std::string callback = providers::bbb_hook_url(hook_url(s), room);
        std::string checksum = infra::sha1_hex(callback + body + secret);
        return http_request(srv.port(), "POST",
                            callback.substr(std::string(kPublicUrl).size()) + "&checksum=" + checksum, body, "",
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
    }
    json::object bbb_event(const char* id, const json::object& session, const domain::User* u, long long at) {
        json::object attributes{
            {"meeting", {{"internal-meeting-id", "int-1"}, {"external-meeting-id", session.at("room_id")}}}};
        if (u)
            attributes["user"] = json::object{
                {"internal-user-id", "w_abc"}, {"external-user-id", u->id}, {"name", u->full_name}, {"role", "VIEWER"}};
        return json::object{
            {"data", {{"type", "event"}, {"id", id}, {"attributes", attributes}, {"event", {{"ts", at * 1000}}}}}};
    }
};

TEST_P(BbbWebhooks, SessionsRunOnBigBlueButtonWithSignedJoinLinks) {
    auto s = srv.make_school("bbbschool", 1);
    set_config(s, {{"provider", "bbb"},
                   {"is_default", true},
                   {"bbb_server_url", fake.server_url()},
                   {"bbb_shared_secret", kBbbSecret}});
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string());
    EXPECT_EQ(created.at("provider"), "bbb");
    EXPECT_FALSE(fake.meeting_exists(js(created.at("room_id")))) << "BBB meetings open when the class starts";
    auto early = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.instructor_token);
    EXPECT_EQ(early.status, 409u) << early.body;
    EXPECT_NE(early.str("detail").find("start it first"), std::string::npos) << early.body;

    auto started = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
    ASSERT_EQ(started.status, 200u) << started.body;
    EXPECT_TRUE(fake.meeting_exists(js(created.at("room_id"))));
    auto create = fake.calls_named("create");
    ASSERT_EQ(create.size(), 1U);
    EXPECT_EQ(create[0].params.at("meta_bbb-recording-ready-url"), hook_url(s) + "&event=recording-ready");
    EXPECT_EQ(create[0].params.at("meta_analytics-callback-url"), hook_url(s) + "&event=analytics");

    auto student = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]);
    ASSERT_EQ(student.status, 200u) << student.body;
    EXPECT_EQ(student.obj().at("provider"), "bbb");
    EXPECT_TRUE(fake.checksum_valid(student.str("join_url"))) << student.str("join_url");
    EXPECT_NE(student.str("join_url").find("role=VIEWER"), std::string::npos);
    auto host = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.instructor_token);
    ASSERT_EQ(host.status, 200u) << host.body;
    EXPECT_NE(host.str("join_url").find("role=MODERATOR"), std::string::npos);

    auto ended = srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token);
    ASSERT_EQ(ended.status, 200u) << ended.body;
    EXPECT_FALSE(fake.meeting_exists(js(created.at("room_id")))) << "ending the class ends the BBB meeting";
}

TEST_P(BbbWebhooks, AProviderOutageAtStartIs503AndChangesNothing) {
    auto s = srv.make_school("bbbdown", 1);
    set_config(s, {{"provider", "bbb"},
                   {"is_default", true},
                   {"bbb_server_url", fake.server_url()},
                   {"bbb_shared_secret", kBbbSecret}});
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string());
    fake.set_mode(FakeBbb::Mode::kHttp500);
    auto started = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
    EXPECT_EQ(started.status, 503u) << started.body;
    EXPECT_EQ(started.headers["content-type"], "application/problem+json");
    auto detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(detail.obj().at("status"), "scheduled");
    auto adhoc = srv.post_json("/api/v1/live-sessions/",
                               {{"course_id", s.course.id}, {"title", "Şimdi"}, {"type", "adhoc"}}, s.instructor_token);
    EXPECT_EQ(adhoc.status, 503u) << adhoc.body;
    EXPECT_EQ(rows("live_sessions"), 1) << "the failed ad-hoc class was not created";
}

TEST_P(BbbWebhooks, HookEventsWithAValidChecksumDriveParticipation) {
    auto s = srv.make_school("bbbhook", 1);
    auto session = live_bbb_session(s);
    std::string id(session.at("id").as_string());
    long long t0 = srv.clock().now();
    auto r = post_hook(s, js(session.at("room_id")), bbb_event("user-joined", session, &s.students[0], t0));
    ASSERT_EQ(r.status, 200u) << r.body;
    auto audio =
        post_hook(s, js(session.at("room_id")), bbb_event("user-audio-voice-enabled", session, &s.students[0], t0 + 1));
    ASSERT_EQ(audio.status, 200u) << audio.body;
    run_jobs();
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "' AND is_active = 1"), 1);
    EXPECT_EQ(rows("webhook_events WHERE status = 'ignored'"), 1) << "audio events are kept but change nothing";
    post_hook(s, js(session.at("room_id")), bbb_event("user-left", session, &s.students[0], t0 + 120));
    run_jobs();
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "' AND duration_seconds = 120"), 1);

    auto forged =
        post_hook(s, js(session.at("room_id")), bbb_event("meeting-ended", session, nullptr, t0 + 200), "wrong-secret");
    EXPECT_EQ(forged.status, 401u) << forged.body;
    auto no_tenant = http_request(srv.port(), "POST", "/api/v1/live-sessions/webhooks/bbb/", "event=%5B%5D", "");
    EXPECT_EQ(no_tenant.status, 400u) << no_tenant.body;
    auto detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(detail.obj().at("status"), "live");
    auto ended = post_hook(s, js(session.at("room_id")), bbb_event("meeting-ended", session, nullptr, t0 + 200));
    ASSERT_EQ(ended.status, 200u) << ended.body;
    run_jobs();
    detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(detail.obj().at("status"), "ended");
}

TEST_P(BbbWebhooks, AnEventFromAnotherProviderOfTheSchoolCannotNameItsClass) {
    // The school runs classes on Jitsi and also has BigBlueButton settings. Room names have the same
    // form on both, but a BBB-signed callback must not write into a Jitsi class.
    auto s = srv.make_school("twoproviders", 1);
    auto session = live_jitsi_session(s);
    ASSERT_EQ(session.at("provider"), "jitsi");
    set_config(s, {{"provider", "bbb"},
                   {"is_default", false},
                   {"bbb_server_url", fake.server_url()},
                   {"bbb_shared_secret", kBbbSecret}});
    std::string id(session.at("id").as_string());
    long long t0 = srv.clock().now();
    auto joined = post_hook(s, js(session.at("room_id")), bbb_event("user-joined", session, &s.students[0], t0));
    EXPECT_EQ(joined.status, 404u) << joined.body;
    EXPECT_EQ(joined.headers["content-type"], "application/problem+json");
    auto ended = post_hook(s, js(session.at("room_id")), bbb_event("meeting-ended", session, nullptr, t0 + 5));
    EXPECT_EQ(ended.status, 404u) << ended.body;
    run_jobs();
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "'"), 0);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token).obj().at("status"), "live");
}

// Found with the webhook fuzz target's seeds: a form body that encodes spaces as '+' (as HTML forms,
// Python's urlencode and many HTTP clients do) was read as having no event at all.
TEST_P(BbbWebhooks, HookBodiesWithPlusForSpacesAreRead) {
    auto s = srv.make_school("bbbplus", 1);
    auto session = live_bbb_session(s);
    std::string id(session.at("id").as_string());
    std::string body = infra::form_encode(
        {{"event", "[" + json::serialize(bbb_event("user-joined", session, &s.students[0], srv.clock().now())) + "]"},
         {"timestamp", "1700000000000"}});
    for (std::size_t p = body.find("%20"); p != std::string::npos; p = body.find("%20", p)) body.replace(p, 3, "+");
    ASSERT_NE(body.find('+'), std::string::npos) << "the student's name has spaces: " << body;
    std::string callback = providers::bbb_hook_url(hook_url(s), js(session.at("room_id")));
    auto r = http_request(
        srv.port(), "POST",
        callback.substr(std::string(kPublicUrl).size()) + "&checksum=" + infra::sha1_hex(callback + body + kBbbSecret),
        body, "", {{"Content-Type", "application/x-www-form-urlencoded"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    run_jobs();
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "' AND is_active = 1"), 1);
}

TEST_P(BbbWebhooks, EndCallbackCarriesItsOwnTokenAndRecordingReadyIsAVerifiedJwt) {
    auto s = srv.make_school("bbbcb", 1);
    auto session = live_bbb_session(s);
    std::string id(session.at("id").as_string());
    std::string room(session.at("room_id").as_string());
    std::string base = "/api/v1/live-sessions/webhooks/bbb/?tenant=" + s.tenant.id;

    // meta_endCallbackUrl: BBB calls our URL with GET and appends its own parameters.
    auto forged = srv.get(base + "&event=meeting-ended&meeting_id=" + room + "&token=deadbeef&recordingmarks=false");
    EXPECT_EQ(forged.status, 401u) << forged.body;
    const std::string end_url = base + "&event=meeting-ended&meeting_id=" + room +
                                "&token=" + providers::bbb_end_callback_token(kBbbSecret, room) +
                                "&recordingmarks=true";
    auto early = srv.get(end_url);
    EXPECT_EQ(early.status, 409u) << "the URL is in the meeting's metadata: believed only once BBB says it ended";
    fake.end_meeting(room);
    auto end = srv.get(end_url);
    ASSERT_EQ(end.status, 200u) << end.body;
    run_jobs();
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token).obj().at("status"), "ended");

    // meta_bbb-recording-ready-url: a form with signed_parameters, an HS256 JWT signed with the secret.
    auto post_ready = [&](const std::string& secret, const std::string& record) {
        std::string jwt = infra::jwt_sign_hs256(json::object{{"meeting_id", room}, {"record_id", record}}, secret);
        return http_request(srv.port(), "POST", base + "&event=recording-ready",
                            infra::form_encode({{"signed_parameters", jwt}}), "",
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
    };
    EXPECT_EQ(post_ready("not-the-bbb-secret", "rec-1").status, 401u);
    auto ready = post_ready(kBbbSecret, "rec-1");
    ASSERT_EQ(ready.status, 200u) << ready.body;
    EXPECT_EQ(post_ready(kBbbSecret, "rec-1").obj().at("status"), "duplicate");
    // The callback names only the recording: process_recording asks BBB (getRecordings) where it plays.
    // Until BBB lists it the job waits and tries again.
    run_jobs();
    EXPECT_EQ(rows("live_session_recordings WHERE session_id = '" + id +
                   "' AND provider_recording_id = 'rec-1' AND status = 'processing'"),
              1);
    EXPECT_EQ(rows("jobs WHERE type = 'process_recording' AND status = 'queued' AND attempts = 1"), 1);
    const std::string playback = fake.server_url() + "playback/presentation/2.3/rec-1";
    fake.add_recording({"rec-1", room, playback, 1764150000000, 1764153000000, 52000000, true});
    srv.clock().advance(3600);
    run_jobs();
    const std::string teacher = srv.token_for(s.instructor, s.tenant);  // the first one expired meanwhile
    auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", teacher);
    ASSERT_EQ(listed.status, 200u) << listed.body;
    ASSERT_EQ(listed.obj().at("count"), 1) << listed.body;
    const auto& rec = listed.obj().at("results").as_array()[0].as_object();
    EXPECT_EQ(rec.at("status"), "ready");
    EXPECT_EQ(rec.at("duration_seconds"), 3000);
    EXPECT_TRUE(rec.at("started_at").is_null()) << "startTime is the meeting's; playback skips what was not recorded";
    EXPECT_EQ(rec.at("format"), "presentation");
    auto link = srv.get("/api/v1/live-sessions/" + id + "/recordings/" + js(rec.at("id")) + "/access/", teacher);
    ASSERT_EQ(link.status, 200u) << link.body;
    EXPECT_EQ(link.str("url").rfind(std::string(kPublicUrl) + "/api/v1/recordings/play/", 0), 0u) << link.body;
    auto opened = srv.get(link.str("url").substr(std::string(kPublicUrl).size()));
    EXPECT_EQ(opened.status, 303u);
    EXPECT_EQ(opened.headers["location"], playback);
    // A recording the school deleted: BBB is told 410 Gone and stops retrying.
    {
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE live_session_recordings SET status = 'deleted' WHERE provider_recording_id = 'rec-1'";
    }
    EXPECT_EQ(post_ready(kBbbSecret, "rec-1").status, 410u);
}

TEST_P(BbbWebhooks, TheAnalyticsCallbackFeedsTalkTimeAndChatIntoTheEngagementScore) {
    auto s = srv.make_school("bbbstats", 2);
    auto session = live_bbb_session(s);
    std::string id(session.at("id").as_string()), room(session.at("room_id").as_string());
    const long long t0 = srv.clock().now();
    // Both students are in the class for its first half.
    for (const auto& u : s.students) {
        ASSERT_EQ(post_hook(s, room, bbb_event("user-joined", session, &u, t0)).status, 200u);
        ASSERT_EQ(post_hook(s, room, bbb_event("user-left", session, &u, t0 + 1800)).status, 200u);
    }
    run_jobs();
    srv.clock().advance(3600);

    // What BBB posts once events.xml is processed: bbbevents' summary, keys in snake_case, with each
    // attendee's joins, leaves and sessions (padded here past the 256 KiB other webhooks may send).
    auto attendee = [](const std::string& ext, const char* name, json::value chats, json::value talk) {
        return json::object{{"ext_user_id", ext},
                            {"name", name},
                            {"moderator", false},
                            {"duration", 1800},
                            {"joins", json::array{"2026-11-27T09:00:00.000+00:00"}},
                            {"leaves", json::array{"2026-11-27T09:30:00.000+00:00"}},
                            {"engagement",
                             {{"chats", chats},
                              {"talks", 4},
                              {"raisehand", 1},
                              {"emojis", 0},
                              {"poll_votes", 1},
                              {"talk_time", talk}}}};
    };
    json::array attendees{attendee(s.students[0].id, "Öğrenci Bir", 3, 61.7),
                          attendee(s.students[1].id, "Öğrenci İki", -2, 0),
                          attendee("not-one-of-ours", "Misafir", 9, 900)};
    auto report_of = [&](const std::string& meeting_id) {
        return json::serialize(json::object{{"version", "1.0"},
                                            {"meeting_id", meeting_id},
                                            {"internal_meeting_id", "0123abcd-1700000000000"},
                                            {"data",
                                             {{"metadata", {{"meeting_name", "Fizik"}}},
                                              {"duration", 3600},
                                              {"polls", std::string(300 * 1024, 'p')},
                                              {"attendees", attendees}}}});
    };
    const std::string body = report_of(room);
    ASSERT_GT(body.size(), services::WebhookService::kMaxBodyBytes);
    const std::string path = "/api/v1/live-sessions/webhooks/bbb/?tenant=" + s.tenant.id + "&event=analytics";
    auto post = [&](const std::string& bearer, const std::string& text) {
        return http_request(srv.port(), "POST", path, text, "",
                            {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + bearer}});
    };
    // The bearer token as post_events_analytics_callback.rb makes it: HS512 over {"exp"} (now + 24 h).
    auto bearer = [](const std::string& secret, long long expires) {
        return infra::jwt_sign_hs512(json::object{{"exp", expires}}, secret);
    };
    const std::string token = bearer(kBbbSecret, srv.clock().now() + 86400);

    // While BBB says the meeting runs, no report is taken (a token holder cannot take the class's slot).
    auto early = post(token, body);
    EXPECT_EQ(early.status, 409u) << early.body;
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", srv.token_for(s.instructor, s.tenant)).status,
              200u);
    run_jobs();

    // Refused, and nothing recorded: another key, HS256, an expired token, a token made before the class
    // started or living longer than BBB's, no token, bodies that are not a report.
    const long long exp = srv.clock().now() + 86400;
    EXPECT_EQ(post(bearer("not-the-secret", exp), body).status, 401u);
    EXPECT_EQ(post(infra::jwt_sign_hs256(json::object{{"exp", exp}}, kBbbSecret), body).status, 401u);
    EXPECT_EQ(post(bearer(kBbbSecret, srv.clock().now() - 120), body).status, 401u);
    EXPECT_EQ(post(bearer(kBbbSecret, t0 - 600 + 86400), body).status, 401u) << "made before the class started";
    EXPECT_EQ(post(bearer(kBbbSecret, exp + 86400), body).status, 401u);
    EXPECT_EQ(post(infra::jwt_sign_hs512(json::object{{"exp", 1e300}}, kBbbSecret), body).status, 401u);
    EXPECT_EQ(http_request(srv.port(), "POST", path, body, "", {{"Content-Type", "application/json"}}).status, 401u);
    EXPECT_EQ(post(token, "[]").status, 400u);
    EXPECT_EQ(post(token, R"({"meeting_id":")" + room + R"(","data":{}})").status, 400u);
    EXPECT_EQ(post(token, R"({"data":{"attendees":[]}})").status, 400u);
    auto other = post(token, R"({"meeting_id":"someone-elses-meeting","data":{"attendees":[{"ext_user_id":")" +
                                 s.students[0].id + R"("}]}})");
    EXPECT_EQ(other.status, 404u) << other.body;
    EXPECT_EQ(post(token, R"({"meeting_id":")" + room + R"(","data":{"attendees":["Ali"]}})").status, 400u);
    // Another school's class, named in this school's callback (same BBB server and secret): not found,
    // and nothing counted for it.
    auto b = srv.make_school("bbbstatsb", 1);
    auto b_session = live_bbb_session(b);
    const std::string b_id(b_session.at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + b_id + "/end/", "", b.instructor_token).status, 200u);
    auto crossed = post(token, report_of(std::string(b_session.at("room_id").as_string())));
    EXPECT_EQ(crossed.status, 404u) << crossed.body;
    EXPECT_EQ(rows("live_session_activity WHERE session_id = '" + b_id + "'"), 0);
    // An empty report is answered but not kept: it cannot stand in for the real one.
    auto empty = post(token, R"({"meeting_id":")" + room + R"(","data":{"attendees":[]}})");
    EXPECT_EQ(empty.status, 200u);
    EXPECT_EQ(empty.obj().at("status"), "ignored") << empty.body;
    EXPECT_EQ(rows("live_session_activity WHERE session_id = '" + id + "'"), 0);

    auto accepted = post(token, body);
    ASSERT_EQ(accepted.status, 200u) << accepted.body;
    EXPECT_EQ(post(token, body).obj().at("status"), "duplicate") << "one delivery per meeting";
    std::string shouted = room;
    for (auto& ch : shouted) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(post(token, report_of(shouted)).obj().at("status"), "duplicate") << "the meeting id in another case";
    run_jobs();
    EXPECT_EQ(rows("live_session_activity WHERE user_id = '" + s.students[0].id +
                   "' AND chat_messages = 3 AND talk_seconds = 61"),
              1);
    EXPECT_EQ(rows("live_session_activity WHERE user_id = '" + s.students[1].id + "'"), 0);
    // One delivery, one inbox row: applied, with why two of its attendees changed nothing.
    EXPECT_EQ(rows("webhook_events WHERE status = 'processed' AND event_type = 'participant_activity' AND reason LIKE "
                   "'%whole numbers%' AND reason LIKE '%not a user of this school%'"),
              1);

    // The report arrives after the end: the summaries are computed again with it. Half of the class in
    // the foreground is 65 without activity; 3 messages and a minute of talk add the activity part (70).
    auto report = srv.get("/api/v1/live-sessions/" + id + "/attendance/", srv.token_for(s.instructor, s.tenant));
    ASSERT_EQ(report.status, 200u) << report.body;
    ASSERT_EQ(report.obj().at("results").as_array().size(), 2u) << report.body;
    for (const auto& r : report.obj().at("results").as_array())
        EXPECT_EQ(r.at("engagement_score").as_int64(), js(r.at("user_id")) == s.students[0].id ? 70 : 65)
            << report.body;
}

TEST_P(BbbWebhooks, AnAnalyticsCallbackTooLargeOrTooLongIsRefusedWhole) {
    auto s = srv.make_school("bbbstatsbig", 0);
    auto session = live_bbb_session(s);
    const std::string path = "/api/v1/live-sessions/webhooks/bbb/?tenant=" + s.tenant.id + "&event=analytics";
    const std::string token = infra::jwt_sign_hs512(json::object{{"exp", srv.clock().now() + 600}}, kBbbSecret);
    json::array many;
    for (std::size_t i = 0; i <= services::WebhookService::kMaxAnalyticsAttendees; ++i)
        many.push_back(json::object{{"ext_user_id", ""}});
    auto r = http_request(
        srv.port(), "POST", path,
        json::serialize(json::object{{"meeting_id", session.at("room_id")}, {"data", {{"attendees", many}}}}), "",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_NE(r.body.find("more than 5000 attendees"), std::string::npos) << r.body;
    EXPECT_EQ(rows("webhook_events WHERE status = 'rejected'"), 1);
    // A large class's report passes the 1 MiB that other requests may send (this route takes 8 MiB)...
    json::array large;
    const std::string padding(600, 'n');  // a long display name
    for (int i = 0; i < 2500; ++i)
        large.push_back(json::object{{"ext_user_id", "lms-" + std::to_string(i)}, {"name", padding}});
    const std::string large_body = json::serialize(json::object{
        {"meeting_id", session.at("room_id")}, {"internal_meeting_id", "big"}, {"data", {{"attendees", large}}}});
    ASSERT_GT(large_body.size(), 1024u * 1024u);
    // As BigBlueButton sends it: after the class ended, signed for 24 hours.
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + js(session.at("id")) + "/end/", "", s.instructor_token).status, 200u);
    const std::string bbb_token = infra::jwt_sign_hs512(json::object{{"exp", srv.clock().now() + 86400}}, kBbbSecret);
    auto accepted = http_request(srv.port(), "POST", path, large_body, "",
                                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + bbb_token}});
    EXPECT_EQ(accepted.status, 200u) << accepted.body.substr(0, 300);
    // The route is named as the webhook service reads it (percent-decoded): the same report again is a
    // duplicate, not a 413.
    std::string encoded = "/api/v1/live-sessions/webhooks/bbb/?tenant=" + s.tenant.id + "&event=%61nalytics";
    auto again = http_request(srv.port(), "POST", encoded, large_body, "",
                              {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + bbb_token}});
    EXPECT_EQ(again.status, 200u) << again.body.substr(0, 300);
    EXPECT_NE(again.body.find("duplicate"), std::string::npos) << again.body.substr(0, 300);
    // ...which other routes still refuse,
    auto elsewhere = http_request(srv.port(), "POST", "/api/v1/live-sessions/webhooks/bbb/?tenant=" + s.tenant.id,
                                  large_body, "", {{"Content-Type", "application/json"}});
    EXPECT_EQ(elsewhere.status, 413u) << elsewhere.body.substr(0, 300);
    EXPECT_NE(elsewhere.body.find("1 MiB"), std::string::npos) << elsewhere.body;
    // ...and over 8 MiB it is refused before it is read (BBB does not send it again).
    auto huge = http_request(srv.port(), "POST", path, std::string(8 * 1024 * 1024 + 100, ' '), "",
                             {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
    EXPECT_EQ(huge.status, 413u) << huge.body;
    EXPECT_NE(huge.body.find("8 MiB"), std::string::npos) << huge.body;
}

// BigBlueButton down for every attempt: the recording does not stay in processing for ever.
TEST_P(BbbWebhooks, ARecordingBbbCannotBeAskedAboutFailsWhenItsAttemptsAreUsedUp) {
    auto s = srv.make_school("bbbrecdown", 1);
    auto session = live_bbb_session(s);
    std::string id(session.at("id").as_string());
    std::string room(session.at("room_id").as_string());
    std::string jwt = infra::jwt_sign_hs256(json::object{{"meeting_id", room}, {"record_id", "rec-down"}}, kBbbSecret);
    auto ready = http_request(
        srv.port(), "POST", "/api/v1/live-sessions/webhooks/bbb/?tenant=" + s.tenant.id + "&event=recording-ready",
        infra::form_encode({{"signed_parameters", jwt}}), "", {{"Content-Type", "application/x-www-form-urlencoded"}});
    ASSERT_EQ(ready.status, 200u) << ready.body;
    fake.set_mode(FakeBbb::Mode::kHttp500);
    run_jobs();
    EXPECT_EQ(rows("live_session_recordings WHERE provider_recording_id = 'rec-down' AND status = 'processing'"), 1)
        << "retried while attempts are left";
    for (int i = 0; i < 8; ++i) {
        srv.clock().advance(86400);
        run_jobs();
    }
    EXPECT_EQ(rows("live_session_recordings WHERE provider_recording_id = 'rec-down' AND status = 'failed'"), 1);
    EXPECT_EQ(rows("jobs WHERE type = 'process_recording' AND status = 'dead'"), 1) << "and the ops view counts it";
    fake.set_mode(FakeBbb::Mode::kNormal);

    // BBB may still hold the files of a recording that failed here: the school's retention (90 days by
    // default, counted from the failure) deletes it like any other, at BBB too.
    // It failed on one of the days above: it expires 82 to 90 days from now.
    const auto expiring_within = [&](int days) {
        return rows("live_session_recordings WHERE provider_recording_id = 'rec-down' AND expires_at <= " +
                    std::to_string(srv.clock().now() + days * 86400LL));
    };
    EXPECT_EQ(expiring_within(81), 0);
    EXPECT_EQ(expiring_within(90), 1);
    ASSERT_TRUE(srv.app().recordings().schedule_cleanup());  // what start-up does where jobs run
    srv.clock().advance(80 * 86400);
    run_jobs();
    EXPECT_EQ(rows("live_session_recordings WHERE provider_recording_id = 'rec-down' AND status = 'failed'"), 1);
    srv.clock().advance(11 * 86400);
    run_jobs();
    EXPECT_EQ(rows("live_session_recordings WHERE provider_recording_id = 'rec-down' AND status = 'deleted'"), 1);
    EXPECT_EQ(rows("audit_logs WHERE action = 'recording.expire'"), 1);
    bool deleted_at_bbb = false;
    for (const auto& call : fake.calls_named("deleteRecordings"))
        deleted_at_bbb = deleted_at_bbb || call.params.at("recordID") == "rec-down";
    EXPECT_TRUE(deleted_at_bbb) << "BigBlueButton was asked to delete its files";
}

TEST_P(BbbWebhooks, DeletingARecordingDeletesBbbsCopyRetryingWhileBbbIsDown) {
    auto s = srv.make_school("bbbrecdel", 1);
    auto session = live_bbb_session(s);
    std::string id(session.at("id").as_string()), room(session.at("room_id").as_string());
    fake.add_recording({"rec-del", room, fake.server_url() + "playback/presentation/2.3/rec-del", 1764150000000,
                        1764153000000, 52000000, true});
    std::string jwt = infra::jwt_sign_hs256(json::object{{"meeting_id", room}, {"record_id", "rec-del"}}, kBbbSecret);
    auto ready = http_request(
        srv.port(), "POST", "/api/v1/live-sessions/webhooks/bbb/?tenant=" + s.tenant.id + "&event=recording-ready",
        infra::form_encode({{"signed_parameters", jwt}}), "", {{"Content-Type", "application/x-www-form-urlencoded"}});
    ASSERT_EQ(ready.status, 200u) << ready.body;
    run_jobs();
    auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.instructor_token);
    ASSERT_EQ(listed.obj().at("count"), 1) << listed.body;
    const std::string rid = js(listed.obj().at("results").as_array()[0].at("id"));
    EXPECT_EQ(listed.obj().at("results").as_array()[0].at("status"), "ready");

    // BBB is down when the teacher deletes it: the deletion here stands, BBB's copy is retried.
    fake.set_mode(FakeBbb::Mode::kHttp500);
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/", s.instructor_token).status, 204u);
    run_jobs();
    EXPECT_EQ(fake.recordings().size(), 1u);
    EXPECT_EQ(rows("jobs WHERE type = 'delete_recording_copies' AND status = 'queued' AND attempts = 1"), 1);
    fake.set_mode(FakeBbb::Mode::kNormal);
    srv.clock().advance(3600);
    run_jobs();
    auto calls = fake.calls_named("deleteRecordings");
    ASSERT_FALSE(calls.empty());
    EXPECT_TRUE(calls.back().checksum_ok);
    EXPECT_EQ(calls.back().params.at("recordID"), "rec-del");
    EXPECT_TRUE(fake.recordings().empty()) << "BBB's copy is gone";
    EXPECT_EQ(rows("jobs WHERE type = 'delete_recording_copies' AND status = 'done'"), 1);
}

TEST_P(BbbWebhooks, HooksAreRegisteredAgainEveryFiveMinutesWhileClassesAreLive) {
    auto s = srv.make_school("bbbhooks", 1);
    auto session = live_bbb_session(s);
    std::string id(session.at("id").as_string()), room(session.at("room_id").as_string());
    EXPECT_EQ(fake.calls_named("hooks/create").size(), 1U) << "registered when the meeting was created";
    // Starting the class queued the upkeep five minutes out.
    EXPECT_EQ(rows("jobs WHERE type = 'bbb_register_hooks' AND status = 'queued' AND run_at = " +
                   std::to_string(srv.clock().now() + 300)),
              1);
    srv.app().workers().run_due();
    EXPECT_EQ(fake.calls_named("hooks/create").size(), 1U) << "not before the five minutes are up";
    srv.clock().advance(300);
    srv.app().workers().run_due();
    auto hooks = fake.calls_named("hooks/create");
    ASSERT_EQ(hooks.size(), 2U);
    EXPECT_EQ(hooks[1].params.at("meetingID"), room);
    EXPECT_EQ(hooks[1].params.at("callbackURL"), providers::bbb_hook_url(hook_url(s), room));
    EXPECT_EQ(rows("jobs WHERE type = 'bbb_register_hooks' AND status = 'queued'"), 1) << "and the next round";

    srv.clock().advance(300);
    fake.set_mode(FakeBbb::Mode::kHttp500);
    srv.app().workers().run_due();
    EXPECT_EQ(rows("jobs WHERE type = 'bbb_register_hooks' AND status = 'queued'"), 1)
        << "a failed round still queues the next one, and only one";
    EXPECT_EQ(rows("jobs WHERE type = 'bbb_register_hooks' AND status = 'dead'"), 0);

    fake.set_mode(FakeBbb::Mode::kNormal);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    srv.clock().advance(300);
    srv.app().workers().run_due();
    EXPECT_EQ(rows("jobs WHERE type = 'bbb_register_hooks' AND status = 'queued'"), 0)
        << "no live BigBlueButton class: the upkeep stops";
}

// ---------------------------------------------------------------- Zoom

class ZoomWebhooks : public Webhooks {
protected:
    void zoom_config(const School& s) {
        set_config(s, {{"provider", "zoom"},
                       {"is_active", true},
                       {"zoom_account_id", "acct-" + s.tenant.slug},
                       {"zoom_webhook_secret", kZoomHookSecret}});
    }
    HttpResult post_zoom(const std::string& target, const json::object& body, long long ts,
                         const std::string& secret = kZoomHookSecret) {
        std::string text = json::serialize(body);
        std::string t = std::to_string(ts);
        return http_request(srv.port(), "POST", target, text, "",
                            {{"Content-Type", "application/json"},
                             {"x-zm-request-timestamp", t},
                             {"x-zm-signature", "v0=" + infra::hmac_sha256_hex(secret, "v0:" + t + ":" + text)}});
    }
};

TEST_P(ZoomWebhooks, UrlValidationIsAnsweredWithTheEncryptedToken) {
    auto s = srv.make_school("zoomval", 1);
    zoom_config(s);
    json::object challenge{{"event", "endpoint.url_validation"},
                           {"payload", {{"plainToken", "qgg8vlvZRS6UYooatFL8Aw"}}},
                           {"event_ts", 1654503849680}};
    auto r = post_zoom("/api/v1/live-sessions/webhooks/zoom/?tenant=" + s.tenant.id, challenge, srv.clock().now());
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.obj().at("plainToken"), "qgg8vlvZRS6UYooatFL8Aw");
    EXPECT_EQ(js(r.obj().at("encryptedToken")), infra::hmac_sha256_hex(kZoomHookSecret, "qgg8vlvZRS6UYooatFL8Aw"));
    auto forged = post_zoom("/api/v1/live-sessions/webhooks/zoom/?tenant=" + s.tenant.id, challenge, srv.clock().now(),
                            "wrong-zoom-secret-token-012345");
    EXPECT_EQ(forged.status, 401u) << forged.body;
    auto stale =
        post_zoom("/api/v1/live-sessions/webhooks/zoom/?tenant=" + s.tenant.id, challenge, srv.clock().now() - 600);
    EXPECT_EQ(stale.status, 401u) << stale.body;
}

TEST_P(ZoomWebhooks, ParticipantEventsFindTheSchoolByAccountAndTheUserByEmail) {
    auto s = srv.make_school("zoomev", 1);
    zoom_config(s);
    // A session held on Zoom (meeting 85746352), as the Zoom adapter stores it.
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string());
    {
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE live_sessions SET provider = 'zoom', room_id = '85746352', status = 'live' WHERE id = :i",
            soci::use(id);
    }
    json::object joined{{"event", "meeting.participant_joined"},
                        {"event_ts", srv.clock().now() * 1000},
                        {"payload",
                         {{"account_id", "acct-zoomev"},
                          {"object",
                           {{"id", 85746352},
                            {"uuid", "4444AAAiAAAAAiAiAiiAii=="},
                            {"participant",
                             {{"user_id", "16778240"},
                              {"user_name", "Öğrenci"},
                              {"email", s.students[0].email},
                              {"join_time", format_iso8601(srv.clock().now() - 30)}}}}}}}};
    auto r = post_zoom("/api/v1/live-sessions/webhooks/zoom/", joined, srv.clock().now());
    ASSERT_EQ(r.status, 200u) << r.body;
    run_jobs();
    EXPECT_EQ(rows("live_session_participants WHERE session_id = '" + id + "' AND user_id = '" + s.students[0].id +
                   "' AND is_active = 1"),
              1);
    json::object other = joined;
    other["payload"].as_object()["object"].as_object()["id"] = 999;
    auto unknown = post_zoom("/api/v1/live-sessions/webhooks/zoom/", other, srv.clock().now());
    EXPECT_EQ(unknown.status, 404u) << unknown.body;
}

INSTANTIATE_TEST_SUITE_P(Engines, Webhooks, ::testing::ValuesIn(available_engines()), engine_name);
INSTANTIATE_TEST_SUITE_P(Engines, BbbWebhooks, ::testing::ValuesIn(available_engines()), engine_name);
INSTANTIATE_TEST_SUITE_P(Engines, ZoomWebhooks, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
