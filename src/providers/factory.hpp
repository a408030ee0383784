#pragma once
// Seed 3.5: picks the tenant's provider. Adapters are registered explicitly here, no static registration.
#include <memory>
#include <optional>
#include <vector>

#include "infra/http_client.hpp"
#include "providers/bbb.hpp"
#include "providers/jitsi.hpp"
#include "providers/zoom.hpp"

namespace lc::providers {

/// JITSI_DOMAIN / JITSI_APP_ID / JITSI_JWT_SECRET: used when a tenant has no active default config.
struct EnvJitsiDefaults {
    std::string domain;
    std::string app_id;
    std::string secret;
    /// LIVE_JOIN_TOKEN_TTL: lifetime of the Jitsi join token (seconds, 120-300).
    int token_ttl_seconds = 300;
};

/// Where the Zoom adapter talks to Zoom (LIVE_ZOOM_API_URL / LIVE_ZOOM_OAUTH_URL; tests point them at a
/// fake Zoom on loopback). Empty: Zoom's public endpoints.
struct ZoomEndpoints {
    std::string api_base;
    std::string oauth_url;
};

/// Where providers call us back: LIVE_PUBLIC_URL, e.g. https://lms.school.edu (no trailing slash).
/// Empty: no callbacks are requested from providers.
std::string webhook_url(const std::string& public_url, domain::ProviderKind kind, const std::string& tenant_id);

/// Providers whose rooms are objects at the provider that must follow edits and cancellation (Zoom).
inline bool keeps_remote_rooms(domain::ProviderKind kind) { return kind == domain::ProviderKind::kZoom; }

class ProviderFactory {
public:
    ProviderFactory(EnvJitsiDefaults env, const Clock& clock, const infra::HttpClient& http, std::string public_url,
                    ZoomEndpoints zoom = {})
        : env_(std::move(env)),
          clock_(clock),
          http_(http),
          public_url_(std::move(public_url)),
          zoom_(std::move(zoom)) {}
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
    const infra::HttpClient& http_;
    std::string public_url_;
    ZoomEndpoints zoom_;
    ZoomTokenCache zoom_tokens_;
};

}  // namespace lc::providers
