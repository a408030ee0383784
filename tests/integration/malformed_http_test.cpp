// A corpus of malformed HTTP requests sent as raw bytes: request smuggling (CL+TE, two
// Content-Lengths, obfuscated Transfer-Encoding), broken chunking, deep JSON nesting, invalid UTF-8
// in path, query, body and JSON strings, huge headers, CR/LF injection, absurd methods, HTTP/0.9 and
// the HTTP/2 preface. Every one gets a 4xx answer (or a closed connection where HTTP gives no way
// to answer), never a 5xx, never a second answer smuggled inside the first request, and the server
// answers a normal request afterwards. SQLite and PostgreSQL.
#include <cstdio>
#include <string>
#include <vector>

#include "harness.hpp"
#include "raw_http.hpp"

namespace lc::testing {
namespace {

struct Case {
    std::string name;
    std::string bytes;
    /// Also fine: a 2xx/3xx answer (the request is odd but valid HTTP, e.g. Transfer-Encoding: Chunked).
    bool valid_http = false;
};

std::string login_with(const std::string& headers, const std::string& body) {
    return "POST /api/v1/auth/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + headers +
           "\r\n" + body;
}
std::string post_json(const std::string& target, const std::string& token, const std::string& body) {
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}
std::string get(const std::string& target, const std::string& extra_headers = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "Connection: close\r\n\r\n";
}
std::string nested(char open, char close, std::size_t depth, const std::string& inner = "1") {
    return std::string(depth, open) + inner + std::string(depth, close);
}

std::vector<Case> corpus(const std::string& token) {
    // Answered 200 with "user" if it ever ran as a request of its own.
    const std::string smuggled =
        "GET /api/v1/auth/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    const std::string chunk0 = "0\r\n\r\n";
    std::vector<Case> c;
    // ---- request smuggling ----
    c.push_back({"CL and TE", login_with("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", chunk0 + "G")});
    c.push_back({"TE and CL", login_with("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", [&] {
                     char hex[16];
                     std::snprintf(hex, sizeof hex, "%zx", smuggled.size());
                     return std::string(hex) + "\r\n" + smuggled + "\r\n" + chunk0;
                 }())});
    c.push_back(
        {"CL and TE hiding a request", login_with("Content-Length: " + std::to_string(chunk0.size() + smuggled.size()) +
                                                      "\r\nTransfer-Encoding: chunked\r\n",
                                                  chunk0 + smuggled)});
    c.push_back({"two different Content-Lengths",
                 login_with("Content-Length: 2\r\nContent-Length: " + std::to_string(2 + smuggled.size()) + "\r\n",
                            "{}" + smuggled)});
    c.push_back({"Content-Length list", login_with("Content-Length: 2, 40\r\n", "{}")});
    c.push_back({"negative Content-Length", login_with("Content-Length: -1\r\n", "{}")});
    c.push_back({"Content-Length with a sign", login_with("Content-Length: +2\r\n", "{}")});
    c.push_back({"Content-Length in hex", login_with("Content-Length: 0x2\r\n", "{}")});
    c.push_back(
        {"Content-Length overflowing 64 bits", login_with("Content-Length: 99999999999999999999999\r\n", "{}")});
    c.push_back({"Content-Length with trailing junk", login_with("Content-Length: 2abc\r\n", "{}")});
    c.push_back({"Content-Length past the end", login_with("Content-Length: 100\r\n", "{}")});
    for (const std::string te : {"xchunked", "chunked, identity", "identity", "gzip", "chunked\x0b", "chunked;q=1",
                                 "\"chunked\"", "chunked, chunked"})
        c.push_back({"Transfer-Encoding '" + te + "'",
                     login_with("Transfer-Encoding: " + te + "\r\n", "2\r\n{}\r\n" + chunk0)});
    c.push_back({"space before the colon", login_with("Transfer-Encoding : chunked\r\nContent-Length: 2\r\n", "{}")});
    c.push_back({"Transfer-Encoding folded onto the next line",
                 login_with("Transfer-Encoding:\r\n chunked\r\nContent-Length: 2\r\n", "{}")});
    c.push_back({"two Transfer-Encoding headers",
                 login_with("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", "2\r\n{}\r\n" + chunk0)});
    c.push_back({"Transfer-Encoding on HTTP/1.0",
                 "POST /api/v1/auth/login/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n" + chunk0});
    // ---- chunked framing ----
    c.push_back({"chunk size not hex", login_with("Transfer-Encoding: chunked\r\n", "zz\r\n{}\r\n" + chunk0)});
    c.push_back({"chunk size overflowing",
                 login_with("Transfer-Encoding: chunked\r\n", "fffffffffffffffffffff\r\n{}\r\n" + chunk0)});
    c.push_back({"negative chunk size", login_with("Transfer-Encoding: chunked\r\n", "-2\r\n{}\r\n" + chunk0)});
    c.push_back({"chunk longer than its size", login_with("Transfer-Encoding: chunked\r\n", "1\r\n{}\r\n" + chunk0)});
    c.push_back({"chunk without its CRLF", login_with("Transfer-Encoding: chunked\r\n", "2\r\n{}" + chunk0)});
    c.push_back({"huge chunk extension", login_with("Transfer-Encoding: chunked\r\n",
                                                    "2;" + std::string(200000, 'e') + "\r\n{}\r\n" + chunk0)});
    c.push_back(
        {"chunked body over the limit",
         login_with("Transfer-Encoding: chunked\r\n", "200000\r\n" + std::string(0x200000, ' ') + "\r\n" + chunk0)});
    c.push_back({"no last chunk", login_with("Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n")});
    // ---- JSON bodies ----
    auto json_body = [&](const std::string& name, const std::string& body) {
        c.push_back({name + " (login)", login_with("Content-Length: " + std::to_string(body.size()) + "\r\n", body)});
        c.push_back({name + " (session create)", post_json("/api/v1/live-sessions/", token, body)});
        c.push_back({name + " (course create)", post_json("/api/v1/courses/", token, body)});
    };
    json_body("100k '['", std::string(100000, '['));
    json_body("100k nested arrays, closed", nested('[', ']', 100000));
    json_body("nested objects", [] {
        std::string s;
        for (int i = 0; i < 50000; ++i) s += "{\"a\":";
        return s + "1" + std::string(50000, '}');
    }());
    json_body("nesting 33 deep inside a field", "{\"title\":" + nested('[', ']', 33) + "}");
    json_body("invalid UTF-8 in a string", "{\"title\":\"\xc3\x28\",\"email\":\"\xff@x\",\"password\":\"x\"}");
    json_body("overlong UTF-8 '/'", "{\"title\":\"\xc0\xaf\",\"email\":\"a\xc0\xaf@x\",\"password\":\"x\"}");
    json_body("UTF-8 surrogate bytes", "{\"title\":\"\xed\xa0\x80\",\"email\":\"\xed\xa0\x80@x\",\"password\":\"x\"}");
    json_body("escaped lone surrogate", R"({"title":"a\ud800b","email":"\udc00@x.test","password":"x"})");
    json_body("escaped NUL", R"({"title":"a\u0000b","email":"a\u0000@x.test","password":"x"})");
    json_body("byte order mark", "\xef\xbb\xbf{\"title\":\"x\"}");
    json_body("UTF-16 body", std::string("\xff\xfe{\0\"\0}\0", 8));
    json_body("number out of range", R"({"title":"x","max_participants":1e999,"email":"a@x","password":1e999})");
    json_body("100k digit number", "{\"max_participants\":" + std::string(100000, '9') + "}");
    json_body("duplicate keys", R"({"title":"x","title":{"a":1},"email":"a@x","email":[],"password":"x"})");
    json_body("trailing garbage", R"({"title":"x"} {"title":"y"})");
    json_body("comments", "{/* c */\"title\":\"x\"}");
    json_body("truncated", "{\"title\":\"x");
    json_body(
        "a million-element array", "{\"moderator_ids\":[" + [] {
            std::string s = "1";
            for (int i = 0; i < 200000; ++i) s += ",1";
            return s;
        }() + "]}");
    // ---- invalid UTF-8 and odd bytes in the request line ----
    c.push_back({"raw invalid UTF-8 in the path", get("/api/v1/live-sessions/\xff\xfe/")});
    c.push_back({"percent-encoded invalid UTF-8 in the path", get("/api/v1/live-sessions/%ff%fe/")});
    c.push_back({"percent-encoded overlong UTF-8 in the path", get("/api/v1/courses/%c0%af/")});
    c.push_back(
        {"invalid UTF-8 in the query", get("/api/v1/users/?search=%c3%28", "Authorization: Bearer " + token + "\r\n")});
    c.push_back({"raw invalid UTF-8 in the query",
                 get("/api/v1/users/?search=\xc3\x28", "Authorization: Bearer " + token + "\r\n")});
    c.push_back({"NUL in the path", get("/api/v1/live-sessions/%00/")});
    c.push_back({"raw NUL in the path", get(std::string("/api/v1/live-sessions/\0/", 24))});
    c.push_back({"bad percent escape", get("/api/v1/live-sessions/%zz/")});
    c.push_back({"absolute-form target", get("http://evil.example/api/v1/auth/me/")});
    c.push_back({"target without a slash", get("api/v1/auth/me/")});
    c.push_back({"dot-dot target", get("/api/v1/../../../etc/passwd")});
    c.push_back({"encoded dot-dot target", get("/api/v1/%2e%2e/%2e%2e/etc/passwd")});
    c.push_back({"100 KB target", get("/api/v1/" + std::string(100000, 'a') + "/")});
    c.push_back({"10 000 query parameters", get(
                                                "/api/v1/courses/?" +
                                                    [] {
                                                        std::string q;
                                                        for (int i = 0; i < 1500; ++i)
                                                            q += "p" + std::to_string(i) + "=1&";
                                                        return q;
                                                    }(),
                                                "Authorization: Bearer " + token + "\r\n")});
    // ---- headers ----
    c.push_back({"one 100 KB header", get("/health", "X-Big: " + std::string(100000, 'x') + "\r\n")});
    c.push_back({"20 KB of small headers", get("/health", [] {
                     std::string h;
                     for (int i = 0; i < 2000; ++i) h += "X-" + std::to_string(i) + ": y\r\n";
                     return h;
                 }())});
    c.push_back({"bare CR in a header value", get("/health", "X-Test: a\rInjected: b\r\n")});
    c.push_back({"bare LF in a header value", get("/health", "X-Test: a\nInjected: b\r\n")});
    c.push_back({"NUL in a header value", get("/health", std::string("X-Test: a\0b\r\n", 13))});
    c.push_back({"header without a colon", get("/health", "NoColonHere\r\n")});
    c.push_back({"space in a header name", get("/health", "X Test: a\r\n")});
    c.push_back({"empty header name", get("/health", ": a\r\n")});
    c.push_back({"CR/LF injected in a Bearer token",
                 get("/api/v1/auth/me/", "Authorization: Bearer x\r\nX-Injected: 1\rSet-Cookie: a=b\r\n")});
    c.push_back({"non-ASCII header name", get("/health", "X-\xc3\xa9: a\r\n")});
    // ---- request line, methods, versions ----
    c.push_back({"unknown method", "FOOBAR /health HTTP/1.1\r\nHost: x\r\n\r\n"});
    c.push_back({"lower-case method", "get /health HTTP/1.1\r\nHost: x\r\n\r\n"});
    c.push_back({"10 KB method", std::string(10000, 'G') + " /health HTTP/1.1\r\nHost: x\r\n\r\n"});
    c.push_back({"method with a NUL", std::string("GE\0T /health HTTP/1.1\r\nHost: x\r\n\r\n", 35)});
    c.push_back({"CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n"});
    c.push_back({"TRACE", "TRACE /api/v1/auth/me/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n"});
    c.push_back({"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"});
    c.push_back({"HTTP/0.9", "GET /health\r\n"});
    c.push_back({"HTTP/0.9 with a blank line", "GET /health\r\n\r\n"});
    c.push_back({"HTTP/2 preface", std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") +
                                       std::string("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9)});
    c.push_back({"HTTP/2.0 version", "GET /health HTTP/2.0\r\nHost: x\r\n\r\n"});
    c.push_back({"HTTP/1.2 version", "GET /health HTTP/1.2\r\nHost: x\r\n\r\n"});
    c.push_back({"HTTP/9.9 version", "GET /health HTTP/9.9\r\nHost: x\r\n\r\n"});
    c.push_back({"lower-case version", "GET /health http/1.1\r\nHost: x\r\n\r\n"});
    c.push_back({"two spaces in the request line", "GET  /health HTTP/1.1\r\nHost: x\r\n\r\n"});
    c.push_back({"tab in the request line", "GET\t/health HTTP/1.1\r\nHost: x\r\n\r\n"});
    c.push_back({"empty request line", "\r\n\r\n\r\n"});
    c.push_back({"TLS ClientHello on the plain port",
                 std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(500, 'A')});
    c.push_back({"binary garbage", [] {
                     std::string s;
                     for (int i = 0; i < 4096; ++i) s += static_cast<char>((i * 131 + 7) & 0xff);
                     return s;
                 }()});
    // ---- odd but valid HTTP: must still never be a 5xx ----
    c.push_back({"Transfer-Encoding: Chunked (any case is valid)",
                 login_with("Transfer-Encoding: Chunked\r\nConnection: close\r\n", "2\r\n{}\r\n" + chunk0), true});
    // RFC 9112 5.2: a server may replace obs-fold with a space instead of refusing (Beast does).
    c.push_back({"obsolete line folding", get("/health", "X-Test: a\r\n  folded\r\n"), true});
    c.push_back({"no Host header", "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", true});
    c.push_back({"HTTP/1.0 without Host", "GET /health HTTP/1.0\r\n\r\n", true});
    c.push_back({"HEAD of an API list",
                 "HEAD /api/v1/courses/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                     "\r\nConnection: close\r\n\r\n",
                 true});
    return c;
}

class MalformedHttp : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
    TestServer::School s = srv.make_school("raw", 1);
};

TEST_P(MalformedHttp, EveryRequestOfTheCorpusGetsA4xxOrAClosedConnectionNeverA5xx) {
    auto users_before = srv.count_rows("users");
    auto courses_before = srv.count_rows("courses");
    auto sessions_before = srv.count_rows("live_sessions");
    auto cases = corpus(s.admin_token);
    for (const auto& c : cases) {
        auto ex = raw_exchange(srv.port(), c.bytes);
        EXPECT_FALSE(ex.timed_out) << c.name << ": the server neither answered nor closed";
        for (unsigned st : ex.statuses) EXPECT_LT(st, 500u) << c.name << ": " << ex.received.substr(0, 600);
        if (!ex.statuses.empty()) {
            if (!c.valid_http) {
                EXPECT_TRUE(ex.statuses.front() >= 400u && ex.statuses.front() < 500u)
                    << c.name << ": " << ex.received.substr(0, 600);
            }
            // A request hidden in the body of another is never answered on its own.
            EXPECT_EQ(ex.received.find("\"user\""), std::string::npos) << c.name << ": smuggled request answered";
        } else {
            EXPECT_TRUE(ex.received.empty()) << c.name << ": not an HTTP answer: " << ex.received.substr(0, 200);
        }
        // Still alive and well.
        auto h = srv.get("/health");
        ASSERT_EQ(h.status, 200u) << "after " << c.name;
    }
    RecordProperty("requests", static_cast<int>(cases.size()));
    EXPECT_GE(cases.size(), 100u);
    EXPECT_EQ(srv.count_rows("users"), users_before);
    EXPECT_EQ(srv.count_rows("courses"), courses_before);
    EXPECT_EQ(srv.count_rows("live_sessions"), sessions_before);
}

TEST_P(MalformedHttp, ValidStringsOutsideTheBasicPlaneAreStoredIntact) {
    // The positive side of the UTF-8 checks: an astral character escaped as a surrogate pair is fine.
    auto r = srv.post("/api/v1/courses/", R"({"title":"Ders \ud83d\ude00 \u00e7"})", s.admin_token);
    ASSERT_EQ(r.status, 201u) << r.body;
    auto g = srv.get("/api/v1/courses/" + r.str("id") + "/", s.admin_token);
    EXPECT_EQ(g.str("title"), "Ders \xf0\x9f\x98\x80 \xc3\xa7");
}

/// Sends `head`, waits up to `wait_ms` for what the server says before the body, then sends `body` (if
/// the connection is still open) and reads until the server closes. Returns (before body, after body).
std::pair<std::string, std::string> expect_continue_exchange(unsigned short port, const std::string& head,
                                                             const std::string& body, int wait_ms) {
    std::pair<std::string, std::string> out;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return out;
    ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
    char buf[4096];
    auto read_into = [&](std::string& into, int timeout_ms, bool until_close) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return;
            into.append(buf, static_cast<std::size_t>(n));
            if (!until_close && into.find("\r\n\r\n") != std::string::npos) return;
        }
    };
    read_into(out.first, wait_ms, false);
    ::send(fd, body.data(), body.size(), MSG_NOSIGNAL);
    read_into(out.second, 5000, true);
    ::close(fd);
    return out;
}

TEST_P(MalformedHttp, ExpectContinueIsAnsweredBeforeTheBodyAndRefusedAtOnceWhenTooLarge) {
    // curl (and so PHP LMS plugins) sends "Expect: 100-continue" with bodies over 1 KiB and holds the
    // body back until the server says go, or a second passes.
    const std::string body = R"({"title":")" + std::string(2000, 'd') + R"("})";
    const std::string head =
        "POST /api/v1/courses/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + s.admin_token +
        "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n";
    auto [before, after] = expect_continue_exchange(srv.port(), head, body, 3000);
    EXPECT_EQ(before, "HTTP/1.1 100 Continue\r\n\r\n");
    EXPECT_EQ(after.rfind("HTTP/1.1 422", 0), 0u) << after.substr(0, 200);  // a 2000-character title is too long
    EXPECT_NE(after.find("title"), std::string::npos);

    // Over the limit: the 413 comes instead of the go-ahead, and the body is never needed.
    const std::string big = "POST /api/v1/courses/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                            s.admin_token +
                            "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
                            std::to_string(2 * 1024 * 1024) + "\r\n\r\n";
    auto [refused, rest] = expect_continue_exchange(srv.port(), big, "", 3000);
    EXPECT_EQ(refused.rfind("HTTP/1.1 413", 0), 0u) << refused.substr(0, 200);
    EXPECT_EQ(refused.find("100 Continue"), std::string::npos);
    (void)rest;
}

INSTANTIATE_TEST_SUITE_P(Engines, MalformedHttp, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
