#pragma once
// Seeds 13.2 and 13.3: asking a language model for a JSON document of a given shape. The service speaks
// OpenAI's chat completions API (POST {base}/chat/completions) with structured outputs
// (response_format json_schema, strict): OpenAI itself, or a server that offers the same API on your own
// network (vLLM, llama.cpp's server, Ollama), or another vendor's compatible endpoint.
#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "infra/http_client.hpp"

namespace lc::infra {

struct LanguageModel {
    std::string url;      // LIVE_AI_URL: the API's base, e.g. https://api.openai.com/v1
    std::string api_key;  // LIVE_AI_API_KEY: sent as a bearer token (none when empty)
    std::string model = "gpt-4o-mini";
    std::chrono::seconds timeout{300};  // one request, read and answered
};

struct JsonRequest {
    std::string instructions;  // the system message
    std::string input;         // the user message
    std::string schema_name;   // [a-zA-Z0-9_-], at most 64
    std::string schema;        // a JSON Schema (serialised) in the subset strict structured outputs accept
};

struct JsonAnswer {
    std::string json;   // the model's document: a JSON object, as text
    std::string model;  // the model that answered, as the service names it
};

/// The model's answer to `request`, checked to be a JSON object (the schema itself is the service's to
/// enforce; the caller checks what it keeps). Errors: Invalid and permanent when asking again cannot help
/// (the model refused, or the input is longer than the model reads: LIVE_AI_PART_CHARS names the cure);
/// Unavailable otherwise (no answer, 5xx, 429 with its Retry-After, a refused key, an unknown model, an
/// answer cut short or not JSON: a model may answer better the next time, an operator may fix a setting).
Result<JsonAnswer> ask_for_json(const HttpClient& http, const LanguageModel& service, const JsonRequest& request);

}  // namespace lc::infra
