// Issue 5 items 1-3 at the lowest level: the shared store's counters and single-use marks, the rate
// limiter's windows, trusted-proxy client addresses, launch-link sealing, and the header policies.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <boost/json.hpp>
#include <sstream>
#include <vector>

#include "core/shared_store.hpp"
#include "http/client_ip.hpp"
#include "http/security_headers.hpp"
#include "infra/crypto.hpp"
#include "infra/log.hpp"
#include "services/launch_links.hpp"
#include "services/rate_limiter.hpp"

namespace lc {
namespace {

TEST(MemorySharedStore, CountersLiveForTheirFirstLifetime) {
    ManualClock clock(1000);
    MemorySharedStore s(clock);
    EXPECT_EQ(*s.increment("a", 10), 1);
    clock.advance(5);
    EXPECT_EQ(*s.increment("a", 10), 2);  // the lifetime is not extended by later increments
    EXPECT_EQ(*s.get("a"), 2);
    clock.advance(5);  // 10 s after creation: expired
    EXPECT_EQ(*s.get("a"), 0);
    EXPECT_EQ(*s.increment("a", 10), 1);
    EXPECT_EQ(*s.get("missing"), 0);
    ASSERT_TRUE(s.remove("a"));
    EXPECT_EQ(*s.get("a"), 0);
}

TEST(MemorySharedStore, SetOnceIsTrueOnlyTheFirstTimeWithinItsLifetime) {
    ManualClock clock(1000);
    MemorySharedStore s(clock);
    EXPECT_TRUE(*s.set_once("jti:1", 30));
    EXPECT_FALSE(*s.set_once("jti:1", 30));
    EXPECT_TRUE(*s.set_once("jti:2", 30));
    clock.advance(30);
    EXPECT_TRUE(*s.set_once("jti:1", 30));  // expired marks do not block for ever
}

TEST(MemorySharedStore, ExpiredKeysAreDroppedAsTheStoreGrows) {
    ManualClock clock(1000);
    MemorySharedStore s(clock);
    for (int i = 0; i < 50000; ++i) ASSERT_TRUE(s.increment("ip:" + std::to_string(i), 60));
    clock.advance(61);
    for (int i = 0; i < 50000; ++i) ASSERT_TRUE(s.increment("ip2:" + std::to_string(i), 60));
    // Without sweeping it would hold 100 000 keys; most of the first 50 000 were swept.
    EXPECT_LT(s.size(), 70000u);
}

/// A store whose every call fails (Redis down).
class BrokenStore final : public SharedStore {
public:
    Result<long long> increment(const std::string&, int) override { return Error::unavailable("down"); }
    Result<bool> set_once(const std::string&, int) override { return Error::unavailable("down"); }
    Result<long long> get(const std::string&) override { return Error::unavailable("down"); }
    Status remove(const std::string&) override { return Error::unavailable("down"); }
    bool remote() const override { return true; }
};

TEST(AppPageCsp, VideosPlayFromUsObjectUrlsAndTheBucketOurCopiesAreSignedOutOf) {
    const std::string plain = http::app_page_csp({}, {}, {});
    EXPECT_NE(plain.find("media-src 'self' blob:;"), std::string::npos) << plain;
    const std::string s3 =
        http::app_page_csp({}, {}, {}, {"https://okul-kayit.s3.eu-central-1.amazonaws.com", "https://x; script-src *"});
    EXPECT_NE(s3.find("media-src 'self' blob: https://okul-kayit.s3.eu-central-1.amazonaws.com;"), std::string::npos)
        << s3;
    EXPECT_EQ(s3.find("script-src *"), std::string::npos) << "an origin that is not one is dropped: " << s3;
}

TEST(RateLimiter, FixedWindowsWithRetryAfterUntilTheWindowEnds) {
    ManualClock clock(6000);  // a window boundary for 60-second windows
    MemorySharedStore store(clock);
    auto log = infra::Logger::quiet();
    services::RateLimiter rl(store, clock, log, {});
    services::RateRule rule{"join_user", 3, 60, "join attempts"};
    clock.advance(15);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.hit(rule, "u1")) << i;
    auto over = rl.hit(rule, "u1");
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, Code::kResourceExhausted);
    EXPECT_EQ(over.error().retry_after_seconds, 45);
    EXPECT_NE(over.error().message.find("45 seconds"), std::string::npos);
    EXPECT_TRUE(rl.hit(rule, "u2"));  // subjects are counted apart
    clock.advance(45);                // the next window
    EXPECT_TRUE(rl.hit(rule, "u1"));
    services::RateRule off{"join_user", 0, 60, "join attempts"};
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(rl.hit(off, "u1"));
}

