#pragma once
// Transport-independent request handling: a handler is a function of (request, context) -> response,
// callable from tests without sockets (Beast's "advanced server" split).
#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace lc::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

/// Facts about the connection a request arrived on.
struct ConnInfo {
    std::string remote_ip;
};

/// Sends the response of one request (call exactly once, from any thread).
using Respond = std::function<void(Response)>;
/// Runs blocking work (database, password hashing) off the I/O threads.
using Offload = std::function<void(std::function<void()>)>;

// ---- streamed answers (Server-Sent Events) ----
// A handler may answer with a stream instead of one Response: a header, an opening chunk and a source
// that keeps writing chunks on the connection's event loop (no handler thread is held while it waits).

/// The connection's side of a stream. Used on the connection's event loop only.
class StreamSink {
public:
    virtual ~StreamSink() = default;
    /// The connection's event loop: a source's timers run on it.
    virtual boost::asio::any_io_executor executor() const = 0;
    /// Sends `data` as one chunk; `done(ok)` runs on the event loop once written. ok=false: the client is
    /// gone or the server is stopping (the connection then stops the source itself). One write at a time.
    virtual void write(std::string data, std::function<void(bool ok)> done) = 0;
    /// Ends the body (the last chunk) and closes the connection.
    virtual void end() = 0;
};

/// What produces a stream's body after its opening.
class StreamSource {
public:
    virtual ~StreamSource() = default;
    /// Called once on the connection's event loop after the header and the opening chunk went out.
    virtual void start(std::shared_ptr<StreamSink> sink) = 0;
    /// The stream is over (client gone, server stopping, or after the source called end()): cancel
    /// timers and let go of the sink. Called once, on the event loop.
    virtual void stop() = 0;
};

/// Why a stream ended, for its access-log line.
enum class StreamEnd { kFinished, kClientGone, kServerStopping };
const char* to_string(StreamEnd e);

struct StreamAnswer {
    Response head;        // status and headers (the body is ignored). With Content-Length set the body is sent as
                          // it is (the source writes exactly that many bytes); else with chunked transfer encoding.
    std::string opening;  // the first chunk, sent right after the header
    std::shared_ptr<StreamSource> source;  // continues the body; null: the opening is the whole body
    /// Called exactly once when the stream is over, on whichever thread noticed (access log, stream slot).
    std::function<void(StreamEnd)> on_close;
};

/// Starts a streamed answer; a handler calls either this or Respond, once.
using RespondStream = std::function<void(StreamAnswer)>;

}  // namespace lc::http
