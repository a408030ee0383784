// Seed 9.4 (KVKK) through HTTP on SQLite and PostgreSQL: a school admin's export of everything stored
// about a person, erasure that anonymises the person but keeps the attendance figures, and the
// retention purge (issue 5 item 4).
#include <boost/json.hpp>
#include <cctype>

#include "core/time.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

class Privacy : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
    /// A class the first student attended, ended and summarised; returns its id.
    std::string attended_class(const TestServer::School& s) {
        std::string id(srv.create_session(s).at("id").as_string());
        EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
        EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]).status, 200u);
        srv.clock().advance(1800);
        EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
        srv.app().workers().run_due();
        return id;
    }
    void webhook_row(const std::string& tenant, const std::string& id, const std::string& status,
                     const std::string& body, UnixTime at) {
        soci::session sql(srv.app().db().pool());
        sql << "INSERT INTO webhook_events(id, provider, tenant_id, dedupe_key, event_type, status, body, received_at) "
               "VALUES(:i, 'jitsi', :t, :d, 'participant_joined', :s, :b, :r)",
            soci::use(id), soci::use(tenant), soci::use(id), soci::use(status), soci::use(body),
            soci::use(static_cast<long long>(at));
    }
};

TEST_P(Privacy, AdminsExportEverythingStoredAboutAPerson) {
    auto s = srv.make_school("kvkk", 2);
    auto other = srv.make_school("kvkk-other", 1);
    std::string id = attended_class(s);
    const auto& student = s.students[0];

    auto r = srv.get("/api/v1/users/" + student.id + "/data-export/", s.admin_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.headers.at("content-disposition"), "attachment; filename=\"personal-data-" + student.id + ".json\"");
    const auto& d = r.obj();
    EXPECT_EQ(js(d.at("user").at("email")), student.email);
    EXPECT_FALSE(d.at("user").as_object().contains("password_hash"));
    EXPECT_EQ(r.body.find("$argon2"), std::string::npos);
    ASSERT_EQ(d.at("enrollments").as_array().size(), 1u);
    EXPECT_EQ(js(d.at("enrollments").at(0).at("course_id")), s.course.id);
    ASSERT_EQ(d.at("participations").as_array().size(), 1u);
    const auto& part = d.at("participations").at(0).as_object();
    EXPECT_EQ(js(part.at("session_id")), id);
    EXPECT_EQ(part.at("duration_seconds").as_int64(), 1800);
    EXPECT_EQ(js(part.at("ip_hash")).size(), 64u);
    ASSERT_EQ(d.at("attendance").as_array().size(), 1u);
    EXPECT_EQ(d.at("attendance").at(0).at("total_duration_seconds").as_int64(), 1800);
    EXPECT_FALSE(d.at("audit").as_array().empty());  // the join, done by the student
    EXPECT_EQ(js(d.at("school").at("id")), s.tenant.id);
    // Nothing about anybody else.
    EXPECT_EQ(r.body.find(s.students[1].email), std::string::npos);
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'user.data_export' AND resource_id = '" + student.id + "'"), 1);

    EXPECT_EQ(srv.get("/api/v1/users/" + student.id + "/data-export/", s.instructor_token).status, 403u);
    EXPECT_EQ(srv.get("/api/v1/users/" + student.id + "/data-export/", s.student_tokens[0]).status, 403u);
    auto foreign = srv.get("/api/v1/users/" + student.id + "/data-export/", other.admin_token);
    EXPECT_EQ(foreign.status, 404u);
    EXPECT_EQ(foreign.body.find(student.email), std::string::npos);
    EXPECT_EQ(srv.get("/api/v1/users/not-a-uuid/data-export/", s.admin_token).status, 400u);
}

