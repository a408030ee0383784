// Seed 2.5 / 7.3 / 7.4 on SQLite and PostgreSQL: a class's chat becomes a JSON artifact once the
// provider has it (Zoom's CHAT recording file, BigBlueButton's playback data, both served by a file
// host on loopback), is listed to the class's staff only, downloads through a short-lived signed link
// that is audited, and is deleted by the class's instructor.
#include <unistd.h>

#include <boost/json.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bbb_recording.hpp"
#include "core/time.hpp"
#include "fake_bbb.hpp"
#include "file_host.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"
#include "pdf_tool.hpp"
#include "recording_report.hpp"
#include "services/artifact_service.hpp"
#include "store/artifact_repo.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kZoomHookSecret = "zoom-webhook-secret-token-0123";
constexpr const char* kBbbSecret = "bbb-shared-secret-0123456789abcdef";

// A Zoom cloud-recording chat file: a multi-line message, a direct message (left out), Turkish text.
constexpr const char* kZoomChat =
    "\xEF\xBB\xBF"
    "00:00:05 From Ayşe Öğretmen to Everyone:\r\n"
    "\tGünaydın, başlıyoruz\r\n"
    "00:01:10 From Ali Öğrenci to Ayşe Öğretmen (Direct Message):\r\n"
    "\tbu özel bir mesaj\r\n"
    "00:02:00 From Ali Öğrenci to Everyone:\r\n"
    "\tSorum var:\r\n"
    "\tödev ne zaman?\r\n";

class Artifacts : public ::testing::TestWithParam<Engine> {
protected:
    using School = TestServer::School;
    TestServer srv{GetParam()};

    int run_jobs() { return srv.app().workers().run_due(); }
    long long rows(const std::string& where) { return srv.count_rows(where); }
    std::string artifacts_path(const std::string& session) {
        return "/api/v1/live-sessions/" + session + "/artifacts/";
    }

    /// An ended class of `s` held on Zoom meeting `meeting`, as the Zoom adapter stores it.
    std::string zoom_class(const School& s, const std::string& meeting) {
        auto r = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                              json::object{{"provider", "zoom"},
                                           {"is_active", true},
                                           {"zoom_account_id", "acct-" + s.tenant.slug},
                                           {"zoom_webhook_secret", kZoomHookSecret}},
                              s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
        std::string id(srv.create_session(s).at("id").as_string());
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE live_sessions SET provider = 'zoom', room_id = :m, status = 'ended' WHERE id = :i",
            soci::use(meeting), soci::use(id);
        return id;
    }

    /// Zoom's recording.completed for `meeting`, listing an MP4 and the chat file at `chat_url`.
    /// `started` 0: Zoom names no start (neither the file's recording_start nor the meeting's start_time).
    HttpResult recording_completed(const School& s, const std::string& meeting, const std::string& chat_url,
                                   long long started) {
        return zoom_recording_completed(
            srv, s, meeting,
            json::object{{"id", "chat-file-" + meeting}, {"file_type", "CHAT"}, {"download_url", chat_url}}, started,
            kZoomHookSecret);
    }

    /// An ended BigBlueButton class of `s` whose recording "rec-1" BigBlueButton has just called ready,
    /// its playback at `files`; the jobs that follow have run once. Returns the class's id.
    std::string bbb_recording_ready(const School& s, FakeBbb& fake, FileHost& files) {
        std::string id = testing::bbb_recording_ready(
            srv, s, fake, kBbbSecret,
            {"rec-1", "", files.url("/playback/presentation/2.3/rec-1"), 1764150000000, 1764153000000, 52000000, true});
        run_jobs();
        return id;
    }

    /// The only artifact the instructor sees in the class.
    json::object only_artifact(const School& s, const std::string& session) {
        auto listed = srv.get(artifacts_path(session), s.instructor_token);
        EXPECT_EQ(listed.status, 200u) << listed.body;
        EXPECT_EQ(listed.obj().at("count"), 1) << listed.body;
        if (listed.obj().at("results").as_array().empty()) return {};
        return listed.obj().at("results").as_array()[0].as_object();
    }
};

