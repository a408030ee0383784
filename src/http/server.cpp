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
#include <utility>

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
    // Per loop, touched only on that loop's thread: its connections (for the deadline sweep) and the
    // timer that sweeps them once a second. A deadline per connection, checked by one sweep, instead
    // of a timer armed and cancelled around every read and write (Beast's tcp_stream): that timer
    // work and its type-erased executors were ~3 % of a join's CPU in bench/join.
    std::vector<std::vector<std::weak_ptr<void>>> loop_conns;
    std::vector<std::unique_ptr<asio::steady_timer>> sweepers;
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
    void sweep(std::size_t loop);
};

namespace {

/// An answer from the socket layer itself (malformed request, shutting down): the same headers as
/// every API answer (seed 9.3).
Response transport_error(const Error& e, unsigned version) {
    Response res = problem_response(e, version, false);
    apply_security_headers(res, false);
    return res;
}

/// The whole answer (status line, fields as the handler left them, body) in one buffer, written with
/// one send: Beast's serializer hands the kernel an iovec per header piece and walked them with
/// heavy iterators (a few percent of a join's CPU in bench/join).
void serialize(const Response& res, std::string& out) {
    const std::string_view reason = res.reason();
    std::size_t size = 32 + reason.size() + res.body().size();
    for (const auto& f : res) size += f.name_string().size() + f.value().size() + 4;
    out.clear();
    out.reserve(size);
    out += "HTTP/";
    out += static_cast<char>('0' + res.version() / 10);
    out += '.';
    out += static_cast<char>('0' + res.version() % 10);
    out += ' ';
    out += std::to_string(res.result_int());
    out += ' ';
    out += reason;
    out += "\r\n";
    for (const auto& f : res) {
        out += f.name_string();
        out += ": ";
        out += f.value();
        out += "\r\n";
    }
    out += "\r\n";
    out += res.body();
}

using LoopExecutor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, LoopExecutor>;
using SteadyClock = std::chrono::steady_clock;

class Connection : public std::enable_shared_from_this<Connection>, public StreamSink {
public:
    Connection(Socket s, Server::Impl& srv) : socket_(std::move(s)), srv_(srv), ex_(socket_.get_executor()) {
        beast::error_code ec;
        auto ep = socket_.remote_endpoint(ec);
        if (!ec) info_.remote_ip = ep.address().to_string();
    }
    void run() { read(); }
    void close() {
        asio::post(ex_, [self = shared_from_this()] {
            if (self->streaming_) return self->end_stream(StreamEnd::kServerStopping);
            self->close_socket();
        });
    }
    bool busy() const { return busy_; }
    /// Called by the loop's sweep: a read or write that outlived its deadline ends with the socket
    /// (its handler then sees operation_aborted and lets the connection go).
    void expire_if_due(SteadyClock::time_point now) {
        if (now >= deadline_) {
            deadline_ = SteadyClock::time_point::max();
            close_socket();
        }
    }

    // ---- StreamSink: a streamed answer's body, written on this connection's event loop ----
    asio::any_io_executor executor() const override { return ex_; }

    void write(std::string data, std::function<void(bool)> done) override {
        if (stream_done_ || ending_) {
            asio::post(ex_, [done = std::move(done)] { done(false); });
            return;
        }
        auto buf = std::make_shared<std::string>(std::move(data));
        // A client that stops reading fills the socket buffers; the write then times out and ends the stream.
        arm(srv_.opt.read_timeout_seconds);
        auto on_written = [self = shared_from_this(), buf, done = std::move(done)](beast::error_code ec, std::size_t) {
            self->disarm();  // between events the stream waits without a deadline
            if (ec) self->end_stream(StreamEnd::kClientGone);
            done(!ec && !self->stream_done_);
        };
        if (chunked_)
            asio::async_write(socket_, bhttp::make_chunk(asio::buffer(*buf)), std::move(on_written));
        else
            asio::async_write(socket_, asio::buffer(*buf), std::move(on_written));
    }

