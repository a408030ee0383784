#include "infra/webpush.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "infra/crypto.hpp"
#include "infra/http_client.hpp"
#include "push_endpoint.hpp"

namespace lc::infra {
namespace {

namespace json = boost::json;
using lc::testing::PushEndpoint;

// RFC 8291 Appendix A: every input of the worked example and the body it produces.
constexpr std::string_view kRfcPlaintext = "When I grow up, I want to be a watermelon";
constexpr std::string_view kRfcUaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr std::string_view kRfcAuth = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr std::string_view kRfcAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr std::string_view kRfcAsPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr std::string_view kRfcSalt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr std::string_view kRfcBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
    "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

constexpr std::string_view kSubject = "mailto:push-ops@liveclass.example";
constexpr std::string_view kTurkish = "Ders 10 dakika sonra başlıyor: Çağrı Öğretmen, İstatistik ve Olasılık (şubat)";

PushSubscription rfc_subscription() {
    return {"https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV", std::string(kRfcUaPublic),
            std::string(kRfcAuth)};
}

std::string unb64(std::string_view s) {
    auto raw = base64url_decode(s);
    EXPECT_TRUE(raw.has_value()) << s;
    return raw.value_or("");
}

bool has_field(const Error& e, std::string_view field) {
    for (const auto& f : e.fields)
        if (f.field == field) return true;
    return false;
}

/// Records what would have gone out and answers with a fixed response.
class RecordingHttpClient final : public HttpClient {
public:
    explicit RecordingHttpClient(long status = 201, long retry_after = 0) : status_(status), retry_(retry_after) {}
    Result<HttpResponse> send(const HttpRequest& request) const override {
        std::lock_guard lk(mu_);
        requests_.push_back(request);
        HttpResponse res;
        res.status = status_;
        res.retry_after_seconds = retry_;
        return res;
    }
    std::vector<HttpRequest> requests() const {
        std::lock_guard lk(mu_);
        return requests_;
    }

private:
    long status_, retry_;
    mutable std::mutex mu_;
    mutable std::vector<HttpRequest> requests_;
};

std::string header(const HttpRequest& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return "<absent>";
}

// ---------------------------------------------------------------------------------------------- encryption

TEST(WebPushEncryption, ReproducesRfc8291AppendixAByteForByte) {
    auto body = encrypt_push_payload(rfc_subscription(), kRfcPlaintext, unb64(kRfcSalt), unb64(kRfcAsPrivate));
    ASSERT_TRUE(body.ok()) << body.error().message;
    EXPECT_EQ(base64url_encode(*body), kRfcBody);
}

TEST(WebPushEncryption, RandomSaltAndKeyPerMessageWithTheRfcLayout) {
    auto a = encrypt_push_payload(rfc_subscription(), kRfcPlaintext);
    auto b = encrypt_push_payload(rfc_subscription(), kRfcPlaintext);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->size(), 86 + kRfcPlaintext.size() + 1 + 16);
    EXPECT_EQ(a->substr(16, 4), std::string("\x00\x00\x10\x00", 4));  // rs = 4096
    EXPECT_EQ(static_cast<unsigned char>((*a)[20]), 65);              // idlen
    EXPECT_EQ((*a)[21], '\x04');                                      // keyid: an uncompressed point
    EXPECT_NE(a->substr(0, 16), b->substr(0, 16));                    // salt
    EXPECT_NE(a->substr(21, 65), b->substr(21, 65));                  // ephemeral key
}

TEST(WebPushEncryption, RejectsTooLongPlaintextAndBadKeys) {
    auto max = encrypt_push_payload(rfc_subscription(), std::string(kMaxPushPlaintext, 'a'));
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(max->size(), 4096u);  // the most a push service has to take (RFC 8030 §7.2)

    auto over = encrypt_push_payload(rfc_subscription(), std::string(kMaxPushPlaintext + 1, 'a'));
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().code, Code::kInvalidArgument);
    EXPECT_TRUE(has_field(over.error(), "payload"));

    auto sub = rfc_subscription();
    sub.auth = base64url_encode("short");
    auto bad = encrypt_push_payload(sub, "hi");
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(has_field(bad.error(), "keys.auth"));

    auto bad_salt = encrypt_push_payload(rfc_subscription(), "hi", "too short", unb64(kRfcAsPrivate));
    EXPECT_FALSE(bad_salt.ok());
}

