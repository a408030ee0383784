#include "infra/subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

extern char** environ;

namespace lc::infra {

namespace {
/// The part of our environment a tool may see (it finds programs, fonts and its temporary directory).
std::vector<std::string> tool_environment() {
    std::vector<std::string> out;
    for (char** e = environ; e && *e; ++e) {
        const std::string_view kv(*e);
        for (std::string_view name :
             {"PATH=", "HOME=", "TMPDIR=", "TZ=", "LANG=", "LC_ALL=", "LC_CTYPE=", "http_proxy=", "https_proxy=",
              "no_proxy=", "HTTP_PROXY=", "HTTPS_PROXY=", "NO_PROXY="})
            if (kv.starts_with(name)) out.emplace_back(kv);
    }
    return out;
}
}  // namespace

ProgramRun run_program(const std::vector<std::string>& args, const std::string& log_path, ProgramLimits limits) {
    ProgramRun r;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    // Our listening socket, client connections and database files are not inherited.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    // Default signal handling and no blocked signals (the server blocks SIGTERM and ignores SIGPIPE).
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> env = tool_environment();
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) return r;
    r.started = true;
    if (limits.max_memory_bytes > 0) {
        // Set on the running child (posix_spawn has no rlimit step); it starts small, so the limit is
        // in place long before it reads its input.
        const rlimit lim{static_cast<rlim_t>(limits.max_memory_bytes), static_cast<rlim_t>(limits.max_memory_bytes)};
        ::prlimit(pid, RLIMIT_AS, &lim, nullptr);
    }
    const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            // Not ours to wait for any more (should not happen): make sure it does not run on.
            ::kill(pid, SIGKILL);
            return r;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            r.timed_out = true;
            return r;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    std::ifstream log(log_path);
    std::ostringstream text;
    text << log.rdbuf();
    r.errors = text.str().substr(0, 2000);
    return r;
}

}  // namespace lc::infra
