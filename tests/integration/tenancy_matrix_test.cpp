// The cross-tenant matrix, generated from the route table: every route the Api registers must be
// listed in kRoutes below, either with the fixture object each {placeholder} names, or as a route
// without a tenant object (with the reason). A route added without an entry fails RouteTableIsClassified.
//
// For every classified route x method x role of school A (admin, instructor, student) x object:
//   * another school's object (every placeholder, and each placeholder alone) answers exactly what a
//     missing id answers -- 404, or 403 when the role is refused before any lookup -- never 2xx,
//     and never a byte of school B's data (ids, titles, e-mails, names, domains);
//   * a missing id answers 404 (or that same role refusal);
//   * school A's own object answers the admin with success (the fixture is right, so the 404s mean
//     something) and never answers anyone with a 5xx.
// Lists are checked for B's data as well. School B's data is unchanged at the end. SQLite and PostgreSQL.
#include <soci/soci.h>

#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"
#include "store/artifact_repo.hpp"
#include "store/webhook_repo.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

/// What a {placeholder} refers to.
/// kErasable: a user made for the cell (erasure cannot be undone, so never the fixture's student).
/// kEndedSession: a class that ran and ended (its event stream answers at once and closes).
/// kRecordedSession: a class with a ready recording; kRecording: that recording (the last one made).
/// kArtifactSession: a class with a chat log; kArtifact: that artifact (the last one made).
enum class Obj {
    kSession,
    kLiveSession,
    kCourse,
    kStudent,
    kInstructor,
    kTenant,
    kErasable,
    kSeries,
    kEndedSession,
    kRecordedSession,
    kRecording,
    kArtifactSession,
    kArtifact
};

struct RouteCase {
    std::string method, pattern;
    std::vector<Obj> params;  // one per {placeholder}, in order; empty for a collection or no-object route
    /// The request body; "$student" / "$instructor" are replaced with school A's users, "$now" with the
    /// time. Empty: no body.
    std::string body;
    /// Statuses school A's admin may get on a fresh object of school A (default: 200, 201, 204).
    std::set<unsigned> admin_own = {};
    /// Non-empty: the route names no tenant object in its path; why it is outside the matrix.
    std::string no_object = {};
};

