#pragma once
// Method + path-pattern routing. Patterns use {name} for one path segment; every path ends in '/'.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/types.hpp"

namespace lc::http {

struct RequestContext;
using RouteHandler = std::function<Response(RequestContext&)>;

struct Route {
    std::string method;   // "GET", "POST", ...
    std::string pattern;  // "/api/v1/live-sessions/{id}/"
    RouteHandler handler;
};

struct RouteMatch {
    const Route* route = nullptr;
    std::vector<std::string> params;
    bool path_matched = false;  // some route has this path (for 405 vs 404)
    std::vector<std::string> allowed;
};

class Router {
public:
    void add(std::string method, std::string pattern, RouteHandler h);
    RouteMatch match(const std::string& method, const std::string& path) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace lc::http
