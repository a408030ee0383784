// Issue 5 items 1-3 through HTTP on SQLite and PostgreSQL: join and sign-in rate limits (429 with
// Retry-After, nothing written), the client address behind trusted proxies only, the headers on
// every answer (socket-layer errors included), and launch links (room page with its CSP, redirect,
// expiry, single use); and the same limits and single-use marks shared by two servers through a
// real Redis (LIVE_TEST_REDIS_URL, started by scripts/run-tests.sh).
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <cstdlib>

#include "core/time.hpp"
#include "harness.hpp"
#include "http/security_headers.hpp"
#include "infra/crypto.hpp"
#include "infra/redis_store.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

/// Writes raw bytes to the server and reads until it closes the connection (or 64 KiB).
std::string raw_exchange(unsigned short port, const std::string& bytes) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket sock(io);
    sock.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    boost::asio::write(sock, boost::asio::buffer(bytes));
    std::string out;
    boost::system::error_code ec;
    char buf[4096];
    while (out.size() < 65536) {
        std::size_t n = sock.read_some(boost::asio::buffer(buf), ec);
        if (ec) break;
        out.append(buf, n);
        if (out.find("\r\n\r\n") != std::string::npos && out.find("}") != std::string::npos) break;
    }
    return out;
}

std::string http_csp_api() { return http::kApiCsp; }

void expect_common_headers(const HttpResult& r, const std::string& what) {
    EXPECT_EQ(r.headers.at("content-security-policy"), http_csp_api()) << what;
    EXPECT_EQ(r.headers.at("x-content-type-options"), "nosniff") << what;
    EXPECT_EQ(r.headers.at("referrer-policy"), "no-referrer") << what;
    EXPECT_EQ(r.headers.at("cache-control"), "no-store") << what;
    EXPECT_EQ(r.headers.count("strict-transport-security"), 0u) << what;
}

class Security : public ::testing::TestWithParam<Engine> {
protected:
    static Config limits(int join_user, int join_ip, int login_account = 10, int login_ip = 50) {
        Config c;
        c.rate_join_per_user = join_user;
        c.rate_join_per_ip = join_ip;
        c.rate_login_per_account = login_account;
        c.rate_login_failures_per_ip = login_ip;
        return c;
    }
    /// A started class of `s`; returns its id.
    static std::string live_class(TestServer& srv, const TestServer::School& s) {
        std::string id(srv.create_session(s).at("id").as_string());
        EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
        return id;
    }
    static HttpResult join(TestServer& srv, const std::string& id, const std::string& token,
                           const std::map<std::string, std::string>& headers = {}) {
        return http_request(srv.port(), "POST", "/api/v1/live-sessions/" + id + "/join/", "", token, headers);
    }
};

TEST_P(Security, JoinsAreLimitedPerUserAndPerAddressWithNothingWritten) {
    TestServer srv(GetParam(), true, limits(3, 5));
    auto s = srv.make_school("rl", 2);
    std::string id = live_class(srv, s);
    const std::string rows = "live_session_participants WHERE session_id = '" + id + "'";
    srv.clock().set(srv.clock().now() / 60 * 60 + 60);  // the start of a minute: one window for all below
    for (int i = 0; i < 3; ++i) ASSERT_EQ(join(srv, id, s.student_tokens[0]).status, 200u) << i;
    auto over = join(srv, id, s.student_tokens[0]);
    ASSERT_EQ(over.status, 429u) << over.body;
    EXPECT_EQ(over.headers.at("content-type"), "application/problem+json");
    EXPECT_EQ(over.headers.at("retry-after"), "60");
    EXPECT_EQ(over.str("type"), "https://liveclass.dev/problems/rate-limited");
    EXPECT_NE(over.str("detail").find("too many join attempts"), std::string::npos) << over.body;
    EXPECT_EQ(srv.count_rows(rows), 3);
    EXPECT_EQ(srv.count_rows("audit_logs WHERE action = 'session.join' AND resource_id = '" + id + "'"), 3);

    // The address's limit (5) covers every user from it; a forged X-Forwarded-For from an untrusted
    // peer changes nothing.
    ASSERT_EQ(join(srv, id, s.student_tokens[1]).status, 200u);
    ASSERT_EQ(join(srv, id, s.student_tokens[1]).status, 200u);
    auto ip_over = join(srv, id, s.student_tokens[1], {{"X-Forwarded-For", "203.0.113.77"}});
    ASSERT_EQ(ip_over.status, 429u) << ip_over.body;
    EXPECT_NE(ip_over.str("detail").find("from your network"), std::string::npos) << ip_over.body;
    EXPECT_EQ(srv.count_rows(rows), 5);

    srv.clock().advance(60);  // the next window
    EXPECT_EQ(join(srv, id, s.student_tokens[0]).status, 200u);
}

