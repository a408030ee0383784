#pragma once
// SharedStore in Redis (hiredis): rate-limit counters and single-use marks that hold across every
// process of a deployment (LIVE_REDIS_URL). Each call is one round trip on a pooled connection with
// a short timeout; a broken connection is dropped and reopened on the next call.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/shared_store.hpp"

struct redisContext;

namespace lc::infra {

struct RedisAddress {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string username, password;
    int database = 0;
};
/// redis://[[user]:password@]host[:port][/db]; anything else (rediss://, unix sockets) is an error.
Result<RedisAddress> parse_redis_url(const std::string& url);

class RedisSharedStore final : public SharedStore {
public:
    /// Keys are stored under `prefix` ("liveclass:" by default) so one Redis can serve other apps too.
    /// After a failure to reach Redis, calls fail at once for `pause_ms` instead of each waiting for
    /// the timeout: an outage must not add its timeout to every request.
    explicit RedisSharedStore(RedisAddress addr, std::string prefix = "liveclass:", int timeout_ms = 250,
                              int pause_ms = 2000);
    ~RedisSharedStore() override;
    /// Connects once and sends PING: a wrong address or password is reported at start-up, not at
    /// the first login.
    Status ping();
    Result<long long> increment(const std::string& key, int ttl_seconds) override;
    Result<bool> set_once(const std::string& key, int ttl_seconds) override;
    Result<long long> get(const std::string& key) override;
    Status remove(const std::string& key) override;
    bool remote() const override { return true; }

private:
    struct Conn;
    struct Reply {
        int type = 0;
        long long integer = 0;
        std::string str;
    };
    /// Sends the commands in one round trip on a pooled connection and returns their replies in
    /// order; a connection or protocol failure (or a Redis error reply) becomes Unavailable.
    Result<std::vector<Reply>> run(const std::vector<std::vector<std::string>>& commands);
    Result<std::unique_ptr<Conn>> open();
    RedisAddress addr_;
    std::string prefix_;
    int timeout_ms_;
    int pause_ms_;
    std::atomic<std::int64_t> paused_until_ms_{0};  // steady clock
    std::mutex mu_;
    std::vector<std::unique_ptr<Conn>> idle_;
};

}  // namespace lc::infra
