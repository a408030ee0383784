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
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

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
    explicit PushEndpoint(std::chrono::milliseconds startup = std::chrono::seconds(20)) {
        dir_ = make_temp_dir();
        log_path_ = dir_ / "push.log";
        try {
            spawn();
            read_hello(startup);
        } catch (...) {
            stop();
            throw;
        }
    }

    ~PushEndpoint() { stop(); }
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
    static std::filesystem::path make_temp_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "push_endpoint_XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::system_error(errno, std::generic_category(), "mkdtemp for the push endpoint");
        return pattern;
    }

    void spawn() {
        int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
        // Close-on-exec everywhere; dup2 onto 0 and 1 clears it for the child's own copies only.
        if (::pipe2(in_pipe, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
        if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
            ::close(in_pipe[0]);
            ::close(in_pipe[1]);
            throw std::system_error(errno, std::generic_category(), "pipe2");
        }
        stdin_fd_ = in_pipe[1];
        stdout_fd_ = out_pipe[0];

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
        const std::string python = "/usr/bin/python3";
        const std::string script = std::string(LIVECLASS_SOURCE_DIR) + "/tests/support/push_endpoint.py";
        const std::string log = log_path_.string();
        std::vector<char*> argv = {const_cast<char*>(python.c_str()), const_cast<char*>(script.c_str()),
                                   const_cast<char*>(log.c_str()), nullptr};
        pid_t pid = -1;
        const int rc = ::posix_spawn(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(in_pipe[0]);
        ::close(out_pipe[1]);
        if (rc != 0) throw std::system_error(rc, std::generic_category(), "posix_spawn " + python);
        pid_ = pid;
    }

    /// The one JSON line the endpoint prints once it listens.
    void read_hello(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string line;
        while (line.find('\n') == std::string::npos) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) throw std::runtime_error("push endpoint did not start within the timeout");
            pollfd p{stdout_fd_, POLLIN, 0};
            const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
            if (ready < 0 && errno == EINTR) continue;
            if (ready <= 0) continue;
            char buf[512];
            const ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw std::runtime_error("push endpoint exited before it listened (see its stderr)");
            line.append(buf, static_cast<std::size_t>(n));
        }
        const boost::json::object hello = boost::json::parse(line.substr(0, line.find('\n'))).as_object();
        port_ = static_cast<unsigned short>(hello.at("port").to_number<int>());
        p256dh_ = std::string(hello.at("p256dh").as_string());
        auth_ = std::string(hello.at("auth").as_string());
        endpoint_base_ = std::string(hello.at("endpoint_base").as_string());
    }

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

    void stop() {
        if (stdin_fd_ >= 0) ::close(stdin_fd_);  // the endpoint exits at end of stdin ...
        stdin_fd_ = -1;
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);  // ... and at once on SIGTERM
            int status = 0;
            while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
            }
            pid_ = -1;
        }
        if (stdout_fd_ >= 0) ::close(stdout_fd_);
        stdout_fd_ = -1;
        std::error_code ec;
        if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    }

    std::filesystem::path dir_, log_path_;
    pid_t pid_ = -1;
    int stdin_fd_ = -1, stdout_fd_ = -1;
    unsigned short port_ = 0;
    std::string endpoint_base_, p256dh_, auth_;
};

}  // namespace lc::testing
