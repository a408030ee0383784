// docs/openapi.yaml against the router: every registered route is documented and every documented
// operation is served. The document is read with a minimal line scanner (no YAML library): under the
// top-level `paths:` key, keys indented by exactly 2 spaces are paths and keys indented by exactly
// 4 spaces named get/post/put/patch/delete are operations of the path above them.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "harness.hpp"

namespace lc::testing {
namespace {

const char* const kDocPath = LIVECLASS_SOURCE_DIR "/docs/openapi.yaml";

struct Operation {
    std::string method;                       // upper case: "GET"
    std::string path;                         // "/api/v1/live-sessions/{id}/"
    std::vector<std::string> response_codes;  // keys under its `responses:` ("200", "4XX", ...)
    int line = 0;                             // 1-based line of the method key
};

std::size_t indent_of(const std::string& line) {
    std::size_t n = 0;
    while (n < line.size() && line[n] == ' ') ++n;
    return n;
}

std::string rtrim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}

/// A mapping key on this line ("'200': x" -> "200", "/health:" -> "/health"), or "" when the line is
/// not a plain `key:` / `key: value` line.
std::string key_of(const std::string& trimmed) {
    if (!trimmed.empty() && (trimmed.front() == '\'' || trimmed.front() == '"')) {
        auto close = trimmed.find(trimmed.front(), 1);
        if (close == std::string::npos || close + 1 >= trimmed.size() || trimmed[close + 1] != ':') return "";
        return trimmed.substr(1, close - 1);
    }
    // An unquoted key ends at the first ": " or at a ':' closing the line.
    auto colon = trimmed.find(": ");
    if (colon == std::string::npos) {
        if (trimmed.empty() || trimmed.back() != ':') return "";
        colon = trimmed.size() - 1;
    }
    return trimmed.substr(0, colon);
}

bool is_blank_or_comment(const std::string& line) {
    auto i = indent_of(line);
    return i == line.size() || line[i] == '#';
}

/// Reads the operations of the `paths:` section. Fails the test (and returns what it has) on a
/// document it cannot read.
std::vector<Operation> read_operations(const std::string& file) {
    std::ifstream in(file);
    EXPECT_TRUE(in.good()) << "cannot open " << file;
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(rtrim(l));

    static const std::set<std::string> kMethods{"get", "post", "put", "patch", "delete"};
    std::vector<Operation> ops;
    bool in_paths = false;
    std::string path;
    Operation* op = nullptr;  // the operation being read (the last element of ops), or null
    bool in_responses = false;
    for (std::size_t n = 0; n < lines.size(); ++n) {
        const std::string& line = lines[n];
        if (is_blank_or_comment(line)) continue;
        EXPECT_EQ(line.find('\t'), std::string::npos) << file << ":" << n + 1 << ": tab in the document";
        std::size_t ind = indent_of(line);
        std::string trimmed = line.substr(ind);
        if (ind == 0) {
            in_paths = trimmed == "paths:";
            op = nullptr;
            continue;
        }
        if (!in_paths) continue;
        if (ind <= 4) {
            op = nullptr;
            in_responses = false;
        }
        if (ind == 2) {
            path = key_of(trimmed);
            EXPECT_TRUE(!path.empty() && trimmed.back() == ':')
                << file << ":" << n + 1 << ": expected a path key, got: " << trimmed;
        } else if (ind == 4) {
            std::string k = key_of(trimmed);
            if (kMethods.count(k) && trimmed.back() == ':') {
                EXPECT_FALSE(path.empty()) << file << ":" << n + 1 << ": operation outside a path";
                std::string upper = k;
                for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                ops.push_back({upper, path, {}, static_cast<int>(n + 1)});
                op = &ops.back();
            }
        } else if (op && ind == 6) {
            in_responses = trimmed == "responses:";
        } else if (op && in_responses && ind == 8) {
            std::string k = key_of(trimmed);
            if (!k.empty()) op->response_codes.push_back(k);
        }
    }
    return ops;
}

std::string join_lines(const std::set<std::string>& s) {
    std::ostringstream o;
    for (const auto& x : s) o << "\n    " << x;
    return o.str();
}

TEST(OpenApi, DocumentMatchesTheRegisteredRoutes) {
    TestServer srv{Engine::kSqlite, /*serve=*/false};
    std::set<std::string> served;
    for (const auto& r : srv.app().api().router().routes()) served.insert(r.method + " " + r.pattern);
    ASSERT_FALSE(served.empty());

    auto ops = read_operations(kDocPath);
    std::set<std::string> documented;
    for (const auto& op : ops) {
        EXPECT_TRUE(documented.insert(op.method + " " + op.path).second)
            << kDocPath << ":" << op.line << ": " << op.method << " " << op.path << " is documented twice";
    }
    ASSERT_FALSE(documented.empty()) << "no operations found under `paths:` in " << kDocPath;

    std::set<std::string> undocumented, unserved;
    std::set_difference(served.begin(), served.end(), documented.begin(), documented.end(),
                        std::inserter(undocumented, undocumented.end()));
    std::set_difference(documented.begin(), documented.end(), served.begin(), served.end(),
                        std::inserter(unserved, unserved.end()));
    EXPECT_TRUE(undocumented.empty()) << "routes registered in src/http/api.cpp but missing from docs/openapi.yaml:"
                                      << join_lines(undocumented);
    EXPECT_TRUE(unserved.empty()) << "operations in docs/openapi.yaml that no route serves:" << join_lines(unserved);
}

TEST(OpenApi, EveryOperationDocumentsASuccessResponse) {
    auto ops = read_operations(kDocPath);
    ASSERT_FALSE(ops.empty()) << "no operations found under `paths:` in " << kDocPath;
    for (const auto& op : ops) {
        // A link that only redirects (a recording's access link) succeeds with a 3xx.
        bool has_success = std::any_of(op.response_codes.begin(), op.response_codes.end(), [](const std::string& c) {
            return c.size() == 3 && (c[0] == '2' || c[0] == '3');
        });
        EXPECT_TRUE(has_success) << kDocPath << ":" << op.line << ": " << op.method << " " << op.path
                                 << " has no 2xx or 3xx response under `responses:` (found " << op.response_codes.size()
                                 << " response codes)";
    }
}

}  // namespace
}  // namespace lc::testing
