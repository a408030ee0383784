#pragma once
// The socket side: an asynchronous Boost.Beast HTTP/1.1 server. I/O threads only read and write;
// request handling (which may block on the database) runs on a separate handler pool so a slow
// query never stalls other connections. Sets the body limit (1 MiB -> 413), read timeout and
// keep-alive; stops gracefully (stop accepting, let in-flight requests finish). Also drives streamed
// answers (Server-Sent Events): chunked writes from a StreamSource on the connection's own event loop.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/types.hpp"
#include "infra/log.hpp"

namespace lc::http {

/// Called on an I/O thread for each request; must call `respond` or `respond_stream` exactly once (from any
/// thread) and send blocking work through `offload` (the handler pool). A stream keeps its connection on
/// its event loop until it ends, then the connection closes; it does not count as in flight for stop().
using HandlerFn =
    std::function<void(std::shared_ptr<const Request>, const ConnInfo&, const Offload&, Respond, RespondStream)>;

struct ServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;  // 0 = pick a free port (tests)
    int io_threads = 2;
    int handler_threads = 16;
    std::size_t body_limit = 1024 * 1024;
    /// A request's own body limit, by its target (path and query), when some route takes more than
    /// body_limit; null: body_limit for all. A larger limit must also be given in largest_body_limit.
    std::function<std::size_t(std::string_view target)> body_limit_for;
    std::size_t largest_body_limit = 0;
    int read_timeout_seconds = 30;
};

class Server {
public:
    Server(ServerOptions opt, HandlerFn handler, const infra::Logger& log);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and starts the threads; returns the bound port.
    unsigned short start();
    /// Stops accepting, waits up to `grace_seconds` for in-flight requests, then closes everything (open
    /// streams are cut at once: their clients reconnect to another process).
    void stop(int grace_seconds = 30);
    unsigned short port() const;

    struct Impl;  // implementation detail (connections reach it from server.cpp)

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace lc::http
