// GET /api/v1/audit/ (issue 5 item 5, seed 9.5): a school's audit trail for its admins, filtered and
// paged, read-only, never another school's rows; on SQLite and PostgreSQL.
#include <boost/json.hpp>
#include <map>

#include "core/time.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

class Audit : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
    long long count(const std::string& query, const std::string& token) {
        auto r = srv.get("/api/v1/audit/" + query, token);
        EXPECT_EQ(r.status, 200u) << r.body;
        return r.status == 200 ? r.obj().at("count").as_int64() : -1;
    }
};

TEST_P(Audit, AdminsReadTheirSchoolsTrailFilteredAndNothingElse) {
    auto a = srv.make_school("audita", 1);
    auto b = srv.make_school("auditb", 1);
    const UnixTime t0 = srv.clock().now();
    std::string id(srv.create_session(a).at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", a.instructor_token).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", a.student_tokens[0]).status, 200u);
    srv.clock().advance(60);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", a.instructor_token).status, 200u);

    auto all = srv.get("/api/v1/audit/?resource_id=" + id, a.admin_token);
    ASSERT_EQ(all.status, 200u) << all.body;
    const auto& rows = all.obj().at("results").as_array();
    ASSERT_EQ(rows.size(), 4u) << all.body;  // create, start, join, end: newest first
    EXPECT_EQ(rows[0].at("action"), "session.end");
    EXPECT_EQ(js(rows[0].at("actor_id")), a.instructor.id);
    EXPECT_EQ(rows[0].at("resource_type"), "live_session");
    EXPECT_EQ(js(rows[0].at("created_at")), format_iso8601(t0 + 60));
    EXPECT_TRUE(rows[0].at("details").is_object());
    EXPECT_EQ(rows[0].at("ip_hash").as_string().size(), 64u);  // an HMAC, never the address

    EXPECT_EQ(count("?action=session.start", a.admin_token), 1);
    EXPECT_EQ(count("?action=session.", a.admin_token), 4);
    EXPECT_EQ(count("?action=session", a.admin_token), 0);  // exact unless it ends with '.'
    EXPECT_EQ(count("?actor=" + a.students[0].id, a.admin_token), 1);
    EXPECT_EQ(count("?from=" + format_iso8601(t0 + 30), a.admin_token), 1);
    EXPECT_EQ(count("?to=" + format_iso8601(t0 + 30) + "&resource_type=live_session", a.admin_token), 3);
    auto paged = srv.get("/api/v1/audit/?resource_id=" + id + "&page_size=3&page=2", a.admin_token);
    EXPECT_EQ(paged.obj().at("results").as_array().size(), 1u);

    // Another school's admin sees none of it; teachers and students see no trail at all.
    EXPECT_EQ(count("?resource_id=" + id, b.admin_token), 0);
    EXPECT_EQ(srv.get("/api/v1/audit/", a.instructor_token).status, 403u);
    EXPECT_EQ(srv.get("/api/v1/audit/", a.student_tokens[0]).status, 403u);
    EXPECT_EQ(srv.get("/api/v1/audit/", "").status, 401u);

    // Bad filters are 400 and name the parameter; the trail cannot be written through the API.
    for (const char* q : {"?actor=nobody", "?from=yesterday", "?sort=time", "?page_size=1000", "?action="}) {
        auto r = srv.get(std::string("/api/v1/audit/") + q, a.admin_token);
        EXPECT_EQ(r.status, 400u) << q << " " << r.body;
    }
    EXPECT_EQ(srv.post("/api/v1/audit/", "{}", a.admin_token).status, 405u);
    EXPECT_EQ(srv.del("/api/v1/audit/", a.admin_token).status, 405u);
}

