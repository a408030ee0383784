// The Zoom adapter against a fake Zoom on loopback (fake_zoom.hpp): Server-to-Server OAuth with the token
// cached, meetings and webinars, start links, the participant report merged per user, recordings, and
// Zoom's failure modes as clear errors. The API-level tests run a school on Zoom end to end.
#include <gtest/gtest.h>

#include "core/time.hpp"
#include "fake_zoom.hpp"
#include "harness.hpp"
#include "infra/http_client.hpp"
#include "providers/zoom.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;
using domain::EffectivePolicy;
using domain::LiveSession;
using providers::ZoomProvider;
using providers::ZoomSettings;

constexpr const char* kAccount = "acct-okul";
constexpr const char* kClient = "client-okul";
constexpr const char* kSecret = "client-secret-okul-0123456789";

struct Fixture {
    Fixture() : fake(kAccount, kClient, kSecret), provider(settings(), http, tokens, clock) {}
    ZoomSettings settings(std::string secret = kSecret) {
        ZoomSettings s;
        s.account_id = kAccount;
        s.client_id = kClient;
        s.client_secret = std::move(secret);
        s.user_id = "host@okul.test";
        s.api_base = fake.api_base();
        s.oauth_url = fake.oauth_url();
        s.timeout = std::chrono::milliseconds(300);
        return s;
    }
    LiveSession session(domain::SessionType type = domain::SessionType::kScheduled) {
        LiveSession s;
        s.id = "0b0f8c4e-1c7d-4a57-9d2b-3f1f5a7c9e11";
        s.title = "Kimya 10-B";
        s.description = "Mol kavramı";
        s.type = type;
        s.scheduled_start = 1'800'000'000;
        s.scheduled_end = 1'800'000'000 + 45 * 60;
        s.recording_enabled = true;
        s.auto_recording = true;
        return s;
    }
    FakeZoom fake;
    infra::CurlHttpClient http;
    providers::ZoomTokenCache tokens;
    ManualClock clock{1'700'000'000};
    ZoomProvider provider;
};

TEST(ZoomProvider, CreatesAMeetingWithOneCachedTokenAndTheSessionsSettings) {
    Fixture f;
    LiveSession s = f.session();
    auto room = f.provider.create_room(s, "okul");
    ASSERT_TRUE(room) << room.error().message << " / " << room.error().internal;
    EXPECT_EQ(room->room_id, "85746352");
    EXPECT_EQ(room->room_url, "https://zoom.test/j/85746352?pwd=abc");
    ASSERT_TRUE(room->password);
    auto m = f.fake.meeting(room->room_id);
    EXPECT_EQ(m.at("topic"), "Kimya 10-B");
    EXPECT_EQ(m.at("type").as_int64(), 2);
    EXPECT_EQ(js(m.at("start_time")), format_iso8601(1'800'000'000));
    EXPECT_EQ(m.at("duration").as_int64(), 45);
    EXPECT_EQ(m.at("settings").at("auto_recording"), "cloud");
    EXPECT_EQ(m.at("settings").at("join_before_host"), false);
    EXPECT_EQ(m.at("host_id"), "host@okul.test");
    // A second adapter for the same school (the factory makes one per request) reuses the token.
    ZoomProvider again(f.settings(), f.http, f.tokens, f.clock);
    s.room_id = room->room_id;
    ASSERT_TRUE(again.update_room(s, EffectivePolicy{}));
    EXPECT_EQ(f.fake.tokens_issued(), 1);
    // An hour later the token has expired: a new one is fetched.
    f.clock.advance(3600);
    ASSERT_TRUE(again.end_session(s));
    EXPECT_EQ(f.fake.tokens_issued(), 2);
    EXPECT_TRUE(f.fake.ended(room->room_id));
}

TEST(ZoomProvider, WebinarsAreCreatedAsWebinars) {
    Fixture f;
    auto room = f.provider.create_room(f.session(domain::SessionType::kWebinar), "okul");
    ASSERT_TRUE(room) << room.error().message;
    auto m = f.fake.meeting(room->room_id);
    EXPECT_EQ(m.at("kind"), "webinars");
    EXPECT_EQ(m.at("type").as_int64(), 5);
}

TEST(ZoomProvider, AttendeesGetTheJoinLinkAndHostsAFreshStartLink) {
    Fixture f;
    LiveSession s = f.session();
    auto room = f.provider.create_room(s, "okul");
    ASSERT_TRUE(room);
    s.room_id = room->room_id;
    s.room_url = room->room_url;
    domain::User u;
    u.id = "u";
    providers::JoinRequest req;
    req.session = &s;
    req.user = &u;
    auto before = f.fake.requests().size();
    auto attendee = f.provider.generate_join_url(req);
    ASSERT_TRUE(attendee);
    EXPECT_EQ(attendee->join_url, s.room_url);
    EXPECT_EQ(f.fake.requests().size(), before) << "an attendee's link needs no call to Zoom";
    req.moderator = true;
    auto host = f.provider.generate_join_url(req);
    ASSERT_TRUE(host) << host.error().message;
    EXPECT_EQ(host->join_url.rfind("https://zoom.test/s/" + s.room_id + "?zak=", 0), 0U) << host->join_url;
    EXPECT_TRUE(f.provider.join_needs_network(true));
    EXPECT_FALSE(f.provider.join_needs_network(false));
}

TEST(ZoomProvider, TheParticipantReportMergesRejoinsPerUser) {
    Fixture f;
    LiveSession s = f.session();
    s.room_id = "85746352";
    auto rec = [](const char* email, const char* name, const char* from, const char* to) {
        return json::object{{"id", std::string("zid-") + name},
                            {"name", name},
                            {"user_email", email},
                            {"join_time", from},
                            {"leave_time", to}};
    };
    f.fake.set_report(s.room_id, json::array{
                                     rec("ali@okul.test", "Ali", "2026-11-26T10:00:00Z", "2026-11-26T10:20:00Z"),
                                     rec("ayse@okul.test", "Ayse", "2026-11-26T10:01:00Z", "2026-11-26T10:45:00Z"),
                                     // Ali drops out and comes back, twice, once overlapping (two devices).
                                     rec("ALI@okul.test", "Ali", "2026-11-26T10:25:00Z", "2026-11-26T10:40:00Z"),
                                     rec("ali@okul.test", "Ali", "2026-11-26T10:35:00Z", "2026-11-26T10:45:00Z"),
                                     rec("", "Guest", "2026-11-26T10:05:00Z", "2026-11-26T10:06:00Z"),
                                 });
    auto list = f.provider.get_participants(s);
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), 3U) << "five records, three people";
    const auto& ali = (*list)[0];
    EXPECT_EQ(ali.user_id, "ali@okul.test");
    EXPECT_EQ(ali.duration_seconds, 20 * 60 + 20 * 60) << "10:00-10:20 and 10:25-10:45, overlap counted once";
    EXPECT_EQ(ali.joined_at, *parse_iso8601("2026-11-26T10:00:00Z"));
    EXPECT_EQ(*ali.left_at, *parse_iso8601("2026-11-26T10:45:00Z"));
    EXPECT_EQ((*list)[1].duration_seconds, 44 * 60);
    EXPECT_EQ((*list)[2].name, "Guest");
    int pages = 0;
    for (const auto& r : f.fake.requests())
        if (r.target.find("/report/meetings/") != std::string::npos) ++pages;
    EXPECT_EQ(pages, 3) << "every page of the report was read";
}

TEST(ZoomProvider, CloudRecordingsAreListedAndDeleted) {
    Fixture f;
    LiveSession s = f.session();
    s.room_id = "85746352";
    f.fake.set_recordings(
        s.room_id, json::object{{"uuid", "abc/def+=="},
                                {"id", 85746352},
                                {"recording_files",
                                 json::array{json::object{{"id", "f-1"},
                                                          {"file_type", "MP4"},
                                                          {"file_size", 123456},
                                                          {"download_url", "https://zoom.test/rec/download/f-1"},
                                                          {"recording_start", "2026-11-26T10:00:00Z"},
                                                          {"recording_end", "2026-11-26T10:30:00Z"}},
                                             json::object{{"id", "f-2"}, {"file_type", "M4A"}, {"file_size", 99}}}}});
    auto list = f.provider.get_recordings(s);
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), 1U) << "audio-only files are not recordings to publish";
    EXPECT_EQ((*list)[0].recording_id, "abc/def+==/f-1");
    EXPECT_EQ((*list)[0].duration_seconds, 1800);
    EXPECT_EQ((*list)[0].size_bytes, 123456);
    ASSERT_TRUE(f.provider.delete_recording((*list)[0].recording_id));
    EXPECT_NE(f.fake.requests().back().target.find("/meetings/abc%252Fdef%252B%253D%253D/recordings/f-1"),
              std::string::npos)
        << f.fake.requests().back().target;
    LiveSession none = s;
    none.room_id = "111";
    auto empty = f.provider.get_recordings(none);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(ZoomProvider, RecordingIsStartedAndStoppedThroughInMeetingControls) {
    Fixture f;
    LiveSession s = f.session();
    auto room = f.provider.create_room(s, "okul");
    ASSERT_TRUE(room);
    s.room_id = room->room_id;
    ASSERT_TRUE(f.provider.start_recording(s));
    EXPECT_EQ(f.fake.requests().back().target, "/v2/live_meetings/" + s.room_id + "/events");
    EXPECT_NE(f.fake.requests().back().body.find("recording.start"), std::string::npos);
    ASSERT_TRUE(f.provider.stop_recording(s));
    EXPECT_NE(f.fake.requests().back().body.find("recording.stop"), std::string::npos);
}

