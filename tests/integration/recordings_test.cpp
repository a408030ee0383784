// A class's recordings through HTTP (seed 4.1, 5.1, 5.6, 9.5) on SQLite and PostgreSQL: a provider's
// recording_ready event makes a recording, the process_recording job makes it ready, the class's
// staff publish it, students list and watch only published ones through signed, short-lived links,
// and every link handed out is an audit row. Bad input answers a problem document and changes nothing.
#include <boost/json.hpp>

#include "core/time.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kHookSecret = "jitsi-webhook-secret-0123456789";
constexpr const char* kVideo = "https://recordings.okul.test/jibri/rec-1.mp4";

class Recordings : public ::testing::TestWithParam<Engine> {
protected:
    using School = TestServer::School;
    TestServer srv{GetParam()};

    /// An ended Jitsi class of `s` (webhook secret set); returns its id.
    std::string ended_class(const School& s, json::object extra = {}) {
        auto cfg = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                                json::object{{"provider", "jitsi"}, {"webhook_secret", kHookSecret}}, s.admin_token);
        EXPECT_EQ(cfg.status, 200u) << cfg.body;
        auto created = srv.create_session(s, std::move(extra));
        room_ = std::string(created.at("room_id").as_string());
        std::string id(created.at("id").as_string());
        EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
        EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
        return id;
    }

    /// What Jibri's finalize script posts when a file is uploaded (docs/webhooks.md).
    HttpResult recording_ready(const std::string& recording_id, const std::string& url) {
        std::string body = json::serialize(json::object{{"event", "recording_ready"},
                                                        {"room", room_},
                                                        {"recording_id", recording_id},
                                                        {"url", url},
                                                        {"duration_seconds", 3120},
                                                        {"size_bytes", 412300000}});
        std::string t = std::to_string(srv.clock().now());
        return http_request(srv.port(), "POST", "/api/v1/live-sessions/webhooks/jitsi/", body, "",
                            {{"Content-Type", "application/json"},
                             {"X-Live-Timestamp", t},
                             {"X-Live-Signature", "sha256=" + infra::hmac_sha256_hex(kHookSecret, t + "." + body)}});
    }

    /// The recordings of a class as `token` sees them.
    json::array list(const std::string& id, const std::string& token) {
        auto r = srv.get("/api/v1/live-sessions/" + id + "/recordings/", token);
        EXPECT_EQ(r.status, 200u) << r.body;
        if (r.status != 200) return {};
        EXPECT_EQ(r.obj().at("count").as_int64(), static_cast<std::int64_t>(r.obj().at("results").as_array().size()));
        return r.obj().at("results").as_array();
    }

    /// A recording of an ended class that the job made ready; returns (session id, recording id).
    std::pair<std::string, std::string> ready_recording(const School& s, json::object extra = {},
                                                        const std::string& url = kVideo) {
        std::string id = ended_class(s, std::move(extra));
        auto hook = recording_ready("jibri-rec-1", url);
        EXPECT_EQ(hook.status, 200u) << hook.body;
        srv.app().workers().run_due();  // the inbox, then process_recording
        auto all = list(id, s.instructor_token);
        EXPECT_EQ(all.size(), 1u);
        return {id, all.empty() ? std::string() : std::string(all[0].at("id").as_string())};
    }

    /// The API path of a class's one recording, checked to be in `status` ("" when it is not there).
    std::string only_recording(const std::string& id, const std::string& token, const char* status) {
        auto all = list(id, token);
        EXPECT_EQ(all.size(), 1u);
        if (all.size() != 1) return {};
        EXPECT_EQ(all[0].at("status"), status);
        return "/api/v1/live-sessions/" + id + "/recordings/" + std::string(all[0].at("id").as_string()) + "/";
    }

    /// The path of an access link (links are absolute only with LIVE_PUBLIC_URL).
    static std::string play_path(const HttpResult& access) { return access.str("url"); }

    long long rows(const std::string& where) { return srv.count_rows(where); }
    std::string room_;
};

