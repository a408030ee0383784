#pragma once
// What every use case needs, passed in once at wiring time (no globals).
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "domain/entities.hpp"
#include "infra/crypto.hpp"
#include "infra/metrics.hpp"
#include "providers/factory.hpp"
#include "store/database.hpp"
#include "store/group_commit.hpp"
#include "store/join_writer.hpp"
#include "store/repositories.hpp"

namespace lc::services {

/// Keys derived from LIVE_SECRET_KEY, one per purpose.
struct Keys {
    std::string access_token;  // HS256 key for our own access tokens
    std::string ip_salt;       // HMAC key for ip_hash (KVKK: never store the raw IP)
    store::SecretBox box;      // AES-256-GCM for secrets at rest
    std::string launch;        // AES-256-GCM key sealing launch links (seed 9.1)
    std::string recording;     // AES-256-GCM key sealing recording access links (seed 5.6)
    std::string artifact;      // AES-256-GCM key sealing artifact download links (seed 7.4)
    static Keys derive(const std::string& master);
};

struct ServiceContext {
    store::Database& db;
    const Clock& clock;
    Keys keys;
    providers::ProviderFactory& providers;
    store::JoinWriter& joins;  // group commit for participation rows
    int access_token_ttl = 3600;
    /// Group commit for webhook deliveries (null: each delivery commits on its own).
    store::GroupCommit* inbox = nullptr;
    /// Called after a commit that enqueued jobs, so in-process workers wake at once.
    std::function<void()> jobs_enqueued = [] {};
    /// Where services register their metrics (null: none are kept).
    infra::metrics::Registry* metrics = nullptr;
    /// What a password hash costs (the interactive Argon2id limits; the test servers' is cheaper).
    infra::PasswordCost password_cost = infra::PasswordCost::interactive();
};

/// The authenticated caller.
struct Principal {
    domain::User user;
    domain::Tenant tenant;
    bool is_admin() const { return user.role == domain::UserRole::kAdmin; }
};

/// Where a request came from (for participant rows and the audit log); raw IP never stored.
struct RequestMeta {
    std::string ip;
    std::string user_agent;
    std::string request_id;
};

/// Runs a use case and turns library exceptions (SOCI, JSON) into Result errors at the service boundary.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::exception& e) {
        // 503 + Retry-After for a database that is busy or gone, 409 for a row another request wrote
        // first: neither is a bug.
        if (auto expected = store::expected_database_error(e)) return std::move(*expected);
        return Error::internal_error(e.what());
    }
}

}  // namespace lc::services