const std::vector<RouteCase>& route_table() {
    using O = Obj;
    static const std::vector<RouteCase> t = {
        {"GET", "/health", {}, "", {}, "public liveness probe, no tenant data"},
        {"GET", "/health/live-provider/", {}, "", {}, "public provider probe: endpoints and school counts only"},
        {"POST",
         "/api/v1/live-sessions/webhooks/{provider}/",
         {},
         "",
         {},
         "provider-signed; the school is found from the signed room (WebhooksTest, webhook fuzz target)"},
        {"GET",
         "/api/v1/live-sessions/webhooks/{provider}/",
         {},
         "",
         {},
         "BigBlueButton's signed end callback; no bearer token (WebhooksTest)"},
        {"POST", "/api/v1/auth/login/", {}, "", {}, "anonymous login (AuthTest, BadTokens)"},
        {"GET", "/api/v1/auth/me/", {}, "", {}, "the caller itself; checked for B's data below as a list"},
        {"GET", "/api/v1/live-sessions/", {}, "", {}, "collection: checked for B's data below"},
        {"POST",
         "/api/v1/live-sessions/",
         {},
         "",
         {},
         "create: foreign ids in the body are Tenancy.AnotherSchoolsIdsInABodyAreRejected, fields MassAssignment"},
        {"GET", "/api/v1/audit/", {}, "", {}, "collection: checked for B's data below"},
        {"GET", "/api/v1/users/", {}, "", {}, "collection: checked for B's data below"},
        {"POST", "/api/v1/users/", {}, "", {}, "create in the caller's school: MassAssignment"},
        {"GET", "/api/v1/courses/", {}, "", {}, "collection: checked for B's data below"},
        {"GET", "/api/v1/ops/live/", {}, "", {}, "collection (the caller's school's live classes): checked below"},
        {"GET",
         "/metrics",
         {},
         "",
         {},
         "Prometheus text, loopback or metrics token; labels are route patterns (Metrics*)"},
        {"GET",
         "/api/v1/launch/{token}/",
         {},
         "",
         {},
         "{token} is a sealed launch link, not an id: forged/expired/reused ones are Security* tests"},
        {"POST", "/api/v1/courses/", {}, "", {}, "create: foreign instructor ids are Tenancy.AnotherSchoolsIds..."},

        {"POST",
         "/api/v1/live-sessions/{id}/participants/{user_id}/kick/",
         {O::kLiveSession, O::kStudent},
         R"({"reason":"matrix"})"},
        {"POST", "/api/v1/live-sessions/{id}/participants/{user_id}/mute/", {O::kLiveSession, O::kStudent}, ""},
        {"GET", "/api/v1/live-sessions/{id}/", {O::kSession}, ""},
        {"PATCH", "/api/v1/live-sessions/{id}/", {O::kSession}, R"({"title":"Matrix edit"})"},
        {"DELETE", "/api/v1/live-sessions/{id}/", {O::kSession}, ""},
        {"POST", "/api/v1/live-sessions/{id}/start/", {O::kSession}, ""},
        {"POST", "/api/v1/live-sessions/{id}/end/", {O::kLiveSession}, ""},
        {"POST", "/api/v1/live-sessions/{id}/join/", {O::kLiveSession}, ""},
        // The admin does not take part in the class: no heartbeat or leave of theirs to record.
        {"POST", "/api/v1/live-sessions/{id}/heartbeat/", {O::kLiveSession}, R"({"visible":true})", {200, 409}},
        {"POST", "/api/v1/live-sessions/{id}/leave/", {O::kLiveSession}, "", {200, 409}},
        {"GET", "/api/v1/live-sessions/{id}/attendance/", {O::kSession}, ""},
        // Attendance is computed for ended classes; a live one answers 409.
        {"POST", "/api/v1/live-sessions/{id}/attendance/recalculate/", {O::kLiveSession}, "", {200, 409}},
        {"GET", "/api/v1/live-sessions/{id}/attendance/timeline/", {O::kSession}, ""},
        // Who is in the room: hosts, moderators and admins (a student of the class 403).
        {"GET", "/api/v1/live-sessions/{id}/participants/", {O::kLiveSession}, ""},
        // The event stream of an ended class is finite (its snapshot, `ended`, the last chunk), so a plain
        // request reads all of it; refusals are problem documents before any stream opens.
        {"GET", "/api/v1/live-sessions/{id}/participants/stream/", {O::kEndedSession}, ""},
        // A Jitsi class's own whiteboard (seed 7.2). Its export is 409 while nothing is drawn (the matrix
        // runs routes in no fixed order); its stream, like the participants', is finite for an ended class.
        {"GET", "/api/v1/live-sessions/{id}/whiteboard/", {O::kLiveSession}, ""},
        {"PATCH",
         "/api/v1/live-sessions/{id}/whiteboard/",
         {O::kLiveSession},
         R"({"elements":[{"id":"matrix","type":"rectangle","version":1,"versionNonce":1}]})"},
        {"GET", "/api/v1/live-sessions/{id}/whiteboard/export/", {O::kLiveSession}, "", {200, 409}},
        {"GET", "/api/v1/live-sessions/{id}/whiteboard/stream/", {O::kEndedSession}, ""},
        {"GET", "/api/v1/courses/{id}/attendance/", {O::kCourse}, ""},
        {"GET", "/api/v1/users/{id}/attendance/", {O::kStudent}, ""},
        {"GET", "/api/v1/tenants/{id}/", {O::kTenant}, ""},
        {"PATCH", "/api/v1/tenants/{id}/", {O::kTenant}, R"({"name":"School school-a"})"},
        {"GET", "/api/v1/tenants/{id}/live-config/", {O::kTenant}, ""},
        {"PUT",
         "/api/v1/tenants/{id}/live-config/",
         {O::kTenant},
         R"({"provider":"jitsi","jitsi_domain":"meet.school-a.test"})"},
        {"GET", "/api/v1/tenants/{id}/live-policy/", {O::kTenant}, ""},
        {"PUT", "/api/v1/tenants/{id}/live-policy/", {O::kTenant}, R"({"lobby_enabled":true})"},
        {"GET", "/api/v1/courses/{id}/live-policy/", {O::kCourse}, ""},
        {"PUT", "/api/v1/courses/{id}/live-policy/", {O::kCourse}, R"({"lobby_enabled":true})"},
        {"GET", "/api/v1/users/{id}/", {O::kStudent}, ""},
        {"GET", "/api/v1/users/{id}/data-export/", {O::kStudent}, ""},
        {"POST", "/api/v1/users/{id}/erase/", {O::kErasable}, R"({"confirm":true})"},
        {"PATCH", "/api/v1/users/{id}/", {O::kStudent}, R"({"full_name":"Name student1@school-a.test"})"},
        {"GET", "/api/v1/courses/{id}/", {O::kCourse}, ""},
        {"PATCH", "/api/v1/courses/{id}/", {O::kCourse}, R"({"title":"Matrix course"})"},
        {"DELETE", "/api/v1/courses/{id}/", {O::kCourse}, ""},
        {"POST", "/api/v1/courses/{id}/instructors/", {O::kCourse}, R"({"user_id":"$instructor"})"},
        {"DELETE", "/api/v1/courses/{id}/instructors/{user_id}/", {O::kCourse, O::kInstructor}, ""},
        {"GET", "/api/v1/courses/{id}/enrollments/", {O::kCourse}, ""},
        {"POST", "/api/v1/courses/{id}/enrollments/", {O::kCourse}, R"({"user_id":"$student"})"},
        {"DELETE", "/api/v1/courses/{id}/enrollments/{user_id}/", {O::kCourse, O::kStudent}, ""},
        // ---- recurring classes (issue 6) ----
        {"POST",
         "/api/v1/live-series/",
         {},
         "",
         {},
         "create: a foreign course id in the body is a 422 (Series.BadRules*)"},
        {"GET", "/api/v1/live-series/{id}/", {O::kSeries}, ""},
        {"PATCH", "/api/v1/live-series/{id}/", {O::kSeries}, R"({"title":"Matrix series"})"},
        {"DELETE", "/api/v1/live-series/{id}/", {O::kSeries}, ""},
        {"GET", "/api/v1/live-series/{id}/calendar/", {O::kSeries}, ""},
        // ---- notifications and calendars (issue 6) ----
        {"GET", "/api/v1/live-sessions/{id}/calendar/", {O::kSession}, ""},
        {"GET", "/api/v1/notifications/preferences/", {}, "", {}, "the caller's own settings: checked below"},
        {"PATCH", "/api/v1/notifications/preferences/", {}, "", {}, "the caller's own settings (Notifications.*)"},
        {"GET", "/api/v1/notifications/push-subscriptions/", {}, "", {}, "the caller's own browsers: checked below"},
        {"POST", "/api/v1/notifications/push-subscriptions/", {}, "", {}, "adds to the caller's own (Notifications.*)"},
        {"DELETE",
         "/api/v1/notifications/push-subscriptions/{id}/",
         {},
         "",
         {},
         "the caller's own subscriptions only: another person's id is a 404 (Notifications.PushSubscriptions*)"},
        {"GET", "/api/v1/notifications/deliveries/", {}, "", {}, "collection: checked for B's data below"},
        {"GET",
         "/api/v1/notifications/unsubscribe/{token}/",
         {},
         "",
         {},
         "{token} is an HMAC-signed link, not an id: forged ones are Notifications.TheUnsubscribeLink*"},
        {"POST",
         "/api/v1/notifications/unsubscribe/{token}/",
         {},
         "",
         {},
         "{token} is an HMAC-signed link, not an id: forged ones are Notifications.TheUnsubscribeLink*"},
        {"GET", "/api/v1/calendar/feed/", {}, "", {}, "the caller's own feed: checked below"},
        {"POST", "/api/v1/calendar/feed/", {}, "", {}, "makes the caller's own feed (Calendar.APersonalFeed*)"},
        {"DELETE", "/api/v1/calendar/feed/", {}, "", {}, "revokes the caller's own feed (Calendar.APersonalFeed*)"},
        {"GET", "/api/v1/live-sessions/{id}/recordings/", {O::kRecordedSession}, ""},
        {"GET", "/api/v1/live-sessions/{id}/recordings/{rid}/access/", {O::kRecordedSession, O::kRecording}, ""},
        // The fixture's recording is not copied (its address is not public), so it has no thumbnail: 404
        // "no thumbnail (yet)" for its own school; RecordingStorage.AStoredVideoGets* covers the 200.
        {"GET",
         "/api/v1/live-sessions/{id}/recordings/{rid}/thumbnail/",
         {O::kRecordedSession, O::kRecording},
         "",
         {404}},
        // Nor a transcript (404), and the matrix's server has no speech-to-text service (409); the 200 and
        // 202 are Transcripts.*.
        {"GET",
         "/api/v1/live-sessions/{id}/recordings/{rid}/transcript/",
         {O::kRecordedSession, O::kRecording},
         "",
         {404}},
        {"POST",
         "/api/v1/live-sessions/{id}/recordings/{rid}/transcript/",
         {O::kRecordedSession, O::kRecording},
         "",
         {409}},
        // Nor a summary or quiz suggestions (404), and no AI service (409); the 200 and 202 are LessonNotes.*.
        {"GET",
         "/api/v1/live-sessions/{id}/recordings/{rid}/summary/",
         {O::kRecordedSession, O::kRecording},
         "",
         {404}},
        {"POST",
         "/api/v1/live-sessions/{id}/recordings/{rid}/summary/",
         {O::kRecordedSession, O::kRecording},
         "",
         {409}},
        {"GET", "/api/v1/live-sessions/{id}/recordings/{rid}/quiz/", {O::kRecordedSession, O::kRecording}, "", {404}},
        {"POST", "/api/v1/live-sessions/{id}/recordings/{rid}/quiz/", {O::kRecordedSession, O::kRecording}, "", {409}},
        {"POST", "/api/v1/live-sessions/{id}/recordings/{rid}/publish/", {O::kRecordedSession, O::kRecording}, ""},
        // A fresh recording is ready, not published: there is nothing to unpublish (409).
        {"POST",
         "/api/v1/live-sessions/{id}/recordings/{rid}/unpublish/",
         {O::kRecordedSession, O::kRecording},
         "",
         {200, 409}},
        {"DELETE", "/api/v1/live-sessions/{id}/recordings/{rid}/", {O::kRecordedSession, O::kRecording}, ""},
        {"GET",
         "/api/v1/recordings/play/{token}/",
         {},
         "",
         {},
         "{token} is a sealed recording link, not an id: altered/expired ones are Recordings.* tests"},
        {"GET", "/api/v1/live-sessions/{id}/artifacts/", {O::kArtifactSession}, ""},
        {"POST",
         "/api/v1/live-sessions/{id}/artifacts/chat/",
         {O::kLiveSession},
         R"({"messages":[{"timestamp":"$now","sender":"Matrix","message":"hello"}]})"},
        {"GET", "/api/v1/live-sessions/{id}/artifacts/{aid}/download/", {O::kArtifactSession, O::kArtifact}, ""},
        {"DELETE", "/api/v1/live-sessions/{id}/artifacts/{aid}/", {O::kArtifactSession, O::kArtifact}, ""},
        {"GET",
         "/api/v1/artifacts/download/{token}/",
         {},
         "",
         {},
         "{token} is a sealed download link, not an id: altered/expired ones are Artifacts.* tests"},
        {"GET",
         "/api/v1/calendar/feed/{token}.ics",
         {},
         "",
         {},
         "{token} is a secret feed token (only its hash is stored): Calendar.APersonalFeed*"},
    };
    return t;
}

