#pragma once
// Local logins (Argon2id) and bearer tokens: our own HS256 access tokens, and single sign-on
// tokens signed by a host LMS with the tenant's lms_jwt_secret (iss = tenant slug).
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/ttl_cache.hpp"
#include "services/context.hpp"
#include "services/rate_limiter.hpp"

namespace lc::services {

struct LoginResult {
    std::string access_token;
    int expires_in = 0;
    domain::User user;
    domain::Tenant tenant;
};

class AuthService {
public:
    /// `limiter`: brute-force protection for login (seed 9.2); null turns it off (tools, tests of other things).
    explicit AuthService(ServiceContext& ctx, RateLimiter* limiter = nullptr)
        : ctx_(ctx), limiter_(limiter), verified_(ctx.clock, ctx.db.generation(), kPrincipalCacheSeconds, 20000) {}

    /// How long a verified bearer token's caller is served from memory. Writes through this process
    /// (deactivation, role change) take effect at once; writes by another process within this time.
    static constexpr int kPrincipalCacheSeconds = 10;

    /// tenant_hint: a slug from the body; host: the request's Host header (tenant domains).
    /// Without either, the e-mail must belong to exactly one tenant. Rate limited (seed 9.2): failed
    /// sign-ins per client address, and every attempt per account (a success clears the account's
    /// count), both checked before the password hash is computed; over a limit: ResourceExhausted.
    Result<LoginResult> login(const std::string& email, const std::string& password, const std::string& tenant_hint,
                              const std::string& host, const std::string& client_ip = {});
    /// Verifies a bearer token and loads the caller; creates/updates SSO users on first use.
    /// Shared and immutable: the same caller object serves every request with this token for a while.
    Result<std::shared_ptr<const Principal>> authenticate(const std::string& bearer);
    /// The caller for an already verified, still cached token; no verification and no I/O.
    std::optional<std::shared_ptr<const Principal>> cached(const std::string& bearer) { return verified_.get(bearer); }
    /// Issues an access token for a user (used by login and tests).
    std::string issue_access_token(const domain::User& user, const domain::Tenant& tenant) const;

private:
    Result<Principal> authenticate_sso(const std::string& token, const std::string& issuer);
    Result<Principal> authenticate_uncached(const std::string& bearer, UnixTime* expires_at);
    Result<LoginResult> login_checked(const std::string& email, const std::string& password,
                                      const std::string& tenant_hint, const std::string& host);
    /// A hash verified when the e-mail is unknown, so timing does not reveal which e-mails exist;
    /// made once, at the context's cost, on the first such sign-in.
    const std::string& timing_equaliser_hash();
    ServiceContext& ctx_;
    RateLimiter* limiter_;
    std::once_flag equaliser_once_;
    std::string equaliser_hash_;
    TtlCache<std::string, std::shared_ptr<const Principal>>
        verified_;  // bearer token -> caller, for tokens already verified
};

}  // namespace lc::services
