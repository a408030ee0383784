// Seed 13.1: transcripts of recordings, on SQLite and PostgreSQL. A recording server on loopback serves
// a real video with a sound track; once our copy is stored, the transcribe_recording job cuts its audio
// with ffmpeg and sends the pieces to a speech-to-text service on loopback that speaks OpenAI's
// transcription API (and checks that what it gets is audio). The transcript is read back as JSON,
// WebVTT and SubRip.
#include <boost/json.hpp>
#include <filesystem>

#include "../infra/fake_s3.hpp"
#include "fake_speech_to_text.hpp"
#include "file_host.hpp"
#include "harness.hpp"
#include "recording_report.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kHookSecret = "jitsi-webhook-secret-0123456789";

class Transcripts : public ::testing::TestWithParam<Engine> {
protected:
    using School = TestServer::School;
    static const std::string& video() {
        static const std::string v = make_test_video(25, /*tone=*/true, "320x180");  // 3 pieces of 10 s
        return v;
    }
    FakeSpeechToText stt;
    FileHost host{{{"/rec.mp4", video()}, {"/mute.mp4", make_test_video(3, false, "320x180")}}};

    Config settings() const {
        Config cfg;
        cfg.transcribe_url = stt.base_url();
        cfg.transcribe_api_key = stt.key();
        cfg.transcribe_piece_seconds = 10;
        return cfg;
    }
    static void allow(TestServer& srv, const School& s, bool on) {
        auto r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-policy/",
                              json::object{{"transcribe_recordings", on}}, s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
    }
    /// The school's consent, then a class whose recording (`file` on the recording host) is reported, copied
    /// and (the jobs run) transcribed: (session, recording).
    std::pair<std::string, std::string> consented(TestServer& srv, const School& s,
                                                  const std::string& file = "/rec.mp4") {
        allow(srv, s, true);
        return report_jitsi_recording(srv, s, host.url(file), kHookSecret);
    }
    static json::object recording(TestServer& srv, const std::string& id, const std::string& token) {
        auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", token);
        return listed.obj().at("results").as_array().at(0).as_object();
    }
    static std::string path(const std::string& id, const std::string& rid) {
        return "/api/v1/live-sessions/" + id + "/recordings/" + rid + "/transcript/";
    }
    /// Lets the job's backoff pass and runs what is due, `rounds` times. The clock moves hours, so the
    /// instructor signs in again afterwards.
    static void retry(TestServer& srv, School& s, int rounds = 1) {
        for (int i = 0; i < rounds; ++i) {
            srv.clock().advance(3700);
            srv.app().workers().run_due();
        }
        s.instructor_token = srv.token_for(s.instructor, s.tenant);
    }
};