TEST_P(Security, ForwardedForIsBelievedOnlyFromTrustedProxies) {
    Config cfg = limits(100, 2);
    cfg.trusted_proxies = "127.0.0.1";
    TestServer srv(GetParam(), true, cfg);
    auto s = srv.make_school("xff", 1);
    std::string id = live_class(srv, s);
    srv.clock().set(srv.clock().now() / 60 * 60 + 60);
    const std::map<std::string, std::string> a{{"X-Forwarded-For", "198.51.100.1, 203.0.113.9"}};
    ASSERT_EQ(join(srv, id, s.student_tokens[0], a).status, 200u);
    ASSERT_EQ(join(srv, id, s.student_tokens[0], a).status, 200u);
    EXPECT_EQ(join(srv, id, s.student_tokens[0], a).status, 429u);
    // Another client behind the same proxy has its own count.
    auto b = join(srv, id, s.student_tokens[0], {{"X-Forwarded-For", "192.0.2.44"}});
    ASSERT_EQ(b.status, 200u) << b.body;
    // The stored hash is of the client's address (the proxy's last entry), never of the proxy's.
    auto salt = infra::derive_key(srv.app().config().secret_key, "ip-hash");
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE id = '" + js(b.obj().at("participant_id")) +
                             "' AND ip_hash = '" + infra::hmac_sha256_hex(salt, "192.0.2.44") + "'"),
              1);
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE ip_hash = '" +
                             infra::hmac_sha256_hex(salt, "203.0.113.9") + "'"),
              2);
    // A second X-Forwarded-For field (appended by the proxy after the client's own) is read too.
    auto two = raw_exchange(srv.port(), "POST /api/v1/live-sessions/" + id +
                                            "/join/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                            "Authorization: Bearer " +
                                            s.student_tokens[0] +
                                            "\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 192.0.2.99\r\n"
                                            "Content-Length: 0\r\n\r\n");
    ASSERT_NE(two.find("HTTP/1.1 200"), std::string::npos) << two;
    EXPECT_EQ(srv.count_rows("live_session_participants WHERE ip_hash = '" +
                             infra::hmac_sha256_hex(salt, "192.0.2.99") + "'"),
              1);
    EXPECT_EQ(
        srv.count_rows("live_session_participants WHERE ip_hash = '" + infra::hmac_sha256_hex(salt, "6.6.6.6") + "'"),
        0);
    // HSTS only when the proxy says the client used TLS.
    auto tls = http_request(srv.port(), "GET", "/health", "", "", {{"X-Forwarded-Proto", "https"}});
    EXPECT_EQ(tls.headers.at("strict-transport-security"), "max-age=31536000; includeSubDomains");
    EXPECT_EQ(srv.get("/health").headers.count("strict-transport-security"), 0u);
}

