#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>

#include "http/problem.hpp"
#include "http/security_headers.hpp"

namespace lc::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct Server::Impl {
    ServerOptions opt;
    HandlerFn handler;
    const infra::Logger& log;
    // One event loop per I/O thread, each connection pinned to one of them: a connection's handlers
    // then never run concurrently without a strand, and the loops share no queue or lock
    // (measured with bench/join against one shared io_context with a strand per connection).
    std::vector<std::unique_ptr<asio::io_context>> loops;
    std::size_t next_loop = 0;
    std::unique_ptr<asio::thread_pool> workers;
    std::optional<tcp::acceptor> acceptor;
    std::vector<std::thread> threads;
    std::atomic<int> in_flight{0};
    std::atomic<bool> stopping{false};
    std::mutex conns_mu;
    std::set<std::shared_ptr<void>> conns;  // keeps track so stop() can close idle connections
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;

    Offload offload = [this](std::function<void()> fn) { asio::post(*workers, std::move(fn)); };

    Impl(ServerOptions o, HandlerFn h, const infra::Logger& l) : opt(std::move(o)), handler(std::move(h)), log(l) {}
    void accept();
};

namespace {

/// An answer from the socket layer itself (malformed request, shutting down): the same headers as
/// every API answer (seed 9.3).
Response transport_error(const Error& e, unsigned version) {
    Response res = problem_response(e, version, false);
    apply_security_headers(res, false);
    return res;
}

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(tcp::socket s, Server::Impl& srv) : stream_(std::move(s)), srv_(srv) {
        beast::error_code ec;
        auto ep = stream_.socket().remote_endpoint(ec);
        if (!ec) info_.remote_ip = ep.address().to_string();
    }
    void run() { read(); }
    void close() {
        asio::post(stream_.get_executor(), [self = shared_from_this()] {
            beast::error_code ec;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
            self->stream_.close();
        });
    }
    bool busy() const { return busy_; }

private:
    void read() {
        parser_.emplace();
        parser_->body_limit(srv_.opt.body_limit);
        parser_->header_limit(16 * 1024);
        stream_.expires_after(std::chrono::seconds(srv_.opt.read_timeout_seconds));
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
            ec == asio::error::connection_reset || ec == asio::error::eof) {
            return finish();
        }
        if (ec) {
            // Malformed or oversized request: answer with a problem document, then close.
            Error err = ec == bhttp::error::body_limit
                            ? Error{Code::kPayloadTooLarge, "the request body is larger than 1 MiB", {}, {}}
                        : ec == bhttp::error::header_limit
                            ? Error{Code::kBadRequest, "the request headers are too large", {}, {}}
                            : Error::bad_request("the HTTP request is malformed");
            auto res = std::make_shared<Response>(transport_error(err, 11));
            linger_ = true;  // the client may still be sending the rest of its request
            return write(res, true);
        }
        if (srv_.stopping.load()) {
            auto res = std::make_shared<Response>(
                transport_error(Error::unavailable("the server is shutting down; retry"), 11));
            return write(res, true);
        }
        busy_ = true;
        srv_.in_flight.fetch_add(1);
        auto req = std::make_shared<const Request>(parser_->release());
        // The response may come from any thread (handler pool, database writer); writing happens on
        // this connection's strand.
        Respond respond = [self = shared_from_this()](Response r) {
            auto res = std::make_shared<Response>(std::move(r));
            bool close = !res->keep_alive() || self->srv_.stopping.load();
            if (close) res->keep_alive(false);
            asio::post(self->stream_.get_executor(), [self, res, close] { self->write(res, close); });
        };
        try {
            srv_.handler(req, info_, srv_.offload, respond);
        } catch (const std::exception& e) {
            srv_.log.error("handler threw", {{"error", e.what()}});
            respond(transport_error(Error::internal_error(e.what()), req->version()));
        }
    }

    void write(std::shared_ptr<Response> res, bool close) {
        // A fresh deadline for the write: time spent waiting for the handler must not count against it.
        stream_.expires_after(std::chrono::seconds(srv_.opt.read_timeout_seconds));
        bhttp::async_write(stream_, *res, [self = shared_from_this(), res, close](beast::error_code ec, std::size_t) {
            if (self->busy_) {
                self->busy_ = false;
                self->srv_.in_flight.fetch_sub(1);
            }
            if (ec || close) {
                beast::error_code ignored;
                self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                if (!ec && self->linger_) return self->drain();
                return self->finish();
            }
            self->read();
        });
    }

    /// Lingering close after an early error answer (e.g. 413 right after the headers): read and drop what the
    /// client still sends, for a bounded time and amount, so that closing the socket with unread data does not
    /// reset the connection (ECONNRESET/EPIPE at the client) before the client has read the answer.
    void drain() {
        stream_.expires_after(std::chrono::seconds(5));
        stream_.async_read_some(asio::buffer(drain_buf_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->drained_ += n;
                                    if (ec || self->drained_ > kMaxDrainBytes) return self->finish();
                                    self->drain();
                                });
    }

    void finish() {
        std::lock_guard lk(srv_.conns_mu);
        srv_.conns.erase(shared_from_this());
    }

    beast::tcp_stream stream_;
    Server::Impl& srv_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    ConnInfo info_;
    bool busy_ = false;
    bool linger_ = false;
    static constexpr std::size_t kMaxDrainBytes = 64 * 1024 * 1024;
    std::size_t drained_ = 0;
    std::array<char, 16 * 1024> drain_buf_{};
};

}  // namespace

