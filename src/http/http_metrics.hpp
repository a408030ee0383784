#pragma once
// The HTTP request duration histogram, labelled by method, route PATTERN (never the raw path, so ids
// do not explode the series count; "unmatched" for 404/405 and early errors) and status class. Every
// (route, method) pair gets its slots when the API is built; a slot's child is created on its first
// request, so the per-request cost is a hash lookup, an atomic load and a relaxed atomic add.
#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "http/router.hpp"
#include "infra/metrics.hpp"

namespace lc::http {

/// Who may scrape GET /metrics. With LIVE_METRICS_TOKEN set (`token`), whoever sends it as
/// "Authorization: Bearer <token>" (Unauthenticated otherwise). Without it, only a peer on loopback whose
/// request did not come through a proxy (`proxied`: it carries X-Forwarded-For or Forwarded), so that
/// nginx on the same host does not open it to the world (PermissionDenied otherwise).
Status metrics_access(const std::string& token, std::string_view authorization, const std::string& peer_ip,
                      bool proxied);

class HttpMetrics {
public:
    static constexpr const char* kName = "liveclass_http_request_duration_seconds";
    HttpMetrics(infra::metrics::Registry& registry, const Router& router);
    /// One finished request. `route` is RequestContext::route (a pattern or "unmatched").
    void observe(std::string_view method, const std::string& route, unsigned status, double seconds);

private:
    struct Slots {
        std::string method;                                                 // or "OTHER"
        std::array<std::atomic<infra::metrics::Histogram*>, 5> by_class{};  // 1xx .. 5xx
    };
    struct RouteSlots {
        std::string pattern;
        std::vector<std::unique_ptr<Slots>> methods;  // the last one is "OTHER"
    };
    void add(const std::string& pattern, const std::string& method);
    infra::metrics::Family<infra::metrics::Histogram>& family_;
    std::unordered_map<std::string, RouteSlots> routes_;  // filled in the constructor, read-only after
};

}  // namespace lc::http
