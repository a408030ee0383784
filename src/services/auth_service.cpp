#include "services/auth_service.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/text.hpp"
#include "infra/crypto.hpp"
#include "infra/jwt.hpp"

namespace lc::services {

namespace json = boost::json;
using namespace lc::domain;

namespace {
constexpr const char* kIssuer = "liveclass";

std::string claim_string(const json::object& c, const char* key) {
    auto* v = c.if_contains(key);
    if (!v) return {};
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_int64()) return std::to_string(v->as_int64());
    if (v->is_uint64()) return std::to_string(v->as_uint64());
    return {};
}

/// RFC 7519 4.1.3: a token whose "aud" does not name this service is meant for another one.
bool audience_ok(const json::object& c) {
    auto* v = c.if_contains("aud");
    if (!v) return true;
    if (v->is_string()) return v->get_string() == kIssuer;
    if (v->is_array())
        for (const auto& e : v->get_array())
            if (e.is_string() && e.get_string() == kIssuer) return true;
    return false;
}

}  // namespace

Keys Keys::derive(const std::string& master) {
    Keys k;
    k.access_token = infra::derive_key(master, "access-token");
    k.ip_salt = infra::derive_key(master, "ip-hash");
    k.box.key = infra::derive_key(master, "secrets-at-rest");
    k.launch = infra::derive_key(master, "launch-links");
    k.recording = infra::derive_key(master, "recording-links");
    k.artifact = infra::derive_key(master, "artifact-links");
    return k;
}

std::string AuthService::issue_access_token(const User& user, const Tenant& tenant) const {
    UnixTime now = ctx_.clock.now();
    json::object claims{{"iss", kIssuer},   {"sub", user.id},
                        {"tid", tenant.id}, {"role", to_string(user.role)},
                        {"iat", now},       {"exp", now + ctx_.access_token_ttl}};
    return infra::jwt_sign_hs256(claims, ctx_.keys.access_token);
}

Result<LoginResult> AuthService::login(const std::string& email, const std::string& password,
                                       const std::string& tenant_hint, const std::string& host,
                                       const std::string& client_ip) {
    if (!limiter_) return login_checked(email, password, tenant_hint, host);
    const auto& rules = limiter_->limits();
    const std::string account = ascii_lower(email);
    if (auto st = limiter_->check(rules.login_failures_per_ip, client_ip); !st) return st.take_error();
    if (auto st = limiter_->hit(rules.login_per_account, account); !st) return st.take_error();
    auto res = login_checked(email, password, tenant_hint, host);
    if (!res && res.error().code == Code::kUnauthenticated) limiter_->count(rules.login_failures_per_ip, client_ip);
    if (res) limiter_->reset(rules.login_per_account, account);
    return res;
}

Result<LoginResult> AuthService::login_checked(const std::string& email_in, const std::string& password,
                                               const std::string& tenant_hint, const std::string& host) {
    return guarded([&]() -> Result<LoginResult> {
        const Error bad = Error::unauthenticated("wrong e-mail or password");
        std::string email = ascii_lower(email_in);
        store::Conn c(ctx_.db);
        std::optional<Tenant> tenant;
        if (!tenant_hint.empty()) {
            tenant = store::find_tenant_by_slug(c.sql(), tenant_hint, ctx_.keys.box);
            if (!tenant) return bad;
        } else if (!host.empty()) {
            std::string h = ascii_lower(host.substr(0, host.find(':')));
            tenant = store::find_tenant_by_domain(c.sql(), h, ctx_.keys.box);
        }
        std::optional<User> user;
        if (tenant) {
            user = store::find_user_by_email(c.sql(), tenant->id, email);
        } else {
            auto all = store::find_users_by_email_any_tenant(c.sql(), email);
            if (all.size() > 1)
                return Error::bad_request(
                    "this e-mail has accounts in several schools; send \"tenant\" with the school's slug");
            if (all.size() == 1) {
                user = all.front();
                tenant = store::find_tenant(c.sql(), user->tenant_id, ctx_.keys.box);
            }
        }
        // Verify a hash even when the user is unknown, so timing does not reveal which e-mails exist.
        if (!user || !tenant) {
            (void)infra::verify_password(timing_equaliser_hash(), password);
            return bad;
        }
        if (user->password_hash.empty() || !infra::verify_password(user->password_hash, password)) return bad;
        if (!user->is_active) return Error::denied("this account is deactivated");
        LoginResult r{issue_access_token(*user, *tenant), ctx_.access_token_ttl, *user, *tenant};
        return r;
    });
}

const std::string& AuthService::timing_equaliser_hash() {
    std::call_once(equaliser_once_,
                   [&] { equaliser_hash_ = infra::hash_password("liveclass-timing-equaliser", ctx_.password_cost); });
    return equaliser_hash_;
}

Result<std::shared_ptr<const Principal>> AuthService::authenticate(const std::string& bearer) {
    if (bearer.empty()) return Error::unauthenticated("authentication required: send Authorization: Bearer <token>");
    if (auto hit = verified_.get(bearer)) return std::move(*hit);
    std::uint64_t generation = ctx_.db.generation().current();
    UnixTime expires_at = 0;
    auto r = authenticate_uncached(bearer, &expires_at);
    if (!r) return r.take_error();
    auto principal = std::make_shared<const Principal>(std::move(r.value()));
    verified_.put(bearer, principal, generation, expires_at);
    return principal;
}

