// Who is in the room (the instructor's attendance panel): the JSON snapshot after joins, leaves, hidden
// tabs and stopped heartbeats; who may see it; and its Server-Sent Events stream read over a raw socket
// (first event, a change, the end of the class, the per-process cap, client disconnects and server stop),
// on SQLite and PostgreSQL.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <thread>

#include "core/time.hpp"
#include "harness.hpp"
#include "raw_http.hpp"
#include "sse_client.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kChrome =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
constexpr const char* kIphone =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
    "Mobile/15E148 Safari/604.1";

Config fast_streams(int max_streams = 500) {
    Config c;
    c.sse_poll_ms = 200;
    c.sse_max_streams = max_streams;
    return c;
}

class Participants : public ::testing::TestWithParam<Engine> {
protected:
    using School = TestServer::School;
    explicit Participants(int max_streams = 500) : srv(GetParam(), true, fast_streams(max_streams)) {}
    TestServer srv;

    static std::string path(const std::string& id, const std::string& rest = "") {
        return "/api/v1/live-sessions/" + id + "/" + rest;
    }
    /// A live class of `s` with student 3 (if any) as its moderator.
    std::string live_class(const School& s) {
        json::object extra;
        if (s.students.size() > 2) extra["moderator_ids"] = json::array{s.students[2].id};
        std::string id = js(srv.create_session(s, extra).at("id"));
        auto started = srv.post(path(id, "start/"), "", s.instructor_token);
        EXPECT_EQ(started.status, 200u) << started.body;
        return id;
    }
    std::string join(const std::string& id, const std::string& token, const char* ua = kChrome) {
        auto r = http_request(srv.port(), "POST", path(id, "join/"), "", token, {{"User-Agent", ua}});
        EXPECT_EQ(r.status, 200u) << r.body;
        return r.str("participant_id");
    }
    static const json::object* entry_of(const json::object& snapshot, const std::string& user_id) {
        for (const auto& p : snapshot.at("participants").as_array())
            if (js(p.at("user_id")) == user_id) return &p.as_object();
        return nullptr;
    }
    void expect_problem(const HttpResult& r, unsigned status) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "", "application/problem+json")
            << r.body;
    }
};