TEST_P(Artifacts, ZoomChatBecomesAJsonArtifactForTheClassStaffOnly) {
    auto s = srv.make_school("zchat", 1);
    FileHost files(std::map<std::string, std::string>{{"/chat.txt", kZoomChat}});
    const std::string id = zoom_class(s, "85746352");
    const long long started = srv.clock().now() - 3600;
    auto hook = recording_completed(s, "85746352", files.url("/chat.txt"), started);
    ASSERT_EQ(hook.status, 200u) << hook.body;
    run_jobs();

    auto a = only_artifact(s, id);
    EXPECT_EQ(a.at("type"), "chat");
    EXPECT_EQ(a.at("title"), "Zoom chat");
    EXPECT_EQ(a.at("metadata").at("provider"), "zoom");
    EXPECT_EQ(a.at("metadata").at("message_count"), 2) << "the direct message is left out";
    EXPECT_FALSE(a.contains("content")) << "listings never carry the content";
    const std::string aid = js(a.at("id"));

    // Students do not see the chat log (other students' names and messages), not even by its id.
    auto student = srv.get(artifacts_path(id), s.student_tokens[0]);
    ASSERT_EQ(student.status, 200u) << student.body;
    EXPECT_EQ(student.obj().at("count"), 0);
    EXPECT_EQ(srv.get(artifacts_path(id) + aid + "/download/", s.student_tokens[0]).status, 404u);

    // The instructor's download link: audited, opens without a bearer token, serves the JSON.
    auto link = srv.get(artifacts_path(id) + aid + "/download/", s.instructor_token);
    ASSERT_EQ(link.status, 200u) << link.body;
    EXPECT_EQ(rows("audit_logs WHERE action = 'artifact.download' AND resource_id = '" + aid + "'"), 1);
    const std::string url = link.str("url");
    ASSERT_EQ(url.rfind("/api/v1/artifacts/download/", 0), 0u) << url;
    auto file = srv.get(url);
    ASSERT_EQ(file.status, 200u) << file.body;
    EXPECT_EQ(file.headers["content-type"], "application/json; charset=utf-8");
    EXPECT_EQ(file.headers["content-disposition"], "attachment; filename=\"chat-" + id + ".json\"");
    const auto& messages = file.obj().at("messages").as_array();
    ASSERT_EQ(messages.size(), 2u) << file.body;
    EXPECT_EQ(messages[0].at("sender"), "Ayşe Öğretmen");
    EXPECT_EQ(messages[0].at("message"), "Günaydın, başlıyoruz");
    EXPECT_EQ(messages[0].at("offset_seconds"), 5);
    EXPECT_EQ(js(messages[0].at("timestamp")), format_iso8601(started + 5));
    EXPECT_EQ(messages[1].at("sender"), "Ali Öğrenci");
    EXPECT_EQ(messages[1].at("message"), "Sorum var:\nödev ne zaman?");
    EXPECT_EQ(file.body.find("özel"), std::string::npos);

    // Exported once per source: a second export of the same file adds nothing.
    {
        soci::session sql(srv.app().db().pool());
        services::queue_chat_export(sql,
                                    services::ChatSource{s.tenant.id, id, domain::ProviderKind::kZoom,
                                                         files.url("/chat.txt"), "zoom:chat-file-85746352", started},
                                    srv.clock().now());
    }
    run_jobs();
    EXPECT_EQ(rows("live_session_artifacts WHERE session_id = '" + id + "'"), 1);

    // Links expire; a forged or tampered one is not ours.
    srv.clock().advance(601);
    EXPECT_EQ(srv.get(url).status, 410u);
    EXPECT_EQ(srv.get("/api/v1/artifacts/download/al1.bm90LWEtdG9rZW4/").status, 404u);
    std::string tampered = url;
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_EQ(srv.get(tampered).status, 404u);
}

TEST_P(Artifacts, OnlyTheInstructorDeletesAndALinkStopsOpeningWithTheArtifact) {
    auto s = srv.make_school("zdel", 1);
    FileHost files(std::map<std::string, std::string>{{"/chat.txt", kZoomChat}});
    const std::string id = zoom_class(s, "9100200300");
    ASSERT_EQ(recording_completed(s, "9100200300", files.url("/chat.txt"), srv.clock().now()).status, 200u);
    run_jobs();
    const std::string aid = js(only_artifact(s, id).at("id"));
    auto link = srv.get(artifacts_path(id) + aid + "/download/", s.instructor_token);
    ASSERT_EQ(link.status, 200u) << link.body;

    // Another school sees neither the class nor its artifacts.
    auto other = srv.make_school("zdelother", 1);
    EXPECT_EQ(srv.get(artifacts_path(id), other.admin_token).status, 404u);
    EXPECT_EQ(srv.del(artifacts_path(id) + aid + "/", other.admin_token).status, 404u);
    // Bad input changes nothing.
    EXPECT_EQ(srv.del(artifacts_path(id) + "not-a-uuid/", s.instructor_token).status, 400u);
    EXPECT_EQ(srv.get(artifacts_path(id)).status, 401u);
    EXPECT_EQ(srv.get(link.str("url") + "?x=1").status, 400u);
    EXPECT_EQ(rows("live_session_artifacts WHERE id = '" + aid + "'"), 1);

    auto gone = srv.del(artifacts_path(id) + aid + "/", s.instructor_token);
    ASSERT_EQ(gone.status, 204u) << gone.body;
    EXPECT_EQ(rows("audit_logs WHERE action = 'artifact.delete' AND resource_id = '" + aid + "'"), 1);
    EXPECT_EQ(srv.get(artifacts_path(id), s.instructor_token).obj().at("count"), 0);
    EXPECT_EQ(srv.get(link.str("url")).status, 410u);
    EXPECT_EQ(srv.del(artifacts_path(id) + aid + "/", s.instructor_token).status, 404u);
}

