#pragma once
// Server-Sent Events (https://html.spec.whatwg.org/multipage/server-sent-events.html): the wire format,
// and a stream source that polls for the current state on the handler pool and sends it as an event
// whenever it changes, with a keep-alive comment after a stretch of silence.
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/types.hpp"

namespace lc::http {

/// One event block: "event: NAME\nid: ID\ndata: LINE\n...\n\n". `data` is split at CRLF, CR and LF into
/// one data: line each, so a client reads back exactly `data` (line breaks as LF) and nothing in it can
/// end the event or start a field of its own. CR, LF and NUL are dropped from `event` and `id` for the
/// same reason. An empty `id` writes no id line; an empty `event` none either (the client's "message").
std::string sse_event(std::string_view event, std::string_view data, std::string_view id = {});
/// A comment line (": TEXT\n\n", line breaks dropped): clients ignore it; proxies see traffic.
std::string sse_comment(std::string_view text);
/// "retry: MS\n\n": how long a client waits before it reconnects.
std::string sse_retry(int milliseconds);
/// A short stable id for a state (its data's hash): the same state always gets the same id.
std::string sse_state_id(std::string_view data);

/// What one poll found. Computed on the handler pool.
struct SsePoll {
    enum class Kind {
        kState,  // `data` is the current state: sent as `event` (with its sse_state_id) when it changed
        kFinal,  // send `event` with `data` (no id), then end the stream
        kSkip,   // nothing this time (the database is briefly unavailable): poll again later
        kClose,  // end the stream without an event (the caller may no longer see the resource)
    };
    Kind kind = Kind::kSkip;
    std::string event;
    std::string data;
};

struct SseOptions {
    std::chrono::milliseconds poll{2000};
    std::chrono::milliseconds keepalive{15000};  // a ": keepalive" comment after this much silence
};

/// Polls every `poll` interval: the poll itself runs on the handler pool (`offload`), everything else on
/// the connection's event loop with one steady_timer, so a waiting stream holds no thread.
class SsePoller final : public StreamSource, public std::enable_shared_from_this<SsePoller> {
public:
    using PollFn = std::function<SsePoll()>;
    /// `last_data`: the state the opening already sent (the first poll sends nothing when it is unchanged).
    SsePoller(SseOptions opt, Offload offload, PollFn poll, std::string last_data);
    void start(std::shared_ptr<StreamSink> sink) override;
    void stop() override;

private:
    using Clock = std::chrono::steady_clock;
    void arm();
    void tick();
    void on_poll(SsePoll r);
    void send(std::string chunk, bool then_end);
    void end();

    SseOptions opt_;
    Offload offload_;
    PollFn poll_;
    std::string last_data_;
    std::shared_ptr<StreamSink> sink_;
    std::optional<boost::asio::steady_timer> timer_;
    Clock::time_point next_poll_{}, last_write_{};
    bool stopped_ = false;
};

}  // namespace lc::http