TEST_P(Security, SignInsAreLimitedPerAccountAndFailuresPerAddress) {
    TestServer srv(GetParam(), true, limits(10, 100, 3, 5));
    auto s = srv.make_school("bf", 1);
    srv.clock().set(srv.clock().now() / 900 * 900 + 900);
    auto login = [&](const std::string& email, const std::string& password) {
        return srv.post_json("/api/v1/auth/login/", {{"email", email}, {"password", password}});
    };
    const std::string teacher = s.instructor.email, good = "password-bf";
    for (int i = 0; i < 3; ++i) ASSERT_EQ(login(teacher, "wrong").status, 401u) << i;
    // The account is locked for this window: even the right password is not checked.
    auto locked = login(teacher, good);
    ASSERT_EQ(locked.status, 429u) << locked.body;
    EXPECT_EQ(locked.headers.at("retry-after"), "900");
    EXPECT_NE(locked.str("detail").find("for this account"), std::string::npos);
    // Upper-case spelling is the same account.
    EXPECT_EQ(login("TEACHER@bf.test", good).status, 429u);

    // Failures from this address: 3 so far; 2 more on other accounts reach the limit of 5.
    EXPECT_EQ(login(s.admin.email, "wrong").status, 401u);
    EXPECT_EQ(login("nobody@bf.test", "wrong").status, 401u);
    auto ip_locked = login(s.students[0].email, "password-bf");
    ASSERT_EQ(ip_locked.status, 429u) << ip_locked.body;
    EXPECT_NE(ip_locked.str("detail").find("failed sign-ins from your network"), std::string::npos);

    srv.clock().advance(900);
    ASSERT_EQ(login(teacher, good).status, 200u);
    // A success clears the account's attempts: two more mistakes and the right password still work.
    EXPECT_EQ(login(teacher, "wrong").status, 401u);
    EXPECT_EQ(login(teacher, "wrong").status, 401u);
    EXPECT_EQ(login(teacher, good).status, 200u);
}

