// Attendance end to end (issue 4): heartbeats and tab visibility, leaving, closing rows whose
// heartbeats stopped, summaries with absent students, the class / course / user reports in JSON and
// CSV (parsed back), explanations, recalculation, the timeline, and the bad-input and permission
// cases, on SQLite and PostgreSQL.
#include <boost/json.hpp>
#include <set>

#include "core/time.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"
#include "recording_report.hpp"
#include "services/attendance_service.hpp"
#include "store/recording_repo.hpp"
#include "store/transcript_repo.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

/// RFC 4180: fields split on commas, quoted fields may hold commas, CRLF and doubled quotes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (quoted) {
            if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (ch == '"') {
                quoted = false;
            } else {
                field += ch;
            }
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            row.push_back(field);
            field.clear();
        } else if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            ++i;
        } else {
            field += ch;
        }
        any = true;
    }
    if (any && (!field.empty() || !row.empty())) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

class Attendance : public ::testing::TestWithParam<Engine> {
protected:
    using School = TestServer::School;
    TestServer srv{GetParam()};

    std::string path(const std::string& id, const std::string& rest = "") {
        return "/api/v1/live-sessions/" + id + "/" + rest;
    }
    /// A class of `s` that started now (scheduled for an hour from an hour ago is not needed: the
    /// window is the real start and end).
    std::string live_class(const School& s) {
        std::string id(srv.create_session(s).at("id").as_string());
        auto started = srv.post(path(id, "start/"), "", s.instructor_token);
        EXPECT_EQ(started.status, 200u) << started.body;
        return id;
    }
    HttpResult heartbeat(const std::string& id, const std::string& token, json::object body = {}) {
        return srv.post_json(path(id, "heartbeat/"), body, token);
    }
    std::string join(const std::string& id, const std::string& token) {
        auto r = srv.post(path(id, "join/"), "", token);
        EXPECT_EQ(r.status, 200u) << r.body;
        return r.status == 200 ? r.str("participant_id") : std::string();
    }
    /// Access tokens last an hour: classes here run longer than that on the test clock.
    void refresh_tokens(School& s) {
        s.admin_token = srv.token_for(s.admin, s.tenant);
        s.instructor_token = srv.token_for(s.instructor, s.tenant);
        for (std::size_t i = 0; i < s.students.size(); ++i)
            s.student_tokens[i] = srv.token_for(s.students[i], s.tenant);
    }
    void end_and_summarise(const School& s, const std::string& id) {
        ASSERT_EQ(srv.post(path(id, "end/"), "", s.instructor_token).status, 200u);
        srv.app().workers().run_due();
    }
    static const json::object& row_of(const HttpResult& report, const std::string& user_id) {
        for (const auto& r : report.obj().at("results").as_array())
            if (js(r.at("user_id")) == user_id) return r.as_object();
        throw std::runtime_error("no row for " + user_id + " in " + report.body);
    }
    void expect_problem(const HttpResult& r, unsigned status, const std::string& needle = "") {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_NE(
            r.headers.count("content-type") ? r.headers.at("content-type").find("problem+json") : std::string::npos,
            std::string::npos)
            << r.body;
        if (!needle.empty()) {
            EXPECT_NE(r.body.find(needle), std::string::npos) << r.body;
        }
    }
};

