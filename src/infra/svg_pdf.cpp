#include "infra/svg_pdf.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "infra/subprocess.hpp"

namespace lc::infra {

Status render_svgs_to_pdf(const SvgToPdfRequest& q) {
    if (q.pages.empty()) return Error::invalid("there are no pages to render");
    std::vector<std::string> args{q.program, "--format", "pdf", "--output", q.output};
    // The pages are paths we made; "--" keeps one that started with '-' from reading as an option.
    args.emplace_back("--");
    args.insert(args.end(), q.pages.begin(), q.pages.end());
    const std::string log_path = q.output + ".log";
    ::unlink(q.output.c_str());
    const ProgramRun r = run_program(args, log_path, ProgramLimits{q.timeout, q.max_memory_bytes});
    ::unlink(log_path.c_str());
    struct stat st {};
    if (r.started && !r.timed_out && r.exit_code == 0 && ::stat(q.output.c_str(), &st) == 0 && st.st_size > 0)
        return ok_status();
    ::unlink(q.output.c_str());
    if (!r.started)
        return Error::unavailable("the whiteboard could not be rendered",
                                  "could not run " + q.program + " (LIVE_RSVG_CONVERT)");
    if (r.timed_out)
        return Error::unavailable("the whiteboard could not be rendered",
                                  q.program + " took longer than " + std::to_string(q.timeout.count()) + " s");
    // It refused the pages, crashed on them or ran out of its memory: the same pages would do it again.
    Error e = Error::invalid("the whiteboard's pages could not be rendered");
    e.internal = q.program +
                 (r.signal ? " killed by signal " + std::to_string(r.signal) : " exit " + std::to_string(r.exit_code)) +
                 ": " + r.errors;
    return e;
}

Result<std::string> render_svg_to_pdf_bytes(const SvgToPdfRequest& limits, std::string_view svg,
                                            const std::string& work_dir) {
    struct Dir {
        std::filesystem::path path;
        ~Dir() {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
    } dir{work_dir};
    std::error_code fs_error;
    std::filesystem::create_directories(dir.path, fs_error);
    if (fs_error) return Error::unavailable("the whiteboard could not be rendered", "mkdir: " + fs_error.message());
    SvgToPdfRequest q = limits;
    q.pages = {(dir.path / "page.svg").string()};
    q.output = (dir.path / "page.pdf").string();
    {
        std::ofstream out(q.pages[0], std::ios::binary | std::ios::trunc);
        out.write(svg.data(), static_cast<std::streamsize>(svg.size()));
        if (!out.flush()) return Error::unavailable("the whiteboard could not be rendered", "could not write the page");
    }
    if (auto st = render_svgs_to_pdf(q); !st) return st.take_error();
    std::ifstream in(q.output, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) return Error::unavailable("the whiteboard could not be rendered", "the PDF could not be read");
    return std::move(bytes).str();
}

}  // namespace lc::infra
