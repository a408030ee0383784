// Authentication over HTTP: local login (Argon2id accounts, our HS256 access token) and single
// sign-on with tokens the host LMS signs for its tenant. Every rejected token is a 401 problem
// with WWW-Authenticate: Bearer and creates or changes no user. SQLite and PostgreSQL.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <soci/soci.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "harness.hpp"
#include "infra/crypto.hpp"
#include "infra/jwt.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

constexpr const char* kLmsSecret = "lms-shared-secret-0123456789abcdefghij";  // 38 characters

std::string b64(const std::string& s) { return infra::base64url_encode(s); }

std::string hmac_sha512(const std::string& key, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

::testing::AssertionResult is_401(const HttpResult& r) {
    if (r.status != 401) return ::testing::AssertionFailure() << "status " << r.status << ": " << r.body;
    if (r.headers.count("content-type") == 0 || r.headers.at("content-type") != "application/problem+json")
        return ::testing::AssertionFailure() << "not a problem document: " << r.body;
    if (r.headers.count("www-authenticate") == 0 || r.headers.at("www-authenticate").rfind("Bearer", 0) != 0)
        return ::testing::AssertionFailure() << "no WWW-Authenticate: Bearer";
    if (!r.json.is_object() || r.obj().at("status").to_number<int>() != 401 || r.str("detail").empty())
        return ::testing::AssertionFailure() << "bad problem body: " << r.body;
    return ::testing::AssertionSuccess();
}

class Auth : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
    TestServer::School s = srv.make_school("auth", 1);

    long long user_rows() {
        soci::session sql(srv.app().db().pool());
        long long n = -1;
        sql << "SELECT COUNT(*) FROM users", soci::into(n);
        return n;
    }
    HttpResult me(const std::string& token) { return srv.get("/api/v1/auth/me/", token); }
    void enable_sso(const std::string& secret = kLmsSecret) {
        auto r = srv.patch_json("/api/v1/tenants/" + s.tenant.id + "/", json::object{{"lms_jwt_secret", secret}},
                                s.admin_token);
        ASSERT_EQ(r.status, 200u) << r.body;
        ASSERT_EQ(r.obj().at("sso_enabled"), true);
        ASSERT_EQ(r.body.find(secret), std::string::npos) << "the secret must never be returned";
    }
    json::object lms_claims(const std::string& sub = "lms-1001", const std::string& role = "student") {
        return json::object{{"iss", s.tenant.slug},          {"sub", sub},   {"email", "Ayse@LMS.test"},
                            {"name", "Ayşe Yılmaz"},         {"role", role}, {"iat", srv.clock().now()},
                            {"exp", srv.clock().now() + 300}};
    }
    std::string lms_token(const json::object& claims, const std::string& secret = kLmsSecret) {
        return infra::jwt_sign_hs256(claims, secret);
    }
    /// A token with an arbitrary header, signed with HMAC-SHA256 over header.payload (or unsigned).
    static std::string hand_token(const std::string& header_json, const json::object& claims, const std::string& sig) {
        return b64(header_json) + "." + b64(json::serialize(claims)) + "." + sig;
    }
};