TEST_P(Attendance, HeartbeatsKeepVisibilityAndStoppedOnesCloseTheRowAtTheLastOne) {
    auto s = srv.make_school("beat", 2);
    std::string id = live_class(s);
    const UnixTime t0 = srv.clock().now();
    std::string pid = join(id, s.student_tokens[0]);

    auto hb = heartbeat(id, s.student_tokens[0]);
    ASSERT_EQ(hb.status, 200u) << hb.body;
    EXPECT_EQ(js(hb.obj().at("participant_ids").at(0)), pid);
    EXPECT_EQ(hb.obj().at("next_heartbeat_seconds").as_int64(), 30);
    EXPECT_EQ(hb.obj().at("resumed"), false);

    // The tab goes to the background for 60 s, then comes back.
    srv.clock().advance(30);
    ASSERT_EQ(heartbeat(id, s.student_tokens[0], {{"visible", false}, {"participant_id", pid}}).status, 200u);
    srv.clock().advance(30);
    ASSERT_EQ(heartbeat(id, s.student_tokens[0], {{"visible", false}}).status, 200u);  // still hidden
    srv.clock().advance(30);
    ASSERT_EQ(heartbeat(id, s.student_tokens[0], {{"visible", true}}).status, 200u);
    EXPECT_EQ(srv.count_rows("live_session_background_spans WHERE participant_id = '" + pid + "' AND started_at = " +
                             std::to_string(t0 + 30) + " AND ended_at = " + std::to_string(t0 + 90)),
              1);
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE id = '" + pid + "' AND background_duration = 60"), 1);

    // Then the heartbeats stop (the laptop closed, the leave never came): two missed intervals later
    // the sweep closes the row at the last heartbeat, not at the time of the sweep.
    srv.clock().advance(61);
    srv.app().workers().run_due();
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE id = '" + pid + "' AND is_active = 0 AND left_at = " +
                             std::to_string(t0 + 90) + " AND end_reason = 'heartbeat_timeout'"),
              1);
    EXPECT_EQ(srv.get(path(id), s.instructor_token).obj().at("participant_count").as_int64(), 0);

    // Back online: the next heartbeat starts a new stretch of presence.
    auto back = heartbeat(id, s.student_tokens[0]);
    ASSERT_EQ(back.status, 200u) << back.body;
    EXPECT_EQ(back.obj().at("resumed"), true);
    EXPECT_NE(js(back.obj().at("participant_ids").at(0)), pid);
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE session_id = '" + id + "' AND is_active = 1"), 1);

    // Removed by a moderator after a timeout: a heartbeat does not bring the student back.
    srv.clock().advance(61);
    srv.app().workers().run_due();
    auto kicked = srv.post(path(id, "participants/" + s.students[0].id + "/kick/"), "", s.instructor_token);
    ASSERT_EQ(kicked.status, 200u) << kicked.body;
    expect_problem(heartbeat(id, s.student_tokens[0]), 403, "removed");
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE user_id = '" + s.students[0].id + "' AND is_active = 1"),
              0);

    // A row that never had a heartbeat (no room page) is left to its leave or the end of the class.
    join(id, s.student_tokens[1]);
    srv.clock().advance(600);
    srv.app().workers().run_due();
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE user_id = '" + s.students[1].id + "' AND is_active = 1"),
              1);
}

TEST_P(Attendance, BadHeartbeatsAndLeavesAreRefusedAndChangeNothing) {
    auto s = srv.make_school("badbeat", 2);
    auto other = srv.make_school("otherbeat", 1);
    std::string scheduled(srv.create_session(s).at("id").as_string());
    expect_problem(heartbeat(scheduled, s.student_tokens[0]), 409, "not live");
    std::string id = live_class(s);
    expect_problem(heartbeat(id, s.student_tokens[0]), 409, "join it first");
    std::string pid = join(id, s.student_tokens[0]);
    expect_problem(heartbeat(id, s.student_tokens[0], {{"visible", "no"}}), 422, "visible");
    expect_problem(heartbeat(id, s.student_tokens[0], {{"participant_id", "not-a-uuid"}}), 422, "participant_id");
    expect_problem(heartbeat(id, s.student_tokens[0], {{"hidden", true}}), 422, "hidden");
    expect_problem(srv.post(path(id, "heartbeat/"), "{", s.student_tokens[0]), 400);
    expect_problem(srv.post(path("nope", "heartbeat/"), "", s.student_tokens[0]), 400);
    // Another student's row is not the caller's; another school's student cannot see the class.
    expect_problem(heartbeat(id, s.student_tokens[1], {{"participant_id", pid}}), 409);
    expect_problem(heartbeat(id, other.student_tokens[0]), 404);
    expect_problem(heartbeat(id, ""), 401);
    expect_problem(
        srv.post_json(path(id, "leave/"), json::object{{"participant_id", infra::new_uuid()}}, s.student_tokens[0]),
        404);
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE id = '" + pid +
                             "' AND is_active = 1 AND "
                             "last_seen_at IS NULL AND hidden_since IS NULL"),
              1);
    EXPECT_EQ(srv.count_rows("live_session_background_spans"), 0);

    // Leaving closes the row; leaving again closes nothing.
    auto left = srv.post(path(id, "leave/"), "", s.student_tokens[0]);
    ASSERT_EQ(left.status, 200u) << left.body;
    EXPECT_EQ(left.obj().at("closed").as_int64(), 1);
    EXPECT_EQ(srv.post(path(id, "leave/"), "", s.student_tokens[0]).obj().at("closed").as_int64(), 0);
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE id = '" + pid + "' AND end_reason = 'left'"), 1);
}

