#include "core/shared_store.hpp"

#include <algorithm>
#include <functional>

namespace lc {

MemorySharedStore::Shard& MemorySharedStore::shard(const std::string& key) {
    return shards_[std::hash<std::string>{}(key) % shards_.size()];
}

MemorySharedStore::Entry& MemorySharedStore::live_entry(Shard& s, const std::string& key, int ttl_seconds,
                                                        bool& created) {
    const UnixTime now = clock_.now();
    if (s.map.size() >= s.purge_at) {
        std::erase_if(s.map, [now](const auto& kv) { return kv.second.expires_at <= now; });
        // Sweep again only after the live keys have doubled: amortised O(1) per call.
        s.purge_at = std::max<std::size_t>(1024, s.map.size() * 2);
    }
    auto [it, inserted] = s.map.try_emplace(key);
    created = inserted || it->second.expires_at <= now;
    if (created) it->second = Entry{0, now + ttl_seconds};
    return it->second;
}

Result<long long> MemorySharedStore::increment(const std::string& key, int ttl_seconds) {
    auto& s = shard(key);
    std::lock_guard lk(s.mu);
    bool created = false;
    return ++live_entry(s, key, ttl_seconds, created).value;
}

Result<bool> MemorySharedStore::set_once(const std::string& key, int ttl_seconds) {
    auto& s = shard(key);
    std::lock_guard lk(s.mu);
    bool created = false;
    live_entry(s, key, ttl_seconds, created).value = 1;
    return created;
}

Result<long long> MemorySharedStore::get(const std::string& key) {
    auto& s = shard(key);
    std::lock_guard lk(s.mu);
    auto it = s.map.find(key);
    return it == s.map.end() || it->second.expires_at <= clock_.now() ? 0 : it->second.value;
}

Status MemorySharedStore::remove(const std::string& key) {
    auto& s = shard(key);
    std::lock_guard lk(s.mu);
    s.map.erase(key);
    return ok_status();
}

std::size_t MemorySharedStore::size() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lk(s.mu);
        n += s.map.size();
    }
    return n;
}

}  // namespace lc