TEST_P(Security, EveryAnswerCarriesTheSecurityHeaders) {
    TestServer srv(GetParam());
    auto s = srv.make_school("hdr", 1);
    expect_common_headers(srv.get("/health"), "health");
    expect_common_headers(srv.get("/api/v1/live-sessions/", s.student_tokens[0]), "list");
    expect_common_headers(srv.get("/api/v1/live-sessions/"), "401");
    expect_common_headers(srv.get("/api/v1/nothing-here/", s.student_tokens[0]), "404");
    expect_common_headers(srv.del("/api/v1/auth/login/"), "405");
    expect_common_headers(srv.post("/api/v1/auth/login/", "{", ""), "400");
    // Answers of the socket layer itself: a malformed request and an oversized body.
    auto malformed = raw_exchange(srv.port(), "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    EXPECT_NE(malformed.find("HTTP/1.1 400"), std::string::npos) << malformed;
    EXPECT_NE(malformed.find("Content-Security-Policy: " + http_csp_api()), std::string::npos) << malformed;
    EXPECT_NE(malformed.find("X-Content-Type-Options: nosniff"), std::string::npos) << malformed;
    auto big = raw_exchange(srv.port(),
                            "POST /api/v1/auth/login/ HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            "application/json\r\nContent-Length: 2000000\r\n\r\n{");
    EXPECT_NE(big.find("HTTP/1.1 413"), std::string::npos) << big;
    EXPECT_NE(big.find("Referrer-Policy: no-referrer"), std::string::npos) << big;
}

TEST_P(Security, LaunchLinksOpenTheRoomInAPageOnlyTheSchoolMayFrame) {
    TestServer srv(GetParam());
    auto s = srv.make_school("launch", 1);
    auto domains = srv.patch_json("/api/v1/tenants/" + s.tenant.id + "/", {{"domains", json::array{"lms.launch.test"}}},
                                  s.admin_token);
    ASSERT_EQ(domains.status, 200u) << domains.body;
    std::string id = live_class(srv, s);
    auto j = join(srv, id, s.student_tokens[0]);
    ASSERT_EQ(j.status, 200u) << j.body;
    std::string launch = j.str("launch_url"), room = j.str("join_url");
    ASSERT_EQ(launch.rfind("/api/v1/launch/lt1.", 0), 0u) << launch;
    EXPECT_FALSE(j.obj().at("token").is_null());  // not single use: the provider token is handed out too

    auto page = srv.get(launch);
    ASSERT_EQ(page.status, 200u) << page.body;
    EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
    const auto& csp = page.headers.at("content-security-policy");
    EXPECT_NE(csp.find("frame-src https://meet.launch.test;"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'self' https://lms.launch.test;"), std::string::npos) << csp;
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    std::string escaped;
    for (char c : room) escaped += c == '&' ? std::string("&amp;") : std::string(1, c);
    EXPECT_NE(page.body.find("<iframe src=\"" + escaped + "\""), std::string::npos) << page.body;
    EXPECT_EQ(page.headers.at("cache-control"), "no-store");

    auto redirect = srv.get(launch + "?redirect=true");
    ASSERT_EQ(redirect.status, 303u) << redirect.body;
    EXPECT_EQ(redirect.headers.at("location"), room);
    EXPECT_EQ(srv.get(launch + "?redirect=yes&x=1").status, 400u);

    std::string tampered = launch;
    tampered[30] = tampered[30] == 'A' ? 'B' : 'A';
    auto bad = srv.get(tampered);
    EXPECT_EQ(bad.status, 404u) << bad.body;
    expect_common_headers(bad, "bad launch link");
    EXPECT_EQ(srv.get("/api/v1/launch/not-a-token/").status, 404u);

    srv.clock().advance(300);
    auto expired = srv.get(launch);
    EXPECT_EQ(expired.status, 410u) << expired.body;
    EXPECT_NE(expired.str("detail").find("expired"), std::string::npos);

    // A fresh link for a class that then ends: nothing to open any more.
    auto again = join(srv, id, s.student_tokens[0]);
    ASSERT_EQ(again.status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    EXPECT_EQ(srv.get(again.str("launch_url")).status, 409u);
}

TEST_P(Security, SingleUseJoinsHandOutOnlyALinkThatOpensOnce) {
    Config cfg;
    cfg.join_single_use = true;
    cfg.join_token_ttl = 120;
    cfg.public_url = "https://live.example.test";
    TestServer srv(GetParam(), true, cfg);
    auto s = srv.make_school("once", 1);
    std::string id = live_class(srv, s);
    auto j = join(srv, id, s.student_tokens[0]);
    ASSERT_EQ(j.status, 200u) << j.body;
    EXPECT_TRUE(j.obj().at("token").is_null()) << j.body;
    std::string link = j.str("launch_url");
    EXPECT_EQ(j.str("join_url"), link);
    ASSERT_EQ(link.rfind("https://live.example.test/api/v1/launch/lt1.", 0), 0u) << link;
    EXPECT_EQ(j.str("expires_at"), format_iso8601(srv.clock().now() + 120));
    std::string path = link.substr(std::string("https://live.example.test").size());

    auto first = srv.get(path + "?redirect=true");
    ASSERT_EQ(first.status, 303u) << first.body;
    EXPECT_EQ(first.headers.at("location").rfind("https://meet.once.test/", 0), 0u);
    EXPECT_NE(first.headers.at("location").find("jwt="), std::string::npos);
    EXPECT_EQ(first.headers.count("strict-transport-security"), 1u);  // LIVE_PUBLIC_URL is https
    auto second = srv.get(path);
    ASSERT_EQ(second.status, 410u) << second.body;
    EXPECT_NE(second.str("detail").find("already used"), std::string::npos);
    // Each join has its own link.
    auto next = join(srv, id, s.student_tokens[0]);
    EXPECT_EQ(srv.get(next.str("launch_url").substr(25)).status, 200u);
}

/// Two servers (two processes in production) sharing one Redis.
TEST_P(Security, RedisSharesLimitsAndUsedLinksBetweenServers) {
    const char* url = std::getenv("LIVE_TEST_REDIS_URL");
    if (!url || !*url) GTEST_SKIP() << "LIVE_TEST_REDIS_URL not set (scripts/run-tests.sh starts Redis)";
    Config cfg = limits(10, 100, 3, 50);
    cfg.redis_url = url;
    cfg.join_single_use = true;
    TestServer a(GetParam(), true, cfg), b(GetParam(), true, cfg);
    // The same school (same e-mails) in both databases, as with two processes on one database.
    const std::string slug = "redis" + infra::random_hex(4);
    auto sa = a.make_school(slug, 1);
    auto sb = b.make_school(slug, 1);
    a.clock().set(a.clock().now() / 900 * 900 + 900);
    b.clock().set(a.clock().now());
    auto login = [&](TestServer& srv, const std::string& password) {
        return srv.post_json("/api/v1/auth/login/", {{"email", sa.instructor.email}, {"password", password}});
    };
    EXPECT_EQ(login(a, "wrong").status, 401u);
    EXPECT_EQ(login(b, "wrong").status, 401u);
    EXPECT_EQ(login(a, "wrong").status, 401u);
    EXPECT_EQ(login(b, "password-" + slug).status, 429u);  // three attempts in total, on two servers

    // A single-use link opened on server A is refused by server B's check.
    std::string id = live_class(a, sa);
    auto j = join(a, id, sa.student_tokens[0]);
    ASSERT_EQ(j.status, 200u) << j.body;
    std::string token = j.str("launch_url").substr(std::string("/api/v1/launch/").size());
    token.pop_back();
    ASSERT_EQ(a.get(j.str("launch_url")).status, 200u);
    auto replay = b.app().launch_links().redeem(token);
    ASSERT_FALSE(replay);
    EXPECT_EQ(replay.error().code, Code::kGone);
}

INSTANTIATE_TEST_SUITE_P(Engines, Security, ::testing::ValuesIn(available_engines()), engine_name);

TEST(RedisStore, CountersMarksAndFailures) {
    const char* url = std::getenv("LIVE_TEST_REDIS_URL");
    if (!url || !*url) GTEST_SKIP() << "LIVE_TEST_REDIS_URL not set (scripts/run-tests.sh starts Redis)";
    auto addr = infra::parse_redis_url(url);
    ASSERT_TRUE(addr) << addr.error().fields.at(0).detail;
    infra::RedisSharedStore store(*addr, "liveclass-test:" + infra::random_hex(6) + ":");
    ASSERT_TRUE(store.ping());
    EXPECT_EQ(*store.increment("c", 60), 1);
    EXPECT_EQ(*store.increment("c", 60), 2);
    EXPECT_EQ(*store.get("c"), 2);
    EXPECT_EQ(*store.get("absent"), 0);
    EXPECT_TRUE(*store.set_once("m", 60));
    EXPECT_FALSE(*store.set_once("m", 60));
    ASSERT_TRUE(store.remove("c"));
    EXPECT_EQ(*store.get("c"), 0);
    EXPECT_TRUE(store.remote());

    // A wrong password and a closed port are reported, not thrown.
    auto wrong = *addr;
    wrong.password = "not-the-password";
    infra::RedisSharedStore denied(wrong);
    auto d = denied.ping();
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, Code::kUnavailable);
    infra::RedisAddress closed;
    closed.port = 1;  // nothing listens there
    infra::RedisSharedStore down(closed);
    auto n = down.increment("x", 10);
    ASSERT_FALSE(n);
    EXPECT_EQ(n.error().code, Code::kUnavailable);
    // Right after a failure, calls fail at once instead of each waiting for the timeout.
    auto paused = down.get("x");
    ASSERT_FALSE(paused);
    EXPECT_NE(paused.error().internal.find("paused"), std::string::npos) << paused.error().internal;
}

TEST(RedisStore, UrlsAreParsedStrictly) {
    auto full = infra::parse_redis_url("redis://user:p%40ss@cache.internal:6380/3");
    ASSERT_TRUE(full);
    EXPECT_EQ(full->host, "cache.internal");
    EXPECT_EQ(full->port, 6380);
    EXPECT_EQ(full->username, "user");
    EXPECT_EQ(full->password, "p@ss");
    EXPECT_EQ(full->database, 3);
    auto plain = infra::parse_redis_url("redis://127.0.0.1");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->port, 6379);
    EXPECT_EQ(plain->database, 0);
    for (const char* bad : {"http://x", "redis://", "rediss://x:6379", "redis://x:99999", "redis://x/abc", "x"})
        EXPECT_FALSE(infra::parse_redis_url(bad)) << bad;
}

}  // namespace
}  // namespace lc::testing