TEST_P(Artifacts, BigBlueButtonChatComesFromThePlaybackAndWaitsForIt) {
    auto s = srv.make_school("bchat", 1);
    FakeBbb fake(kBbbSecret);
    FileHost files(std::map<std::string, std::string>{
        {"/presentation/rec-1/slides_new.xml",
         "<?xml version=\"1.0\"?>\n<popcorn>"
         "<chattimeline in=\"12.4\" direction=\"down\" name=\"Ayşe Öğretmen\" "
         "message=\"Kaynak: &lt;a href=&quot;https://ornek.test/x&quot; "
         "rel=&quot;nofollow&quot;&gt;https://ornek.test/x&lt;/a&gt; &amp;amp; notlar\" target=\"chat\"/>"
         "<chattimeline in=\"70\" direction=\"down\" name=\"Ali\" message=\"teşekkürler\" target=\"chat\"/>"
         "</popcorn>"}});
    files.set_down(true);  // the playback's files are not served yet
    const std::string id = bbb_recording_ready(s, fake, files);
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(rows("live_session_artifacts WHERE session_id = '" + id + "'"), 0);
    EXPECT_EQ(rows("jobs WHERE type = 'export_chat_log' AND status = 'queued' AND attempts = 1"), 1)
        << "retried while the playback is not there";

    files.set_down(false);
    srv.clock().advance(600);
    run_jobs();
    const std::string teacher = srv.token_for(s.instructor, s.tenant);
    auto listed = srv.get(artifacts_path(id), teacher);
    ASSERT_EQ(listed.status, 200u) << listed.body;
    ASSERT_EQ(listed.obj().at("count"), 1) << listed.body;
    const auto& a = listed.obj().at("results").as_array()[0].as_object();
    EXPECT_EQ(a.at("title"), "BigBlueButton chat");
    EXPECT_EQ(a.at("metadata").at("message_count"), 2);
    auto link = srv.get(artifacts_path(id) + js(a.at("id")) + "/download/", teacher);
    ASSERT_EQ(link.status, 200u) << link.body;
    auto file = srv.get(link.str("url"));
    ASSERT_EQ(file.status, 200u) << file.body;
    const auto& messages = file.obj().at("messages").as_array();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].at("message"), "Kaynak: https://ornek.test/x & notlar")
        << "links keep their text; the HTML's entities are decoded";
    EXPECT_EQ(messages[0].at("offset_seconds"), 12);
    EXPECT_EQ(js(messages[0].at("timestamp")), format_iso8601(1764150000 + 12))
        << "from the recording's start as BigBlueButton lists it";
    EXPECT_EQ(messages[1].at("sender"), "Ali");
}