// ---------------------------------------------------------------------------------------------- subscriptions

TEST(PushSubscriptionValidation, AcceptsWhatABrowserSends) {
    EXPECT_TRUE(validate_subscription(rfc_subscription(), false).ok());
    auto padded = rfc_subscription();
    padded.auth += "==";  // some browsers pad the auth secret
    EXPECT_TRUE(validate_subscription(padded, false).ok());
}

TEST(PushSubscriptionValidation, EndpointMustBeAnAbsoluteHttpsUrl) {
    auto field_error = [](std::string endpoint, bool allow_http) {
        auto s = rfc_subscription();
        s.endpoint = std::move(endpoint);
        auto st = validate_subscription(s, allow_http);
        return !st.ok() && st.error().code == Code::kInvalidArgument && st.error().fields.size() == 1 &&
               st.error().fields[0].field == "endpoint";
    };
    EXPECT_TRUE(field_error("http://127.0.0.1:8080/push/a", false));
    auto loopback = rfc_subscription();
    loopback.endpoint = "http://127.0.0.1:8080/push/a";
    EXPECT_TRUE(validate_subscription(loopback, true).ok());
    EXPECT_TRUE(field_error("ftp://push.example.net/a", true));
    EXPECT_TRUE(field_error("/push/a", false));
    EXPECT_TRUE(field_error("push.example.net/a", false));
    EXPECT_TRUE(field_error("", false));
    EXPECT_TRUE(field_error("https://user:pass@push.example.net/a", false));
    EXPECT_TRUE(field_error("https://push.example.net/" + std::string(kMaxPushEndpointLength, 'a'), false));
    std::string longest = "https://push.example.net/";
    longest += std::string(kMaxPushEndpointLength - longest.size(), 'a');
    EXPECT_FALSE(field_error(longest, false));
}

TEST(PushSubscriptionValidation, EndpointMustBeAPublicHostName) {
    // The server POSTs to registered endpoints: addresses and local names would let a user make it call
    // its own network (SSRF).
    auto refused = [](const std::string& endpoint) {
        auto s = rfc_subscription();
        s.endpoint = endpoint;
        auto st = validate_subscription(s, false);
        return !st.ok() && st.error().fields.size() == 1 && st.error().fields[0].field == "endpoint";
    };
    for (const char* e :
         {"https://127.0.0.1/push/a", "https://10.0.0.7/push/a", "https://[::1]/push/a", "https://localhost/push/a",
          "https://LOCALHOST./push/a", "https://metadata/x", "https://push.internal/x", "https://printer.local/x",
          "https://127.1/x", "https://router.home.arpa/x"})
        EXPECT_TRUE(refused(e)) << e;
    for (const char* e : {"https://fcm.googleapis.com/fcm/send/abc", "https://web.push.apple.com/QO3",
                          "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
                          "https://wns2-par02p.notify.windows.com/w/?token=x"})
        EXPECT_FALSE(refused(e)) << e;
}

TEST(PushSubscriptionValidation, KeysMustDecodeToAPointAndSixteenBytes) {
    auto fields_of = [](PushSubscription s) {
        auto st = validate_subscription(s, false);
        std::vector<std::string> out;
        if (!st.ok())
            for (const auto& f : st.error().fields) out.push_back(f.field);
        return out;
    };
    using V = std::vector<std::string>;
    auto s = rfc_subscription();

    s.p256dh = "not*base64url";
    EXPECT_EQ(fields_of(s), V{"keys.p256dh"});
    s.p256dh = base64url_encode(unb64(kRfcUaPublic).substr(0, 64));  // a byte short
    EXPECT_EQ(fields_of(s), V{"keys.p256dh"});
    std::string compressed = unb64(kRfcUaPublic).substr(0, 33);
    compressed[0] = '\x02';
    s.p256dh = base64url_encode(compressed);
    EXPECT_EQ(fields_of(s), V{"keys.p256dh"});
    std::string off_curve = unb64(kRfcUaPublic);
    off_curve[64] = static_cast<char>(off_curve[64] ^ 0x01);  // same x, another y: not on P-256
    s.p256dh = base64url_encode(off_curve);
    EXPECT_EQ(fields_of(s), V{"keys.p256dh"});

    s = rfc_subscription();
    s.auth = "***";
    EXPECT_EQ(fields_of(s), V{"keys.auth"});
    s.auth = base64url_encode(std::string(15, 'x'));
    EXPECT_EQ(fields_of(s), V{"keys.auth"});
    s.auth = base64url_encode(std::string(17, 'x'));
    EXPECT_EQ(fields_of(s), V{"keys.auth"});

    auto all_wrong = validate_subscription({"http://x/y", "AAAA", ""}, false);
    ASSERT_FALSE(all_wrong.ok());
    EXPECT_EQ(all_wrong.error().fields.size(), 3u);
    const std::string& msg = all_wrong.error().message;
    EXPECT_NE(msg.find("endpoint"), std::string::npos) << msg;
    EXPECT_NE(msg.find("keys.p256dh"), std::string::npos) << msg;
    EXPECT_NE(msg.find("keys.auth"), std::string::npos) << msg;
    EXPECT_NE(msg.find("browser"), std::string::npos) << msg;  // says what to do about it
}

