// The BigBlueButton adapter against a fake BBB server on loopback (fake_bbb.hpp): every call is checked
// for the checksum BBB computes, and the server's failure modes come back as clear Unavailable errors.
#include <gtest/gtest.h>

#include "fake_bbb.hpp"
#include "infra/http_client.hpp"
#include "providers/bbb.hpp"

namespace lc::testing {
namespace {

using domain::EffectivePolicy;
using domain::LiveSession;
using providers::BbbChecksum;
using providers::BbbProvider;
using providers::BbbSettings;

constexpr const char* kSecret = "8cd8ef52e8e101574e400365b55e11a6";

LiveSession session() {
    LiveSession s;
    s.id = "0b0f8c4e-1c7d-4a57-9d2b-3f1f5a7c9e11";
    s.tenant_id = "t";
    s.title = "Fizik 9-A: Kuvvet & Hareket";
    s.room_id = "okul-0b0f8c4e-1c7d-4a57-9d2b-3f1f5a7c9e11";
    s.type = domain::SessionType::kScheduled;
    s.recording_enabled = true;
    s.max_participants = 40;
    return s;
}

domain::User user(const char* id, const char* name) {
    domain::User u;
    u.id = id;
    u.full_name = name;
    u.email = std::string(id) + "@okul.test";
    return u;
}

struct Fixture {
    explicit Fixture(BbbChecksum algo = BbbChecksum::kSha256, std::string secret = kSecret)
        : fake(kSecret), provider(settings(algo, std::move(secret)), http, clock) {}
    BbbSettings settings(BbbChecksum algo, std::string secret) {
        BbbSettings s;
        s.server_url = fake.server_url();
        s.secret = std::move(secret);
        s.checksum = algo;
        s.callback_url = "https://lms.okul.test/api/v1/live-sessions/webhooks/bbb/?tenant=t";
        s.timeout = std::chrono::milliseconds(300);
        return s;
    }
    FakeBbb fake;
    infra::CurlHttpClient http;
    ManualClock clock{1'700'000'000};
    BbbProvider provider;
};

TEST(BbbChecksum, IsShaOfCallNameQueryAndSecretForEachAlgorithm) {
    // Reference values computed independently (Python hashlib) for call "create".
    const std::string q = "name=Test%20Meeting&meetingID=abc123";
    EXPECT_EQ(providers::bbb_checksum("create", q, kSecret, BbbChecksum::kSha1),
              "94c80c903b14eaaa9ccac1000ca321e5c68ee70d");
    EXPECT_EQ(providers::bbb_checksum("create", q, kSecret, BbbChecksum::kSha256),
              "d5a1828290d674de8b08349deacec207b369cc80cbd264e9a86548ae63aa3064");
    EXPECT_EQ(providers::bbb_checksum("create", q, kSecret, BbbChecksum::kSha512),
              "5108dee42760503476d231cdcfea4c94b235b02d65c46fac069c8b7e5aa5da3912cc01af0861b7bf4609d1f039c66b9abc"
              "2995cefdb8a95a47ce2e4e27069fef");
}

TEST(BbbProvider, StartCreatesTheMeetingWithThePolicysSettingsUnderEveryChecksumAlgorithm) {
    for (auto algo : {BbbChecksum::kSha1, BbbChecksum::kSha256, BbbChecksum::kSha512}) {
        Fixture f(algo);
        EffectivePolicy policy;
        policy.lobby_enabled = true;
        policy.students_start_muted = true;
        LiveSession s = session();
        s.waiting_room_enabled = true;
        auto r = f.provider.start_session(s, policy);
        ASSERT_TRUE(r) << r.error().message << " / " << r.error().internal;
        auto creates = f.fake.calls_named("create");
        ASSERT_EQ(creates.size(), 1U);
        const auto& p = creates[0].params;
        EXPECT_TRUE(creates[0].checksum_ok);
        EXPECT_EQ(p.at("meetingID"), s.room_id);
        EXPECT_EQ(p.at("name"), s.title);  // spaces, '&' and Turkish letters survive the encoding
        EXPECT_EQ(p.at("record"), "true");
        EXPECT_EQ(p.at("autoStartRecording"), "false");
        EXPECT_EQ(p.at("allowStartStopRecording"), "true");
        EXPECT_EQ(p.at("muteOnStart"), "true");
        EXPECT_EQ(p.at("guestPolicy"), "ASK_MODERATOR");
        EXPECT_EQ(p.at("maxParticipants"), "40");
        EXPECT_EQ(p.at("meta_bbb-recording-ready-url"),
                  "https://lms.okul.test/api/v1/live-sessions/webhooks/bbb/?tenant=t&event=recording-ready");
        EXPECT_EQ(p.at("meta_analytics-callback-url"),
                  "https://lms.okul.test/api/v1/live-sessions/webhooks/bbb/?tenant=t&event=analytics");
        EXPECT_EQ(p.at("meetingKeepEvents"), "true") << "the analytics need events.xml, recorded or not";
        EXPECT_EQ(p.at("meta_endCallbackUrl"),
                  "https://lms.okul.test/api/v1/live-sessions/webhooks/bbb/?tenant=t&event=meeting-ended&meeting_id=" +
                      s.room_id + "&token=" + providers::bbb_end_callback_token(kSecret, s.room_id));
        EXPECT_TRUE(f.fake.meeting_exists(s.room_id));
        // The meeting's own hook is registered right after it is created.
        auto hooks = f.fake.calls_named("hooks/create");
        ASSERT_EQ(hooks.size(), 1U);
        EXPECT_EQ(hooks[0].params.at("meetingID"), s.room_id);
        EXPECT_EQ(hooks[0].params.at("callbackURL"),
                  "https://lms.okul.test/api/v1/live-sessions/webhooks/bbb/?tenant=t&meeting=" + s.room_id)
            << "one hook per meeting: bbb-webhooks keeps one hook per callback URL";
        // Starting again is harmless (create is idempotent on BBB).
        EXPECT_TRUE(f.provider.start_session(s, policy));
    }
}

TEST(BbbProvider, WebinarMutesAndLocksViewersAndOpenLobbyAcceptsEveryone) {
    Fixture f;
    EffectivePolicy policy;
    policy.lobby_enabled = false;
    policy.students_start_muted = false;
    LiveSession s = session();
    s.type = domain::SessionType::kWebinar;
    s.recording_enabled = false;
    auto p = f.provider.create_params(s, policy);
    auto get = [&](const char* k) {
        for (auto& [name, value] : p)
            if (name == k) return value;
        return std::string("<missing>");
    };
    EXPECT_EQ(get("muteOnStart"), "true");
    EXPECT_EQ(get("lockSettingsDisableMic"), "true");
    EXPECT_EQ(get("webcamsOnlyForModerator"), "true");
    EXPECT_EQ(get("guestPolicy"), "ALWAYS_ACCEPT");
    EXPECT_EQ(get("record"), "false");
    EXPECT_EQ(get("allowStartStopRecording"), "false");
}

TEST(BbbProvider, JoinUrlsAreSignedAndCarryTheRole) {
    Fixture f;
    LiveSession s = session();
    s.waiting_room_enabled = true;
    domain::User teacher = user("11111111-1111-4111-8111-111111111111", "Ayşe Öğretmen");
    domain::User student = user("22222222-2222-4222-8222-222222222222", "Ali Öğrenci");
    providers::JoinRequest host;
    host.session = &s;
    host.user = &teacher;
    host.moderator = true;
    providers::JoinRequest viewer = host;
    viewer.user = &student;
    viewer.moderator = false;
    viewer.policy.lobby_enabled = true;
    auto h = f.provider.generate_join_url(host);
    auto v = f.provider.generate_join_url(viewer);
    ASSERT_TRUE(h);
    ASSERT_TRUE(v);
    EXPECT_TRUE(f.fake.checksum_valid(h->join_url)) << h->join_url;
    EXPECT_TRUE(f.fake.checksum_valid(v->join_url)) << v->join_url;
    EXPECT_NE(h->join_url.find("/bigbluebutton/api/join?"), std::string::npos);
    EXPECT_NE(h->join_url.find("role=MODERATOR"), std::string::npos);
    EXPECT_EQ(h->join_url.find("guest=true"), std::string::npos);
    EXPECT_NE(v->join_url.find("role=VIEWER"), std::string::npos);
    EXPECT_NE(v->join_url.find("guest=true"), std::string::npos) << "students wait in the lobby";
    EXPECT_NE(v->join_url.find("userID=" + student.id), std::string::npos);
    EXPECT_NE(v->join_url.find("fullName=Ali%20%C3%96%C4%9Frenci"), std::string::npos) << v->join_url;
    EXPECT_FALSE(f.provider.rooms_open_on_join());
    // A link signed with another secret is refused by the server.
    Fixture wrong(BbbChecksum::kSha256, "not-the-servers-secret");
    auto bad = wrong.provider.generate_join_url(host);
    ASSERT_TRUE(bad);
    EXPECT_FALSE(f.fake.checksum_valid(bad->join_url));
}

TEST(BbbProvider, EndIsIdempotentAndRunningStateIsReported) {
    Fixture f;
    LiveSession s = session();
    ASSERT_TRUE(f.provider.start_session(s, EffectivePolicy{}));
    auto running = f.provider.is_running(s);
    ASSERT_TRUE(running);
    EXPECT_TRUE(*running);
    EXPECT_TRUE(f.provider.end_session(s));
    EXPECT_FALSE(f.fake.meeting_exists(s.room_id));
    running = f.provider.is_running(s);
    ASSERT_TRUE(running);
    EXPECT_FALSE(*running);
    EXPECT_TRUE(f.provider.end_session(s)) << "ending a meeting that is already over succeeds";
}

TEST(BbbProvider, ParticipantsComeFromGetMeetingInfo) {
    Fixture f;
    LiveSession s = session();
    ASSERT_TRUE(f.provider.start_session(s, EffectivePolicy{}));
    f.fake.add_attendee(s.room_id, {"u-1", "Ayşe Öğretmen", "MODERATOR"});
    f.fake.add_attendee(s.room_id, {"u-2", "Ali <Öğrenci>", "VIEWER"});
    auto list = f.provider.get_participants(s);
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), 2U);
    EXPECT_EQ((*list)[0].user_id, "u-1");
    EXPECT_EQ((*list)[0].role, "moderator");
    EXPECT_EQ((*list)[1].name, "Ali <Öğrenci>");
    EXPECT_EQ((*list)[1].role, "participant");
    EXPECT_TRUE((*list)[1].has_audio);
    LiveSession other = session();
    other.room_id = "okul-unknown";
    auto none = f.provider.get_participants(other);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, Code::kNotFound);
}

