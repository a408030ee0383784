#include "http/router.hpp"

namespace lc::http {

namespace {
std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

bool match_pattern(const std::string& pattern, const std::vector<std::string_view>& segs,
                   std::vector<std::string>& params) {
    auto pat = split(pattern);
    if (pat.size() != segs.size()) return false;
    params.clear();
    for (std::size_t i = 0; i < pat.size(); ++i) {
        if (!pat[i].empty() && pat[i].front() == '{') {
            params.emplace_back(segs[i]);
        } else if (pat[i] != segs[i]) {
            return false;
        }
    }
    return true;
}
}  // namespace

void Router::add(std::string method, std::string pattern, RouteHandler h) {
    routes_.push_back({std::move(method), std::move(pattern), std::move(h), {}});
}

void Router::add_async(std::string method, std::string pattern, AsyncRouteHandler h) {
    routes_.push_back({std::move(method), std::move(pattern), {}, std::move(h)});
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
    RouteMatch m;
    auto segs = split(path);
    std::vector<std::string> params;
    for (const auto& r : routes_) {
        if (!match_pattern(r.pattern, segs, params)) continue;
        m.path_matched = true;
        m.allowed.push_back(r.method);
        if (r.method == "GET") m.allowed.push_back("HEAD");
        if (r.method == method || (method == "HEAD" && r.method == "GET")) {
            if (!m.route) {
                m.route = &r;
                m.params = params;
            }
        }
    }
    return m;
}

}  // namespace lc::http
