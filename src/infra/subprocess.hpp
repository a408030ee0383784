#pragma once
// Running one of the command-line tools we depend on (ffmpeg for thumbnails, rsvg-convert for
// whiteboard PDFs) with a time limit: a job worker must never wait on a tool for ever.
#include <chrono>
#include <string>
#include <vector>

namespace lc::infra {

struct ProgramRun {
    bool started = false, timed_out = false;
    int exit_code = -1;
    std::string errors;  // the first 2000 bytes the program printed on stderr
};

/// Runs `args` (args[0] looked up in PATH) with stdin and stdout on /dev/null and stderr into
/// `log_path`, killing it after `timeout`.
ProgramRun run_program(const std::vector<std::string>& args, const std::string& log_path, std::chrono::seconds timeout);

}  // namespace lc::infra