TEST(BbbProvider, RecordingsAreListedPublishedAndDeleted) {
    Fixture f;
    LiveSession s = session();
    f.fake.add_recording({"rec-1", s.room_id, "https://bbb.test/playback/presentation/2.3/rec-1", 1'700'000'000'000,
                          1'700'000'900'000, 1234567, true});
    f.fake.add_recording({"rec-other", "someone-else", "https://bbb.test/x", 0, 0, 0, true});
    auto list = f.provider.get_recordings(s);
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), 1U);
    EXPECT_EQ((*list)[0].recording_id, "rec-1");
    EXPECT_EQ((*list)[0].duration_seconds, 900);
    EXPECT_EQ((*list)[0].size_bytes, 1234567);
    EXPECT_EQ((*list)[0].format, "presentation");
    EXPECT_EQ((*list)[0].created_at, 1'700'000'000);
    EXPECT_EQ((*list)[0].url, "https://bbb.test/playback/presentation/2.3/rec-1");
    auto hidden = f.provider.publish_recording("rec-1", false);
    ASSERT_TRUE(hidden);
    EXPECT_TRUE(*hidden);
    EXPECT_FALSE(f.fake.recordings()[0].published);
    auto deleted = f.provider.delete_recording("rec-1");
    ASSERT_TRUE(deleted);
    EXPECT_TRUE(*deleted);
    EXPECT_EQ(f.fake.recordings().size(), 1U);
    auto missing = f.provider.delete_recording("rec-1");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Code::kNotFound);
}

