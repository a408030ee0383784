#include "infra/jwt.hpp"

#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "infra/crypto.hpp"

namespace lc::infra {
namespace {

namespace json = boost::json;

constexpr UnixTime kNow = 1'800'000'000;
constexpr std::string_view kSecret = "jitsi-shared-secret-0123456789abcdef";

// Independent of the code under test: OpenSSL's EVP_EncodeBlock and HMAC() directly.
std::string ossl_b64url(std::string_view in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (auto& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return out;
}

std::string ossl_hs256(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), mac, &len);
    return std::string(reinterpret_cast<const char*>(mac), len);
}

/// A token assembled by hand from raw header and payload JSON text, HMAC-SHA256-signed with `key`.
std::string hand_token(std::string_view header_json, std::string_view payload_json, std::string_view key = kSecret) {
    const std::string signing_input = ossl_b64url(header_json) + "." + ossl_b64url(payload_json);
    return signing_input + "." + ossl_b64url(ossl_hs256(key, signing_input));
}

std::string base_payload() { return R"({"iss":"lms","sub":"acme","exp":)" + std::to_string(kNow + 600) + "}"; }

json::object claims_expiring(UnixTime exp) {
    json::object c;
    c["iss"] = "liveclass";
    c["sub"] = "acme";
    c["exp"] = exp;
    return c;
}

std::string decode_segment(std::string_view token, int index) {
    std::size_t start = 0;
    for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
    const std::size_t end = token.find('.', start);
    return base64url_decode(token.substr(start, end - start)).value_or("<bad base64url>");
}

void expect_unauthenticated(const Result<json::object>& r, std::string_view reason) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Code::kUnauthenticated);
    EXPECT_EQ(r.error().message, reason);
}

// ---------------------------------------------------------------- signing

TEST(InfraJwt, SignThenVerify) {
    const std::string token = jwt_sign_hs256(claims_expiring(kNow + 60), kSecret);
    const auto r = jwt_verify_hs256(token, kSecret, kNow);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->at("iss").as_string(), "liveclass");
    EXPECT_EQ(r->at("sub").as_string(), "acme");
    EXPECT_EQ(r->at("exp").to_number<std::int64_t>(), kNow + 60);
}

TEST(InfraJwt, HeaderIsExactlyAlgHs256TypJwt) {
    const std::string token = jwt_sign_hs256(claims_expiring(kNow + 60), kSecret);
    EXPECT_EQ(decode_segment(token, 0), R"({"alg":"HS256","typ":"JWT"})");
    EXPECT_EQ(token.substr(0, token.find('.')), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
}

TEST(InfraJwt, SignatureMatchesIndependentHmac) {
    const std::string token = jwt_sign_hs256(claims_expiring(kNow + 60), kSecret);
    const std::size_t last_dot = token.rfind('.');
    EXPECT_EQ(token.substr(last_dot + 1), ossl_b64url(ossl_hs256(kSecret, token.substr(0, last_dot))));
}

TEST(InfraJwt, NestedClaimsSurvive) {
    json::object claims = claims_expiring(kNow + 60);
    claims["aud"] = "jitsi";
    claims["room"] = "*";
    claims["nbf"] = kNow - 10;
    claims["iat"] = kNow - 10;
    claims["context"] = json::object{
        {"user", json::object{{"id", "u-1"},
                              {"name", "Ayşe Yılmaz"},
                              {"email", "a@example.com"},
                              {"moderator", "true"},
                              {"affiliation", "owner"}}},
        {"features", json::object{{"recording", true}, {"livestreaming", false}}},
        {"group", "g1"},
    };
    const std::string token = jwt_sign_hs256(claims, kSecret);
    const auto r = jwt_verify_hs256(token, kSecret, kNow);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(json::value(r.value()), json::value(claims));
    EXPECT_EQ(r->at("context").at("user").at("name").as_string(), "Ayşe Yılmaz");
    EXPECT_EQ(r->at("context").at("features").at("recording").as_bool(), true);
    EXPECT_EQ(r->at("context").at("features").at("livestreaming").as_bool(), false);

    const auto peeked = jwt_peek_claims(token);
    ASSERT_TRUE(peeked.ok());
    EXPECT_EQ(json::value(peeked.value()), json::value(claims));
}

TEST(InfraJwt, EmptySecretCannotSign) {
    EXPECT_THROW((void)jwt_sign_hs256(claims_expiring(kNow + 60), ""), std::invalid_argument);
}

// ---------------------------------------------------------------- interop

TEST(InfraJwt, AcceptsIndependentlyBuiltToken) {
    const auto r = jwt_verify_hs256(hand_token(R"({"alg":"HS256","typ":"JWT"})", base_payload()), kSecret, kNow);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->at("iss").as_string(), "lms");
    EXPECT_EQ(r->at("exp").as_int64(), kNow + 600);
}

