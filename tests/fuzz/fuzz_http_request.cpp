// Fuzzes the request path: raw bytes -> Beast's request parser (with the server's limits) ->
// Api::handle (target and query parsing, routing, authentication, JSON bodies, the handlers) on a
// real App over SQLite. Invariants: nothing crashes or trips a sanitizer, and no request is answered
// 500 (a 500 is an unhandled case: every bad input must get its own 4xx).
// Placeholders such as "Bearer admin" and @SESSION@ are replaced first (fuzz_app.hpp).
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_app.hpp"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& w = lc::fuzz::world();
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    // Exactly what Server's Connection does per request (server.cpp): the same limits.
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(1024 * 1024);
    parser.header_limit(16 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    // As Beast's read does (read_some_op): put what has arrived; on need_more it reads more before
    // putting again, and at the end of the stream it calls put_eof if anything was parsed (put_eof
    // requires got_some()). Here every byte has arrived at once, so need_more means the stream ended.
    // Putting the same bytes again after need_more is not allowed: Beast asserts on it in a build with
    // assertions on, as the sanitizer tree is.
    while (!parser.is_done()) {
        const std::size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
        used += n;
        const bool stream_ended = ec == bhttp::error::need_more || (!ec && (n == 0 || used == bytes.size()));
        if (!stream_ended || parser.is_done()) {
            if (ec) break;
            continue;
        }
        ec = {};
        if (!parser.got_some()) return 0;
        parser.put_eof(ec);
        break;
    }
    if (ec || !parser.is_done()) return 0;  // the server answers these 400 itself (MalformedHttp tests)
    // Placeholders are replaced after parsing, so that a seed's Content-Length stays right.
    lc::http::Request req = parser.release();
    req.target(w.substitute(std::string(req.target())));
    std::vector<std::pair<std::string, std::string>> changed;
    for (const auto& f : req)
        if (auto v = w.substitute(std::string(f.value())); v != f.value()) changed.emplace_back(f.name_string(), v);
    for (const auto& [name, value] : changed) req.set(name, value);
    if (auto body = w.substitute(req.body()); body != req.body()) {
        req.body() = std::move(body);
        if (req.has_content_length()) req.content_length(req.body().size());
    }
    auto res = w.app->api().handle(req, lc::http::ConnInfo{"127.0.0.1"});
    static const bool trace = std::getenv("LIVECLASS_FUZZ_TRACE") != nullptr;  // to check what seeds reach
    if (trace)
        std::fprintf(stderr, "%s %s -> %u\n", std::string(req.method_string()).c_str(),
                     std::string(req.target()).c_str(), res.result_int());
    if (res.result_int() == 500) lc::fuzz::invariant_failed("answered 500: " + res.body());
    if (res.result_int() < 100 || res.result_int() > 599) lc::fuzz::invariant_failed("bad status");
    return 0;
}