// ---------------------------------------------------------------------------------------------- VAPID keys

TEST(VapidKeys, FromPrivateKeyGivesTheMatchingPublicKey) {
    auto keys = VapidKeys::from_private_key(kRfcAsPrivate);  // RFC 8291 publishes both halves of this pair
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    EXPECT_EQ(keys->public_key(), kRfcAsPublic);
    EXPECT_EQ(keys->private_key(), kRfcAsPrivate);
}

TEST(VapidKeys, DeriveIsDeterministicAndDiffersPerSecret) {
    const VapidKeys a = VapidKeys::derive("master secret one");
    const VapidKeys b = VapidKeys::derive("master secret one");
    const VapidKeys c = VapidKeys::derive("master secret two");
    EXPECT_EQ(a.public_key(), b.public_key());
    EXPECT_EQ(a.private_key(), b.private_key());
    EXPECT_NE(a.public_key(), c.public_key());
    EXPECT_NE(a.private_key(), c.private_key());
    EXPECT_EQ(unb64(a.public_key()).size(), 65u);
    EXPECT_EQ(unb64(a.private_key()).size(), 32u);
    EXPECT_EQ(a.private_key(), base64url_encode(derive_key("master secret one", "vapid")));

    auto round = VapidKeys::from_private_key(a.private_key());
    ASSERT_TRUE(round.ok());
    EXPECT_EQ(round->public_key(), a.public_key());
}

TEST(VapidKeys, FromPrivateKeyRejectsWhatIsNotAScalar) {
    const std::string order = unb64("_____wAAAAD__________7zm-q2nF56E87nKwvxjJVE");  // n of P-256
    ASSERT_EQ(order.size(), 32u);
    for (const std::string& bad : {std::string(""), std::string("!!!"), base64url_encode(std::string(31, '\x01')),
                                   base64url_encode(std::string(33, '\x01')), base64url_encode(std::string(32, '\0')),
                                   base64url_encode(order), base64url_encode(std::string(32, '\xff'))}) {
        auto k = VapidKeys::from_private_key(bad);
        ASSERT_FALSE(k.ok()) << bad;
        EXPECT_EQ(k.error().code, Code::kInvalidArgument);
    }
    std::string below = order;
    below[31] = static_cast<char>(below[31] - 1);  // n - 1: the largest valid scalar
    EXPECT_TRUE(VapidKeys::from_private_key(base64url_encode(below)).ok());
}

TEST(VapidAuthorization, JwtCarriesTheRfc8292Claims) {
    const VapidKeys keys = VapidKeys::derive("jwt test");
    constexpr UnixTime kNow = 1'800'000'000;
    const std::string h =
        vapid_authorization(keys, "https://Updates.Push.Services.Mozilla.com:443/wpush/v2/gAAAA?x=1", kSubject, kNow);

    ASSERT_TRUE(h.starts_with("vapid t=")) << h;
    const auto comma = h.find(", k=");
    ASSERT_NE(comma, std::string::npos) << h;
    const std::string token = h.substr(8, comma - 8);
    EXPECT_EQ(h.substr(comma + 4), keys.public_key());

    const auto d1 = token.find('.'), d2 = token.rfind('.');
    ASSERT_NE(d1, d2);
    const json::object head = json::parse(unb64(token.substr(0, d1))).as_object();
    EXPECT_EQ(head.at("alg"), "ES256");
    EXPECT_EQ(head.at("typ"), "JWT");
    const json::object claims = json::parse(unb64(token.substr(d1 + 1, d2 - d1 - 1))).as_object();
    EXPECT_EQ(claims.at("aud"), "https://updates.push.services.mozilla.com");
    EXPECT_EQ(claims.at("exp").as_int64(), kNow + 12 * 3600);
    EXPECT_EQ(std::string_view(claims.at("sub").as_string()), kSubject);
    EXPECT_EQ(claims.size(), 3u);
    EXPECT_EQ(unb64(token.substr(d2 + 1)).size(), 64u);  // raw r||s, not DER
}