TEST_P(Artifacts, ADuplicateEventAddsNothingAndLinksOfOnePurposeDoNotOpenTheOther) {
    auto s = srv.make_school("zdup", 1);
    FileHost files(std::map<std::string, std::string>{{"/chat.txt", kZoomChat}});
    const std::string id = zoom_class(s, "7700112233");
    ASSERT_EQ(recording_completed(s, "7700112233", files.url("/chat.txt"), 0).status, 200u);
    srv.clock().advance(5);  // Zoom delivers it again, a new event_ts: not an inbox duplicate
    ASSERT_EQ(recording_completed(s, "7700112233", files.url("/chat.txt"), 0).status, 200u);
    run_jobs();
    auto a = only_artifact(s, id);
    EXPECT_EQ(files.hits(), 1) << "the chat file is fetched once";
    auto link = srv.get(artifacts_path(id) + js(a.at("id")) + "/download/", s.instructor_token);
    ASSERT_EQ(link.status, 200u) << link.body;
    auto file = srv.get(link.str("url"));
    ASSERT_EQ(file.status, 200u) << file.body;
    EXPECT_TRUE(file.obj().at("messages").as_array()[0].at("timestamp").is_null())
        << "no start from Zoom: the time of day is unknown, the offset is kept";
    EXPECT_EQ(file.obj().at("messages").as_array()[0].at("offset_seconds"), 5);

    // The recording's Watch link and the artifact's Download link are sealed under different keys.
    auto recordings = srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.instructor_token);
    ASSERT_EQ(recordings.status, 200u) << recordings.body;
    ASSERT_EQ(recordings.obj().at("count"), 1) << recordings.body;
    auto watch = srv.get("/api/v1/live-sessions/" + id + "/recordings/" +
                             js(recordings.obj().at("results").as_array()[0].at("id")) + "/access/",
                         s.instructor_token);
    ASSERT_EQ(watch.status, 200u) << watch.body;
    const std::string prefix = "/api/v1/recordings/play/", artifact_prefix = "/api/v1/artifacts/download/";
    const std::string recording_token = watch.str("url").substr(prefix.size());
    const std::string artifact_token = link.str("url").substr(artifact_prefix.size());
    EXPECT_EQ(srv.get(artifact_prefix + recording_token).status, 404u);
    EXPECT_EQ(srv.get(prefix + artifact_token).status, 404u);
}

TEST_P(Artifacts, StudentsSeeOtherOutputsButCannotDeleteThemAndLoseThemWhenUnenrolled) {
    auto s = srv.make_school("znotes", 1);
    const std::string id = js(srv.create_session(s).at("id"));
    domain::Artifact notes;
    notes.id = infra::new_uuid();
    notes.tenant_id = s.tenant.id;
    notes.session_id = id;
    notes.type = domain::ArtifactType::kNotes;
    notes.title = "Ders notları";
    notes.content = "Özet: türev";
    notes.created_at = srv.clock().now();
    {
        soci::session sql(srv.app().db().pool());
        ASSERT_TRUE(store::insert_artifact(sql, notes));
    }
    auto listed = srv.get(artifacts_path(id), s.student_tokens[0]);
    ASSERT_EQ(listed.status, 200u) << listed.body;
    ASSERT_EQ(listed.obj().at("count"), 1);
    auto link = srv.get(artifacts_path(id) + notes.id + "/download/", s.student_tokens[0]);
    ASSERT_EQ(link.status, 200u) << link.body;
    auto file = srv.get(link.str("url"));
    ASSERT_EQ(file.status, 200u);
    EXPECT_EQ(file.body, "Özet: türev");
    EXPECT_EQ(file.headers["content-type"], "text/plain; charset=utf-8");
    EXPECT_EQ(srv.del(artifacts_path(id) + notes.id + "/", s.student_tokens[0]).status, 403u);

    // Unenrolled since the link was handed out: it no longer opens for them.
    auto out = srv.del("/api/v1/courses/" + s.course.id + "/enrollments/" + s.students[0].id + "/", s.admin_token);
    ASSERT_EQ(out.status, 204u) << out.body;
    EXPECT_EQ(srv.get(link.str("url")).status, 410u);
    EXPECT_EQ(rows("live_session_artifacts WHERE id = '" + notes.id + "'"), 1);
}

TEST_P(Artifacts, AChatAtAPrivateAddressIsRefusedAtOnceAndADeletedClassGetsNone) {
    Config strict;
    strict.storage_dir = ::testing::TempDir() + "liveclass-artifacts-" + infra::random_hex(6);
    TestServer srv2{GetParam(), true, strict};  // LIVE_STORAGE_ALLOW_PRIVATE_SOURCES off (the default)
    auto s = srv2.make_school("zpriv", 1);
    FileHost files(std::map<std::string, std::string>{{"/chat.txt", kZoomChat}});
    std::string id(srv2.create_session(s).at("id").as_string());
    soci::session sql(srv2.app().db().pool());
    services::queue_chat_export(sql,
                                services::ChatSource{s.tenant.id, id, domain::ProviderKind::kZoom,
                                                     files.url("/chat.txt"), "zoom:private", srv2.clock().now()},
                                srv2.clock().now());
    srv2.app().workers().run_due();
    EXPECT_EQ(files.hits(), 0) << "no request reached the private address";
    EXPECT_EQ(srv2.count_rows("jobs WHERE type = 'export_chat_log' AND status = 'dead' AND attempts = 1"), 1)
        << "retrying cannot help: dead at once, for the ops view";
    std::filesystem::remove_all(strict.storage_dir);

    // On the lenient server: the class's course is deleted before the export runs.
    auto t = srv.make_school("zgone", 1);
    std::string gone(srv.create_session(t).at("id").as_string());
    {
        soci::session sql2(srv.app().db().pool());
        services::queue_chat_export(sql2,
                                    services::ChatSource{t.tenant.id, gone, domain::ProviderKind::kZoom,
                                                         files.url("/chat.txt"), "zoom:gone", srv.clock().now()},
                                    srv.clock().now());
    }
    ASSERT_EQ(srv.del("/api/v1/courses/" + t.course.id + "/", t.admin_token).status, 204u);
    run_jobs();
    EXPECT_EQ(rows("jobs WHERE type = 'export_chat_log' AND status = 'done'"), 1);
    EXPECT_EQ(rows("live_session_artifacts"), 0);
}