TEST_P(Attendance, ReportsShowEveryoneToTeachersOwnRowsToStudentsAndExplainThem) {
    auto s = srv.make_school("report", 3);
    std::string id = live_class(s);
    const UnixTime t0 = srv.clock().now();
    // Student 0: the whole class, 10 minutes of it in a background tab. Student 1: 20 minutes late,
    // on two devices at once for a while (counted once). Student 2: never comes.
    std::string p0 = join(id, s.student_tokens[0]);
    heartbeat(id, s.student_tokens[0]);
    srv.clock().advance(600);
    heartbeat(id, s.student_tokens[0], {{"visible", false}});
    srv.clock().advance(600);
    heartbeat(id, s.student_tokens[0], {{"visible", true}});
    std::string p1 = join(id, s.student_tokens[1]);
    std::string p1b = join(id, s.student_tokens[1]);
    EXPECT_NE(p1, p1b);
    srv.clock().advance(300);
    ASSERT_EQ(srv.post_json(path(id, "leave/"), json::object{{"participant_id", p1b}}, s.student_tokens[1]).status,
              200u);
    srv.clock().advance(1500);  // the class lasts 50 minutes
    end_and_summarise(s, id);

    auto report = srv.get(path(id, "attendance/"), s.instructor_token);
    ASSERT_EQ(report.status, 200u) << report.body;
    EXPECT_EQ(report.obj().at("calculated"), true);
    EXPECT_EQ(report.obj().at("totals").at("absent").as_int64(), 1);
    const auto& r0 = row_of(report, s.students[0].id);
    EXPECT_EQ(r0.at("total_duration_seconds").as_int64(), 3000);
    EXPECT_EQ(r0.at("background_duration_seconds").as_int64(), 600);
    EXPECT_EQ(r0.at("status"), "attended");
    EXPECT_EQ(r0.at("late_join"), false);
    EXPECT_LT(r0.at("engagement_score").as_int64(), 100);  // the background time costs focus
    EXPECT_GT(r0.at("engagement_score").as_int64(), 80);
    const auto& r1 = row_of(report, s.students[1].id);
    EXPECT_EQ(r1.at("total_duration_seconds").as_int64(), 1800);  // two devices overlap: once
    EXPECT_EQ(r1.at("join_count").as_int64(), 2);
    EXPECT_EQ(r1.at("late_join"), true);
    EXPECT_EQ(r1.at("attendance_percent").as_double(), 60.0);
    EXPECT_EQ(r1.at("status"), "attended");  // below 70 %, but more than the policy's 5-minute minimum
    const auto& r2 = row_of(report, s.students[2].id);
    EXPECT_EQ(r2.at("status"), "absent");
    EXPECT_TRUE(r2.at("first_join").is_null());
    EXPECT_EQ(r2.at("engagement_score").as_int64(), 0);

    // A student sees their own row only.
    auto own = srv.get(path(id, "attendance/"), s.student_tokens[1]);
    ASSERT_EQ(own.status, 200u) << own.body;
    ASSERT_EQ(own.obj().at("results").as_array().size(), 1u);
    EXPECT_EQ(js(own.obj().at("results").at(0).at("user_id")), s.students[1].id);

    // Explained: the intervals, with why each ended, and the background stretch.
    auto why = srv.get(path(id, "attendance/?explain=true"), s.instructor_token);
    ASSERT_EQ(why.status, 200u) << why.body;
    const auto& iv0 = row_of(why, s.students[0].id).at("intervals").as_array();
    ASSERT_EQ(iv0.size(), 2u) << why.body;
    EXPECT_EQ(iv0[0].at("kind"), "present");
    EXPECT_EQ(iv0[0].at("end_reason"), "session_end");
    EXPECT_EQ(iv0[1].at("kind"), "background");
    EXPECT_EQ(js(iv0[1].at("from")), format_iso8601(t0 + 600));
    EXPECT_EQ(js(iv0[1].at("to")), format_iso8601(t0 + 1200));
    const auto& iv1 = row_of(why, s.students[1].id).at("intervals").as_array();
    ASSERT_EQ(iv1.size(), 2u);
    // Both devices joined in the same second: either order is right, one of them left early.
    std::set<std::string> reasons{js(iv1[0].at("end_reason")), js(iv1[1].at("end_reason"))};
    EXPECT_EQ(reasons, (std::set<std::string>{"left", "session_end"}));
    EXPECT_TRUE(row_of(why, s.students[2].id).at("intervals").as_array().empty());
    // Explanations follow the same rule: a student sees only their own.
    auto own_why = srv.get(path(id, "attendance/?explain=true"), s.student_tokens[0]);
    ASSERT_EQ(own_why.obj().at("results").as_array().size(), 1u);

    // The timeline: per minute, with the late arrival visible and no drop-off but the end.
    auto tl = srv.get(path(id, "attendance/timeline/"), s.instructor_token);
    ASSERT_EQ(tl.status, 200u) << tl.body;
    const auto& minutes = tl.obj().at("minutes").as_array();
    ASSERT_EQ(minutes.size(), 50u);
    EXPECT_EQ(minutes[0].at("present").as_int64(), 1);
    EXPECT_EQ(minutes[15].at("foreground").as_int64(), 0);  // student 0 in the background, student 1 not there
    EXPECT_EQ(minutes[25].at("present").as_int64(), 2);
    EXPECT_EQ(tl.obj().at("peak_present").as_int64(), 2);
    expect_problem(srv.get(path(id, "attendance/timeline/"), s.student_tokens[0]), 403);

    // Bad queries are 400 and name the parameter.
    expect_problem(srv.get(path(id, "attendance/?format=xml"), s.instructor_token), 400, "format");
    expect_problem(srv.get(path(id, "attendance/?explain=yes"), s.instructor_token), 400, "explain");
    expect_problem(srv.get(path(id, "attendance/?sort=name"), s.instructor_token), 400, "sort");
}