TEST_P(Recordings, StaffPublishStudentsWatchThroughSignedLinksAndEveryLinkIsAudited) {
    auto s = srv.make_school("rec", 2);
    auto [id, rid] = ready_recording(s);
    ASSERT_FALSE(rid.empty());
    const std::string base = "/api/v1/live-sessions/" + id + "/recordings/" + rid + "/";

    // Ready: the staff see it with its metadata (the playback address is not listed); students do not.
    auto mine = list(id, s.instructor_token);
    EXPECT_EQ(mine[0].at("status"), "ready");
    EXPECT_EQ(mine[0].at("duration_seconds").as_int64(), 3120);
    EXPECT_EQ(mine[0].at("file_size_bytes").as_int64(), 412300000);
    EXPECT_EQ(mine[0].at("published_at"), nullptr);
    EXPECT_EQ(json::serialize(mine[0]).find("recordings.okul.test"), std::string::npos);
    EXPECT_TRUE(list(id, s.student_tokens[0]).empty());
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/", s.student_tokens[0]).obj().at("recordings_count"), 0);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token).obj().at("recordings_count"), 1);
    EXPECT_EQ(srv.get(base + "access/", s.student_tokens[0]).status, 404u) << "unpublished: not there for students";
    EXPECT_EQ(srv.post(base + "publish/", "", s.student_tokens[0]).status, 404u);

    // The instructor may watch it before publishing (to check it): a signed link, audited.
    auto staff_link = srv.get(base + "access/", s.instructor_token);
    ASSERT_EQ(staff_link.status, 200u) << staff_link.body;
    EXPECT_EQ(play_path(staff_link).rfind("/api/v1/recordings/play/rl1.", 0), 0u) << staff_link.body;
    EXPECT_EQ(js(staff_link.obj().at("expires_at")), format_iso8601(srv.clock().now() + 600));
    auto opened = srv.get(play_path(staff_link));
    EXPECT_EQ(opened.status, 303u) << opened.body;
    EXPECT_EQ(opened.headers["location"], kVideo);
    EXPECT_EQ(opened.headers["cache-control"], "no-store");

    // Publishing: students see it, are told (the notice job), and may watch it.
    auto published = srv.post(base + "publish/", "", s.instructor_token);
    ASSERT_EQ(published.status, 200u) << published.body;
    EXPECT_EQ(published.obj().at("status"), "published");
    EXPECT_EQ(js(published.obj().at("published_at")), format_iso8601(srv.clock().now()));
    EXPECT_EQ(rows("jobs WHERE type = 'notify_recording_published'"), 1);
    auto again = srv.post(base + "publish/", "", s.instructor_token);
    EXPECT_EQ(again.status, 409u);
    EXPECT_NE(again.body.find("already published"), std::string::npos) << again.body;
    EXPECT_EQ(list(id, s.student_tokens[0]).size(), 1u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + id + "/", s.student_tokens[0]).obj().at("recordings_count"), 1);
    EXPECT_EQ(srv.post(base + "unpublish/", "", s.student_tokens[0]).status, 403u);
    EXPECT_EQ(srv.del(base, s.student_tokens[0]).status, 403u);

    auto student_link = srv.get(base + "access/", s.student_tokens[0]);
    ASSERT_EQ(student_link.status, 200u) << student_link.body;
    EXPECT_EQ(srv.get(play_path(student_link)).headers["location"], kVideo);

    // Seed 9.5: who was given a way to watch which recording, from where, in which request.
    auto trail = srv.get("/api/v1/audit/?action=recording.access&resource_id=" + rid, s.admin_token);
    ASSERT_EQ(trail.status, 200u) << trail.body;
    const auto& access_rows = trail.obj().at("results").as_array();
    ASSERT_EQ(access_rows.size(), 2u) << trail.body;  // newest first
    EXPECT_EQ(js(access_rows[0].at("actor_id")), s.students[0].id);
    EXPECT_EQ(js(access_rows[1].at("actor_id")), s.instructor.id);
    EXPECT_EQ(access_rows[0].at("resource_type"), "live_session_recording");
    EXPECT_EQ(access_rows[0].at("ip_hash").as_string().size(), 64u);
    EXPECT_EQ(js(access_rows[0].at("details").at("session_id")), id);
    EXPECT_EQ(srv.get("/api/v1/audit/?action=recording.publish", s.admin_token).obj().at("count"), 1);

    // The person is checked again when a link opens: a student unenrolled since gets nothing.
    auto second = srv.get(base + "access/", s.student_tokens[1]);
    ASSERT_EQ(second.status, 200u) << second.body;
    ASSERT_EQ(
        srv.del("/api/v1/courses/" + s.course.id + "/enrollments/" + s.students[1].id + "/", s.admin_token).status,
        204u);
    auto unenrolled = srv.get(play_path(second));
    EXPECT_EQ(unenrolled.status, 410u) << unenrolled.body;
    EXPECT_EQ(unenrolled.headers.count("location"), 0u);

    // A link lasts LIVE_RECORDING_LINK_TTL (600 s by default).
    srv.clock().advance(601);
    auto expired = srv.get(play_path(student_link));
    EXPECT_EQ(expired.status, 410u) << expired.body;
    EXPECT_NE(expired.body.find("expired"), std::string::npos);

    // Unpublished: a student's fresh link stops opening; the instructor's still opens.
    student_link = srv.get(base + "access/", s.student_tokens[0]);
    staff_link = srv.get(base + "access/", s.instructor_token);
    auto hidden = srv.post(base + "unpublish/", "", s.instructor_token);
    ASSERT_EQ(hidden.status, 200u) << hidden.body;
    EXPECT_EQ(hidden.obj().at("status"), "ready");
    EXPECT_EQ(hidden.obj().at("published_at"), nullptr);
    EXPECT_EQ(srv.get(play_path(student_link)).status, 410u);
    EXPECT_EQ(srv.get(play_path(staff_link)).status, 303u);
    EXPECT_TRUE(list(id, s.student_tokens[0]).empty());

    // Deleted: gone from every list, links stop opening, and the provider reporting it again adds nothing.
    EXPECT_EQ(srv.del(base, s.instructor_token).status, 204u);
    EXPECT_TRUE(list(id, s.instructor_token).empty());
    EXPECT_EQ(srv.get(play_path(staff_link)).status, 410u);
    EXPECT_EQ(srv.get(base + "access/", s.instructor_token).status, 404u);
    EXPECT_EQ(srv.del(base, s.instructor_token).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/audit/?action=recording.delete", s.admin_token).obj().at("count"), 1);
    ASSERT_EQ(recording_ready("jibri-rec-1", kVideo).status, 200u);
    srv.app().workers().run_due();
    EXPECT_EQ(rows("live_session_recordings WHERE session_id = '" + id + "'"), 1);
}