TEST(BbbProvider, CaptionTracksAreListedInJsonAndTheBestOneIsChosen) {
    Fixture f;
    LiveSession s = session();
    FakeBbb::Recording rec{"rec-1", s.room_id, "https://bbb.test/playback/presentation/2.3/rec-1", 0, 0, 0, true};
    // The fake server is http://127.0.0.1:<port>: its own files may be on another port (a web server).
    const std::string own = "http://127.0.0.1:9";
    rec.tracks = {{own + "/captions/rec-1/captions_tr-TR.vtt", "captions", "Türkçe", "tr-TR", "automatic"},
                  {own + "/captions/rec-1/subtitles_tr-TR.vtt", "subtitles", "Türkçe", "tr-TR", "live"},
                  {"ftp://127.0.0.1/x.vtt", "subtitles", "x", "en", "upload"},
                  {own + "/chapters.vtt", "chapters", "Bölümler", "tr", "upload"},
                  // Elsewhere on the network: never fetched, whatever the server says.
                  {"http://169.254.169.254/latest/meta-data/", "subtitles", "x", "en", "upload"},
                  {"https://127.0.0.1/captions/rec-1/subtitles_en.vtt", "subtitles", "English", "en", "upload"},
                  {"http://intranet.okul.test/x.vtt", "subtitles", "x", "en", "upload"}};
    f.fake.add_recording(rec);
    auto tracks = f.provider.text_tracks("rec-1");
    ASSERT_TRUE(tracks) << tracks.error().message;
    ASSERT_EQ(tracks->size(), 3U) << "the server's own http files: not another scheme or host";
    EXPECT_EQ((*tracks)[0].lang, "tr-TR");
    EXPECT_EQ((*tracks)[0].source, "automatic");
    EXPECT_EQ(f.fake.calls_named("getRecordingTextTracks").at(0).params.at("recordID"), "rec-1");
    EXPECT_TRUE(f.fake.calls_named("getRecordingTextTracks").at(0).checksum_ok);
    // A person's captions (live) over speech recognition; never a non-web address or a chapters track.
    auto best = providers::best_text_track(*tracks);
    ASSERT_TRUE(best);
    EXPECT_EQ(best->href, own + "/captions/rec-1/subtitles_tr-TR.vtt");
    EXPECT_FALSE(providers::best_text_track({(*tracks)[2]})) << "a chapters track is no transcript";
    EXPECT_FALSE(providers::best_text_track({{"ftp://127.0.0.1/x.vtt", "subtitles", "x", "en", "upload"}}));
    // A recording BBB does not know has no tracks (noRecordings); a wrong secret is a setting to fix.
    auto none = f.provider.text_tracks("rec-unknown");
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_TRUE(none->empty());
    Fixture wrong(BbbChecksum::kSha256, "not-the-servers-secret");
    auto refused = wrong.provider.text_tracks("rec-1");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("shared secret"), std::string::npos) << refused.error().message;
}