TEST_P(Transcripts, AStoredRecordingIsTranscribedPieceByPieceAndReadAsJsonVttAndSrt) {
    ASSERT_FALSE(video().empty()) << "ffmpeg could not make the test video";
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("stt", 1);
    auto [id, rid] = consented(srv, s);
    ASSERT_FALSE(rid.empty());

    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("storage_status"), "stored");
    EXPECT_EQ(r.at("transcript_status"), "ready");
    EXPECT_EQ(r.at("transcript_progress").as_int64(), 100);
    EXPECT_EQ(r.at("transcript_language"), "tr") << "Whisper's \"turkish\" as ISO 639-1";
    EXPECT_EQ(js(r.at("transcript_url")), path(id, rid));
    EXPECT_TRUE(std::filesystem::is_empty(srv.storage_dir() + "/.scratch")) << "the audio pieces are removed";

    // What the service got: three pieces of real audio, the model, verbose_json; the language it
    // detected in the first piece and the text so far are passed on to the next ones.
    auto seen = stt.seen();
    ASSERT_EQ(seen.size(), 3u);
    double heard = 0;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_GT(seen[i].audio_seconds, 4.0) << "piece " << i << " is audio ffprobe reads";
        EXPECT_LE(seen[i].audio_seconds, 10.5);
        heard += seen[i].audio_seconds;
        EXPECT_EQ(seen[i].fields["model"], "whisper-1");
        EXPECT_EQ(seen[i].fields["response_format"], "verbose_json");
        EXPECT_EQ(seen[i].file_type, "audio/mpeg");
    }
    EXPECT_NEAR(heard, 25.0, 0.5) << "the pieces cover the whole sound track";
    EXPECT_EQ(seen[0].fields.count("language"), 0u) << "the first piece: the service detects the language";
    EXPECT_EQ(seen[1].fields["language"], "tr");
    EXPECT_NE(seen[1].fields["prompt"].find("istek 1"), std::string::npos) << "the previous piece's words";
    EXPECT_NE(seen[2].fields["prompt"].find("istek 2"), std::string::npos);

    // JSON: segments in recording time (piece offsets added), in order.
    auto doc = srv.get(path(id, rid), s.instructor_token);
    ASSERT_EQ(doc.status, 200u) << doc.body;
    EXPECT_EQ(doc.obj().at("language"), "tr");
    const auto& segments = doc.obj().at("segments").as_array();
    ASSERT_GE(segments.size(), 7u);
    double last_start = -1;
    bool saw_second_piece = false, saw_third_piece = false;
    for (const auto& seg : segments) {
        const double start = seg.at("start").to_number<double>();
        EXPECT_GE(start, last_start);
        last_start = start;
        const std::string text(seg.at("text").as_string());
        EXPECT_EQ(text.front(), 'i') << "trimmed: " << text;
        if (text == "istek 2 <0> sn") {
            saw_second_piece = true;
            EXPECT_NEAR(start, 10.0, 0.5);
        }
        if (text == "istek 3 <4> sn") {
            saw_third_piece = true;
            EXPECT_NEAR(start, 24.0, 0.5);
        }
    }
    EXPECT_TRUE(saw_second_piece && saw_third_piece) << doc.body;
    EXPECT_NEAR(doc.obj().at("duration_seconds").to_number<double>(), 25.0, 0.5);
    EXPECT_NE(js(doc.obj().at("text")).find("istek 1 <0> sn istek 1 <4> sn"), std::string::npos);

    auto vtt = srv.get(path(id, rid) + "?format=vtt", s.instructor_token);
    ASSERT_EQ(vtt.status, 200u);
    EXPECT_EQ(vtt.headers["content-type"], "text/vtt; charset=utf-8");
    EXPECT_EQ(vtt.body.rfind("WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nistek 1 &lt;0&gt; sn\n", 0), 0u) << vtt.body;
    EXPECT_NE(vtt.body.find("\n00:00:10."), std::string::npos);
    auto srt = srv.get(path(id, rid) + "?format=srt", s.instructor_token);
    ASSERT_EQ(srt.status, 200u);
    EXPECT_EQ(srt.body.rfind("1\n00:00:00,000 --> 00:00:04,000\nistek 1 <0> sn\n\n2\n", 0), 0u) << srt.body;
    EXPECT_NE(srt.headers["content-disposition"].find("transcript-" + rid + ".srt"), std::string::npos);

    // Who reads it: those who see the recording (students: once it is published).
    EXPECT_EQ(srv.get(path(id, rid), s.student_tokens[0]).status, 404u);
    ASSERT_EQ(
        srv.post("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/publish/", "", s.instructor_token).status,
        200u);
    EXPECT_EQ(srv.get(path(id, rid), s.student_tokens[0]).status, 200u);
    auto by_student = srv.post(path(id, rid), "", s.student_tokens[0]);
    EXPECT_EQ(by_student.status, 403u) << "students do not ask for transcripts";
    auto other = srv.make_school("sttother", 1);
    EXPECT_EQ(srv.get(path(id, rid), other.admin_token).status, 404u) << "another school's recording";
    EXPECT_EQ(srv.post(path(id, rid), "", other.admin_token).status, 404u);

    // Bad queries change nothing and say what is accepted.
    auto bad = srv.get(path(id, rid) + "?format=pdf", s.instructor_token);
    EXPECT_EQ(bad.status, 400u);
    EXPECT_NE(bad.body.find("json, vtt or srt"), std::string::npos);
    EXPECT_EQ(srv.get(path(id, rid) + "?lang=tr", s.instructor_token).status, 400u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/recordings/nope/transcript/", s.instructor_token).status, 400u);

    // Deleting the recording takes its transcript with it.
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/", s.instructor_token).status, 204u);
    srv.app().workers().run_due();
    EXPECT_EQ(srv.count_rows("live_recording_transcripts"), 0);
}