TEST_P(Artifacts, JitsiChatFromTheStaffsRoomPagesIsOneLogWithoutDuplicates) {
    auto s = srv.make_school("jchat", 1);
    const std::string id = js(srv.create_session(s).at("id"));
    const std::string chat = artifacts_path(id) + "chat/";
    auto line = [](long long at, const char* sender, const char* message) {
        return json::object{{"timestamp", format_iso8601(at)}, {"sender", sender}, {"message", message}};
    };
    const long long t0 = srv.clock().now();
    json::object two{
        {"messages", json::array{line(t0 + 5, "Ayşe Öğretmen", "Günaydın"), line(t0 + 60, "Ali", "Sorum var")}}};
    EXPECT_EQ(srv.post_json(chat, two, s.instructor_token).status, 409u) << "the class has not started";
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    const long long started = srv.clock().now();
    EXPECT_EQ(srv.post_json(chat, two, s.student_tokens[0]).status, 403u) << "students do not save the chat";
    auto other = srv.make_school("jchatother", 1);
    EXPECT_EQ(srv.post_json(chat, two, other.admin_token).status, 404u);

    auto first = srv.post_json(chat, two, s.instructor_token);
    ASSERT_EQ(first.status, 200u) << first.body;
    EXPECT_EQ(first.obj().at("added"), 2);
    EXPECT_EQ(first.obj().at("artifact").at("title"), "Jitsi chat");
    EXPECT_EQ(first.obj().at("artifact").at("metadata").at("message_count"), 2);
    // The admin's page saw the same lines a few seconds apart, and one more.
    json::object seen{{"messages", json::array{line(t0 + 8, "Ayşe Öğretmen", "Günaydın"),
                                               line(t0 + 62, "Ali", "Sorum var"), line(t0 + 30, "Veli", "Merhaba")}}};
    auto second = srv.post_json(chat, seen, s.admin_token);
    ASSERT_EQ(second.status, 200u) << second.body;
    EXPECT_EQ(second.obj().at("added"), 1);
    // A page whose clock runs two minutes fast: its times are moved onto ours by its sent_at.
    json::object fast{{"sent_at", format_iso8601(srv.clock().now() + 120)},
                      {"messages", json::array{line(t0 + 5 + 120, "Ayşe Öğretmen", "Günaydın")}}};
    auto skewed = srv.post_json(chat, fast, s.admin_token);
    ASSERT_EQ(skewed.status, 200u) << skewed.body;
    EXPECT_EQ(skewed.obj().at("added"), 0) << "the same line, once its page's clock is corrected";

    // Bad input: per-field errors, nothing written.
    auto bad = [&](const json::object& body, const std::string& field) {
        auto r = srv.post_json(chat, body, s.instructor_token);
        EXPECT_EQ(r.status, 422u) << r.body;
        EXPECT_NE(r.body.find("\"" + field + "\""), std::string::npos) << field << ": " << r.body;
    };
    bad(json::object{}, "messages");
    bad(json::object{{"messages", json::array{}}}, "messages");
    json::array many;
    for (int i = 0; i < 201; ++i) many.push_back(line(t0 + i, "A", "x"));
    bad(json::object{{"messages", many}}, "messages");
    bad(json::object{{"messages", json::array{json::object{{"timestamp", "dün"}, {"sender", ""}, {"message", "x"}}}}},
        "messages.0.timestamp");
    bad(json::object{{"messages",
                      json::array{json::object{{"timestamp", format_iso8601(t0)}, {"sender", ""}, {"message", "x"}}}}},
        "messages.0.sender");
    bad(json::object{{"messages", json::array{line(t0, "A", "x"), json::object{{"timestamp", format_iso8601(t0)},
                                                                               {"sender", "B"},
                                                                               {"message", "y"},
                                                                               {"private", false}}}}},
        "messages.1.private");
    bad(json::object{{"messages", json::array{line(t0 + 3600, "A", "from the future")}}}, "messages.0.timestamp");
    bad(json::object{{"messages", json::array{line(t0 - 86400, "A", "before the class")}}}, "messages.0.timestamp");
    bad(json::object{{"sent_at", "soon"}, {"messages", json::array{line(t0, "A", "x")}}}, "sent_at");
    EXPECT_EQ(srv.post(chat, "{not json", s.instructor_token).status, 400u);
    bad(json::object{{"messages", "Günaydın"}}, "messages");
    bad(json::object{{"messages", json::array{1}}}, "messages.0");
    bad(json::object{{"messages",
                      json::array{json::object{{"timestamp", format_iso8601(t0)}, {"sender", 7}, {"message", true}}}}},
        "messages.0.sender");
    json::object huge{{"messages", json::array{line(t0, "A", "x")}}, {"padding", std::string(1100 * 1024, 'x')}};
    EXPECT_EQ(srv.post_json(chat, huge, s.instructor_token).status, 413u) << "over the 1 MiB body limit";
    EXPECT_EQ(srv.get(artifacts_path(id) + "not-a-uuid/download/", s.instructor_token).status, 400u);
    EXPECT_EQ(srv.get(artifacts_path("not-a-uuid"), s.instructor_token).status, 400u);

    const std::string teacher = s.instructor_token;
    auto listed = srv.get(artifacts_path(id), teacher);
    ASSERT_EQ(listed.obj().at("count"), 1) << listed.body;
    const auto& a = listed.obj().at("results").as_array()[0].as_object();
    EXPECT_EQ(a.at("metadata").at("message_count"), 3);
    EXPECT_EQ(srv.get(artifacts_path(id), s.student_tokens[0]).obj().at("count"), 0);
    auto link = srv.get(artifacts_path(id) + js(a.at("id")) + "/download/", s.instructor_token);
    ASSERT_EQ(link.status, 200u) << link.body;
    auto file = srv.get(link.str("url"));
    ASSERT_EQ(file.status, 200u) << file.body;
    const auto& messages = file.obj().at("messages").as_array();
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[0].at("message"), "Günaydın");
    EXPECT_EQ(js(messages[0].at("timestamp")), format_iso8601(t0 + 5));
    EXPECT_EQ(messages[0].at("offset_seconds"), t0 + 5 - started);
    EXPECT_EQ(messages[1].at("sender"), "Veli") << "in time order";
    EXPECT_EQ(messages[2].at("sender"), "Ali");

    // A page leaving just after the end still saves what it holds; ten minutes later nothing is taken.
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    srv.clock().advance(120);
    json::object late{{"messages", json::array{line(srv.clock().now() - 110, "Veli", "Hoşça kalın")}}};
    auto leaving = srv.post_json(chat, late, s.instructor_token);
    ASSERT_EQ(leaving.status, 200u) << leaving.body;
    EXPECT_EQ(leaving.obj().at("added"), 1);
    srv.clock().advance(600);
    EXPECT_EQ(srv.post_json(chat, late, s.instructor_token).status, 409u);

    // Classes held on Zoom or BigBlueButton get their chat from the provider instead.
    const std::string zoom = zoom_class(s, "5500660077");
    EXPECT_EQ(srv.post_json(artifacts_path(zoom) + "chat/", two, s.admin_token).status, 409u);
}

