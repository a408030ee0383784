// GET /api/v1/audit/ (issue 5 item 5, seed 9.5): a school's audit trail for its admins, filtered and
// paged, read-only, never another school's rows; on SQLite and PostgreSQL.
#include <boost/json.hpp>

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

INSTANTIATE_TEST_SUITE_P(Engines, Audit, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
