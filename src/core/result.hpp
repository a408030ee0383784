#pragma once
// Error handling without exceptions across layer boundaries: a [[nodiscard]] Result<T>
// carrying canonical status codes (as absl::Status). http/ maps codes to HTTP statuses.
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace lc {

enum class Code {
    kOk,
    kInvalidArgument,      // 422 (or 400 for malformed requests)
    kBadRequest,           // 400: the request itself cannot be read
    kNotFound,             // 404
    kAlreadyExists,        // 409
    kFailedPrecondition,   // 409: state does not allow it
    kPermissionDenied,     // 403
    kUnauthenticated,      // 401
    kResourceExhausted,    // 429
    kPayloadTooLarge,      // 413
    kUnavailable,          // 503
    kUnimplemented,        // 501
    kGone,                 // 410: it existed and was removed on purpose
    kRangeNotSatisfiable,  // 416: a byte range past the end of a file
    kInternal,             // 500
};

/// One problem with one input field; `field` is a dotted path ("policy.lobby_enabled").
struct FieldError {
    std::string field;
    std::string detail;
};

/// An error: `message` is safe to show the client; `internal` is only logged.
struct Error {
    Code code = Code::kInternal;
    std::string message;
    std::string internal;
    std::vector<FieldError> fields;
    /// For Unavailable: when to try again (HTTP Retry-After); 0 = the default.
    int retry_after_seconds = 0;
    /// From a job handler: trying again cannot help (a file that is not what it should be), so the job
    /// goes to 'dead' now instead of using up its attempts (see Error::give_up).
    bool permanent = false;

    /// `e`, marked permanent.
    static Error give_up(Error e) {
        e.permanent = true;
        return e;
    }

    static Error invalid(std::string msg, std::vector<FieldError> f = {}) {
        return Error{Code::kInvalidArgument, std::move(msg), {}, std::move(f)};
    }
    static Error bad_request(std::string msg) { return Error{Code::kBadRequest, std::move(msg), {}, {}}; }
    static Error not_found(std::string msg) { return Error{Code::kNotFound, std::move(msg), {}, {}}; }
    static Error conflict(std::string msg) { return Error{Code::kFailedPrecondition, std::move(msg), {}, {}}; }
    static Error exists(std::string msg) { return Error{Code::kAlreadyExists, std::move(msg), {}, {}}; }
    static Error denied(std::string msg) { return Error{Code::kPermissionDenied, std::move(msg), {}, {}}; }
    static Error unauthenticated(std::string msg) { return Error{Code::kUnauthenticated, std::move(msg), {}, {}}; }
    static Error unavailable(std::string msg, std::string internal = {}) {
        return Error{Code::kUnavailable, std::move(msg), std::move(internal), {}};
    }
    static Error unimplemented(std::string msg) { return Error{Code::kUnimplemented, std::move(msg), {}, {}}; }
    static Error gone(std::string msg) { return Error{Code::kGone, std::move(msg), {}, {}}; }
    static Error internal_error(std::string internal) {
        return Error{Code::kInternal, "internal error", std::move(internal), {}};
    }
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Error e) : v_(std::move(e)) {}      // NOLINT(google-explicit-constructor)

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() & { return std::get<0>(v_); }
    const T& operator*() const& { return std::get<0>(v_); }
    const Error& error() const { return std::get<1>(v_); }
    Error&& take_error() { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace lc