TEST(BbbProvider, AWrongSecretIsReportedAsAConfigurationProblem) {
    Fixture f(BbbChecksum::kSha256, "not-the-servers-secret");
    auto r = f.provider.start_session(session(), EffectivePolicy{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Code::kUnavailable);
    EXPECT_NE(r.error().message.find("shared secret"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().internal.find("checksumError"), std::string::npos);
}

TEST(BbbProvider, ServerFailuresBecomeUnavailableWithAReason) {
    Fixture f;
    f.fake.set_mode(FakeBbb::Mode::kHttp500);
    auto r = f.provider.start_session(session(), EffectivePolicy{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Code::kUnavailable);
    EXPECT_NE(r.error().message.find("HTTP 500"), std::string::npos) << r.error().message;

    f.fake.set_mode(FakeBbb::Mode::kNotXml);
    r = f.provider.start_session(session(), EffectivePolicy{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Code::kUnavailable);
    EXPECT_NE(r.error().message.find("cannot read"), std::string::npos) << r.error().message;

    f.fake.set_mode(FakeBbb::Mode::kSlow);
    r = f.provider.start_session(session(), EffectivePolicy{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Code::kUnavailable);
    EXPECT_NE(r.error().internal.find("did not answer within 0.3 s"), std::string::npos) << r.error().internal;
}

TEST(BbbProvider, AServerThatIsNotThereIsUnavailable) {
    infra::CurlHttpClient http;
    ManualClock clock{1'700'000'000};
    BbbSettings s;
    s.server_url = "http://127.0.0.1:1/bigbluebutton/";  // nothing listens on port 1
    s.secret = kSecret;
    BbbProvider provider(s, http, clock);
    auto r = provider.start_session(session(), EffectivePolicy{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Code::kUnavailable);
    EXPECT_NE(r.error().message.find("not reachable"), std::string::npos) << r.error().message;
}

TEST(BbbProvider, AServerUrlWithoutTheBigbluebuttonPathGetsAnActionableMessage) {
    Fixture f;
    infra::CurlHttpClient http;
    ManualClock clock{1'700'000'000};
    BbbSettings s;
    s.server_url = f.fake.server_url().substr(0, f.fake.server_url().find("/bigbluebutton"));
    s.secret = kSecret;
    BbbProvider provider(s, http, clock);
    auto r = provider.start_session(session(), EffectivePolicy{});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("/bigbluebutton/"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace lc::testing
