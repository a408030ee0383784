#pragma once
// Reading a PDF back in integration tests with poppler-utils (installed for the tests).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace lc::testing {

/// What a poppler-utils tool (pdfinfo, pdftotext, pdfimages) prints for `pdf`: `command` is run with the
/// PDF's path as its last arguments (pdftotext with "-" after it, to print).
inline std::string pdf_tool(const std::string& pdf, const std::string& command, const std::string& after = "") {
    char path[] = "/tmp/liveclass-whiteboard-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) return "";
    const bool written = ::write(fd, pdf.data(), pdf.size()) == static_cast<ssize_t>(pdf.size());
    ::close(fd);
    std::string out;
    if (written)
        if (FILE* p = ::popen((command + " " + path + " " + after + " 2>/dev/null").c_str(), "r")) {
            char buf[4096];
            std::size_t n = 0;
            while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
            ::pclose(p);
        }
    ::unlink(path);
    return out;
}

}  // namespace lc::testing
