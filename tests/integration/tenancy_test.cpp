// Tenant isolation over HTTP: school B's admin, instructor and student get 404 (never data) for
// every object of school A, their lists never show A's objects, and their writes to A's objects
// change nothing. Within a school, a student sees only the sessions of courses they are enrolled in.
// SQLite and PostgreSQL.
#include <soci/soci.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "harness.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecretTitle = "Gizli Ders A-7731";

class Tenancy : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
    TestServer::School a = srv.make_school("school-a", 2);
    TestServer::School b = srv.make_school("school-b", 1);
    std::string a_scheduled, a_live;

    void SetUp() override {
        a_scheduled = js(srv.create_session(a, {{"title", kSecretTitle}}).at("id"));
        a_live = js(srv.create_session(a, {{"title", std::string(kSecretTitle) + " live"}}).at("id"));
        ASSERT_EQ(srv.post("/api/v1/live-sessions/" + a_live + "/start/", "", a.instructor_token).status, 200u);
        ASSERT_EQ(srv.put_json("/api/v1/tenants/" + a.tenant.id + "/live-policy/",
                               json::object{{"attendance_threshold_percent", 91}}, a.admin_token)
                      .status,
                  200u);
        ASSERT_EQ(srv.put_json("/api/v1/courses/" + a.course.id + "/live-policy/",
                               json::object{{"minimum_duration_minutes", 17}}, a.admin_token)
                      .status,
                  200u);
        srv.create_session(b, {{"title", "B's own class"}});
    }

    std::vector<std::pair<std::string, std::string>> b_tokens() const {
        return {{"B admin", b.admin_token}, {"B instructor", b.instructor_token}, {"B student", b.student_tokens[0]}};
    }
    /// Strings that identify school A's data; none may appear in an answer to school B.
    std::vector<std::string> a_markers() const {
        return {kSecretTitle,
                a.course.title,
                a.admin.email,
                a.instructor.email,
                a.students[0].email,
                "meet.school-a.test",
                "jitsi-secret-of-school-a",
                a.tenant.name};
    }
    ::testing::AssertionResult leaks_nothing(const HttpResult& r) const {
        for (const auto& m : a_markers())
            if (r.body.find(m) != std::string::npos)
                return ::testing::AssertionFailure() << "answer contains school A's '" << m << "': " << r.body;
        return ::testing::AssertionSuccess();
    }
    /// A snapshot of everything of school A that B might try to change, as A's admin sees it.
    std::vector<std::string> a_snapshot() {
        std::vector<std::string> out;
        for (const std::string& t :
             {"/api/v1/live-sessions/" + a_scheduled + "/", "/api/v1/live-sessions/" + a_live + "/",
              "/api/v1/courses/" + a.course.id + "/", "/api/v1/courses/" + a.course.id + "/enrollments/",
              "/api/v1/courses/" + a.course.id + "/live-policy/", "/api/v1/users/" + a.students[0].id + "/",
              "/api/v1/users/" + a.instructor.id + "/", "/api/v1/tenants/" + a.tenant.id + "/",
              "/api/v1/tenants/" + a.tenant.id + "/live-config/", "/api/v1/tenants/" + a.tenant.id + "/live-policy/",
              std::string("/api/v1/live-sessions/"), std::string("/api/v1/users/"), std::string("/api/v1/courses/")}) {
            auto r = srv.get(t, a.admin_token);
            EXPECT_EQ(r.status, 200u) << t << ": " << r.body;
            out.push_back(t + " " + r.body);
        }
        soci::session sql(srv.app().db().pool());
        for (const std::string& from :
             {std::string("jobs WHERE tenant_id = :t"), std::string("enrollments WHERE tenant_id = :t"),
              std::string("live_session_policies WHERE tenant_id = :t"), std::string("users WHERE tenant_id = :t"),
              std::string("courses WHERE tenant_id = :t"), std::string("live_sessions WHERE tenant_id = :t"),
              std::string("live_session_participants WHERE session_id IN (SELECT id FROM live_sessions WHERE "
                          "tenant_id = :t)"),
              std::string("course_instructors WHERE course_id IN (SELECT id FROM courses WHERE tenant_id = :t)")}) {
            long long n = -1;
            sql << "SELECT COUNT(*) FROM " + from, soci::use(a.tenant.id), soci::into(n);
            out.push_back(from + " " + std::to_string(n));
        }
        return out;
    }
};

