// Issue 6 (seed 8.3): a class's .ics file and the personal calendar feed, read back by a second,
// independent parser (Python's icalendar) as a calendar application would.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/time.hpp"
#include "harness.hpp"
#include "ics_check.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

class Calendar : public ::testing::TestWithParam<Engine> {
protected:
    Calendar() : srv(GetParam(), true, config()) {}
    static Config config() {
        Config c;
        c.public_url = "https://lms.example.test";
        return c;
    }
    TestServer srv;
};

TEST_P(Calendar, AClassIsACalendarFileWithAStableUidAndItsVersions) {
    auto s = srv.make_school("cal", 1);
    auto created = srv.create_session(s, {{"title", "Türev; integral, limit"}, {"description", "Satır 1\nSatır 2"}});
    std::string id = js(created.at("id"));
    UnixTime start = *parse_iso8601(js(created.at("scheduled_start")));

    auto r = srv.get("/api/v1/live-sessions/" + id + "/calendar/", s.student_tokens[0]);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.headers["content-type"], "text/calendar; charset=utf-8");
    EXPECT_NE(r.headers["content-disposition"].find(".ics"), std::string::npos);
    EXPECT_NE(r.body.find("\r\n"), std::string::npos);
    auto cal = parse_ics(r.body);
    ASSERT_EQ(cal.at("events").as_array().size(), 1u);
    auto ev = cal.at("events").as_array()[0].as_object();
    EXPECT_EQ(js(ev.at("uid")), id + "@liveclass");
    EXPECT_EQ(js(ev.at("summary")), "Türev; integral, limit");
    EXPECT_EQ(*parse_iso8601(js(ev.at("dtstart"))), start);
    EXPECT_EQ(*parse_iso8601(js(ev.at("dtend"))), start + 3600);
    EXPECT_EQ(js(ev.at("url")), "https://lms.example.test/sessions/" + id);
    EXPECT_NE(js(ev.at("description")).find("Satır 1\nSatır 2"), std::string::npos);
    // The teacher's name with the school's sender address, not the teacher's own address.
    EXPECT_EQ(js(ev.at("organizer").at("cn")), s.instructor.full_name);
    EXPECT_EQ(js(ev.at("organizer").at("uri")), "mailto:liveclass@localhost");
    EXPECT_EQ(r.body.find("mailto:" + s.instructor.email), std::string::npos);
    EXPECT_EQ(ev.at("sequence").as_int64(), 0);
    EXPECT_EQ(js(ev.at("status")), "CONFIRMED");
    ASSERT_EQ(ev.at("alarms").as_array().size(), 1u);
    EXPECT_EQ(js(ev.at("alarms").as_array()[0].at("trigger")), "-PT10M");
    // Never a join token in a file that calendars share and sync.
    EXPECT_EQ(r.body.find("token"), std::string::npos);
    EXPECT_EQ(r.body.find("jwt"), std::string::npos);

    // Unchanged: the same bytes (and ETag) again; a conditional GET is a 304.
    auto again = srv.get("/api/v1/live-sessions/" + id + "/calendar/", s.student_tokens[0]);
    EXPECT_EQ(again.body, r.body);
    auto cond = http_request(srv.port(), "GET", "/api/v1/live-sessions/" + id + "/calendar/", "", s.student_tokens[0],
                             {{"If-None-Match", r.headers["etag"]}});
    EXPECT_EQ(cond.status, 304u);

    // Each reschedule raises SEQUENCE; cancelling marks it cancelled (calendars update the same UID).
    srv.clock().advance(5);
    ASSERT_EQ(srv.patch_json("/api/v1/live-sessions/" + id + "/",
                             {{"scheduled_start", format_iso8601(start + 7200)},
                              {"scheduled_end", format_iso8601(start + 10800)}},
                             s.instructor_token)
                  .status,
              200u);
    ev = parse_ics(srv.get("/api/v1/live-sessions/" + id + "/calendar/", s.student_tokens[0]).body)
             .at("events")
             .as_array()[0]
             .as_object();
    EXPECT_EQ(ev.at("sequence").as_int64(), 1);
    EXPECT_EQ(*parse_iso8601(js(ev.at("dtstart"))), start + 7200);
    // A title change is not a reschedule.
    ASSERT_EQ(
        srv.patch_json("/api/v1/live-sessions/" + id + "/", {{"title", "Yeni başlık"}}, s.instructor_token).status,
        200u);
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + id + "/", s.instructor_token).status, 200u);
    ev = parse_ics(srv.get("/api/v1/live-sessions/" + id + "/calendar/", s.student_tokens[0]).body)
             .at("events")
             .as_array()[0]
             .as_object();
    EXPECT_EQ(js(ev.at("status")), "CANCELLED");
    EXPECT_EQ(ev.at("sequence").as_int64(), 2);
    EXPECT_EQ(js(ev.at("uid")), id + "@liveclass");
}

