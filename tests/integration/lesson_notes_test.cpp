// Seeds 13.2 and 13.3: a lesson's summary and quiz suggestions, on SQLite and PostgreSQL. A recording is
// reported, copied and transcribed as in transcripts_test (real audio, a speech-to-text service on
// loopback); once its transcript is ready, the make_lesson_notes jobs send it to a language model on
// loopback that speaks OpenAI's chat completions API with structured outputs, and what comes back is
// checked, kept and read through the API.
#include <boost/json.hpp>
#include <set>

#include "bbb_recording.hpp"
#include "core/time.hpp"
#include "fake_bbb.hpp"
#include "fake_language_model.hpp"
#include "fake_speech_to_text.hpp"
#include "file_host.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"
#include "recording_report.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kHookSecret = "jitsi-webhook-secret-0123456789";
constexpr const char* kBbbSecret = "bbb-shared-secret-0123456789abcdef";
// The captions BigBlueButton keeps with a recording, timed to its playback.
constexpr const char* kCaptions =
    "WEBVTT\n\n00:00:02.000 --> 00:00:06.000\nGünaydın, bugün kesirler.\n\n"
    "00:00:40.500 --> 00:00:44.000\nPay üstte, payda altta.\n";

class LessonNotes : public ::testing::TestWithParam<Engine> {
protected:
    using School = TestServer::School;
    static const std::string& video() {
        static const std::string v = make_test_video(25, /*tone=*/true, "320x180");  // one line of transcript
        return v;
    }
    static const std::string& long_video() {
        static const std::string v = make_test_video(65, /*tone=*/true, "320x180");  // lines at 0:00, 0:30 and 1:00
        return v;
    }
    FakeSpeechToText stt;
    FakeLanguageModel ai;
    FileHost host{{{"/rec.mp4", video()}}};

    Config settings() const {
        Config cfg;
        cfg.transcribe_url = stt.base_url();
        cfg.transcribe_api_key = stt.key();
        cfg.transcribe_piece_seconds = 10;
        cfg.ai_url = ai.base_url();
        cfg.ai_api_key = ai.key();
        return cfg;
    }
    static void allow(TestServer& srv, const School& s, bool summaries) {
        auto r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-policy/",
                              json::object{{"transcribe_recordings", true}, {"summarize_recordings", summaries}},
                              s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
    }
    static std::string path(const std::string& id, const std::string& rid, const char* kind) {
        return "/api/v1/live-sessions/" + id + "/recordings/" + rid + "/" + kind + "/";
    }
    static json::object notes(TestServer& srv, const std::string& id, const std::string& rid, const char* kind,
                              const std::string& token) {
        auto r = srv.get(path(id, rid, kind), token);
        EXPECT_EQ(r.status, 200u) << r.body;
        return r.status == 200 ? r.obj() : json::object{};
    }
    /// An ended BigBlueButton class of `school` whose recording `record` (its playback on `files`) BBB
    /// calls ready, with `tracks`, the jobs run: (class id, the recording as the instructor lists it).
    static std::pair<std::string, json::object> bbb_class(TestServer& srv, FakeBbb& fake, const FileHost& files,
                                                          School& school, const std::string& record,
                                                          std::vector<FakeBbb::Track> tracks) {
        school.admin_token = srv.token_for(school.admin, school.tenant);  // another class's jobs took hours
        school.instructor_token = srv.token_for(school.instructor, school.tenant);
        FakeBbb::Recording rec{
            record,   "",  files.url("/playback/presentation/2.3/" + record), 1764150000000, 1764153000000,
            52000000, true};
        rec.tracks = std::move(tracks);
        const std::string id = bbb_recording_ready(srv, school, fake, kBbbSecret, std::move(rec));
        for (int i = 0; i < 3; ++i) retry(srv, school);
        auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", school.instructor_token);
        EXPECT_EQ(listed.status, 200u) << listed.body;
        if (listed.status != 200) return {id, json::object{}};
        return {id, listed.obj().at("results").as_array().at(0).as_object()};
    }
    /// Lets the jobs' backoff pass and runs what is due; the instructor signs in again afterwards.
    static void retry(TestServer& srv, School& s) {
        srv.clock().advance(3700);
        srv.app().workers().run_due();
        s.instructor_token = srv.token_for(s.instructor, s.tenant);
        s.admin_token = srv.token_for(s.admin, s.tenant);
        for (std::size_t i = 0; i < s.students.size(); ++i)
            s.student_tokens[i] = srv.token_for(s.students[i], s.tenant);
    }
};

