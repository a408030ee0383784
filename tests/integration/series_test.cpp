// Issue 6 item 1: recurring classes. A series is an RFC 5545 rule expanded with libical; each
// occurrence is a live session linked to it; one occurrence or the rest of the series from a date on
// can be edited or cancelled, and past occurrences keep their attendance.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/time.hpp"
#include "harness.hpp"
#include "ics_check.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

/// 07:00 UTC (10:00 in Istanbul) on the first Monday at least two days after `now`.
UnixTime next_monday_10_istanbul(UnixTime now) {
    std::int64_t day = now / 86400 + 2;
    while ((day + 3) % 7 != 0) ++day;  // 1970-01-05 (day 4) was a Monday
    return day * 86400 + 7 * 3600;
}

class Series : public ::testing::TestWithParam<Engine> {
protected:
    Series() : srv(GetParam(), true, config()) {}
    static Config config() {
        Config c;
        c.public_url = "https://lms.example.test";
        return c;
    }

    HttpResult create(const TestServer::School& s, json::object extra = {}) {
        json::object body{{"course_id", s.course.id},
                          {"title", "Haftalık Matematik"},
                          {"rrule", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6"},
                          {"timezone", "Europe/Istanbul"},
                          {"first_start", format_iso8601(monday)},
                          {"duration_minutes", 60}};
        for (auto& kv : extra) body[kv.key()] = kv.value();
        return srv.post_json("/api/v1/live-series/", body, s.instructor_token);
    }

    static std::vector<json::object> occurrences(const HttpResult& r) {
        std::vector<json::object> out;
        for (const auto& o : r.obj().at("occurrences").as_array()) out.push_back(o.as_object());
        return out;
    }

    TestServer srv;
    UnixTime monday = next_monday_10_istanbul(srv.clock().now());
};

TEST_P(Series, AWeeklySeriesIsOneLiveSessionPerOccurrence) {
    auto s = srv.make_school("series", 1);
    auto r = create(s);
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(r.str("rrule"), "FREQ=WEEKLY;COUNT=6;BYDAY=MO,WE");
    auto occ = occurrences(r);
    ASSERT_EQ(occ.size(), 6u);
    // Monday, Wednesday, Monday...: 10:00 in Istanbul each time.
    const std::int64_t offsets[] = {0, 2, 7, 9, 14, 16};
    for (std::size_t i = 0; i < occ.size(); ++i) {
        EXPECT_EQ(*parse_iso8601(js(occ[i].at("scheduled_start"))), monday + offsets[i] * 86400) << i;
        EXPECT_EQ(*parse_iso8601(js(occ[i].at("scheduled_end"))), monday + offsets[i] * 86400 + 3600);
        EXPECT_EQ(js(occ[i].at("status")), "scheduled");
    }
    // Each occurrence is an ordinary class: listed, visible to the enrolled student, joinable when live.
    std::string first = js(occ[0].at("id"));
    auto detail = srv.get("/api/v1/live-sessions/" + first + "/", s.student_tokens[0]);
    ASSERT_EQ(detail.status, 200u);
    EXPECT_EQ(js(detail.obj().at("series_id")), r.str("id"));
    auto list = srv.get("/api/v1/live-sessions/?course=" + s.course.id, s.student_tokens[0]);
    EXPECT_EQ(list.obj().at("count").as_int64(), 6);
    // A UUID in capitals names the same course (it matched nothing before).
    std::string upper = s.course.id;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    auto upper_list = srv.get("/api/v1/live-sessions/?course=" + upper, s.student_tokens[0]);
    EXPECT_EQ(upper_list.obj().at("count").as_int64(), 6) << upper_list.body;
    EXPECT_EQ(srv.get("/api/v1/live-series/" + r.str("id") + "/", s.student_tokens[0]).status, 200u);
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'session.create'"), 6);
}

TEST_P(Series, BadRulesAndWrongCallersAreRefusedAndChangeNothing) {
    auto s = srv.make_school("badseries", 1);
    auto other = srv.make_school("otherseries", 1);
    auto expect_field = [&](json::object extra, const std::string& field) {
        auto r = create(s, std::move(extra));
        EXPECT_EQ(r.status, 422u) << r.body;
        EXPECT_EQ(r.headers["content-type"], "application/problem+json");
        EXPECT_NE(r.body.find("\"" + field + "\""), std::string::npos) << field << ": " << r.body;
    };
    expect_field({{"rrule", "FREQ=SECONDLY;COUNT=3"}}, "rrule");
    expect_field({{"rrule", "FREQ=WEEKLY;BYDAY=MO"}}, "rrule");  // no end: a series must end
    expect_field({{"rrule", "FREQ=DAILY;COUNT=5000"}}, "rrule");
    expect_field({{"rrule", "not a rule"}}, "rrule");
    expect_field({{"timezone", "Mars/Olympus"}}, "timezone");
    expect_field({{"duration_minutes", 0}}, "duration_minutes");
    expect_field({{"first_start", format_iso8601(monday + 86400)}}, "rrule");  // a Tuesday: not in BYDAY
    expect_field({{"first_start", format_iso8601(srv.clock().now() - 7 * 86400 - (srv.clock().now() % 86400))},
                  {"rrule", "FREQ=DAILY;COUNT=3"}},
                 "first_start");
    expect_field({{"type", "adhoc"}}, "type");
    expect_field({{"scheduled_start", format_iso8601(monday)}}, "scheduled_start");
    EXPECT_EQ(create(s, {{"course_id", other.course.id}}).status, 422u);
    auto student = srv.post_json("/api/v1/live-series/",
                                 {{"course_id", s.course.id},
                                  {"title", "x"},
                                  {"rrule", "FREQ=DAILY;COUNT=2"},
                                  {"first_start", format_iso8601(monday)},
                                  {"duration_minutes", 30}},
                                 s.student_tokens[0]);
    EXPECT_EQ(student.status, 403u) << student.body;
    EXPECT_EQ(srv.count_rows("live_session_series"), 0);
    EXPECT_EQ(srv.count_rows("live_sessions"), 0);

    auto made = create(s);
    ASSERT_EQ(made.status, 201u);
    std::string id = made.str("id");
    EXPECT_EQ(srv.get("/api/v1/live-series/" + id + "/", other.admin_token).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/live-series/" + id + "/", other.student_tokens[0]).status, 404u);
    EXPECT_EQ(srv.patch_json("/api/v1/live-series/" + id + "/", {{"title", "x"}}, other.admin_token).status, 404u);
    EXPECT_EQ(srv.patch_json("/api/v1/live-series/" + id + "/", {{"title", "x"}}, s.student_tokens[0]).status, 403u);
    EXPECT_EQ(srv.del("/api/v1/live-series/" + id + "/", other.admin_token).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/live-series/" + id + "/calendar/", other.admin_token).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/live-series/not-a-uuid/", s.admin_token).status, 400u);
    EXPECT_EQ(srv.del("/api/v1/live-series/" + id + "/?from=yesterday", s.admin_token).status, 400u);
    EXPECT_EQ(srv.count_rows("live_sessions WHERE status = 'cancelled'"), 0);
}

TEST_P(Series, OneOccurrenceIsEditedOrCancelledAloneAndTheCalendarSaysSo) {
    auto s = srv.make_school("single", 1);
    auto r = create(s);
    ASSERT_EQ(r.status, 201u) << r.body;
    std::string id = r.str("id");
    auto occ = occurrences(r);
    // The second class moves an hour later; the third is cancelled.
    std::string second = js(occ[1].at("id")), third = js(occ[2].at("id"));
    UnixTime second_start = *parse_iso8601(js(occ[1].at("scheduled_start")));
    ASSERT_EQ(srv.patch_json("/api/v1/live-sessions/" + second + "/",
                             {{"scheduled_start", format_iso8601(second_start + 3600)},
                              {"scheduled_end", format_iso8601(second_start + 7200)}},
                             s.instructor_token)
                  .status,
              200u);
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + third + "/", s.instructor_token).status, 200u);
    auto after = srv.get("/api/v1/live-series/" + id + "/", s.instructor_token);
    EXPECT_EQ(js(occurrences(after)[2].at("status")), "cancelled");
    EXPECT_EQ(js(occurrences(after)[0].at("status")), "scheduled");

    auto ics = srv.get("/api/v1/live-series/" + id + "/calendar/", s.student_tokens[0]);
    ASSERT_EQ(ics.status, 200u) << ics.body;
    auto cal = parse_ics(ics.body);
    auto events = cal.at("events").as_array();
    ASSERT_EQ(events.size(), 2u);  // the master and the moved class
    auto master = events[0].as_object();
    EXPECT_EQ(js(master.at("uid")), id + "@liveclass");
    EXPECT_EQ(js(master.at("tzid")), "Europe/Istanbul");
    EXPECT_NE(js(master.at("rrule")).find("BYDAY=MO,WE"), std::string::npos);
    ASSERT_EQ(master.at("exdates").as_array().size(), 1u);
    EXPECT_EQ(js(master.at("exdates").as_array()[0]), js(occ[2].at("scheduled_start")));
    // The second parser expands the rule to the same starts we made.
    auto expanded = master.at("occurrences").as_array();
    ASSERT_EQ(expanded.size(), 6u);
    for (std::size_t i = 0; i < 6; ++i)
        EXPECT_EQ(*parse_iso8601(js(expanded[i])), *parse_iso8601(js(occ[i].at("recurrence_start")))) << i;
    auto moved = events[1].as_object();
    EXPECT_EQ(js(moved.at("uid")), id + "@liveclass");
    EXPECT_EQ(*parse_iso8601(js(moved.at("recurrence_id"))), second_start);
    EXPECT_EQ(*parse_iso8601(js(moved.at("dtstart"))), second_start + 3600);
    EXPECT_EQ(moved.at("sequence").as_int64(), 1);
}