TEST(ZoomProvider, ARevokedTokenIsReplacedOnceAndTheCallRetried) {
    Fixture f;
    LiveSession s = f.session();
    auto room = f.provider.create_room(s, "okul");
    ASSERT_TRUE(room);
    s.room_id = room->room_id;
    f.fake.revoke_tokens();
    ASSERT_TRUE(f.provider.update_room(s, EffectivePolicy{}));
    EXPECT_EQ(f.fake.tokens_issued(), 2);
}

TEST(ZoomProvider, FailuresAreClearUnavailableErrors) {
    Fixture f;
    ZoomProvider wrong(f.settings("not-the-secret"), f.http, f.tokens, f.clock);
    auto r = wrong.create_room(f.session(), "okul");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Code::kUnavailable);
    EXPECT_NE(r.error().message.find("client id/secret"), std::string::npos) << r.error().message;

    LiveSession gone = f.session();
    gone.room_id = "999";
    auto missing = f.provider.update_room(gone, EffectivePolicy{});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Code::kNotFound);
    EXPECT_TRUE(f.provider.delete_room(gone)) << "deleting a meeting Zoom no longer has succeeds";

    f.fake.set_mode(FakeZoom::Mode::kHttp500);
    r = f.provider.create_room(f.session(), "okul");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Code::kUnavailable);
    EXPECT_NE(r.error().message.find("HTTP 500"), std::string::npos) << r.error().message;
    f.fake.set_mode(FakeZoom::Mode::kNotJson);
    r = f.provider.create_room(f.session(), "okul");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cannot read"), std::string::npos) << r.error().message;
    f.fake.set_mode(FakeZoom::Mode::kSlow);
    r = f.provider.create_room(f.session(), "okul");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Code::kUnavailable);
    EXPECT_NE(r.error().internal.find("0.3 s"), std::string::npos) << r.error().internal;
}

