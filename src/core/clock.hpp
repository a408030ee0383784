#pragma once
// Time is injected: services and jobs ask a Clock, tests advance a ManualClock.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace lc {

/// Seconds since the Unix epoch, UTC. The whole system keeps time at this resolution.
using UnixTime = std::int64_t;

class Clock {
public:
    virtual ~Clock() = default;
    virtual UnixTime now() const = 0;
};

class SystemClock final : public Clock {
public:
    UnixTime now() const override {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

/// A clock that moves only when told to (tests).
class ManualClock final : public Clock {
public:
    explicit ManualClock(UnixTime start) : t_(start) {}
    UnixTime now() const override { return t_.load(); }
    void set(UnixTime t) { t_.store(t); }
    void advance(std::int64_t seconds) { t_.fetch_add(seconds); }

private:
    std::atomic<UnixTime> t_;
};

}  // namespace lc