std::size_t placeholders(const std::string& pattern) {
    std::size_t n = 0;
    for (char ch : pattern) n += ch == '{';
    return n;
}

class TenancyMatrix : public ::testing::TestWithParam<Engine> {
protected:
    /// Rate limits off: the matrix joins classes far more often than a person could (RateLimit* tests cover them).
    static Config no_rate_limits() {
        Config c;
        c.rate_join_per_user = 0;
        c.rate_join_per_ip = 0;
        return c;
    }
    TestServer srv{GetParam(), true, no_rate_limits()};
    TestServer::School a = srv.make_school("school-a", 1);
    TestServer::School b = srv.make_school("school-b", 1);
    std::string b_session, b_live, b_series, b_recording;
    std::string a_recorded, a_recording;  // the last class with a recording made for school A, and it
    std::string b_artifact;
    std::string a_artifact_session, a_artifact;  // the last class with a chat log made for school A, and it

    /// A chat log of `session` (as the export_chat_log job leaves one), made in the database.
    std::string make_artifact(const TestServer::School& school, const std::string& session) {
        domain::Artifact art;
        art.id = infra::new_uuid();
        art.tenant_id = school.tenant.id;
        art.session_id = session;
        art.type = domain::ArtifactType::kChat;
        art.title = "Chat of " + school.tenant.slug;
        art.content = R"({"messages":[{"sender":"Secret sender of )" + school.tenant.slug + R"("}]})";
        art.source_id = "zoom:" + art.id;
        art.created_at = srv.clock().now();
        soci::session sql(srv.app().db().pool());
        EXPECT_TRUE(store::insert_artifact(sql, art));
        return art.id;
    }