TEST_P(Transcripts, WithS3TheAudioIsReadFromTheBucketThroughASignedAddressAndNothingIsLeftBehind) {
    ASSERT_FALSE(video().empty());
    FakeS3 s3;
    Config cfg = settings();
    cfg.s3_bucket = s3.bucket();
    cfg.s3_endpoint = s3.endpoint();
    cfg.s3_region = s3.region();
    cfg.s3_access_key_id = s3.access_key();
    cfg.s3_secret_access_key = s3.secret_key();
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("stts3", 1);
    auto [id, rid] = consented(srv, s);
    ASSERT_FALSE(rid.empty());
    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("storage_status"), "stored");
    EXPECT_EQ(r.at("transcript_status"), "ready");
    EXPECT_EQ(stt.seen().size(), 3u);
    bool read_from_bucket = false;
    for (const auto& q : s3.requests())
        if (q.method == "GET" && q.path.find("/recordings/") != std::string::npos && q.auth != "none")
            read_from_bucket = true;
    EXPECT_TRUE(read_from_bucket) << "ffmpeg read our copy from the bucket, signed";
    EXPECT_TRUE(std::filesystem::is_empty(srv.storage_dir() + "/.scratch")) << "the audio pieces are removed";
}

TEST_P(Transcripts, NothingIsSentWithoutTheSchoolsConsentAndStaffCanAskLater) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("sttoff", 1);
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "none");
    EXPECT_TRUE(stt.seen().empty()) << "the policy is off by default: no audio left";
    EXPECT_EQ(srv.get(path(id, rid), s.instructor_token).status, 404u);

    auto refused = srv.post(path(id, rid), "", s.instructor_token);
    EXPECT_EQ(refused.status, 409u);
    EXPECT_NE(refused.body.find("transcribe_recordings"), std::string::npos) << refused.body;
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording'"), 0);

    // The school turns it on; the instructor asks for this recording's transcript.
    allow(srv, s, true);
    auto asked = srv.post(path(id, rid), "", s.instructor_token);
    ASSERT_EQ(asked.status, 202u) << asked.body;
    EXPECT_EQ(asked.obj().at("transcript_status"), "processing");
    EXPECT_EQ(srv.post(path(id, rid), "", s.instructor_token).status, 409u) << "already on its way";
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'recording.transcribe'"), 1);
    srv.app().workers().run_due();
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "ready");
    EXPECT_EQ(stt.seen().size(), 3u);
}

TEST_P(Transcripts, AnAttemptCutShortResumesAfterTheLastPieceItKept) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("sttretry", 1);
    allow(srv, s, true);
    stt.fail_request(2, 503);  // the service goes down after the first piece,
    stt.fail_request(3, 429);  // then rate-limits the retry
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("transcript_status"), "processing") << "retried, not failed";
    EXPECT_EQ(r.at("transcript_progress").as_int64(), 33) << "one piece of three kept";
    EXPECT_EQ(r.at("transcript_language"), "tr");
    EXPECT_EQ(srv.get(path(id, rid), s.instructor_token).status, 404u) << "not readable until it is whole";
    EXPECT_EQ(srv.count_rows("live_recording_transcripts WHERE pieces_done = 1 AND pieces_total = 3"), 1);

    retry(srv, s);  // 429
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "processing");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording' AND status = 'queued' AND run_at = " +
                             std::to_string(srv.clock().now() + FakeSpeechToText::kRetryAfterSeconds)),
              1)
        << "the rate limit's Retry-After, not the 20 s backoff, sets the next try";
    retry(srv, s);
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "ready");
    EXPECT_EQ(stt.requests(), 5) << "the first piece was not sent again";
    auto seen = stt.seen();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_NEAR(seen[0].audio_seconds + seen[1].audio_seconds + seen[2].audio_seconds, 25.0, 0.5);
    auto doc = srv.get(path(id, rid), s.instructor_token);
    ASSERT_EQ(doc.status, 200u);
    EXPECT_NEAR(doc.obj().at("duration_seconds").to_number<double>(), 25.0, 0.5);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording' AND status = 'done'"), 1);
}