TEST(InfraJwt, AcceptsHeaderVariantsThatStillSayHs256) {
    for (const char* header : {R"({"typ":"JWT","alg":"HS256"})", R"({"alg":"HS256"})",
                               R"({"alg":"HS256","typ":"JWT","kid":"lms-1"})", R"( { "alg" : "HS256" } )"}) {
        const auto r = jwt_verify_hs256(hand_token(header, base_payload()), kSecret, kNow);
        EXPECT_TRUE(r.ok()) << header << ": " << r.error().message;
    }
}

TEST(InfraJwt, AcceptsRealNumberExp) {
    const std::string payload = R"({"exp":)" + std::to_string(kNow) + ".5}";
    EXPECT_TRUE(jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", payload), kSecret, kNow).ok());
    expect_unauthenticated(jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", payload), kSecret, kNow + 1),
                           "token expired");
}

// ---------------------------------------------------------------- algorithm confusion

TEST(InfraJwt, RejectsAlgNone) {
    const std::string payload = ossl_b64url(base_payload());
    expect_unauthenticated(jwt_verify_hs256("eyJhbGciOiJub25lIn0." + payload + ".", kSecret, kNow),
                           "missing signature");
    // Even with a signature segment present, "none" is refused by the header check.
    const std::string with_sig = "eyJhbGciOiJub25lIn0." + payload + "." + ossl_b64url("sig");
    expect_unauthenticated(jwt_verify_hs256(with_sig, kSecret, kNow), "unsupported algorithm");
    expect_unauthenticated(jwt_verify_hs256(hand_token(R"({"alg":"none","typ":"JWT"})", base_payload()), kSecret, kNow),
                           "unsupported algorithm");
}

/// An HS512 token made by libjwt: a signer independent of ours.
std::string libjwt_hs512(const std::string& payload_json, std::string_view key = kSecret) {
    jwt_t* raw = nullptr;
    EXPECT_EQ(jwt_new(&raw), 0);
    std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
    EXPECT_EQ(jwt_set_alg(jwt.get(), JWT_ALG_HS512, reinterpret_cast<const unsigned char*>(key.data()),
                          static_cast<int>(key.size())),
              0);
    EXPECT_EQ(jwt_add_grants_json(jwt.get(), payload_json.c_str()), 0);
    char* encoded = jwt_encode_str(jwt.get());
    std::string token = encoded ? encoded : "";
    std::free(encoded);
    return token;
}

TEST(InfraJwt, RejectsHs512Token) {
    const std::string token = libjwt_hs512(base_payload());
    EXPECT_EQ(json::parse(decode_segment(token, 0)).at("alg").as_string(), "HS512");
    expect_unauthenticated(jwt_verify_hs256(token, kSecret, kNow), "unsupported algorithm");
}

// ---------------------------------------------------------------- HS512 (BigBlueButton's analytics callback)

TEST(InfraJwt, Hs512VerifiesTokensOfOtherSigners) {
    auto claims = jwt_verify_hs512(libjwt_hs512(base_payload()), kSecret, kNow);
    ASSERT_TRUE(claims.ok()) << claims.error().message;
    EXPECT_EQ(claims->at("sub").as_string(), "acme");
    // Made with Python's hmac and hashlib (header {"alg":"HS512","typ":"JWT"}, payload {"exp":1900000000}).
    const std::string python =
        "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE5MDAwMDAwMDB9.cmgiB2UAJkghQDd6TOgYaG1KL0yJiDonA_-_"
        "ZpmncK6mq-NMOfolAqwJl4QZb2C4CByijJrv9YoWQmTPLnsubg";
    auto vector = jwt_verify_hs512(python, "bbb-shared-secret-for-the-analytics-test", kNow);
    ASSERT_TRUE(vector.ok()) << vector.error().message;
    EXPECT_EQ(vector->at("exp").as_int64(), 1900000000);
}

TEST(InfraJwt, Hs512TokensWeSignAreOnesLibjwtAccepts) {
    const std::string token = jwt_sign_hs512(claims_expiring(kNow + 60), kSecret);
    EXPECT_EQ(decode_segment(token, 0), R"({"alg":"HS512","typ":"JWT"})");
    auto claims = jwt_verify_hs512(token, kSecret, kNow);  // libjwt decodes and checks it too
    ASSERT_TRUE(claims.ok()) << claims.error().message << " " << token;
    EXPECT_EQ(claims->at("iss").as_string(), "liveclass");
}

TEST(InfraJwt, Hs512PinsItsAlgorithmAndKeepsTheOtherRules) {
    expect_unauthenticated(
        jwt_verify_hs512(hand_token(R"({"alg":"HS256","typ":"JWT"})", base_payload()), kSecret, kNow),
        "unsupported algorithm");
    expect_unauthenticated(jwt_verify_hs512(hand_token(R"({"alg":"none"})", base_payload()), kSecret, kNow),
                           "unsupported algorithm");
    expect_unauthenticated(jwt_verify_hs512(libjwt_hs512(base_payload()), "another-secret", kNow), "bad signature");
    expect_unauthenticated(jwt_verify_hs512(libjwt_hs512(base_payload()), kSecret, kNow + 601), "token expired");
    expect_unauthenticated(jwt_verify_hs512(libjwt_hs512(R"({"sub":"x"})"), kSecret, kNow), "missing exp");
    expect_unauthenticated(jwt_verify_hs512(libjwt_hs512(base_payload()), "", kNow), "no verification key");
}

TEST(InfraJwt, RejectsOtherAlgorithmHeaders) {
    // Correct HS256 signatures, so only the header check can reject them.
    for (const char* header : {R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"HS512","typ":"JWT"})",
                               R"({"alg":"","typ":"JWT"})", R"({"typ":"JWT"})", R"({"alg":"hs256","typ":"JWT"})",
                               R"({"alg":"HS256 ","typ":"JWT"})", R"({"alg":["HS256"],"typ":"JWT"})", R"({"alg":null})",
                               R"({"alg":256})", R"({"alg":"NONE"})", R"({"alg":"ES256"})", R"({})"}) {
        expect_unauthenticated(jwt_verify_hs256(hand_token(header, base_payload()), kSecret, kNow),
                               "unsupported algorithm");
    }
}