    /// A ready recording of `session` (as the process_recording job leaves one), made in the database.
    std::string make_recording(const TestServer::School& school, const std::string& session) {
        std::string id = infra::new_uuid();
        soci::session sql(srv.app().db().pool());
        EXPECT_TRUE(store::insert_provider_recording(sql, id, school.tenant.id, session, "rec-" + id,
                                                     "https://recordings." + school.tenant.slug + ".test/" + id, 60,
                                                     1000, "mp4", srv.clock().now()));
        sql << "UPDATE live_session_recordings SET status = 'ready' WHERE id = :i", soci::use(id);
        return id;
    }

    /// A weekly series of two classes in the school's course, starting in a week.
    std::string make_series(const TestServer::School& school) {
        UnixTime start = (srv.clock().now() / 86400 + 7) * 86400 + 9 * 3600;
        auto r = srv.post_json("/api/v1/live-series/",
                               {{"course_id", school.course.id},
                                {"title", "Series of " + school.tenant.slug},
                                {"rrule", "FREQ=DAILY;COUNT=2"},
                                {"timezone", "UTC"},
                                {"first_start", format_iso8601(start)},
                                {"duration_minutes", 45}},
                               school.instructor_token);
        EXPECT_EQ(r.status, 201u) << r.body;
        return r.str("id");
    }
    std::vector<std::string> b_markers;

