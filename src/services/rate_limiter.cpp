#include "services/rate_limiter.hpp"

#include <algorithm>

#include "infra/crypto.hpp"

namespace lc::services {

RateLimiter::Window RateLimiter::window(const RateRule& rule, std::string_view subject) const {
    const UnixTime now = clock_.now();
    const UnixTime index = now / rule.window_seconds;
    const UnixTime end = (index + 1) * rule.window_seconds;
    Window w;
    std::string who = store_.remote() && !subject_key_.empty()
                          ? infra::hmac_sha256_hex(subject_key_, subject).substr(0, 32)
                          : std::string(subject);
    w.key = "rl:" + rule.name + ":" + who + ":" + std::to_string(index);
    w.retry_after = static_cast<int>(std::max<UnixTime>(1, end - now));
    w.ttl = w.retry_after + 1;  // a little past the window's end: never read a neighbour's count
    return w;
}

Error RateLimiter::limited(const RateRule& rule, int retry_after) const {
    Error e{Code::kResourceExhausted,
            "too many " + rule.what + "; try again in " + std::to_string(retry_after) + " seconds",
            {},
            {}};
    e.retry_after_seconds = retry_after;
    return e;
}

void RateLimiter::store_failed(const RateRule& rule, const Error& e) const {
    const UnixTime now = clock_.now();
    UnixTime last = last_warning_.load(std::memory_order_relaxed);
    if (now - last < 10 || !last_warning_.compare_exchange_strong(last, now)) return;
    log_.warn("rate limit store failed; requests let through", {{"rule", rule.name}, {"error", e.internal}});
}

Status RateLimiter::hit(const RateRule& rule, std::string_view subject) {
    if (rule.limit <= 0) return ok_status();
    auto w = window(rule, subject);
    auto n = store_.increment(w.key, w.ttl);
    if (!n) {
        store_failed(rule, n.error());
        return ok_status();
    }
    if (*n > rule.limit) return limited(rule, w.retry_after);
    return ok_status();
}

Status RateLimiter::check(const RateRule& rule, std::string_view subject) {
    if (rule.limit <= 0) return ok_status();
    auto w = window(rule, subject);
    auto n = store_.get(w.key);
    if (!n) {
        store_failed(rule, n.error());
        return ok_status();
    }
    if (*n >= rule.limit) return limited(rule, w.retry_after);
    return ok_status();
}

void RateLimiter::count(const RateRule& rule, std::string_view subject) {
    if (rule.limit <= 0) return;
    auto w = window(rule, subject);
    if (auto n = store_.increment(w.key, w.ttl); !n) store_failed(rule, n.error());
}

void RateLimiter::reset(const RateRule& rule, std::string_view subject) {
    if (rule.limit <= 0) return;
    if (auto st = store_.remove(window(rule, subject).key); !st) store_failed(rule, st.error());
}

}  // namespace lc::services
