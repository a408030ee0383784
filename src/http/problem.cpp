#include "http/problem.hpp"

#include <boost/json.hpp>

namespace lc::http {

namespace json = boost::json;

unsigned http_status(Code code) {
    switch (code) {
        case Code::kOk:
            return 200;
        case Code::kInvalidArgument:
            return 422;
        case Code::kBadRequest:
            return 400;
        case Code::kNotFound:
            return 404;
        case Code::kAlreadyExists:
            return 409;
        case Code::kFailedPrecondition:
            return 409;
        case Code::kPermissionDenied:
            return 403;
        case Code::kUnauthenticated:
            return 401;
        case Code::kResourceExhausted:
            return 429;
        case Code::kPayloadTooLarge:
            return 413;
        case Code::kUnavailable:
            return 503;
        case Code::kUnimplemented:
            return 501;
        case Code::kGone:
            return 410;
        case Code::kRangeNotSatisfiable:
            return 416;
        case Code::kInternal:
            return 500;
    }
    return 500;
}

namespace {
struct ProblemType {
    const char* slug;
    const char* title;
};
ProblemType problem_type(Code code) {
    switch (code) {
        case Code::kInvalidArgument:
            return {"validation-error", "Your request contains invalid fields"};
        case Code::kBadRequest:
            return {"bad-request", "The request could not be read"};
        case Code::kNotFound:
            return {"not-found", "Not found"};
        case Code::kAlreadyExists:
            return {"already-exists", "It already exists"};
        case Code::kFailedPrecondition:
            return {"conflict", "Not possible in the current state"};
        case Code::kPermissionDenied:
            return {"forbidden", "You are not allowed to do this"};
        case Code::kUnauthenticated:
            return {"unauthenticated", "Authentication required"};
        case Code::kResourceExhausted:
            return {"rate-limited", "Too many requests"};
        case Code::kPayloadTooLarge:
            return {"payload-too-large", "The request body is too large"};
        case Code::kUnavailable:
            return {"unavailable", "A service this depends on is unavailable"};
        case Code::kUnimplemented:
            return {"not-implemented", "Not available"};
        case Code::kGone:
            return {"gone", "It was removed"};
        case Code::kRangeNotSatisfiable:
            return {"range-not-satisfiable", "The requested range is not in the file"};
        default:
            return {"internal-error", "Internal server error"};
    }
}

std::string pointer_of(const std::string& field) {
    std::string p = "/";
    for (char c : field) p += (c == '.') ? '/' : c;
    return p;
}
}  // namespace

Response problem_response(const Error& e, unsigned version, bool keep_alive) {
    unsigned status = http_status(e.code);
    auto t = problem_type(e.code);
    json::object body{{"type", std::string("https://liveclass.dev/problems/") + t.slug},
                      {"title", t.title},
                      {"status", status},
                      {"detail", e.message}};
    if (!e.fields.empty()) {
        json::array errs;
        for (const auto& f : e.fields)
            errs.push_back(json::object{{"field", f.field}, {"pointer", pointer_of(f.field)}, {"detail", f.detail}});
        body["errors"] = std::move(errs);
    }
    Response res{static_cast<bhttp::status>(status), version};
    res.set(bhttp::field::content_type, "application/problem+json");
    if (status == 401) res.set(bhttp::field::www_authenticate, "Bearer");
    // A provider or dependency that is down: tell clients (and the web page) when to try again.
    if (status == 503)
        res.set(bhttp::field::retry_after, std::to_string(e.retry_after_seconds > 0 ? e.retry_after_seconds : 30));
    // A rate limit: when its window ends.
    if (status == 429 && e.retry_after_seconds > 0)
        res.set(bhttp::field::retry_after, std::to_string(e.retry_after_seconds));
    res.keep_alive(keep_alive);
    res.body() = json::serialize(body);
    res.prepare_payload();
    return res;
}

Response json_response(unsigned status, const json::value& body, unsigned version, bool keep_alive) {
    Response res{static_cast<bhttp::status>(status), version};
    res.set(bhttp::field::content_type, "application/json");
    res.keep_alive(keep_alive);
    res.body() = json::serialize(body);
    res.prepare_payload();
    return res;
}

}  // namespace lc::http