// Seed 7.1: BigBlueButton 3.0's whiteboard (tldraw v2) on an SVG slide and a PNG slide; a third slide
// nobody drew on is no page.
constexpr const char* kWhiteboardShapes = R"X(<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" id="svgfile" version="1.1">
  <image id="image1" class="slide" in="0.0" out="20.0" xlink:href="presentation/p1/svgs/slide1.svg" width="1600" height="1200" x="0" y="0"/>
  <image id="image2" class="slide" in="20.0" out="30.0" xlink:href="presentation/p1/svgs/slide2.svg" width="1600" height="1200" x="0" y="0"/>
  <image id="image3" class="slide" in="30.0" out="50.0" xlink:href="presentation/p1/svgs/slide3.png" width="32" height="24" x="0" y="0"/>
</svg>)X";
constexpr const char* kWhiteboardTldraw = R"X({"bbb_version":"3.0.4",
 "1":{"timestamp":0,"shapes":[
  {"id":1,"timestamp":2,"undo":-1,"shape_data":{"id":"shape:a","type":"draw","x":100,"y":100,"rotation":0,"index":"a1","parentId":"page:1","props":{"segments":[{"type":"free","points":[{"x":0,"y":0},{"x":400,"y":300},{"x":800,"y":100}]}],"color":"red","size":"xl","fill":"none","dash":"draw"}}},
  {"id":2,"timestamp":3,"undo":-1,"shape_data":{"id":"shape:b","type":"geo","x":500,"y":600,"rotation":0,"index":"a2","parentId":"page:1","props":{"geo":"rectangle","w":400,"h":200,"color":"blue","fill":"semi","size":"m","text":"Türev = eğim"}}}]},
 "3":{"timestamp":30,"shapes":[
  {"id":3,"timestamp":35,"undo":-1,"shape_data":{"id":"shape:c","type":"text","x":100,"y":100,"rotation":0,"index":"a1","parentId":"page:1","props":{"text":"Ödev: s. 42","color":"black","size":"l","align":"start","w":600}}}]}
})X";
constexpr const char* kSlideSvg =
    R"X(<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"><rect width="1600" height="1200" fill="#fff8e0"/><text x="80" y="160" font-size="96" font-family="DejaVu Sans">Limit ve Türev</text></svg>)X";