// ---------------------------------------------------------------- a school on Zoom, over HTTP

Config zoom_endpoints(const FakeZoom& fake) {
    Config c;
    c.zoom_api_url = fake.api_base();
    c.zoom_oauth_url = fake.oauth_url();
    return c;
}

class ZoomSchool : public ::testing::TestWithParam<Engine> {
protected:
    FakeZoom fake{kAccount, kClient, kSecret};
    TestServer srv{GetParam(), true, zoom_endpoints(fake)};

    TestServer::School school(const std::string& slug) {
        auto s = srv.make_school(slug, 1);
        auto r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                              {{"provider", "zoom"},
                               {"is_default", true},
                               {"zoom_account_id", kAccount},
                               {"zoom_client_id", kClient},
                               {"zoom_client_secret", kSecret},
                               {"zoom_user_id", "host@okul.test"}},
                              s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
        return s;
    }
};

TEST_P(ZoomSchool, ClassesAreZoomMeetingsThatFollowEditsAndCancellation) {
    auto s = school("zoomokul");
    auto created = srv.create_session(s, {{"title", "Biyoloji"}});
    EXPECT_EQ(created.at("provider"), "zoom");
    std::string id(created.at("id").as_string()), room(created.at("room_id").as_string());
    ASSERT_TRUE(fake.has_meeting(room)) << json::serialize(created);
    EXPECT_EQ(js(created.at("room_url")), "https://zoom.test/j/" + room + "?pwd=abc");

    auto edited =
        srv.patch_json("/api/v1/live-sessions/" + id + "/", {{"title", "Biyoloji — Hücre"}}, s.instructor_token);
    ASSERT_EQ(edited.status, 200u) << edited.body;
    EXPECT_EQ(srv.app().workers().run_due(), 2);  // the meeting's update, and the class's invitation
    EXPECT_EQ(fake.meeting(room).at("topic"), "Biyoloji — Hücre");

    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    auto student = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]);
    ASSERT_EQ(student.status, 200u) << student.body;
    EXPECT_EQ(student.str("join_url"), "https://zoom.test/j/" + room + "?pwd=abc");
    auto host = srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.instructor_token);
    ASSERT_EQ(host.status, 200u) << host.body;
    EXPECT_EQ(host.str("join_url").rfind("https://zoom.test/s/" + room, 0), 0U) << host.body;

    auto second = srv.create_session(s, {{"title", "İptal edilecek"}});
    std::string id2(second.at("id").as_string()), room2(second.at("room_id").as_string());
    ASSERT_TRUE(fake.has_meeting(room2));
    fake.set_mode(FakeZoom::Mode::kHttp500);
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + id2 + "/", s.instructor_token).status, 200u)
        << "cancelling works while Zoom is down";
    srv.app().workers().run_due();
    EXPECT_TRUE(fake.has_meeting(room2)) << "Zoom was down: the deletion waits for a retry";
    fake.set_mode(FakeZoom::Mode::kNormal);
    srv.clock().advance(60);
    srv.app().workers().run_due();
    EXPECT_FALSE(fake.has_meeting(room2)) << "the retry deleted the Zoom meeting";
}

TEST_P(ZoomSchool, ZoomDownAtCreationIs503AndNothingIsCreated) {
    auto s = school("zoomdown");
    fake.set_mode(FakeZoom::Mode::kHttp500);
    auto r = srv.post_json("/api/v1/live-sessions/",
                           {{"course_id", s.course.id},
                            {"title", "X"},
                            {"scheduled_start", "2030-01-01T10:00:00Z"},
                            {"scheduled_end", "2030-01-01T11:00:00Z"}},
                           s.instructor_token);
    EXPECT_EQ(r.status, 503u) << r.body;
    EXPECT_EQ(r.headers["content-type"], "application/problem+json");
    EXPECT_EQ(srv.count_rows("live_sessions"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, ZoomSchool, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