TEST_P(LessonNotes, AReadyTranscriptGetsASummaryAndQuizSuggestionsForTheRightReaders) {
    ASSERT_FALSE(video().empty()) << "ffmpeg could not make the test video";
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("notes", 1);
    allow(srv, s, true);
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());

    // What the model was asked: the transcript as timed lines, in its language, held to a strict schema.
    auto seen = ai.seen();
    ASSERT_EQ(seen.size(), 2u) << "one summary and one quiz request";
    for (const auto& q : seen) {
        EXPECT_EQ(q.model, "gpt-4o-mini");
        EXPECT_TRUE(q.strict);
        EXPECT_NE(q.system.find("\"tr\""), std::string::npos) << "written in the transcript's language";
        EXPECT_EQ(q.user.rfind("Transcript:\n[0:00:00] istek 1 <0> sn istek 1 <4> sn", 0), 0u) << q.user;
        EXPECT_NE(q.user.find("istek 3 <4> sn"), std::string::npos) << "the whole transcript";
        // Strict structured outputs: every object lists all its properties as required, and no others.
        std::vector<const json::object*> objects{&q.schema.as_object()};
        while (!objects.empty()) {
            const json::object* o = objects.back();
            objects.pop_back();
            if (o->contains("items") && o->at("items").is_object()) objects.push_back(&o->at("items").as_object());
            if (!o->contains("properties")) continue;
            EXPECT_EQ(o->at("additionalProperties"), false);
            EXPECT_EQ(o->at("required").as_array().size(), o->at("properties").as_object().size());
            for (const auto& [k, v] : o->at("properties").as_object()) objects.push_back(&v.as_object());
        }
    }
    std::set<std::string> schemas{seen[0].schema_name, seen[1].schema_name};
    EXPECT_EQ(schemas, (std::set<std::string>{"lesson_summary", "quiz_suggestions"}));

    auto summary = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(summary.at("status"), "ready");
    EXPECT_EQ(summary.at("progress").as_int64(), 100);
    EXPECT_EQ(summary.at("kind"), "summary");
    EXPECT_EQ(summary.at("language"), "tr");
    EXPECT_EQ(summary.at("model"), "gpt-4o-mini-2024-07-18") << "the model that answered, as it says";
    const auto& doc = summary.at("summary").as_object();
    EXPECT_EQ(js(doc.at("overview")), "Ders özeti: istek 1 <0> sn istek 1 <4> sn");
    ASSERT_EQ(doc.at("key_points").as_array().size(), 1u) << "the empty key point is not kept";
    ASSERT_EQ(doc.at("timeline").as_array().size(), 1u);
    EXPECT_EQ(doc.at("timeline").as_array()[0].at("title"), "Bölüm 0");

    auto quiz = notes(srv, id, rid, "quiz", s.instructor_token);
    EXPECT_EQ(quiz.at("status"), "ready");
    const auto& questions = quiz.at("quiz").at("questions").as_array();
    ASSERT_EQ(questions.size(), 2u) << "the question whose answer is not among its options is dropped";
    EXPECT_EQ(questions[0].at("type"), "multiple_choice");
    EXPECT_EQ(questions[0].at("answer_index").as_int64(), 2);
    EXPECT_EQ(questions[0].at("answer"), "C 0");
    EXPECT_EQ(questions[0].at("options").as_array().size(), 4u);
    EXPECT_EQ(questions[1].at("type"), "open_ended");
    EXPECT_EQ(questions[1].at("answer"), "Örnek cevap 0");
    EXPECT_EQ(questions[1].at("answer_index").as_int64(), -1);
    const auto& topics = quiz.at("quiz").at("topics").as_array();
    EXPECT_EQ(topics.size(), 2u) << "the lesson's topics and those its questions test";
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'recording.summarize'"), 0) << "made on its own, not asked";

    // The listing says there is one, so the class page offers it.
    auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.instructor_token);
    EXPECT_EQ(listed.obj().at("results").as_array().at(0).at("summary_status"), "ready") << listed.body;

    // Students: the summary of a published recording; never the quiz (it holds the answers).
    EXPECT_EQ(srv.get(path(id, rid, "summary"), s.student_tokens[0]).status, 404u) << "not published yet";
    ASSERT_EQ(
        srv.post("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/publish/", "", s.instructor_token).status,
        200u);
    EXPECT_EQ(srv.get(path(id, rid, "summary"), s.student_tokens[0]).status, 200u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.student_tokens[0])
                  .obj()
                  .at("results")
                  .as_array()
                  .at(0)
                  .at("summary_status"),
              "ready");
    auto no_quiz = srv.get(path(id, rid, "quiz"), s.student_tokens[0]);
    EXPECT_EQ(no_quiz.status, 403u);
    EXPECT_NE(no_quiz.body.find("answers"), std::string::npos) << no_quiz.body;
    EXPECT_EQ(srv.post(path(id, rid, "summary"), "", s.student_tokens[0]).status, 403u);
    auto other = srv.make_school("notesother", 1);
    EXPECT_EQ(srv.get(path(id, rid, "summary"), other.admin_token).status, 404u) << "another school's recording";
    EXPECT_EQ(srv.post(path(id, rid, "quiz"), "", other.admin_token).status, 404u);
    EXPECT_EQ(srv.get(path(id, rid, "summary") + "?format=pdf", s.instructor_token).status, 400u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/recordings/nope/summary/", s.instructor_token).status, 400u);

    // A new transcript drops what was made of the old one, and gets notes of its own.
    ASSERT_EQ(
        srv.post("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/transcript/", "", s.instructor_token).status,
        202u);
    EXPECT_EQ(srv.get(path(id, rid, "summary"), s.instructor_token).status, 404u);
    srv.app().workers().run_due();
    EXPECT_EQ(js(notes(srv, id, rid, "summary", s.instructor_token).at("summary").at("overview")),
              "Ders özeti: istek 4 <0> sn istek 4 <4> sn");
    EXPECT_EQ(ai.requests(), 4);

    // Deleting the recording takes them with it.
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/", s.instructor_token).status, 204u);
    srv.app().workers().run_due();
    EXPECT_EQ(srv.count_rows("live_recording_notes"), 0);
}

TEST_P(LessonNotes, ALongTranscriptGoesInPartsAndAnAttemptCutShortResumesAfterTheLastPartKept) {
    ASSERT_FALSE(long_video().empty());
    FileHost longer{{{"/long.mp4", long_video()}}};
    Config cfg = settings();
    cfg.ai_part_chars = 100;  // one line of the transcript per part
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("notesparts", 1);
    allow(srv, s, true);
    ai.odd("lesson_summary", 2, {.status = 429});  // the second part is rate-limited
    auto [id, rid] = report_jitsi_recording(srv, s, longer.url("/long.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());

    auto summary = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(summary.at("status"), "processing") << "retried, not failed";
    auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.instructor_token);
    EXPECT_EQ(listed.obj().at("results").as_array().at(0).at("summary_status"), "processing");
    ASSERT_EQ(
        srv.post("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/publish/", "", s.instructor_token).status,
        200u);
    listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.student_tokens[0]);
    EXPECT_EQ(listed.obj().at("results").as_array().at(0).at("summary_status"), "none")
        << "a student is told of a ready one only";
    EXPECT_EQ(summary.at("progress").as_int64(), 25) << "one part of three kept, and the putting together to come";
    EXPECT_FALSE(summary.contains("summary"));
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND status = 'queued' AND run_at = " +
                             std::to_string(srv.clock().now() + FakeLanguageModel::kRetryAfterSeconds)),
              1)
        << "the rate limit's Retry-After sets the next try";

    // The quiz went through: its three parts' questions together, in the order of the lesson.
    auto quiz = notes(srv, id, rid, "quiz", s.instructor_token);
    ASSERT_EQ(quiz.at("status"), "ready");
    const auto& questions = quiz.at("quiz").at("questions").as_array();
    ASSERT_EQ(questions.size(), 6u);
    double last = -1;
    for (const auto& q : questions) {
        EXPECT_GE(q.at("start").to_number<double>(), last);
        last = q.at("start").to_number<double>();
    }
    EXPECT_EQ(questions[0].at("answer"), "C 0");
    EXPECT_EQ(js(questions[5].at("answer")).rfind("Örnek cevap 6", 0), 0u) << "the third part's, past 1:00";

    retry(srv, s);
    summary = notes(srv, id, rid, "summary", s.instructor_token);
    ASSERT_EQ(summary.at("status"), "ready") << json::serialize(summary);
    EXPECT_EQ(ai.requests("lesson_summary"), 5) << "parts 1, 2 (429), 2 and 3, then the whole: part 1 not sent again";
    auto parts_sent = ai.seen();
    std::vector<std::string> firsts;
    for (const auto& q : parts_sent)
        if (q.schema_name == "lesson_summary" && q.user.rfind("Part ", 0) == 0)
            firsts.push_back(q.user.substr(0, q.user.find(':')));
    EXPECT_EQ(firsts, (std::vector<std::string>{"Part 1 of 3 of the transcript (the notes of all parts are put "
                                                "together afterwards)",
                                                "Part 2 of 3 of the transcript (the notes of all parts are put "
                                                "together afterwards)",
                                                "Part 2 of 3 of the transcript (the notes of all parts are put "
                                                "together afterwards)",
                                                "Part 3 of 3 of the transcript (the notes of all parts are put "
                                                "together afterwards)"}));
    const auto& doc = summary.at("summary").as_object();
    EXPECT_EQ(doc.at("overview"), "Bütün ders 3 parçada anlatıldı.") << "the whole, from the parts' notes";
    EXPECT_EQ(doc.at("key_points").as_array().size(), 3u);
    const auto& timeline = doc.at("timeline").as_array();
    ASSERT_EQ(timeline.size(), 3u) << "the parts' timelines with their times, not one the model made up";
    EXPECT_EQ(timeline[0].at("title"), "Bölüm 0");
    for (std::size_t i = 0; i < timeline.size(); ++i)
        EXPECT_EQ(js(timeline[i].at("title")),
                  "Bölüm " + std::to_string(static_cast<int>(timeline[i].at("start").to_number<double>())));
    EXPECT_GE(timeline[1].at("start").to_number<double>(), 30);
    EXPECT_GE(timeline[2].at("start").to_number<double>(), 60);
}