TEST_P(Attendance, TheTimelineCoachesTheInstructorOnWhatStoodOut) {
    // Seed 13.5: 8 enrolled, 3 never come; 2 leave at minute 10, 2 come 15 minutes late, and from
    // minute 20 to 26 three of the four in the room have the tab in the background.
    auto s = srv.make_school("coach", 8);
    std::string id = live_class(s);
    const UnixTime t0 = srv.clock().now();
    join(id, s.instructor_token);
    for (int i : {0, 1, 2}) join(id, s.student_tokens[i]);
    srv.clock().advance(600);
    for (int i : {0, 1}) ASSERT_EQ(srv.post(path(id, "leave/"), "", s.student_tokens[i]).status, 200u);
    srv.clock().advance(300);
    for (int i : {3, 4}) join(id, s.student_tokens[i]);
    srv.clock().advance(300);
    for (int i : {2, 3, 4}) ASSERT_EQ(heartbeat(id, s.student_tokens[i], {{"visible", false}}).status, 200u);
    srv.clock().advance(360);
    for (int i : {2, 3, 4}) ASSERT_EQ(heartbeat(id, s.student_tokens[i], {{"visible", true}}).status, 200u);
    srv.clock().advance(240);

    // While the class runs: the moments only (the people are judged on the summaries, after the end).
    auto live = srv.get(path(id, "attendance/timeline/"), s.instructor_token);
    ASSERT_EQ(live.status, 200u) << live.body;
    EXPECT_EQ(live.obj().at("people_judged"), false);
    EXPECT_EQ(live.obj().at("minutes_judged").as_int64(), 30) << "every whole minute so far";
    const auto& moments = live.obj().at("insights").as_array();
    ASSERT_EQ(moments.size(), 2u) << live.body;
    EXPECT_EQ(moments[0].at("kind"), "drop_off");
    EXPECT_EQ(moments[1].at("kind"), "attention_dip");

    srv.clock().advance(600);  // a 40-minute class
    end_and_summarise(s, id);
    auto tl = srv.get(path(id, "attendance/timeline/"), s.instructor_token);
    ASSERT_EQ(tl.status, 200u) << tl.body;
    EXPECT_EQ(tl.obj().at("people_judged"), true);
    const auto& got = tl.obj().at("insights").as_array();
    ASSERT_EQ(got.size(), 5u) << tl.body;
    auto expect = [&](std::size_t n, const char* kind, const char* severity, int minute, int count, int of) {
        SCOPED_TRACE(kind);
        const auto& i = got[n].as_object();
        EXPECT_EQ(i.at("kind"), kind);
        EXPECT_EQ(i.at("severity"), severity);
        EXPECT_EQ(i.at("minute").as_int64(), minute);
        EXPECT_EQ(i.at("count").as_int64(), count);
        EXPECT_EQ(i.at("of").as_int64(), of);
    };
    expect(0, "low_turnout", "medium", 0, 3, 8);
    expect(1, "late_joins", "medium", 0, 2, 5);  // of 5 who came: the instructor is in the room, not a student
    expect(2, "early_leaves", "high", 0, 2, 5);
    expect(3, "drop_off", "high", 10, 2, 4);
    expect(4, "attention_dip", "high", 20, 3, 4);
    EXPECT_EQ(js(got[0].at("from")), format_iso8601(t0));
    EXPECT_EQ(js(got[0].at("to")), format_iso8601(t0 + 2400));
    EXPECT_EQ(js(got[3].at("from")), format_iso8601(t0 + 600));
    EXPECT_EQ(js(got[4].at("from")), format_iso8601(t0 + 1200));
    EXPECT_EQ(js(got[4].at("to")), format_iso8601(t0 + 1560));
    EXPECT_TRUE(got[3].at("recording").is_null()) << "the class has no recording";
    EXPECT_EQ(tl.obj().at("minutes_judged").as_int64(), 37) << "all but the goodbye";

    // The coaching is the staff's, like the timeline it comes with.
    expect_problem(srv.get(path(id, "attendance/timeline/"), s.student_tokens[2]), 403);
}