TEST_P(Tenancy, EveryObjectOfAnotherSchoolIs404) {
    std::vector<std::string> targets{
        "/api/v1/live-sessions/" + a_scheduled + "/",
        "/api/v1/live-sessions/" + a_live + "/",
        "/api/v1/courses/" + a.course.id + "/",
        "/api/v1/courses/" + a.course.id + "/enrollments/",
        "/api/v1/courses/" + a.course.id + "/live-policy/",
        "/api/v1/users/" + a.students[0].id + "/",
        "/api/v1/users/" + a.instructor.id + "/",
        "/api/v1/users/" + a.admin.id + "/",
        "/api/v1/tenants/" + a.tenant.id + "/",
        "/api/v1/tenants/" + a.tenant.id + "/live-config/",
        "/api/v1/tenants/" + a.tenant.id + "/live-policy/",
    };
    for (const auto& [who, token] : b_tokens()) {
        for (const auto& t : targets) {
            auto r = srv.get(t, token);
            EXPECT_EQ(r.status, 404u) << who << " GET " << t << ": " << r.body;
            EXPECT_EQ(r.headers["content-type"], "application/problem+json") << who << " " << t;
            EXPECT_TRUE(leaks_nothing(r)) << who << " GET " << t;
            // No id of school A is echoed back either.
            for (const auto& id :
                 {a_scheduled, a_live, a.course.id, a.students[0].id, a.instructor.id, a.admin.id, a.tenant.id})
                EXPECT_EQ(r.body.find(id), std::string::npos) << who << " GET " << t << ": " << r.body;
        }
    }
    // Positive control: school A's own admin sees all of them.
    for (const auto& t : targets) EXPECT_EQ(srv.get(t, a.admin_token).status, 200u) << t;
}

TEST_P(Tenancy, WritesToAnotherSchoolsObjectsAre404AndChangeNothing) {
    auto before = a_snapshot();
    struct Write {
        std::string method, target;
        json::value body;
        bool admin_only;  // a non-admin may be refused with 403 before the lookup (reveals nothing either)
    };
    std::vector<Write> writes{
        {"PATCH", "/api/v1/live-sessions/" + a_scheduled + "/", json::object{{"title", "Hacked"}}, false},
        {"DELETE", "/api/v1/live-sessions/" + a_scheduled + "/", nullptr, false},
        {"POST", "/api/v1/live-sessions/" + a_scheduled + "/start/", nullptr, false},
        {"POST", "/api/v1/live-sessions/" + a_live + "/end/", nullptr, false},
        {"POST", "/api/v1/live-sessions/" + a_live + "/join/", nullptr, false},
        {"PATCH", "/api/v1/live-sessions/" + a_live + "/", json::object{{"max_participants", 2}}, false},
        {"PATCH", "/api/v1/courses/" + a.course.id + "/", json::object{{"title", "Hacked"}}, true},
        {"DELETE", "/api/v1/courses/" + a.course.id + "/", nullptr, true},
        {"POST", "/api/v1/courses/" + a.course.id + "/enrollments/", json::object{{"user_id", b.students[0].id}}, true},
        {"DELETE", "/api/v1/courses/" + a.course.id + "/enrollments/" + a.students[0].id + "/", nullptr, true},
        {"POST", "/api/v1/courses/" + a.course.id + "/instructors/", json::object{{"user_id", b.instructor.id}}, true},
        {"DELETE", "/api/v1/courses/" + a.course.id + "/instructors/" + a.instructor.id + "/", nullptr, true},
        {"PUT", "/api/v1/courses/" + a.course.id + "/live-policy/", json::object{{"lobby_enabled", false}}, false},
        {"PATCH", "/api/v1/users/" + a.students[0].id + "/", json::object{{"full_name", "Hacked"}}, false},
        {"PATCH", "/api/v1/users/" + a.admin.id + "/", json::object{{"is_active", false}}, false},
        {"PATCH", "/api/v1/tenants/" + a.tenant.id + "/", json::object{{"name", "Hacked"}}, false},
        {"PATCH", "/api/v1/tenants/" + a.tenant.id + "/",
         json::object{{"lms_jwt_secret", "attacker-chosen-secret-0123456789abcdef"}}, false},
        {"PUT", "/api/v1/tenants/" + a.tenant.id + "/live-config/",
         json::object{{"provider", "jitsi"}, {"jitsi_domain", "evil.example"}}, false},
        {"PUT", "/api/v1/tenants/" + a.tenant.id + "/live-policy/", json::object{{"allow_guests", true}}, false},
    };
    for (const auto& [who, token] : b_tokens()) {
        bool admin = who == "B admin";
        for (const auto& w : writes) {
            std::string body = w.body.is_null() ? "" : json::serialize(w.body);
            auto r = http_request(srv.port(), w.method, w.target, body, token);
            if (admin || !w.admin_only)
                EXPECT_EQ(r.status, 404u) << who << " " << w.method << " " << w.target << ": " << r.body;
            else
                EXPECT_TRUE(r.status == 404u || r.status == 403u)
                    << who << " " << w.method << " " << w.target << ": " << r.status << " " << r.body;
            EXPECT_TRUE(leaks_nothing(r)) << who << " " << w.method << " " << w.target;
        }
    }
    EXPECT_EQ(a_snapshot(), before);
    // A's sessions are exactly as they were.
    auto s = srv.get("/api/v1/live-sessions/" + a_scheduled + "/", a.instructor_token);
    EXPECT_EQ(s.obj().at("title"), kSecretTitle);
    EXPECT_EQ(s.obj().at("status"), "scheduled");
    auto l = srv.get("/api/v1/live-sessions/" + a_live + "/", a.instructor_token);
    EXPECT_EQ(l.obj().at("status"), "live");
    EXPECT_EQ(l.obj().at("participants_count").as_int64(), 0);
}

