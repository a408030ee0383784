// Mass assignment: fields a client must not set (tenant, ids, role, status, secrets, authorship,
// timestamps, counters) cannot be smuggled in through the bodies of create/update endpoints. Each
// attempt is refused with a 4xx problem (422 "unknown field" for fields the endpoint does not take,
// 403/422 for fields it takes but the caller may not use so) and the stored objects are unchanged:
// nobody is escalated, nothing moves to another school, no state machine step is skipped.
// SQLite and PostgreSQL.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "harness.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;
using Field = std::pair<std::string, json::value>;
Field F(std::string k, json::value v) { return {std::move(k), std::move(v)}; }
Field F(std::string k, const std::string& v) { return {std::move(k), json::value(json::string(v))}; }
Field F(std::string k, const char* v) { return {std::move(k), json::value(v)}; }

class MassAssignment : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
    TestServer::School a = srv.make_school("school-a", 1);
    TestServer::School b = srv.make_school("school-b", 1);

    /// Every answer must be a refusal with a problem document, and `watched` (as A's admin sees them,
    /// plus the row counts) must be the same afterwards.
    struct Attempt {
        std::string who, method, target;
        json::object body;
    };
    void expect_refused_and_unchanged(const std::vector<Attempt>& attempts, const std::vector<std::string>& watched) {
        auto snapshot = [&] {
            std::vector<std::string> out;
            for (const auto& t : watched) out.push_back(t + " " + srv.get(t, a.admin_token).body);
            for (const char* table : {"users", "courses", "live_sessions", "enrollments", "course_instructors",
                                      "tenants", "live_provider_configs"})
                out.push_back(std::string(table) + " " + std::to_string(srv.count_rows(table)));
            out.push_back(srv.get("/api/v1/users/", b.admin_token).body);
            return out;
        };
        auto before = snapshot();
        for (const auto& at : attempts) {
            std::string token = at.who == "admin"        ? a.admin_token
                                : at.who == "instructor" ? a.instructor_token
                                                         : a.student_tokens[0];
            auto r = http_request(srv.port(), at.method, at.target, json::serialize(at.body), token);
            EXPECT_TRUE(r.status == 400u || r.status == 403u || r.status == 422u)
                << at.who << " " << at.method << " " << at.target << " " << json::serialize(at.body) << ": " << r.status
                << " " << r.body;
            EXPECT_EQ(r.headers["content-type"], "application/problem+json") << at.target;
        }
        EXPECT_EQ(snapshot(), before);
    }
    json::object session_body(json::object extra = {}) const {
        UnixTime start = srv_clock_now() + 3600;
        json::object o{{"course_id", a.course.id},
                       {"title", "Mass assignment"},
                       {"scheduled_start", format_iso8601(start)},
                       {"scheduled_end", format_iso8601(start + 3600)}};
        for (auto& kv : extra) o[kv.key()] = kv.value();
        return o;
    }
    UnixTime srv_clock_now() const { return const_cast<TestServer&>(srv).clock().now(); }
};

/// Fields no create/update body may carry: the server owns them.
std::vector<std::pair<std::string, json::value>> server_owned(const std::string& other_tenant,
                                                              const std::string& other_user) {
    return {F("id", "00000000-0000-7000-8000-000000000001"),
            F("tenant_id", other_tenant),
            F("tenant", "school-b"),
            F("created_by", other_user),
            F("created_by_id", other_user),
            F("owner_id", other_user),
            F("created_at", "2000-01-01T00:00:00Z"),
            F("updated_at", "2000-01-01T00:00:00Z"),
            F("deleted_at", "2000-01-01T00:00:00Z"),
            F("is_superuser", true),
            F("is_staff", true),
            F("password_hash", "$argon2id$v=19$m=65536,t=2,p=1$AAAA$BBBB"),
            F("lms_jwt_secret", "attacker-secret-0123456789abcdef0123"),
            F("webhook_secret", "attacker-secret-0123456789abcdef0123")};
}