TEST(VapidAuthorization, AudienceIsTheSerializedOrigin) {
    EXPECT_EQ(push_audience("https://fcm.googleapis.com/fcm/send/abc:def"), "https://fcm.googleapis.com");
    EXPECT_EQ(push_audience("https://push.example.net:8443/a"), "https://push.example.net:8443");
    EXPECT_EQ(push_audience("http://127.0.0.1:80/a"), "http://127.0.0.1");
    EXPECT_EQ(push_audience("http://127.0.0.1:9000/push/x"), "http://127.0.0.1:9000");
    EXPECT_EQ(push_audience("HTTPS://[::1]:4443/p"), "https://[::1]:4443");
    EXPECT_EQ(push_audience("not a url"), "");
}

// ---------------------------------------------------------------------------------------------- the request

TEST(WebPushSender, BuildsTheRfc8030Request) {
    RecordingHttpClient http;
    ManualClock clock(1'800'000'000);
    WebPushSender sender(http, VapidKeys::derive("request"), std::string(kSubject), clock);

    auto out = sender.send(rfc_subscription(), {"hello", 600, "high", "lesson-42"});
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(*out, PushOutcome::kDelivered);
    auto reqs = http.requests();
    ASSERT_EQ(reqs.size(), 1u);
    const HttpRequest& r = reqs[0];
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url, rfc_subscription().endpoint);
    EXPECT_EQ(r.provider, "webpush");
    EXPECT_EQ(r.endpoint, "send");
    EXPECT_EQ(header(r, "TTL"), "600");
    EXPECT_EQ(header(r, "Urgency"), "high");
    EXPECT_EQ(header(r, "Topic"), "lesson-42");
    EXPECT_EQ(header(r, "Content-Encoding"), "aes128gcm");
    EXPECT_EQ(header(r, "Content-Type"), "application/octet-stream");
    EXPECT_TRUE(header(r, "Authorization").starts_with("vapid t=")) << header(r, "Authorization");
    EXPECT_EQ(r.body.size(), 86u + 5 + 1 + 16);

    ASSERT_TRUE(sender.send(rfc_subscription(), {"no topic"}).ok());
    reqs = http.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(header(reqs[1], "Topic"), "<absent>");
    EXPECT_EQ(header(reqs[1], "TTL"), "3600");
    EXPECT_EQ(header(reqs[1], "Urgency"), "normal");
}