TEST_P(LessonNotes, ARefusalFailsAtOnceAnAnswerThatIsNotJsonIsAskedAgainAndStaffCanAskAnew) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("notesodd", 1);
    allow(srv, s, true);
    ai.odd("lesson_summary", 1, {.refusal = "I'm sorry, I cannot help with that."});
    ai.odd("quiz_suggestions", 1, {.content = "Elbette! İşte sorular: 1) ..."});
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());

    auto summary = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(summary.at("status"), "failed");
    EXPECT_EQ(summary.at("error"), "the AI model declined to answer");
    EXPECT_FALSE(summary.contains("summary"));
    auto quiz = notes(srv, id, rid, "quiz", s.instructor_token);
    EXPECT_EQ(quiz.at("status"), "processing") << "a model may answer better the next time";
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND status = 'dead'"), 1);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND status = 'queued' AND last_error LIKE "
                             "'%not a JSON object%'"),
              1);
    retry(srv, s);
    EXPECT_EQ(notes(srv, id, rid, "quiz", s.instructor_token).at("status"), "ready");

    // Students do not see notes that are not ready.
    ASSERT_EQ(
        srv.post("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/publish/", "", s.instructor_token).status,
        200u);
    EXPECT_EQ(srv.get(path(id, rid, "summary"), s.student_tokens[0]).status, 404u);

    // The instructor asks for the summary again.
    auto asked = srv.post(path(id, rid, "summary"), "", s.instructor_token);
    ASSERT_EQ(asked.status, 202u) << asked.body;
    EXPECT_EQ(asked.obj().at("status"), "processing");
    EXPECT_EQ(asked.obj().at("error"), "");
    auto twice = srv.post(path(id, rid, "summary"), "", s.instructor_token);
    EXPECT_EQ(twice.status, 409u) << "already on its way";
    EXPECT_NE(twice.body.find("being made"), std::string::npos) << twice.body;
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'recording.summarize'"), 1);
    srv.app().workers().run_due();
    EXPECT_EQ(notes(srv, id, rid, "summary", s.instructor_token).at("status"), "ready");
    EXPECT_EQ(srv.get(path(id, rid, "summary"), s.student_tokens[0]).status, 200u);
}

TEST_P(LessonNotes, AskingAgainKeepsTheLastNotesUntilNewOnesAreReadyAndWhenTheyFail) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("notesagain", 1);
    allow(srv, s, true);
    ai.odd("lesson_summary", 2, {.refusal = "I'm sorry, I cannot help with that."});
    ai.odd("lesson_summary", 3,
           {.content = R"({"overview": "Yeni özet.", "key_points": ["Yeni nokta."], "timeline": []})"});
    // Named, not a structured binding: a lambda below uses the class id (clang 14 cannot capture bindings).
    const auto reported = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    const std::string id = reported.first, rid = reported.second;
    ASSERT_FALSE(rid.empty());
    ASSERT_EQ(
        srv.post("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/publish/", "", s.instructor_token).status,
        200u);
    const auto first_doc = notes(srv, id, rid, "summary", s.instructor_token);
    const std::string first = js(first_doc.at("summary").at("overview"));
    ASSERT_EQ(first, "Ders özeti: istek 1 <0> sn istek 1 <4> sn");
    // When the document was finished: its readers are told how old a kept one is.
    const std::string first_made = js(first_doc.at("made_at"));
    ASSERT_FALSE(first_made.empty());
    srv.clock().advance(600);
    auto summary_status = [&](const std::string& token) {
        auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", token);
        EXPECT_EQ(listed.status, 200u) << listed.body;
        return js(listed.obj().at("results").at(0).at("summary_status"));
    };

    // Asked again: the staff see the new one being made over the last one, which stays readable.
    auto asked = srv.post(path(id, rid, "summary"), "", s.instructor_token);
    ASSERT_EQ(asked.status, 202u) << asked.body;
    EXPECT_EQ(asked.obj().at("status"), "processing");
    EXPECT_EQ(asked.obj().at("previous"), true);
    EXPECT_EQ(js(asked.obj().at("summary").at("overview")), first);
    EXPECT_EQ(js(asked.obj().at("made_at")), first_made) << "the kept document's, not the request's";
    EXPECT_EQ(summary_status(s.instructor_token), "processing");
    // A student reads the last finished summary, as finished: what is being made is not theirs to see.
    auto student = srv.get(path(id, rid, "summary"), s.student_tokens[0]);
    ASSERT_EQ(student.status, 200u) << student.body;
    EXPECT_EQ(student.obj().at("status"), "ready");
    EXPECT_EQ(student.obj().at("previous"), false);
    EXPECT_EQ(js(student.obj().at("summary").at("overview")), first);
    EXPECT_EQ(summary_status(s.student_tokens[0]), "ready");

    // The new one fails (the model declines): the last one is still there, for everyone.
    srv.app().workers().run_due();
    auto failed = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(failed.at("status"), "failed");
    EXPECT_EQ(failed.at("error"), "the AI model declined to answer");
    EXPECT_EQ(failed.at("previous"), true);
    EXPECT_EQ(js(failed.at("summary").at("overview")), first);
    EXPECT_EQ(js(failed.at("made_at")), first_made);
    EXPECT_EQ(js(notes(srv, id, rid, "summary", s.student_tokens[0]).at("summary").at("overview")), first);
    EXPECT_EQ(summary_status(s.instructor_token), "failed");
    EXPECT_EQ(summary_status(s.student_tokens[0]), "ready");

    // Asked once more, it is made: the new one replaces the last.
    ASSERT_EQ(srv.post(path(id, rid, "summary"), "", s.instructor_token).status, 202u);
    srv.app().workers().run_due();
    auto made = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(made.at("status"), "ready");
    EXPECT_EQ(made.at("previous"), false);
    EXPECT_EQ(js(made.at("summary").at("overview")), "Yeni özet.");
    EXPECT_EQ(made.at("made_at"), made.at("updated_at"));
    EXPECT_GT(js(made.at("made_at")), first_made) << "ISO 8601 in UTC: ordered as text";
    EXPECT_EQ(js(notes(srv, id, rid, "summary", s.student_tokens[0]).at("summary").at("overview")), "Yeni özet.");
    EXPECT_EQ(made.at("model"), "gpt-4o-mini-2024-07-18");

    // Asked again, then the school turns summaries off before the job runs: nothing is sent, and the notes
    // go back to the last ones finished (finished notes stay, as they would had nobody asked again).
    ASSERT_EQ(srv.post(path(id, rid, "summary"), "", s.instructor_token).status, 202u);
    const int sent = ai.requests("lesson_summary");
    allow(srv, s, false);
    srv.app().workers().run_due();
    EXPECT_EQ(ai.requests("lesson_summary"), sent);
    auto back = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(back.at("status"), "ready");
    EXPECT_EQ(back.at("previous"), false);
    EXPECT_EQ(js(back.at("summary").at("overview")), "Yeni özet.");
    EXPECT_EQ(back.at("made_at"), made.at("made_at"));

    // A new transcript is another text: nothing made of the old one is kept.
    ASSERT_EQ(
        srv.post("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/transcript/", "", s.instructor_token).status,
        202u);
    EXPECT_EQ(srv.get(path(id, rid, "summary"), s.instructor_token).status, 404u);
    EXPECT_EQ(srv.get(path(id, rid, "summary"), s.student_tokens[0]).status, 404u);
    EXPECT_EQ(summary_status(s.student_tokens[0]), "none");
}

