// Seed 5.3: our own copy of each recording, on SQLite and PostgreSQL. A recording server on loopback
// (what Jibri uploads to, or Zoom's download_url) serves the file; the store_recording job copies it
// into LIVE_STORAGE_DIR with progress, and access links then stream our copy with byte ranges. A
// copy that cannot be made leaves the recording playing from the provider.
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "../infra/fake_s3.hpp"
#include "core/time.hpp"
#include "file_host.hpp"
#include "harness.hpp"
#include "http/server.hpp"
#include "infra/crypto.hpp"
#include "infra/http_client.hpp"
#include "infra/log.hpp"
#include "raw_http.hpp"
#include "recording_report.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;
namespace bhttp = boost::beast::http;

constexpr const char* kHookSecret = "jitsi-webhook-secret-0123456789";

/// A recording server on loopback (what Jibri uploads to, or Zoom's download_url): GET /rec.mp4.
struct RecordingHost : FileHost {
    explicit RecordingHost(std::string body) : FileHost({{"/rec.mp4", std::move(body)}}) {}
    std::string url() const { return FileHost::url("/rec.mp4"); }
};

/// 3 MiB that differ byte by byte (a range served from the wrong offset shows).
std::string video_bytes() {
    std::string s(3 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>((i * 131 + i / 4099) & 0xff);
    return s;
}

std::string read_file(const std::string& path) { return read_whole_file(path); }

/// A real video (ffmpeg's test pattern, MPEG-4 in MP4) of `seconds`, 1280x720.
std::string make_video(int seconds) { return make_test_video(seconds); }

/// The width and height in a JPEG's start-of-frame segment (0x0 when there is none).
std::pair<int, int> jpeg_size(const std::string& j) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(j[i]); };
    if (j.size() < 4 || byte(0) != 0xFF || byte(1) != 0xD8) return {0, 0};
    std::size_t i = 2;
    while (i + 9 < j.size() && byte(i) == 0xFF) {
        unsigned marker = byte(i + 1);
        std::size_t len = (byte(i + 2) << 8) | byte(i + 3);
        if (marker >= 0xC0 && marker <= 0xC3)
            return {(byte(i + 7) << 8) | byte(i + 8), (byte(i + 5) << 8) | byte(i + 6)};
        i += 2 + len;
    }
    return {0, 0};
}

class RecordingStorage : public ::testing::TestWithParam<Engine> {
protected:
    using School = TestServer::School;
    const std::string video = video_bytes();
    RecordingHost host{video};

    /// An ended Jitsi class of `s` whose recording the provider reports at `url`; returns (session, recording).
    std::pair<std::string, std::string> reported(TestServer& srv, const School& s, const std::string& url) {
        return report_jitsi_recording(srv, s, url, kHookSecret);
    }

    /// Settings that keep the copies in the fake S3.
    static Config with_s3(const FakeS3& s3) {
        Config cfg;
        cfg.s3_bucket = s3.bucket();
        cfg.s3_endpoint = s3.endpoint();
        cfg.s3_region = s3.region();
        cfg.s3_access_key_id = s3.access_key();
        cfg.s3_secret_access_key = s3.secret_key();
        return cfg;
    }

    static json::object recording(TestServer& srv, const std::string& id, const std::string& token) {
        auto listed = srv.get("/api/v1/live-sessions/" + id + "/recordings/", token);
        return listed.obj().at("results").as_array().at(0).as_object();
    }

    static std::string play_path(TestServer& srv, const std::string& id, const std::string& rid,
                                 const std::string& token) {
        auto link = srv.get("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/access/", token);
        EXPECT_EQ(link.status, 200u) << link.body;
        return link.status == 200 ? link.str("url") : std::string();
    }
};

