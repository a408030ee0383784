#pragma once
// A Web Push service on loopback for tests: runs tests/support/push_endpoint.py, which holds a
// browser's subscription keys, checks VAPID and decrypts what it is sent with its own implementation
// (Python `cryptography`), and logs one JSON line per request. Header-only so the integration tests
// can include it too. Needs LIVECLASS_SOURCE_DIR (both test targets define it) and /usr/bin/python3
// with python3-cryptography.
//
//   lc::testing::PushEndpoint push;
//   sender.send(push.subscription("alice"), message);
//   auto got = push.wait_for(1);  // got[0].payload, got[0].vapid_ok, ...
//
// Names with a meaning: "gone" answers 410, "missing" 404, "busy" 503, "slow" 429 (Retry-After: 7).
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/spawned_server.hpp"
#include "infra/webpush.hpp"

#ifndef LIVECLASS_SOURCE_DIR
#error "push_endpoint.hpp needs LIVECLASS_SOURCE_DIR to find tests/support/push_endpoint.py"
#endif

namespace lc::testing {

class PushEndpoint {
public:
    /// One request as the endpoint saw it (a line of its log).
    struct Received {
        std::string name;                    ///< the <name> of POST /push/<name>
        std::optional<long long> ttl;        ///< the TTL header; nullopt if absent or not a number
        std::string urgency;                 ///< "" when the header was absent
        std::string topic;                   ///< "" when the header was absent
        bool vapid_ok = false;               ///< RFC 8292 checks all passed
        std::string vapid_sub;               ///< the JWT's sub, when it could be read
        std::optional<std::string> payload;  ///< the decrypted text; nullopt if it did not decrypt
        std::string error;                   ///< what was wrong ("" when nothing was)
        boost::json::object raw;             ///< the whole line
    };

    /// Starts the endpoint and waits (at most `startup`) for it to say where it listens.
    /// Throws std::runtime_error when it cannot start, which fails the test that made it.
    explicit PushEndpoint(std::chrono::milliseconds startup = std::chrono::seconds(20))
        : server_("the push endpoint", "push_endpoint_"), log_path_(server_.dir() / "push.log") {
        const boost::json::object hello = server_.start_json(
            {std::string(LIVECLASS_SOURCE_DIR) + "/tests/support/push_endpoint.py", log_path_.string()}, startup);
        port_ = static_cast<unsigned short>(hello.at("port").to_number<int>());
        p256dh_ = std::string(hello.at("p256dh").as_string());
        auth_ = std::string(hello.at("auth").as_string());
        endpoint_base_ = std::string(hello.at("endpoint_base").as_string());
    }

    PushEndpoint(const PushEndpoint&) = delete;
    PushEndpoint& operator=(const PushEndpoint&) = delete;

    unsigned short port() const { return port_; }
    /// "http://127.0.0.1:PORT": also the origin a VAPID token for it must name as aud.
    const std::string& endpoint_base() const { return endpoint_base_; }
    /// A subscription as a browser would hand it over: endpoint_base + "/push/" + name, and the
    /// endpoint's keys (the same for every name).
    infra::PushSubscription subscription(const std::string& name) const {
        return {endpoint_base_ + "/push/" + name, p256dh_, auth_};
    }

    /// What has been received so far, in order. The endpoint logs a request before answering it, so
    /// what a finished send() caused is already here.
    std::vector<Received> received() const {
        std::vector<Received> out;
        std::ifstream in(log_path_, std::ios::binary);
        if (!in) return out;
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string text = ss.str();
        std::size_t start = 0;
        for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
            out.push_back(parse_line(text.substr(start, nl - start)));
            start = nl + 1;  // a line without its '\n' is still being written: left for the next look
        }
        return out;
    }

    /// Polls the log until it holds at least n requests or `timeout` passes; returns what it holds then
    /// (check the size).
    std::vector<Received> wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto got = received();
            if (got.size() >= n || std::chrono::steady_clock::now() >= deadline) return got;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

private:
    static Received parse_line(const std::string& line) {
        Received r;
        r.raw = boost::json::parse(line).as_object();
        auto text = [&](const char* key) {
            const boost::json::value* v = r.raw.if_contains(key);
            return v && v->is_string() ? std::string(v->as_string()) : std::string();
        };
        r.name = text("name");
        r.urgency = text("urgency");
        r.topic = text("topic");
        r.vapid_sub = text("vapid_sub");
        r.error = text("error");
        if (const auto* v = r.raw.if_contains("ttl"); v && v->is_int64()) r.ttl = v->as_int64();
        if (const auto* v = r.raw.if_contains("vapid_ok"); v && v->is_bool()) r.vapid_ok = v->as_bool();
        if (const auto* v = r.raw.if_contains("payload"); v && v->is_string()) r.payload = std::string(v->as_string());
        return r;
    }

    SpawnedServer server_;  // first: constructed before, destroyed (child stopped, dir removed) after the rest
    std::filesystem::path log_path_;
    unsigned short port_ = 0;
    std::string endpoint_base_, p256dh_, auth_;
};

}  // namespace lc::testing