// A 32x24 light blue PNG.
const std::string kSlidePng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x20\x00\x00\x00\x18\x08\x02\x00\x00"
    "\x00\x14\x31\x68\x63\x00\x00\x00\x24\x49\x44\x41\x54\x78\xda\x63\x38\xf1\xec\x3f\x4d\x11\xc3\xa8\x05\xa3\x16\x8c"
    "\x5a\x30\x6a\xc1\xa8\x05\xa3\x16\x8c\x5a\x30\x6a\xc1\xd0\xb0\x00\x00\x5b\xa7\x07\x79\xf6\xa4\xe7\xa3\x00\x00\x00"
    "\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
    93);

TEST_P(Artifacts, BigBlueButtonWhiteboardBecomesAPdfOfTheSlidesDrawnOn) {
    auto s = srv.make_school("bboard", 1);
    FakeBbb fake(kBbbSecret);
    FileHost files(
        std::map<std::string, std::string>{{"/presentation/rec-1/shapes.svg", kWhiteboardShapes},
                                           {"/presentation/rec-1/tldraw.json", kWhiteboardTldraw},
                                           {"/presentation/rec-1/presentation/p1/svgs/slide1.svg", kSlideSvg},
                                           {"/presentation/rec-1/presentation/p1/svgs/slide3.png", kSlidePng}});
    const std::string id = bbb_recording_ready(s, fake, files);
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(rows("jobs WHERE type = 'export_whiteboard' AND status = 'done'"), 1);

    // Students see what the class produced for them: the whiteboard (not the chat).
    auto listed = srv.get(artifacts_path(id), s.student_tokens[0]);
    ASSERT_EQ(listed.status, 200u) << listed.body;
    ASSERT_EQ(listed.obj().at("count"), 1) << listed.body;
    const auto& a = listed.obj().at("results").as_array()[0].as_object();
    EXPECT_EQ(a.at("type"), "whiteboard");
    EXPECT_EQ(a.at("title"), "BigBlueButton whiteboard");
    EXPECT_EQ(a.at("metadata").at("page_count"), 2) << "slide 2 was not drawn on";
    EXPECT_EQ(a.at("metadata").at("shape_count"), 3);
    EXPECT_EQ(a.at("metadata").at("missing_slides"), 0);
    auto link = srv.get(artifacts_path(id) + js(a.at("id")) + "/download/", s.student_tokens[0]);
    ASSERT_EQ(link.status, 200u) << link.body;
    auto file = srv.get(link.str("url"));
    ASSERT_EQ(file.status, 200u) << file.body;
    EXPECT_EQ(file.headers["content-type"], "application/pdf");
    EXPECT_EQ(file.headers["content-disposition"], "attachment; filename=\"whiteboard-" + id + ".pdf\"");
    ASSERT_TRUE(file.body.starts_with("%PDF-")) << file.body.substr(0, 64);
    EXPECT_EQ(a.at("metadata").at("size_bytes"), static_cast<std::int64_t>(file.body.size()));
    EXPECT_NE(pdf_tool(file.body, "pdfinfo").find("Pages:           2"), std::string::npos);
    // The SVG slide is vector graphics in the PDF (its text is text), the PNG slide an image; the
    // annotations' text is text too.
    const std::string text = pdf_tool(file.body, "pdftotext", "-");
    EXPECT_NE(text.find("Limit ve Türev"), std::string::npos) << text;
    EXPECT_NE(text.find("Türev = eğim"), std::string::npos) << text;
    EXPECT_NE(text.find("Ödev: s. 42"), std::string::npos) << text;
    // pdfimages -list: a table of page, num, type, width, height, ... after two header lines.
    const std::string images = pdf_tool(file.body, "pdfimages -list");
    std::istringstream table(images);
    std::string line;
    std::vector<std::string> found;
    for (int i = 0; std::getline(table, line); ++i) {
        std::istringstream cells(line);
        std::string page, num, type, width, height;
        if (i >= 2 && cells >> page >> num >> type >> width >> height)
            found.push_back(page + ":" + width + "x" + height);
    }
    EXPECT_EQ(found, std::vector<std::string>{"2:32x24"}) << "only the PNG slide is a bitmap: " << images;
    if (const char* keep = std::getenv("LIVE_TEST_KEEP_WHITEBOARD")) {
        std::ofstream out(keep, std::ios::binary);
        out << file.body;
    }

    // The same playback exported again (a repeated callback, a second worker) adds nothing.
    {
        soci::session sql(srv.app().db().pool());
        services::queue_whiteboard_export(
            sql, services::WhiteboardSource{s.tenant.id, id, files.url("/presentation/rec-1/"), "bbb-whiteboard:rec-1"},
            srv.clock().now());
    }
    EXPECT_EQ(run_jobs(), 1);
    EXPECT_EQ(rows("jobs WHERE type = 'export_whiteboard' AND status = 'done'"), 2);
    EXPECT_EQ(rows("live_session_artifacts WHERE session_id = '" + id + "' AND type = 'whiteboard'"), 1);
}

