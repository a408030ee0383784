// The live-session lifecycle over HTTP: create, list, detail, start, join (Jitsi token), end
// (attendance job enqueued and run), cancel, on SQLite and PostgreSQL.
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "core/time.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"
#include "infra/jwt.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

class SessionFlow : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
};

TEST_P(SessionFlow, ScheduledSessionFullLifecycle) {
    auto s = srv.make_school("alpha", 2);
    auto created = srv.create_session(s, {{"title", "Türev — Canlı"}});
    std::string id(created.at("id").as_string());
    EXPECT_EQ(created.at("status"), "scheduled");
    EXPECT_EQ(created.at("provider"), "jitsi");
    EXPECT_EQ(js(created.at("room_id")), "alpha-" + id);
    EXPECT_EQ(js(created.at("room_url")), "https://meet.alpha.test/alpha-" + id);
    EXPECT_EQ(created.at("title"), "Türev — Canlı");
    EXPECT_TRUE(created.at("policy").is_object());

    // A student sees it in the list and in detail, but cannot join before it starts.
    auto list = srv.get("/api/v1/live-sessions/", s.student_tokens[0]);
    ASSERT_EQ(list.status, 200u) << list.body;
    EXPECT_EQ(list.obj().at("count").as_int64(), 1);
    auto early = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]);
    EXPECT_EQ(early.status, 409u) << early.body;
    EXPECT_EQ(early.headers["content-type"], "application/problem+json");

    // Students cannot start; the instructor can.
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.student_tokens[0]).status, 403u);
    auto started = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
    ASSERT_EQ(started.status, 200u) << started.body;
    EXPECT_EQ(started.obj().at("status"), "live");
    EXPECT_FALSE(started.obj().at("actual_start").is_null());
    // Starting twice is an invalid transition.
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 409u);

    // Join: Jitsi token with the seed's claim set, verifiable with the tenant's secret.
    auto join = http_request(srv.port(), "POST", "/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0],
                             {{"User-Agent",
                               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
                               "like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"}});
    ASSERT_EQ(join.status, 200u) << join.body;
    EXPECT_EQ(join.obj().at("role"), "participant");
    EXPECT_EQ(join.obj().at("provider"), "jitsi");
    std::string token = join.str("token");
    auto claims = infra::jwt_verify_hs256(token, "jitsi-secret-of-alpha-0123456789", srv.clock().now());
    ASSERT_TRUE(claims.ok()) << claims.error().message;
    const auto& c = claims.value();
    EXPECT_EQ(c.at("aud"), "jitsi");
    EXPECT_EQ(c.at("iss"), "alpha-app");
    EXPECT_EQ(c.at("sub"), "meet.alpha.test");
    EXPECT_EQ(js(c.at("room")), "alpha-" + id);
    EXPECT_EQ(c.at("exp").as_int64(), srv.clock().now() + 300);
    EXPECT_EQ(c.at("moderator"), false);
    EXPECT_EQ(js(c.at("context").at("user").at("id")), s.students[0].id);
    EXPECT_EQ(js(c.at("context").at("user").at("email")), s.students[0].email);
    EXPECT_EQ(c.at("context").at("user").at("moderator"), "false");
    EXPECT_EQ(c.at("context").at("user").at("affiliation"), "member");
    EXPECT_EQ(c.at("context").at("features").at("recording"), false);
    EXPECT_EQ(join.str("join_url").rfind("https://meet.alpha.test/alpha-" + id + "?jwt=" + token, 0), 0u);
    EXPECT_EQ(join.str("expires_at"), format_iso8601(srv.clock().now() + 300));

    // The instructor joins as host with moderator rights.
    auto host = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.instructor_token);
    ASSERT_EQ(host.status, 200u) << host.body;
    EXPECT_EQ(host.obj().at("role"), "host");
    auto hc = infra::jwt_peek_claims(host.str("token"));
    ASSERT_TRUE(hc.ok());
    EXPECT_EQ(hc.value().at("moderator"), true);
    EXPECT_EQ(hc.value().at("context").at("user").at("affiliation"), "owner");

    // The participant row: device from the User-Agent, IP only as an HMAC.
    auto detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    ASSERT_EQ(detail.status, 200u);
    EXPECT_EQ(detail.obj().at("participants_count").as_int64(), 2);
    EXPECT_EQ(detail.obj().at("participant_count").as_int64(), 2);
    {
        store::Conn conn(srv.app().db());
        auto parts = store::list_participants(conn.sql(), id);
        ASSERT_EQ(parts.size(), 2u);
        const auto& p = parts[0].user_id == s.students[0].id ? parts[0] : parts[1];
        EXPECT_EQ(p.device_type, "mobile");
        EXPECT_EQ(p.browser, "Safari");
        EXPECT_EQ(p.ip_hash.size(), 64u);
        EXPECT_EQ(p.ip_hash.find("127.0.0.1"), std::string::npos);
    }

    // End: status ended, attendance job committed with it; running the job writes summaries.
    srv.clock().advance(1800);
    auto ended = srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token);
    ASSERT_EQ(ended.status, 200u) << ended.body;
    EXPECT_EQ(ended.obj().at("status"), "ended");
    EXPECT_EQ(ended.obj().at("total_duration_minutes").as_int64(), 30);
    {
        store::Conn conn(srv.app().db());
        EXPECT_EQ(store::count_jobs(conn.sql(), "calculate_attendance", "queued"), 1);
    }
    // The attendance job, the heartbeat sweep and the "class started" notice of the start, and the
    // invitation queued when the class was scheduled.
    EXPECT_EQ(srv.app().workers().run_due(), 4);
    {
        store::Conn conn(srv.app().db());
        EXPECT_EQ(store::count_jobs(conn.sql(), "calculate_attendance", "done"), 1);
        auto rows = store::list_attendance_summaries(conn.sql(), id);
        ASSERT_EQ(rows.size(), 3u);  // the two who joined, and the enrolled student who never did
        for (const auto& r : rows) {
            const bool absent = r.user_id == s.students[1].id;
            EXPECT_EQ(r.total_duration_seconds, absent ? 0 : 1800) << r.user_id;
            EXPECT_EQ(r.first_join.has_value(), !absent) << r.user_id;
        }
    }
    // After the end nobody joins and the session cannot be cancelled.
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[1]).status, 409u);
    EXPECT_EQ(srv.del("/api/v1/live-sessions/" + id + "/", s.instructor_token).status, 409u);
}

