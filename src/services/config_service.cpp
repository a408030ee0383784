#include "services/config_service.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "domain/policy.hpp"
#include "infra/crypto.hpp"
#include "services/audit.hpp"

namespace lc::services {

using namespace lc::domain;

namespace {
Status tenant_admin(const Principal& p, const std::string& tenant_id) {
    if (tenant_id != p.tenant.id) return Error::not_found("no such school");
    if (!p.is_admin()) return Error::denied("only a school admin can change live-class settings");
    return ok_status();
}

bool valid_host(const std::string& h) {
    if (h.empty() || h.size() > 253) return false;
    return std::all_of(h.begin(), h.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-' || c == ':'; });
}
}  // namespace

void validate_policy(const PolicyOverrides& p, const std::string& prefix, std::vector<FieldError>& errors) {
    auto range = [&](const std::optional<int>& v, const char* f, int max) {
        if (v && (*v < 0 || *v > max)) errors.push_back({prefix + f, "must be between 0 and " + std::to_string(max)});
    };
    range(p.attendance_threshold_percent, "attendance_threshold_percent", 100);
    range(p.recording_retention_days, "recording_retention_days", 36500);
    range(p.minimum_duration_minutes, "minimum_duration_minutes", 1440);
    range(p.late_join_tolerance_minutes, "late_join_tolerance_minutes", 1440);
    range(p.early_leave_tolerance_minutes, "early_leave_tolerance_minutes", 1440);
}

Result<std::vector<ProviderConfig>> ConfigService::get_live_config(const Principal& p, const std::string& tenant_id) {
    if (auto s = tenant_admin(p, tenant_id); !s) return s.take_error();
    return guarded([&]() -> Result<std::vector<ProviderConfig>> {
        store::Conn c(ctx_.db);
        return store::list_provider_configs(c.sql(), tenant_id, ctx_.keys.box);
    });
}

Result<std::vector<ProviderConfig>> ConfigService::put_live_config(const Principal& p, const std::string& tenant_id,
                                                                   const ProviderConfigInput& in,
                                                                   const RequestMeta& meta) {
    if (auto s = tenant_admin(p, tenant_id); !s) return s.take_error();
    return guarded([&]() -> Result<std::vector<ProviderConfig>> {
        store::Tx tx(ctx_.db);
        auto all = store::list_provider_configs(tx.sql(), tenant_id, ctx_.keys.box);
        ProviderConfig cfg;
        cfg.id = infra::new_uuid();
        cfg.tenant_id = tenant_id;
        cfg.provider = in.provider;
        cfg.is_default = all.empty();  // the first config a school saves becomes its default
        for (const auto& c : all)
            if (c.provider == in.provider) cfg = c;
        std::vector<FieldError> errors;
        auto set = [](std::string& field, const std::optional<std::string>& v) {
            if (v) field = *v;
        };
        if (in.is_active) cfg.is_active = *in.is_active;
        if (in.is_default) cfg.is_default = *in.is_default;
        set(cfg.jitsi_domain, in.jitsi_domain);
        set(cfg.jitsi_app_id, in.jitsi_app_id);
        set(cfg.jitsi_jwt_secret, in.jitsi_jwt_secret);
        set(cfg.bbb_server_url, in.bbb_server_url);
        set(cfg.bbb_shared_secret, in.bbb_shared_secret);
        set(cfg.bbb_checksum_algorithm, in.bbb_checksum_algorithm);
        set(cfg.zoom_account_id, in.zoom_account_id);
        set(cfg.zoom_client_id, in.zoom_client_id);
        set(cfg.zoom_client_secret, in.zoom_client_secret);
        set(cfg.zoom_user_id, in.zoom_user_id);
        set(cfg.zoom_webhook_secret, in.zoom_webhook_secret);
        set(cfg.webhook_secret, in.webhook_secret);
        if (in.max_concurrent_rooms) cfg.max_concurrent_rooms = static_cast<int>(*in.max_concurrent_rooms);
        if (in.default_room_duration_minutes)
            cfg.default_room_duration_minutes = static_cast<int>(*in.default_room_duration_minutes);
        if (!cfg.jitsi_domain.empty() && !valid_host(cfg.jitsi_domain))
            errors.push_back({"jitsi_domain", "must be a host name like meet.school.edu (no scheme or path)"});
        if (!cfg.jitsi_jwt_secret.empty() && cfg.jitsi_jwt_secret.size() < 16)
            errors.push_back({"jitsi_jwt_secret", "must be at least 16 characters"});
        if (!cfg.bbb_server_url.empty() && cfg.bbb_server_url.rfind("https://", 0) != 0 &&
            cfg.bbb_server_url.rfind("http://", 0) != 0)
            errors.push_back({"bbb_server_url", "must be an http(s) URL like https://bbb.school.edu/bigbluebutton/"});
        if (cfg.bbb_checksum_algorithm != "sha1" && cfg.bbb_checksum_algorithm != "sha256" &&
            cfg.bbb_checksum_algorithm != "sha512")
            errors.push_back({"bbb_checksum_algorithm", "must be one of sha1, sha256, sha512 (as set in bbb-web)"});
        if (!cfg.webhook_secret.empty() && cfg.webhook_secret.size() < 16)
            errors.push_back({"webhook_secret", "must be at least 16 characters"});
        if (cfg.is_active && cfg.provider == ProviderKind::kBbb &&
            (cfg.bbb_server_url.empty() || cfg.bbb_shared_secret.empty()))
            errors.push_back({"bbb_server_url",
                              "an active BigBlueButton config needs bbb_server_url and "
                              "bbb_shared_secret (from `bbb-conf --secret`)"});
        if (cfg.is_default && !cfg.is_active)
            errors.push_back({"is_default", "an inactive provider cannot be the default"});
        if (cfg.is_active && cfg.provider == ProviderKind::kJitsi &&
            (cfg.jitsi_domain.empty() || cfg.jitsi_app_id.empty() || cfg.jitsi_jwt_secret.empty()) &&
            ctx_.providers.env().domain.empty())
            errors.push_back({"jitsi_domain",
                              "an active Jitsi config needs jitsi_domain, jitsi_app_id and "
                              "jitsi_jwt_secret (or the server's JITSI_* defaults)"});
        if (!errors.empty()) return Error::invalid("the provider settings cannot be saved", errors);
        store::upsert_provider_config(tx.sql(), cfg, ctx_.keys.box, ctx_.clock.now());
        store::insert_audit(
            tx.sql(), audit_row(ctx_, p, "live_config.update", "live_provider_config", to_string(cfg.provider), meta));
        tx.commit();
        return store::list_provider_configs(tx.sql(), tenant_id, ctx_.keys.box);
    });
}

Result<ConfigService::PolicyView> ConfigService::get_tenant_policy(const Principal& p, const std::string& tenant_id) {
    if (tenant_id != p.tenant.id) return Error::not_found("no such school");
    return guarded([&]() -> Result<PolicyView> {
        store::Conn c(ctx_.db);
        PolicyView v;
        v.overrides = store::find_tenant_policy(c.sql(), tenant_id).value_or(PolicyOverrides{});
        v.effective = resolve_policy(&v.overrides, nullptr, nullptr);
        return v;
    });
}

Result<ConfigService::PolicyView> ConfigService::put_tenant_policy(const Principal& p, const std::string& tenant_id,
                                                                   const PolicyOverrides& in, const RequestMeta& meta) {
    if (auto s = tenant_admin(p, tenant_id); !s) return s.take_error();
    std::vector<FieldError> errors;
    validate_policy(in, "", errors);
    if (!errors.empty()) return Error::invalid("the policy cannot be saved", errors);
    return guarded([&]() -> Result<PolicyView> {
        store::Tx tx(ctx_.db);
        store::upsert_policy(tx.sql(), infra::new_uuid(), tenant_id, "", "", in);
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "policy.update", "tenant", tenant_id, meta));
        tx.commit();
        return PolicyView{in, resolve_policy(&in, nullptr, nullptr)};
    });
}