TEST(InfraJwt, RejectsUnexpectedTyp) {
    for (const char* header : {R"({"alg":"HS256","typ":"JWS"})", R"({"alg":"HS256","typ":""})",
                               R"({"alg":"HS256","typ":null})", R"({"alg":"HS256","typ":1})"}) {
        expect_unauthenticated(jwt_verify_hs256(hand_token(header, base_payload()), kSecret, kNow),
                               "unsupported token type");
    }
}

TEST(InfraJwt, RejectsCriticalHeader) {
    expect_unauthenticated(
        jwt_verify_hs256(hand_token(R"({"alg":"HS256","crit":["b64"],"b64":false})", base_payload()), kSecret, kNow),
        "unsupported critical header");
}

TEST(InfraJwt, RejectsHeaderThatIsNotAnObject) {
    for (const char* header : {"[\"HS256\"]", "\"HS256\"", "{\"alg\":\"HS256\"", "null", "not json"}) {
        expect_unauthenticated(jwt_verify_hs256(hand_token(header, base_payload()), kSecret, kNow),
                               "malformed token header");
    }
}

// ---------------------------------------------------------------- signature

TEST(InfraJwt, RejectsBadSignature) {
    const std::string token = jwt_sign_hs256(claims_expiring(kNow + 60), kSecret);
    std::string bad = token;
    bad[bad.size() - 5] = bad[bad.size() - 5] == 'A' ? 'B' : 'A';
    expect_unauthenticated(jwt_verify_hs256(bad, kSecret, kNow), "bad signature");

    const std::string sig = token.substr(token.rfind('.') + 1);
    const std::string unsigned_part = token.substr(0, token.rfind('.') + 1);
    expect_unauthenticated(jwt_verify_hs256(unsigned_part + sig.substr(0, sig.size() - 1), kSecret, kNow),
                           "bad signature");
    expect_unauthenticated(jwt_verify_hs256(unsigned_part + sig + "AA", kSecret, kNow), "bad signature");
    expect_unauthenticated(jwt_verify_hs256(unsigned_part + ossl_b64url("x"), kSecret, kNow), "bad signature");
}