TEST_P(SessionFlow, AdhocStartsAtOnceAndWebinarMutesStudents) {
    auto s = srv.make_school("beta", 1);
    auto r = srv.post_json("/api/v1/live-sessions/",
                           json::object{{"course_id", s.course.id}, {"title", "Şimdi"}, {"type", "adhoc"}},
                           s.instructor_token);
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(r.obj().at("status"), "live");
    EXPECT_FALSE(r.obj().at("actual_start").is_null());
    auto join = srv.post("/api/v1/live-sessions/" + r.str("id") + "/join/", "", s.student_tokens[0]);
    EXPECT_EQ(join.status, 200u) << join.body;

    auto web = srv.create_session(s, {{"type", "webinar"}});
    std::string wid(web.at("id").as_string());
    EXPECT_EQ(web.at("policy").at("students_can_unmute_self"), false);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + wid + "/start/", "", s.instructor_token).status, 200u);
    auto wj = srv.post("/api/v1/live-sessions/" + wid + "/join/", "", s.student_tokens[0]);
    ASSERT_EQ(wj.status, 200u);
    EXPECT_NE(wj.str("join_url").find("config.startWithAudioMuted=true"), std::string::npos);
    EXPECT_EQ(infra::jwt_peek_claims(wj.str("token")).value().at("moderator"), false);
}

TEST_P(SessionFlow, CancelDraftAndPublish) {
    auto s = srv.make_school("gamma", 1);
    auto d = srv.create_session(s, {{"status", "draft"}});
    std::string id(d.at("id").as_string());
    EXPECT_EQ(d.at("status"), "draft");
    // Students do not see... drafts are visible to enrolled students but cannot be joined.
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]).status, 409u);
    auto pub =
        srv.patch_json("/api/v1/live-sessions/" + id + "/", json::object{{"status", "scheduled"}}, s.instructor_token);
    ASSERT_EQ(pub.status, 200u) << pub.body;
    EXPECT_EQ(pub.obj().at("status"), "scheduled");
    auto cancelled = srv.del("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
    EXPECT_EQ(cancelled.obj().at("status"), "cancelled");
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 409u);
}

TEST_P(SessionFlow, ListFiltersAndPagination) {
    auto s = srv.make_school("delta", 1);
    for (int i = 0; i < 5; ++i) srv.create_session(s, {{"title", "S" + std::to_string(i)}});
    srv.create_session(s, {{"type", "webinar"}});
    auto page1 = srv.get("/api/v1/live-sessions/?page_size=2", s.instructor_token);
    ASSERT_EQ(page1.status, 200u) << page1.body;
    EXPECT_EQ(page1.obj().at("count").as_int64(), 6);
    EXPECT_EQ(page1.obj().at("results").as_array().size(), 2u);
    EXPECT_FALSE(page1.obj().at("next").is_null());
    auto web = srv.get("/api/v1/live-sessions/?type=webinar", s.instructor_token);
    EXPECT_EQ(web.obj().at("count").as_int64(), 1);
    auto course = srv.get("/api/v1/live-sessions/?course=" + s.course.id + "&status=scheduled", s.admin_token);
    EXPECT_EQ(course.obj().at("count").as_int64(), 6);
    auto none = srv.get("/api/v1/live-sessions/?from=2099-01-01T00:00:00Z", s.admin_token);
    EXPECT_EQ(none.obj().at("count").as_int64(), 0);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/?status=bogus", s.admin_token).status, 400u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/?page=0", s.admin_token).status, 400u);
}

