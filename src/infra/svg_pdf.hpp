#pragma once
// Seed 7.1: whiteboard pages (SVG documents) become one PDF through the rsvg-convert command-line tool
// (Debian's librsvg2-bin), run as a program like ffmpeg for thumbnails: a page that trips the renderer
// costs a failed job, never the server.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lc::infra {

struct SvgToPdfRequest {
    std::string program = "rsvg-convert";  // LIVE_RSVG_CONVERT: a name looked up in PATH, or a path
    std::vector<std::string> pages;        // SVG files, one page each, in order
    std::string output;                    // the PDF to write (replaced)
    std::chrono::seconds timeout{180};
    long long max_memory_bytes = 2LL << 30;  // a slide that would need more is refused, not the machine's memory
};

/// Writes the PDF. Errors: Invalid when the renderer refused the pages, crashed or ran out of memory on
/// them (the same pages would do it again); Unavailable when it is missing or timed out.
Status render_svgs_to_pdf(const SvgToPdfRequest& request);

}  // namespace lc::infra

namespace lc::infra {

/// One SVG document as PDF bytes, rendered through files in `work_dir` (created here, removed after),
/// with `limits`' program, timeout and memory cap (its pages and output are ours). Errors as
/// render_svgs_to_pdf.
Result<std::string> render_svg_to_pdf_bytes(const SvgToPdfRequest& limits, std::string_view svg,
                                            const std::string& work_dir);

}  // namespace lc::infra