void Server::Impl::accept() {
    auto& loop = *loops[next_loop++ % loops.size()];
    acceptor->async_accept(loop, [this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
            if (!acceptor->is_open()) return;  // stopped
            // Out of file descriptors (or similar): retry shortly instead of spinning on the error.
            log.warn("accept failed", {{"error", ec.message()}});
            auto timer = std::make_shared<asio::steady_timer>(*loops.front(), std::chrono::milliseconds(100));
            timer->async_wait([this, timer](beast::error_code) {
                if (acceptor->is_open()) accept();
            });
            return;
        } else {
            socket.set_option(tcp::no_delay(true), ec);
            auto c = std::make_shared<Connection>(std::move(socket), *this);
            {
                std::lock_guard lk(conns_mu);
                conns.insert(c);
            }
            c->run();
        }
        if (acceptor->is_open()) accept();
    });
}

Server::Server(ServerOptions opt, HandlerFn handler, const infra::Logger& log)
    : impl_(std::make_unique<Impl>(std::move(opt), std::move(handler), log)) {}

Server::~Server() { stop(0); }

unsigned short Server::start() {
    auto& i = *impl_;
    i.workers = std::make_unique<asio::thread_pool>(i.opt.handler_threads);
    for (int n = 0; n < std::max(1, i.opt.io_threads); ++n) {
        i.loops.push_back(std::make_unique<asio::io_context>(1));
        i.guards.emplace_back(i.loops.back()->get_executor());
    }
    tcp::endpoint ep(asio::ip::make_address(i.opt.host), i.opt.port);
    i.acceptor.emplace(*i.loops.front());
    i.acceptor->open(ep.protocol());
    i.acceptor->set_option(asio::socket_base::reuse_address(true));
    i.acceptor->bind(ep);
    i.acceptor->listen(4096);
    i.accept();
    for (auto& loop : i.loops) i.threads.emplace_back([&l = *loop] { l.run(); });
    return port();
}

unsigned short Server::port() const {
    if (!impl_->acceptor) return 0;
    beast::error_code ec;
    auto ep = impl_->acceptor->local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void Server::stop(int grace_seconds) {
    auto& i = *impl_;
    if (i.threads.empty()) return;
    i.stopping.store(true);
    asio::post(*i.loops.front(), [&i] {
        beast::error_code ec;
        i.acceptor->close(ec);
    });
    // Graceful: requests already being handled finish and their responses are written.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(grace_seconds);
    while (i.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    {
        std::lock_guard lk(i.conns_mu);
        for (auto& c : i.conns) std::static_pointer_cast<Connection>(c)->close();
    }
    i.guards.clear();
    // Give the close handlers a moment, then stop the loop.
    auto close_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < close_deadline) {
        {
            std::lock_guard lk(i.conns_mu);
            if (i.conns.empty()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (auto& loop : i.loops) loop->stop();
    for (auto& t : i.threads)
        if (t.joinable()) t.join();
    i.threads.clear();
    i.workers->join();
}

}  // namespace lc::http