TEST(InfraJwt, RejectsTamperedPayload) {
    const std::string token = hand_token(R"({"alg":"HS256","typ":"JWT"})", base_payload());
    const std::size_t first = token.find('.');
    const std::size_t last = token.rfind('.');
    const std::string forged_payload =
        ossl_b64url(R"({"iss":"lms","sub":"*","exp":)" + std::to_string(kNow + 600) + "}");
    const std::string forged = token.substr(0, first + 1) + forged_payload + token.substr(last);
    expect_unauthenticated(jwt_verify_hs256(forged, kSecret, kNow), "bad signature");
}

TEST(InfraJwt, RejectsWrongSecret) {
    const std::string token = jwt_sign_hs256(claims_expiring(kNow + 60), kSecret);
    expect_unauthenticated(jwt_verify_hs256(token, "another-secret-0123456789abcdefgh", kNow), "bad signature");
    expect_unauthenticated(jwt_verify_hs256(token, std::string(kSecret) + "x", kNow), "bad signature");
}

TEST(InfraJwt, RejectsEmptySecret) {
    // libjwt 1.10 would accept any signature with an empty key.
    const std::string token = hand_token(R"({"alg":"HS256","typ":"JWT"})", base_payload(), "");
    expect_unauthenticated(jwt_verify_hs256(token, "", kNow), "no verification key");
}

// ---------------------------------------------------------------- time claims

TEST(InfraJwt, RejectsMissingExp) {
    json::object c{{"iss", "liveclass"}};
    expect_unauthenticated(jwt_verify_hs256(jwt_sign_hs256(c, kSecret), kSecret, kNow), "missing exp");
}

TEST(InfraJwt, RejectsNonNumericExp) {
    for (const char* exp : {R"("1900000000")", "null", "true", "[1900000000]", "{}"}) {
        const std::string payload = std::string(R"({"iss":"lms","exp":)") + exp + "}";
        expect_unauthenticated(jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", payload), kSecret, kNow),
                               "invalid exp");
    }
}

TEST(InfraJwt, RejectsExpiredExp) {
    const std::string at_now = jwt_sign_hs256(claims_expiring(kNow), kSecret);
    expect_unauthenticated(jwt_verify_hs256(at_now, kSecret, kNow), "token expired");
    expect_unauthenticated(jwt_verify_hs256(at_now, kSecret, kNow + 3600), "token expired");
    EXPECT_TRUE(jwt_verify_hs256(at_now, kSecret, kNow - 1).ok());
    // Leeway: valid while now < exp + leeway.
    EXPECT_TRUE(jwt_verify_hs256(at_now, kSecret, kNow + 29, 30).ok());
    expect_unauthenticated(jwt_verify_hs256(at_now, kSecret, kNow + 30, 30), "token expired");
    // A negative leeway is treated as zero.
    EXPECT_TRUE(jwt_verify_hs256(at_now, kSecret, kNow - 1, -100).ok());
}