TEST_P(Series, ANewPlanFromADateOnKeepsThePastAndItsAttendance) {
    auto s = srv.make_school("replan", 1);
    auto r = create(s);
    ASSERT_EQ(r.status, 201u) << r.body;
    std::string id = r.str("id");
    auto occ = occurrences(r);
    // The first class takes place: the student joins, the teacher ends it, attendance is computed.
    std::string first = js(occ[0].at("id"));
    srv.clock().set(monday);
    std::string teacher = srv.token_for(s.instructor, s.tenant), student = srv.token_for(s.students[0], s.tenant);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + first + "/start/", "", teacher).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + first + "/join/", "", student).status, 200u);
    srv.clock().advance(3000);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + first + "/end/", "", teacher).status, 200u);
    srv.app().workers().run_due();
    ASSERT_EQ(srv.count_rows("live_session_attendance_summaries WHERE session_id = '" + first + "'"), 1);

    // From the third class on, the course meets on Tuesdays at 11:00 instead, three more times.
    UnixTime from = *parse_iso8601(js(occ[2].at("scheduled_start")));
    UnixTime tuesday = from + 86400 + 3600;  // the Tuesday after the third class's Monday, 11:00 Istanbul
    auto replanned = srv.patch_json("/api/v1/live-series/" + id + "/",
                                    {{"from", format_iso8601(from)},
                                     {"rrule", "FREQ=WEEKLY;BYDAY=TU;COUNT=3"},
                                     {"first_start", format_iso8601(tuesday)}},
                                    teacher);
    ASSERT_EQ(replanned.status, 200u) << replanned.body;
    std::string next_id = replanned.str("id");
    EXPECT_NE(next_id, id);  // split: earlier classes exist
    EXPECT_EQ(replanned.str("continued_by"), next_id);
    auto next = occurrences(replanned);
    ASSERT_EQ(next.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(*parse_iso8601(js(next[i].at("scheduled_start"))), tuesday + static_cast<UnixTime>(i) * 7 * 86400);
        // The classes are moved, not re-made: the same ids as the old third, fourth and fifth.
        EXPECT_EQ(js(next[i].at("id")), js(occ[2 + i].at("id")));
        EXPECT_EQ(next[i].at("sequence").as_int64(), 1);
    }
    // The old series keeps its first two classes (one ended, with attendance); its rule now ends
    // before `from`; the sixth class, which the new plan has no room for, is cancelled.
    auto old = srv.get("/api/v1/live-series/" + id + "/", teacher);
    ASSERT_EQ(old.status, 200u);
    EXPECT_NE(old.str("rrule").find("UNTIL="), std::string::npos) << old.str("rrule");
    auto kept = occurrences(old);
    ASSERT_EQ(kept.size(), 3u) << old.body;
    EXPECT_EQ(js(kept[0].at("status")), "ended");
    EXPECT_EQ(js(kept[1].at("status")), "scheduled");
    EXPECT_EQ(js(kept[2].at("status")), "cancelled");
    EXPECT_EQ(js(kept[2].at("id")), js(occ[5].at("id")));
    EXPECT_EQ(srv.count_rows("live_session_attendance_summaries WHERE session_id = '" + first + "'"), 1);

    // A plan with more classes than are left makes the missing ones.
    auto longer = srv.patch_json("/api/v1/live-series/" + next_id + "/",
                                 {{"from", format_iso8601(tuesday)},
                                  {"rrule", "FREQ=WEEKLY;BYDAY=TU;COUNT=5"},
                                  {"first_start", format_iso8601(tuesday)}},
                                 teacher);
    ASSERT_EQ(longer.status, 200u) << longer.body;
    EXPECT_EQ(longer.str("id"), next_id);  // nothing earlier in it: changed in place
    EXPECT_EQ(occurrences(longer).size(), 5u);
}

