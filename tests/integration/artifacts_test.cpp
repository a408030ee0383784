// Seed 2.5 / 7.3 / 7.4 on SQLite and PostgreSQL: a class's chat becomes a JSON artifact once the
// provider has it (Zoom's CHAT recording file, BigBlueButton's playback data, both served by a file
// host on loopback), is listed to the class's staff only, downloads through a short-lived signed link
// that is audited, and is deleted by the class's instructor.
#include <boost/json.hpp>

#include "core/time.hpp"
#include "fake_bbb.hpp"
#include "file_host.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"
#include "infra/jwt.hpp"
#include "services/artifact_service.hpp"

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
    HttpResult recording_completed(const School& s, const std::string& meeting, const std::string& chat_url,
                                   long long started) {
        json::object body{
            {"event", "recording.completed"},
            {"event_ts", srv.clock().now() * 1000},
            {"payload",
             {{"account_id", "acct-" + s.tenant.slug},
              {"object",
               {{"id", std::stoll(meeting)},
                {"uuid", "mtg-uuid-" + meeting},
                {"start_time", format_iso8601(started)},
                {"duration", 50},
                {"recording_files", json::array{json::object{{"id", "mp4-file"},
                                                             {"file_type", "MP4"},
                                                             {"recording_start", format_iso8601(started)},
                                                             {"download_url", "https://zoom.invalid/rec.mp4"}},
                                                json::object{{"id", "chat-file-" + meeting},
                                                             {"file_type", "CHAT"},
                                                             {"recording_start", format_iso8601(started)},
                                                             {"download_url", chat_url}}}}}}}}};
        std::string text = json::serialize(body);
        std::string t = std::to_string(srv.clock().now());
        return http_request(
            srv.port(), "POST", "/api/v1/live-sessions/webhooks/zoom/", text, "",
            {{"Content-Type", "application/json"},
             {"x-zm-request-timestamp", t},
             {"x-zm-signature", "v0=" + infra::hmac_sha256_hex(kZoomHookSecret, "v0:" + t + ":" + text)}});
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
    ASSERT_EQ(srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                           json::object{{"provider", "bbb"},
                                        {"is_default", true},
                                        {"bbb_server_url", fake.server_url()},
                                        {"bbb_shared_secret", kBbbSecret}},
                           s.admin_token)
                  .status,
              200u);
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string()), room(created.at("room_id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    fake.add_recording(
        {"rec-1", room, files.url("/playback/presentation/2.3/rec-1"), 1764150000000, 1764153000000, 52000000, true});

    files.set_down(true);  // the playback's files are not served yet
    std::string jwt = infra::jwt_sign_hs256(json::object{{"meeting_id", room}, {"record_id", "rec-1"}}, kBbbSecret);
    auto ready = http_request(
        srv.port(), "POST", "/api/v1/live-sessions/webhooks/bbb/?tenant=" + s.tenant.id + "&event=recording-ready",
        infra::form_encode({{"signed_parameters", jwt}}), "", {{"Content-Type", "application/x-www-form-urlencoded"}});
    ASSERT_EQ(ready.status, 200u) << ready.body;
    run_jobs();
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
    EXPECT_EQ(messages[1].at("sender"), "Ali");
}

INSTANTIATE_TEST_SUITE_P(Engines, Artifacts, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
