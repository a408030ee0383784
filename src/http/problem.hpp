#pragma once
// RFC 9457 problem details. One table maps the canonical error codes to HTTP statuses.
#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "http/types.hpp"

namespace lc::http {

unsigned http_status(Code code);
/// application/problem+json with type, title, status, detail and, for field errors, "errors":
/// [{"field": "title", "pointer": "/title", "detail": "..."}].
Response problem_response(const Error& e, unsigned version, bool keep_alive);
Response json_response(unsigned status, const boost::json::value& body, unsigned version, bool keep_alive);

}  // namespace lc::http