TEST(RateLimiter, CheckCountAndResetForFailureRules) {
    ManualClock clock(9000);
    MemorySharedStore store(clock);
    auto log = infra::Logger::quiet();
    services::RateLimiter rl(store, clock, log, {});
    services::RateRule rule{"login_ip", 2, 900, "failed sign-ins"};
    EXPECT_TRUE(rl.check(rule, "1.2.3.4"));
    rl.count(rule, "1.2.3.4");
    EXPECT_TRUE(rl.check(rule, "1.2.3.4"));  // checking does not count
    rl.count(rule, "1.2.3.4");
    EXPECT_FALSE(rl.check(rule, "1.2.3.4"));
    rl.reset(rule, "1.2.3.4");
    EXPECT_TRUE(rl.check(rule, "1.2.3.4"));
}

TEST(RateLimiter, AStoreOutageLetsRequestsThrough) {
    ManualClock clock(9000);
    BrokenStore store;
    auto log = infra::Logger::quiet();
    services::RateLimiter rl(store, clock, log, {});
    services::RateRule rule{"join_user", 1, 60, "join attempts"};
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.hit(rule, "u"));
    EXPECT_TRUE(rl.check(rule, "u"));
    EXPECT_TRUE(rl.remote());
}

/// A remote store that remembers the keys it was given.
class RecordingStore final : public SharedStore {
public:
    std::vector<std::string> keys;
    Result<long long> increment(const std::string& k, int) override {
        keys.push_back(k);
        return 1;
    }
    Result<bool> set_once(const std::string& k, int) override {
        keys.push_back(k);
        return true;
    }
    Result<long long> get(const std::string& k) override {
        keys.push_back(k);
        return 0;
    }
    Status remove(const std::string&) override { return ok_status(); }
    bool remote() const override { return true; }
};

TEST(RateLimiter, KeysOutsideTheProcessNameNoAddressOrEmail) {
    ManualClock clock(9000);
    RecordingStore store;
    auto log = infra::Logger::quiet();
    services::RateLimiter rl(store, clock, log, {}, std::string(32, 'k'));
    services::RateRule rule{"login_ip", 5, 900, "failed sign-ins"};
    ASSERT_TRUE(rl.hit(rule, "203.0.113.9"));
    ASSERT_TRUE(rl.check(rule, "ayse@okul.edu.tr"));
    ASSERT_EQ(store.keys.size(), 2u);
    for (const auto& k : store.keys) {
        EXPECT_EQ(k.find("203.0.113.9"), std::string::npos) << k;
        EXPECT_EQ(k.find("ayse"), std::string::npos) << k;
        EXPECT_EQ(k.rfind("rl:login_ip:", 0), 0u) << k;
    }
    EXPECT_NE(store.keys[0], store.keys[1]);
    ASSERT_TRUE(rl.hit(rule, "203.0.113.9"));
    EXPECT_EQ(store.keys[2], store.keys[0]);  // the same subject, the same key
}

TEST(TrustedProxies, ParsesAddressesAndNetworksAndRejectsGarbage) {
    auto t = http::TrustedProxies::parse(" 127.0.0.1, 10.0.0.0/8 ,::1, fd00::/8");
    ASSERT_TRUE(t) << t.error().fields.at(0).detail;
    EXPECT_TRUE(t->contains("127.0.0.1"));
    EXPECT_TRUE(t->contains("10.200.3.4"));
    EXPECT_TRUE(t->contains("::ffff:10.1.1.1"));  // IPv4-mapped
    EXPECT_TRUE(t->contains("fd12::1"));
    EXPECT_FALSE(t->contains("11.0.0.1"));
    EXPECT_FALSE(t->contains("not-an-ip"));
    EXPECT_TRUE(http::TrustedProxies::parse("")->empty());
    for (const char* bad : {"10.0.0.0/33", "nginx", "10.0.0.0/", "10.0.0.0/abc", "::1/129", "1.2.3.4/-1"}) {
        auto r = http::TrustedProxies::parse(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().fields.at(0).field, "LIVE_TRUSTED_PROXIES");
    }
}

TEST(TrustedProxies, TheClientIsTheFirstUntrustedAddressFromTheRight) {
    auto t = *http::TrustedProxies::parse("127.0.0.1, 10.0.0.0/8");
    // Not from a trusted proxy: the header is the client's own claim and is ignored.
    EXPECT_EQ(t.client_ip("198.51.100.7", "203.0.113.9"), "198.51.100.7");
    // From the proxy: the address it saw.
    EXPECT_EQ(t.client_ip("127.0.0.1", "203.0.113.9"), "203.0.113.9");
    // A client forging a header in front of the proxy's entry gets its real address, not the forged one.
    EXPECT_EQ(t.client_ip("127.0.0.1", "1.1.1.1, 203.0.113.9"), "203.0.113.9");
    // Several trusted hops are skipped.
    EXPECT_EQ(t.client_ip("127.0.0.1", "203.0.113.9, 10.1.2.3"), "203.0.113.9");
    // Garbage stops the walk at the last address a trusted hop vouched for.
    EXPECT_EQ(t.client_ip("127.0.0.1", "evil\r\nX: y, 10.1.2.3"), "10.1.2.3");
    EXPECT_EQ(t.client_ip("127.0.0.1", "not-an-address"), "127.0.0.1");
    EXPECT_EQ(t.client_ip("127.0.0.1", ""), "127.0.0.1");
    EXPECT_EQ(t.client_ip("127.0.0.1", " 2001:db8::1 "), "2001:db8::1");
}