TEST_P(Tenancy, AnotherSchoolsIdsInABodyAreRejected) {
    auto before = a_snapshot();
    UnixTime start = srv.clock().now() + 3600;
    auto sess = [&](json::object extra) {
        json::object o{{"course_id", b.course.id},
                       {"title", "B class"},
                       {"scheduled_start", format_iso8601(start)},
                       {"scheduled_end", format_iso8601(start + 600)}};
        for (auto& kv : extra) o[kv.key()] = kv.value();
        return o;
    };
    auto count_b = [&] { return srv.get("/api/v1/live-sessions/", b.admin_token).obj().at("count").as_int64(); };
    long long b_sessions = count_b();
    // A session of B in A's course, or with A's instructor as moderator.
    auto r1 = srv.post_json("/api/v1/live-sessions/", sess({{"course_id", a.course.id}}), b.admin_token);
    EXPECT_EQ(r1.status, 422u) << r1.body;
    EXPECT_TRUE(leaks_nothing(r1));
    auto r2 = srv.post_json("/api/v1/live-sessions/", sess({{"moderator_ids", json::array{a.instructor.id}}}),
                            b.instructor_token);
    EXPECT_EQ(r2.status, 422u) << r2.body;
    EXPECT_TRUE(leaks_nothing(r2));
    std::string b_sess = js(srv.create_session(b).at("id"));
    auto r3 = srv.patch_json("/api/v1/live-sessions/" + b_sess + "/",
                             json::object{{"moderator_ids", json::array{a.students[0].id}}}, b.instructor_token);
    EXPECT_EQ(r3.status, 422u) << r3.body;
    // A's users in B's course, or a course of B taught by A's instructor.
    auto r4 = srv.post_json("/api/v1/courses/" + b.course.id + "/enrollments/",
                            json::object{{"user_id", a.students[0].id}}, b.admin_token);
    EXPECT_EQ(r4.status, 422u) << r4.body;
    EXPECT_TRUE(leaks_nothing(r4));
    auto r5 = srv.post_json("/api/v1/courses/" + b.course.id + "/instructors/",
                            json::object{{"user_id", a.instructor.id}}, b.admin_token);
    EXPECT_EQ(r5.status, 422u) << r5.body;
    EXPECT_TRUE(leaks_nothing(r5));
    auto r6 = srv.post_json("/api/v1/courses/",
                            json::object{{"title", "B course"}, {"instructor_ids", json::array{a.instructor.id}}},
                            b.admin_token);
    EXPECT_EQ(r6.status, 422u) << r6.body;
    EXPECT_EQ(count_b(), b_sessions + 1);
    auto enrolled = srv.get("/api/v1/courses/" + b.course.id + "/enrollments/", b.admin_token);
    EXPECT_EQ(enrolled.obj().at("results").as_array().size(), 1u);
    EXPECT_EQ(a_snapshot(), before);
}