TEST(InfraJwt, HugeExpDoesNotOverflow) {
    const std::string payload = R"({"exp":9223372036854775807})";
    EXPECT_TRUE(jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", payload), kSecret, kNow, 60).ok());
    const std::string negative = R"({"exp":-9223372036854775808})";
    expect_unauthenticated(jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", negative), kSecret, kNow, 60),
                           "token expired");
    // Out of double range: Boost.JSON reads it as infinity, libjwt's parser refuses it; either way it fails.
    const auto r = jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", R"({"exp":1e400})"), kSecret, kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Code::kUnauthenticated);
}

TEST(InfraJwt, RejectsFutureNbf) {
    json::object c = claims_expiring(kNow + 600);
    c["nbf"] = kNow + 60;
    const std::string token = jwt_sign_hs256(c, kSecret);
    expect_unauthenticated(jwt_verify_hs256(token, kSecret, kNow), "token not yet valid");
    expect_unauthenticated(jwt_verify_hs256(token, kSecret, kNow + 59), "token not yet valid");
    EXPECT_TRUE(jwt_verify_hs256(token, kSecret, kNow + 60).ok());
    EXPECT_TRUE(jwt_verify_hs256(token, kSecret, kNow, 60).ok());
    expect_unauthenticated(jwt_verify_hs256(token, kSecret, kNow, 59), "token not yet valid");
}

TEST(InfraJwt, RejectsNonNumericNbfAndIat) {
    const std::string exp = std::to_string(kNow + 600);
    expect_unauthenticated(
        jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", R"({"nbf":"0","exp":)" + exp + "}"), kSecret, kNow),
        "invalid nbf");
    expect_unauthenticated(
        jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", R"({"iat":"0","exp":)" + exp + "}"), kSecret, kNow),
        "invalid iat");
    EXPECT_TRUE(
        jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", R"({"iat":1.5,"nbf":2,"exp":)" + exp + "}"), kSecret, kNow)
            .ok());
}

// ---------------------------------------------------------------- structure

TEST(InfraJwt, RejectsWrongSegmentCount) {
    const std::string token = jwt_sign_hs256(claims_expiring(kNow + 60), kSecret);
    const std::string two = token.substr(0, token.rfind('.'));
    expect_unauthenticated(jwt_verify_hs256(two, kSecret, kNow), "malformed token");
    expect_unauthenticated(jwt_verify_hs256(token + ".", kSecret, kNow), "malformed token");
    expect_unauthenticated(jwt_verify_hs256(token + "." + token, kSecret, kNow), "malformed token");
    expect_unauthenticated(jwt_verify_hs256(token.substr(0, token.find('.')), kSecret, kNow), "malformed token");
}

TEST(InfraJwt, RejectsGarbage) {
    const std::string token = jwt_sign_hs256(claims_expiring(kNow + 60), kSecret);
    const std::string garbage[] = {
        "",
        ".",
        "..",
        "...",
        "garbage",
        "a.b.c",
        "Bearer " + token,
        token + " ",
        " " + token,
        token + "=",
        token.substr(0, token.find('.')) + "==" + token.substr(token.find('.')),
        std::string(token).replace(token.find('.'), 1, "\0", 1),
        "." + token.substr(token.find('.') + 1),
        token.substr(0, token.find('.') + 1) + "." + token.substr(token.rfind('.') + 1),
        "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24." + ossl_b64url("sig"),  // payload "not json"
        "eyJhbGciOiJIUzI1NiJ9.WzFd." + ossl_b64url("sig"),         // payload [1]
        std::string(20000, 'a') + ".b.c",
    };
    for (const auto& g : garbage) {
        const auto r = jwt_verify_hs256(g, kSecret, kNow);
        ASSERT_FALSE(r.ok()) << g;
        EXPECT_EQ(r.error().code, Code::kUnauthenticated);
        EXPECT_FALSE(r.error().message.empty());
        EXPECT_TRUE(r.error().internal.empty());
        if (g.size() > 3) {
            EXPECT_EQ(r.error().message.find(g), std::string::npos) << "token content leaked into the message";
        }
    }
}

TEST(InfraJwt, RejectsNonObjectPayloadEvenIfSigned) {
    expect_unauthenticated(jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", "[1]"), kSecret, kNow),
                           "malformed token payload");
    expect_unauthenticated(jwt_verify_hs256(hand_token(R"({"alg":"HS256"})", "1900000000"), kSecret, kNow),
                           "malformed token payload");
}

// ---------------------------------------------------------------- peek

TEST(InfraJwt, PeekReadsClaimsWithoutVerifying) {
    const std::string token = hand_token(R"({"alg":"HS256"})", base_payload(), "some other key");
    const auto r = jwt_peek_claims(token);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->at("iss").as_string(), "lms");
    EXPECT_FALSE(jwt_verify_hs256(token, kSecret, kNow).ok());
}

TEST(InfraJwt, PeekRejectsMalformed) {
    for (const std::string& t : {std::string(""), std::string("garbage"), std::string("a.b"),
                                 std::string("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c"), std::string("a.WzFd.c"),
                                 std::string("a.b.c.d"), std::string("a.!!!.c")}) {
        const auto r = jwt_peek_claims(t);
        ASSERT_FALSE(r.ok()) << t;
        EXPECT_EQ(r.error().code, Code::kUnauthenticated);
        EXPECT_EQ(r.error().message, "malformed token");
    }
}

}  // namespace
}  // namespace lc::infra
