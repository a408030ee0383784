#include "http/router.hpp"

namespace lc::http {

namespace {
/// The non-empty segments of a path, in order, without allocating per segment.
template <typename Out>
void for_each_segment(std::string_view path, Out&& out) {
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out(path.substr(i, j - i));
        i = j;
    }
}

bool is_param(const std::string& segment) { return !segment.empty() && segment.front() == '{'; }

bool matches(const Route& r, const std::vector<std::string_view>& segs) {
    if (r.segments.size() != segs.size()) return false;
    for (std::size_t i = 0; i < segs.size(); ++i)
        if (!is_param(r.segments[i]) && r.segments[i] != segs[i]) return false;
    return true;
}

Route make_route(std::string method, std::string pattern, RouteHandler h, AsyncRouteHandler ah) {
    Route r{std::move(method), std::move(pattern), std::move(h), std::move(ah), {}};
    for_each_segment(r.pattern, [&](std::string_view seg) { r.segments.emplace_back(seg); });
    return r;
}
}  // namespace

void Router::add(std::string method, std::string pattern, RouteHandler h) {
    routes_.push_back(make_route(std::move(method), std::move(pattern), std::move(h), {}));
}

void Router::add_async(std::string method, std::string pattern, AsyncRouteHandler h) {
    routes_.push_back(make_route(std::move(method), std::move(pattern), {}, std::move(h)));
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
    RouteMatch m;
    std::vector<std::string_view> segs;
    segs.reserve(8);
    for_each_segment(path, [&](std::string_view seg) { segs.push_back(seg); });
    for (const auto& r : routes_) {
        if (!matches(r, segs)) continue;
        m.path_matched = true;
        m.allowed.push_back(r.method);
        if (r.method == "GET") m.allowed.push_back("HEAD");
        if (!m.route && (r.method == method || (method == "HEAD" && r.method == "GET"))) {
            m.route = &r;
            for (std::size_t i = 0; i < segs.size(); ++i)
                if (is_param(r.segments[i])) m.params.emplace_back(segs[i]);
        }
    }
    return m;
}

}  // namespace lc::http