    void SetUp() override {
        b_session = js(srv.create_session(b, {{"title", "Secret B class 4711"}}).at("id"));
        b_live = js(srv.create_session(b, {{"title", "Secret B live class 4712"}}).at("id"));
        b_series = make_series(b);
        b_recording = make_recording(b, b_session);
        b_artifact = make_artifact(b, b_session);
        ASSERT_EQ(srv.post("/api/v1/live-sessions/" + b_live + "/start/", "", b.instructor_token).status, 200u);
        ASSERT_EQ(srv.post("/api/v1/live-sessions/" + b_live + "/join/", "", b.student_tokens[0]).status, 200u);
        b_markers = {b_session,
                     b_recording,
                     b_artifact,
                     "Chat of school-b",
                     "Secret sender of school-b",
                     "recordings.school-b.test",
                     b_live,
                     b_series,
                     "Series of school-b",
                     b.course.id,
                     b.tenant.id,
                     b.admin.id,
                     b.instructor.id,
                     b.students[0].id,
                     "Secret B class",
                     b.course.title,
                     b.tenant.name,
                     b.admin.email,
                     b.instructor.email,
                     b.students[0].email,
                     "meet.school-b.test",
                     "jitsi-secret-of-school-b"};
    }

    std::vector<std::pair<std::string, std::string>> roles() const {
        return {{"A admin", a.admin_token}, {"A instructor", a.instructor_token}, {"A student", a.student_tokens[0]}};
    }

    ::testing::AssertionResult leaks_nothing(const HttpResult& r) const {
        for (const auto& m : b_markers)
            if (r.body.find(m) != std::string::npos)
                return ::testing::AssertionFailure() << "answer contains school B's '" << m << "': " << r.body;
        for (const auto& [k, v] : r.headers)
            for (const auto& m : b_markers)
                if (v.find(m) != std::string::npos)
                    return ::testing::AssertionFailure() << "header " << k << " contains school B's '" << m << "'";
        return ::testing::AssertionSuccess();
    }