TEST_P(Privacy, ErasureAnonymisesThePersonAndKeepsTheAttendanceFigures) {
    auto s = srv.make_school("erase", 1);
    auto other = srv.make_school("erase-other", 1);
    std::string id = attended_class(s);
    const auto& student = s.students[0];
    const std::string path = "/api/v1/users/" + student.id + "/erase/";
    webhook_row(s.tenant.id, infra::new_uuid(), "processed",
                "{\"data\":{\"email\":\"" + student.email + "\",\"name\":\"x\"}}", srv.clock().now());
    webhook_row(s.tenant.id, infra::new_uuid(), "processed", "{\"data\":{\"email\":\"someone@else.test\"}}",
                srv.clock().now());
    // BigBlueButton names people by our id and their name; a provider may change the e-mail's case.
    webhook_row(s.tenant.id, infra::new_uuid(), "processed",
                "{\"event\":\"user-joined\",\"external-user-id\":\"" + student.id + "\"}", srv.clock().now());
    std::string upper = student.email;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    webhook_row(s.tenant.id, infra::new_uuid(), "processed", "{\"email\":\"" + upper + "\"}", srv.clock().now());

    // Refused, changing nothing: no confirmation, false, another school, a non-admin, oneself.
    EXPECT_EQ(srv.post_json(path, json::object{}, s.admin_token).status, 422u);
    EXPECT_EQ(srv.post_json(path, json::object{{"confirm", false}}, s.admin_token).status, 422u);
    EXPECT_EQ(srv.post_json(path, json::object{{"confirm", "yes"}}, s.admin_token).status, 422u);
    EXPECT_EQ(srv.post_json(path, json::object{{"confirm", true}}, other.admin_token).status, 404u);
    EXPECT_EQ(srv.post_json(path, json::object{{"confirm", true}}, s.instructor_token).status, 403u);
    EXPECT_EQ(
        srv.post_json("/api/v1/users/" + s.admin.id + "/erase/", json::object{{"confirm", true}}, s.admin_token).status,
        409u);
    EXPECT_EQ(srv.count_rows("users WHERE id = '" + student.id + "' AND email = '" + student.email + "'"), 1);

    auto r = srv.post_json(path, json::object{{"confirm", true}}, s.admin_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.obj().at("participations_anonymised").as_int64(), 1);
    EXPECT_EQ(r.obj().at("webhook_events_blanked").as_int64(), 3);
    EXPECT_EQ(srv.count_rows("users WHERE id = '" + student.id + "' AND email = 'erased-" + student.id +
                             "@invalid' AND full_name = '' AND password_hash = '' AND is_active = 0"),
              1);
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE user_id = '" + student.id +
                             "' AND ip_hash = '' AND browser = '' AND duration_seconds = 1800"),
              1);
    EXPECT_EQ(srv.count_rows("live_session_attendance_summaries WHERE user_id = '" + student.id +
                             "' AND total_duration_seconds = 1800"),
              1);
    EXPECT_EQ(srv.count_rows("audit_logs WHERE actor_id = '" + student.id + "' AND ip_hash <> ''"), 0);
    EXPECT_EQ(srv.count_rows("webhook_events WHERE body LIKE '%" + student.email + "%'"), 0);
    EXPECT_EQ(srv.count_rows("webhook_events WHERE body LIKE '%" + student.id + "%'"), 0);
    EXPECT_EQ(srv.count_rows("webhook_events WHERE body = '{\"erased\":true}'"), 3);
    EXPECT_EQ(srv.count_rows("webhook_events WHERE body LIKE '%someone@else.test%'"), 1);
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'user.erase' AND resource_id = '" + student.id + "'"), 1);
    // The person can no longer sign in, and the class report still counts the attendance.
    EXPECT_EQ(srv.post_json("/api/v1/auth/login/", {{"email", student.email}, {"password", "password-erase"}}).status,
              401u);
    auto report = srv.get("/api/v1/live-sessions/" + id + "/attendance/", s.instructor_token);
    ASSERT_EQ(report.status, 200u);
    EXPECT_EQ(report.obj().at("totals").at("attended").as_int64(), 1) << report.body;
    auto after = srv.get("/api/v1/users/" + student.id + "/data-export/", s.admin_token);
    EXPECT_EQ(after.body.find(student.email), std::string::npos);
}

TEST_P(Privacy, RetentionPurgeDropsOnlyWhatIsOld) {
    auto s = srv.make_school("retain", 1);
    std::string id = attended_class(s);
    const UnixTime now = srv.clock().now();
    const std::string old_done = infra::new_uuid(), old_pending = infra::new_uuid(), new_done = infra::new_uuid(),
                      old_audit = infra::new_uuid();
    webhook_row(s.tenant.id, old_done, "processed", "{}", now - 31 * 86400);
    webhook_row(s.tenant.id, old_pending, "received", "{}", now - 31 * 86400);
    webhook_row(s.tenant.id, new_done, "processed", "{}", now - 29 * 86400);
    {
        soci::session sql(srv.app().db().pool());
        sql << "INSERT INTO audit_logs(id, tenant_id, action, resource_type, resource_id, ip_hash, details, "
               "created_at) VALUES(:i, :t, 'x', 'y', 'z', '', '{}', :c)",
            soci::use(old_audit), soci::use(s.tenant.id), soci::use(static_cast<long long>(now - 731 * 86400));
    }
    // Nothing of the class is old yet.
    auto first = srv.app().privacy().purge();
    ASSERT_TRUE(first) << first.error().internal;
    EXPECT_EQ(first->participations, 0);
    EXPECT_EQ(first->webhook_events, 1);
    EXPECT_EQ(first->audit_rows, 1);
    EXPECT_EQ(srv.count_rows("webhook_events WHERE id IN ('" + old_pending + "', '" + new_done + "')"), 2);
    EXPECT_EQ(srv.count_rows("audit_logs WHERE id = '" + old_audit + "'"), 0);
    // A year and a day later the participation loses its device and address hash, not its times.
    srv.clock().advance(366 * 86400);
    auto later = srv.app().privacy().purge();
    ASSERT_TRUE(later);
    EXPECT_EQ(later->participations, 1);
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE session_id = '" + id +
                             "' AND ip_hash = '' AND device_type = '' AND duration_seconds = 1800"),
              1);
    // The job queues its next round a day ahead; scheduling at start-up adds none while one waits.
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'purge_expired_data' AND status = 'queued' AND run_at = " +
                             std::to_string(now + 86400)),
              1);
    ASSERT_TRUE(srv.app().privacy().schedule_purge());
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'purge_expired_data'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, Privacy, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
