#pragma once
// Local logins (Argon2id) and bearer tokens: our own HS256 access tokens, and single sign-on
// tokens signed by a host LMS with the tenant's lms_jwt_secret (iss = tenant slug).
#include <optional>
#include <string>

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
    explicit AuthService(ServiceContext& ctx) : ctx_(ctx) {}

    /// tenant_hint: a slug from the body; host: the request's Host header (tenant domains).
    /// Without either, the e-mail must belong to exactly one tenant.
    Result<LoginResult> login(const std::string& email, const std::string& password, const std::string& tenant_hint,
                              const std::string& host);
    /// Verifies a bearer token and loads the caller; creates/updates SSO users on first use.
    Result<Principal> authenticate(const std::string& bearer);
    /// Issues an access token for a user (used by login and tests).
    std::string issue_access_token(const domain::User& user, const domain::Tenant& tenant) const;

private:
    Result<Principal> authenticate_sso(const std::string& token, const std::string& issuer);
    ServiceContext& ctx_;
};

}  // namespace lc::services
