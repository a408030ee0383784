// Kick and mute (issue 3 item 6, seed 1.2 kick_participant / mute_others): who may, what is recorded on
// the participation rows, that a removed student cannot join again, and the bad requests, on SQLite
// and PostgreSQL.
#include <boost/json.hpp>

#include "harness.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

class Moderation : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};

    /// A live class of `s` with student 2 as a moderator and students 1 and 2 in the room.
    std::string live_class(const TestServer::School& s) {
        auto created = srv.create_session(s, {{"moderator_ids", json::array{s.students[1].id}}});
        std::string id(created.at("id").as_string());
        EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
        for (int i = 0; i < 2; ++i)
            EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[i]).status, 200u);
        return id;
    }
    std::string kick_path(const std::string& id, const std::string& user) {
        return "/api/v1/live-sessions/" + id + "/participants/" + user + "/kick/";
    }
};

TEST_P(Moderation, AHostRemovesAStudentWhoCannotComeBack) {
    auto s = srv.make_school("kick", 3);
    std::string id = live_class(s);
    const std::string& student = s.students[0].id;

    auto denied = srv.post_json(kick_path(id, s.students[1].id), {{"reason", "x"}}, s.student_tokens[0]);
    EXPECT_EQ(denied.status, 403u) << denied.body;

    auto r = srv.post_json(kick_path(id, student), {{"reason", "Derste uygunsuz davranış"}}, s.instructor_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.obj().at("action"), "kick");
    EXPECT_EQ(r.obj().at("provider_applied"), false);
    EXPECT_NE(r.str("provider_detail").find("meeting's participant list"), std::string::npos) << r.body;
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE session_id = '" + id + "' AND user_id = '" + student +
                             "' AND kicked = 1 AND is_active = 0 AND left_at IS NOT NULL AND kick_reason = "
                             "'Derste uygunsuz davranış'"),
              1);
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'participant.kick' AND resource_id = '" + id + "'"), 1);
    auto detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(detail.obj().at("participant_count").as_int64(), 1) << detail.body;

    auto back = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]);
    EXPECT_EQ(back.status, 403u) << back.body;
    EXPECT_NE(back.str("detail").find("removed from this class"), std::string::npos) << back.body;
    // Other students still join.
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[2]).status, 200u);
}

TEST_P(Moderation, ModeratorsMayButNotAgainstTheHost) {
    auto s = srv.make_school("modkick", 3);
    std::string id = live_class(s);
    // Student 2 (index 1) is a moderator of this class.
    auto on_host = srv.post_json(kick_path(id, s.instructor.id), json::object{}, s.student_tokens[1]);
    EXPECT_EQ(on_host.status, 403u) << on_host.body;
    auto ok = srv.post(kick_path(id, s.students[0].id), "", s.student_tokens[1]);
    EXPECT_EQ(ok.status, 200u) << ok.body;
    auto mute = srv.post("/api/v1/live-sessions/" + id + "/participants/" + s.students[2].id + "/mute/", "",
                         s.student_tokens[1]);
    ASSERT_EQ(mute.status, 200u) << mute.body;
    EXPECT_EQ(mute.obj().at("action"), "mute");
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'participant.mute'"), 1);
    auto student_mutes = srv.post("/api/v1/live-sessions/" + id + "/participants/" + s.students[1].id + "/mute/", "",
                                  s.student_tokens[2]);
    EXPECT_EQ(student_mutes.status, 403u) << student_mutes.body;
}

TEST_P(Moderation, BadKicksAreClear4xxAndChangeNothing) {
    auto s = srv.make_school("badkick", 3);
    auto other = srv.make_school("otherkick", 1);
    std::string id = live_class(s);
    auto code = [&](const std::string& path, const std::string& body, const std::string& token) {
        return http_request(srv.port(), "POST", path, body, token).status;
    };
    EXPECT_EQ(code(kick_path(id, s.instructor.id), "", s.instructor_token), 409u) << "yourself";
    EXPECT_EQ(code(kick_path(id, s.students[2].id), "", s.instructor_token), 404u) << "never joined";
    EXPECT_EQ(code(kick_path(id, other.students[0].id), "", s.instructor_token), 404u) << "another school's user";
    EXPECT_EQ(code(kick_path(id, "not-a-uuid"), "", s.instructor_token), 400u);
    EXPECT_EQ(code(kick_path("not-a-uuid", s.students[0].id), "", s.instructor_token), 400u);
    EXPECT_EQ(code(kick_path(id, s.students[0].id), "{\"reason\": 5}", s.instructor_token), 422u);
    EXPECT_EQ(
        code(kick_path(id, s.students[0].id), "{\"reason\": \"" + std::string(501, 'x') + "\"}", s.instructor_token),
        422u);
    EXPECT_EQ(code(kick_path(id, s.students[0].id), "{nope", s.instructor_token), 400u);
    EXPECT_EQ(code(kick_path(id, s.students[0].id), "", other.admin_token), 404u) << "another school's admin";
    EXPECT_EQ(code(kick_path(id, s.students[0].id), "", ""), 401u);
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE kicked = 1"), 0);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    EXPECT_EQ(code(kick_path(id, s.students[0].id), "", s.instructor_token), 409u) << "the class is over";
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE kicked = 1"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, Moderation, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