Result<ConfigService::PolicyView> ConfigService::get_course_policy(const Principal& p, const std::string& course_id) {
    return guarded([&]() -> Result<PolicyView> {
        store::Conn c(ctx_.db);
        auto course = store::find_course(c.sql(), p.tenant.id, course_id);
        bool teaches = course && std::find(course->instructor_ids.begin(), course->instructor_ids.end(), p.user.id) !=
                                     course->instructor_ids.end();
        if (!course || (!p.is_admin() && !teaches && !store::is_enrolled(c.sql(), course_id, p.user.id)))
            return Error::not_found("no such course in this school");
        auto t = store::find_tenant_policy(c.sql(), p.tenant.id);
        PolicyView v;
        v.overrides = store::find_course_policy(c.sql(), course_id).value_or(PolicyOverrides{});
        v.effective = resolve_policy(t ? &*t : nullptr, &v.overrides, nullptr);
        return v;
    });
}

Result<ConfigService::PolicyView> ConfigService::put_course_policy(const Principal& p, const std::string& course_id,
                                                                   const PolicyOverrides& in, const RequestMeta& meta) {
    return guarded([&]() -> Result<PolicyView> {
        store::Tx tx(ctx_.db);
        auto course = store::find_course(tx.sql(), p.tenant.id, course_id);
        bool teaches = course && std::find(course->instructor_ids.begin(), course->instructor_ids.end(), p.user.id) !=
                                     course->instructor_ids.end();
        // Same visibility as GET: a course the caller cannot see does not exist for them.
        if (!course || (!p.is_admin() && !teaches && !store::is_enrolled(tx.sql(), course_id, p.user.id)))
            return Error::not_found("no such course in this school");
        if (!p.is_admin() && !teaches)
            return Error::denied("only the course's instructors and school admins can change its policy");
        std::vector<FieldError> errors;
        validate_policy(in, "", errors);
        if (!errors.empty()) return Error::invalid("the policy cannot be saved", errors);
        store::upsert_policy(tx.sql(), infra::new_uuid(), p.tenant.id, course_id, "", in);
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "policy.update", "course", course_id, meta));
        auto t = store::find_tenant_policy(tx.sql(), p.tenant.id);
        tx.commit();
        return PolicyView{in, resolve_policy(t ? &*t : nullptr, &in, nullptr)};
    });
}

