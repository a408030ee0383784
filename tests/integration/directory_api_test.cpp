// The admin REST API of a school: users, courses, instructors and enrolments; the live-provider
// settings (secrets masked on the way out, kept unless replaced, AES-GCM at rest); the tenant and
// course live policies and how a session's effective policy resolves (session > course > tenant).
// SQLite and PostgreSQL.
#include <soci/soci.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "core/time.hpp"
#include "harness.hpp"
#include "infra/jwt.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kFixtureSecret = "jitsi-secret-of-dir-0123456789";  // what make_school("dir") configures
constexpr const char* kEnvSecret = "jitsi-env-secret-0123456789abcdef";   // the harness's JITSI_JWT_SECRET

std::set<std::string> error_fields(const HttpResult& r) {
    std::set<std::string> out;
    if (!r.json.is_object()) return out;
    if (auto* e = r.obj().if_contains("errors"))
        for (const auto& x : e->as_array()) out.insert(js(x.at("field")));
    return out;
}

class DirectoryApi : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
    TestServer::School s = srv.make_school("dir", 1);

    long long count(const std::string& from_where) { return srv.count_rows(from_where); }
    std::string stored_jitsi_secret() {
        soci::session sql(srv.app().db().pool());
        std::string v;
        sql << "SELECT jitsi_jwt_secret FROM live_provider_configs WHERE tenant_id = :t AND provider = 'jitsi'",
            soci::use(s.tenant.id), soci::into(v);
        return v;
    }
    json::object jitsi_config(const HttpResult& r) {
        for (const auto& c : r.obj().at("configs").as_array())
            if (c.at("provider") == "jitsi") return c.as_object();
        ADD_FAILURE() << "no jitsi config in " << r.body;
        return {};
    }
    /// Starts a fresh session and joins it as the instructor; returns the Jitsi token.
    std::string join_token() {
        std::string id = js(srv.create_session(s).at("id"));
        auto st = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
        EXPECT_EQ(st.status, 200u) << st.body;
        auto j = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.instructor_token);
        EXPECT_EQ(j.status, 200u) << j.body;
        return j.str("token");
    }
    bool token_signed_with(const std::string& token, const std::string& secret) {
        return infra::jwt_verify_hs256(token, secret, srv.clock().now()).ok();
    }
    std::string live_config_url() const { return "/api/v1/tenants/" + s.tenant.id + "/live-config/"; }
};