TEST_P(Recordings, AModeratorPublishesButOnlyHostsAndAdminsDelete) {
    auto s = srv.make_school("recmod", 2);
    // The second student is a moderator (co-host) of the class.
    auto [id, rid] = ready_recording(s, {{"moderator_ids", json::array{json::value(s.students[1].id)}}});
    ASSERT_FALSE(rid.empty());
    const std::string base = "/api/v1/live-sessions/" + id + "/recordings/" + rid + "/";
    EXPECT_EQ(srv.post(base + "publish/", "", s.student_tokens[1]).status, 200u);
    EXPECT_EQ(srv.del(base, s.student_tokens[1]).status, 403u);
    EXPECT_EQ(srv.del(base, s.admin_token).status, 204u);
}

TEST_P(Recordings, ProcessingAndFailedRecordingsCannotBePublishedOrWatched) {
    auto s = srv.make_school("recproc", 1);
    std::string id = ended_class(s);
    // An event without a playback address: Jitsi has no recording list to find one in, so the job
    // retries (the address may come with a later delivery) and the recording stays in processing.
    ASSERT_EQ(recording_ready("jibri-rec-1", "").status, 200u);
    srv.app().workers().run_due();
    const std::string base = only_recording(id, s.instructor_token, "processing");
    ASSERT_FALSE(base.empty());
    auto early = srv.post(base + "publish/", "", s.instructor_token);
    EXPECT_EQ(early.status, 409u);
    EXPECT_NE(early.body.find("still being processed"), std::string::npos) << early.body;
    auto watch = srv.get(base + "access/", s.instructor_token);
    EXPECT_EQ(watch.status, 409u);
    EXPECT_EQ(watch.headers["content-type"], "application/problem+json");
    EXPECT_EQ(rows("audit_logs WHERE action = 'recording.access'"), 0) << "no link, no access row";

    // When the job's attempts are used up, the recording is marked failed (and the job is dead, for ops).
    for (int i = 0; i < 8; ++i) {
        srv.clock().advance(86400);
        srv.app().workers().run_due();
    }
    const std::string teacher = srv.token_for(s.instructor, s.tenant);  // the first one expired meanwhile
    EXPECT_EQ(list(id, teacher)[0].at("status"), "failed");
    EXPECT_EQ(rows("jobs WHERE type = 'process_recording' AND status = 'dead'"), 1);
    EXPECT_EQ(srv.post(base + "publish/", "", teacher).status, 409u);
    auto broken = srv.get(base + "access/", teacher);
    EXPECT_EQ(broken.status, 409u);
    EXPECT_NE(broken.body.find("could not be processed"), std::string::npos) << broken.body;
    EXPECT_EQ(srv.del(base, teacher).status, 204u) << "a failed recording can be removed";
}