TEST_P(LessonNotes, NothingIsSentWithoutTheSchoolsConsentAndAskingSaysWhatIsMissing) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("notesoff", 1);
    allow(srv, s, false);  // transcripts yes, summaries no
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(ai.requests(), 0) << "the policy is off by default: the transcript stays here";
    auto none = srv.get(path(id, rid, "summary"), s.instructor_token);
    EXPECT_EQ(none.status, 404u);
    auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.instructor_token);
    EXPECT_EQ(listed.obj().at("results").as_array().at(0).at("summary_status"), "none");
    auto refused = srv.post(path(id, rid, "summary"), "", s.instructor_token);
    EXPECT_EQ(refused.status, 409u);
    EXPECT_NE(refused.body.find("summarize_recordings"), std::string::npos) << refused.body;
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes'"), 0);

    // A course cannot opt its school in.
    ASSERT_EQ(srv.put_json("/api/v1/courses/" + s.course.id + "/live-policy/",
                           json::object{{"summarize_recordings", true}}, s.instructor_token)
                  .status,
              200u);
    EXPECT_EQ(srv.post(path(id, rid, "quiz"), "", s.instructor_token).status, 409u);

    // The school says yes: the staff ask for this recording's quiz.
    allow(srv, s, true);
    auto asked = srv.post(path(id, rid, "quiz"), "", s.instructor_token);
    ASSERT_EQ(asked.status, 202u) << asked.body;
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'recording.suggest_quiz'"), 1);
    srv.app().workers().run_due();
    EXPECT_EQ(notes(srv, id, rid, "quiz", s.instructor_token).at("status"), "ready");
    EXPECT_EQ(srv.get(path(id, rid, "summary"), s.instructor_token).status, 404u) << "only what was asked for";

    // A recording with no transcript.
    auto [bare_id, bare_rid] = report_jitsi_recording(srv, s, "http://127.0.0.1:9/gone.mp4", kHookSecret);
    ASSERT_FALSE(bare_rid.empty());
    auto early = srv.post(path(bare_id, bare_rid, "summary"), "", s.instructor_token);
    EXPECT_EQ(early.status, 409u);
    EXPECT_NE(early.body.find("no transcript"), std::string::npos) << early.body;
}

TEST_P(LessonNotes, WithoutAnAiServiceAskingNamesTheSetting) {
    ASSERT_FALSE(video().empty());
    Config cfg = settings();
    cfg.ai_url.clear();
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("notesnone", 1);
    allow(srv, s, true);
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes'"), 0);
    auto asked = srv.post(path(id, rid, "summary"), "", s.instructor_token);
    EXPECT_EQ(asked.status, 409u);
    EXPECT_NE(asked.body.find("LIVE_AI_URL"), std::string::npos) << asked.body;
}

TEST_P(LessonNotes, TurningThePolicyOffStopsWhatIsUnderWayAndDropsWhatWasKept) {
    ASSERT_FALSE(long_video().empty());
    FileHost longer{{{"/long.mp4", long_video()}}};
    Config cfg = settings();
    cfg.ai_part_chars = 100;
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("noteswithdraw", 1);
    allow(srv, s, true);
    ai.odd("lesson_summary", 2, {.status = 503});
    auto [id, rid] = report_jitsi_recording(srv, s, longer.url("/long.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(notes(srv, id, rid, "summary", s.instructor_token).at("progress").as_int64(), 25);
    const int sent = ai.requests("lesson_summary");
    allow(srv, s, false);
    retry(srv, s);
    EXPECT_EQ(srv.get(path(id, rid, "summary"), s.instructor_token).status, 404u);
    EXPECT_EQ(srv.count_rows("live_recording_notes WHERE kind = 'summary'"), 0) << "what was kept is dropped";
    EXPECT_EQ(ai.requests("lesson_summary"), sent) << "nothing more is sent";
    EXPECT_EQ(notes(srv, id, rid, "quiz", s.instructor_token).at("status"), "ready") << "finished before: kept";
}

TEST_P(LessonNotes, AWrongKeyIsRetriedWithTheSettingNamedThenTheNotesFail) {
    ASSERT_FALSE(video().empty());
    Config cfg = settings();
    cfg.ai_api_key = "not-the-key";
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("noteskey", 1);
    allow(srv, s, true);
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(notes(srv, id, rid, "summary", s.instructor_token).at("status"), "processing");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND last_error LIKE '%LIVE_AI_API_KEY%'"), 2);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND last_error LIKE '%not-the-key%'"), 0);
    for (int i = 0; i < 9; ++i) retry(srv, s);
    auto failed = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(failed.at("status"), "failed");
    EXPECT_EQ(failed.at("error"), "the AI service refused our key");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND status = 'dead' AND attempts = 9"), 2);
}