TEST_P(Transcripts, AudioTheServiceRefusesFailsAtOnceAndCanBeAskedForAgain) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("sttbad", 1);
    allow(srv, s, true);
    stt.fail_request(1, 400);
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "failed");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording' AND status = 'dead'"), 1)
        << "retrying the same audio cannot help";
    EXPECT_EQ(stt.requests(), 1);

    auto asked = srv.post(path(id, rid), "", s.instructor_token);
    ASSERT_EQ(asked.status, 202u) << asked.body;
    srv.app().workers().run_due();
    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("transcript_status"), "ready");
    EXPECT_EQ(r.at("transcript_progress").as_int64(), 100);
}

TEST_P(Transcripts, ARefusalAboutTheModelIsASettingToFixNotABadRecording) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("sttmodel", 1);
    allow(srv, s, true);
    stt.fail_request(1, 400, "model");  // e.g. a model that offers no verbose_json
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "processing");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording' AND status = 'queued' AND last_error LIKE "
                             "'%LIVE_TRANSCRIBE_MODEL%'"),
              1)
        << "the operator is told what to check";
    retry(srv, s);
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "ready");
}

TEST_P(Transcripts, TurningThePolicyOffStopsWhatIsUnderWayAndDropsWhatWasKept) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("sttwithdraw", 1);
    allow(srv, s, true);
    stt.fail_request(2, 503);
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_progress").as_int64(), 33);
    // The course turns it off (the school still allows it): nothing more is sent.
    auto off = srv.put_json("/api/v1/courses/" + s.course.id + "/live-policy/",
                            json::object{{"transcribe_recordings", false}}, s.instructor_token);
    ASSERT_EQ(off.status, 200u) << off.body;
    retry(srv, s);
    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("transcript_status"), "none");
    EXPECT_EQ(r.at("transcript_progress").as_int64(), 0);
    EXPECT_EQ(stt.requests(), 2) << "no piece sent after the policy said no";
    EXPECT_EQ(srv.count_rows("live_recording_transcripts"), 0) << "what was kept is dropped";
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording' AND status = 'done'"), 1);
    // Turned off while a job is between two pieces: the next piece is not sent.
    auto mid = srv.make_school("sttmid", 1);
    allow(srv, mid, true);
    const int before = stt.requests();
    stt.while_answering(before + 1, [&] {
        auto r = srv.put_json("/api/v1/tenants/" + mid.tenant.id + "/live-policy/",
                              json::object{{"transcribe_recordings", false}}, mid.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
    });
    auto [mid_id, mid_rid] = report_jitsi_recording(srv, mid, host.url("/rec.mp4"), kHookSecret);
    EXPECT_EQ(recording(srv, mid_id, mid.instructor_token).at("transcript_status"), "none");
    EXPECT_EQ(stt.requests(), before + 1) << "only the piece under way when the school said no";
    EXPECT_EQ(srv.count_rows("live_recording_transcripts"), 0);
    (void)mid_rid;

    // And a course alone cannot opt the school in.
    auto other = srv.make_school("sttcourse", 1);
    ASSERT_EQ(srv.put_json("/api/v1/courses/" + other.course.id + "/live-policy/",
                           json::object{{"transcribe_recordings", true}}, other.instructor_token)
                  .status,
              200u);
    auto [oid, orid] = report_jitsi_recording(srv, other, host.url("/rec.mp4"), kHookSecret);
    EXPECT_EQ(recording(srv, oid, other.instructor_token).at("transcript_status"), "none");
    EXPECT_EQ(srv.post(path(oid, orid), "", other.instructor_token).status, 409u);
}

