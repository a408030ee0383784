#pragma once
// A small thread-safe cache for hot, rarely-changing reads (the join path). An entry is served
// while it is younger than its time-to-live AND no write of this process has happened since it
// was stored (the write generation): writes through this process are seen at once, writes by
// other processes (scale-out) after at most the TTL.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/clock.hpp"

namespace lc {

/// Bumped by every committed write that may change cached reads.
class WriteGeneration {
public:
    std::uint64_t current() const { return g_.load(std::memory_order_acquire); }
    void bump() { g_.fetch_add(1, std::memory_order_acq_rel); }

private:
    std::atomic<std::uint64_t> g_{0};
};

template <class K, class V, class Hash = std::hash<K>>
class TtlCache {
public:
    TtlCache(const Clock& clock, const WriteGeneration& gen, std::int64_t ttl_seconds, std::size_t max_entries)
        : clock_(clock), gen_(gen), ttl_(ttl_seconds), max_(max_entries) {}

    std::optional<V> get(const K& key) {
        std::lock_guard lk(mu_);
        auto it = map_.find(key);
        if (it == map_.end()) return std::nullopt;
        if (it->second.generation != gen_.current() || clock_.now() >= it->second.expires) {
            map_.erase(it);
            return std::nullopt;
        }
        return it->second.value;
    }

    /// `generation` is the value read BEFORE the database read that produced `value`, so a write
    /// that raced with that read leaves the entry stale rather than wrongly fresh.
    void put(const K& key, V value, std::uint64_t generation, std::optional<UnixTime> expires_at = std::nullopt) {
        std::lock_guard lk(mu_);
        // Entries filled in the same burst must not all expire in the same second (a wave of misses
        // that stalls the hot path): spread lifetimes over the upper half of the TTL.
        UnixTime exp =
            clock_.now() + ttl_ - static_cast<std::int64_t>(spread_++ % static_cast<std::uint64_t>(ttl_ / 2 + 1));
        if (expires_at && *expires_at < exp) exp = *expires_at;
        if (map_.size() >= max_) map_.clear();  // crude but bounded: the hot set refills at once
        map_[key] = Entry{std::move(value), exp, generation};
    }

    void clear() {
        std::lock_guard lk(mu_);
        map_.clear();
    }

private:
    struct Entry {
        V value;
        UnixTime expires;
        std::uint64_t generation;
    };
    const Clock& clock_;
    const WriteGeneration& gen_;
    std::int64_t ttl_;
    std::size_t max_;
    std::uint64_t spread_ = 0;
    std::mutex mu_;
    std::unordered_map<K, Entry, Hash> map_;
};

}  // namespace lc
