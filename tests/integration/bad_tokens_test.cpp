// Crafted bad bearer tokens, both as our own access tokens (iss "liveclass", our key) and as a host
// LMS's single sign-on tokens (iss = the school's slug, the school's lms_jwt_secret): every one is
// answered 401 application/problem+json and changes nothing (no user created or updated).
// A well-formed token of each kind is accepted, so the rejections are about the defect, not the setup.
// SQLite and PostgreSQL.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <soci/soci.h>

#include <boost/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "harness.hpp"
#include "infra/crypto.hpp"
#include "infra/jwt.hpp"
#include "raw_http.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kLmsSecret = "host-lms-shared-secret-0123456789abcdef";

std::string b64(const std::string& s) { return infra::base64url_encode(s); }

std::string hmac(const EVP_MD* md, const std::string& key, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

/// header.payload.signature with the given header JSON text, claims and HMAC.
std::string token(const std::string& header, const std::string& payload, const std::string& key,
                  const EVP_MD* md = EVP_sha256()) {
    std::string signing = b64(header) + "." + b64(payload);
    return signing + "." + b64(hmac(md, key, signing));
}
std::string token(const std::string& header, const json::object& claims, const std::string& key,
                  const EVP_MD* md = EVP_sha256()) {
    return token(header, json::serialize(claims), key, md);
}

const std::string kHs256 = R"({"alg":"HS256","typ":"JWT"})";

struct BadToken {
    std::string name;
    std::string token;
};

/// The same defects for either kind of token: `good` are valid claims, `key` the right key.
std::vector<BadToken> bad_tokens(const json::object& good, const std::string& key, UnixTime now) {
    auto with = [&](std::initializer_list<std::pair<std::string, json::value>> changes) {
        json::object c = good;
        for (const auto& [k, v] : changes) c[k] = v;
        return c;
    };
    auto without = [&](const char* k) {
        json::object c = good;
        c.erase(k);
        return c;
    };
    auto with_aud_list = [&] {
        json::object c = good;
        c["aud"] = json::array{"a", "b"};
        return c;
    };
    const std::string valid = token(kHs256, good, key);
    const std::string head = valid.substr(0, valid.find('.'));
    const std::string sig = valid.substr(valid.rfind('.') + 1);
    const std::string payload = b64(json::serialize(good));
    std::vector<BadToken> v;
    for (const char* none : {"none", "None", "NONE", "nOnE"}) {
        v.push_back({std::string("alg ") + none + ", no signature",
                     b64(std::string(R"({"alg":")") + none + R"(","typ":"JWT"})") + "." + payload + "."});
    }
    v.push_back({"alg none with a valid HS256 signature appended", token(R"({"alg":"none","typ":"JWT"})", good, key)});
    v.push_back({"no alg", token(R"({"typ":"JWT"})", good, key)});
    v.push_back({"alg null", token(R"({"alg":null})", good, key)});
    v.push_back({"alg lower-case hs256", token(R"({"alg":"hs256"})", good, key)});
    v.push_back({"RS256 header, HMAC with the secret", token(R"({"alg":"RS256","typ":"JWT"})", good, key)});
    v.push_back({"ES256 header, HMAC with the secret", token(R"({"alg":"ES256","typ":"JWT"})", good, key)});
    v.push_back(
        {"RS256 header, HMAC with a public key as the secret",
         token(R"({"alg":"RS256","typ":"JWT"})", good,
               "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n")});
    v.push_back({"HS384 instead of HS256", token(R"({"alg":"HS384","typ":"JWT"})", good, key, EVP_sha384())});
    v.push_back({"HS512 instead of HS256", token(R"({"alg":"HS512","typ":"JWT"})", good, key, EVP_sha512())});
    v.push_back({"HS256 header, HMAC-SHA512 signature", token(kHs256, good, key, EVP_sha512())});
    v.push_back({"expired", token(kHs256, with({{"exp", now - 5}}), key)});
    v.push_back({"expired long ago", token(kHs256, with({{"exp", 1}}), key)});
    v.push_back({"nbf in the future", token(kHs256, with({{"nbf", now + 3600}}), key)});
    v.push_back({"no exp", token(kHs256, without("exp"), key)});
    v.push_back({"exp as a string", token(kHs256, with({{"exp", json::string(std::to_string(now + 300))}}), key)});
    v.push_back({"iat as a string", token(kHs256, with({{"iat", "yesterday"}}), key)});
    v.push_back({"aud of another service", token(kHs256, with({{"aud", "another-service"}}), key)});
    v.push_back({"aud list without us", token(kHs256, with_aud_list(), key)});
    v.push_back({"iss of an unknown school", token(kHs256, with({{"iss", "no-such-school"}}), key)});
    v.push_back({"iss empty", token(kHs256, with({{"iss", ""}}), key)});
    v.push_back({"iss missing", token(kHs256, without("iss"), key)});
    v.push_back({"iss of another school with SSO", token(kHs256, with({{"iss", "school-b"}}), key)});
    {
        json::object edited = with({{"role", "admin"}, {"sub", good.at("sub")}, {"name", "Edited"}});
        v.push_back({"edited payload, old signature", head + "." + b64(json::serialize(edited)) + "." + sig});
    }
    v.push_back({"signature stripped (two segments)", head + "." + payload});
    v.push_back({"empty signature", head + "." + payload + "."});
    v.push_back({"signature of another token",
                 head + "." + payload + "." + sig.substr(0, sig.size() - 2) + (sig.back() == 'A' ? "BA" : "AA")});
    v.push_back({"four segments", valid + "." + sig});
    v.push_back({"trailing dot", valid + "."});
    v.push_back({"leading dot", "." + valid});
    v.push_back({"standard base64 characters", head + "." + payload + "+/" + "." + sig});
    v.push_back({"base64 padding", head + "==." + payload + "." + sig});
    v.push_back({"space inside", head + ". " + payload + "." + sig});
    v.push_back({"tab inside", head + "." + payload + "\t." + sig});
    v.push_back({"percent-encoded", head + "%2E" + payload + "." + sig});
    v.push_back({"header not JSON", b64("{alg:HS256}") + "." + payload + "." + b64(hmac(EVP_sha256(), key, "x"))});
    v.push_back({"header JSON array", token(R"(["HS256"])", good, key)});
    v.push_back({"payload a JSON array", token(kHs256, std::string("[") + json::serialize(good) + "]", key)});
    v.push_back({"payload a JSON string", token(kHs256, std::string("\"x\""), key)});
    v.push_back({"payload not JSON", token(kHs256, std::string("not json"), key)});
    v.push_back({"crit header", token(R"({"alg":"HS256","typ":"JWT","crit":["exp"]})", good, key)});
    v.push_back({"typ not JWT", token(R"({"alg":"HS256","typ":"JWE"})", good, key)});
    v.push_back({"kid path traversal, signed with /dev/null's content",
                 token(R"({"alg":"HS256","typ":"JWT","kid":"../../../../../../dev/null"})", good, "")});
    v.push_back({"kid SQL injection, signed with a guessed key",
                 token(R"({"alg":"HS256","kid":"x' UNION SELECT 'k"})", good, "k")});
    v.push_back({"embedded jwk, signed with the attacker's key",
                 token(R"({"alg":"HS256","jwk":{"kty":"oct","k":"YXR0YWNrZXI"}})", good, "attacker")});
    v.push_back({"jku header, signed with the attacker's key",
                 token(R"({"alg":"HS256","jku":"http://127.0.0.1:1/keys"})", good, "attacker-key")});
    v.push_back({"signed with a wrong key", token(kHs256, good, key + "x")});
    v.push_back({"signed with an empty key", token(kHs256, good, "")});
    v.push_back({"non-ASCII bytes", head + "." + payload + "\xc3\xa9" + "." + sig});
    v.push_back({"just garbage", "not-a-token"});
    v.push_back({"only dots", ".."});
    return v;
}

class BadTokens : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
    TestServer::School a = srv.make_school("school-a", 1);
    TestServer::School b = srv.make_school("school-b", 1);

    void SetUp() override {
        for (const auto* s : {&a, &b}) {
            auto r = srv.patch_json("/api/v1/tenants/" + s->tenant.id + "/",
                                    json::object{{"lms_jwt_secret", std::string(kLmsSecret) + s->tenant.slug}},
                                    s->admin_token);
            ASSERT_EQ(r.status, 200u) << r.body;
        }
    }
    std::string users_state() {
        soci::session sql(srv.app().db().pool());
        long long n = -1;
        std::string digest;
        sql << "SELECT COUNT(*) FROM users", soci::into(n);
        soci::rowset<soci::row> rows = (sql.prepare << "SELECT id, email, full_name, role FROM users ORDER BY id");
        for (const auto& row : rows)
            digest += row.get<std::string>(0) + row.get<std::string>(1) + row.get<std::string>(2) +
                      row.get<std::string>(3) + ";";
        return std::to_string(n) + " " + digest;
    }
    json::object access_claims() {
        UnixTime now = srv.clock().now();
        return {{"iss", "liveclass"}, {"sub", a.admin.id}, {"tid", a.tenant.id},
                {"role", "admin"},    {"iat", now},        {"exp", now + 300}};
    }
    json::object sso_claims(const std::string& role = "student") {
        UnixTime now = srv.clock().now();
        return {{"iss", a.tenant.slug}, {"sub", "lms-7001"}, {"email", "newcomer@lms.test"},
                {"name", "New Comer"},  {"role", role},      {"iat", now},
                {"exp", now + 300}};
    }
    /// Sends each token to an authenticated GET and a write; every answer must be a 401 problem document.
    int expect_all_401(const std::vector<BadToken>& tokens, const std::string& kind) {
        int n = 0;
        for (const auto& t : tokens) {
            for (const auto& [method, target] : {std::pair<std::string, std::string>{"GET", "/api/v1/auth/me/"},
                                                 {"GET", "/api/v1/users/"},
                                                 {"POST", "/api/v1/courses/"}}) {
                std::string body = method == "POST" ? R"({"title":"Forged course"})" : "";
                auto r = http_request(srv.port(), method, target, body, "", {{"Authorization", "Bearer " + t.token}});
                EXPECT_EQ(r.status, 401u)
                    << kind << " token '" << t.name << "' " << method << " " << target << ": " << r.body;
                EXPECT_EQ(r.headers["content-type"], "application/problem+json") << kind << " " << t.name;
                EXPECT_TRUE(r.json.is_object() && r.obj().contains("detail")) << kind << " " << t.name;
            }
            ++n;
        }
        return n;
    }
};

TEST_P(BadTokens, ControlTokensOfBothKindsAreAccepted) {
    auto access = token(kHs256, access_claims(), srv.app().context().keys.access_token);
    auto r = srv.get("/api/v1/auth/me/", access);
    EXPECT_EQ(r.status, 200u) << r.body;
    auto sso = token(kHs256, sso_claims(), std::string(kLmsSecret) + a.tenant.slug);
    auto s = srv.get("/api/v1/auth/me/", sso);
    EXPECT_EQ(s.status, 200u) << s.body;
    EXPECT_EQ(js(s.obj().at("user").at("email")), "newcomer@lms.test");
    // An aud that names us is fine.
    auto aud = token(
        kHs256,
        [&] {
            auto c = sso_claims();
            c["sub"] = "lms-7002";
            c["email"] = "aud@lms.test";
            c["aud"] = "liveclass";
            return c;
        }(),
        std::string(kLmsSecret) + a.tenant.slug);
    EXPECT_EQ(srv.get("/api/v1/auth/me/", aud).status, 200u);
}

TEST_P(BadTokens, CraftedAccessTokensAre401AndChangeNothing) {
    auto before = users_state();
    auto tokens = bad_tokens(access_claims(), srv.app().context().keys.access_token, srv.clock().now());
    // Access-token specific: a real user of another school named with our key cannot cross over.
    const std::string& key = srv.app().context().keys.access_token;
    auto c = access_claims();
    c["tid"] = b.tenant.id;
    tokens.push_back({"A's user with B's tenant id", token(kHs256, c, key)});
    c = access_claims();
    c["sub"] = "not-a-uuid";
    tokens.push_back({"sub not a UUID", token(kHs256, c, key)});
    c = access_claims();
    c.erase("tid");
    tokens.push_back({"no tid", token(kHs256, c, key)});
    c = access_claims();
    c["iss"] = "LiveClass";
    tokens.push_back({"iss in another case", token(kHs256, c, key)});
    tokens.push_back({"signed with the master key instead of the derived key",
                      token(kHs256, access_claims(), srv.app().config().secret_key)});
    int n = expect_all_401(tokens, "access");
    EXPECT_GE(n, 30);
    RecordProperty("tokens", n);
    EXPECT_EQ(users_state(), before);
}

TEST_P(BadTokens, CraftedSingleSignOnTokensAre401AndCreateNoUser) {
    auto before = users_state();
    const std::string key = std::string(kLmsSecret) + a.tenant.slug;
    auto tokens = bad_tokens(sso_claims(), key, srv.clock().now());
    for (const char* role : {"superadmin", "Admin", "root", "", "admin "})
        tokens.push_back({std::string("role '") + role + "'", token(kHs256, sso_claims(role), key)});
    auto c = sso_claims();
    c["role"] = json::array{"admin"};
    tokens.push_back({"role as a list", token(kHs256, c, key)});
    c = sso_claims();
    c.erase("sub");
    tokens.push_back({"no sub", token(kHs256, c, key)});
    c = sso_claims();
    c.erase("email");
    tokens.push_back({"no email", token(kHs256, c, key)});
    c = sso_claims();
    c["email"] = "no-at-sign";
    tokens.push_back({"email without @", token(kHs256, c, key)});
    c = sso_claims();
    c["sub"] = std::string("lms\0x", 5);
    tokens.push_back({"NUL in sub", token(kHs256, c, key)});
    c = sso_claims();
    c["iss"] = b.tenant.slug;
    tokens.push_back({"iss school B, signed with A's secret", token(kHs256, c, key)});
    c = sso_claims();
    c["iss"] = "liveclass";
    tokens.push_back({"iss liveclass, signed with the LMS secret", token(kHs256, c, key)});
    tokens.push_back({"large claim (8 KB) with a wrong key", token(
                                                                 kHs256,
                                                                 [&] {
                                                                     auto big = sso_claims();
                                                                     big["name"] = std::string(8 * 1024, 'x');
                                                                     return big;
                                                                 }(),
                                                                 "wrong-key")});
    int n = expect_all_401(tokens, "SSO");
    EXPECT_GE(n, 30);
    RecordProperty("tokens", n);
    EXPECT_EQ(users_state(), before);
    EXPECT_EQ(srv.count_rows("users WHERE email = 'newcomer@lms.test'"), 0);
}

TEST_P(BadTokens, OversizeTokenIsRefusedBeforeAuthenticationAndByTheVerifier) {
    auto before = users_state();
    const std::string key = std::string(kLmsSecret) + a.tenant.slug;
    auto claims = sso_claims();
    claims["name"] = std::string(100 * 1024, 'x');
    std::string big = token(kHs256, claims, key);  // validly signed, 100 KB+
    // Over HTTP it is larger than the 16 KiB header limit: a 4xx problem before any handler runs.
    auto r = raw_exchange(srv.port(), "GET /api/v1/auth/me/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + big +
                                          "\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(r.statuses.size(), 1u) << r.received.substr(0, 300);
    EXPECT_TRUE(r.statuses[0] == 400u || r.statuses[0] == 431u) << r.received.substr(0, 300);
    EXPECT_NE(r.received.find("application/problem+json"), std::string::npos);
    // The service refuses it on its own too (a token never reaches it any other way, but the limit is its own).
    auto p = srv.app().auth().authenticate(big);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, Code::kUnauthenticated);
    auto access = srv.app().auth().authenticate(
        token(kHs256, json::object{{"iss", "liveclass"}, {"pad", std::string(100 * 1024, 'y')}},
              srv.app().context().keys.access_token));
    ASSERT_FALSE(access.ok());
    EXPECT_EQ(access.error().code, Code::kUnauthenticated);
    // A NUL byte cannot travel in an HTTP header (the parser answers 400); the verifier refuses it as well.
    auto valid = token(kHs256, sso_claims(), key);
    auto nul = srv.app().auth().authenticate(valid.substr(0, 10) + std::string(1, '\0') + valid.substr(10));
    ASSERT_FALSE(nul.ok());
    EXPECT_EQ(nul.error().code, Code::kUnauthenticated);
    EXPECT_EQ(users_state(), before);
}

TEST_P(BadTokens, MalformedAuthorizationHeadersAre401) {
    auto good = token(kHs256, access_claims(), srv.app().context().keys.access_token);
    for (const std::string& h :
         {std::string("Basic ") + infra::base64_encode("admin:admin"), std::string("Bearer"), std::string("Bearer "),
          "Bearer  " + good, "Token " + good, "Bearer\t" + good, "Bearer " + good + ", Bearer " + good, good,
          std::string("Bearer null"), std::string("Bearer undefined")}) {
        auto r = http_request(srv.port(), "GET", "/api/v1/auth/me/", "", "", {{"Authorization", h}});
        EXPECT_EQ(r.status, 401u) << "'" << h << "': " << r.body;
        EXPECT_EQ(r.headers["content-type"], "application/problem+json") << h;
    }
}

INSTANTIATE_TEST_SUITE_P(Engines, BadTokens, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
