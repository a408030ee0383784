#pragma once
// A helper server for tests, run as a child process: `/usr/bin/python3 <script> <args...>` with its stdin
// and stdout on pipes. The script prints ONE line on stdout once it listens (a JSON "hello" saying where)
// and exits when its stdin reaches end of file, so it never outlives the test process that started it.
// Header-only (POSIX, Boost.JSON and the standard library), for the launchers in tests/infra/
// (PushEndpoint, SmtpSink, FakeS3), which infra and integration tests both include.
//
//     lc::testing::SpawnedServer server("fake S3", "fake_s3_");  // makes a private temp directory
//     boost::json::object hello = server.start_json({script, (server.dir() / "data").string()}, timeout);
//     ...                                                         // the destructor stops it, removes the dir
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
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

extern char** environ;

namespace lc::testing {

/// A fresh private directory (mkdtemp) under the temporary directory ($TMPDIR, else /tmp), named
/// `prefix` + six random characters.
inline std::filesystem::path make_temp_dir(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    return pattern;
}

class SpawnedServer {
public:
    /// Makes the temporary directory the server may use (dir()); nothing runs until start(). `name` is what
    /// error messages call the server ("the SMTP sink").
    SpawnedServer(std::string name, const std::string& temp_prefix)
        : name_(std::move(name)), dir_(make_temp_dir(temp_prefix)) {}
    ~SpawnedServer() { stop(); }
    SpawnedServer(const SpawnedServer&) = delete;
    SpawnedServer& operator=(const SpawnedServer&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    pid_t pid() const { return pid_; }

    /// Runs `/usr/bin/python3 args...` (args: the script and its arguments, or interpreter flags such as
    /// "-I" first) and returns the first line it prints on stdout, without the '\n'. Throws
    /// std::runtime_error when it cannot start, exits first, or prints no line within `startup`; the child
    /// is stopped then (the directory stays until stop() or the destructor).
    std::string start(const std::vector<std::string>& args, std::chrono::milliseconds startup) {
        if (pid_ > 0) throw std::logic_error(name_ + " is already running");
        try {
            spawn(args);
            return read_line(startup);
        } catch (...) {
            end_child();
            throw;
        }
    }

    /// start(), with the line parsed as the JSON object the script says hello with.
    boost::json::object start_json(const std::vector<std::string>& args, std::chrono::milliseconds startup) {
        const std::string line = start(args, startup);
        boost::system::error_code ec;
        boost::json::value hello = boost::json::parse(line, ec);
        if (ec || !hello.is_object()) {
            end_child();
            throw std::runtime_error(name_ + " said hello with something else than a JSON object: " + line);
        }
        return std::move(hello.as_object());
    }

    /// Ends the child (its stdin closed, SIGTERM, waited for) and removes the directory. Idempotent.
    void stop() {
        end_child();
        std::error_code ignored;
        if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
    }

private:
    void spawn(const std::vector<std::string>& args) {
        int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
        // Close-on-exec everywhere, so a child started later (by any thread) does not inherit our ends: the
        // server must see end of file on its stdin when this object, or the test process, goes away. dup2
        // onto 0 and 1 clears the flag for this child's own copies only.
        if (::pipe2(in_pipe, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
        if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
            const int saved = errno;
            ::close(in_pipe[0]);
            ::close(in_pipe[1]);
            throw std::system_error(saved, std::generic_category(), "pipe2");
        }
        stdin_fd_ = in_pipe[1];
        stdout_fd_ = out_pipe[0];

        const std::string python = "/usr/bin/python3";
        std::vector<char*> argv{const_cast<char*>(python.c_str())};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
        pid_t pid = -1;
        const int rc = ::posix_spawn(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(in_pipe[0]);
        ::close(out_pipe[1]);
        if (rc != 0) throw std::system_error(rc, std::generic_category(), "posix_spawn " + python + " for " + name_);
        pid_ = pid;
    }

    std::string read_line(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string line;
        while (line.find('\n') == std::string::npos) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                throw std::runtime_error(name_ + " did not start within " + std::to_string(timeout.count()) + " ms");
            pollfd p{stdout_fd_, POLLIN, 0};
            const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
            if (ready <= 0) continue;  // EINTR or the time is up: the loop decides
            char buf[512];
            const ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw std::runtime_error(name_ + " exited before it listened (see its stderr)");
            line.append(buf, static_cast<std::size_t>(n));
        }
        return line.substr(0, line.find('\n'));
    }

    void end_child() {
        if (stdin_fd_ >= 0) ::close(stdin_fd_);  // the server exits at end of stdin ...
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
    }

    std::string name_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
    int stdin_fd_ = -1, stdout_fd_ = -1;
};

}  // namespace lc::testing