TEST_P(Attendance, TheCoachFindsEachMomentInTheRecordingWithWhatWasSaid) {
    auto s = srv.make_school("coachrec", 6);
    ASSERT_EQ(srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                           json::object{{"provider", "jitsi"}, {"webhook_secret", "jibri-hook-secret"}}, s.admin_token)
                  .status,
              200u);
    auto created = srv.create_session(s);
    const std::string id(created.at("id").as_string()), room(created.at("room_id").as_string());
    ASSERT_EQ(srv.post(path(id, "start/"), "", s.instructor_token).status, 200u);
    const UnixTime t0 = srv.clock().now();
    join(id, s.instructor_token);
    for (int i = 0; i < 6; ++i) join(id, s.student_tokens[i]);
    srv.clock().advance(720);  // 3 leave at minute 12
    for (int i : {0, 1, 2}) ASSERT_EQ(srv.post(path(id, "leave/"), "", s.student_tokens[i]).status, 200u);
    srv.clock().advance(1080);  // a 30-minute class
    ASSERT_EQ(srv.post(path(id, "end/"), "", s.instructor_token).status, 200u);

    // Jibri recorded from minute 2 to minute 27; its finalize script says when it began.
    auto hook = post_jitsi_recording(srv, room, "jibri-coach", "http://127.0.0.1:9/none.mp4", "jibri-hook-secret",
                                     {{"started_at", t0 + 120}, {"duration_seconds", 1500}});
    ASSERT_EQ(hook.status, 200u) << hook.body;
    srv.app().workers().run_due();
    auto listed = srv.get(path(id, "recordings/"), s.instructor_token);
    ASSERT_EQ(listed.status, 200u) << listed.body;
    const auto& rec = listed.obj().at("results").at(0).as_object();
    EXPECT_EQ(js(rec.at("started_at")), format_iso8601(t0 + 120));
    const std::string rid(rec.at("id").as_string());
    // A start that is not a whole non-negative number of seconds is not kept (the recording still is).
    for (const auto& [record, bad] : {std::pair<const char*, json::value>{"jibri-text", "2026-11-28T10:00:00Z"},
                                      {"jibri-negative", -5},
                                      {"jibri-fraction", 1.5},
                                      {"jibri-object", json::object{{"at", 1}}}}) {
        ASSERT_EQ(post_jitsi_recording(srv, room, record, "http://127.0.0.1:9/none.mp4", "jibri-hook-secret",
                                       {{"started_at", bad}})
                      .status,
                  200u)
            << record;
    }
    srv.app().workers().run_due();
    const auto all = srv.get(path(id, "recordings/"), s.instructor_token).obj().at("results").as_array();
    ASSERT_EQ(all.size(), 5u);
    for (const auto& r : all)
        if (js(r.at("id")) != rid) {
            EXPECT_TRUE(r.at("started_at").is_null()) << json::serialize(r);
        }

    auto drop = [&] {
        auto tl = srv.get(path(id, "attendance/timeline/"), s.instructor_token);
        EXPECT_EQ(tl.status, 200u) << tl.body;
        for (const auto& i : tl.obj().at("insights").as_array())
            if (i.at("kind") == "drop_off") return i.as_object();
        ADD_FAILURE() << "no drop-off in " << tl.body;
        return json::object{};
    };
    // Minute 12 of the class is 600 s into the recording; no transcript yet: nothing said to show.
    auto found = drop();
    ASSERT_TRUE(found.at("recording").is_object()) << json::serialize(found);
    EXPECT_EQ(js(found.at("recording").at("id")), rid);
    EXPECT_EQ(found.at("recording").at("offset_seconds").as_int64(), 600);
    EXPECT_EQ(found.at("recording").at("said"), "");

    // With a transcript: what was said from 30 s before to a minute after.
    {
        store::Tx tx(srv.app().db());
        auto r = store::find_recording_by_id(tx.sql(), s.tenant.id, rid, true);
        ASSERT_TRUE(r);
        r->transcript_status = "ready";
        store::save_recording(tx.sql(), *r);
        store::TranscriptRow t;
        t.recording_id = rid;
        t.tenant_id = s.tenant.id;
        t.language = "tr";
        t.segments_json =
            json::serialize(json::array{json::object{{"start", 100}, {"end", 110}, {"text", "Giriş."}},
                                        json::object{{"start", 560}, {"end", 575}, {"text", "Önce eski konu."}},
                                        json::object{{"start", 580}, {"end", 640}, {"text", "Şimdi kısmi kesirler."}},
                                        json::object{{"start", 700}, {"end", 710}, {"text", "Sonraki konu."}}});
        t.updated_at = srv.clock().now();
        store::save_transcript(tx.sql(), t);
        tx.commit();
    }
    found = drop();
    EXPECT_EQ(found.at("recording").at("said"), "Önce eski konu. Şimdi kısmi kesirler.");

    // Deleted, the recording no longer answers for the moment.
    ASSERT_EQ(srv.del(path(id, "recordings/" + rid + "/"), s.instructor_token).status, 204u);
    EXPECT_TRUE(drop().at("recording").is_null());
}

