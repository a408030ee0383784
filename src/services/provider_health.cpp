#include "services/provider_health.hpp"

#include <chrono>
#include <future>
#include <map>

#include "infra/crypto.hpp"

namespace lc::services {

using namespace lc::domain;

Result<std::vector<ProviderHealth>> ProviderHealthService::check_all() {
    std::lock_guard lk(mu_);
    UnixTime now = ctx_.clock.now();
    if (last_ && now - last_at_ < kCacheSeconds && now >= last_at_) return *last_;
    auto fresh = check_now();
    if (fresh) {
        last_ = *fresh;
        last_at_ = now;
    }
    return fresh;
}

void ProviderHealthService::add(Groups& groups, const ProviderConfig& c) const {
    std::string key, target;
    switch (c.provider) {
        case ProviderKind::kJitsi:
            target = c.jitsi_domain.empty() ? ctx_.providers.env().domain : c.jitsi_domain;
            key = "jitsi|" + target;
            break;
        case ProviderKind::kBbb:
            target = infra::url_origin(c.bbb_server_url);
            key = "bbb|" + c.bbb_server_url + "|" + infra::sha256_hex(c.bbb_shared_secret);
            break;
        case ProviderKind::kZoom:
            target = "zoom account " + c.zoom_account_id;
            key = "zoom|" + c.zoom_account_id + "|" + c.zoom_client_id + "|" + infra::sha256_hex(c.zoom_client_secret);
            break;
    }
    if (target.empty()) return;
    auto [it, fresh] = groups.try_emplace(key, Group{c, target, 0});
    ++it->second.schools;
}

std::vector<ProviderHealth> ProviderHealthService::check_groups(const Groups& groups) {
    std::vector<std::future<ProviderHealth>> checks;
    for (const auto& [key, g] : groups) {
        // "g = g": clang 14 (the fuzz build) cannot capture a structured binding by name.
        checks.push_back(std::async(std::launch::async, [this, g = g] {
            ProviderHealth h;
            h.provider = to_string(g.config.provider);
            h.target = g.target;
            h.schools = g.schools;
            auto t0 = std::chrono::steady_clock::now();
            auto provider = ctx_.providers.for_config(g.config);
            Result<std::string> r = provider ? (*provider)->health_check() : Result<std::string>(provider.take_error());
            h.latency_ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
            h.up = r.ok();
            if (!r) h.error = r.error().message;
            return h;
        }));
    }
    std::vector<ProviderHealth> out;
    for (auto& f : checks) out.push_back(f.get());
    return out;
}

Result<std::vector<ProviderHealth>> ProviderHealthService::check_now() {
    Groups groups;
    auto listed = guarded([&]() -> Status {
        store::Conn c(ctx_.db);
        for (auto kind : {ProviderKind::kJitsi, ProviderKind::kBbb, ProviderKind::kZoom})
            for (const auto& cfg : store::list_provider_configs_of_kind(c.sql(), kind, ctx_.keys.box)) add(groups, cfg);
        return ok_status();
    });
    if (!listed) return listed.take_error();
    if (!ctx_.providers.env().domain.empty()) {
        ProviderConfig env;  // the JITSI_* default that schools without a config of their own use
        env.provider = ProviderKind::kJitsi;
        add(groups, env);
    }
    return check_groups(groups);
}

Result<std::vector<ProviderHealth>> ProviderHealthService::check_tenant(const std::string& tenant_id) {
    UnixTime now = ctx_.clock.now();
    {
        // The lock guards the cache only: one school's slow provider must not hold up another's view.
        std::lock_guard lk(tenant_mu_);
        if (auto it = by_tenant_.find(tenant_id);
            it != by_tenant_.end() && now - it->second.first < kCacheSeconds && now >= it->second.first)
            return it->second.second;
    }
    Groups groups;
    auto listed = guarded([&]() -> Status {
        store::Conn c(ctx_.db);
        for (const auto& cfg : store::list_provider_configs(c.sql(), tenant_id, ctx_.keys.box))
            if (cfg.is_active) add(groups, cfg);
        return ok_status();
    });
    if (!listed) return listed.take_error();
    if (groups.empty() && !ctx_.providers.env().domain.empty()) {
        ProviderConfig env;  // a school without a config of its own uses the JITSI_* default
        env.provider = ProviderKind::kJitsi;
        add(groups, env);
    }
    auto out = check_groups(groups);
    for (auto& h : out) h.schools = 0;
    std::lock_guard lk(tenant_mu_);
    // Drop entries that expired (schools whose admins stopped looking) before adding this one.
    std::erase_if(by_tenant_, [&](const auto& kv) { return now - kv.second.first >= kCacheSeconds; });
    by_tenant_[tenant_id] = {now, out};
    return out;
}

}  // namespace lc::services