TEST_P(Transcripts, AskingAgainReplacesTheTranscriptAndALostJobDoesNotBlockIt) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("sttagain", 1);
    auto [id, rid] = consented(srv, s);
    ASSERT_FALSE(rid.empty());
    ASSERT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "ready");

    // Asked again while ready: a new job owns it; the first job's transcript is dropped at once.
    ASSERT_EQ(srv.post(path(id, rid), "", s.instructor_token).status, 202u);
    EXPECT_EQ(srv.get(path(id, rid), s.instructor_token).status, 404u);
    // That job is lost (its process died on its last attempt: dead without saying so).
    {
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE jobs SET status = 'dead' WHERE type = 'transcribe_recording' AND status = 'queued'";
    }
    // It will never be finished: the listing says failed (the page then offers to ask again), not
    // "processing" for ever; the row keeps what the job left.
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "failed");
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_error"),
              "the work on it stopped: ask for it again");
    EXPECT_EQ(srv.count_rows("live_session_recordings WHERE transcript_status = 'processing'"), 1);
    auto again = srv.post(path(id, rid), "", s.instructor_token);
    ASSERT_EQ(again.status, 202u) << "a transcript nobody works on can be asked for again: " << again.body;
    EXPECT_EQ(srv.post(path(id, rid), "", s.instructor_token).status, 409u) << "this one is at work";
    srv.app().workers().run_due();
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "ready");
    EXPECT_EQ(stt.seen().size(), 6u) << "made twice, three pieces each";
    auto doc = srv.get(path(id, rid), s.instructor_token);
    ASSERT_EQ(doc.status, 200u);
    EXPECT_NE(js(doc.obj().at("text")).find("istek 4 <0> sn"), std::string::npos) << "the new transcript";
}

TEST_P(Transcripts, WithFfmpegOffThereAreNoTranscripts) {
    ASSERT_FALSE(video().empty());
    Config cfg = settings();
    cfg.ffmpeg = "off";
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("sttnoff", 1);
    auto [id, rid] = consented(srv, s);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "none");
    auto asked = srv.post(path(id, rid), "", s.instructor_token);
    EXPECT_EQ(asked.status, 409u);
    EXPECT_NE(asked.body.find("LIVE_FFMPEG"), std::string::npos) << asked.body;
}

TEST_P(Transcripts, AWrongKeyIsRetriedUntilItsAttemptsAreUsedThenTheTranscriptFails) {
    ASSERT_FALSE(video().empty());
    Config cfg = settings();
    cfg.transcribe_api_key = "not-the-key";
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("sttkey", 1);
    auto [id, rid] = consented(srv, s);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "processing")
        << "an operator can fix the key: the transcript waits";
    retry(srv, s, 12);
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "failed");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording' AND status = 'dead' AND attempts = 12"), 1);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording' AND last_error LIKE "
                             "'%LIVE_TRANSCRIBE_API_KEY%'"),
              1)
        << "the operator is told what to check";
    EXPECT_EQ(stt.requests(), 0) << "no request with the wrong key counts";
}

TEST_P(Transcripts, ARecordingWithoutSoundFailsAtOnceWithoutCallingTheService) {
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("sttmute", 1);
    auto [id, rid] = consented(srv, s, "/mute.mp4");
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "failed");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording' AND status = 'dead'"), 1);
    EXPECT_EQ(stt.requests(), 0);
}

TEST_P(Transcripts, WithoutAServiceNothingIsQueuedAndAskingSaysWhatToSet) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam()};
    auto s = srv.make_school("sttnone", 1);
    auto [id, rid] = consented(srv, s);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("transcript_status"), "none");
    auto asked = srv.post(path(id, rid), "", s.instructor_token);
    EXPECT_EQ(asked.status, 409u);
    EXPECT_NE(asked.body.find("LIVE_TRANSCRIBE_URL"), std::string::npos) << asked.body;
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'transcribe_recording'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, Transcripts, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