    void end() override {
        if (stream_done_ || ending_) return;
        ending_ = true;
        if (!chunked_) return end_stream(StreamEnd::kFinished);  // HTTP/1.0: the body ends with the connection
        auto last = std::make_shared<decltype(bhttp::make_chunk_last())>(bhttp::make_chunk_last());
        arm(srv_.opt.read_timeout_seconds);
        asio::async_write(socket_, *last, [self = shared_from_this(), last](beast::error_code ec, std::size_t) {
            self->end_stream(ec ? StreamEnd::kClientGone : StreamEnd::kFinished);
        });
    }

private:
    void read() {
        parser_.emplace();
        // The header is read first: the request's own body limit depends on its target, and a client
        // that sent "Expect: 100-continue" waits for our go-ahead before the body.
        parser_->body_limit(std::max(srv_.opt.body_limit, srv_.opt.largest_body_limit));
        parser_->header_limit(16 * 1024);
        body_limit_ = srv_.opt.body_limit;
        // The keep-alive wait and the request itself, headers and body, must arrive within the timeout.
        arm(srv_.opt.read_timeout_seconds);
        bhttp::async_read_header(
            socket_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec) {
        const auto& req = parser_->get();
        if (srv_.opt.body_limit_for && (!ec || ec == bhttp::error::body_limit)) {
            // Also for a Content-Length over every route's limit: the 413 names this route's.
            const auto target = req.target();
            body_limit_ = srv_.opt.body_limit_for(std::string_view(target.data(), target.size()));
        }
        if (ec || parser_->is_done()) return on_read(ec);  // most requests (GET, a join) end with their header
        if (auto length = parser_->content_length(); length && *length > body_limit_)
            return on_read(bhttp::error::body_limit);
        parser_->body_limit(body_limit_);  // a chunked body counts against it as it arrives
        if (srv_.stopping.load()) {        // answered 503 without inviting the body (on_read), which is then drained
            linger_ = true;
            return on_read({});
        }
        auto read_body = [self = shared_from_this()] {
            bhttp::async_read(self->socket_, self->buffer_, *self->parser_,
                              [self](beast::error_code ec, std::size_t) { self->on_read(ec); });
        };
        const auto expect = req[bhttp::field::expect];
        if (req.version() >= 11 && beast::iequals(expect, "100-continue")) {
            // RFC 9110 section 10.1.1: the client holds its body back until this (curl waits 1 s for it).
            static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            return asio::async_write(socket_, asio::buffer(kContinue),
                                     [self = shared_from_this(), read_body](beast::error_code ec, std::size_t) {
                                         if (ec) return self->finish();
                                         read_body();
                                     });
        }
        read_body();
    }

    void on_read(beast::error_code ec) {
        disarm();  // time spent handling the request does not count against the client
        if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
            ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::bad_descriptor) {
            return finish();
        }
        if (ec) {
            // Malformed or oversized request: answer with a problem document, then close.
            Error err =
                ec == bhttp::error::body_limit
                    ? Error{Code::kPayloadTooLarge,
                            "the request body is larger than " + std::to_string(body_limit_ / (1024 * 1024)) + " MiB",
                            {},
                            {}}
                : ec == bhttp::error::header_limit
                    ? Error{Code::kBadRequest, "the request headers are too large", {}, {}}
                    : Error::bad_request("the HTTP request is malformed");
            auto res = std::make_shared<Response>(transport_error(err, 11));
            linger_ = true;  // the client may still be sending the rest of its request
            return send_response(res, true);
        }
        if (srv_.stopping.load()) {
            auto res = std::make_shared<Response>(
                transport_error(Error::unavailable("the server is shutting down; retry"), 11));
            return send_response(res, true);
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
            asio::post(self->ex_, [self, res, close] { self->send_response(res, close); });
        };
        RespondStream respond_stream = [self = shared_from_this()](StreamAnswer a) {
            auto answer = std::make_shared<StreamAnswer>(std::move(a));
            asio::post(self->ex_, [self, answer] { self->start_stream(std::move(*answer)); });
        };
        try {
            srv_.handler(req, info_, srv_.offload, respond, respond_stream);
        } catch (const std::exception& e) {
            srv_.log.error("handler threw", {{"error", e.what()}});
            respond(transport_error(Error::internal_error(e.what()), req->version()));
        }
    }