TEST_P(Participants, TheSnapshotListsWhoIsInTheRoomNow) {
    auto s = srv.make_school("roster", 4);
    std::string id = live_class(s);
    const UnixTime t0 = srv.clock().now();
    // Student 1: two devices (a laptop, later a phone). Student 2: one, then the tab goes to the
    // background. Student 4: joins and leaves. Student 3 (the moderator) never joins.
    join(id, s.student_tokens[0], kChrome);
    srv.clock().advance(60);
    join(id, s.student_tokens[0], kIphone);
    join(id, s.student_tokens[1]);
    join(id, s.student_tokens[3]);
    ASSERT_EQ(srv.post(path(id, "leave/"), "", s.student_tokens[3]).status, 200u);
    srv.clock().advance(10);
    auto hb = srv.post_json(path(id, "heartbeat/"), {{"visible", false}}, s.student_tokens[1]);
    ASSERT_EQ(hb.status, 200u) << hb.body;

    auto r = srv.get(path(id, "participants/"), s.instructor_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_EQ(r.headers["cache-control"], "no-store");
    const auto& o = r.obj();
    EXPECT_EQ(js(o.at("session_id")), id);
    EXPECT_EQ(js(o.at("status")), "live");
    EXPECT_EQ(o.at("participant_count").as_int64(), 2);
    const auto& people = o.at("participants").as_array();
    ASSERT_EQ(people.size(), 2u) << r.body;
    // Sorted by name: "Name student1@..." before "Name student2@...".
    EXPECT_EQ(js(people[0].at("user_id")), s.students[0].id);
    EXPECT_EQ(js(people[1].at("user_id")), s.students[1].id);

    const auto& first = people[0].as_object();
    EXPECT_EQ(js(first.at("full_name")), s.students[0].full_name);
    EXPECT_EQ(js(first.at("role")), "participant");
    EXPECT_EQ(js(first.at("joined_at")), format_iso8601(t0));          // the earliest open row
    EXPECT_EQ(js(first.at("last_seen_at")), format_iso8601(t0 + 60));  // no heartbeat: the latest join
    EXPECT_EQ(first.at("in_background"), false);
    EXPECT_EQ(first.at("devices").as_int64(), 2);
    EXPECT_EQ(js(first.at("device_type")), "mobile");  // of the latest row
    EXPECT_EQ(js(first.at("browser")), "Safari");
    const auto& second = people[1].as_object();
    EXPECT_EQ(second.at("in_background"), true);
    EXPECT_EQ(js(second.at("last_seen_at")), format_iso8601(t0 + 70));
    EXPECT_EQ(second.at("devices").as_int64(), 1);
    EXPECT_EQ(js(second.at("device_type")), "desktop");
    EXPECT_EQ(js(second.at("browser")), "Chrome");
    // Exactly these fields: never an address hash or someone's e-mail.
    for (const auto& p : people) {
        EXPECT_EQ(p.as_object().size(), 9u) << json::serialize(p);
        EXPECT_FALSE(p.as_object().contains("ip_hash"));
        EXPECT_FALSE(p.as_object().contains("email"));
    }
    EXPECT_EQ(r.body.find("ip_hash"), std::string::npos);

    // Back in the foreground: no longer in the background.
    ASSERT_EQ(srv.post_json(path(id, "heartbeat/"), {{"visible", true}}, s.student_tokens[1]).status, 200u);
    r = srv.get(path(id, "participants/"), s.instructor_token);
    ASSERT_NE(entry_of(r.obj(), s.students[1].id), nullptr);
    EXPECT_EQ(entry_of(r.obj(), s.students[1].id)->at("in_background"), false);

    // Student 2's heartbeats stop: the sweep closes the row, and a row closed that way is not in the room.
    srv.clock().advance(3600);
    ASSERT_TRUE(srv.app().attendance().sweep_stale());
    r = srv.get(path(id, "participants/"), srv.token_for(s.admin, s.tenant));
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(entry_of(r.obj(), s.students[1].id), nullptr) << r.body;
    EXPECT_NE(entry_of(r.obj(), s.students[0].id), nullptr) << r.body;  // no heartbeats ever: left to its leave
    EXPECT_EQ(r.obj().at("participant_count").as_int64(), 1);

    // The host's own join is recorded as host.
    join(id, srv.token_for(s.instructor, s.tenant));
    r = srv.get(path(id, "participants/"), srv.token_for(s.instructor, s.tenant));
    ASSERT_NE(entry_of(r.obj(), s.instructor.id), nullptr) << r.body;
    EXPECT_EQ(js(entry_of(r.obj(), s.instructor.id)->at("role")), "host");
}

TEST_P(Participants, HostsModeratorsAndAdminsMaySeeItStudentsMayNot) {
    auto s = srv.make_school("rosterauth", 3);
    auto other = srv.make_school("rosterother", 1);
    std::string id = live_class(s);
    join(id, s.student_tokens[0]);
    for (const std::string& route : {std::string("participants/"), std::string("participants/stream/")}) {
        SCOPED_TRACE(route);
        const bool stream = route == "participants/stream/";
        // The moderator (student 3) and the admin see it (the stream: its opening is checked below).
        if (!stream) {
            EXPECT_EQ(srv.get(path(id, route), s.student_tokens[2]).status, 200u);
            EXPECT_EQ(srv.get(path(id, route), s.admin_token).status, 200u);
        } else {
            SseClient mod(srv.port(), path(id, route), s.student_tokens[2]);
            EXPECT_EQ(mod.status(), 200u);
            SseClient admin(srv.port(), path(id, route), s.admin_token);
            EXPECT_EQ(admin.status(), 200u);
        }
        auto student = srv.get(path(id, route), s.student_tokens[0]);
        expect_problem(student, 403);
        expect_problem(srv.get(path(id, route), other.instructor_token), 404);
        expect_problem(srv.get(path(id, route), other.admin_token), 404);
        expect_problem(srv.get(path(id, route), other.student_tokens[0]), 404);
        expect_problem(srv.get(path("not-a-uuid", route), s.instructor_token), 400);
        auto anon = srv.get(path(id, route));
        expect_problem(anon, 401);
        EXPECT_EQ(anon.headers["www-authenticate"], "Bearer");
        expect_problem(srv.get(path(id, route), "garbage"), 401);
        expect_problem(srv.get(path("00000000-0000-4000-8000-000000000000", route), s.instructor_token), 404);
    }
    // A token in the URL is not a credential.
    expect_problem(srv.get(path(id, "participants/stream/?access_token=" + s.instructor_token)), 401);
    EXPECT_EQ(srv.app().api().open_streams(), 0);
}

TEST_P(Participants, TheStreamSendsTheSnapshotThenChangesThenTheEnd) {
    auto s = srv.make_school("rosterstream", 2);
    std::string id = live_class(s);
    join(id, s.student_tokens[0]);

    SseClient c(srv.port(), path(id, "participants/stream/"), s.instructor_token);
    ASSERT_EQ(c.status(), 200u);
    EXPECT_EQ(c.header("content-type"), "text/event-stream; charset=utf-8");
    EXPECT_EQ(c.header("cache-control"), "no-store");
    EXPECT_EQ(c.header("x-accel-buffering"), "no");
    EXPECT_EQ(c.header("transfer-encoding"), "chunked");
    EXPECT_EQ(c.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(c.header("referrer-policy"), "no-referrer");
    EXPECT_NE(c.header("content-security-policy").find("default-src 'none'"), std::string::npos);
    EXPECT_FALSE(c.header("x-request-id").empty());
    EXPECT_EQ(c.header("content-length"), "");

    auto retry = c.next();
    ASSERT_TRUE(retry);
    EXPECT_EQ(retry->retry, 3000);
    auto first = c.next();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->event, "participants");
    EXPECT_FALSE(first->id.empty());
    EXPECT_EQ(first->data.find('\n'), std::string::npos);  // one line
    // The same JSON as the snapshot.
    auto snapshot = srv.get(path(id, "participants/"), s.instructor_token);
    EXPECT_EQ(first->data, snapshot.body);
    auto v = json::parse(first->data).as_object();
    EXPECT_EQ(v.at("participant_count").as_int64(), 1);
    EXPECT_NE(entry_of(v, s.students[0].id), nullptr);

    // Student 2 joins: a new participants event names them.
    join(id, s.student_tokens[1]);
    auto changed = c.next_named("participants");
    ASSERT_TRUE(changed) << c.pending_body();
    auto w = json::parse(changed->data).as_object();
    EXPECT_EQ(w.at("participant_count").as_int64(), 2) << changed->data;
    EXPECT_NE(entry_of(w, s.students[1].id), nullptr) << changed->data;
    EXPECT_NE(changed->id, first->id);

    // The class ends: an ended event, then the stream closes.
    ASSERT_EQ(srv.post(path(id, "end/"), "", s.instructor_token).status, 200u);
    auto ended = c.next_named("ended");
    ASSERT_TRUE(ended) << c.pending_body();
    EXPECT_EQ(json::parse(ended->data), json::parse(R"({"status":"ended"})"));
    EXPECT_TRUE(c.ends());
    for (int i = 0; i < 500 && srv.app().api().open_streams() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(srv.app().api().open_streams(), 0);

    // A stream of a class that is over: its snapshot and the end, at once.
    SseClient late(srv.port(), path(id, "participants/stream/"), s.instructor_token);
    ASSERT_EQ(late.status(), 200u);
    auto snap = late.next_named("participants");
    ASSERT_TRUE(snap);
    EXPECT_EQ(json::parse(snap->data).at("participant_count").as_int64(), 0);
    auto over = late.next_named("ended");
    ASSERT_TRUE(over);
    EXPECT_TRUE(late.ends());
}

TEST_P(Participants, TheStreamGoesThroughTheBlockingHandlerAsItsOpening) {
    auto s = srv.make_school("rosterblocking", 1);
    std::string id = live_class(s);
    http::Request req{http::bhttp::verb::get, path(id, "participants/stream/"), 11};
    req.set(http::bhttp::field::authorization, "Bearer " + s.instructor_token);
    auto res = srv.app().api().handle(req, http::ConnInfo{"127.0.0.1"});
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res[http::bhttp::field::content_type], "text/event-stream; charset=utf-8");
    EXPECT_EQ(res.body().rfind("retry: 3000\n\nevent: participants\nid: ", 0), 0u) << res.body();
    EXPECT_EQ(srv.app().api().open_streams(), 0);
}

TEST_P(Participants, HeadOnTheStreamIsTheHeaderAloneAndOpensNoStream) {
    auto s = srv.make_school("rosterhead", 1);
    std::string id = live_class(s);
    auto ex = raw_exchange(srv.port(), "HEAD " + path(id, "participants/stream/") +
                                           " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.instructor_token +
                                           "\r\nConnection: close\r\n\r\n");
    EXPECT_FALSE(ex.timed_out);
    ASSERT_EQ(ex.received.rfind("HTTP/1.1 200", 0), 0u) << ex.received;
    EXPECT_NE(ex.received.find("text/event-stream"), std::string::npos) << ex.received;
    EXPECT_EQ(ex.received.substr(ex.received.find("\r\n\r\n") + 4), "");  // no event, no chunk
    EXPECT_EQ(srv.app().api().open_streams(), 0);
}

/// One stream per process (LIVE_SSE_MAX_STREAMS=1).
class ParticipantsCapped : public Participants {
protected:
    ParticipantsCapped() : Participants(1) {}
};

TEST_P(ParticipantsCapped, OverTheCapIs503AndADisconnectFreesTheSlot) {
    auto s = srv.make_school("rostercap", 1);
    std::string id = live_class(s);
    auto a = std::make_unique<SseClient>(srv.port(), path(id, "participants/stream/"), s.instructor_token);
    ASSERT_EQ(a->status(), 200u);
    ASSERT_TRUE(a->next_named("participants"));

    auto busy = srv.get(path(id, "participants/stream/"), s.instructor_token);
    expect_problem(busy, 503);
    EXPECT_EQ(busy.headers["retry-after"], "5");
    // The snapshot is no stream: not capped.
    EXPECT_EQ(srv.get(path(id, "participants/"), s.instructor_token).status, 200u);

    a->close();  // the client goes away: the server notices and frees the slot
    unsigned status = 0;
    std::unique_ptr<SseClient> b;
    for (int i = 0; i < 200 && status != 200u; ++i) {
        b = std::make_unique<SseClient>(srv.port(), path(id, "participants/stream/"), s.instructor_token);
        status = b->status();
        if (status != 200u) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(status, 200u);
    EXPECT_TRUE(b->next_named("participants"));
    EXPECT_EQ(srv.app().api().open_streams(), 1);
}

TEST_P(Participants, StoppingTheServerClosesOpenStreamsAndDoesNotWaitForThem) {
    auto s = srv.make_school("rosterstop", 1);
    std::string id = live_class(s);
    SseClient c(srv.port(), path(id, "participants/stream/"), s.instructor_token);
    ASSERT_EQ(c.status(), 200u);
    ASSERT_TRUE(c.next_named("participants"));
    // A grace period far longer than any test: stop() returning at all well within it shows that the
    // open stream is not waited for as an in-flight request.
    const auto t0 = std::chrono::steady_clock::now();
    srv.app().shutdown(600);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(300));
    EXPECT_FALSE(c.next());  // the connection is closed
    EXPECT_EQ(srv.app().api().open_streams(), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, Participants, ::testing::ValuesIn(available_engines()), engine_name);
INSTANTIATE_TEST_SUITE_P(Engines, ParticipantsCapped, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
