// Fuzzes JSON request bodies: parse_json_object and every BodyReader accessor on what it returns,
// then the same bytes as the body of the real session-create and session-update requests
// (read_session_input with its nested policy reader) through Api::handle.
// Invariants: no crash or sanitizer report; every field error BodyReader::finish() returns says why;
// a body the reader refuses is never answered 2xx and nothing is answered 500.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_app.hpp"
#include "http/body_reader.hpp"

namespace {

namespace json = boost::json;
namespace bhttp = boost::beast::http;

void read_everything(lc::http::BodyReader& r, const json::object& o, int depth) {
    for (const auto& kv : o) {
        std::string key(kv.key());
        const char* k = key.c_str();
        // Every accessor on every field: each must cope with any JSON type.
        (void)r.is_null(k);
        (void)r.string(k, 100);
        (void)r.boolean(k);
        (void)r.integer(k, -1000000, 1000000);
        (void)r.datetime(k);
        (void)r.uuid(k);
        (void)r.uuid_list(k, 10);
        (void)r.string_list(k, 10);
        if (const json::object* nested = r.object(k); nested && depth < 4) {
            lc::http::BodyReader inner(*nested, key + ".");
            read_everything(inner, *nested, depth + 1);
            r.absorb(inner);
        }
    }
}

lc::http::Request request(const char* method, const std::string& target, const std::string& body) {
    lc::http::Request req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "fuzz.test");
    req.set(bhttp::field::authorization, "Bearer " + lc::fuzz::world().instructor_token);
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    return req;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& w = lc::fuzz::world();
    const std::string body = w.substitute(std::string(reinterpret_cast<const char*>(data), size));
    auto parsed = lc::http::parse_json_object(body, size % 2 == 0);
    if (parsed) {
        lc::http::BodyReader r(*parsed);
        read_everything(r, *parsed, 0);
        auto errors = r.finish();
        for (const auto& e : errors)
            if (e.detail.empty()) lc::fuzz::invariant_failed("a field error without a detail");
    } else if (parsed.error().code != lc::Code::kBadRequest) {
        lc::fuzz::invariant_failed("parse_json_object failed with a code other than 400");
    }
    // The real readers, through the API (a create, and an update of the class that exists).
    for (const auto& [method, target] : {std::pair<const char*, std::string>{"POST", "/api/v1/live-sessions/"},
                                         {"PATCH", "/api/v1/live-sessions/" + w.session_id + "/"},
                                         {"PUT", "/api/v1/courses/" + w.course_id + "/live-policy/"}}) {
        auto res = w.app->api().handle(request(method, target, body), lc::http::ConnInfo{"127.0.0.1"});
        if (res.result_int() == 500) lc::fuzz::invariant_failed(std::string(method) + " answered 500: " + res.body());
        if (!parsed && res.result_int() < 400) lc::fuzz::invariant_failed("a body that is no JSON object was accepted");
    }
    return 0;
}