TEST_P(Recordings, APlaybackAddressThatIsNotAWebUrlFailsTheRecording) {
    auto s = srv.make_school("recjs", 1);
    std::string id = ended_class(s);
    ASSERT_EQ(recording_ready("jibri-rec-2", "javascript:alert(1)").status, 200u);
    srv.app().workers().run_due();
    const std::string base = only_recording(id, s.instructor_token, "failed");  // never redirected to
    ASSERT_FALSE(base.empty());
    EXPECT_EQ(srv.get(base + "access/", s.instructor_token).status, 409u);
}

TEST_P(Recordings, RetentionFollowsThePolicyAndTheDailyCleanupDeletesWhatRanOut) {
    auto s = srv.make_school("recret", 1);
    auto other = srv.make_school("recretother", 1);
    // Seed 2.6 / 5.5: this school keeps recordings for 7 days; one class keeps its recording for ever.
    ASSERT_EQ(srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-policy/",
                           json::object{{"recording_retention_days", 7}}, s.admin_token)
                  .status,
              200u);
    const UnixTime ready_at = srv.clock().now();
    auto [id, rid] = ready_recording(s);
    auto [kept_id, kept_rid] = ready_recording(s, {{"policy", json::object{{"recording_retention_days", 0}}}});
    auto [other_id, other_rid] = ready_recording(other);  // the default: 90 days
    ASSERT_FALSE(rid.empty());
    ASSERT_FALSE(kept_rid.empty());
    ASSERT_FALSE(other_rid.empty());
    EXPECT_EQ(js(list(id, s.instructor_token)[0].at("expires_at")), format_iso8601(ready_at + 7 * 86400));
    EXPECT_EQ(list(kept_id, s.instructor_token)[0].at("expires_at"), nullptr);
    EXPECT_EQ(js(list(other_id, other.instructor_token)[0].at("expires_at")), format_iso8601(ready_at + 90 * 86400));
    const std::string base = "/api/v1/live-sessions/" + id + "/recordings/" + rid + "/";
    ASSERT_EQ(srv.post(base + "publish/", "", s.instructor_token).status, 200u);
    auto link = srv.get(base + "access/", s.student_tokens[0]);
    ASSERT_EQ(link.status, 200u) << link.body;

    // The first round runs at start-up and finds nothing to do; the next one is queued a day later.
    ASSERT_TRUE(srv.app().recordings().schedule_cleanup());
    srv.app().workers().run_due();
    EXPECT_EQ(rows("jobs WHERE type = 'cleanup_expired_recordings' AND status = 'done'"), 1);
    EXPECT_EQ(rows("jobs WHERE type = 'cleanup_expired_recordings' AND status = 'queued'"), 1);
    EXPECT_EQ(rows("live_session_recordings WHERE status = 'deleted'"), 0);

    // Six days on: still there.
    for (int day = 1; day <= 6; ++day) {
        srv.clock().advance(86400);
        srv.app().workers().run_due();
    }
    EXPECT_EQ(rows("live_session_recordings WHERE status = 'deleted'"), 0);
    // The seventh day's round deletes it: gone from the lists, its links stop opening, audited with no
    // actor (the school's policy did it), and the provider is asked to delete its copy (Jitsi keeps
    // none we can reach: that job is done at once).
    srv.clock().advance(86400);
    srv.app().workers().run_due();
    const std::string teacher = srv.token_for(s.instructor, s.tenant);
    const std::string admin = srv.token_for(s.admin, s.tenant);
    EXPECT_TRUE(list(id, teacher).empty());
    EXPECT_EQ(srv.get(base + "access/", teacher).status, 404u);
    EXPECT_EQ(srv.get(play_path(link)).status, 410u);
    auto trail = srv.get("/api/v1/audit/?action=recording.expire", admin);
    ASSERT_EQ(trail.status, 200u) << trail.body;
    ASSERT_EQ(trail.obj().at("count"), 1) << trail.body;
    const auto& row = trail.obj().at("results").as_array()[0];
    EXPECT_EQ(js(row.at("resource_id")), rid);
    EXPECT_EQ(row.at("actor_id"), nullptr);
    EXPECT_EQ(js(row.at("details").at("session_id")), id);
    EXPECT_EQ(rows("jobs WHERE type = 'delete_recording_copies' AND status = 'done'"), 1);
    // Kept: the class that keeps its recording for ever, and the other school's (90 days).
    EXPECT_EQ(list(kept_id, teacher).size(), 1u);
    EXPECT_EQ(list(other_id, srv.token_for(other.instructor, other.tenant)).size(), 1u);
    EXPECT_EQ(rows("live_session_recordings WHERE status = 'deleted'"), 1);
    // Each round queues exactly one successor.
    EXPECT_EQ(rows("jobs WHERE type = 'cleanup_expired_recordings' AND status = 'queued'"), 1);
    auto again = srv.app().recordings().cleanup_expired();
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0) << "a deleted recording is not deleted twice";
    EXPECT_EQ(srv.get("/api/v1/audit/?action=recording.expire", admin).obj().at("count"), 1);
}

