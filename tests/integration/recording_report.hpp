#pragma once
// What the recording tests share: a real test video made by ffmpeg, and an ended Jitsi class whose
// recording Jibri's finalize script reports through our signed webhook.
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "core/time.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"

namespace lc::testing {

inline std::string read_whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// A real video (ffmpeg's test pattern, MPEG-4 in MP4) of `seconds`, 1280x720 (or `size`); with `tone`, an
/// AAC sound track (a 440 Hz sine) as well. Tests about the sound ask for a small picture: it encodes in a
/// fraction of the time.
inline std::string make_test_video(int seconds, bool tone = false, const std::string& size = "1280x720") {
    const std::string path = ::testing::TempDir() + "liveclass-video-" + std::to_string(::getpid()) + "-" +
                             std::to_string(seconds) + (tone ? "-a" : "") + "-" + size + ".mp4";
    const std::string d = std::to_string(seconds);
    std::string cmd =
        "ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=duration=" + d + ":size=" + size + ":rate=5 ";
    if (tone) cmd += "-f lavfi -i sine=frequency=440:duration=" + d + " -c:a aac -shortest ";
    cmd += "-c:v mpeg4 -q:v 10 -y " + path;
    if (std::system(cmd.c_str()) != 0) return {};
    std::string bytes = read_whole_file(path);
    std::filesystem::remove(path);
    return bytes;
}

/// Jibri's finalize script reporting a recording of `room` through our signed webhook (fields in `extra`
/// added to or replacing the usual ones); returns the webhook's answer. The school's Jitsi configuration
/// must hold `hook_secret`.
inline HttpResult post_jitsi_recording(TestServer& srv, const std::string& room, const std::string& recording_id,
                                       const std::string& url, const std::string& hook_secret,
                                       const boost::json::object& extra = {}) {
    namespace json = boost::json;
    json::object event{{"event", "recording_ready"}, {"room", room},   {"recording_id", recording_id}, {"url", url},
                       {"duration_seconds", 3120},   {"size_bytes", 1}};
    for (const auto& [k, v] : extra) event[k] = v;
    const std::string body = json::serialize(event);
    const std::string t = std::to_string(srv.clock().now());
    return http_request(srv.port(), "POST", "/api/v1/live-sessions/webhooks/jitsi/", body, "",
                        {{"Content-Type", "application/json"},
                         {"X-Live-Timestamp", t},
                         {"X-Live-Signature", "sha256=" + infra::hmac_sha256_hex(hook_secret, t + "." + body)}});
}

/// An ended Jitsi class of `s` whose recording the provider reports at `url` (signed with `hook_secret`);
/// runs the jobs that follow; returns (session, recording).
inline std::pair<std::string, std::string> report_jitsi_recording(TestServer& srv, const TestServer::School& s,
                                                                  const std::string& url,
                                                                  const std::string& hook_secret) {
    namespace json = boost::json;
    EXPECT_EQ(srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                           json::object{{"provider", "jitsi"}, {"webhook_secret", hook_secret}}, s.admin_token)
                  .status,
              200u);
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string()), room(created.at("room_id").as_string());
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    auto hook = post_jitsi_recording(srv, room, "jibri-" + id, url, hook_secret);
    EXPECT_EQ(hook.status, 200u) << hook.body;
    srv.app().workers().run_due();  // the inbox, process_recording, then store_recording
    auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", s.instructor_token);
    EXPECT_EQ(listed.status, 200u) << listed.body;
    const auto& results = listed.obj().at("results").as_array();
    EXPECT_EQ(results.size(), 1u);
    return {id, results.empty() ? std::string() : std::string(results[0].at("id").as_string())};
}

/// Zoom's recording.completed for `meeting` of school `s`, signed with `hook_secret`: an MP4 (at an address
/// that does not answer) and `other_file` ({"file_type", "download_url", ...}), with `started` (0: Zoom names
/// no start) as the recording's start.
inline HttpResult zoom_recording_completed(TestServer& srv, const TestServer::School& s, const std::string& meeting,
                                           boost::json::object other_file, long long started,
                                           const std::string& hook_secret) {
    namespace json = boost::json;
    const json::value start = started ? json::value(format_iso8601(started)) : json::value("");
    other_file["recording_start"] = start;
    json::object body{
        {"event", "recording.completed"},
        {"event_ts", srv.clock().now() * 1000},
        {"payload",
         {{"account_id", "acct-" + s.tenant.slug},
          {"object",
           {{"id", std::stoll(meeting)},
            {"uuid", "mtg-uuid-" + meeting},
            {"start_time", start},
            {"duration", 50},
            {"recording_files", json::array{json::object{{"id", "mp4-file"},
                                                         {"file_type", "MP4"},
                                                         {"recording_start", start},
                                                         {"download_url", "https://zoom.invalid/rec.mp4"}},
                                            std::move(other_file)}}}}}}};
    const std::string text = json::serialize(body), t = std::to_string(srv.clock().now());
    return http_request(srv.port(), "POST", "/api/v1/live-sessions/webhooks/zoom/", text, "",
                        {{"Content-Type", "application/json"},
                         {"x-zm-request-timestamp", t},
                         {"x-zm-signature", "v0=" + infra::hmac_sha256_hex(hook_secret, "v0:" + t + ":" + text)}});
}

}  // namespace lc::testing