TEST_P(Attendance, CsvIsRfc4180WithABomAndParsesBackToTheJsonRows) {
    auto s = srv.make_school("csv", 1);
    // A student whose name needs quoting and shows Turkish letters, and one who looks like a formula.
    auto mk = [&](const std::string& email, const std::string& name) {
        auto u = srv.post_json(
            "/api/v1/users/",
            json::object{{"email", email}, {"password", "a-long-password-1"}, {"full_name", name}, {"role", "student"}},
            s.admin_token);
        EXPECT_EQ(u.status, 201u) << u.body;
        std::string uid = u.str("id");
        auto e = srv.post_json("/api/v1/courses/" + s.course.id + "/enrollments/", json::object{{"user_id", uid}},
                               s.admin_token);
        EXPECT_LT(e.status, 300u) << e.body;
        return uid;
    };
    std::string tricky = mk("cagri@csv.test", "Çağrı \"Şef\" Öztürk, İğdır");
    {
        // The API takes one-line names, but single sign-on takes the host LMS's name as sent: the CSV
        // must still quote a line break.
        store::Tx tx(srv.app().db());
        std::string multi_line = "Çağrı \"Şef\" Öztürk, İğdır\nSınıf 2";
        tx.sql() << "UPDATE users SET full_name = :n WHERE id = :i", soci::use(multi_line), soci::use(tricky);
        tx.commit();
    }
    mk("formula@csv.test", "=HYPERLINK(\"http://x\")");
    std::string id = live_class(s);
    join(id, s.student_tokens[0]);
    srv.clock().advance(1800);
    end_and_summarise(s, id);

    auto json_report = srv.get(path(id, "attendance/"), s.instructor_token);
    auto csv = srv.get(path(id, "attendance/?format=csv"), s.instructor_token);
    ASSERT_EQ(csv.status, 200u) << csv.body;
    EXPECT_EQ(csv.headers.at("content-type"), "text/csv; charset=utf-8");
    EXPECT_NE(csv.headers.at("content-disposition").find("attachment; filename=\"attendance-" + id + ".csv\""),
              std::string::npos);
    ASSERT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u) << "UTF-8 byte-order mark first";
    auto rows = parse_csv(csv.body.substr(3));
    const auto& results = json_report.obj().at("results").as_array();
    ASSERT_EQ(rows.size(), results.size() + 1);
    EXPECT_EQ(rows[0][2], "Ad Soyad");  // the instructor's language (the default, Turkish)
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& j = results[i].as_object();
        const auto& c = rows[i + 1];
        ASSERT_EQ(c.size(), rows[0].size());
        std::string name = js(j.at("full_name"));
        EXPECT_EQ(c[2], name[0] == '=' ? "'" + name : name) << "formulas are defused with an apostrophe";
        EXPECT_EQ(c[3], js(j.at("email")));
        EXPECT_EQ(c[6], std::to_string(j.at("total_duration_seconds").as_int64()));
        EXPECT_EQ(c[8], std::to_string(j.at("join_count").as_int64()));
        EXPECT_EQ(c[9], j.at("first_join").is_null() ? "" : js(j.at("first_join")));
        EXPECT_EQ(c[13], std::to_string(j.at("engagement_score").as_int64()));
    }
    bool found = false;
    for (const auto& c : rows) found = found || (c[2] == "Çağrı \"Şef\" Öztürk, İğdır\nSınıf 2" && c[4] == "katılmadı");
    EXPECT_TRUE(found) << csv.body;
    (void)tricky;

    // An English-speaking reader gets English headers and values.
    ASSERT_EQ(
        srv.patch_json("/api/v1/users/" + s.instructor.id + "/", json::object{{"locale", "en"}}, s.admin_token).status,
        200u);
    auto en = srv.get(path(id, "attendance/?format=csv"), s.instructor_token);
    auto en_rows = parse_csv(en.body.substr(3));
    EXPECT_EQ(en_rows[0][2], "Full name");
}

