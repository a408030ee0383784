#include "infra/redis_store.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <boost/url/parse.hpp>
#include <charconv>
#include <chrono>

namespace lc::infra {

Result<RedisAddress> parse_redis_url(const std::string& url) {
    auto bad = [](std::string why) {
        return Error::invalid("invalid configuration", {{"LIVE_REDIS_URL", std::move(why)}});
    };
    auto u = boost::urls::parse_uri(url);
    if (!u || u->scheme() != "redis" || !u->has_authority() || u->host().empty())
        return bad("must look like redis://[:password@]host[:port][/db]");
    RedisAddress a;
    a.host = u->host();
    if (u->has_port()) {
        auto p = u->port();
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), a.port);
        if (ec != std::errc() || end != p.data() + p.size() || a.port < 1 || a.port > 65535)
            return bad("has an invalid port");
    }
    if (u->has_userinfo()) {
        a.username = u->user();
        a.password = u->password();
    }
    std::string path = u->path();
    if (!path.empty() && path != "/") {
        std::string_view db(path);
        db.remove_prefix(1);
        auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), a.database);
        if (ec != std::errc() || end != db.data() + db.size() || a.database < 0 || a.database > 1000)
            return bad("has an invalid database number after the '/'");
    }
    return a;
}

struct RedisSharedStore::Conn {
    redisContext* ctx = nullptr;
    ~Conn() {
        if (ctx) redisFree(ctx);
    }
};

RedisSharedStore::RedisSharedStore(RedisAddress addr, std::string prefix, int timeout_ms, int pause_ms)
    : addr_(std::move(addr)), prefix_(std::move(prefix)), timeout_ms_(timeout_ms), pause_ms_(pause_ms) {}

RedisSharedStore::~RedisSharedStore() = default;

namespace {

timeval to_timeval(int ms) { return timeval{ms / 1000, static_cast<suseconds_t>((ms % 1000) * 1000)}; }

/// One command as hiredis wants it (argv/argvlen: binary-safe, no format-string parsing).
int append(redisContext* ctx, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    return redisAppendCommandArgv(ctx, static_cast<int>(args.size()), argv.data(), lens.data());
}

}  // namespace

Result<std::unique_ptr<RedisSharedStore::Conn>> RedisSharedStore::open() {
    auto c = std::make_unique<Conn>();
    c->ctx = redisConnectWithTimeout(addr_.host.c_str(), addr_.port, to_timeval(timeout_ms_));
    if (!c->ctx || c->ctx->err)
        return Error::unavailable("the shared cache (Redis) is unreachable; try again shortly",
                                  c->ctx ? c->ctx->errstr : "redisConnect failed");
    redisSetTimeout(c->ctx, to_timeval(timeout_ms_));
    std::vector<std::vector<std::string>> setup;
    if (!addr_.password.empty()) {
        if (addr_.username.empty())
            setup.push_back({"AUTH", addr_.password});
        else
            setup.push_back({"AUTH", addr_.username, addr_.password});
    }
    if (addr_.database != 0) setup.push_back({"SELECT", std::to_string(addr_.database)});
    for (const auto& cmd : setup) {
        auto* r = static_cast<redisReply*>(nullptr);
        if (append(c->ctx, cmd) != REDIS_OK || redisGetReply(c->ctx, reinterpret_cast<void**>(&r)) != REDIS_OK || !r)
            return Error::unavailable("the shared cache (Redis) is unreachable; try again shortly", c->ctx->errstr);
        bool failed = r->type == REDIS_REPLY_ERROR;
        std::string why = failed ? std::string(r->str, r->len) : "";
        freeReplyObject(r);
        if (failed) return Error::unavailable("the shared cache (Redis) refused the connection", cmd[0] + ": " + why);
    }
    return c;
}