INSTANTIATE_TEST_SUITE_P(Engines, SessionFlow, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing

namespace lc::testing {
namespace {

class SessionEdges : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
};

// The join path reads from short-lived caches; a change made through this process must be seen at once.
TEST_P(SessionEdges, CachedJoinPathSeesChangesImmediately) {
    auto s = srv.make_school("eps", 2);
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]).status, 200u);
    // Unenrolled: the next join is refused although the course relation was cached a moment ago.
    ASSERT_EQ(
        srv.del("/api/v1/courses/" + s.course.id + "/enrollments/" + s.students[0].id + "/", s.admin_token).status,
        204u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]).status, 404u);
    // Deactivated: the cached bearer token stops working at once.
    ASSERT_EQ(
        srv.patch_json("/api/v1/users/" + s.students[1].id + "/", json::object{{"is_active", false}}, s.admin_token)
            .status,
        200u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[1]).status, 401u);
    // Ended: nobody joins any more, even with the session context cached.
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.instructor_token).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.instructor_token).status, 409u);
}

// The join is decided from cached data; the write re-reads the session, so a session closed behind the
// cache's back (here: by another process, simulated with a direct UPDATE) refuses the join.
TEST_P(SessionEdges, JoinWriterRechecksTheSessionStatus) {
    auto s = srv.make_school("theta", 1);
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]).status, 200u);  // cached
    {
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE live_sessions SET status = 'ended' WHERE id = :i", soci::use(id);
    }
    auto r = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]);
    EXPECT_EQ(r.status, 409u) << r.body;
    store::Conn c(srv.app().db());
    EXPECT_EQ(store::list_participants(c.sql(), id).size(), 1u);  // nothing recorded for the refused join
}

// Concurrent saves of the same policy level all succeed (an atomic upsert, not delete-then-insert).
TEST_P(SessionEdges, ConcurrentPolicySavesAllSucceed) {
    auto s = srv.make_school("iota", 0);
    std::vector<std::thread> threads;
    std::vector<unsigned> status(6, 0);
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&, i] {
            status[i] = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-policy/",
                                     json::object{{"attendance_threshold_percent", 50 + i}}, s.admin_token)
                            .status;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(status.begin(), status.end(), 200u), 6);
    soci::session sql(srv.app().db().pool());
    int rows = 0;
    sql << "SELECT COUNT(*) FROM live_session_policies WHERE tenant_id = :t AND course_id IS NULL", soci::into(rows),
        soci::use(s.tenant.id);
    EXPECT_EQ(rows, 1);
    auto got = srv.get("/api/v1/tenants/" + s.tenant.id + "/live-policy/", s.admin_token);
    auto pct = got.obj().at("effective").at("attendance_threshold_percent").as_int64();
    EXPECT_GE(pct, 50);
    EXPECT_LE(pct, 55);
}

// max_participants holds under concurrent joins (the capacity check happens inside the write).
TEST_P(SessionEdges, CapacityHoldsUnderConcurrentJoins) {
    auto s = srv.make_school("zeta", 8);
    auto created = srv.create_session(s, {{"max_participants", 3}});
    std::string id(created.at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    std::vector<std::thread> threads;
    std::vector<unsigned> status(8, 0);
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back(
            [&, i] { status[i] = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[i]).status; });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(status.begin(), status.end(), 200u), 3);
    EXPECT_EQ(std::count(status.begin(), status.end(), 409u), 5);
    // A participant already in the room may rejoin (reload) although the session is full; others may not.
    int inside = static_cast<int>(std::find(status.begin(), status.end(), 200u) - status.begin());
    int outside = static_cast<int>(std::find(status.begin(), status.end(), 409u) - status.begin());
    ASSERT_LT(inside, 8);
    ASSERT_LT(outside, 8);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[inside]).status, 200u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[outside]).status, 409u);
    // Hosts always get in.
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.instructor_token).status, 200u);
    auto detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(detail.obj().at("participant_count").as_int64(), 4);
    EXPECT_EQ(detail.obj().at("peak_participants").as_int64(), 4);
}

TEST_P(SessionEdges, CourseRulesAndBadQueryText) {
    auto s = srv.make_school("eta", 1);
    // A student cannot be made an instructor of a new course.
    auto bad = srv.post_json(
        "/api/v1/courses/",
        json::object{{"title", "X"}, {"instructor_ids", json::array{json::value(s.students[0].id)}}}, s.admin_token);
    EXPECT_EQ(bad.status, 422u) << bad.body;
    // A course with a live session cannot be deleted.
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    EXPECT_EQ(srv.del("/api/v1/courses/" + s.course.id + "/", s.admin_token).status, 409u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/", s.admin_token).status, 200u);
    // Query text that is not UTF-8 is a 400, not a database error.
    EXPECT_EQ(srv.get("/api/v1/users/?search=%FF%FE", s.admin_token).status, 400u);
    auto long_search = srv.get("/api/v1/users/?search=" + std::string(150, 'a'), s.admin_token);
    EXPECT_EQ(long_search.status, 200u);
}

INSTANTIATE_TEST_SUITE_P(Engines, SessionEdges, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