TEST_P(RecordingStorage, AReadyRecordingIsCopiedAndPlaysFromOurCopyWithByteRanges) {
    TestServer srv{GetParam()};
    auto s = srv.make_school("store", 1);
    auto [id, rid] = reported(srv, s, host.url());
    ASSERT_FALSE(rid.empty());
    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("status"), "ready");
    EXPECT_EQ(r.at("storage_status"), "stored");
    EXPECT_EQ(r.at("storage_bytes").as_int64(), static_cast<std::int64_t>(video.size()));
    EXPECT_EQ(r.at("file_size_bytes").as_int64(), static_cast<std::int64_t>(video.size())) << "measured, not reported";
    const std::string stored = srv.storage_dir() + "/recordings/" + s.tenant.id + "/" + rid + ".mp4";
    EXPECT_EQ(read_file(stored), video);
    EXPECT_TRUE(std::filesystem::is_empty(srv.storage_dir() + "/.scratch")) << "no partial file left behind";
    // Not a video ffmpeg can read (these bytes are a pattern): no thumbnail, and not retried.
    EXPECT_EQ(r.at("thumbnail_url"), "");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'generate_thumbnail' AND status = 'done'"), 1);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/thumbnail/", s.instructor_token).status,
              404u);

    // A link to our copy lasts the recording's length longer: a viewer seeks for as long as it plays.
    auto link = srv.get("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/access/", s.instructor_token);
    ASSERT_EQ(link.status, 200u) << link.body;
    EXPECT_EQ(js(link.obj().at("expires_at")), format_iso8601(srv.clock().now() + 600 + 3120));
    const std::string path = link.str("url");

    // The provider's server is gone: we play our copy anyway.
    host.set_down(true);
    auto whole = srv.get(path);
    ASSERT_EQ(whole.status, 200u) << whole.body.substr(0, 300);
    EXPECT_EQ(whole.headers["content-type"], "video/mp4");
    EXPECT_EQ(whole.headers["accept-ranges"], "bytes");
    EXPECT_EQ(whole.headers["content-length"], std::to_string(video.size()));
    EXPECT_EQ(whole.headers["cache-control"], "private, no-store");
    EXPECT_TRUE(whole.body == video) << "the whole file, byte for byte";

    auto part = http_request(srv.port(), "GET", path, "", "", {{"Range", "bytes=1000000-1000099"}});
    ASSERT_EQ(part.status, 206u);
    EXPECT_EQ(part.headers["content-range"], "bytes 1000000-1000099/" + std::to_string(video.size()));
    EXPECT_EQ(part.headers["content-length"], "100");
    EXPECT_TRUE(part.body == video.substr(1000000, 100));
    auto tail = http_request(srv.port(), "GET", path, "", "", {{"Range", "bytes=-10"}});
    ASSERT_EQ(tail.status, 206u);
    EXPECT_TRUE(tail.body == video.substr(video.size() - 10));
    auto open_end = http_request(srv.port(), "GET", path, "", "", {{"Range", "bytes=3000000-"}});
    ASSERT_EQ(open_end.status, 206u);
    EXPECT_TRUE(open_end.body == video.substr(3000000));
    auto past =
        http_request(srv.port(), "GET", path, "", "", {{"Range", "bytes=" + std::to_string(video.size()) + "-"}});
    EXPECT_EQ(past.status, 416u);
    EXPECT_EQ(past.headers["content-type"], "application/problem+json");
    EXPECT_EQ(past.headers["content-range"], "bytes */" + std::to_string(video.size()));
    auto head = http_request(srv.port(), "HEAD", path);
    EXPECT_EQ(head.status, 200u);
    EXPECT_EQ(head.headers["content-length"], std::to_string(video.size()));

    // Deleted: our copy goes with it (the delete_recording_copies job), and links stop opening.
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/", s.instructor_token).status, 204u);
    srv.app().workers().run_due();
    EXPECT_FALSE(std::filesystem::exists(stored));
    EXPECT_EQ(srv.get(path).status, 410u);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'delete_recording_copies' AND status = 'done'"), 1);
}

