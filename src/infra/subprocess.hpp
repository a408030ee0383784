#pragma once
// Running one of the command-line tools we depend on (ffmpeg for thumbnails, rsvg-convert for
// whiteboard PDFs) on files that came from outside: with a time limit (a job worker must never wait
// on a tool for ever), an optional memory limit, none of our open sockets or files, default signal
// handling, and an environment without our secrets.
#include <chrono>
#include <string>
#include <vector>

namespace lc::infra {

struct ProgramRun {
    bool started = false, timed_out = false;
    int exit_code = -1;  // when it exited
    int signal = 0;      // when a signal ended it (the kernel's OOM killer, a crash)
    std::string errors;  // the first 2000 bytes the program printed on stderr
};

struct ProgramLimits {
    std::chrono::seconds timeout{120};
    long long max_memory_bytes = 0;  // its address space (RLIMIT_AS); 0: no limit of ours
};

/// Runs `args` (args[0] looked up in PATH) with stdin and stdout on /dev/null and stderr into
/// `log_path`, killing it after the timeout. It gets only PATH, HOME, TMPDIR, TZ, the locale and the
/// proxy settings of our environment: no LIVE_* secret reaches a program that parses what a provider sent.
ProgramRun run_program(const std::vector<std::string>& args, const std::string& log_path, ProgramLimits limits);

}  // namespace lc::infra
