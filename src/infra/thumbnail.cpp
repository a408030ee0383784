#include "infra/thumbnail.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace lc::infra {

namespace {

struct Run {
    bool started = false, timed_out = false;
    int exit_code = -1;
    std::string errors;  // what ffmpeg printed on stderr (its -loglevel error lines)
};

/// Runs `args` with stdin and stdout on /dev/null and stderr into `log_path`, for at most `timeout`.
Run run(const std::vector<std::string>& args, const std::string& log_path, std::chrono::seconds timeout) {
    Run r;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return r;
    r.started = true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (true) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0) return r;
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            r.timed_out = true;
            return r;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    std::ifstream log(log_path);
    std::ostringstream text;
    text << log.rdbuf();
    r.errors = text.str().substr(0, 2000);
    return r;
}

bool non_empty_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
}

}  // namespace

Status make_thumbnail(const ThumbnailRequest& q) {
    const std::string box = std::to_string(q.width) + ":" + std::to_string(q.height);
    const std::string filter =
        "scale=" + box + ":force_original_aspect_ratio=decrease,pad=" + box + ":(ow-iw)/2:(oh-ih)/2:color=black";
    const std::string log_path = q.output + ".log";
    Run last;
    // The frame at `at_seconds`; a video shorter than that has none there, so then its first frame.
    for (int at : {q.at_seconds, 0}) {
        ::unlink(q.output.c_str());
        last = run({q.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-ss", std::to_string(at), "-i",
                    q.input, "-frames:v", "1", "-vf", filter, "-q:v", "3", "-f", "image2", "-y", q.output},
                   log_path, q.timeout);
        if (!last.started || last.timed_out) break;
        if (last.exit_code == 0 && non_empty_file(q.output)) {
            ::unlink(log_path.c_str());
            return ok_status();
        }
        if (at == 0) break;
    }
    ::unlink(log_path.c_str());
    ::unlink(q.output.c_str());
    if (!last.started)
        return Error::unavailable("the thumbnail could not be made", "could not run " + q.ffmpeg + " (LIVE_FFMPEG)");
    if (last.timed_out)
        return Error::unavailable("the thumbnail could not be made",
                                  q.ffmpeg + " took longer than " + std::to_string(q.timeout.count()) + " s");
    Error e = Error::invalid("no frame could be read from the recording");
    e.internal = "ffmpeg exit " + std::to_string(last.exit_code) + ": " + last.errors;
    return e;
}

}  // namespace lc::infra
