#include "providers/factory.hpp"

namespace lc::providers {

using namespace lc::domain;

std::string webhook_url(const std::string& public_url, ProviderKind kind, const std::string& tenant_id) {
    if (public_url.empty()) return {};
    return public_url + "/api/v1/live-sessions/webhooks/" + to_string(kind) + "/?tenant=" + tenant_id;
}

Result<std::unique_ptr<LiveClassProvider>> ProviderFactory::for_config(const ProviderConfig& c) {
    switch (c.provider) {
        case ProviderKind::kJitsi: {
            JitsiSettings s{c.jitsi_domain, c.jitsi_app_id, c.jitsi_jwt_secret};
            // Fields left empty in the tenant's row fall back to the environment's defaults.
            if (s.domain.empty()) s.domain = env_.domain;
            if (s.app_id.empty()) s.app_id = env_.app_id;
            if (s.secret.empty()) s.secret = env_.secret;
            s.token_ttl_seconds = env_.token_ttl_seconds;
            return std::unique_ptr<LiveClassProvider>(std::make_unique<JitsiProvider>(s, clock_, &http_));
        }
        case ProviderKind::kBbb: {
            BbbSettings s;
            s.server_url = c.bbb_server_url;
            s.secret = c.bbb_shared_secret;
            s.checksum = parse_bbb_checksum(c.bbb_checksum_algorithm).value_or(BbbChecksum::kSha256);
            if (!c.tenant_id.empty()) s.callback_url = webhook_url(public_url_, ProviderKind::kBbb, c.tenant_id);
            return std::unique_ptr<LiveClassProvider>(std::make_unique<BbbProvider>(s, http_, clock_));
        }
        case ProviderKind::kZoom: {
            ZoomSettings s;
            s.account_id = c.zoom_account_id;
            s.client_id = c.zoom_client_id;
            s.client_secret = c.zoom_client_secret;
            s.user_id = c.zoom_user_id;
            if (!zoom_.api_base.empty()) s.api_base = zoom_.api_base;
            if (!zoom_.oauth_url.empty()) s.oauth_url = zoom_.oauth_url;
            return std::unique_ptr<LiveClassProvider>(std::make_unique<ZoomProvider>(s, http_, zoom_tokens_, clock_));
        }
    }
    return Error::internal_error("unknown provider kind");
}

Result<std::unique_ptr<LiveClassProvider>> ProviderFactory::for_tenant(const std::vector<ProviderConfig>& configs) {
    const ProviderConfig* pick = nullptr;
    for (const auto& c : configs)
        if (c.is_active && c.is_default) pick = &c;
    if (!pick)
        for (const auto& c : configs)
            if (c.is_active) {
                pick = &c;
                break;
            }
    if (pick) return for_config(*pick);
    if (env_.domain.empty())
        return Error::unavailable(
            "no live-class provider is configured: an admin must set one up (live-config) or the operator must set "
            "JITSI_DOMAIN");
    ProviderConfig env_cfg;
    env_cfg.provider = ProviderKind::kJitsi;
    return for_config(env_cfg);
}

Result<std::unique_ptr<LiveClassProvider>> ProviderFactory::for_kind(const std::vector<ProviderConfig>& configs,
                                                                     ProviderKind kind) {
    for (const auto& c : configs)
        if (c.provider == kind) return for_config(c);
    ProviderConfig env_cfg;
    env_cfg.provider = kind;
    return for_config(env_cfg);
}

}  // namespace lc::providers
