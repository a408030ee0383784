#pragma once
// Seed 3.5: picks the tenant's provider. Adapters are registered explicitly here, no static registration.
#include <memory>
#include <optional>
#include <vector>

#include "providers/jitsi.hpp"

namespace lc::providers {

/// JITSI_DOMAIN / JITSI_APP_ID / JITSI_JWT_SECRET: used when a tenant has no active default config.
struct EnvJitsiDefaults {
    std::string domain;
    std::string app_id;
    std::string secret;
};

class ProviderFactory {
public:
    ProviderFactory(EnvJitsiDefaults env, const Clock& clock) : env_(std::move(env)), clock_(clock) {}
    virtual ~ProviderFactory() = default;

    /// The active default config among `configs` (else the first active one), else the environment's Jitsi.
    /// Unavailable when nothing usable is configured.
    virtual Result<std::unique_ptr<LiveClassProvider>> for_tenant(const std::vector<domain::ProviderConfig>& configs);
    /// The adapter for one explicit config (e.g. the provider a session was created on).
    virtual Result<std::unique_ptr<LiveClassProvider>> for_config(const domain::ProviderConfig& config);
    /// The adapter of kind `kind` for this tenant (sessions keep the provider they were created on).
    Result<std::unique_ptr<LiveClassProvider>> for_kind(const std::vector<domain::ProviderConfig>& configs,
                                                        domain::ProviderKind kind);

    const EnvJitsiDefaults& env() const { return env_; }

private:
    EnvJitsiDefaults env_;
    const Clock& clock_;
};

}  // namespace lc::providers