TEST_P(MassAssignment, SessionCreateAndUpdateTakeNoServerOwnedFieldsAndSkipNoState) {
    auto existing = srv.create_session(a);
    std::string sid = js(existing.at("id"));
    std::vector<Attempt> attempts;
    auto fields = server_owned(b.tenant.id, b.instructor.id);
    for (auto f :
         {F("room_id", "attacker-room"), F("room_name", "attacker-room"), F("join_url", "https://evil.example/"),
          F("provider", "zoom"), F("participants_count", 999), F("actual_start", "2000-01-01T00:00:00Z"),
          F("actual_end", "2000-01-01T00:00:00Z"), F("instructor_id", b.instructor.id),
          F("moderator_ids", json::array{b.instructor.id}), F("course_id", b.course.id),
          F("policy", json::object{{"tenant_id", b.tenant.id}}), F("policy", json::object{{"session_id", sid}})})
        fields.push_back(f);
    for (const auto& [k, v] : fields) {
        attempts.push_back({"instructor", "POST", "/api/v1/live-sessions/", session_body({{k, v}})});
        if (k != "course_id")
            attempts.push_back({"instructor", "PATCH", "/api/v1/live-sessions/" + sid + "/", {{k, v}}});
    }
    // A status is a field, but no request may jump the state machine with it.
    for (const char* st : {"live", "ended", "cancelled", "archived"}) {
        attempts.push_back({"instructor", "POST", "/api/v1/live-sessions/", session_body({{"status", st}})});
        attempts.push_back({"instructor", "PATCH", "/api/v1/live-sessions/" + sid + "/", {{"status", st}}});
        attempts.push_back({"admin", "PATCH", "/api/v1/live-sessions/" + sid + "/", {{"status", st}}});
    }
    // Students create nothing, whatever they send.
    attempts.push_back({"student", "POST", "/api/v1/live-sessions/", session_body()});
    attempts.push_back({"student", "PATCH", "/api/v1/live-sessions/" + sid + "/", {{"title", "Student edit"}}});
    expect_refused_and_unchanged(attempts, {"/api/v1/live-sessions/" + sid + "/", "/api/v1/live-sessions/"});
    auto after = srv.get("/api/v1/live-sessions/" + sid + "/", a.admin_token);
    EXPECT_EQ(js(after.obj().at("status")), "scheduled");
    EXPECT_EQ(after.obj().at("title"), existing.at("title"));
}

TEST_P(MassAssignment, UsersCannotBeEscalatedMovedOrGivenCredentialsThroughTheirBody) {
    std::vector<Attempt> attempts;
    const std::string self_student = "/api/v1/users/" + a.students[0].id + "/";
    const std::string self_instructor = "/api/v1/users/" + a.instructor.id + "/";
    for (const auto& [k, v] : server_owned(b.tenant.id, b.admin.id)) {
        json::object create{{"email", "mass@school-a.test"}, {"password", "password-123456"}, {"role", "student"}};
        create[k] = v;
        attempts.push_back({"admin", "POST", "/api/v1/users/", create});
        attempts.push_back({"admin", "PATCH", self_student, {{k, v}}});
        attempts.push_back({"student", "PATCH", self_student, {{k, v}}});
    }
    for (const char* f : {"last_login", "external_id", "avatar_url"})
        attempts.push_back({"student", "PATCH", self_student, {{f, "x"}}});
    // Role and activity are fields, but only an admin sets them; an unknown role is no role at all.
    for (const char* role : {"admin", "instructor", "superadmin", "ADMIN"}) {
        attempts.push_back({"student", "PATCH", self_student, {{"role", role}}});
        attempts.push_back({"student", "PATCH", self_student, {{"full_name", "Still me"}, {"role", role}}});
        attempts.push_back({"instructor", "PATCH", self_instructor, {{"role", role}}});
    }
    attempts.push_back({"admin",
                        "POST",
                        "/api/v1/users/",
                        {{"email", "root@school-a.test"}, {"password", "password-123456"}, {"role", "superadmin"}}});
    attempts.push_back({"student", "PATCH", self_student, {{"is_active", true}}});
    attempts.push_back({"student", "PATCH", self_student, {{"email", "admin@school-a.test"}}});
    attempts.push_back({"student",
                        "POST",
                        "/api/v1/users/",
                        {{"email", "x@school-a.test"}, {"password", "password-123456"}, {"role", "admin"}}});
    attempts.push_back({"instructor",
                        "POST",
                        "/api/v1/users/",
                        {{"email", "y@school-a.test"}, {"password", "password-123456"}, {"role", "admin"}}});
    // Logging in does not take a role or a school id either.
    for (const auto& [k, v] : {F("role", "admin"), F("tenant_id", b.tenant.id)})
        attempts.push_back({"student",
                            "POST",
                            "/api/v1/auth/login/",
                            {{"email", a.students[0].email}, {"password", "password-school-a"}, {k, v}}});
    expect_refused_and_unchanged(attempts, {self_student, self_instructor, "/api/v1/users/"});
    auto me = srv.get("/api/v1/auth/me/", a.student_tokens[0]);
    EXPECT_EQ(js(me.obj().at("user").at("role")), "student");
    EXPECT_EQ(js(me.obj().at("user").at("tenant_id")), a.tenant.id);
    EXPECT_EQ(srv.count_rows("users WHERE role = 'admin'"), 2);  // one per school
}