    std::string foreign(Obj o) const {
        switch (o) {
            case Obj::kSession:
                return b_session;
            case Obj::kLiveSession:
                return b_live;
            case Obj::kCourse:
                return b.course.id;
            case Obj::kStudent:
                return b.students[0].id;
            case Obj::kInstructor:
                return b.instructor.id;
            case Obj::kTenant:
                return b.tenant.id;
            case Obj::kErasable:
                return b.students[0].id;
            case Obj::kSeries:
                return b_series;
            case Obj::kEndedSession:
                return b_session;  // any class of school B: refused like a missing one
            case Obj::kRecordedSession:
                return b_session;
            case Obj::kRecording:
                return b_recording;
            case Obj::kArtifactSession:
                return b_session;
            case Obj::kArtifact:
                return b_artifact;
        }
        return {};
    }

    /// A fresh object of school A (so that destructive routes never spoil another cell).
    std::string own(Obj o) {
        services::Principal admin{a.admin, a.tenant};
        switch (o) {
            case Obj::kSession:
                return js(srv.create_session(a).at("id"));
            case Obj::kLiveSession: {
                std::string id = js(srv.create_session(a).at("id"));
                auto r = srv.post("/api/v1/live-sessions/" + id + "/start/", "", a.instructor_token);
                EXPECT_EQ(r.status, 200u) << r.body;
                auto j = srv.post("/api/v1/live-sessions/" + id + "/join/", "", a.student_tokens[0]);
                EXPECT_EQ(j.status, 200u) << j.body;
                return id;
            }
            case Obj::kCourse: {
                auto c = srv.app().directory().create_course(admin, {"Matrix course of A", "", {a.instructor.id}});
                EXPECT_TRUE(c.ok());
                EXPECT_TRUE(srv.app().directory().enroll(admin, c.value().id, a.students[0].id).ok());
                return c.value().id;
            }
            case Obj::kStudent:
                return a.students[0].id;
            case Obj::kInstructor:
                return a.instructor.id;
            case Obj::kTenant:
                return a.tenant.id;
            case Obj::kErasable: {
                services::NewUser u;
                u.email = "erasable-" + infra::random_hex(4) + "@school-a.test";
                u.password = "password-erasable";
                u.full_name = "Erasable";
                u.role = domain::UserRole::kStudent;
                auto made = srv.app().directory().create_user_in("school-a", u);
                EXPECT_TRUE(made.ok());
                return made.value().id;
            }
            case Obj::kSeries:
                return make_series(a);
            case Obj::kEndedSession: {
                std::string id = own(Obj::kLiveSession);
                auto r = srv.post("/api/v1/live-sessions/" + id + "/end/", "", a.instructor_token);
                EXPECT_EQ(r.status, 200u) << r.body;
                return id;
            }
            case Obj::kRecordedSession:
                a_recorded = js(srv.create_session(a).at("id"));
                a_recording = make_recording(a, a_recorded);
                return a_recorded;
            case Obj::kRecording:
                if (a_recording.empty()) own(Obj::kRecordedSession);
                return a_recording;
            case Obj::kArtifactSession:
                a_artifact_session = js(srv.create_session(a).at("id"));
                a_artifact = make_artifact(a, a_artifact_session);
                return a_artifact_session;
            case Obj::kArtifact:
                if (a_artifact.empty()) own(Obj::kArtifactSession);
                return a_artifact;
        }
        return {};
    }

    static std::string fill(const std::string& pattern, const std::vector<std::string>& ids) {
        std::string out;
        std::size_t i = 0;
        for (std::size_t p = 0; p < pattern.size(); ++p) {
            if (pattern[p] != '{') {
                out += pattern[p];
                continue;
            }
            out += ids.at(i++);
            p = pattern.find('}', p);
        }
        return out;
    }

    std::string body_of(const RouteCase& rc) {
        std::string s = rc.body;
        for (const auto& [k, v] : {std::pair<std::string, std::string>{"$student", a.students[0].id},
                                   std::pair<std::string, std::string>{"$instructor", a.instructor.id},
                                   std::pair<std::string, std::string>{"$now", format_iso8601(srv.clock().now())}})
            if (auto pos = s.find(k); pos != std::string::npos) s.replace(pos, k.size(), v);
        return s;
    }