TEST_P(RecordingStorage, StreamsFromOurDiskAreBoundedAndAViewerWhoLeavesFreesTheirPlace) {
    Config cfg;
    cfg.max_file_streams = 1;  // LIVE_MAX_FILE_STREAMS
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("storecap", 1);
    auto [id, rid] = reported(srv, s, host.url());
    ASSERT_FALSE(rid.empty());
    // Made larger than every socket buffer on the way (sparse: nothing is written), so the first
    // viewer's stream cannot finish while it does not read.
    const std::string stored = srv.storage_dir() + "/recordings/" + s.tenant.id + "/" + rid + ".mp4";
    std::filesystem::resize_file(stored, 256LL * 1024 * 1024);
    const std::string url = play_path(srv, id, rid, s.instructor_token);
    const std::string path = url.substr(url.find("/api/v1/recordings/play/"));

    auto first = std::make_unique<StalledReader>(srv.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(first->head().rfind("HTTP/1.1 200", 0), 0u) << first->head();
    EXPECT_EQ(srv.app().api().open_file_streams(), 1);

    // The place is taken: a second viewer is asked to come back, and nothing else changes.
    auto busy = srv.get(path);
    EXPECT_EQ(busy.status, 503u) << busy.body;
    EXPECT_EQ(busy.headers["content-type"], "application/problem+json");
    EXPECT_EQ(busy.headers["retry-after"], "10");
    EXPECT_EQ(srv.app().api().open_file_streams(), 1);
    // A HEAD opens no stream, so it is answered whatever the count.
    auto head = http_request(srv.port(), "HEAD", path);
    EXPECT_EQ(head.status, 200u);
    EXPECT_EQ(head.headers["content-length"], std::to_string(256LL * 1024 * 1024));

    // The first viewer goes away: the server notices on its next write and frees the place.
    first->close();
    unsigned status = 0;
    HttpResult part;
    for (int i = 0; i < 200 && status != 206u; ++i) {
        part = http_request(srv.port(), "GET", path, "", "", {{"Range", "bytes=0-99"}});
        status = part.status;
        if (status != 206u) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(status, 206u) << part.body;
    EXPECT_TRUE(part.body == video.substr(0, 100));
    for (int i = 0; i < 100 && srv.app().api().open_file_streams() != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(srv.app().api().open_file_streams(), 0) << "a finished stream gives its place back";
}

TEST_P(RecordingStorage, ACopyIsRetriedWhileTheRecordingServerIsDownAndPlaysFromTheProviderMeanwhile) {
    TestServer srv{GetParam()};
    auto s = srv.make_school("storedown", 1);
    host.set_down(true);
    auto [id, rid] = reported(srv, s, host.url());
    ASSERT_FALSE(rid.empty());
    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("status"), "ready") << "playable from the provider while the copy waits";
    EXPECT_EQ(r.at("storage_status"), "copying");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'store_recording' AND status = 'queued' AND attempts = 1"), 1);
    EXPECT_TRUE(std::filesystem::is_empty(srv.storage_dir() + "/.scratch"));
    auto played = srv.get(play_path(srv, id, rid, s.instructor_token));
    EXPECT_EQ(played.status, 303u);
    EXPECT_EQ(played.headers["location"], host.url());

    host.set_down(false);
    srv.clock().advance(60);
    srv.app().workers().run_due();
    const std::string teacher = srv.token_for(s.instructor, s.tenant);
    EXPECT_EQ(recording(srv, id, teacher).at("storage_status"), "stored");
    auto ours = srv.get(play_path(srv, id, rid, teacher));
    EXPECT_EQ(ours.status, 200u);
    EXPECT_TRUE(ours.body == video);
}

TEST_P(RecordingStorage, ARecordingTooLargeToCopyKeepsPlayingFromTheProvider) {
    Config cfg;
    cfg.recording_max_mb = 1;  // the file is 3 MiB
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("storebig", 1);
    auto [id, rid] = reported(srv, s, host.url());
    ASSERT_FALSE(rid.empty());
    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("storage_status"), "failed");
    EXPECT_EQ(r.at("storage_bytes").as_int64(), 0);
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'store_recording' AND status = 'done'"), 1) << "not retried";
    EXPECT_TRUE(std::filesystem::is_empty(srv.storage_dir() + "/.scratch"));
    EXPECT_EQ(srv.get(play_path(srv, id, rid, s.instructor_token)).headers["location"], host.url());
}

TEST_P(RecordingStorage, PlainHttpAndPrivateAddressesAreNotDownloadedFromUnlessAllowed) {
    // A school's webhook secret must not let it make our server fetch from our own network: only https
    // to public addresses, unless LIVE_STORAGE_ALLOW_PRIVATE_SOURCES says otherwise.
    const std::string dir = ::testing::TempDir() + "liveclass-private-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir);
    Config cfg;
    cfg.storage_dir = dir;  // allow_private_sources stays off
    {
        TestServer srv{GetParam(), true, cfg};
        auto s = srv.make_school("storepriv", 1);
        auto [id, rid] = reported(srv, s, host.url());
        ASSERT_FALSE(rid.empty());
        EXPECT_EQ(recording(srv, id, s.instructor_token).at("storage_status"), "failed");
        // https, but to a loopback address: refused on the resolved address, before any connection.
        std::string https_loopback = host.url();
        https_loopback.replace(0, 4, "https");
        auto [id2, rid2] = reported(srv, s, https_loopback);
        ASSERT_FALSE(rid2.empty());
        EXPECT_EQ(recording(srv, id2, s.instructor_token).at("storage_status"), "failed");
        EXPECT_EQ(srv.count_rows("jobs WHERE type = 'store_recording' AND status = 'done'"), 2) << "not retried";
        EXPECT_EQ(host.hits(), 0) << "no request reached the private address";
    }
    std::filesystem::remove_all(dir);
}

TEST_P(RecordingStorage, DeletingACourseDeletesItsRecordingsCopies) {
    TestServer srv{GetParam()};
    auto s = srv.make_school("storecourse", 1);
    auto [id, rid] = reported(srv, s, host.url());
    ASSERT_FALSE(rid.empty());
    const std::string stored = srv.storage_dir() + "/recordings/" + s.tenant.id + "/" + rid + ".mp4";
    ASSERT_TRUE(std::filesystem::exists(stored));
    auto gone = srv.del("/api/v1/courses/" + s.course.id + "/", s.admin_token);
    ASSERT_EQ(gone.status, 204u) << gone.body;
    EXPECT_EQ(srv.count_rows("live_session_recordings WHERE id = '" + rid + "'"), 0) << "the rows go with the course";
    srv.app().workers().run_due();
    EXPECT_FALSE(std::filesystem::exists(stored)) << "and so does the file";
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'delete_recording_copies' AND status = 'done'"), 1);
}

TEST_P(RecordingStorage, AStoredVideoGetsA640x360ThumbnailThatOnlyThoseWhoSeeTheRecordingSee) {
    const std::string long_video = make_video(8), short_video = make_video(2);
    ASSERT_FALSE(long_video.empty()) << "ffmpeg could not make the test video";
    RecordingHost long_host{long_video}, short_host{short_video};
    TestServer srv{GetParam()};
    auto s = srv.make_school("thumb", 1);
    auto other = srv.make_school("thumbother", 1);
    auto [id, rid] = reported(srv, s, long_host.url());
    ASSERT_FALSE(rid.empty());
    auto r = recording(srv, id, s.instructor_token);
    const std::string path = "/api/v1/live-sessions/" + id + "/recordings/" + rid + "/thumbnail/";
    EXPECT_EQ(r.at("storage_status"), "stored");
    EXPECT_EQ(js(r.at("thumbnail_url")), path);
    auto thumb = srv.get(path, s.instructor_token);
    ASSERT_EQ(thumb.status, 200u) << thumb.body;
    EXPECT_EQ(thumb.headers["content-type"], "image/jpeg");
    EXPECT_EQ(jpeg_size(thumb.body), std::make_pair(640, 360));  // 16:9 into the 640x360 box
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'generate_thumbnail' AND status = 'done'"), 1);

    // Who may see it: those who may see the recording.
    EXPECT_EQ(srv.get(path, s.student_tokens[0]).status, 404u) << "not published yet";
    ASSERT_EQ(
        srv.post("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/publish/", "", s.instructor_token).status,
        200u);
    EXPECT_EQ(srv.get(path, s.student_tokens[0]).status, 200u);
    EXPECT_EQ(srv.get(path, other.admin_token).status, 404u);
    EXPECT_EQ(srv.get(path).status, 401u);

    // A video shorter than 5 s: its first frame.
    auto [short_id, short_rid] = reported(srv, s, short_host.url());
    ASSERT_FALSE(short_rid.empty());
    auto short_thumb =
        srv.get("/api/v1/live-sessions/" + short_id + "/recordings/" + short_rid + "/thumbnail/", s.instructor_token);
    ASSERT_EQ(short_thumb.status, 200u) << short_thumb.body;
    EXPECT_EQ(jpeg_size(short_thumb.body), std::make_pair(640, 360));

    // Deleted: the thumbnail goes with the copy.
    const std::string stored = srv.storage_dir() + "/thumbnails/" + s.tenant.id + "/" + rid + ".jpg";
    EXPECT_TRUE(std::filesystem::exists(stored));
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/", s.instructor_token).status, 204u);
    srv.app().workers().run_due();
    EXPECT_FALSE(std::filesystem::exists(stored));
    EXPECT_EQ(srv.get(path, s.instructor_token).status, 404u);
}

TEST_P(RecordingStorage, WithS3TheCopyAndThumbnailGoToTheBucketAndWatchSendsTheBrowserThereWithASignedAddress) {
    // Seed 5.3 at scale: a bucket every process shares. The fake checks every signature with AWS's code.
    const std::string real_video = make_video(8);
    ASSERT_FALSE(real_video.empty()) << "ffmpeg could not make the test video";
    RecordingHost video_host{real_video};
    FakeS3 s3;
    Config cfg = with_s3(s3);
    cfg.s3_prefix = "lc/";
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("stores3", 1);
    auto [id, rid] = reported(srv, s, video_host.url());
    ASSERT_FALSE(rid.empty());
    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("storage_status"), "stored");
    EXPECT_EQ(r.at("storage_bytes").as_int64(), static_cast<std::int64_t>(real_video.size()));
    const std::string copy_key = "lc/recordings/" + s.tenant.id + "/" + rid + ".mp4";
    const std::string thumb_key = "lc/thumbnails/" + s.tenant.id + "/" + rid + ".jpg";
    EXPECT_EQ(s3.keys(), (std::vector<std::string>{copy_key, thumb_key}));
    EXPECT_TRUE(s3.object(copy_key) == real_video);
    EXPECT_FALSE(std::filesystem::exists(srv.storage_dir() + "/recordings")) << "nothing kept on local disk";
    EXPECT_TRUE(std::filesystem::is_empty(srv.storage_dir() + "/.scratch")) << "scratch files removed once uploaded";
    for (const auto& q : s3.requests()) EXPECT_NE(q.auth, "none") << q.method << " " << q.path;

    // The thumbnail: ffmpeg read the copy through a signed address; served to the class's staff by us.
    auto thumb = srv.get("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/thumbnail/", s.instructor_token);
    ASSERT_EQ(thumb.status, 200u) << thumb.body;
    EXPECT_EQ(jpeg_size(thumb.body), std::make_pair(640, 360));
    EXPECT_TRUE(s3.object(thumb_key) == thumb.body);

    // Watch: our link is checked as ever, then the browser goes to the bucket for a few minutes.
    const std::string path = play_path(srv, id, rid, s.instructor_token);
    auto played = srv.get(path);
    ASSERT_EQ(played.status, 303u) << played.body;
    EXPECT_EQ(played.headers["cache-control"], "no-store");
    const std::string location = played.headers["location"];
    EXPECT_EQ(location.rfind(s3.endpoint() + "/" + s3.bucket() + "/" + copy_key + "?", 0), 0u) << location;
    // The address lasts the recording's length longer (3120 s reported), as a player seeks while it plays.
    EXPECT_NE(location.find("X-Amz-Expires=3420"), std::string::npos) << location;
    infra::CurlHttpClient browser;
    infra::HttpRequest fetch;
    fetch.url = location;
    auto got = browser.send(fetch);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, 200);
    EXPECT_EQ(got->content_type, "video/mp4");
    EXPECT_TRUE(got->body == real_video);
    EXPECT_EQ(s3.requests().back().auth, "query");

    // Gone from the bucket with the recording; the link stops opening.
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/", s.instructor_token).status, 204u);
    srv.app().workers().run_due();
    EXPECT_TRUE(s3.keys().empty());
    EXPECT_EQ(srv.get(path).status, 410u);
}