    void send_response(std::shared_ptr<Response> res, bool close) {
        serialize(*res, out_);
        res.reset();
        arm(srv_.opt.read_timeout_seconds);
        asio::async_write(socket_, asio::buffer(out_),
                          [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
                              self->disarm();
                              if (self->busy_) {
                                  self->busy_ = false;
                                  self->srv_.in_flight.fetch_sub(1);
                              }
                              if (ec || close) {
                                  beast::error_code ignored;
                                  self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
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
        arm(5);
        socket_.async_read_some(drop_zone(), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->drained_ += n;
            if (ec || self->drained_ > kMaxDrainBytes) return self->finish();
            self->drain();
        });
    }

    void finish() {
        std::lock_guard lk(srv_.conns_mu);
        srv_.conns.erase(shared_from_this());
    }

    /// A handler answered with a stream: the header (chunked on HTTP/1.1; on HTTP/1.0 the body ends when
    /// the connection closes), the opening, then the source writes until one side ends it.
    void start_stream(StreamAnswer a) {
        if (busy_) {  // the request is answered: a stream does not hold up a graceful stop
            busy_ = false;
            srv_.in_flight.fetch_sub(1);
        }
        streaming_ = true;
        on_close_ = std::move(a.on_close);
        source_ = std::move(a.source);
        if (srv_.stopping.load()) return end_stream(StreamEnd::kServerStopping);
        // A stream whose length is known (a file) keeps its Content-Length and is sent as it is; any
        // other is chunked on HTTP/1.1 and ends with the connection on HTTP/1.0.
        const bool known_length = a.head.find(bhttp::field::content_length) != a.head.end();
        chunked_ = !known_length && a.head.version() >= 11;
        auto head = std::make_shared<bhttp::response<bhttp::empty_body>>();
        head->base() = a.head.base();
        if (!known_length) head->erase(bhttp::field::content_length);
        head->keep_alive(false);  // the connection closes with the stream
        if (!known_length) head->chunked(chunked_);
        auto sr = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*head);
        arm(srv_.opt.read_timeout_seconds);
        bhttp::async_write_header(
            socket_, *sr,
            [self = shared_from_this(), head, sr, opening = std::move(a.opening)](beast::error_code ec, std::size_t) {
                self->disarm();
                if (ec) return self->end_stream(StreamEnd::kClientGone);
                auto begin = [self](bool ok) {
                    if (!ok) return;
                    if (!self->source_) return self->end();  // the opening was the whole body
                    self->source_->start(self);
                };
                if (opening.empty()) return begin(true);
                self->write(opening, begin);
            });
        watch_client();
    }

    /// While streaming, the client sends nothing: a read that ends means it went away, which frees the
    /// stream at once instead of at the next failed write. Whatever it does send is dropped.
    void watch_client() {
        socket_.async_read_some(drop_zone(), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (self->stream_done_) return;
            if (ec) return self->end_stream(StreamEnd::kClientGone);
            self->watch_client();
        });
    }

    /// The stream is over: stop the source, account for it once, close the connection.
    void end_stream(StreamEnd why) {
        if (stream_done_) return;
        stream_done_ = true;
        if (auto src = std::move(source_)) src->stop();
        if (auto on_close = std::exchange(on_close_, nullptr)) on_close(why);
        close_socket();
        finish();
    }

    void close_socket() {
        beast::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_both, ec);
        socket_.close(ec);
    }
    void arm(int seconds) { deadline_ = SteadyClock::now() + std::chrono::seconds(seconds); }
    void disarm() { deadline_ = SteadyClock::time_point::max(); }

    Socket socket_;
    SteadyClock::time_point deadline_ = SteadyClock::time_point::max();  // see Server::Impl::sweep
    Server::Impl& srv_;
    beast::flat_buffer buffer_;
    std::string out_;  // the answer being written; its capacity is kept for the connection's next answer
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::size_t body_limit_ = 0;  // the current request's (ServerOptions::body_limit_for)
    ConnInfo info_;
    LoopExecutor ex_;
    bool busy_ = false;
    bool linger_ = false;
    // A streamed answer (start_stream): no further requests are read on this connection.
    bool streaming_ = false, chunked_ = true, ending_ = false, stream_done_ = false;
    std::shared_ptr<StreamSource> source_;
    std::function<void(StreamEnd)> on_close_;
    static constexpr std::size_t kMaxDrainBytes = 64 * 1024 * 1024;
    std::size_t drained_ = 0;
    // Where drain() and watch_client() drop what a client sends: made when first needed, since most
    // connections never need it and 16 KiB on each of 256 keep-alive connections was 4 MB of RSS
    // (bench/join).
    std::unique_ptr<std::array<char, 16 * 1024>> drain_buf_;
    asio::mutable_buffer drop_zone() {
        if (!drain_buf_) drain_buf_ = std::make_unique<std::array<char, 16 * 1024>>();
        return asio::buffer(*drain_buf_);
    }
};

}  // namespace

void Server::Impl::sweep(std::size_t n) {
    auto& conns_here = loop_conns[n];
    const auto now = SteadyClock::now();
    for (std::size_t i = 0; i < conns_here.size();) {
        if (auto c = conns_here[i].lock()) {
            std::static_pointer_cast<Connection>(c)->expire_if_due(now);
            ++i;
        } else {
            conns_here[i] = std::move(conns_here.back());  // gone: drop it from the list
            conns_here.pop_back();
        }
    }
    sweepers[n]->expires_after(std::chrono::seconds(1));
    sweepers[n]->async_wait([this, n](beast::error_code ec) {
        if (!ec) sweep(n);
    });
}

void Server::Impl::accept() {
    const std::size_t n = next_loop++ % loops.size();
    auto& loop = *loops[n];
    acceptor->async_accept(loop.get_executor(), [this, n](beast::error_code ec, Socket socket) {
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
            // Registered and started on its own loop's thread (the acceptor runs on the first loop).
            asio::post(*loops[n], [this, n, c] {
                loop_conns[n].push_back(c);
                c->run();
            });
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
        i.loop_conns.emplace_back();
        i.sweepers.push_back(std::make_unique<asio::steady_timer>(*i.loops.back()));
    }
    for (std::size_t n = 0; n < i.loops.size(); ++n) asio::post(*i.loops[n], [&i, n] { i.sweep(n); });
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