    HttpResult call(const RouteCase& rc, const std::vector<std::string>& ids, const std::string& token) {
        return http_request(srv.port(), rc.method, fill(rc.pattern, ids), body_of(rc), token);
    }

    /// B's data as B's admin sees it, plus row counts: must be the same after the matrix ran.
    std::vector<std::string> b_snapshot() {
        std::vector<std::string> out;
        for (const std::string& t :
             {"/api/v1/live-sessions/" + b_session + "/", "/api/v1/live-sessions/" + b_live + "/",
              "/api/v1/live-sessions/" + b_live + "/attendance/", "/api/v1/courses/" + b.course.id + "/",
              "/api/v1/courses/" + b.course.id + "/enrollments/", "/api/v1/courses/" + b.course.id + "/live-policy/",
              "/api/v1/users/" + b.students[0].id + "/", "/api/v1/users/" + b.instructor.id + "/",
              "/api/v1/tenants/" + b.tenant.id + "/", "/api/v1/tenants/" + b.tenant.id + "/live-config/",
              "/api/v1/tenants/" + b.tenant.id + "/live-policy/", std::string("/api/v1/users/"),
              std::string("/api/v1/courses/")}) {
            auto r = srv.get(t, b.admin_token);
            EXPECT_EQ(r.status, 200u) << t << ": " << r.body;
            out.push_back(t + " " + r.body);
        }
        soci::session sql(srv.app().db().pool());
        for (const std::string& from :
             {std::string("jobs WHERE tenant_id = :t"), std::string("enrollments WHERE tenant_id = :t"),
              std::string("users WHERE tenant_id = :t"), std::string("courses WHERE tenant_id = :t"),
              std::string("live_sessions WHERE tenant_id = :t"),
              std::string("live_session_recordings WHERE tenant_id = :t AND status = 'ready'"),
              std::string("live_session_artifacts WHERE tenant_id = :t"),
              std::string("live_session_participants WHERE session_id IN (SELECT id FROM live_sessions WHERE "
                          "tenant_id = :t)"),
              std::string("course_instructors WHERE course_id IN (SELECT id FROM courses WHERE tenant_id = :t)")}) {
            long long n = -1;
            sql << "SELECT COUNT(*) FROM " + from, soci::use(b.tenant.id), soci::into(n);
            out.push_back(from + " " + std::to_string(n));
        }
        return out;
    }
};

// Fails when a route is added (or changed) without a line in kRoutes, or a line names no route.
TEST_P(TenancyMatrix, RouteTableIsClassified) {
    std::set<std::pair<std::string, std::string>> registered, listed;
    for (const auto& r : srv.app().api().router().routes()) registered.insert({r.method, r.pattern});
    ASSERT_GT(registered.size(), 40u);
    for (const auto& rc : route_table()) {
        EXPECT_TRUE(listed.insert({rc.method, rc.pattern}).second)
            << "listed twice: " << rc.method << " " << rc.pattern;
        if (rc.no_object.empty())
            EXPECT_EQ(rc.params.size(), placeholders(rc.pattern))
                << rc.method << " " << rc.pattern << ": say what each {placeholder} names";
        else
            EXPECT_TRUE(rc.params.empty()) << rc.method << " " << rc.pattern;
    }
    for (const auto& r : registered)
        EXPECT_TRUE(listed.count(r))
            << "route " << r.first << " " << r.second
            << " is not in the cross-tenant matrix (tests/integration/tenancy_matrix_test.cpp): classify it";
    for (const auto& l : listed)
        EXPECT_TRUE(registered.count(l)) << "the matrix lists " << l.first << " " << l.second << ", which is no route";
}