TEST_P(Tenancy, ListsNeverShowAnotherSchool) {
    for (const auto& [who, token] : b_tokens()) {
        auto sessions = srv.get("/api/v1/live-sessions/?page_size=100", token);
        ASSERT_EQ(sessions.status, 200u) << who;
        EXPECT_EQ(sessions.obj().at("count").as_int64(), 1) << who;
        for (const auto& item : sessions.obj().at("results").as_array())
            EXPECT_EQ(js(item.at("course_id")), b.course.id) << who;
        EXPECT_TRUE(leaks_nothing(sessions)) << who;
        // Filtering by A's course or A's state finds nothing.
        for (const std::string& q : {"?course=" + a.course.id, std::string("?status=live")}) {
            auto f = srv.get("/api/v1/live-sessions/" + q, token);
            ASSERT_EQ(f.status, 200u) << who << q;
            EXPECT_EQ(f.obj().at("count").as_int64(), 0) << who << q;
        }
        auto courses = srv.get("/api/v1/courses/?page_size=100", token);
        ASSERT_EQ(courses.status, 200u) << who;
        EXPECT_EQ(courses.obj().at("count").as_int64(), 1) << who;
        EXPECT_EQ(js(courses.obj().at("results").at(0).at("id")), b.course.id) << who;
        EXPECT_TRUE(leaks_nothing(courses)) << who;
    }
    auto users = srv.get("/api/v1/users/?page_size=100", b.admin_token);
    ASSERT_EQ(users.status, 200u);
    EXPECT_EQ(users.obj().at("count").as_int64(), 3);
    for (const auto& u : users.obj().at("results").as_array()) EXPECT_EQ(js(u.at("tenant_id")), b.tenant.id);
    EXPECT_TRUE(leaks_nothing(users));
    for (const std::string& q : {std::string("?search=school-a"), std::string("?search=") + "student2",
                                 std::string("?role=student&search=school-a")}) {
        auto s = srv.get("/api/v1/users/" + q, b.admin_token);
        ASSERT_EQ(s.status, 200u) << q;
        EXPECT_EQ(s.obj().at("count").as_int64(), 0) << q;
    }
    // A sees its own two sessions and B's list is not in it.
    auto a_list = srv.get("/api/v1/live-sessions/", a.admin_token);
    EXPECT_EQ(a_list.obj().at("count").as_int64(), 2);
    EXPECT_EQ(a_list.body.find("B's own class"), std::string::npos);
}

TEST_P(Tenancy, TokenPairingAUserWithAnotherSchoolIsRefused) {
    // Our token names user and tenant; a user of B with the tenant of A must not authenticate as either.
    std::string mixed = srv.token_for(b.admin, a.tenant);
    auto r = srv.get("/api/v1/live-sessions/", mixed);
    EXPECT_EQ(r.status, 401u) << r.body;
    EXPECT_TRUE(leaks_nothing(r));
    EXPECT_EQ(srv.get("/api/v1/tenants/" + a.tenant.id + "/live-config/", mixed).status, 401u);
    // Login with A's slug and B's credentials fails.
    auto login = srv.post_json(
        "/api/v1/auth/login/",
        json::object{{"email", b.admin.email}, {"password", "password-school-b"}, {"tenant", "school-a"}});
    EXPECT_EQ(login.status, 401u) << login.body;
}

