#pragma once
// Transport-independent request handling: a handler is a function of (request, context) -> response,
// callable from tests without sockets (Beast's "advanced server" split).
#include <functional>
#include <map>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace lc::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

/// Facts about the connection a request arrived on.
struct ConnInfo {
    std::string remote_ip;
};

/// Sends the response of one request (call exactly once, from any thread).
using Respond = std::function<void(Response)>;
/// Runs blocking work (database, password hashing) off the I/O threads.
using Offload = std::function<void(std::function<void()>)>;

}  // namespace lc::http