TEST_P(DirectoryApi, AdminManagesUsers) {
    long long users = count("users");
    auto r = srv.post_json("/api/v1/users/",
                           json::object{{"email", "New.Teacher@Dir.Test"},
                                        {"password", "a-long-password"},
                                        {"full_name", "Yeni Öğretmen"},
                                        {"role", "instructor"},
                                        {"locale", "en"}},
                           s.admin_token);
    ASSERT_EQ(r.status, 201u) << r.body;
    std::string id = r.str("id");
    EXPECT_EQ(r.obj().at("email"), "new.teacher@dir.test");
    EXPECT_EQ(r.obj().at("role"), "instructor");
    EXPECT_EQ(r.obj().at("locale"), "en");
    EXPECT_EQ(r.obj().at("is_active"), true);
    EXPECT_EQ(js(r.obj().at("tenant_id")), s.tenant.id);
    EXPECT_EQ(r.body.find("a-long-password"), std::string::npos);
    EXPECT_EQ(r.body.find("argon2"), std::string::npos);
    EXPECT_EQ(count("users"), users + 1);
    // The new account logs in with its password.
    auto login = srv.post_json("/api/v1/auth/login/",
                               json::object{{"email", "new.teacher@dir.test"}, {"password", "a-long-password"}});
    ASSERT_EQ(login.status, 200u) << login.body;
    EXPECT_EQ(js(login.obj().at("user").at("id")), id);
    // A user without a role is a student, and locale defaults to tr.
    auto st =
        srv.post_json("/api/v1/users/", json::object{{"email", "kid@dir.test"}, {"full_name", "Kid"}}, s.admin_token);
    ASSERT_EQ(st.status, 201u) << st.body;
    EXPECT_EQ(st.obj().at("role"), "student");
    EXPECT_EQ(st.obj().at("locale"), "tr");
    users += 2;

    // Duplicates (e-mail compared case-insensitively) are 409; bad fields 422; nothing is written.
    auto dup = srv.post_json("/api/v1/users/", json::object{{"email", "NEW.TEACHER@dir.test"}}, s.admin_token);
    EXPECT_EQ(dup.status, 409u) << dup.body;
    EXPECT_EQ(dup.headers["content-type"], "application/problem+json");
    // So is the LMS id of another account (single sign-on finds people by it); "" means none.
    auto lms =
        srv.post_json("/api/v1/users/", json::object{{"email", "lms1@dir.test"}, {"external_id", "X1"}}, s.admin_token);
    ASSERT_EQ(lms.status, 201u) << lms.body;
    auto lms_dup =
        srv.post_json("/api/v1/users/", json::object{{"email", "lms2@dir.test"}, {"external_id", "X1"}}, s.admin_token);
    EXPECT_EQ(lms_dup.status, 409u) << lms_dup.body;
    EXPECT_NE(lms_dup.str("detail").find("external_id"), std::string::npos) << lms_dup.body;
    for (const char* email : {"none1@dir.test", "none2@dir.test"})
        EXPECT_EQ(
            srv.post_json("/api/v1/users/", json::object{{"email", email}, {"external_id", ""}}, s.admin_token).status,
            201u);
    users += 3;
    std::vector<std::pair<json::object, std::string>> invalid{
        {{{"email", "not-an-email"}}, "email"},
        {{{"email", "a@b@c"}}, "email"},
        {{{"email", "short@dir.test"}, {"password", "short"}}, "password"},
        {{{"email", "role@dir.test"}, {"role", "superuser"}}, "role"},
        {{{"email", "loc@dir.test"}, {"locale", "de"}}, "locale"},
        {{{"email", "name@dir.test"}, {"full_name", std::string(201, 'n')}}, "full_name"},
    };
    for (const auto& [body, field] : invalid) {
        auto bad = srv.post_json("/api/v1/users/", body, s.admin_token);
        EXPECT_EQ(bad.status, 422u) << json::serialize(body) << " " << bad.body;
        EXPECT_TRUE(error_fields(bad).count(field)) << bad.body;
    }
    // Only admins create users.
    for (const auto& token : {s.instructor_token, s.student_tokens[0]}) {
        auto denied = srv.post_json("/api/v1/users/", json::object{{"email", "sneaky@dir.test"}}, token);
        EXPECT_EQ(denied.status, 403u) << denied.body;
    }
    EXPECT_EQ(count("users"), users);

    // Read and list.
    auto got = srv.get("/api/v1/users/" + id + "/", s.admin_token);
    ASSERT_EQ(got.status, 200u);
    EXPECT_EQ(got.obj().at("full_name"), "Yeni Öğretmen");
    auto instructors = srv.get("/api/v1/users/?role=instructor", s.admin_token);
    ASSERT_EQ(instructors.status, 200u);
    EXPECT_EQ(instructors.obj().at("count").as_int64(), 2);
    auto search = srv.get("/api/v1/users/?search=new.teacher", s.admin_token);
    EXPECT_EQ(search.obj().at("count").as_int64(), 1);
    // The search is text: LIKE's wildcards in it match only themselves (no e-mail or name here has them).
    for (const char* wild : {"%25", "_", "new_teacher", "%5C", "!", "!%25"}) {
        std::string query = "/api/v1/users/?search=";  // appended in place: GCC 12 warns (falsely) on a temporary's
        query += wild;
        EXPECT_EQ(srv.get(query, s.admin_token).obj().at("count").as_int64(), 0) << wild;
    }
    auto page = srv.get("/api/v1/users/?page_size=2", s.admin_token);
    EXPECT_EQ(page.obj().at("count").as_int64(), users);
    EXPECT_EQ(page.obj().at("results").as_array().size(), 2u);
    EXPECT_FALSE(page.obj().at("next").is_null());
    EXPECT_EQ(srv.get("/api/v1/users/", s.instructor_token).status, 403u);

    // Update: admin changes anything; a user only their own name/locale/password.
    auto upd = srv.patch_json("/api/v1/users/" + id + "/", json::object{{"full_name", "Renamed"}, {"role", "admin"}},
                              s.admin_token);
    ASSERT_EQ(upd.status, 200u) << upd.body;
    EXPECT_EQ(upd.obj().at("role"), "admin");
    std::string sid = s.students[0].id;
    auto self =
        srv.patch_json("/api/v1/users/" + sid + "/", json::object{{"full_name", "Me Myself"}}, s.student_tokens[0]);
    ASSERT_EQ(self.status, 200u) << self.body;
    EXPECT_EQ(self.obj().at("full_name"), "Me Myself");
    auto escalate = srv.patch_json("/api/v1/users/" + sid + "/", json::object{{"role", "admin"}}, s.student_tokens[0]);
    EXPECT_EQ(escalate.status, 403u) << escalate.body;
    auto other = srv.patch_json("/api/v1/users/" + id + "/", json::object{{"full_name", "x"}}, s.student_tokens[0]);
    EXPECT_EQ(other.status, 404u) << other.body;
    EXPECT_EQ(srv.get("/api/v1/users/" + id + "/", s.student_tokens[0]).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/users/" + sid + "/", s.student_tokens[0]).status, 200u);
    auto taken = srv.patch_json("/api/v1/users/" + id + "/", json::object{{"email", s.admin.email}}, s.admin_token);
    EXPECT_EQ(taken.status, 422u) << taken.body;
    EXPECT_TRUE(error_fields(taken).count("email"));
    auto after = srv.get("/api/v1/users/" + sid + "/", s.admin_token);
    EXPECT_EQ(after.obj().at("role"), "student");
    EXPECT_EQ(srv.get("/api/v1/users/" + id + "/", s.admin_token).obj().at("email"), "new.teacher@dir.test");
    EXPECT_EQ(srv.get("/api/v1/users/00000000-0000-4000-8000-000000000000/", s.admin_token).status, 404u);
}

TEST_P(DirectoryApi, AdminManagesCoursesInstructorsAndEnrollments) {
    auto mk_user = [&](const std::string& email, const std::string& role) {
        auto r = srv.post_json("/api/v1/users/", json::object{{"email", email}, {"role", role}}, s.admin_token);
        EXPECT_EQ(r.status, 201u) << r.body;
        return r.str("id");
    };
    std::string t2 = mk_user("t2@dir.test", "instructor");
    std::string st2 = mk_user("st2@dir.test", "student");

    auto c = srv.post_json(
        "/api/v1/courses/",
        json::object{
            {"title", "Fizik 101"}, {"description", "Mekanik"}, {"instructor_ids", json::array{s.instructor.id}}},
        s.admin_token);
    ASSERT_EQ(c.status, 201u) << c.body;
    std::string cid = c.str("id");
    EXPECT_EQ(c.obj().at("title"), "Fizik 101");
    EXPECT_EQ(c.obj().at("instructor_ids"), (json::array{s.instructor.id}));
    long long courses = count("courses");
    for (const auto& token : {s.instructor_token, s.student_tokens[0]}) {
        EXPECT_EQ(srv.post_json("/api/v1/courses/", json::object{{"title", "Nope"}}, token).status, 403u);
        EXPECT_EQ(srv.patch_json("/api/v1/courses/" + cid + "/", json::object{{"title", "Nope"}}, token).status, 403u);
        EXPECT_EQ(srv.del("/api/v1/courses/" + cid + "/", token).status, 403u);
    }
    EXPECT_EQ(count("courses"), courses);
    auto unknown_instr = srv.post_json(
        "/api/v1/courses/",
        json::object{{"title", "X"}, {"instructor_ids", json::array{"00000000-0000-4000-8000-000000000000"}}},
        s.admin_token);
    EXPECT_EQ(unknown_instr.status, 422u);
    EXPECT_EQ(count("courses"), courses);

    auto patched = srv.patch_json("/api/v1/courses/" + cid + "/", json::object{{"title", "Fizik 102"}}, s.admin_token);
    ASSERT_EQ(patched.status, 200u) << patched.body;
    EXPECT_EQ(srv.get("/api/v1/courses/" + cid + "/", s.instructor_token).obj().at("title"), "Fizik 102");

    // Instructors.
    std::string instr = "/api/v1/courses/" + cid + "/instructors/";
    auto add = srv.post_json(instr, json::object{{"user_id", t2}}, s.admin_token);
    ASSERT_EQ(add.status, 200u) << add.body;
    std::set<std::string> ids;
    for (const auto& v : add.obj().at("instructor_ids").as_array()) ids.insert(js(v));
    EXPECT_EQ(ids, (std::set<std::string>{s.instructor.id, t2}));
    auto student_teacher = srv.post_json(instr, json::object{{"user_id", st2}}, s.admin_token);
    EXPECT_EQ(student_teacher.status, 422u) << student_teacher.body;
    EXPECT_TRUE(error_fields(student_teacher).count("user_id"));
    EXPECT_EQ(
        srv.post_json(instr, json::object{{"user_id", "00000000-0000-4000-8000-000000000000"}}, s.admin_token).status,
        422u);
    EXPECT_EQ(srv.post_json(instr, json::object{{"user_id", t2}}, s.instructor_token).status, 403u);
    EXPECT_EQ(count("course_instructors WHERE course_id = '" + cid + "'"), 2);
    auto rm = srv.del(instr + t2 + "/", s.admin_token);
    ASSERT_EQ(rm.status, 200u) << rm.body;
    EXPECT_EQ(rm.obj().at("instructor_ids"), (json::array{s.instructor.id}));
    EXPECT_EQ(srv.del(instr + t2 + "/", s.admin_token).status, 404u);

    // Enrolments: 201 when new, 200 when already enrolled (no second row), 204 on removal.
    std::string enr = "/api/v1/courses/" + cid + "/enrollments/";
    auto e1 = srv.post_json(enr, json::object{{"user_id", st2}}, s.admin_token);
    ASSERT_EQ(e1.status, 201u) << e1.body;
    EXPECT_EQ(e1.obj().at("enrolled"), true);
    auto e2 = srv.post_json(enr, json::object{{"user_id", st2}}, s.admin_token);
    EXPECT_EQ(e2.status, 200u) << e2.body;
    EXPECT_EQ(count("enrollments WHERE course_id = '" + cid + "'"), 1);
    for (const auto& token : {s.instructor_token, s.student_tokens[0]})
        EXPECT_EQ(srv.post_json(enr, json::object{{"user_id", s.students[0].id}}, token).status, 403u);
    EXPECT_EQ(
        srv.post_json(enr, json::object{{"user_id", "00000000-0000-4000-8000-000000000000"}}, s.admin_token).status,
        422u);
    EXPECT_EQ(count("enrollments WHERE course_id = '" + cid + "'"), 1);
    auto list = srv.get(enr, s.instructor_token);  // the course's instructor may see its students
    ASSERT_EQ(list.status, 200u) << list.body;
    ASSERT_EQ(list.obj().at("results").as_array().size(), 1u);
    EXPECT_EQ(js(list.obj().at("results").at(0).at("id")), st2);
    EXPECT_EQ(srv.get(enr, s.student_tokens[0]).status, 404u);  // not enrolled: the course does not exist for them
    EXPECT_EQ(srv.get("/api/v1/courses/" + s.course.id + "/enrollments/", s.student_tokens[0]).status,
              403u);  // enrolled elsewhere: may not list classmates
    auto del = srv.del(enr + st2 + "/", s.admin_token);
    EXPECT_EQ(del.status, 204u);
    EXPECT_TRUE(del.body.empty());
    EXPECT_EQ(srv.del(enr + st2 + "/", s.admin_token).status, 404u);
    EXPECT_EQ(srv.del(enr + s.students[0].id + "/", s.instructor_token).status, 403u);
    EXPECT_EQ(count("enrollments WHERE course_id = '" + cid + "'"), 0);

    // Deleting a course.
    auto gone = srv.del("/api/v1/courses/" + cid + "/", s.admin_token);
    EXPECT_EQ(gone.status, 204u) << gone.body;
    EXPECT_EQ(srv.get("/api/v1/courses/" + cid + "/", s.admin_token).status, 404u);
    EXPECT_EQ(srv.del("/api/v1/courses/" + cid + "/", s.admin_token).status, 404u);
    EXPECT_EQ(count("courses"), courses - 1);
}

TEST_P(DirectoryApi, LiveConfigMasksSecretsAndKeepsThem) {
    auto get = srv.get(live_config_url(), s.admin_token);
    ASSERT_EQ(get.status, 200u) << get.body;
    auto cfg = jitsi_config(get);
    EXPECT_EQ(cfg.at("jitsi_jwt_secret"), "********");
    EXPECT_EQ(cfg.at("jitsi_jwt_secret_set"), true);
    EXPECT_EQ(cfg.at("jitsi_domain"), "meet.dir.test");
    EXPECT_EQ(cfg.at("jitsi_app_id"), "dir-app");
    EXPECT_EQ(cfg.at("bbb_shared_secret"), "");
    EXPECT_EQ(cfg.at("bbb_shared_secret_set"), false);
    EXPECT_EQ(cfg.at("is_default"), true);
    EXPECT_EQ(get.body.find(kFixtureSecret), std::string::npos);

    // At rest: an AES-GCM envelope, not the secret.
    std::string at_rest = stored_jitsi_secret();
    EXPECT_EQ(at_rest.rfind("v1:", 0), 0u) << at_rest;
    EXPECT_EQ(at_rest.find(kFixtureSecret), std::string::npos);
    EXPECT_GT(at_rest.size(), 3u + 16u);
    EXPECT_TRUE(token_signed_with(join_token(), kFixtureSecret));

    // A PUT that leaves the secret out keeps it.
    auto put = srv.put_json(live_config_url(), json::object{{"provider", "jitsi"}, {"jitsi_app_id", "dir-app-2"}},
                            s.admin_token);
    ASSERT_EQ(put.status, 200u) << put.body;
    EXPECT_EQ(jitsi_config(put).at("jitsi_app_id"), "dir-app-2");
    EXPECT_EQ(jitsi_config(put).at("jitsi_jwt_secret"), "********");
    EXPECT_EQ(jitsi_config(put).at("jitsi_jwt_secret_set"), true);
    std::string t1 = join_token();
    EXPECT_TRUE(token_signed_with(t1, kFixtureSecret));
    EXPECT_EQ(infra::jwt_peek_claims(t1).value().at("iss"), "dir-app-2");
    // Sending the mask back keeps it as well.
    auto masked = srv.put_json(live_config_url(), json::object{{"provider", "jitsi"}, {"jitsi_jwt_secret", "********"}},
                               s.admin_token);
    ASSERT_EQ(masked.status, 200u) << masked.body;
    EXPECT_TRUE(token_signed_with(join_token(), kFixtureSecret));

    // A new secret replaces it, encrypted with a fresh nonce; never echoed.
    const std::string fresh = "brand-new-jitsi-secret-0123456789";
    auto change = srv.put_json(live_config_url(), json::object{{"provider", "jitsi"}, {"jitsi_jwt_secret", fresh}},
                               s.admin_token);
    ASSERT_EQ(change.status, 200u) << change.body;
    EXPECT_EQ(change.body.find(fresh), std::string::npos);
    EXPECT_EQ(jitsi_config(change).at("jitsi_jwt_secret"), "********");
    std::string at_rest2 = stored_jitsi_secret();
    EXPECT_EQ(at_rest2.rfind("v1:", 0), 0u);
    EXPECT_EQ(at_rest2.find(fresh), std::string::npos);
    EXPECT_NE(at_rest2, at_rest);
    std::string t2 = join_token();
    EXPECT_TRUE(token_signed_with(t2, fresh));
    EXPECT_FALSE(token_signed_with(t2, kFixtureSecret));

    // Invalid settings are refused and change nothing.
    long long audits = count("audit_logs WHERE action = 'live_config.update'");
    for (const auto& body : {json::object{{"provider", "jitsi"}, {"jitsi_jwt_secret", "short"}},
                             json::object{{"provider", "jitsi"}, {"jitsi_domain", "https://meet.dir.test/x"}},
                             json::object{{"provider", "webex"}},
                             json::object{{"provider", "jitsi"}, {"jitsi_jwt_secret", 12345678901234567}},
                             json::object{{"provider", "jitsi"}, {"max_concurrent_rooms", 0}},
                             json::object{{"provider", "jitsi"}, {"is_active", false}},
                             json::object{{"provider", "jitsi"}, {"api_key", "x"}}}) {
        auto bad = srv.put_json(live_config_url(), body, s.admin_token);
        EXPECT_EQ(bad.status, 422u) << json::serialize(body) << " " << bad.body;
    }
    EXPECT_EQ(stored_jitsi_secret(), at_rest2);
    EXPECT_EQ(count("audit_logs WHERE action = 'live_config.update'"), audits);
    auto unchanged = jitsi_config(srv.get(live_config_url(), s.admin_token));
    EXPECT_EQ(unchanged.at("jitsi_domain"), "meet.dir.test");
    EXPECT_EQ(unchanged.at("jitsi_app_id"), "dir-app-2");
    EXPECT_EQ(unchanged.at("is_active"), true);

    // Only the school admin reads or writes it.
    for (const auto& token : {s.instructor_token, s.student_tokens[0]}) {
        EXPECT_EQ(srv.get(live_config_url(), token).status, 403u);
        auto denied = srv.put_json(
            live_config_url(), json::object{{"provider", "jitsi"}, {"jitsi_jwt_secret", "attacker-secret-0123456789"}},
            token);
        EXPECT_EQ(denied.status, 403u) << denied.body;
    }
    EXPECT_EQ(stored_jitsi_secret(), at_rest2);

    // "" clears it: the server's JITSI_JWT_SECRET signs from then on.
    auto clear =
        srv.put_json(live_config_url(), json::object{{"provider", "jitsi"}, {"jitsi_jwt_secret", ""}}, s.admin_token);
    ASSERT_EQ(clear.status, 200u) << clear.body;
    EXPECT_EQ(jitsi_config(clear).at("jitsi_jwt_secret"), "");
    EXPECT_EQ(jitsi_config(clear).at("jitsi_jwt_secret_set"), false);
    EXPECT_EQ(stored_jitsi_secret(), "");
    EXPECT_TRUE(token_signed_with(join_token(), kEnvSecret));
}

TEST_P(DirectoryApi, PolicyPrecedenceSessionOverCourseOverTenant) {
    std::string tenant_url = "/api/v1/tenants/" + s.tenant.id + "/live-policy/";
    std::string course_url = "/api/v1/courses/" + s.course.id + "/live-policy/";
    // Defaults before anything is set.
    auto t0 = srv.get(tenant_url, s.admin_token);
    ASSERT_EQ(t0.status, 200u) << t0.body;
    EXPECT_TRUE(t0.obj().at("overrides").at("attendance_threshold_percent").is_null());
    EXPECT_EQ(t0.obj().at("effective").at("attendance_threshold_percent").as_int64(), 70);

    auto tp = srv.put_json(tenant_url,
                           json::object{{"attendance_threshold_percent", 80},
                                        {"minimum_duration_minutes", 15},
                                        {"lobby_enabled", true},
                                        {"students_can_share_screen", true}},
                           s.admin_token);
    ASSERT_EQ(tp.status, 200u) << tp.body;
    EXPECT_EQ(tp.obj().at("overrides").at("attendance_threshold_percent").as_int64(), 80);
    EXPECT_EQ(tp.obj().at("effective").at("attendance_threshold_percent").as_int64(), 80);
    auto cp = srv.put_json(course_url, json::object{{"attendance_threshold_percent", 60}, {"lobby_enabled", false}},
                           s.instructor_token);  // a course's instructor may set its policy
    ASSERT_EQ(cp.status, 200u) << cp.body;
    EXPECT_EQ(cp.obj().at("effective").at("attendance_threshold_percent").as_int64(), 60);
    EXPECT_EQ(cp.obj().at("effective").at("minimum_duration_minutes").as_int64(), 15);
    EXPECT_EQ(cp.obj().at("effective").at("lobby_enabled"), false);
    EXPECT_TRUE(cp.obj().at("overrides").at("minimum_duration_minutes").is_null());
    auto cg = srv.get(course_url, s.student_tokens[0]);  // enrolled students may read it
    ASSERT_EQ(cg.status, 200u) << cg.body;
    EXPECT_EQ(cg.obj().at("effective").at("attendance_threshold_percent").as_int64(), 60);

    // null in a policy means "inherit" (and a null content_id means none).
    auto with = srv.create_session(s, {{"content_id", nullptr},
                                       {"policy", json::object{{"attendance_threshold_percent", 50},
                                                               {"students_can_share_screen", false},
                                                               {"lobby_enabled", nullptr},
                                                               {"minimum_duration_minutes", nullptr}}}});
    EXPECT_TRUE(with.at("content_id").is_null());
    auto without = srv.create_session(s);
    auto policy_of = [&](const json::object& created) {
        auto d = srv.get("/api/v1/live-sessions/" + js(created.at("id")) + "/", s.student_tokens[0]);
        EXPECT_EQ(d.status, 200u) << d.body;
        return d.obj().at("policy").as_object();
    };
    auto p1 = policy_of(with);
    EXPECT_EQ(p1.at("attendance_threshold_percent").as_int64(), 50);  // session
    EXPECT_EQ(p1.at("students_can_share_screen"), false);             // session over tenant's true
    EXPECT_EQ(p1.at("lobby_enabled"), false);                         // course over tenant's true
    EXPECT_EQ(p1.at("minimum_duration_minutes").as_int64(), 15);      // tenant
    EXPECT_EQ(p1.at("late_join_tolerance_minutes").as_int64(), 10);   // default
    auto p2 = policy_of(without);
    EXPECT_EQ(p2.at("attendance_threshold_percent").as_int64(), 60);
    EXPECT_EQ(p2.at("students_can_share_screen"), true);
    EXPECT_EQ(p2.at("lobby_enabled"), false);
    EXPECT_EQ(p2.at("minimum_duration_minutes").as_int64(), 15);

    // The policy resolves when read: a tenant change shows through where nothing closer overrides it.
    // A PUT replaces the level's overrides (null = inherit).
    auto tp2 = srv.put_json(tenant_url,
                            json::object{{"minimum_duration_minutes", 20}, {"attendance_threshold_percent", nullptr}},
                            s.admin_token);
    ASSERT_EQ(tp2.status, 200u) << tp2.body;
    EXPECT_TRUE(tp2.obj().at("overrides").at("attendance_threshold_percent").is_null());
    EXPECT_TRUE(tp2.obj().at("overrides").at("students_can_share_screen").is_null());
    EXPECT_EQ(tp2.obj().at("effective").at("attendance_threshold_percent").as_int64(), 70);
    p2 = policy_of(without);
    EXPECT_EQ(p2.at("minimum_duration_minutes").as_int64(), 20);
    EXPECT_EQ(p2.at("attendance_threshold_percent").as_int64(), 60);
    EXPECT_EQ(p2.at("students_can_share_screen"), false);  // back to the default
    // Removing the course override lets the tenant/default value through.
    ASSERT_EQ(srv.put_json(course_url, json::object{}, s.admin_token).status, 200u);
    p2 = policy_of(without);
    EXPECT_EQ(p2.at("attendance_threshold_percent").as_int64(), 70);
    EXPECT_EQ(p2.at("lobby_enabled"), true);
    // A PATCH of the session's policy.
    auto patched =
        srv.patch_json("/api/v1/live-sessions/" + js(without.at("id")) + "/",
                       json::object{{"policy", json::object{{"late_join_tolerance_minutes", 3}}}}, s.instructor_token);
    ASSERT_EQ(patched.status, 200u) << patched.body;
    EXPECT_EQ(policy_of(without).at("late_join_tolerance_minutes").as_int64(), 3);
    EXPECT_EQ(policy_of(with).at("late_join_tolerance_minutes").as_int64(), 10);
    // A webinar mutes students whatever the levels say.
    ASSERT_EQ(srv.put_json(tenant_url, json::object{{"students_can_unmute_self", true}}, s.admin_token).status, 200u);
    auto web = srv.create_session(s, {{"type", "webinar"}});
    EXPECT_EQ(policy_of(web).at("students_can_unmute_self"), false);
    EXPECT_EQ(policy_of(without).at("students_can_unmute_self"), true);

    // Who may change which level; refused PUTs change nothing.
    auto before_t = srv.get(tenant_url, s.admin_token).body;
    auto before_c = srv.get(course_url, s.admin_token).body;
    EXPECT_EQ(srv.put_json(tenant_url, json::object{{"allow_guests", true}}, s.instructor_token).status, 403u);
    EXPECT_EQ(srv.put_json(tenant_url, json::object{{"allow_guests", true}}, s.student_tokens[0]).status, 403u);
    EXPECT_EQ(srv.put_json(course_url, json::object{{"allow_guests", true}}, s.student_tokens[0]).status, 403u);
    auto bad = srv.put_json(course_url, json::object{{"allow_guests", "yes"}, {"bogus", 1}}, s.admin_token);
    EXPECT_EQ(bad.status, 422u);
    EXPECT_EQ(error_fields(bad), (std::set<std::string>{"allow_guests", "bogus"}));
    EXPECT_EQ(srv.get(tenant_url, s.admin_token).body, before_t);
    EXPECT_EQ(srv.get(course_url, s.admin_token).body, before_c);
}

INSTANTIATE_TEST_SUITE_P(Engines, DirectoryApi, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
