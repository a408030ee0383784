#pragma once
// Rate limits (seed 9.2): fixed-window counters in the SharedStore (memory, or Redis so that limits
// hold across processes). A limit of 0 turns a rule off. When the store itself fails (Redis down),
// requests are let through and the failure is logged: a limiter outage must not take the school's
// classes down with it.
#include <atomic>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/shared_store.hpp"
#include "infra/log.hpp"

namespace lc::services {

struct RateRule {
    std::string name;  // key prefix and log label: "join_user", "login_ip", ...
    int limit = 0;     // per window; 0 = no limit
    int window_seconds = 60;
    std::string what;  // for the client's message: "join attempts", "failed sign-ins"
};

struct RateLimits {
    RateRule join_per_user{"join_user", 10, 60, "join attempts"};
    RateRule join_per_ip{"join_ip", 100, 60, "join attempts from your network"};
    RateRule login_per_account{"login_account", 10, 900, "sign-in attempts for this account"};
    RateRule login_failures_per_ip{"login_ip", 50, 900, "failed sign-ins from your network"};
};

class RateLimiter {
public:
    /// `subject_key`: HMAC key for the subjects (addresses, e-mails) of keys kept outside this process
    /// (Redis), so no raw address or e-mail is stored there (seed 9.4).
    RateLimiter(SharedStore& store, const Clock& clock, const infra::Logger& log, RateLimits limits,
                std::string subject_key = {})
        : store_(store), clock_(clock), log_(log), limits_(std::move(limits)), subject_key_(std::move(subject_key)) {}

    const RateLimits& limits() const { return limits_; }
    bool remote() const { return store_.remote(); }

    /// Counts one request of `subject` under `rule`; a 429 error (with Retry-After) once the window's
    /// limit is passed.
    Status hit(const RateRule& rule, std::string_view subject);
    /// The same check without counting (for rules that count only failures).
    Status check(const RateRule& rule, std::string_view subject);
    /// Counts one without checking (a failure, after the fact).
    void count(const RateRule& rule, std::string_view subject);
    /// Forgets the current window of `subject` (a successful sign-in clears its account's attempts).
    void reset(const RateRule& rule, std::string_view subject);

private:
    struct Window {
        std::string key;
        int ttl = 0;          // seconds the counter must outlive the window's start
        int retry_after = 0;  // seconds until the window ends
    };
    Window window(const RateRule& rule, std::string_view subject) const;
    Error limited(const RateRule& rule, int retry_after) const;
    void store_failed(const RateRule& rule, const Error& e) const;
    SharedStore& store_;
    const Clock& clock_;
    const infra::Logger& log_;
    RateLimits limits_;
    std::string subject_key_;
    mutable std::atomic<UnixTime> last_warning_{0};  // store failures are logged once per 10 s, not per request
};

}  // namespace lc::services