TEST_P(Calendar, OnlyPeopleWhoSeeTheClassGetItsFile) {
    auto s = srv.make_school("calacl", 1);
    auto other = srv.make_school("calother", 1);
    std::string id = js(srv.create_session(s).at("id"));
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/calendar/", other.admin_token).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/calendar/", other.student_tokens[0]).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/calendar/").status, 401u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/not-a-uuid/calendar/", s.student_tokens[0]).status, 400u);
}

TEST_P(Calendar, APersonalFeedListsAllMyClassesUntilRevoked) {
    auto s = srv.make_school("feed", 1);
    std::string first = js(srv.create_session(s, {{"title", "Birinci"}}).at("id"));
    std::string second = js(srv.create_session(s, {{"title", "İkinci"}}).at("id"));
    std::string draft = js(srv.create_session(s, {{"title", "Taslak"}, {"status", "draft"}}).at("id"));
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + second + "/", s.instructor_token).status, 200u);
    auto other = srv.make_school("feedother", 1);
    srv.create_session(other, {{"title", "Başka okul"}});

    EXPECT_FALSE(srv.get("/api/v1/calendar/feed/", s.student_tokens[0]).obj().at("active").as_bool());
    auto made = srv.post("/api/v1/calendar/feed/", "", s.student_tokens[0]);
    ASSERT_EQ(made.status, 201u) << made.body;
    std::string url = made.str("url");
    ASSERT_EQ(url.rfind("https://lms.example.test/api/v1/calendar/feed/", 0), 0u) << url;
    std::string path = url.substr(std::string("https://lms.example.test").size());
    EXPECT_TRUE(srv.get("/api/v1/calendar/feed/", s.student_tokens[0]).obj().at("active").as_bool());

    // Calendar applications poll without signing in.
    auto feed = srv.get(path);
    ASSERT_EQ(feed.status, 200u) << feed.body;
    auto cal = parse_ics(feed.body);
    std::map<std::string, std::string> status_of;
    for (const auto& e : cal.at("events").as_array()) status_of[js(e.at("summary"))] = js(e.at("status"));
    EXPECT_EQ(status_of.size(), 2u);  // no draft, nothing of the other school
    EXPECT_EQ(status_of["Birinci"], "CONFIRMED");
    EXPECT_EQ(status_of["İkinci"], "CANCELLED");  // so subscribed calendars remove it
    EXPECT_EQ(status_of.count("Taslak"), 0u);
    (void)first;
    (void)draft;
    auto cond = http_request(srv.port(), "GET", path, "", "", {{"If-None-Match", feed.headers["etag"]}});
    EXPECT_EQ(cond.status, 304u);

    // A new URL replaces the old one; revoking ends it.
    auto renewed = srv.post("/api/v1/calendar/feed/", "", s.student_tokens[0]);
    ASSERT_EQ(renewed.status, 201u);
    EXPECT_EQ(srv.get(path).status, 404u);
    std::string new_path = renewed.str("url").substr(std::string("https://lms.example.test").size());
    EXPECT_EQ(srv.get(new_path).status, 200u);
    EXPECT_EQ(srv.del("/api/v1/calendar/feed/", s.student_tokens[0]).status, 204u);
    EXPECT_EQ(srv.get(new_path).status, 404u);
    EXPECT_EQ(srv.del("/api/v1/calendar/feed/", s.student_tokens[0]).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/calendar/feed/nonsense.ics").status, 404u);
    EXPECT_EQ(srv.get("/api/v1/calendar/feed/nonsense").status, 404u);
}

INSTANTIATE_TEST_SUITE_P(Engines, Calendar, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