Result<ConfigService::PageEmbedding> ConfigService::page_embedding(const std::string& host) {
    return guarded([&]() -> Result<PageEmbedding> {
        PageEmbedding out;
        const auto& env = ctx_.providers.env();
        auto jitsi = [&](const std::string& domain) {
            out.script_urls.push_back("https://" + domain + "/");
            out.frame_urls.push_back("https://" + domain + "/");
        };
        if (!env.domain.empty()) jitsi(env.domain);
        std::string h = ascii_lower(host.substr(0, host.find(':')));
        if (h.empty()) return out;
        store::Conn c(ctx_.db);
        auto tenant = store::find_tenant_by_domain(c.sql(), h, ctx_.keys.box);
        if (!tenant) return out;
        out.school_domains = tenant->domains;
        for (const auto& cfg : store::list_provider_configs(c.sql(), tenant->id, ctx_.keys.box)) {
            if (cfg.provider == ProviderKind::kJitsi && !cfg.jitsi_domain.empty())
                jitsi(cfg.jitsi_domain);
            else if (cfg.provider == ProviderKind::kBbb && !cfg.bbb_server_url.empty())
                out.frame_urls.push_back(cfg.bbb_server_url);  // framed only: no script of BigBlueButton's runs here
            // Zoom refuses to be framed: its rooms open in their own tab.
        }
        return out;
    });
}

}  // namespace lc::services
