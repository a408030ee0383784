#pragma once
// Local logins (Argon2id) and bearer tokens: our own HS256 access tokens, and single sign-on
// tokens signed by a host LMS with the tenant's lms_jwt_secret (iss = tenant slug).
#include <memory>
#include <optional>
#include <string>

#include "core/ttl_cache.hpp"
#include "services/context.hpp"

namespace lc::services {

struct LoginResult {
    std::string access_token;
    int expires_in = 0;
    domain::User user;
    domain::Tenant tenant;
};

class AuthService {
public:
    explicit AuthService(ServiceContext& ctx)
        : ctx_(ctx), verified_(ctx.clock, ctx.db.generation(), kPrincipalCacheSeconds, 20000) {}

    /// How long a verified bearer token's caller is served from memory. Writes through this process
    /// (deactivation, role change) take effect at once; writes by another process within this time.
    static constexpr int kPrincipalCacheSeconds = 10;

    /// tenant_hint: a slug from the body; host: the request's Host header (tenant domains).
    /// Without either, the e-mail must belong to exactly one tenant.
    Result<LoginResult> login(const std::string& email, const std::string& password, const std::string& tenant_hint,
                              const std::string& host);
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
    ServiceContext& ctx_;
    TtlCache<std::string, std::shared_ptr<const Principal>>
        verified_;  // bearer token -> caller, for tokens already verified
};

}  // namespace lc::services
