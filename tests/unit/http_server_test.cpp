// The socket side of http::Server on loopback: the bytes of an answer as it writes them itself, and
// the per-connection deadlines that one sweep per event loop enforces.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/server.hpp"

namespace lc::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class HttpServer : public ::testing::Test {
protected:
    void SetUp() override {
        ServerOptions opt;
        opt.port = 0;
        opt.io_threads = 2;
        opt.handler_threads = 1;
        opt.read_timeout_seconds = 1;
        server_ = std::make_unique<Server>(
            opt,
            [](std::shared_ptr<const Request> req, const ConnInfo&, const Offload&, Respond respond, RespondStream) {
                Response res{bhttp::status::created, req->version()};
                res.set(bhttp::field::content_type, "application/json");
                res.set("X-Echo", std::string(req->target()));
                res.body() = R"({"ok":true})";
                res.keep_alive(req->keep_alive());
                res.prepare_payload();
                respond(std::move(res));
            },
            log_);
        port_ = server_->start();
    }
    void TearDown() override { server_->stop(0); }

    tcp::socket connect() {
        tcp::socket s(io_);
        s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        return s;
    }
    /// Reads until the peer closes the connection or `deadline` passes; the bytes received.
    static std::string read_until_closed(tcp::socket& s, std::chrono::seconds deadline, bool& closed) {
        std::string got;
        closed = false;
        s.non_blocking(true);
        auto until = std::chrono::steady_clock::now() + deadline;
        char buf[4096];
        while (std::chrono::steady_clock::now() < until) {
            boost::system::error_code ec;
            std::size_t n = s.read_some(asio::buffer(buf), ec);
            if (ec == asio::error::would_block) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                continue;
            }
            got.append(buf, n);
            if (ec) {
                closed = true;
                break;
            }
        }
        return got;
    }
    /// One answer on a kept-alive connection: read until its body (Content-Length) is complete.
    static std::string read_answer(tcp::socket& s) {
        std::string got;
        char buf[4096];
        while (true) {
            std::size_t n = s.read_some(asio::buffer(buf));
            got.append(buf, n);
            auto end = got.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            auto cl = got.find("Content-Length: ");
            if (cl == std::string::npos) return got;
            std::size_t len = std::stoul(got.substr(cl + 16));
            if (got.size() >= end + 4 + len) return got;
        }
    }

    infra::Logger log_ = infra::Logger::quiet();
    std::unique_ptr<Server> server_;
    unsigned short port_ = 0;
    asio::io_context io_;
};

TEST_F(HttpServer, WritesStatusLineFieldsAndBodyExactly) {
    auto s = connect();
    asio::write(s, asio::buffer(std::string("GET /a/b?x=1 HTTP/1.1\r\nHost: t\r\n\r\n")));
    EXPECT_EQ(read_answer(s),
              "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Echo: /a/b?x=1\r\n"
              "Content-Length: 11\r\n\r\n{\"ok\":true}");
    // The same connection answers again (kept alive; the answer buffer is reused).
    asio::write(s, asio::buffer(std::string("GET /second HTTP/1.1\r\nHost: t\r\n\r\n")));
    auto second = read_answer(s);
    EXPECT_NE(second.find("X-Echo: /second\r\n"), std::string::npos) << second;
}

TEST_F(HttpServer, AnswersHttp10InKindAndCloses) {
    auto s = connect();
    asio::write(s, asio::buffer(std::string("GET /old HTTP/1.0\r\n\r\n")));
    bool closed = false;
    auto got = read_until_closed(s, std::chrono::seconds(5), closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(got.rfind("HTTP/1.0 201 Created\r\n", 0), 0U) << got;
    EXPECT_NE(got.find("{\"ok\":true}"), std::string::npos);
}

TEST_F(HttpServer, IdleKeptAliveConnectionIsClosedAfterTheReadTimeout) {
    auto s = connect();
    asio::write(s, asio::buffer(std::string("GET /x HTTP/1.1\r\nHost: t\r\n\r\n")));
    (void)read_answer(s);
    auto t0 = std::chrono::steady_clock::now();
    bool closed = false;
    (void)read_until_closed(s, std::chrono::seconds(6), closed);
    EXPECT_TRUE(closed) << "the server kept an idle connection open past its 1 s timeout";
    // 1 s timeout, checked by a sweep once a second: closed within about two seconds, not at once.
    auto waited = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(waited, std::chrono::milliseconds(900));
    EXPECT_LE(waited, std::chrono::seconds(4));
}

TEST_F(HttpServer, RequestThatStallsHalfWayIsClosed) {
    auto s = connect();
    asio::write(s, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: t\r\nX-Partial: ")));  // never finished
    bool closed = false;
    auto got = read_until_closed(s, std::chrono::seconds(6), closed);
    EXPECT_TRUE(closed);
    EXPECT_TRUE(got.empty()) << got;  // nothing to answer: the request never arrived whole
}

TEST_F(HttpServer, ManyConnectionsAcrossLoopsAllAnswered) {
    std::vector<tcp::socket> socks;
    for (int i = 0; i < 20; ++i) socks.push_back(connect());
    for (std::size_t i = 0; i < socks.size(); ++i)
        asio::write(socks[i], asio::buffer("GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n"));
    for (std::size_t i = 0; i < socks.size(); ++i) {
        auto got = read_answer(socks[i]);
        EXPECT_NE(got.find("X-Echo: /n" + std::to_string(i) + "\r\n"), std::string::npos) << got;
    }
}

}  // namespace
}  // namespace lc::http