Result<Principal> AuthService::authenticate_uncached(const std::string& bearer, UnixTime* expires_at) {
    return guarded([&]() -> Result<Principal> {
        auto peek = infra::jwt_peek_claims(bearer);
        if (!peek) return peek.take_error();
        std::string iss = claim_string(*peek, "iss");
        // Verified tokens always carry a numeric exp; the cache never outlives it.
        if (auto* exp = peek->if_contains("exp"); exp && exp->is_number()) {
            double e = exp->to_number<double>();  // saturate: a huge exp must not overflow the cast
            *expires_at = e >= 9.0e15 ? static_cast<UnixTime>(9.0e15) : e <= 0 ? 0 : static_cast<UnixTime>(e);
        }
        if (iss != kIssuer) return authenticate_sso(bearer, iss);
        auto claims = infra::jwt_verify_hs256(bearer, ctx_.keys.access_token, ctx_.clock.now());
        if (!claims) return claims.take_error();
        if (!audience_ok(*claims)) return Error::unauthenticated("token is meant for another audience");
        std::string uid = claim_string(*claims, "sub"), tid = claim_string(*claims, "tid");
        if (!infra::is_uuid(uid) || !infra::is_uuid(tid)) return Error::unauthenticated("malformed token");
        store::Conn c(ctx_.db);
        auto user = store::find_user(c.sql(), tid, uid);
        if (!user || !user->is_active) return Error::unauthenticated("the account no longer exists or is deactivated");
        auto tenant = store::find_tenant(c.sql(), tid, ctx_.keys.box, /*with_domains=*/false);
        if (!tenant) return Error::unauthenticated("the school no longer exists");
        return Principal{std::move(*user), std::move(*tenant)};
    });
}

Result<Principal> AuthService::authenticate_sso(const std::string& token, const std::string& issuer) {
    if (issuer.empty()) return Error::unauthenticated("token has no issuer");
    std::optional<Tenant> tenant;
    {
        store::Conn c(ctx_.db);
        tenant = store::find_tenant_by_slug(c.sql(), issuer, ctx_.keys.box);
    }
    if (!tenant || tenant->lms_jwt_secret.empty())
        return Error::unauthenticated("unknown token issuer or single sign-on is not enabled for it");
    auto claims = infra::jwt_verify_hs256(token, tenant->lms_jwt_secret, ctx_.clock.now());
    if (!claims) return claims.take_error();
    if (!audience_ok(*claims)) return Error::unauthenticated("token is meant for another audience");
    std::string sub = claim_string(*claims, "sub");
    std::string email = ascii_lower(claim_string(*claims, "email"));
    std::string name = claim_string(*claims, "name");
    auto role = parse_user_role(claim_string(*claims, "role"));
    for (const std::string* v : {&sub, &email, &name})  // the database cannot store U+0000 (PostgreSQL cuts there)
        if (v->find('\0') != std::string::npos) return Error::unauthenticated("token claims must not contain NUL");
    if (sub.empty() || sub.size() > 200) return Error::unauthenticated("token needs a sub (the LMS user id)");
    if (email.empty() || email.find('@') == std::string::npos || email.size() > 254)
        return Error::unauthenticated("token needs a valid email");
    if (!role) return Error::unauthenticated("token role must be admin, instructor or student");
    name = utf8_prefix(name, 200);

    // The common case (a known user whose LMS data has not changed) is read-only: no write lock.
    {
        store::Conn c(ctx_.db);
        auto known = store::find_user_by_external_id(c.sql(), tenant->id, sub);
        if (known && known->email == email && known->full_name == name && known->role == *role) {
            if (!known->is_active) return Error::unauthenticated("this account is deactivated");
            return Principal{std::move(*known), std::move(*tenant)};
        }
    }
    // Two first requests with the same new token can race to create the user; the loser's insert
    // hits the unique index, and its retry finds the winner's row.
    auto sync = [&]() -> Result<Principal> {
        store::Tx tx(ctx_.db);
        auto user = store::find_user_by_external_id(tx.sql(), tenant->id, sub);
        if (!user) user = store::find_user_by_email(tx.sql(), tenant->id, email);  // link a local account
        // A deactivated account is refused before anything is written: a rejected token changes nothing.
        if (user && !user->is_active) return Error::unauthenticated("this account is deactivated");
        UnixTime now = ctx_.clock.now();
        if (!user) {
            User u;
            u.id = infra::new_uuid();
            u.tenant_id = tenant->id;
            u.email = email;
            u.full_name = name;
            u.role = *role;
            u.external_id = sub;
            u.created_at = u.updated_at = now;
            store::insert_user(tx.sql(), u);
            user = u;
        } else if (user->email != email || user->full_name != name || user->role != *role || user->external_id != sub) {
            // The LMS is the source of truth for SSO users: keep name, e-mail and role in step.
            if (user->email != email && store::find_user_by_email(tx.sql(), tenant->id, email))
                return Error::unauthenticated("another account of this school already uses this email");
            user->email = email;
            user->full_name = name;
            user->role = *role;
            user->external_id = sub;
            user->updated_at = now;
            store::update_user(tx.sql(), *user);
        }
        tx.commit();
        if (!user->is_active) return Error::unauthenticated("this account is deactivated");
        return Principal{std::move(*user), std::move(*tenant)};
    };
    for (int attempt = 0;; ++attempt) {
        try {
            return sync();
        } catch (const soci::soci_error&) {
            if (attempt > 0) throw;
        }
    }
}

}  // namespace lc::services