TEST(WebPushSender, RefusesABadMessageWithoutARequest) {
    RecordingHttpClient http;
    ManualClock clock(1'800'000'000);
    WebPushSender sender(http, VapidKeys::derive("refuse"), std::string(kSubject), clock);
    auto refused = [&](PushMessage m, std::string_view field) {
        auto out = sender.send(rfc_subscription(), m);
        return !out.ok() && out.error().code == Code::kInvalidArgument && has_field(out.error(), field);
    };
    EXPECT_TRUE(refused({std::string(kMaxPushPlaintext + 1, 'x')}, "payload"));
    EXPECT_TRUE(refused({"x", -1}, "ttl_seconds"));
    EXPECT_TRUE(refused({"x", 60, "urgent"}, "urgency"));
    EXPECT_TRUE(refused({"x", 60, "normal", "has space"}, "topic"));
    EXPECT_TRUE(refused({"x", 60, "normal", std::string(33, 'a')}, "topic"));
    auto bad_keys = rfc_subscription();
    bad_keys.p256dh = "AAAA";
    auto out = sender.send(bad_keys, {"x"});
    ASSERT_FALSE(out.ok());
    EXPECT_TRUE(has_field(out.error(), "keys.p256dh"));
    EXPECT_TRUE(http.requests().empty());
}

TEST(WebPushSender, ASubjectThatIsNotAContactIsAConfigurationError) {
    RecordingHttpClient http;
    ManualClock clock(1'800'000'000);
    WebPushSender sender(http, VapidKeys::derive("subject"), "ops@example.com", clock);
    auto out = sender.send(rfc_subscription(), {"x"});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error().code, Code::kInternal);
    EXPECT_TRUE(http.requests().empty());
}

TEST(WebPushSender, MapsThePushServiceAnswers) {
    ManualClock clock(1'800'000'000);
    auto outcome = [&](long status, long retry_after = 0) {
        RecordingHttpClient http(status, retry_after);
        WebPushSender sender(http, VapidKeys::derive("answers"), std::string(kSubject), clock);
        return sender.send(rfc_subscription(), {"x"});
    };
    for (long ok : {200L, 201L, 202L}) {
        auto r = outcome(ok);
        ASSERT_TRUE(r.ok()) << ok;
        EXPECT_EQ(*r, PushOutcome::kDelivered);
    }
    for (long gone : {404L, 410L}) {
        auto r = outcome(gone);
        ASSERT_TRUE(r.ok()) << gone;
        EXPECT_EQ(*r, PushOutcome::kGone);
    }
    for (long retry : {429L, 500L, 502L, 503L, 302L}) {
        auto r = outcome(retry, 30);
        ASSERT_FALSE(r.ok()) << retry;
        EXPECT_EQ(r.error().code, Code::kUnavailable) << retry;
    }
    EXPECT_EQ(outcome(429, 30).error().retry_after_seconds, 30);
    for (long refused : {400L, 401L, 403L, 413L}) {
        auto r = outcome(refused);
        ASSERT_FALSE(r.ok()) << refused;
        EXPECT_EQ(r.error().code, Code::kInvalidArgument) << refused;
    }
    EXPECT_NE(outcome(403).error().message.find("VAPID"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------- end to end
// Through curl to tests/support/push_endpoint.py, which decrypts and verifies with its own implementation.

class WebPushEndToEnd : public ::testing::Test {
protected:
    PushEndpoint push;
    CurlHttpClient http;
    SystemClock clock;
    // The push service runs on loopback: the sender must be allowed private addresses here.
    WebPushSender sender{http, VapidKeys::derive("end to end master secret"), std::string(kSubject), clock,
                         /*public_only=*/false};

    PushEndpoint::Received only_request() {
        auto got = push.wait_for(1);
        EXPECT_EQ(got.size(), 1u);
        return got.empty() ? PushEndpoint::Received{} : got[0];
    }
};

TEST_F(WebPushEndToEnd, PushEndpointDecryptsTurkishTextAndVerifiesVapid) {
    EXPECT_TRUE(validate_subscription(push.subscription("alice"), true).ok());
    auto out = sender.send(push.subscription("alice"), {std::string(kTurkish), 600, "high", "lesson-42"});
    ASSERT_TRUE(out.ok()) << out.error().message << " / " << out.error().internal;
    EXPECT_EQ(*out, PushOutcome::kDelivered);

    const auto got = only_request();
    EXPECT_EQ(got.error, "");
    EXPECT_EQ(got.name, "alice");
    EXPECT_EQ(got.payload, std::string(kTurkish));
    EXPECT_TRUE(got.vapid_ok);
    EXPECT_EQ(got.vapid_sub, kSubject);
    EXPECT_EQ(got.ttl, 600);
    EXPECT_EQ(got.urgency, "high");
    EXPECT_EQ(got.topic, "lesson-42");
}

TEST_F(WebPushEndToEnd, PushEndpointReadsAJsonPayloadAndTheLargestOne) {
    json::object msg{{"type", "session.starting"},
                     {"title", "Canlı ders başlıyor"},
                     {"body", "Öğrenciler için “Kimya 101” — şimdi katılın 🎓"},
                     {"url", "/sessions/018f3c1e-7b2a-7c4d-9e1f-0a1b2c3d4e5f"}};
    ASSERT_TRUE(sender.send(push.subscription("json"), {json::serialize(msg)}).ok());
    const std::string largest(kMaxPushPlaintext, 'z');
    ASSERT_TRUE(sender.send(push.subscription("largest"), {largest}).ok());

    auto got = push.wait_for(2);
    ASSERT_EQ(got.size(), 2u);
    ASSERT_TRUE(got[0].payload.has_value()) << got[0].error;
    EXPECT_EQ(json::parse(*got[0].payload), json::value(msg));
    EXPECT_EQ(got[0].topic, "");  // not sent when empty
    EXPECT_EQ(got[1].payload, largest);
}

TEST_F(WebPushEndToEnd, GoneAndMissingSubscriptionsAreReportedGone) {
    for (const char* name : {"gone", "missing"}) {
        auto out = sender.send(push.subscription(name), {"x"});
        ASSERT_TRUE(out.ok()) << name << ": " << out.error().message;
        EXPECT_EQ(*out, PushOutcome::kGone) << name;
    }
    EXPECT_EQ(push.wait_for(2).size(), 2u);
}

TEST_F(WebPushEndToEnd, BusyOrThrottlingPushServiceIsUnavailable) {
    auto busy = sender.send(push.subscription("busy"), {"x"});
    ASSERT_FALSE(busy.ok());
    EXPECT_EQ(busy.error().code, Code::kUnavailable);
    auto slow = sender.send(push.subscription("slow"), {"x"});
    ASSERT_FALSE(slow.ok());
    EXPECT_EQ(slow.error().code, Code::kUnavailable);
    EXPECT_EQ(slow.error().retry_after_seconds, 7);
    // The internal detail names the push service's origin, never the endpoint (a capability URL).
    EXPECT_EQ(slow.error().internal.find("/push/"), std::string::npos) << slow.error().internal;
}

TEST_F(WebPushEndToEnd, ExpiredVapidTokenIsRefused) {
    ManualClock two_days_ago(clock.now() - 2 * 24 * 3600);
    WebPushSender stale(http, VapidKeys::derive("end to end master secret"), std::string(kSubject), two_days_ago,
                        /*public_only=*/false);
    auto out = stale.send(push.subscription("alice"), {"x"});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error().code, Code::kInvalidArgument);
    EXPECT_NE(out.error().internal.find("403"), std::string::npos) << out.error().internal;
    const auto got = only_request();
    EXPECT_FALSE(got.vapid_ok);
    EXPECT_NE(got.error.find("exp"), std::string::npos) << got.error;
}

TEST_F(WebPushEndToEnd, PayloadForAnotherAuthSecretDoesNotDecrypt) {
    auto sub = push.subscription("alice");
    sub.auth = base64url_encode("0123456789abcdef");  // valid shape, not the browser's secret
    auto out = sender.send(sub, {"secret"});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error().code, Code::kInvalidArgument);
    const auto got = only_request();
    EXPECT_TRUE(got.vapid_ok);
    EXPECT_FALSE(got.payload.has_value());
    EXPECT_NE(got.error.find("decrypt"), std::string::npos) << got.error;
}

TEST_F(WebPushEndToEnd, UnreachablePushServiceIsUnavailable) {
    auto sub = push.subscription("alice");
    sub.endpoint = "http://127.0.0.1:1/push/alice";  // nothing listens on port 1
    auto out = sender.send(sub, {"x"});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error().code, Code::kUnavailable);
    EXPECT_TRUE(push.received().empty());
}

TEST_F(WebPushEndToEnd, APublicOnlySenderRefusesNamesThatResolveToPrivateAddresses) {
    // In production the sender connects only to public addresses, whatever a name resolves to (SSRF).
    WebPushSender guarded{http, VapidKeys::derive("end to end master secret"), std::string(kSubject), clock};
    auto sub = push.subscription("alice");
    const std::string port = sub.endpoint.substr(sub.endpoint.rfind(':') + 1);
    for (const std::string host : {"https://localhost:", "https://127.0.0.1:"}) {
        sub.endpoint = host + port;
        auto out = guarded.send(sub, {"x"});
        ASSERT_FALSE(out.ok()) << host;
        EXPECT_EQ(out.error().code, Code::kInvalidArgument) << host << ": " << out.error().internal;
    }
    EXPECT_TRUE(push.received().empty());
}

}  // namespace
}  // namespace lc::infra