TEST_P(Auth, LoginReturnsBearerTokenThatWorks) {
    auto r = srv.post_json("/api/v1/auth/login/",
                           json::object{{"email", s.students[0].email}, {"password", "password-auth"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_EQ(r.obj().at("token_type"), "Bearer");
    EXPECT_EQ(r.obj().at("expires_in").as_int64(), 3600);
    const auto& user = r.obj().at("user").as_object();
    EXPECT_EQ(js(user.at("id")), s.students[0].id);
    EXPECT_EQ(js(user.at("email")), s.students[0].email);
    EXPECT_EQ(user.at("role"), "student");
    EXPECT_EQ(js(user.at("tenant_id")), s.tenant.id);
    EXPECT_EQ(r.body.find("argon2"), std::string::npos) << "no password hash in the response";
    EXPECT_EQ(r.body.find("password"), std::string::npos);
    std::string token = r.str("access_token");
    ASSERT_FALSE(token.empty());
    // The token is an HS256 JWT that expires in an hour.
    auto claims = infra::jwt_peek_claims(token);
    ASSERT_TRUE(claims.ok());
    EXPECT_EQ(claims.value().at("exp").as_int64(), srv.clock().now() + 3600);

    auto m = me(token);
    ASSERT_EQ(m.status, 200u) << m.body;
    EXPECT_EQ(js(m.obj().at("user").at("id")), s.students[0].id);
    EXPECT_EQ(js(m.obj().at("tenant").at("slug")), "auth");
    // It opens the student's view of the API.
    EXPECT_EQ(srv.get("/api/v1/live-sessions/", token).status, 200u);
    EXPECT_EQ(srv.get("/api/v1/users/", token).status, 403u);

    // E-mail is case-insensitive; the school may be named explicitly.
    auto upper = srv.post_json("/api/v1/auth/login/",
                               json::object{{"email", "STUDENT1@Auth.Test"}, {"password", "password-auth"}});
    EXPECT_EQ(upper.status, 200u) << upper.body;
    auto hinted =
        srv.post_json("/api/v1/auth/login/",
                      json::object{{"email", s.admin.email}, {"password", "password-auth"}, {"tenant", "auth"}});
    ASSERT_EQ(hinted.status, 200u) << hinted.body;
    EXPECT_EQ(hinted.obj().at("user").at("role"), "admin");

    // The access token expires with the clock.
    srv.clock().advance(3600);
    EXPECT_TRUE(is_401(me(token)));
}

TEST_P(Auth, LoginFailures) {
    auto wrong =
        srv.post_json("/api/v1/auth/login/", json::object{{"email", s.admin.email}, {"password", "password-wrong"}});
    EXPECT_TRUE(is_401(wrong));
    EXPECT_TRUE(wrong.str("access_token").empty());
    auto unknown = srv.post_json("/api/v1/auth/login/",
                                 json::object{{"email", "nobody@auth.test"}, {"password", "password-auth"}});
    EXPECT_TRUE(is_401(unknown));
    // The two failures look the same, so the answer does not reveal which e-mails exist.
    EXPECT_EQ(wrong.str("detail"), unknown.str("detail"));
    // Right password, wrong school.
    auto other =
        srv.post_json("/api/v1/auth/login/",
                      json::object{{"email", s.admin.email}, {"password", "password-auth"}, {"tenant", "elsewhere"}});
    EXPECT_TRUE(is_401(other));

    // Missing and mistyped fields are 422 naming them.
    auto fields_of = [](const HttpResult& r) {
        std::set<std::string> f;
        if (r.json.is_object())
            if (auto* e = r.obj().if_contains("errors"))
                for (const auto& x : e->as_array()) f.insert(js(x.at("field")));
        return f;
    };
    auto none = srv.post_json("/api/v1/auth/login/", json::object{});
    EXPECT_EQ(none.status, 422u) << none.body;
    EXPECT_EQ(fields_of(none), (std::set<std::string>{"email", "password"}));
    auto no_pw = srv.post_json("/api/v1/auth/login/", json::object{{"email", s.admin.email}});
    EXPECT_EQ(no_pw.status, 422u);
    EXPECT_EQ(fields_of(no_pw), (std::set<std::string>{"password"}));
    auto typed = srv.post_json("/api/v1/auth/login/", json::object{{"email", 5}, {"password", true}});
    EXPECT_EQ(typed.status, 422u);
    EXPECT_EQ(fields_of(typed), (std::set<std::string>{"email", "password"}));
    EXPECT_EQ(srv.post("/api/v1/auth/login/", "{\"email\":").status, 400u);

    // A deactivated account cannot log in, even with the right password.
    ASSERT_EQ(
        srv.patch_json("/api/v1/users/" + s.students[0].id + "/", json::object{{"is_active", false}}, s.admin_token)
            .status,
        200u);
    auto inactive = srv.post_json("/api/v1/auth/login/",
                                  json::object{{"email", s.students[0].email}, {"password", "password-auth"}});
    EXPECT_EQ(inactive.status, 403u) << inactive.body;
    EXPECT_TRUE(inactive.str("access_token").empty());
}

TEST_P(Auth, SameEmailInTwoSchoolsNeedsTheSchool) {
    auto b = srv.make_school("auth2", 0);
    services::NewUser nu;
    nu.email = s.students[0].email;
    nu.password = "another-password";
    nu.full_name = "Twin";
    auto twin = srv.app().directory().create_user_in("auth2", nu);
    ASSERT_TRUE(twin.ok());
    auto ambiguous = srv.post_json("/api/v1/auth/login/",
                                   json::object{{"email", s.students[0].email}, {"password", "password-auth"}});
    EXPECT_EQ(ambiguous.status, 400u) << ambiguous.body;
    EXPECT_TRUE(ambiguous.str("access_token").empty());
    auto in_b = srv.post_json(
        "/api/v1/auth/login/",
        json::object{{"email", s.students[0].email}, {"password", "another-password"}, {"tenant", "auth2"}});
    ASSERT_EQ(in_b.status, 200u) << in_b.body;
    EXPECT_EQ(js(in_b.obj().at("user").at("id")), twin.value().id);
    EXPECT_EQ(js(me(in_b.str("access_token")).obj().at("tenant").at("id")), b.tenant.id);
    // The password of one school's account does not open the other's.
    EXPECT_TRUE(is_401(srv.post_json(
        "/api/v1/auth/login/",
        json::object{{"email", s.students[0].email}, {"password", "password-auth"}, {"tenant", "auth2"}})));
}

TEST_P(Auth, MissingOrMalformedCredentialsAre401WithChallenge) {
    EXPECT_TRUE(is_401(srv.get("/api/v1/auth/me/")));
    EXPECT_TRUE(is_401(srv.get("/api/v1/live-sessions/")));
    EXPECT_TRUE(is_401(srv.post_json("/api/v1/live-sessions/", json::object{{"title", "x"}})));
    for (const std::string& header :
         {std::string("Basic YWRtaW46cGFzcw=="), std::string("Bearer"), std::string("Bearer "),
          std::string("Bearer not.a.jwt"), std::string("Bearer a.b"), std::string("Token ") + s.admin_token,
          std::string("Bearer ") + s.admin_token + "x"}) {
        auto r = http_request(srv.port(), "GET", "/api/v1/auth/me/", "", "", {{"Authorization", header}});
        EXPECT_TRUE(is_401(r)) << header;
    }
    // A token of ours with its payload changed (role admin) keeps its old signature: rejected.
    auto dot1 = s.student_tokens[0].find('.'), dot2 = s.student_tokens[0].rfind('.');
    auto claims = infra::jwt_peek_claims(s.student_tokens[0]).value();
    claims["role"] = "admin";
    claims["sub"] = s.admin.id;
    std::string forged =
        s.student_tokens[0].substr(0, dot1) + "." + b64(json::serialize(claims)) + s.student_tokens[0].substr(dot2);
    EXPECT_TRUE(is_401(me(forged)));
    // Our issuer with another key.
    EXPECT_TRUE(is_401(me(infra::jwt_sign_hs256(claims, "not-the-server-key-0123456789abcdef"))));
}

TEST_P(Auth, DeactivatedUsersTokenIs401) {
    std::string token = s.student_tokens[0];
    ASSERT_EQ(me(token).status, 200u);
    auto off =
        srv.patch_json("/api/v1/users/" + s.students[0].id + "/", json::object{{"is_active", false}}, s.admin_token);
    ASSERT_EQ(off.status, 200u) << off.body;
    EXPECT_TRUE(is_401(me(token)));
    EXPECT_TRUE(is_401(srv.get("/api/v1/live-sessions/", token)));
    // Back on, the same token works again (it has not expired).
    ASSERT_EQ(
        srv.patch_json("/api/v1/users/" + s.students[0].id + "/", json::object{{"is_active", true}}, s.admin_token)
            .status,
        200u);
    EXPECT_EQ(me(token).status, 200u);
    // An admin cannot lock themselves out.
    auto self = srv.patch_json("/api/v1/users/" + s.admin.id + "/", json::object{{"is_active", false}}, s.admin_token);
    EXPECT_EQ(self.status, 422u) << self.body;
    EXPECT_EQ(me(s.admin_token).status, 200u);
}

TEST_P(Auth, SingleSignOnCreatesThenUpdatesTheUser) {
    // Before the school turns SSO on, LMS tokens are refused.
    EXPECT_TRUE(is_401(me(lms_token(lms_claims()))));
    long long users = user_rows();
    enable_sso();
    auto tenant = srv.get("/api/v1/tenants/" + s.tenant.id + "/", s.admin_token);
    ASSERT_EQ(tenant.status, 200u);
    EXPECT_EQ(tenant.obj().at("sso_enabled"), true);
    EXPECT_EQ(tenant.body.find(kLmsSecret), std::string::npos);

    // First use creates the user with external_id = sub.
    auto first = me(lms_token(lms_claims()));
    ASSERT_EQ(first.status, 200u) << first.body;
    const auto& u = first.obj().at("user").as_object();
    std::string uid(u.at("id").as_string());
    EXPECT_EQ(u.at("external_id"), "lms-1001");
    EXPECT_EQ(u.at("email"), "ayse@lms.test");
    EXPECT_EQ(u.at("full_name"), "Ayşe Yılmaz");
    EXPECT_EQ(u.at("role"), "student");
    EXPECT_EQ(js(first.obj().at("tenant").at("id")), s.tenant.id);
    EXPECT_EQ(user_rows(), users + 1);
    // A student of the LMS is a student here.
    EXPECT_EQ(srv.get("/api/v1/users/", lms_token(lms_claims())).status, 403u);

    // Second use with the same data: same user, nothing new.
    auto again = me(lms_token(lms_claims()));
    ASSERT_EQ(again.status, 200u);
    EXPECT_EQ(js(again.obj().at("user").at("id")), uid);
    EXPECT_EQ(user_rows(), users + 1);

    // The LMS changed name and role: updated on next use.
    auto changed = lms_claims("lms-1001", "instructor");
    changed["name"] = "Ayşe Kaya";
    auto upd = me(lms_token(changed));
    ASSERT_EQ(upd.status, 200u) << upd.body;
    EXPECT_EQ(js(upd.obj().at("user").at("id")), uid);
    EXPECT_EQ(upd.obj().at("user").at("full_name"), "Ayşe Kaya");
    EXPECT_EQ(upd.obj().at("user").at("role"), "instructor");
    EXPECT_EQ(user_rows(), users + 1);
    auto stored = srv.get("/api/v1/users/" + uid + "/", s.admin_token);
    ASSERT_EQ(stored.status, 200u);
    EXPECT_EQ(stored.obj().at("full_name"), "Ayşe Kaya");
    EXPECT_EQ(stored.obj().at("role"), "instructor");
    EXPECT_EQ(stored.obj().at("external_id"), "lms-1001");

    // An LMS admin gets admin rights here.
    auto adm = lms_claims("lms-1", "admin");
    adm["email"] = "head@lms.test";
    auto admin_list = srv.get("/api/v1/users/?search=ayse", lms_token(adm));
    ASSERT_EQ(admin_list.status, 200u) << admin_list.body;
    EXPECT_EQ(admin_list.obj().at("count").as_int64(), 1);
    EXPECT_EQ(user_rows(), users + 2);

    // Turning SSO off again ("") refuses LMS tokens; our own tokens keep working.
    auto off =
        srv.patch_json("/api/v1/tenants/" + s.tenant.id + "/", json::object{{"lms_jwt_secret", ""}}, s.admin_token);
    ASSERT_EQ(off.status, 200u) << off.body;
    EXPECT_EQ(off.obj().at("sso_enabled"), false);
    EXPECT_TRUE(is_401(me(lms_token(lms_claims()))));
    EXPECT_EQ(me(s.admin_token).status, 200u);
}

TEST_P(Auth, SsoSecretIsValidatedAndAdminOnly) {
    auto shortk = srv.patch_json("/api/v1/tenants/" + s.tenant.id + "/",
                                 json::object{{"lms_jwt_secret", std::string(31, 'k')}}, s.admin_token);
    EXPECT_EQ(shortk.status, 422u) << shortk.body;
    auto by_teacher = srv.patch_json("/api/v1/tenants/" + s.tenant.id + "/",
                                     json::object{{"lms_jwt_secret", kLmsSecret}}, s.instructor_token);
    EXPECT_EQ(by_teacher.status, 403u) << by_teacher.body;
    auto by_student = srv.patch_json("/api/v1/tenants/" + s.tenant.id + "/",
                                     json::object{{"lms_jwt_secret", kLmsSecret}}, s.student_tokens[0]);
    EXPECT_EQ(by_student.status, 403u);
    auto t = srv.get("/api/v1/tenants/" + s.tenant.id + "/", s.admin_token);
    EXPECT_EQ(t.obj().at("sso_enabled"), false);
    EXPECT_TRUE(is_401(me(lms_token(lms_claims()))));
    EXPECT_TRUE(is_401(me(lms_token(lms_claims(), std::string(31, 'k')))));
    // Sending the mask back keeps the secret as it is.
    enable_sso();
    auto masked = srv.patch_json("/api/v1/tenants/" + s.tenant.id + "/",
                                 json::object{{"lms_jwt_secret", "********"}, {"name", "Renamed"}}, s.admin_token);
    ASSERT_EQ(masked.status, 200u) << masked.body;
    EXPECT_EQ(masked.obj().at("name"), "Renamed");
    EXPECT_EQ(me(lms_token(lms_claims())).status, 200u);
    // At rest the secret is encrypted.
    soci::session sql(srv.app().db().pool());
    std::string stored;
    sql << "SELECT lms_jwt_secret FROM tenants WHERE id = :id", soci::use(s.tenant.id), soci::into(stored);
    EXPECT_EQ(stored.rfind("v1:", 0), 0u) << stored;
    EXPECT_EQ(stored.find(kLmsSecret), std::string::npos);
}

TEST_P(Auth, SsoRejectsBadTokens) {
    enable_sso();
    auto b = srv.make_school("auth-b", 0);
    {
        services::Principal pb{b.admin, b.tenant};
        services::TenantPatch tp;
        tp.lms_jwt_secret = std::string("school-b-lms-secret-0123456789abcdef");
        ASSERT_TRUE(srv.app().directory().update_tenant(pb, b.tenant.id, tp).ok());
    }
    long long users = user_rows();
    const auto good = lms_claims();
    const std::string payload = json::serialize(good);
    const std::string valid = lms_token(good);
    const std::string signing_input = valid.substr(0, valid.rfind('.'));

    std::vector<std::pair<std::string, std::string>> bad;
    // alg none, unsigned and with a (valid HS256) signature attached.
    bad.push_back({"alg none", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + b64(payload) + "."});
    bad.push_back({"alg none signed",
                   "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + b64(payload) + "." +
                       b64(infra::hmac_sha256(kLmsSecret, "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + b64(payload)))});
    bad.push_back({"alg None", hand_token(R"({"alg":"None","typ":"JWT"})", good, "")});
    // Another algorithm, correctly signed with the right secret.
    {
        std::string h = b64(R"({"alg":"HS512","typ":"JWT"})") + "." + b64(payload);
        bad.push_back({"HS512", h + "." + b64(hmac_sha512(kLmsSecret, h))});
        std::string h256 = b64(R"({"alg":"RS256","typ":"JWT"})") + "." + b64(payload);
        bad.push_back({"RS256 header, HMAC body", h256 + "." + b64(infra::hmac_sha256(kLmsSecret, h256))});
    }
    // Bad signatures.
    {
        auto escalated = good;
        escalated["role"] = "admin";
        bad.push_back({"payload changed", valid.substr(0, valid.find('.')) + "." + b64(json::serialize(escalated)) +
                                              valid.substr(valid.rfind('.'))});
        std::string sig = valid.substr(valid.rfind('.') + 1);
        sig[0] = sig[0] == 'A' ? 'B' : 'A';
        bad.push_back({"signature changed", signing_input + "." + sig});
        bad.push_back({"signature missing", signing_input + "."});
        bad.push_back({"two parts", signing_input});
    }
    bad.push_back({"wrong secret", lms_token(good, "a-different-secret-0123456789abcdefgh")});
    bad.push_back({"other school's secret", lms_token(good, "school-b-lms-secret-0123456789abcdef")});
    {
        auto to_b = good;
        to_b["iss"] = "auth-b";
        bad.push_back({"other school's issuer", lms_token(to_b)});
        auto ours = good;
        ours["iss"] = "liveclass";
        bad.push_back({"our issuer, LMS secret", lms_token(ours)});
    }
    auto variant = [&](const char* what, auto edit) {
        auto c = good;
        edit(c);
        bad.push_back({what, lms_token(c)});
    };
    variant("no exp", [](json::object& c) { c.erase("exp"); });
    variant("exp is a string", [](json::object& c) { c["exp"] = "9999999999"; });
    variant("expired", [&](json::object& c) { c["exp"] = srv.clock().now() - 1; });
    variant("exp now", [&](json::object& c) { c["exp"] = srv.clock().now(); });
    variant("nbf in the future", [&](json::object& c) { c["nbf"] = srv.clock().now() + 60; });
    variant("unknown iss", [](json::object& c) { c["iss"] = "no-such-school"; });
    variant("no iss", [](json::object& c) { c.erase("iss"); });
    variant("role superuser", [](json::object& c) { c["role"] = "superuser"; });
    variant("no role", [](json::object& c) { c.erase("role"); });
    variant("no sub", [](json::object& c) { c.erase("sub"); });
    variant("no email", [](json::object& c) { c.erase("email"); });
    variant("bad email", [](json::object& c) { c["email"] = "not-an-email"; });
    // libjwt will not sign a U+0000; sign those by hand.
    auto by_hand = [&](const char* what, const char* key, std::string value) {
        auto c = good;
        c[key] = value;
        std::string h = b64(R"({"alg":"HS256","typ":"JWT"})") + "." + b64(json::serialize(c));
        bad.push_back({what, h + "." + b64(infra::hmac_sha256(kLmsSecret, h))});
    };
    by_hand("NUL in name", "name", std::string("Ay\0se", 5));
    by_hand("NUL in sub", "sub", std::string("lms-1001\0x", 10));

    for (const auto& [what, token] : bad) {
        EXPECT_TRUE(is_401(me(token))) << what;
        EXPECT_TRUE(is_401(srv.get("/api/v1/live-sessions/", token))) << what;
    }
    EXPECT_EQ(user_rows(), users) << "no rejected token may create a user";
    auto list = srv.get("/api/v1/users/?search=ayse", s.admin_token);
    EXPECT_EQ(list.obj().at("count").as_int64(), 0);

    // The untouched token is fine (signed by libjwt or by hand), and stops being fine when its exp passes.
    std::string hand = b64(R"({"alg":"HS256","typ":"JWT"})") + "." + b64(payload);
    EXPECT_EQ(me(hand + "." + b64(infra::hmac_sha256(kLmsSecret, hand))).status, 200u);
    EXPECT_EQ(me(valid).status, 200u);
    srv.clock().advance(300);
    EXPECT_TRUE(is_401(me(valid)));
}

TEST_P(Auth, DeactivatedSsoUserIsRefusedAndNotUpdated) {
    enable_sso();
    auto first = me(lms_token(lms_claims()));
    ASSERT_EQ(first.status, 200u) << first.body;
    std::string uid = js(first.obj().at("user").at("id"));
    ASSERT_EQ(srv.patch_json("/api/v1/users/" + uid + "/", json::object{{"is_active", false}}, s.admin_token).status,
              200u);
    EXPECT_TRUE(is_401(me(lms_token(lms_claims()))));
    // A token that would change the user's data is refused just the same and changes nothing.
    auto changed = lms_claims("lms-1001", "admin");
    changed["name"] = "Someone Else";
    EXPECT_TRUE(is_401(me(lms_token(changed))));
    auto stored = srv.get("/api/v1/users/" + uid + "/", s.admin_token);
    ASSERT_EQ(stored.status, 200u);
    EXPECT_EQ(stored.obj().at("full_name"), "Ayşe Yılmaz");
    EXPECT_EQ(stored.obj().at("role"), "student");
    EXPECT_EQ(stored.obj().at("is_active"), false);
}

INSTANTIATE_TEST_SUITE_P(Engines, Auth, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
