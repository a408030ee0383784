#pragma once
// Reads an .ics text with tests/support/ics_check.py (python3-icalendar): a second, independent
// parser, as a calendar application would read our files.
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace lc::testing {

/// What tests/support/ics_check.py (python3-icalendar) reads from an .ics text.
inline boost::json::object parse_ics(const std::string& ics) {
    static std::atomic<int> counter{0};
    auto path = std::filesystem::temp_directory_path() /
                ("lc-ics-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".ics");
    {
        std::ofstream out(path, std::ios::binary);
        out << ics;
    }
    std::string cmd = std::string("/usr/bin/python3 ") + LIVECLASS_SOURCE_DIR + "/tests/support/ics_check.py " +
                      path.string() + " 2>&1";
    std::string output;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
        int rc = ::pclose(p);
        std::filesystem::remove(path);
        if (rc != 0) throw std::runtime_error("ics_check.py failed: " + output);
    }
    return boost::json::parse(output).as_object();
}

}  // namespace lc::testing