TEST_P(LessonNotes, ATranscriptTooLongForTheModelFailsAtOnceAndAFencedAnswerIsRead) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("noteslimits", 1);
    allow(srv, s, true);
    ai.odd("lesson_summary", 1, {.status = 400, .code = "context_length_exceeded"});
    // A server not held to the schema wraps its JSON in a Markdown fence.
    const std::string quiz =
        json::serialize(json::object{{"topics", json::array{"Kesirler"}},
                                     {"questions", json::array{json::object{{"type", "open_ended"},
                                                                            {"question", "Kesir nedir?"},
                                                                            {"options", json::array{}},
                                                                            {"answer_index", -1},
                                                                            {"answer", "Bir bütünün parçası."},
                                                                            {"explanation", ""},
                                                                            {"topic", "Kesirler"},
                                                                            {"start", 3}}}}});
    ai.odd("quiz_suggestions", 1, {.content = "```json\n" + quiz + "\n```"});
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());

    auto summary = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(summary.at("status"), "failed") << "sending the same text again cannot help";
    EXPECT_EQ(summary.at("error"), "the transcript is longer than the AI model reads");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND status = 'dead' AND attempts = 1 AND "
                             "last_error LIKE '%LIVE_AI_PART_CHARS%'"),
              1)
        << "the operator is told what to change";
    auto read = notes(srv, id, rid, "quiz", s.instructor_token);
    ASSERT_EQ(read.at("status"), "ready");
    EXPECT_EQ(read.at("quiz").at("questions").as_array().at(0).at("answer"), "Bir bütünün parçası.");
}

TEST_P(LessonNotes, AModelThatDoesNotExistIsASettingToFix) {
    ASSERT_FALSE(video().empty());
    Config cfg = settings();
    cfg.ai_model = "gpt-9";
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("notesmodel", 1);
    allow(srv, s, true);
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(notes(srv, id, rid, "summary", s.instructor_token).at("status"), "processing");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND status = 'queued' AND last_error LIKE "
                             "'%LIVE_AI_MODEL%'"),
              2);
}

TEST_P(LessonNotes, AnAnswerCutShortIsAskedAgainAndAFilteredOneFails) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("notesfinish", 1);
    allow(srv, s, true);
    ai.odd("lesson_summary", 1, {.content = "{\"overview\": \"Ders", .finish_reason = "length"});
    // Then JSON of the wrong shape (a server not held to the schema): read as nothing, asked again.
    ai.odd("lesson_summary", 2,
           {.content = R"({"overview": 5, "key_points": "Pay üstte.", "timeline": {"start": "x"}})"});
    ai.odd("quiz_suggestions", 1, {.finish_reason = "content_filter"});
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(notes(srv, id, rid, "summary", s.instructor_token).at("status"), "processing");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND status = 'queued' AND last_error LIKE "
                             "'%cut short%'"),
              1);
    auto quiz = notes(srv, id, rid, "quiz", s.instructor_token);
    EXPECT_EQ(quiz.at("status"), "failed");
    EXPECT_EQ(quiz.at("error"), "the AI service's content filter stopped the answer");
    retry(srv, s);
    EXPECT_EQ(notes(srv, id, rid, "summary", s.instructor_token).at("status"), "processing");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND status = 'queued' AND last_error LIKE "
                             "'%no summary in it%'"),
              1);
    retry(srv, s);
    EXPECT_EQ(notes(srv, id, rid, "summary", s.instructor_token).at("status"), "ready");
    EXPECT_EQ(ai.requests("lesson_summary"), 3);
}