TEST(LaunchLinks, SealedRedeemableUntilExpiryAndTamperProof) {
    ManualClock clock(1'800'000'000);
    MemorySharedStore used(clock);
    std::string key = infra::derive_key("master-key-0123456789abcdef0123456789", "launch-links");
    services::LaunchLinks links(key, clock, used, {120, false, "https://lms.example.edu"});
    services::LaunchTicket t;
    t.tenant_id = "tenant-1";
    t.session_id = "session-1";
    t.user_id = "user-1";
    t.provider = domain::ProviderKind::kBbb;
    t.url = "https://bbb.example.org/bigbluebutton/api/join?fullName=A&checksum=abc";
    std::string token = links.issue(t);
    EXPECT_EQ(token.rfind("lt1.", 0), 0u);
    EXPECT_EQ(token.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
              std::string::npos);
    EXPECT_EQ(token.find("bbb.example.org"), std::string::npos);  // nothing readable inside
    EXPECT_EQ(links.url_for(token), "https://lms.example.edu/api/v1/launch/" + token + "/");

    auto r = links.redeem(token);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->url, t.url);
    EXPECT_EQ(r->session_id, "session-1");
    EXPECT_EQ(r->provider, domain::ProviderKind::kBbb);
    EXPECT_EQ(r->expires_at, 1'800'000'120);
    EXPECT_TRUE(infra::is_uuid(r->jti));
    EXPECT_TRUE(links.redeem(token));  // not single use: opens again until it expires

    // One changed character anywhere, another key, or another format: not ours.
    for (std::size_t i = 4; i < token.size(); i += 7) {
        std::string bad = token;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        auto br = links.redeem(bad);
        ASSERT_FALSE(br) << i;
        EXPECT_EQ(br.error().code, Code::kNotFound);
    }
    services::LaunchLinks other(infra::derive_key("another-master-key-0123456789abcdef", "launch-links"), clock, used,
                                {120, false, ""});
    EXPECT_EQ(other.redeem(token).error().code, Code::kNotFound);
    for (std::string junk : {std::string(""), std::string("lt1."), std::string("lt1.!!!"), std::string(9000, 'a'),
                             std::string("lt2.") + token.substr(4)})
        EXPECT_EQ(links.redeem(junk).error().code, Code::kNotFound) << junk.substr(0, 10);

    clock.advance(120);
    auto expired = links.redeem(token);
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code, Code::kGone);
    EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
}

TEST(LaunchLinks, SingleUseLinksOpenOnceAndTwoLinksAreIndependent) {
    ManualClock clock(1'800'000'000);
    MemorySharedStore used(clock);
    services::LaunchLinks links(std::string(32, 'k'), clock, used, {300, true, ""});
    services::LaunchTicket t;
    t.url = "https://meet.example.org/school-room?jwt=x";
    std::string a = links.issue(t), b = links.issue(t);
    EXPECT_NE(a, b);
    EXPECT_EQ(links.url_for(a), "/api/v1/launch/" + a + "/");
    ASSERT_TRUE(links.redeem(a));
    auto again = links.redeem(a);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Code::kGone);
    EXPECT_NE(again.error().message.find("already used"), std::string::npos);
    EXPECT_TRUE(links.redeem(b));
    // Reading a link does not use it up; only consume does (after the class checks passed).
    std::string c = links.issue(t);
    auto opened = links.open(c);
    ASSERT_TRUE(opened);
    ASSERT_TRUE(links.open(c));
    ASSERT_TRUE(links.consume(*opened));
    EXPECT_EQ(links.consume(*opened).error().code, Code::kGone);

    BrokenStore down;
    services::LaunchLinks strict(std::string(32, 'k'), clock, down, {300, true, ""});
    auto unknown = strict.redeem(links.issue(t));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, Code::kUnavailable);  // single use cannot be promised: refuse
}

