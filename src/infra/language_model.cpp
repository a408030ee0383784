#include "infra/language_model.hpp"

#include <boost/json.hpp>

#include "core/text.hpp"
#include "infra/json_fields.hpp"
#include "infra/openai_api.hpp"

namespace lc::infra {

namespace json = boost::json;

namespace {

/// A model that was not held to the schema may still wrap its JSON in a Markdown code fence.
std::string_view without_fence(std::string_view s) {
    s = trim_blanks(s);
    if (s.substr(0, 3) != "```") return s;
    const auto eol = s.find('\n');
    const auto close = s.rfind("```");
    if (eol == std::string_view::npos || close <= eol) return s;
    return trim_blanks(s.substr(eol + 1, close - eol - 1));
}

}  // namespace

Result<JsonAnswer> ask_for_json(const HttpClient& http, const LanguageModel& service, const JsonRequest& request) {
    boost::system::error_code ec;
    json::value schema = json::parse(request.schema, ec);
    if (ec) return Error::internal_error("ask_for_json: the schema is not JSON");
    json::object body{
        {"model", service.model},
        {"messages", json::array{json::object{{"role", "system"}, {"content", request.instructions}},
                                 json::object{{"role", "user"}, {"content", request.input}}}},
        {"response_format",
         json::object{{"type", "json_schema"},
                      {"json_schema",
                       json::object{{"name", request.schema_name}, {"strict", true}, {"schema", std::move(schema)}}}}}};
    HttpRequest req;
    req.method = "POST";
    req.url = api_endpoint(service.url, "/chat/completions");
    req.body = json::serialize(body);
    req.headers.emplace_back("Content-Type", "application/json");
    req.headers.emplace_back("Accept", "application/json");
    if (!service.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + service.api_key);
    req.timeout = service.timeout;
    req.provider = "ai";
    req.endpoint = "chat";
    auto res = http.send(req);
    if (!res) return res.take_error();
    const long status = res->status;
    const std::string where = " (" + req.url + ")";
    const char* busy = "the AI service is not available right now";
    // The service's own message is not copied for a refused key: some services echo part of the key.
    if (status == 401 || status == 403)
        return Error::unavailable("the AI service refused our key",
                                  "HTTP " + std::to_string(status) + where + ": check LIVE_AI_API_KEY");
    if (status < 200 || status > 299) {
        const ApiError why = api_error(*res);
        // OpenAI says it with a code; vLLM in its message, llama.cpp's server with a type of its own.
        if (why.code == "context_length_exceeded" || why.type == "exceed_context_size_error" ||
            why.message.find("maximum context length") != std::string::npos)
            return Error::give_up(Error{Code::kInvalidArgument, "the transcript is longer than the AI model reads",
                                        "HTTP " + std::to_string(status) + where +
                                            ": lower LIVE_AI_PART_CHARS or use a model that reads more (" +
                                            why.message + ")"});
        // A 400 or 404 here is a setting (a model that does not exist or offers no structured outputs):
        // an operator can fix it, so it is retried like an outage.
        Error e = Error::unavailable(
            busy, "HTTP " + std::to_string(status) + where +
                      (status == 400 || status == 404 || status == 422 ? " (check LIVE_AI_MODEL)" : "") + ": " +
                      why.message);
        e.retry_after_seconds = static_cast<int>(res->retry_after_seconds);
        return e;
    }
    json::value v = json::parse(res->body, ec);
    const json::object* choice = nullptr;
    if (!ec && v.is_object())
        if (const auto* choices = v.get_object().if_contains("choices");
            choices && choices->is_array() && !choices->get_array().empty() && choices->get_array()[0].is_object())
            choice = &choices->get_array()[0].get_object();
    const json::object* message = nullptr;
    if (choice)
        if (const auto* m = choice->if_contains("message"); m && m->is_object()) message = &m->get_object();
    if (!message)
        return Error::unavailable(busy, "not a chat completion" + where + " (is LIVE_AI_URL the API's base?): " +
                                            utf8_prefix(clean_text(res->body.substr(0, 400)), 200));
    if (auto refusal = text_at(*message, "refusal"); !refusal.empty())
        return Error::give_up(Error{Code::kInvalidArgument, "the AI model declined to answer",
                                    "refusal" + where + ": " + utf8_prefix(clean_text(refusal), 300)});
    const std::string finish = text_at(*choice, "finish_reason");
    if (finish == "length")
        return Error::unavailable(busy, "the answer was cut short at the model's output limit" + where);
    if (finish == "content_filter")
        return Error::give_up(Error{Code::kInvalidArgument, "the AI service's content filter stopped the answer",
                                    "finish_reason content_filter" + where});
    const std::string content = text_at(*message, "content");
    const std::string_view doc = without_fence(content);
    json::value parsed = json::parse(doc, ec);
    if (ec || !parsed.is_object())
        return Error::unavailable(busy, "the model's answer is not a JSON object" + where + ": " +
                                            utf8_prefix(clean_text(content.substr(0, 400)), 200));
    JsonAnswer out;
    out.json = std::string(doc);
    // Shown to readers and kept: as clean text of a sensible length, whatever a service sends.
    out.model = utf8_prefix(clean_text(text_at(v.get_object(), "model")), 100);
    if (out.model.empty()) out.model = service.model;
    return out;
}

}  // namespace lc::infra