TEST_P(Recordings, ACleanupRoundDeletesEveryExpiredRecordingAcrossBatches) {
    auto s = srv.make_school("recmany", 1);
    std::string id = ended_class(s);
    const long long now = srv.clock().now();
    {
        // 250 expired recordings (the round works in batches of 100) and one that expires tomorrow.
        soci::session sql(srv.app().db().pool());
        for (int i = 0; i <= 250; ++i) {
            std::string rid = infra::new_uuid(), provider_id = "bulk-" + std::to_string(i);
            long long expires = i < 250 ? now - 1 - i : now + 86400;
            sql << "INSERT INTO live_session_recordings(id, tenant_id, session_id, provider_recording_id, status, "
                   "expires_at, created_at) VALUES(:i, :t, :s, :p, 'ready', :e, :c)",
                soci::use(rid), soci::use(s.tenant.id), soci::use(id), soci::use(provider_id), soci::use(expires),
                soci::use(now);
        }
    }
    auto n = srv.app().recordings().cleanup_expired();
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(*n, 250);
    EXPECT_EQ(rows("live_session_recordings WHERE status = 'deleted'"), 250);
    EXPECT_EQ(rows("audit_logs WHERE action = 'recording.expire'"), 250);
    EXPECT_EQ(rows("jobs WHERE type = 'delete_recording_copies'"), 250);
    EXPECT_EQ(list(id, s.instructor_token).size(), 1u) << "the one that expires tomorrow";
}

