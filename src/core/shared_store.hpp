#pragma once
// State that every process of one deployment must agree on: rate-limit counters and the
// "already used" marks of single-use join links. The embedded default keeps it in this process's
// memory; with LIVE_REDIS_URL it lives in Redis, so limits and replay checks hold across processes.
#include <array>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace lc {

class SharedStore {
public:
    virtual ~SharedStore() = default;
    /// Adds one to the counter `key`, creating it with a lifetime of `ttl_seconds` when it does not
    /// exist (a later increment keeps the first lifetime); returns the new value.
    virtual Result<long long> increment(const std::string& key, int ttl_seconds) = 0;
    /// Creates `key` for `ttl_seconds` unless it exists; true when this call created it (the first use).
    virtual Result<bool> set_once(const std::string& key, int ttl_seconds) = 0;
    /// The counter's current value (0 when absent or expired).
    virtual Result<long long> get(const std::string& key) = 0;
    virtual Status remove(const std::string& key) = 0;
    /// True when a call is a network round trip (callers keep it off event-loop threads).
    virtual bool remote() const = 0;
};

/// The embedded default: sharded hash maps, expiry by the injected clock, expired keys dropped as
/// a shard grows (so a flood of one-off keys, e.g. many client addresses, cannot grow it for ever).
class MemorySharedStore final : public SharedStore {
public:
    explicit MemorySharedStore(const Clock& clock) : clock_(clock) {}
    Result<long long> increment(const std::string& key, int ttl_seconds) override;
    Result<bool> set_once(const std::string& key, int ttl_seconds) override;
    Result<long long> get(const std::string& key) override;
    Status remove(const std::string& key) override;
    bool remote() const override { return false; }
    /// Keys held (expired ones not yet dropped included); for tests.
    std::size_t size() const;

private:
    struct Entry {
        long long value = 0;
        UnixTime expires_at = 0;
    };
    struct Shard {
        mutable std::mutex mu;
        std::unordered_map<std::string, Entry> map;
        std::size_t purge_at = 1024;  // size at which expired entries are swept next
    };
    Shard& shard(const std::string& key);
    /// The live entry for key (an expired one is replaced by a fresh one); called with the lock held.
    Entry& live_entry(Shard& s, const std::string& key, int ttl_seconds, bool& created);
    const Clock& clock_;
    std::array<Shard, 16> shards_;
};

}  // namespace lc
