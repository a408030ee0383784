#include "http/http_metrics.hpp"

#include <algorithm>

#include "infra/crypto.hpp"

namespace lc::http {

Status metrics_access(const std::string& token, std::string_view authorization, const std::string& peer_ip,
                      bool proxied) {
    if (!token.empty()) {
        std::string_view given;
        if (authorization.size() > 7 &&
            (authorization.substr(0, 7) == "Bearer " || authorization.substr(0, 7) == "bearer "))
            given = authorization.substr(7);
        if (given.empty() || !infra::secure_equals(given, token))
            return Error::unauthenticated("send the metrics token (LIVE_METRICS_TOKEN) as Authorization: Bearer");
        return ok_status();
    }
    bool loopback = peer_ip.rfind("127.", 0) == 0 || peer_ip == "::1" || peer_ip.rfind("::ffff:127.", 0) == 0;
    if (!loopback || proxied)
        return Error::denied(
            "metrics are served to this host only; set LIVE_METRICS_TOKEN to let a Prometheus elsewhere scrape them");
    return ok_status();
}

HttpMetrics::HttpMetrics(infra::metrics::Registry& registry, const Router& router)
    : family_(registry.histogram(kName, "Time from a request's arrival to its answer, by route pattern.",
                                 infra::metrics::latency_buckets(), {"method", "route", "status"})) {
    for (const auto& r : router.routes()) {
        add(r.pattern, r.method);
        if (r.method == "GET") add(r.pattern, "HEAD");  // the router answers HEAD with the GET route
    }
    for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) add("unmatched", m);
    for (auto& [pattern, rs] : routes_) {
        auto other = std::make_unique<Slots>();
        other->method = "OTHER";
        rs.methods.push_back(std::move(other));
    }
}

void HttpMetrics::add(const std::string& pattern, const std::string& method) {
    auto& rs = routes_[pattern];
    rs.pattern = pattern;
    for (const auto& s : rs.methods)
        if (s->method == method) return;
    auto s = std::make_unique<Slots>();
    s->method = method;
    rs.methods.push_back(std::move(s));
}

void HttpMetrics::observe(std::string_view method, const std::string& route, unsigned status, double seconds) {
    auto it = routes_.find(route);
    if (it == routes_.end()) it = routes_.find("unmatched");
    if (it == routes_.end()) return;
    const auto& methods = it->second.methods;
    Slots* slots = methods.back().get();  // OTHER: a method nobody registered is not a label value of its own
    for (const auto& s : methods)
        if (s->method == method) {
            slots = s.get();
            break;
        }
    std::size_t cls = std::clamp<unsigned>(status / 100, 1, 5) - 1;
    auto& slot = slots->by_class[cls];
    infra::metrics::Histogram* h = slot.load(std::memory_order_acquire);
    if (!h) {
        static constexpr const char* kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
        h = &family_.with({slots->method, it->second.pattern, kClasses[cls]});
        slot.store(h, std::memory_order_release);
    }
    h->observe(seconds);
}

}  // namespace lc::http
