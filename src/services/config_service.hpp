#pragma once
// Tenant admins' settings: provider configs (seed 2.7, 4.3; secrets encrypted at rest, never
// returned) and policies at tenant and course level (seed 2.6).
#include <optional>
#include <string>
#include <vector>

#include "services/context.hpp"

namespace lc::services {

/// PUT body for one provider's config. Secrets: nullopt = keep the stored one, "" = clear.
struct ProviderConfigInput {
    domain::ProviderKind provider = domain::ProviderKind::kJitsi;
    std::optional<bool> is_active, is_default;
    std::optional<std::string> jitsi_domain, jitsi_app_id, jitsi_jwt_secret;
    std::optional<std::string> bbb_server_url, bbb_shared_secret, bbb_checksum_algorithm;
    std::optional<std::string> zoom_account_id, zoom_client_id, zoom_client_secret, zoom_user_id, zoom_webhook_secret;
    std::optional<std::string> webhook_secret;
    std::optional<long long> max_concurrent_rooms, default_room_duration_minutes;
};

class ConfigService {
public:
    explicit ConfigService(ServiceContext& ctx) : ctx_(ctx) {}

    Result<std::vector<domain::ProviderConfig>> get_live_config(const Principal& p, const std::string& tenant_id);
    Result<std::vector<domain::ProviderConfig>> put_live_config(const Principal& p, const std::string& tenant_id,
                                                                const ProviderConfigInput& in,
                                                                const RequestMeta& meta = {});

    /// Stored overrides of a level (all nullopt when none) and the policy they make effective.
    struct PolicyView {
        domain::PolicyOverrides overrides;
        domain::EffectivePolicy effective;
    };
    Result<PolicyView> get_tenant_policy(const Principal& p, const std::string& tenant_id);
    Result<PolicyView> put_tenant_policy(const Principal& p, const std::string& tenant_id,
                                         const domain::PolicyOverrides& in, const RequestMeta& meta);
    Result<PolicyView> get_course_policy(const Principal& p, const std::string& course_id);
    Result<PolicyView> put_course_policy(const Principal& p, const std::string& course_id,
                                         const domain::PolicyOverrides& in, const RequestMeta& meta);

    /// What the web app's page may embed and who may frame it, for the school whose domain is `host`
    /// (the Host header, port ignored): the Jitsi servers whose IFrame API script it loads, the base
    /// URLs of every provider it frames (rooms on a config that was since switched off still open),
    /// the environment's Jitsi in both, and the school's own domains.
    struct PageEmbedding {
        std::vector<std::string> script_urls;
        std::vector<std::string> frame_urls;
        std::vector<std::string> school_domains;
    };
    Result<PageEmbedding> page_embedding(const std::string& host);

private:
    ServiceContext& ctx_;
};

/// Range checks for policy fields (percent 0-100, minutes 0-1440, retention 0-36500 days).
void validate_policy(const domain::PolicyOverrides& p, const std::string& prefix, std::vector<FieldError>& errors);

}  // namespace lc::services