TEST_P(Series, TitlesAndCancellationFromADateOnTouchOnlyClassesToCome) {
    auto s = srv.make_school("rest", 1);
    auto r = create(s);
    ASSERT_EQ(r.status, 201u) << r.body;
    std::string id = r.str("id");
    auto occ = occurrences(r);
    UnixTime fourth = *parse_iso8601(js(occ[3].at("scheduled_start")));
    auto renamed = srv.patch_json("/api/v1/live-series/" + id + "/",
                                  {{"from", format_iso8601(fourth)}, {"title", "Yeni Dönem"}}, s.instructor_token);
    ASSERT_EQ(renamed.status, 200u) << renamed.body;
    auto after = occurrences(renamed);
    EXPECT_EQ(js(after[2].at("title")), "Haftalık Matematik");
    EXPECT_EQ(js(after[3].at("title")), "Yeni Dönem");
    EXPECT_EQ(js(after[5].at("title")), "Yeni Dönem");

    auto cancelled = srv.del("/api/v1/live-series/" + id + "/?from=" + format_iso8601(fourth), s.instructor_token);
    ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
    auto left = occurrences(cancelled);
    for (std::size_t i = 0; i < left.size(); ++i)
        EXPECT_EQ(js(left[i].at("status")), i < 3 ? "scheduled" : "cancelled") << i;
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'session.cancel'"), 3);
    // The students are told once for the whole cancellation (with the series' calendar file), not once
    // per class.
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'notify_session_cancelled'"), 1);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'notify_session_cancelled' AND payload LIKE '%" + id + "%'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, Series, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