TEST_P(Recordings, BadInputAnswersAProblemAndChangesNothing) {
    auto s = srv.make_school("recbad", 1);
    auto other = srv.make_school("recother", 1);
    auto [id, rid] = ready_recording(s);
    ASSERT_FALSE(rid.empty());
    const std::string base = "/api/v1/live-sessions/" + id + "/recordings/";

    auto bad_id = srv.post(base + "not-a-uuid/publish/", "", s.instructor_token);
    EXPECT_EQ(bad_id.status, 400u) << bad_id.body;
    EXPECT_EQ(bad_id.headers["content-type"], "application/problem+json");
    EXPECT_EQ(srv.post(base + "00000000-0000-4000-8000-000000000000/publish/", "", s.instructor_token).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/live-sessions/not-a-uuid/recordings/", s.instructor_token).status, 400u);
    EXPECT_EQ(srv.get(base, "").status, 401u);
    auto bad_thumb = srv.get(base + "not-a-uuid/thumbnail/", s.instructor_token);
    EXPECT_EQ(bad_thumb.status, 400u) << bad_thumb.body;
    EXPECT_EQ(bad_thumb.headers["content-type"], "application/problem+json");
    EXPECT_EQ(srv.get(base + rid + "/thumbnail/", "").status, 401u);
    auto no_thumb = srv.get(base + rid + "/thumbnail/", s.instructor_token);
    EXPECT_EQ(no_thumb.status, 404u) << "not copied (no public address), so no thumbnail";
    EXPECT_NE(no_thumb.body.find("no thumbnail"), std::string::npos) << no_thumb.body;

    // Another school: its admin and teacher find neither the class nor the recording.
    EXPECT_EQ(srv.get(base, other.admin_token).status, 404u);
    EXPECT_EQ(srv.get(base + rid + "/access/", other.admin_token).status, 404u);
    EXPECT_EQ(srv.post(base + rid + "/publish/", "", other.instructor_token).status, 404u);
    EXPECT_EQ(srv.del(base + rid + "/", other.admin_token).status, 404u);
    // The right recording under another class of the same school is not found either.
    std::string second(srv.create_session(s).at("id").as_string());
    EXPECT_EQ(
        srv.post("/api/v1/live-sessions/" + second + "/recordings/" + rid + "/publish/", "", s.instructor_token).status,
        404u);

    // Access links: altered, foreign or malformed tokens are not ours; query parameters are refused.
    auto link = srv.get(base + rid + "/access/", s.instructor_token);
    ASSERT_EQ(link.status, 200u);
    std::string path = play_path(link);
    std::string altered = path;
    altered[altered.size() - 5] = altered[altered.size() - 5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(srv.get(altered).status, 404u);
    EXPECT_EQ(srv.get("/api/v1/recordings/play/lt1.AAAA/").status, 404u);
    EXPECT_EQ(srv.get("/api/v1/recordings/play/" + std::string(5000, 'a') + "/").status, 404u);
    auto with_query = srv.get(path + "?next=https://evil.test/");
    EXPECT_EQ(with_query.status, 400u) << with_query.body;

    // Nothing changed: still ready, one publish-free trail.
    EXPECT_EQ(list(id, s.instructor_token)[0].at("status"), "ready");
    EXPECT_EQ(rows("audit_logs WHERE action LIKE 'recording.%' AND action <> 'recording.access'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, Recordings, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