TEST_P(TenancyMatrix, AnotherSchoolsObjectsAnswerLikeMissingOnesAndLeakNothing) {
    auto before = b_snapshot();
    int cells = 0;
    for (const auto& rc : route_table()) {
        if (!rc.no_object.empty()) continue;
        for (const auto& [who, token] : roles()) {
            const std::string label = who + " " + rc.method + " " + rc.pattern;
            // Missing: every placeholder at once, then each alone (the others school A's own objects).
            std::vector<std::string> missing;
            for (std::size_t i = 0; i < rc.params.size(); ++i) missing.push_back(infra::new_uuid());
            auto m = call(rc, missing, token);
            ++cells;
            bool refused = m.status == 403u && who != "A admin";
            EXPECT_TRUE(m.status == 404u || refused) << label << " missing: " << m.status << " " << m.body;
            EXPECT_EQ(m.headers["content-type"], "application/problem+json") << label << " missing";
            // Another school's objects: all placeholders at once (compared with all missing), then each
            // alone with school A's own objects in the other places (compared with that one missing).
            std::vector<std::pair<std::vector<std::string>, unsigned>> variants;
            std::vector<std::string> all;
            for (Obj o : rc.params) all.push_back(foreign(o));
            variants.push_back({all, m.status});
            if (rc.params.size() > 1) {
                for (std::size_t i = 0; i < rc.params.size(); ++i) {
                    std::vector<std::string> mixed, gone;
                    for (std::size_t k = 0; k < rc.params.size(); ++k) {
                        mixed.push_back(k == i ? foreign(rc.params[k]) : own(rc.params[k]));
                        gone.push_back(k == i ? infra::new_uuid() : mixed.back());
                    }
                    auto g = call(rc, gone, token);
                    ++cells;
                    EXPECT_TRUE(g.status == 404u || (g.status == 403u && who != "A admin"))
                        << label << " one placeholder missing: " << g.status << " " << g.body;
                    variants.push_back({mixed, g.status});
                }
            }
            for (const auto& [ids, expected] : variants) {
                auto r = call(rc, ids, token);
                ++cells;
                EXPECT_EQ(r.status, expected) << label << " with " << fill(rc.pattern, ids)
                                              << ": another school's object must answer like a missing one; " << r.body;
                EXPECT_NE(r.status / 100, 2u) << label;
                EXPECT_TRUE(leaks_nothing(r)) << label;
            }
        }
    }
    // School A's own objects: the fixture is valid (the admin succeeds) and nobody gets a 5xx.
    for (const auto& rc : route_table()) {
        if (!rc.no_object.empty()) continue;
        for (const auto& [who, token] : roles()) {
            std::vector<std::string> ids;
            for (Obj o : rc.params) ids.push_back(own(o));
            auto r = call(rc, ids, token);
            ++cells;
            const std::string label = who + " " + rc.method + " " + fill(rc.pattern, ids);
            EXPECT_LT(r.status, 500u) << label << ": " << r.body;
            if (who == "A admin") {
                std::set<unsigned> ok = rc.admin_own.empty() ? std::set<unsigned>{200, 201, 204} : rc.admin_own;
                EXPECT_TRUE(ok.count(r.status)) << label << ": " << r.status << " " << r.body;
            }
            EXPECT_TRUE(leaks_nothing(r)) << label;
        }
    }
    // Lists and the caller's own record never show school B's data.
    for (const std::string& t : std::vector<std::string>{
             "/api/v1/live-sessions/", "/api/v1/ops/live/", "/api/v1/users/", "/api/v1/courses/", "/api/v1/audit/",
             "/api/v1/auth/me/", "/api/v1/users/me/attendance/", "/api/v1/live-sessions/?course=" + b.course.id,
             "/api/v1/users/?search=school-b", "/api/v1/audit/?resource_id=" + b_live,
             "/api/v1/users/me/attendance/?course=" + b.course.id, "/api/v1/notifications/deliveries/",
             "/api/v1/notifications/deliveries/?session=" + b_session, "/api/v1/notifications/preferences/",
             "/api/v1/notifications/push-subscriptions/", "/api/v1/calendar/feed/"}) {
        for (const auto& [who, token] : roles()) {
            auto r = srv.get(t, token);
            ++cells;
            EXPECT_LT(r.status, 500u) << who << " " << t;
            EXPECT_TRUE(leaks_nothing(r)) << who << " GET " << t;
        }
    }
    EXPECT_EQ(b_snapshot(), before);
    RecordProperty("cells", cells);
    EXPECT_GT(cells, 300);
}

INSTANTIATE_TEST_SUITE_P(Engines, TenancyMatrix, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