TEST_P(Artifacts, AWhiteboardSlideThatNeverArrivesIsAWhitePageAndWhatIsNoPlaybackGoesDead) {
    auto s = srv.make_school("bboard2", 1);
    FakeBbb fake(kBbbSecret);
    FileHost files(
        std::map<std::string, std::string>{{"/presentation/rec-1/shapes.svg", kWhiteboardShapes},
                                           {"/presentation/rec-1/tldraw.json", kWhiteboardTldraw},
                                           {"/presentation/rec-1/presentation/p1/svgs/slide3.png", kSlidePng}});
    const std::string id = bbb_recording_ready(s, fake, files);
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(rows("jobs WHERE type = 'export_whiteboard' AND status = 'queued' AND attempts = 1"), 1)
        << "slide 1 is not served yet: asked for again";
    EXPECT_EQ(rows("live_session_artifacts WHERE session_id = '" + id + "'"), 0);
    {
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE jobs SET attempts = max_attempts - 1 WHERE type = 'export_whiteboard'";
    }
    srv.clock().advance(600);
    run_jobs();
    auto a = only_artifact(s, id);
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a.at("metadata").at("page_count"), 2);
    EXPECT_EQ(a.at("metadata").at("missing_slides"), 1) << "its annotations on a white page on the last attempt";

    // A playback directory that answers something else (a sign-in page) is dead at once.
    auto other = srv.make_school("bboard3", 1);
    FakeBbb fake2(kBbbSecret);
    FileHost login(std::map<std::string, std::string>{
        {"/presentation/rec-1/shapes.svg", "<html><body>Giriş yapın</body></html>"}});
    const std::string id2 = bbb_recording_ready(other, fake2, login);
    ASSERT_FALSE(id2.empty());
    EXPECT_EQ(rows("jobs WHERE type = 'export_whiteboard' AND tenant_id = '" + other.tenant.id +
                   "' AND status = 'dead' AND attempts = 1"),
              1);
    EXPECT_EQ(rows("live_session_artifacts WHERE session_id = '" + id2 + "'"), 0);
}

TEST_P(Artifacts, ASlideTheRendererRefusesLeavesItsAnnotationsOnAWhitePage) {
    auto s = srv.make_school("bboard4", 1);
    FakeBbb fake(kBbbSecret);
    // pugixml takes this slide; librsvg's XML parser refuses U+FFFF, so the whole render fails first.
    FileHost files(std::map<std::string, std::string>{
        {"/presentation/rec-1/shapes.svg", kWhiteboardShapes},
        {"/presentation/rec-1/tldraw.json", kWhiteboardTldraw},
        {"/presentation/rec-1/presentation/p1/svgs/slide1.svg",
         R"X(<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"><text x="9" y="99">&#xFFFF;</text></svg>)X"},
        {"/presentation/rec-1/presentation/p1/svgs/slide3.png", kSlidePng}});
    const std::string id = bbb_recording_ready(s, fake, files);
    ASSERT_FALSE(id.empty());
    auto a = only_artifact(s, id);
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a.at("metadata").at("page_count"), 2);
    EXPECT_EQ(a.at("metadata").at("missing_slides"), 1) << "page 1 without its slide";
    EXPECT_EQ(a.at("metadata").at("left_out_pages"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, Artifacts, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