TEST_P(LessonNotes, NotesLeftByALostJobReadAsFailedAndASilentTranscriptGetsNone) {
    ASSERT_FALSE(video().empty());
    TestServer srv{GetParam(), true, settings()};
    auto s = srv.make_school("noteslost", 1);
    allow(srv, s, true);
    auto [id, rid] = report_jitsi_recording(srv, s, host.url("/rec.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    ASSERT_EQ(srv.post(path(id, rid, "summary"), "", s.instructor_token).status, 202u);
    {
        // Its process died on the job's last attempt: dead without a word in the notes.
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE jobs SET status = 'dead' WHERE type = 'make_lesson_notes' AND status = 'queued'";
    }
    auto lost = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(lost.at("status"), "failed") << "not processing for ever";
    EXPECT_EQ(lost.at("error"), "the work on it stopped: ask for it again");
    ASSERT_EQ(srv.post(path(id, rid, "summary"), "", s.instructor_token).status, 202u) << "and it can be";
    srv.app().workers().run_due();
    EXPECT_EQ(notes(srv, id, rid, "summary", s.instructor_token).at("status"), "ready");

    // A transcript with no speech in it: nothing to send.
    {
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE live_recording_transcripts SET segments = '[]'";
    }
    auto silent = srv.post(path(id, rid, "quiz"), "", s.instructor_token);
    EXPECT_EQ(silent.status, 409u);
    EXPECT_NE(silent.body.find("no speech"), std::string::npos) << silent.body;
}

TEST_P(LessonNotes, APartWithNothingToNoteDoesNotSinkTheWhole) {
    ASSERT_FALSE(long_video().empty());
    FileHost longer{{{"/long.mp4", long_video()}}};
    Config cfg = settings();
    cfg.ai_part_chars = 100;
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("notesempty", 1);
    allow(srv, s, true);
    // The last part is the goodbyes: the model finds nothing to note or ask about there.
    ai.odd("lesson_summary", 3, {.content = R"({"overview": "", "key_points": [], "timeline": []})"});
    ai.odd("quiz_suggestions", 3, {.content = R"({"topics": [], "questions": []})"});
    auto [id, rid] = report_jitsi_recording(srv, s, longer.url("/long.mp4"), kHookSecret);
    ASSERT_FALSE(rid.empty());
    auto summary = notes(srv, id, rid, "summary", s.instructor_token);
    ASSERT_EQ(summary.at("status"), "ready") << json::serialize(summary);
    EXPECT_EQ(summary.at("summary").at("overview"), "Bütün ders 2 parçada anlatıldı.") << "the parts with notes";
    EXPECT_EQ(summary.at("summary").at("timeline").as_array().size(), 2u);
    auto quiz = notes(srv, id, rid, "quiz", s.instructor_token);
    ASSERT_EQ(quiz.at("status"), "ready");
    EXPECT_EQ(quiz.at("quiz").at("questions").as_array().size(), 4u);
    EXPECT_EQ(ai.requests("lesson_summary"), 4) << "three parts and the whole, nothing asked twice";
}

// Zoom's audio transcript as Zoom writes it: numbered cues, "Name: text".
constexpr const char* kZoomTranscript =
    "WEBVTT\r\n\r\n"
    "1\r\n00:00:01.200 --> 00:00:04.900\r\nAyşe Öğretmen: Günaydın, bugün kesirler.\r\n\r\n"
    "2\r\n00:00:35.000 --> 00:00:39.500\r\nAyşe Öğretmen: Pay üstte &amp; payda altta.\r\n\r\n"
    "3\r\n00:01:05.000 --> 00:01:08.000\r\nAli Öğrenci: Ödev ne zaman?\r\n";

TEST_P(LessonNotes, ZoomsOwnTranscriptIsImportedAndSummarisedWithoutSpeechToText) {
    FileHost zoom_files{{{"/transcript.vtt", kZoomTranscript},
                         {"/not-vtt.txt", "00:00:01 From A to Everyone"},
                         {"/signin.html", "<!DOCTYPE html><html><body>Sign in</body></html>"}}};
    Config cfg = settings();
    cfg.storage_allow_private_sources = true;  // the file host is on loopback
    TestServer srv{GetParam(), true, cfg};
    constexpr const char* kSecret = "zoom-webhook-secret-token-0123";
    auto zoom_school = [&](const std::string& slug, bool transcripts) {
        auto s = srv.make_school(slug, 1);
        auto r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-policy/",
                              json::object{{"transcribe_recordings", transcripts}, {"summarize_recordings", true}},
                              s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
        r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                         json::object{{"provider", "zoom"},
                                      {"is_active", true},
                                      {"zoom_account_id", "acct-" + s.tenant.slug},
                                      {"zoom_webhook_secret", kSecret}},
                         s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
        return s;
    };
    auto s = zoom_school("zoomvtt", true);
    auto signed_post = [&](const json::object& body) {
        const std::string text = json::serialize(body), t = std::to_string(srv.clock().now());
        return http_request(srv.port(), "POST", "/api/v1/live-sessions/webhooks/zoom/", text, "",
                            {{"Content-Type", "application/json"},
                             {"x-zm-request-timestamp", t},
                             {"x-zm-signature", "v0=" + infra::hmac_sha256_hex(kSecret, "v0:" + t + ":" + text)}});
    };
    // A Zoom class whose recording.completed lists `other_file`; the jobs run until the recording is ready
    // and what follows it has run. Returns (class, recording).
    auto zoom_session = [&](School& school, const std::string& meeting) {
        std::string id(srv.create_session(school).at("id").as_string());
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE live_sessions SET provider = 'zoom', room_id = :m, status = 'ended' WHERE id = :i",
            soci::use(meeting), soci::use(id);
        return id;
    };
    auto zoom_class = [&](School& school, const std::string& meeting, json::object other_file,
                          std::optional<std::string> existing = std::nullopt) {
        const std::string id = existing ? *existing : zoom_session(school, meeting);
        auto hook =
            zoom_recording_completed(srv, school, meeting, std::move(other_file), srv.clock().now() - 3600, kSecret);
        EXPECT_EQ(hook.status, 200u) << hook.body;
        for (int i = 0; i < 3; ++i) retry(srv, school);  // the recording becomes ready, then its transcript comes
        auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", school.instructor_token);
        const auto& rec = listed.obj().at("results").as_array().at(0).as_object();
        return std::pair{id, js(rec.at("id"))};
    };
    auto transcript_of = [&](School& school, const std::string& id, const std::string& rid) {
        return srv.get("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/transcript/", school.instructor_token);
    };
    auto vtt_file = [](const std::string& url) {
        return json::object{{"id", "vtt-file"},
                            {"file_type", "TRANSCRIPT"},
                            {"file_extension", "VTT"},
                            {"status", "completed"},
                            {"download_url", url}};
    };

    // Listed with the recording.
    auto [id, rid] = zoom_class(s, "85746352", vtt_file(zoom_files.url("/transcript.vtt")));
    auto doc = transcript_of(s, id, rid);
    ASSERT_EQ(doc.status, 200u) << doc.body;
    const auto& segments = doc.obj().at("segments").as_array();
    ASSERT_EQ(segments.size(), 3u);
    EXPECT_EQ(segments[1].at("text"), "Ayşe Öğretmen: Pay üstte & payda altta.");
    EXPECT_NEAR(segments[1].at("start").to_number<double>(), 35.0, 0.001);
    EXPECT_EQ(stt.requests(), 0) << "Zoom made it: no audio is sent anywhere";
    auto summary = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(summary.at("status"), "ready");
    EXPECT_EQ(summary.at("language"), "") << "Zoom's file does not say";
    bool sent_timed_lines = false;
    for (const auto& q : ai.seen())
        sent_timed_lines |= q.user.find("[0:00:01] Ayşe Öğretmen: Günaydın") != std::string::npos;
    EXPECT_TRUE(sent_timed_lines);

    // In an event of its own, after the recording (Zoom makes the transcript after the video).
    auto [later_id, later_rid] =
        zoom_class(s, "85746354",
                   json::object{{"id", "m4a"}, {"file_type", "M4A"}, {"download_url", "https://zoom.invalid/a.m4a"}});
    EXPECT_EQ(transcript_of(s, later_id, later_rid).status, 404u);
    const std::string later_url = zoom_files.url("/transcript.vtt");
    auto transcript_completed = [&](long long meeting, const std::string& url, std::string uuid = "") {
        if (uuid.empty()) uuid = "mtg-uuid-" + std::to_string(meeting);
        return json::object{
            {"event", "recording.transcript_completed"},
            {"event_ts", srv.clock().now() * 1000},
            {"payload",
             {{"account_id", "acct-" + s.tenant.slug},
              {"object", {{"id", meeting}, {"uuid", uuid}, {"recording_files", json::array{vtt_file(url)}}}}}}};
    };
    const json::object event = transcript_completed(85746354, later_url);
    auto hook = signed_post(event);
    ASSERT_EQ(hook.status, 200u) << hook.body;
    retry(srv, s);
    EXPECT_EQ(transcript_of(s, later_id, later_rid).status, 200u);
    hook = signed_post(event);  // Zoom sends it again: nothing changes
    retry(srv, s);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'make_lesson_notes' AND payload LIKE '%" + later_rid + "%'"), 2)
        << "one summary and one quiz";

    // Before its recording (deliveries can come out of order): nothing to attach it to yet, so it is
    // ignored; the recording, when it comes, finds it and gets it.
    const std::string early_id = zoom_session(s, "85746357");
    hook = signed_post(transcript_completed(85746357, later_url));
    ASSERT_EQ(hook.status, 200u) << hook.body;
    retry(srv, s);
    EXPECT_EQ(srv.count_rows("webhook_events WHERE session_id = '" + early_id +
                             "' AND status = 'ignored' AND reason LIKE '%not known%'"),
              1);
    auto [same_id, early_rid] = zoom_class(
        s, "85746357",
        json::object{{"id", "m4a"}, {"file_type", "M4A"}, {"download_url", "https://zoom.invalid/a.m4a"}}, early_id);
    EXPECT_EQ(same_id, early_id);
    auto early = transcript_of(s, early_id, early_rid);
    ASSERT_EQ(early.status, 200u) << early.body;
    EXPECT_EQ(early.obj().at("segments").as_array().size(), 3u);
    // Another occurrence's early transcript (a recurring meeting: same id, another uuid) is not taken.
    const std::string other_id = zoom_session(s, "85746358");
    ASSERT_EQ(signed_post(transcript_completed(85746358, later_url, "an-earlier-occurrence")).status, 200u);
    retry(srv, s);
    auto [other_same, other_rid] = zoom_class(
        s, "85746358",
        json::object{{"id", "m4a"}, {"file_type", "M4A"}, {"download_url", "https://zoom.invalid/a.m4a"}}, other_id);
    EXPECT_EQ(transcript_of(s, other_id, other_rid).status, 404u);

    // Not WebVTT, or Zoom's sign-in page: dead at once, no transcript.
    auto [bad_id, bad_rid] = zoom_class(s, "85746353", vtt_file(zoom_files.url("/not-vtt.txt")));
    EXPECT_EQ(transcript_of(s, bad_id, bad_rid).status, 404u);
    auto [page_id, page_rid] = zoom_class(s, "85746355", vtt_file(zoom_files.url("/signin.html")));
    EXPECT_EQ(transcript_of(s, page_id, page_rid).status, 404u);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'import_provider_transcript' AND status = 'dead' AND last_error LIKE "
                             "'%not a WebVTT file%'"),
              1);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'import_provider_transcript' AND status = 'dead' AND last_error LIKE "
                             "'%recording:read%'"),
              1);

    // A school that keeps no transcripts keeps none of Zoom's either (names and words of its classes).
    auto off = zoom_school("zoomvttoff", false);
    auto [off_id, off_rid] = zoom_class(off, "85746356", vtt_file(zoom_files.url("/transcript.vtt")));
    EXPECT_EQ(transcript_of(off, off_id, off_rid).status, 404u);
    EXPECT_EQ(srv.count_rows("live_recording_transcripts WHERE recording_id = '" + off_rid + "'"), 0);
}