TEST_P(Attendance, CourseReportsAndHistoriesFilterAndRespectWhoMaySeeThem) {
    auto s = srv.make_school("course", 2);
    auto other = srv.make_school("othercourse", 1);
    std::string first = live_class(s);
    join(first, s.student_tokens[0]);
    srv.clock().advance(3000);
    end_and_summarise(s, first);
    const UnixTime between = srv.clock().now();
    srv.clock().advance(86400);
    refresh_tokens(s);
    refresh_tokens(other);
    std::string second = live_class(s);
    join(second, s.student_tokens[1]);
    srv.clock().advance(3000);
    end_and_summarise(s, second);

    const std::string base = "/api/v1/courses/" + s.course.id + "/attendance/";
    auto all = srv.get(base, s.instructor_token);
    ASSERT_EQ(all.status, 200u) << all.body;
    EXPECT_EQ(all.obj().at("count").as_int64(), 4);                         // two classes x two students
    EXPECT_EQ(js(all.obj().at("results").at(0).at("session_id")), second);  // newest class first
    auto absent = srv.get(base + "?status=absent", s.instructor_token);
    EXPECT_EQ(absent.obj().at("count").as_int64(), 2);
    for (const auto& r : absent.obj().at("results").as_array()) EXPECT_EQ(r.at("status"), "absent");
    EXPECT_EQ(srv.get(base + "?status=partial", s.instructor_token).obj().at("count").as_int64(), 0);
    auto early = srv.get(base + "?to=" + format_iso8601(between), s.instructor_token);
    EXPECT_EQ(early.obj().at("count").as_int64(), 2);
    for (const auto& r : early.obj().at("results").as_array()) EXPECT_EQ(js(r.at("session_id")), first);
    auto paged = srv.get(base + "?page_size=1&page=2", s.instructor_token);
    EXPECT_EQ(paged.obj().at("results").as_array().size(), 1u);
    EXPECT_FALSE(paged.obj().at("next").is_null());
    auto csv = srv.get(base + "?format=csv&status=attended", s.admin_token);
    ASSERT_EQ(csv.status, 200u);
    EXPECT_EQ(parse_csv(csv.body.substr(3)).size(), 3u);  // header + two attended rows

    expect_problem(srv.get(base, s.student_tokens[0]), 403);
    expect_problem(srv.get(base, other.instructor_token), 404);
    expect_problem(srv.get(base + "?status=maybe", s.instructor_token), 400, "status");
    expect_problem(srv.get(base + "?from=yesterday", s.instructor_token), 400, "from");
    expect_problem(srv.get(base + "?course=" + s.course.id, s.instructor_token), 400, "course");

    // A student's own history, with the course filter; only admins may read someone else's.
    auto mine = srv.get("/api/v1/users/me/attendance/?course=" + s.course.id, s.student_tokens[0]);
    ASSERT_EQ(mine.status, 200u) << mine.body;
    ASSERT_EQ(mine.obj().at("count").as_int64(), 2);
    for (const auto& r : mine.obj().at("results").as_array()) EXPECT_EQ(js(r.at("user_id")), s.students[0].id);
    auto attended = srv.get("/api/v1/users/me/attendance/?status=attended", s.student_tokens[0]);
    EXPECT_EQ(attended.obj().at("count").as_int64(), 1);
    expect_problem(srv.get("/api/v1/users/" + s.students[1].id + "/attendance/", s.student_tokens[0]), 403);
    EXPECT_EQ(srv.get("/api/v1/users/" + s.students[1].id + "/attendance/", s.admin_token).obj().at("count").as_int64(),
              2);
    expect_problem(srv.get("/api/v1/users/" + s.students[1].id + "/attendance/", other.admin_token), 404);
    expect_problem(srv.get("/api/v1/users/me/attendance/?course=nope", s.student_tokens[0]), 400, "course");
}

