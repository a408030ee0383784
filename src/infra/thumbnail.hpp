#pragma once
// Seed 5.4: a still of a recording, made by the ffmpeg command-line tool (DESIGN: thumbnails come
// from ffmpeg's CLI, not from linking its libraries).
#include <chrono>
#include <string>

#include "core/result.hpp"

namespace lc::infra {

struct ThumbnailRequest {
    std::string ffmpeg = "ffmpeg";  // LIVE_FFMPEG: the program (a name looked up in PATH, or a path)
    std::string input;              // a video file
    std::string output;             // the JPEG to write (replaced)
    int at_seconds = 5;             // the frame at this time; a shorter video gives its first frame
    int width = 640, height = 360;  // the still is letterboxed into this box
    std::chrono::seconds timeout{120};
};

/// Writes the still. Errors: Invalid when ffmpeg could not read a frame from the input (not a video,
/// damaged): trying again will not help; Unavailable when ffmpeg is missing, was killed or timed out.
Status make_thumbnail(const ThumbnailRequest& request);

}  // namespace lc::infra
