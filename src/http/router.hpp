#pragma once
// Method + path-pattern routing. Patterns use {name} for one path segment; every path ends in '/'.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/types.hpp"

namespace lc::http {

struct RequestContext;
/// A blocking handler: runs on the handler pool.
using RouteHandler = std::function<Response(RequestContext&)>;
/// A non-blocking handler: runs on the I/O thread and calls `done` when its answer is ready (the
/// join hot path, whose only wait is the group commit).
using AsyncRouteHandler = std::function<void(std::shared_ptr<RequestContext>, Respond done)>;

struct Route {
    std::string method;   // "GET", "POST", ...
    std::string pattern;  // "/api/v1/live-sessions/{id}/"
    RouteHandler handler;
    AsyncRouteHandler async_handler;
    /// The pattern's segments, split once when the route is added ("{...}" matches any one segment):
    /// matching runs on every request against every route.
    std::vector<std::string> segments;
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
    void add_async(std::string method, std::string pattern, AsyncRouteHandler h);
    RouteMatch match(const std::string& method, const std::string& path) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace lc::http