TEST_P(RecordingStorage, WithS3DownTheCopyIsRetriedAndTheRecordingPlaysFromTheProviderMeanwhile) {
    FakeS3 s3;
    Config cfg = with_s3(s3);
    cfg.ffmpeg = "off";
    TestServer srv{GetParam(), true, cfg};
    auto s = srv.make_school("stores3down", 1);
    s3.fail_next("PUT", 503, "SlowDown", 1);
    auto [id, rid] = reported(srv, s, host.url());
    ASSERT_FALSE(rid.empty());
    EXPECT_EQ(recording(srv, id, s.instructor_token).at("storage_status"), "copying");
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'store_recording' AND status = 'queued' AND attempts = 1"), 1);
    EXPECT_TRUE(s3.keys().empty());
    auto meanwhile = srv.get(play_path(srv, id, rid, s.instructor_token));
    EXPECT_EQ(meanwhile.status, 303u);
    EXPECT_EQ(meanwhile.headers["location"], host.url()) << "the provider's copy while ours is not there";

    srv.clock().advance(60);
    srv.app().workers().run_due();
    const std::string teacher = srv.token_for(s.instructor, s.tenant);
    EXPECT_EQ(recording(srv, id, teacher).at("storage_status"), "stored");
    EXPECT_TRUE(s3.object("recordings/" + s.tenant.id + "/" + rid + ".mp4") == video);
    // The bucket's calls are in /metrics under the store's own names, the refused PUT as an error.
    auto metrics = srv.get("/metrics");
    ASSERT_EQ(metrics.status, 200u);
    EXPECT_NE(metrics.body.find(R"(liveclass_storage_errors_total{store="s3",operation="put"} 1)"), std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find(R"(liveclass_storage_request_duration_seconds_count{store="s3",operation="put"} 2)"),
              std::string::npos)
        << metrics.body;
}