TEST_P(Audit, EveryChangeAndExportIsTracedToItsRequestWithoutSecrets) {
    auto a = srv.make_school("trail", 1);
    const std::string admin = a.admin_token;
    auto with_id = [&](const std::string& method, const std::string& target, const json::value& body,
                       const std::string& rid) {
        auto r = http_request(srv.port(), method, target, body.is_null() ? "" : json::serialize(body), admin,
                              {{"X-Request-Id", rid}, {"Content-Type", "application/json"}});
        EXPECT_LT(r.status, 300u) << method << " " << target << " " << r.body;
        EXPECT_EQ(r.headers.at("x-request-id"), rid);
        return r;
    };
    auto created = with_id("POST", "/api/v1/users/",
                           json::object{{"email", "new@trail.test"},
                                        {"password", "a-long-password"},
                                        {"full_name", "New Teacher"},
                                        {"role", "student"}},
                           "req-user-create");
    std::string uid = created.str("id");
    with_id("PATCH", "/api/v1/users/" + uid + "/", json::object{{"role", "instructor"}, {"password", "another-one-1"}},
            "req-role");
    with_id("PATCH", "/api/v1/users/" + uid + "/", json::object{{"is_active", false}}, "req-deactivate");
    with_id("POST", "/api/v1/courses/" + a.course.id + "/instructors/", json::object{{"user_id", uid}},
            "req-instructor");
    with_id("POST", "/api/v1/courses/" + a.course.id + "/enrollments/", json::object{{"user_id", uid}}, "req-enroll");
    with_id("DELETE", "/api/v1/courses/" + a.course.id + "/enrollments/" + uid + "/", nullptr, "req-unenroll");
    with_id("PUT", "/api/v1/tenants/" + a.tenant.id + "/live-policy/", json::object{{"lobby_enabled", true}},
            "req-policy");
    const std::string sso_secret = "a-very-secret-lms-key-0123456789abcdef";
    with_id("PATCH", "/api/v1/tenants/" + a.tenant.id + "/", json::object{{"lms_jwt_secret", sso_secret}},
            "req-tenant");

    auto one = [&](const std::string& rid) {
        auto r = srv.get("/api/v1/audit/?request_id=" + rid, admin);
        EXPECT_EQ(r.status, 200u) << r.body;
        return r.obj().at("results").as_array();
    };
    auto rows = one("req-user-create");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].at("action"), "user.create");
    EXPECT_EQ(js(rows[0].at("resource_id")), uid);
    EXPECT_EQ(js(rows[0].at("actor_id")), a.admin.id);
    EXPECT_EQ(rows[0].at("request_id"), "req-user-create");
    EXPECT_EQ(js(rows[0].at("ip_hash")),
              infra::hmac_sha256_hex(infra::derive_key(srv.app().config().secret_key, "ip-hash"), "127.0.0.1"));

    rows = one("req-role");  // the update, and the role change on a row of its own; never the password
    ASSERT_EQ(rows.size(), 2u);
    std::map<std::string, json::value> by_action;
    for (const auto& r : rows) by_action[js(r.at("action"))] = r.at("details");
    EXPECT_EQ(by_action.at("user.role_change"), (json::object{{"from", "student"}, {"to", "instructor"}}));
    EXPECT_EQ(by_action.at("user.update").at("fields"), (json::array{"password", "role"}));
    EXPECT_EQ(one("req-deactivate").size(), 2u);
    EXPECT_EQ(count("?action=user.deactivate&resource_id=" + uid, admin), 1);
    EXPECT_EQ(one("req-instructor").at(0).at("action"), "course.instructor_add");
    EXPECT_EQ(one("req-enroll").at(0).at("action"), "enrollment.create");
    EXPECT_EQ(one("req-unenroll").at(0).at("action"), "enrollment.delete");
    EXPECT_EQ(one("req-policy").at(0).at("action"), "policy.update");
    auto tenant_rows = one("req-tenant");
    ASSERT_EQ(tenant_rows.size(), 1u);
    EXPECT_EQ(tenant_rows[0].at("details"), (json::object{{"fields", json::array{"lms_jwt_secret"}}}));
    // Secrets and passwords appear nowhere in the trail.
    auto everything = srv.get("/api/v1/audit/?page_size=100", admin);
    EXPECT_EQ(everything.body.find(sso_secret), std::string::npos);
    EXPECT_EQ(everything.body.find("another-one-1"), std::string::npos);
    EXPECT_EQ(everything.body.find("a-long-password"), std::string::npos);

    // A malformed request_id filter is a 400 naming it, not an empty page.
    for (const std::string& q : std::vector<std::string>{"?request_id=", "?request_id=" + std::string(201, 'r')}) {
        auto bad = srv.get("/api/v1/audit/" + q, admin);
        ASSERT_EQ(bad.status, 400u) << q;
        EXPECT_EQ(bad.obj().at("errors").at(0).at("field"), "request_id");
    }

    // Exports: who took which report out, and how many rows.
    std::string id(srv.create_session(a).at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", a.instructor_token).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", a.instructor_token).status, 200u);
    srv.app().workers().run_due();
    auto csv = http_request(srv.port(), "GET", "/api/v1/live-sessions/" + id + "/attendance/?format=csv", "",
                            a.instructor_token, {{"X-Request-Id", "req-export"}});
    ASSERT_EQ(csv.status, 200u) << csv.body;
    auto exported = one("req-export");
    ASSERT_EQ(exported.size(), 1u);
    EXPECT_EQ(exported[0].at("action"), "attendance.export");
    EXPECT_EQ(js(exported[0].at("actor_id")), a.instructor.id);
    EXPECT_EQ(exported[0].at("details"), (json::object{{"format", "csv"}, {"rows", 1}}));
    ASSERT_EQ(http_request(srv.port(), "GET", "/api/v1/courses/" + a.course.id + "/attendance/?format=csv", "", admin,
                           {{"X-Request-Id", "req-course-export"}})
                  .status,
              200u);
    EXPECT_EQ(js(one("req-course-export").at(0).at("resource_type")), "course");
    // A JSON report is reading, not an export.
    ASSERT_EQ(srv.get("/api/v1/live-sessions/" + id + "/attendance/", a.instructor_token).status, 200u);
    EXPECT_EQ(count("?action=attendance.export", admin), 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, Audit, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