TEST(SecurityHeaders, OriginsAndRoomPagePolicy) {
    EXPECT_EQ(http::origin_of("https://Meet.Example.org/room?jwt=1"), "https://meet.example.org");
    EXPECT_EQ(http::origin_of("http://127.0.0.1:8443/bigbluebutton/api/join?x=1"), "http://127.0.0.1:8443");
    EXPECT_EQ(http::origin_of("https://meet.example.org/room?jwt=1#config.startWithAudioMuted=true"),
              "https://meet.example.org");
    EXPECT_EQ(http::origin_of("javascript:alert(1)"), "");
    EXPECT_EQ(http::origin_of("/relative"), "");
    auto csp = http::room_page_csp("https://meet.example.org", {"lms.school.edu", "evil.com; script-src *"});
    EXPECT_NE(csp.find("frame-src https://meet.example.org;"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'self' https://lms.school.edu;"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("evil.com"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("script-src"), std::string::npos) << csp;
    EXPECT_NE(http::room_page_csp("", {}).find("frame-src 'none'"), std::string::npos);

    http::Response res{http::bhttp::status::ok, 11};
    http::apply_security_headers(res, false);
    EXPECT_EQ(res["Content-Security-Policy"], http::kApiCsp);
    EXPECT_EQ(res[http::bhttp::field::cache_control], "no-store");
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
    EXPECT_EQ(res.find(http::bhttp::field::strict_transport_security), res.end());
    http::Response page{http::bhttp::status::ok, 11};
    page.set("Content-Security-Policy", "frame-src x");
    page.set(http::bhttp::field::cache_control, "private, max-age=60");
    http::apply_security_headers(page, true);
    EXPECT_EQ(page["Content-Security-Policy"], "frame-src x");
    EXPECT_EQ(page[http::bhttp::field::cache_control], "private, max-age=60");
    EXPECT_EQ(page[http::bhttp::field::strict_transport_security], "max-age=31536000; includeSubDomains");
}

}  // namespace
}  // namespace lc

namespace lc {
namespace {

TEST(LogRedaction, MasksAddressesEmailsAndTokensAndNothingElse) {
    using infra::redact_personal_data;
    EXPECT_EQ(redact_personal_data("duplicate key (email)=(ayse.yilmaz@okul.edu.tr) already exists."),
              "duplicate key (email)=(a***@okul.edu.tr) already exists.");
    EXPECT_EQ(redact_personal_data("connect to 10.1.2.3:5432 failed; peer 2001:db8::7 reset"),
              "connect to [ip] failed; peer [ip] reset");
    EXPECT_EQ(redact_personal_data("Authorization: Bearer abc.def-ghi"), "Authorization: Bearer [token]");
    EXPECT_EQ(redact_personal_data("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln rejected"), "jwt [token] rejected");
    // A database error's bound values (a name, a password hash) are dropped; the statement is kept.
    EXPECT_EQ(redact_personal_data(
                  "UNIQUE constraint failed: users.tenant_id, users.external_id while executing "
                  "\"INSERT INTO users(id, full_name, password_hash) VALUES(:a, :d, :g)\" with "
                  ":a=\"0190a5b2\", :d=\"Ayşe Yılmaz\", :g=\"$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA\"."),
              "UNIQUE constraint failed: users.tenant_id, users.external_id while executing "
              "\"INSERT INTO users(id, full_name, password_hash) VALUES(:a, :d, :g)\" with [bound values withheld]");
    EXPECT_EQ(redact_personal_data("null value in column \"email\" violates not-null constraint\nDETAIL:  Failing row "
                                   "contains (0190, Ayşe Yılmaz, $argon2id$v=19$x).\nnext line"),
              "null value in column \"email\" violates not-null constraint\nDETAIL:  Failing row contains [values "
              "withheld]\nnext line");
    // Ordinary text, times, versions, routes and ids pass unchanged.
    for (const char* same : {"/api/v1/live-sessions/{id}/join/", "08:41:59 took 1.5 ms",
                             "0190a5b2-7c1d-7e3f-8a9b-1c2d3e4f5a6b", "libcurl 7.88.1", "no such user", "a@b"})
        EXPECT_EQ(redact_personal_data(same), same);
}

TEST(LogRedaction, LinesStayOneJsonObjectEachWhateverTheInput) {
    auto stream = std::make_shared<std::ostringstream>();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream);
    auto l = std::make_shared<spdlog::logger>("t", sink);
    l->set_pattern("%v");
    infra::Logger log(l);
    log.warn("forged?\n{\"level\":\"error\",\"msg\":\"admin logged in\"}",
             {{"detail", "a\r\nb from 192.168.1.20 for ali@x.com.tr"}, {"n", 3}});
    std::string out = stream->str();
    ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    auto v = boost::json::parse(out).as_object();
    EXPECT_EQ(v.at("detail"), "a\r\nb from [ip] for a***@x.com.tr");
    EXPECT_EQ(v.at("n"), 3);
    EXPECT_EQ(v.at("level"), "warning");
}

}  // namespace
}  // namespace lc
