#pragma once
// Seed 10.3: is every conferencing service the schools use reachable, with their settings? Each
// distinct endpoint (a Jitsi domain, a BigBlueButton server, a Zoom account) is checked once, all in
// parallel, each within 5 s. Reports hosts and accounts, never secrets or school names.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/context.hpp"

namespace lc::services {

struct ProviderHealth {
    std::string provider;  // jitsi | bbb | zoom
    std::string target;    // what was checked: a host, or a Zoom account id
    bool up = false;
    long long latency_ms = 0;
    std::string error;  // why it is down (client-safe text)
    int schools = 0;    // schools using this endpoint
};

class ProviderHealthService {
public:
    static constexpr int kCacheSeconds = 30;
    explicit ProviderHealthService(ServiceContext& ctx) : ctx_(ctx) {}
    /// The last report when it is under 30 s old; else one fresh round of checks (callers arriving
    /// meanwhile wait for it), so polling the endpoint cannot multiply calls to the providers.
    Result<std::vector<ProviderHealth>> check_all();
    /// The endpoints one school uses (its active configs, else the JITSI_* default), cached 30 s per
    /// school like check_all(); `schools` is left 0 (other schools are none of this one's business). One
    /// school's round at a time: callers meanwhile wait (at most the 5 s of one round).
    Result<std::vector<ProviderHealth>> check_tenant(const std::string& tenant_id);

private:
    struct Group {
        domain::ProviderConfig config;
        std::string target;
        int schools = 0;
    };
    using Groups = std::map<std::string, Group>;
    /// Adds a config to the group of its endpoint (one check per distinct endpoint + credentials).
    void add(Groups& groups, const domain::ProviderConfig& c) const;
    /// Checks every group in parallel, each within 5 s.
    std::vector<ProviderHealth> check_groups(const Groups& groups);
    Result<std::vector<ProviderHealth>> check_now();
    ServiceContext& ctx_;
    std::mutex mu_;
    std::optional<std::vector<ProviderHealth>> last_;
    UnixTime last_at_ = 0;
    std::mutex tenant_mu_;
    std::map<std::string, std::pair<UnixTime, std::vector<ProviderHealth>>> by_tenant_;
};

}  // namespace lc::services