TEST_P(RecordingStorage, WithS3UnreachableTheThumbnailIsRetriedAndWatchFallsBackToTheProvider) {
    const std::string real_video = make_video(6);
    ASSERT_FALSE(real_video.empty()) << "ffmpeg could not make the test video";
    RecordingHost video_host{real_video};
    FakeS3 s3;
    TestServer srv{GetParam(), true, with_s3(s3)};
    auto s = srv.make_school("stores3head", 1);
    s3.fail_next("HEAD", 503, "SlowDown", 1);  // the thumbnail job's look-up of the copy
    auto [id, rid] = reported(srv, s, video_host.url());
    ASSERT_FALSE(rid.empty());
    auto r = recording(srv, id, s.instructor_token);
    EXPECT_EQ(r.at("storage_status"), "stored");
    EXPECT_EQ(r.at("thumbnail_url"), "") << "not made yet";
    EXPECT_EQ(srv.count_rows("jobs WHERE type = 'generate_thumbnail' AND status = 'queued' AND attempts = 1"), 1)
        << "retried, not given up";

    // The bucket does not answer when the link is opened: the provider's copy, not an error.
    s3.fail_next("HEAD", 503, "SlowDown", 1);
    auto played = srv.get(play_path(srv, id, rid, s.instructor_token));
    EXPECT_EQ(played.status, 303u);
    EXPECT_EQ(played.headers["location"], video_host.url());

    srv.clock().advance(60);
    srv.app().workers().run_due();
    const std::string teacher = srv.token_for(s.instructor, s.tenant);
    EXPECT_NE(recording(srv, id, teacher).at("thumbnail_url"), "");
    auto thumb = srv.get("/api/v1/live-sessions/" + id + "/recordings/" + rid + "/thumbnail/", teacher);
    EXPECT_EQ(thumb.status, 200u);
}

TEST_P(RecordingStorage, AProcessWithBadS3SettingsDoesNotStartAndSaysWhichSetting) {
    auto start_error = [&](Config cfg) -> std::string {
        try {
            TestServer srv{GetParam(), false, cfg};
        } catch (const std::runtime_error& e) {
            return e.what();
        }
        return "";
    };
    Config cfg;
    cfg.s3_bucket = "Bad_Bucket";
    cfg.s3_access_key_id = "AKID";
    cfg.s3_secret_access_key = "secret";
    EXPECT_NE(start_error(cfg).find("LIVE_S3_BUCKET"), std::string::npos);
    cfg.s3_bucket = "good-bucket";
    cfg.s3_secret_access_key.clear();
    EXPECT_NE(start_error(cfg).find("LIVE_S3_SECRET_ACCESS_KEY"), std::string::npos);
    cfg.s3_secret_access_key = "secret";
    cfg.s3_endpoint = "minio:9000";
    EXPECT_NE(start_error(cfg).find("LIVE_S3_ENDPOINT"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, RecordingStorage, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
