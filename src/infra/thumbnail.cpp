#include "infra/thumbnail.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "infra/subprocess.hpp"

namespace lc::infra {

namespace {

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
    ProgramRun last;
    // The frame at `at_seconds`; a video shorter than that has none there, so then its first frame.
    for (int at : {q.at_seconds, 0}) {
        ::unlink(q.output.c_str());
        last = run_program({q.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-ss", std::to_string(at), "-i",
                            q.input, "-frames:v", "1", "-vf", filter, "-q:v", "3", "-f", "image2", "-y", q.output},
                           log_path, ProgramLimits{q.timeout});
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