TEST_P(LessonNotes, BigBlueButtonsCaptionsAreTheRecordingsTranscript) {
    // Live captioning here.
    FileHost files{{{"/captions/rec-1/subtitles_tr-TR.vtt", kCaptions}}};
    FakeBbb fake{kBbbSecret};
    Config cfg = settings();
    cfg.storage_allow_private_sources = true;  // the caption host is on loopback
    TestServer srv{GetParam(), true, cfg};
    auto bbb_class = [&](School& school, const std::string& record, std::vector<FakeBbb::Track> tracks) {
        return LessonNotes::bbb_class(srv, fake, files, school, record, std::move(tracks));
    };

    auto s = srv.make_school("bbbcaps", 1);
    allow(srv, s, true);
    const std::string vtt = files.url("/captions/rec-1/subtitles_tr-TR.vtt");
    auto [id, rec] = bbb_class(s, "rec-1",
                               {{files.url("/none.vtt"), "captions", "Türkçe (otomatik)", "tr-TR", "automatic"},
                                {vtt, "subtitles", "Türkçe", "tr-TR", "live"}});
    EXPECT_EQ(rec.at("status"), "ready");
    EXPECT_EQ(rec.at("storage_status"), "none") << "BigBlueButton's playback is not copied";
    EXPECT_EQ(rec.at("transcript_status"), "ready") << json::serialize(rec);
    EXPECT_EQ(rec.at("transcript_language"), "tr") << "from the track's language tag";
    const std::string rid(rec.at("id").as_string());
    auto doc = srv.get("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/transcript/", s.instructor_token);
    ASSERT_EQ(doc.status, 200u) << doc.body;
    const auto& segments = doc.obj().at("segments").as_array();
    ASSERT_EQ(segments.size(), 2u);
    EXPECT_EQ(segments[1].at("text"), "Pay üstte, payda altta.");
    EXPECT_NEAR(segments[1].at("start").to_number<double>(), 40.5, 0.001);
    EXPECT_EQ(stt.requests(), 0) << "BigBlueButton made it: no audio is sent anywhere";
    // The lesson notes follow, in the captions' language.
    auto summary = notes(srv, id, rid, "summary", s.instructor_token);
    EXPECT_EQ(summary.at("status"), "ready");
    EXPECT_EQ(summary.at("language"), "tr");

    // A school that keeps no transcripts is not even asked about captions.
    auto off = srv.make_school("bbbcapsoff", 1);
    auto r = srv.put_json("/api/v1/tenants/" + off.tenant.id + "/live-policy/",
                          json::object{{"transcribe_recordings", false}}, off.admin_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    const auto asked = fake.calls_named("getRecordingTextTracks").size();
    auto [off_id, off_rec] = bbb_class(off, "rec-2", {{vtt, "subtitles", "Türkçe", "tr-TR", "live"}});
    EXPECT_EQ(off_rec.at("status"), "ready");
    EXPECT_EQ(off_rec.at("transcript_status"), "none");
    EXPECT_EQ(fake.calls_named("getRecordingTextTracks").size(), asked);
    // A recording without captions simply has no transcript.
    auto [bare_id, bare_rec] = bbb_class(s, "rec-3", {});
    EXPECT_EQ(bare_rec.at("status"), "ready");
    EXPECT_EQ(bare_rec.at("transcript_status"), "none");
}

TEST_P(LessonNotes, CaptionsBigBlueButtonGetsLaterAreImportedWhenTheStaffAsk) {
    // Captions uploaded in BigBlueButton after the recording was ready (or finished by its speech
    // recognition later): the staff ask for the transcript and the captions are imported. No
    // speech-to-text service is needed for that: this server has none.
    FileHost files{{{"/captions/rec-4/subtitles_tr-TR.vtt", kCaptions}, {"/captions/rec-4/broken.vtt", "<html/>"}}};
    FakeBbb fake{kBbbSecret};
    Config cfg = settings();
    cfg.transcribe_url.clear();
    cfg.storage_allow_private_sources = true;  // the caption host is on loopback
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("bbblater", 1);
    allow(srv, s, false);
    auto [id, rec] = bbb_class(srv, fake, files, s, "rec-4", {});
    ASSERT_EQ(rec.at("transcript_status"), "none");
    const std::string rid(rec.at("id").as_string());
    const std::string ask = path(id, rid, "transcript");
    auto status = [&, id = id] {
        auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.instructor_token);
        return listed.status == 200 ? js(listed.obj().at("results").as_array().at(0).at("transcript_status")) : "";
    };
    auto imports = [&] { return srv.count_rows("jobs WHERE type = 'import_provider_transcript'"); };

    // Only the class's staff ask (a student sees the published recording); BigBlueButton has nothing yet:
    // the answer says what to do.
    ASSERT_EQ(
        srv.post("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/publish/", "", s.instructor_token).status,
        200u);
    EXPECT_EQ(srv.post(ask, "", s.student_tokens[0]).status, 403u);
    auto none = srv.post(ask, "", s.instructor_token);
    EXPECT_EQ(none.status, 409u) << none.body;
    EXPECT_NE(none.body.find("upload a caption file"), std::string::npos) << none.body;
    fake.set_mode(FakeBbb::Mode::kHttp500);
    auto down = srv.post(ask, "", s.instructor_token);
    EXPECT_EQ(down.status, 503u) << down.body;
    fake.set_mode(FakeBbb::Mode::kNormal);
    EXPECT_EQ(imports(), 0);
    EXPECT_EQ(status(), "none") << "nothing changed";

    // A track that is no WebVTT file: the import fails at once and says so.
    fake.add_track("rec-4", {files.url("/captions/rec-4/broken.vtt"), "captions", "Türkçe", "tr-TR", "automatic"});
    auto asked = srv.post(ask, "", s.instructor_token);
    ASSERT_EQ(asked.status, 202u) << asked.body;
    EXPECT_EQ(asked.obj().at("transcript_status"), "processing");
    EXPECT_EQ(srv.post(ask, "", s.instructor_token).status, 409u) << "asked already: it is at work";
    srv.app().workers().run_due();
    EXPECT_EQ(status(), "failed");
    // The staff are told why; a student, who sees the published recording, is told nothing of it.
    auto first_of = [&, id = id](const std::string& token) {
        auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", token);
        EXPECT_EQ(listed.status, 200u) << listed.body;
        return listed.status == 200 ? listed.obj().at("results").as_array().at(0).as_object() : json::object{};
    };
    EXPECT_EQ(js(first_of(s.instructor_token).at("transcript_error")),
              "the provider answered a web page instead of the caption file: check that the file is still there");
    EXPECT_FALSE(first_of(s.student_tokens[0]).contains("transcript_error"));

    // The teacher uploads captions in BigBlueButton (preferred over the automatic ones) and asks again.
    fake.add_track("rec-4",
                   {files.url("/captions/rec-4/subtitles_tr-TR.vtt"), "subtitles", "Türkçe", "tr-TR", "upload"});
    asked = srv.post(ask, "", s.instructor_token);
    ASSERT_EQ(asked.status, 202u) << asked.body;
    srv.app().workers().run_due();
    EXPECT_EQ(status(), "ready");
    auto doc = srv.get(ask, s.student_tokens[0]);
    ASSERT_EQ(doc.status, 200u) << doc.body;
    EXPECT_EQ(doc.obj().at("language"), "tr");
    ASSERT_EQ(doc.obj().at("segments").as_array().size(), 2u);
    EXPECT_EQ(doc.obj().at("segments").as_array()[0].at("text"), "Günaydın, bugün kesirler.");
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'recording.transcribe' AND details LIKE "
                             "'%provider_captions%'"),
              2);

    // Another school's staff cannot ask; with the policy off, nobody can.
    auto other = srv.make_school("bbblater2", 1);
    EXPECT_EQ(srv.post(ask, "", other.instructor_token).status, 404u);
    auto r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-policy/",
                          json::object{{"transcribe_recordings", false}}, s.admin_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto off = srv.post(ask, "", s.instructor_token);
    EXPECT_EQ(off.status, 409u) << off.body;
    EXPECT_NE(off.body.find("transcribe_recordings"), std::string::npos) << off.body;
}