TEST_P(Tenancy, StudentSeesOnlySessionsOfCoursesTheyAreEnrolledIn) {
    // Course 2 of school A, taught by a second instructor; student 1 is not enrolled, student 2 is.
    auto second = srv.post_json("/api/v1/users/",
                                json::object{{"email", "teacher2@school-a.test"},
                                             {"password", "password-teacher2"},
                                             {"full_name", "Teacher Two"},
                                             {"role", "instructor"}},
                                a.admin_token);
    ASSERT_EQ(second.status, 201u) << second.body;
    auto course2 =
        srv.post_json("/api/v1/courses/",
                      json::object{{"title", "Private Course Two"}, {"instructor_ids", json::array{second.str("id")}}},
                      a.admin_token);
    ASSERT_EQ(course2.status, 201u) << course2.body;
    std::string c2 = course2.str("id");
    ASSERT_EQ(srv.post_json("/api/v1/courses/" + c2 + "/enrollments/", json::object{{"user_id", a.students[1].id}},
                            a.admin_token)
                  .status,
              201u);
    UnixTime start = srv.clock().now() + 3600;
    auto teacher2_token =
        srv.token_for(srv.app().directory().get_user({a.admin, a.tenant}, second.str("id")).value(), a.tenant);
    auto sess = srv.post_json("/api/v1/live-sessions/",
                              json::object{{"course_id", c2},
                                           {"title", "Private Two Session"},
                                           {"scheduled_start", format_iso8601(start)},
                                           {"scheduled_end", format_iso8601(start + 600)}},
                              teacher2_token);
    ASSERT_EQ(sess.status, 201u) << sess.body;
    std::string sid = sess.str("id");
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + sid + "/start/", "", teacher2_token).status, 200u);

    const std::string outsider = a.student_tokens[0];
    auto d = srv.get("/api/v1/live-sessions/" + sid + "/", outsider);
    EXPECT_EQ(d.status, 404u) << d.body;
    EXPECT_EQ(d.body.find("Private Two Session"), std::string::npos);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + sid + "/join/", "", outsider).status, 404u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + sid + "/end/", "", outsider).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/courses/" + c2 + "/", outsider).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/courses/" + c2 + "/live-policy/", outsider).status, 404u);
    auto list = srv.get("/api/v1/live-sessions/?page_size=100", outsider);
    ASSERT_EQ(list.status, 200u);
    EXPECT_EQ(list.obj().at("count").as_int64(), 2);  // the two sessions of course 1
    EXPECT_EQ(list.body.find("Private Two Session"), std::string::npos);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/?course=" + c2, outsider).obj().at("count").as_int64(), 0);
    auto courses = srv.get("/api/v1/courses/", outsider);
    EXPECT_EQ(courses.obj().at("count").as_int64(), 1);
    EXPECT_EQ(courses.body.find("Private Course Two"), std::string::npos);
    // The instructor of course 1 does not teach course 2 either.
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + sid + "/", a.instructor_token).status, 404u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + sid + "/end/", "", a.instructor_token).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/", a.instructor_token).obj().at("count").as_int64(), 2);
    {
        soci::session sql(srv.app().db().pool());
        long long parts = -1;
        sql << "SELECT COUNT(*) FROM live_session_participants WHERE session_id = :s", soci::use(sid),
            soci::into(parts);
        EXPECT_EQ(parts, 0);
    }
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + sid + "/", teacher2_token).obj().at("status"), "live");

    // The enrolled student sees and joins it.
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + sid + "/", a.student_tokens[1]).status, 200u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/", a.student_tokens[1]).obj().at("count").as_int64(), 3);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + sid + "/join/", "", a.student_tokens[1]).status, 200u);

    // Enrolling the outsider opens it; unenrolling closes it again.
    ASSERT_EQ(srv.post_json("/api/v1/courses/" + c2 + "/enrollments/", json::object{{"user_id", a.students[0].id}},
                            a.admin_token)
                  .status,
              201u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + sid + "/", outsider).status, 200u);
    ASSERT_EQ(srv.del("/api/v1/courses/" + c2 + "/enrollments/" + a.students[0].id + "/", a.admin_token).status, 204u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + sid + "/", outsider).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/", outsider).obj().at("count").as_int64(), 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, Tenancy, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
