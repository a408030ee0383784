// Server-Sent Events: the event formatter keeps the framing whatever the data holds, and the poller sends
// a state only when it changed, a keep-alive after silence, and a final event before it ends the stream.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <deque>
#include <string>
#include <vector>

#include "http/sse.hpp"

namespace lc::http {
namespace {

/// The fields of the events in an event-stream text, as a client reads them (the spec's parser, minus
/// the reconnection time): one entry per dispatched event or comment.
struct Parsed {
    std::string event, id, data;
    std::vector<std::string> comments;
};
std::vector<Parsed> parse_stream(const std::string& text) {
    std::vector<Parsed> out;
    Parsed cur;
    bool has_data = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t br = text.find_first_of("\r\n", pos);
        if (br == std::string::npos) break;  // an unterminated line is not a line yet
        std::string line = text.substr(pos, br - pos);
        pos = br + (text[br] == '\r' && br + 1 < text.size() && text[br + 1] == '\n' ? 2 : 1);
        if (line.empty()) {
            if (has_data || !cur.comments.empty()) out.push_back(cur);
            cur = Parsed{};
            has_data = false;
            continue;
        }
        if (line[0] == ':') {
            cur.comments.push_back(line.substr(1));
            continue;
        }
        auto colon = line.find(':');
        std::string field = line.substr(0, colon), value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        if (field == "event") cur.event = value;
        if (field == "id") cur.id = value;
        if (field == "data") {
            cur.data += value + "\n";
            has_data = true;
        }
    }
    for (auto& p : out)
        if (!p.data.empty()) p.data.pop_back();
    return out;
}

TEST(Sse, AnEventHasItsNameIdAndDataAndEndsWithABlankLine) {
    EXPECT_EQ(sse_event("participants", R"({"a":1})", "abc"), "event: participants\nid: abc\ndata: {\"a\":1}\n\n");
    EXPECT_EQ(sse_event("ended", "x"), "event: ended\ndata: x\n\n");
    EXPECT_EQ(sse_event("", ""), "data: \n\n");
    EXPECT_EQ(sse_comment("keepalive"), ": keepalive\n\n");
    EXPECT_EQ(sse_retry(3000), "retry: 3000\n\n");
}

TEST(Sse, MultiLineDataBecomesOneDataLinePerLine) {
    EXPECT_EQ(sse_event("m", "one\ntwo\r\nthree\rfour"), "event: m\ndata: one\ndata: two\ndata: three\ndata: four\n\n");
    // A client joins the lines with LF: the data comes back with its line breaks as LF.
    auto parsed = parse_stream(sse_event("m", "one\ntwo\r\nthree\rfour\n"));
    ASSERT_EQ(parsed.size(), 1u);
    EXPECT_EQ(parsed[0].data, "one\ntwo\nthree\nfour\n");
    // Leading spaces survive (the client strips exactly one after the colon).
    EXPECT_EQ(parse_stream(sse_event("m", "  indented"))[0].data, "  indented");
}

TEST(Sse, UserDataCannotEndTheEventOrAddFields) {
    // A name typed by a user, with blank lines and field names in it.
    const std::string evil = "Ayşe\n\nevent: ended\ndata: {\"status\":\"ended\"}\r\n\r\nid: 666\r: x";
    const std::string text = sse_event("participants", evil, "id\r\nevent: ended") + sse_comment("a\nevent: x");
    auto parsed = parse_stream(text);
    ASSERT_EQ(parsed.size(), 2u) << text;
    EXPECT_EQ(parsed[0].event, "participants");
    EXPECT_EQ(parsed[0].id, "idevent: ended");
    EXPECT_EQ(parsed[0].data, "Ayşe\n\nevent: ended\ndata: {\"status\":\"ended\"}\n\nid: 666\n: x");
    EXPECT_TRUE(parsed[1].data.empty());
    ASSERT_EQ(parsed[1].comments.size(), 1u);
    // Names and ids never hold a line break or NUL.
    EXPECT_EQ(sse_event(std::string("a\nb\rc\0d", 7), "x", std::string("1\n2\0", 4)),
              "event: abcd\nid: 12\ndata: x\n\n");
}

TEST(Sse, TheStateIdIsStablePerState) {
    EXPECT_EQ(sse_state_id("{}"), sse_state_id("{}"));
    EXPECT_NE(sse_state_id("{}"), sse_state_id("{ }"));
    EXPECT_EQ(sse_state_id("{}").size(), 16u);
}

/// A sink that records what it is given, on a private event loop.
class RecordingSink : public StreamSink {
public:
    explicit RecordingSink(boost::asio::io_context& io) : io_(io) {}
    boost::asio::any_io_executor executor() const override { return io_.get_executor(); }
    void write(std::string data, std::function<void(bool)> done) override {
        chunks.push_back(std::move(data));
        boost::asio::post(io_, [done = std::move(done), ok = !fail_writes] { done(ok); });
    }
    void end() override { ended = true; }
    std::vector<std::string> chunks;
    bool ended = false;
    bool fail_writes = false;

private:
    boost::asio::io_context& io_;
};

TEST(Sse, ThePollerSendsChangesOnlyThenTheFinalEventAndEnds) {
    boost::asio::io_context io;
    auto sink = std::make_shared<RecordingSink>(io);
    std::deque<SsePoll> polls = {
        {SsePoll::Kind::kState, "participants", "A"},  // what the opening sent: nothing
        {SsePoll::Kind::kSkip, "", ""},                // the database was away: nothing
        {SsePoll::Kind::kState, "participants", "B"},  // changed: sent
        {SsePoll::Kind::kState, "participants", "B"},  // unchanged: nothing
        {SsePoll::Kind::kFinal, "ended", R"({"status":"ended"})"},
    };
    int calls = 0;
    SseOptions opt;
    opt.poll = std::chrono::milliseconds(1);
    opt.keepalive = std::chrono::hours(1);
    auto poller = std::make_shared<SsePoller>(
        opt, [](std::function<void()> fn) { fn(); },
        [&] {
            ++calls;
            SsePoll p = polls.front();
            polls.pop_front();
            return p;
        },
        "A");
    poller->start(sink);
    io.run();
    EXPECT_EQ(calls, 5);
    ASSERT_EQ(sink->chunks.size(), 2u);
    EXPECT_EQ(sink->chunks[0], sse_event("participants", "B", sse_state_id("B")));
    EXPECT_EQ(sink->chunks[1], sse_event("ended", R"({"status":"ended"})"));
    EXPECT_TRUE(sink->ended);
}

TEST(Sse, ThePollerSendsAKeepAliveAfterSilenceAndStopsWhenTheClientIsGone) {
    boost::asio::io_context io;
    auto sink = std::make_shared<RecordingSink>(io);
    sink->fail_writes = true;  // the first write finds the client gone
    SseOptions opt;
    opt.poll = std::chrono::hours(1);
    opt.keepalive = std::chrono::milliseconds(1);
    auto poller = std::make_shared<SsePoller>(
        opt, [](std::function<void()> fn) { fn(); }, [] { return SsePoll{}; }, "");
    poller->start(sink);
    io.run();  // returns: after the failed write nothing is armed any more
    ASSERT_EQ(sink->chunks.size(), 1u);
    EXPECT_EQ(sink->chunks[0], ": keepalive\n\n");
    EXPECT_FALSE(sink->ended);  // the connection ends a stream whose write failed, not the source
}

TEST(Sse, AStoppedPollerWritesNothingMore) {
    boost::asio::io_context io;
    auto sink = std::make_shared<RecordingSink>(io);
    SseOptions opt;
    opt.poll = std::chrono::milliseconds(1);
    int calls = 0;
    auto poller = std::make_shared<SsePoller>(
        opt, [](std::function<void()> fn) { fn(); },
        [&] {
            ++calls;
            return SsePoll{SsePoll::Kind::kState, "participants", "new"};
        },
        "old");
    poller->start(sink);
    poller->stop();
    io.run();
    EXPECT_EQ(calls, 0);
    EXPECT_TRUE(sink->chunks.empty());
}

}  // namespace
}  // namespace lc::http