Result<std::vector<RedisSharedStore::Reply>> RedisSharedStore::run(
    const std::vector<std::vector<std::string>>& commands) {
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    if (now_ms < paused_until_ms_.load(std::memory_order_relaxed))
        return Error::unavailable("the shared cache (Redis) is unreachable; try again shortly",
                                  "Redis failed moments ago; calls paused");
    auto unreachable = [&](const char* why) {
        paused_until_ms_.store(now_ms + pause_ms_, std::memory_order_relaxed);
        return Error::unavailable("the shared cache (Redis) is unreachable; try again shortly", why);
    };
    std::unique_ptr<Conn> conn;
    {
        std::lock_guard lk(mu_);
        if (!idle_.empty()) {
            conn = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!conn) {
        auto opened = open();
        if (!opened) return unreachable(opened.error().internal.c_str());
        conn = std::move(opened.value());
    }
    std::vector<Reply> replies;
    for (const auto& cmd : commands)
        if (append(conn->ctx, cmd) != REDIS_OK) return unreachable(conn->ctx->errstr);
    std::string error_reply;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        redisReply* r = nullptr;
        if (redisGetReply(conn->ctx, reinterpret_cast<void**>(&r)) != REDIS_OK || !r)
            // The connection is in an unknown state: drop it (not returned to the pool).
            return unreachable(conn->ctx->errstr);
        Reply out;
        out.type = r->type;
        if (r->type == REDIS_REPLY_INTEGER) out.integer = r->integer;
        if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR)
            out.str.assign(r->str, r->len);
        if (r->type == REDIS_REPLY_ERROR && error_reply.empty()) error_reply = commands[i][0] + ": " + out.str;
        freeReplyObject(r);
        replies.push_back(std::move(out));
    }
    {
        std::lock_guard lk(mu_);
        idle_.push_back(std::move(conn));  // every reply was read: the connection is clean
    }
    if (!error_reply.empty()) return Error::unavailable("the shared cache (Redis) failed; try again", error_reply);
    return replies;
}

Status RedisSharedStore::ping() {
    auto r = run({{"PING"}});
    if (!r) return r.take_error();
    return ok_status();
}

Result<long long> RedisSharedStore::increment(const std::string& key, int ttl_seconds) {
    // SET NX EX creates the counter with its lifetime only when it is new; INCR keeps that lifetime.
    // Both go out in one round trip and work on every Redis since 2.6.12.
    const std::string k = prefix_ + key;
    auto r = run({{"SET", k, "0", "EX", std::to_string(ttl_seconds), "NX"}, {"INCR", k}});
    if (!r) return r.take_error();
    if (r->at(1).type != REDIS_REPLY_INTEGER)
        return Error::unavailable("the shared cache (Redis) failed; try again", "INCR: unexpected reply");
    return r->at(1).integer;
}

Result<bool> RedisSharedStore::set_once(const std::string& key, int ttl_seconds) {
    auto r = run({{"SET", prefix_ + key, "1", "EX", std::to_string(ttl_seconds), "NX"}});
    if (!r) return r.take_error();
    // "OK" when set; a nil reply when the key already existed.
    return r->at(0).type == REDIS_REPLY_STATUS;
}

Result<long long> RedisSharedStore::get(const std::string& key) {
    auto r = run({{"GET", prefix_ + key}});
    if (!r) return r.take_error();
    const auto& v = r->at(0);
    if (v.type != REDIS_REPLY_STRING) return 0;  // nil: no such counter
    long long n = 0;
    auto [end, ec] = std::from_chars(v.str.data(), v.str.data() + v.str.size(), n);
    if (ec != std::errc() || end != v.str.data() + v.str.size())
        return Error::unavailable("the shared cache (Redis) failed; try again", "GET: not a counter");
    return n;
}

Status RedisSharedStore::remove(const std::string& key) {
    auto r = run({{"DEL", prefix_ + key}});
    if (!r) return r.take_error();
    return ok_status();
}

}  // namespace lc::infra