TEST_P(MassAssignment, CoursesMembershipsTenantsAndSettingsTakeNoServerOwnedFields) {
    std::vector<Attempt> attempts;
    const std::string course = "/api/v1/courses/" + a.course.id + "/";
    const std::string tenant = "/api/v1/tenants/" + a.tenant.id + "/";
    for (const auto& [k, v] : server_owned(b.tenant.id, b.admin.id)) {
        if (k == "lms_jwt_secret") continue;  // a real field of the school (admin only): tested below
        attempts.push_back({"admin", "POST", "/api/v1/courses/", {{"title", "Mass course"}, {k, v}}});
        attempts.push_back({"admin", "PATCH", course, {{k, v}}});
        attempts.push_back({"admin", "POST", course + "enrollments/", {{"user_id", a.students[0].id}, {k, v}}});
        attempts.push_back({"admin", "POST", course + "instructors/", {{"user_id", a.instructor.id}, {k, v}}});
        attempts.push_back({"admin", "PUT", course + "live-policy/", {{"lobby_enabled", true}, {k, v}}});
        attempts.push_back({"admin", "PUT", tenant + "live-policy/", {{"lobby_enabled", true}, {k, v}}});
        if (k != "webhook_secret")
            attempts.push_back({"admin", "PUT", tenant + "live-config/", {{"provider", "jitsi"}, {k, v}}});
        attempts.push_back({"admin", "PATCH", tenant, {{k, v}}});
    }
    for (const auto& [k, v] :
         {F("slug", "school-b"), F("is_active", false), F("sso_enabled", true), F("plan", "enterprise")})
        attempts.push_back({"admin", "PATCH", tenant, {{k, v}}});
    attempts.push_back({"admin", "PATCH", course, {{"instructor_ids", json::array{b.instructor.id}}}});
    attempts.push_back(
        {"admin", "POST", "/api/v1/courses/", {{"title", "X"}, {"instructor_ids", json::array{b.instructor.id}}}});
    attempts.push_back(
        {"admin", "POST", course + "enrollments/", {{"user_id", a.students[0].id}, {"role", "instructor"}}});
    // Secrets and settings are the admin's: an instructor or a student sending them is refused.
    for (const char* who : {"instructor", "student"}) {
        attempts.push_back({who, "PATCH", tenant, {{"lms_jwt_secret", "attacker-secret-0123456789abcdef0123"}}});
        attempts.push_back({who,
                            "PUT",
                            tenant + "live-config/",
                            {{"provider", "jitsi"}, {"jitsi_jwt_secret", "attacker-secret-0123456789"}}});
        attempts.push_back({who, "PUT", tenant + "live-policy/", {{"allow_guests", true}}});
        attempts.push_back({who, "POST", course + "instructors/", {{"user_id", a.students[0].id}}});
    }
    // The caller's own identity in bodies that act for the caller.
    std::string live = js(srv.create_session(a).at("id"));
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + live + "/start/", "", a.instructor_token).status, 200u);
    for (const char* path : {"heartbeat/", "leave/"})
        for (const auto& [k, v] :
             {F("user_id", a.instructor.id), F("tenant_id", b.tenant.id), F("duration_seconds", 99999)})
            attempts.push_back({"student", "POST", "/api/v1/live-sessions/" + live + "/" + path, {{k, v}}});
    attempts.push_back({"instructor",
                        "POST",
                        "/api/v1/live-sessions/" + live + "/participants/" + a.students[0].id + "/kick/",
                        {{"reason", "x"}, {"user_id", a.admin.id}}});
    expect_refused_and_unchanged(
        attempts, {course, course + "enrollments/", course + "live-policy/", tenant, tenant + "live-config/",
                   tenant + "live-policy/", "/api/v1/courses/", "/api/v1/live-sessions/" + live + "/attendance/"});
    EXPECT_EQ(srv.count_rows("live_session_participants"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, MassAssignment, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