TEST_P(LessonNotes, ACaptionsImportTheStaffAskedForEndsVisiblyWhateverHappens) {
    FileHost files{{{"/captions/ok.vtt", kCaptions}}};
    FakeBbb fake{kBbbSecret};
    Config cfg = settings();
    cfg.storage_allow_private_sources = true;  // the caption host is on loopback
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("bbbends", 1);
    allow(srv, s, false);
    auto transcript_status = [&](const std::string& id) {
        auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.instructor_token);
        return listed.status == 200 ? js(listed.obj().at("results").as_array().at(0).at("transcript_status")) : "";
    };
    auto import_jobs = [&](const char* status) {
        return srv.count_rows(std::string("jobs WHERE type = 'import_provider_transcript' AND status = '") + status +
                              "'");
    };

    // The import queued when the recording became ready is still trying (its caption file is not there
    // yet): the staff are told so instead of a second import being queued.
    auto [id, rec] = bbb_class(srv, fake, files, s, "rec-5",
                               {{files.url("/captions/late.vtt"), "captions", "Türkçe", "tr-TR", "automatic"}});
    const std::string rid(rec.at("id").as_string()), ask = path(id, rid, "transcript");
    ASSERT_EQ(transcript_status(id), "none");
    ASSERT_EQ(import_jobs("queued"), 1);
    auto busy = srv.post(ask, "", s.instructor_token);
    EXPECT_EQ(busy.status, 409u) << busy.body;
    EXPECT_NE(busy.body.find("being imported already"), std::string::npos) << busy.body;
    for (int i = 0; i < 12 && import_jobs("queued") > 0; ++i) retry(srv, s);
    ASSERT_EQ(import_jobs("dead"), 1);
    EXPECT_EQ(transcript_status(id), "none") << "nobody asked: no failure to tell";

    // The staff ask; the file never comes: on the import's last attempt the transcript reads failed
    // (not processing for ever), and they may ask again.
    auto asked = srv.post(ask, "", s.instructor_token);
    ASSERT_EQ(asked.status, 202u) << asked.body;
    for (int i = 0; i < 12 && import_jobs("queued") > 0; ++i) retry(srv, s);
    EXPECT_EQ(import_jobs("dead"), 2);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'import_provider_transcript' AND status = 'dead' AND attempts = "
                             "max_attempts"),
              2)
        << "retried to the last attempt: a file not there yet may come";
    EXPECT_EQ(transcript_status(id), "failed");

    // The school turns transcripts off while an import it asked for waits: nothing is fetched, and the
    // transcript reads none again (not processing), so it can be asked for once they are back on.
    auto [id2, rec2] = bbb_class(srv, fake, files, s, "rec-6", {});
    const std::string rid2(rec2.at("id").as_string()), ask2 = path(id2, rid2, "transcript");
    fake.add_track("rec-6", {files.url("/captions/ok.vtt"), "subtitles", "Türkçe", "tr-TR", "upload"});
    ASSERT_EQ(srv.post(ask2, "", s.instructor_token).status, 202u);
    ASSERT_EQ(transcript_status(id2), "processing");
    auto policy = [&](bool on) {
        auto r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-policy/",
                              json::object{{"transcribe_recordings", on}}, s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
    };
    policy(false);
    const int fetched = files.hits();
    srv.app().workers().run_due();
    EXPECT_EQ(files.hits(), fetched) << "the caption file is not fetched";
    EXPECT_EQ(transcript_status(id2), "none");
    policy(true);
    ASSERT_EQ(srv.post(ask2, "", s.instructor_token).status, 202u);
    srv.app().workers().run_due();
    EXPECT_EQ(transcript_status(id2), "ready");

    // A shared secret that no longer matches BigBlueButton's: the answer says which setting to fix
    // (not just "later"), and nothing changes.
    auto config = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                               json::object{{"provider", "bbb"},
                                            {"is_default", true},
                                            {"bbb_server_url", fake.server_url()},
                                            {"bbb_shared_secret", "another-secret-0123456789abcdefgh"}},
                               s.admin_token);
    ASSERT_EQ(config.status, 200u) << config.body;
    auto refused = srv.post(ask, "", s.instructor_token);
    EXPECT_EQ(refused.status, 503u) << refused.body;
    EXPECT_NE(refused.body.find("shared secret"), std::string::npos) << refused.body;
    EXPECT_EQ(transcript_status(id), "failed");
}

INSTANTIATE_TEST_SUITE_P(Engines, LessonNotes, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