TEST_P(Attendance, RecalculationAppliesTheCurrentPolicyAndIsIdempotent) {
    auto s = srv.make_school("recalc", 1);
    std::string id = live_class(s);
    expect_problem(srv.post(path(id, "attendance/recalculate/"), "", s.instructor_token), 409, "not ended");
    join(id, s.student_tokens[0]);
    srv.clock().advance(1200);
    ASSERT_EQ(srv.post(path(id, "leave/"), "", s.student_tokens[0]).status, 200u);
    srv.clock().advance(1800);  // 20 of 50 minutes: 40 %, but above the 5-minute minimum
    end_and_summarise(s, id);
    auto before = srv.get(path(id, "attendance/"), s.instructor_token);
    EXPECT_EQ(row_of(before, s.students[0].id).at("attended"), true);

    // The course now asks for 30 minutes at least and 50 %: recomputing applies it.
    auto policy = srv.put_json("/api/v1/courses/" + s.course.id + "/live-policy/",
                               json::object{{"minimum_duration_minutes", 30}, {"attendance_threshold_percent", 50}},
                               s.admin_token);
    ASSERT_EQ(policy.status, 200u) << policy.body;
    expect_problem(srv.post(path(id, "attendance/recalculate/"), "", s.student_tokens[0]), 403);
    auto again = srv.post(path(id, "attendance/recalculate/"), "", s.instructor_token);
    ASSERT_EQ(again.status, 200u) << again.body;
    EXPECT_EQ(row_of(again, s.students[0].id).at("attended"), false);
    EXPECT_EQ(row_of(again, s.students[0].id).at("status"), "partial");
    auto twice = srv.post(path(id, "attendance/recalculate/"), "", s.instructor_token);
    EXPECT_EQ(twice.obj().at("results"), again.obj().at("results"));
    EXPECT_EQ(srv.count_rows("live_session_attendance_summaries WHERE session_id = '" + id + "'"), 1);
}

TEST_P(Attendance, AnAdhocClassIsSweptToo) {
    auto s = srv.make_school("adhoc", 1);
    auto created = srv.post_json("/api/v1/live-sessions/",
                                 json::object{{"course_id", s.course.id}, {"title", "Şimdi"}, {"type", "adhoc"}},
                                 s.instructor_token);
    ASSERT_EQ(created.status, 201u) << created.body;
    std::string id = created.str("id");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'close_stale_participants' AND status = 'queued'"), 1);
    std::string pid = join(id, s.student_tokens[0]);
    ASSERT_EQ(heartbeat(id, s.student_tokens[0]).status, 200u);
    srv.clock().advance(61);
    srv.app().workers().run_due();
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE id = '" + pid + "' AND end_reason = 'heartbeat_timeout'"),
              1);
}

INSTANTIATE_TEST_SUITE_P(Engines, Attendance, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
