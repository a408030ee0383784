#pragma once
// What the services we call in OpenAI's API dialect share (speech-to-text, chat completions): where an
// endpoint is under the configured base, and the error document ({"error": {"message", "param",
// "code"}}) that OpenAI and the servers copying its API answer with.
#include <string>
#include <string_view>

#include "infra/http_client.hpp"

namespace lc::infra {

struct ApiError {
    std::string message;  // its message, else the body's start; as clean text (it goes to the database)
    std::string param;    // the request field it is about ("file", "model", ...), when it says
    std::string code;     // its code ("context_length_exceeded", ...), when it says
    std::string type;     // its type ("invalid_request_error", "exceed_context_size_error", ...)
};
ApiError api_error(const HttpResponse& r);

/// `base` (LIVE_..._URL, with or without a trailing slash) + `path` ("/chat/completions").
std::string api_endpoint(std::string_view base, std::string_view path);

}  // namespace lc::infra
