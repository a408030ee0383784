#pragma once
// A language model on loopback that speaks OpenAI's chat completions API as documented: POST
// /v1/chat/completions with a bearer key, `model`, `messages` (system, user) and `response_format`
// {type: json_schema, json_schema: {name, strict, schema}}; the answer is a chat completion whose
// choices[0].message.content is the JSON document (or whose message.refusal says why not), with a
// finish_reason. It reads the transcript lines ("[h:mm:ss] text") of what it is sent and answers
// documents made from them, so a test can tell which part an answer came from. It can be told to fail a
// request (a status and an OpenAI error document with a code, 429 with Retry-After) or to answer one
// with content of choice (not JSON, a refusal, an answer cut at its length).
#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_openai_api.hpp"

namespace lc::testing {

class FakeLanguageModel {
public:
    struct Seen {
        std::string schema_name, model, system, user;
        bool strict = false;
        boost::json::value schema;
    };
    struct Odd {
        int status = 200;
        std::string code;     // the error document's code (status != 200)
        std::string content;  // the message content instead of the document
        std::string refusal;  // a refusal instead of content
        std::string finish_reason = "stop";
    };

    static constexpr int kRetryAfterSeconds = 90;

    explicit FakeLanguageModel(std::string key = "ai-test-key")
        : key_(std::move(key)), api_([this](const http::Request& req) { return answer(req); }, kRetryAfterSeconds) {}

    std::string base_url() const { return api_.base_url(); }
    const std::string& key() const { return key_; }
    /// The `nth` request (from 1) for the schema `schema_name` is answered oddly.
    void odd(const std::string& schema_name, int nth, Odd how) {
        std::lock_guard lock(mu_);
        odd_[{schema_name, nth}] = std::move(how);
    }
    /// Requests with the right key so far, of one schema (empty: all), odd ones included.
    int requests(const std::string& schema_name = {}) const {
        std::lock_guard lock(mu_);
        int n = 0;
        for (const auto& s : seen_) n += schema_name.empty() || s.schema_name == schema_name;
        return n;
    }
    std::vector<Seen> seen() const {
        std::lock_guard lock(mu_);
        return seen_;
    }

    /// The transcript lines of a user message: (seconds, text).
    static std::vector<std::pair<double, std::string>> lines_of(const std::string& user) {
        std::vector<std::pair<double, std::string>> out;
        std::size_t at = 0;
        while ((at = user.find('[', at)) != std::string::npos) {
            int h = 0, m = 0, s = 0;
            const auto close = user.find(']', at);
            if (close == std::string::npos || std::sscanf(user.c_str() + at, "[%d:%d:%d]", &h, &m, &s) != 3) {
                ++at;
                continue;
            }
            auto eol = user.find('\n', close);
            if (eol == std::string::npos) eol = user.size();
            out.emplace_back(h * 3600 + m * 60 + s, user.substr(close + 2, eol - close - 2));
            at = eol;
        }
        return out;
    }

private:
    static std::string error_doc(const std::string& message, const std::string& code) {
        return FakeOpenAiApi::error_doc(message, "invalid_request_error", {}, code);
    }

    static std::string completion(const std::string& model, const std::string& content, const std::string& refusal,
                                  const std::string& finish) {
        boost::json::object message{{"role", "assistant"}};
        message["content"] = refusal.empty() ? boost::json::value(content) : boost::json::value(nullptr);
        message["refusal"] = refusal.empty() ? boost::json::value(nullptr) : boost::json::value(refusal);
        return boost::json::serialize(boost::json::object{
            {"id", "chatcmpl-test"},
            {"object", "chat.completion"},
            {"created", 1764000000},
            {"model", model + "-2024-07-18"},
            {"choices", boost::json::array{boost::json::object{
                            {"index", 0}, {"message", std::move(message)}, {"finish_reason", finish}}}},
            {"usage", boost::json::object{{"prompt_tokens", 100}, {"completion_tokens", 50}, {"total_tokens", 150}}}});
    }

    static std::string summary_of(const std::string& user) {
        namespace json = boost::json;
        if (user.rfind("The parts' notes", 0) == 0) {
            // Putting parts together: their key points, in order, and a timeline we must not use.
            json::array points;
            json::value parts = json::parse(user.substr(user.find('\n') + 1));
            for (const auto& p : parts.as_array())
                for (const auto& k : p.at("key_points").as_array()) points.push_back(k);
            return json::serialize(json::object{
                {"overview", "Bütün ders " + std::to_string(parts.as_array().size()) + " parçada anlatıldı."},
                {"key_points", std::move(points)},
                {"timeline", json::array{json::object{{"start", 0}, {"title", "uydurma"}, {"summary", "x"}}}}});
        }
        auto lines = lines_of(user);
        json::array points, timeline;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            points.push_back(json::string("Nokta: " + lines[i].second.substr(0, 24)));
            timeline.push_back(json::object{{"start", lines[i].first},
                                            {"title", "Bölüm " + std::to_string(static_cast<int>(lines[i].first))},
                                            {"summary", lines[i].second.substr(0, 40)}});
        }
        points.push_back(json::string(""));  // an empty one, which is not kept
        return json::serialize(
            json::object{{"overview", "Ders özeti: " + (lines.empty() ? std::string() : lines[0].second.substr(0, 30))},
                         {"key_points", std::move(points)},
                         {"timeline", std::move(timeline)}});
    }

    static std::string quiz_of(const std::string& user) {
        namespace json = boost::json;
        json::array questions;
        for (const auto& [at, text] : lines_of(user)) {
            const std::string t = std::to_string(static_cast<int>(at));
            questions.push_back(json::object{{"type", "multiple_choice"},
                                             {"question", "Soru " + t + ": ne anlatıldı?"},
                                             {"options", json::array{"A " + t, "B " + t, "C " + t, "D " + t}},
                                             {"answer_index", 2},
                                             {"answer", "C " + t},
                                             {"explanation", "Çünkü " + t + ". saniyede söylendi."},
                                             {"topic", "Konu " + t},
                                             {"start", at}});
            questions.push_back(json::object{{"type", "open_ended"},
                                             {"question", "Açık soru " + t},
                                             {"options", json::array{}},
                                             {"answer_index", -1},
                                             {"answer", "Örnek cevap " + t},
                                             {"explanation", ""},
                                             {"topic", "Konu " + t},
                                             {"start", at + 1}});
            // One the service gets wrong: its answer is not among its options.
            questions.push_back(json::object{{"type", "multiple_choice"},
                                             {"question", "Bozuk soru " + t},
                                             {"options", json::array{"x", "y"}},
                                             {"answer_index", 5},
                                             {"answer", "z"},
                                             {"explanation", ""},
                                             {"topic", ""},
                                             {"start", at}});
        }
        return json::serialize(json::object{{"topics", json::array{"Kesirler"}}, {"questions", std::move(questions)}});
    }

    std::pair<int, std::string> answer(const http::Request& req) {
        namespace json = boost::json;
        if (req.method() != boost::beast::http::verb::post || req.target() != "/v1/chat/completions")
            return {404, error_doc("Unknown request URL", "unknown_url")};
        if (req[boost::beast::http::field::authorization] != "Bearer " + key_)
            return {401, error_doc("Incorrect API key provided", "invalid_api_key")};
        boost::system::error_code ec;
        json::value body = json::parse(req.body(), ec);
        if (ec || !body.is_object()) return {400, error_doc("We could not parse the JSON body", "")};
        Seen s;
        try {
            const auto& o = body.as_object();
            s.model = o.at("model").as_string().c_str();
            const auto& messages = o.at("messages").as_array();
            if (messages.size() != 2 || messages[0].at("role") != "system" || messages[1].at("role") != "user")
                return {400, error_doc("messages: a system and a user message expected", "")};
            s.system = messages[0].at("content").as_string().c_str();
            s.user = messages[1].at("content").as_string().c_str();
            const auto& format = o.at("response_format").as_object();
            if (format.at("type") != "json_schema") return {400, error_doc("response_format.type", "")};
            const auto& js = format.at("json_schema").as_object();
            s.schema_name = js.at("name").as_string().c_str();
            s.strict = js.at("strict").as_bool();
            s.schema = js.at("schema");
        } catch (const std::exception& e) {
            return {400, error_doc(std::string("Invalid request: ") + e.what(), "")};
        }
        Odd how;
        {
            std::lock_guard lock(mu_);
            seen_.push_back(s);
            int nth = 0;
            for (const auto& x : seen_) nth += x.schema_name == s.schema_name;
            if (auto o = odd_.find({s.schema_name, nth}); o != odd_.end()) how = o->second;
        }
        if (s.model != "gpt-4o-mini") return {404, error_doc("The model does not exist", "model_not_found")};
        if (how.status != 200) return {how.status, error_doc("told to fail", how.code)};
        std::string content = how.content;
        if (content.empty() && how.refusal.empty())
            content = s.schema_name == "quiz_suggestions" ? quiz_of(s.user) : summary_of(s.user);
        return {200, completion(s.model, content, how.refusal, how.finish_reason)};
    }

    const std::string key_;
    mutable std::mutex mu_;
    std::map<std::pair<std::string, int>, Odd> odd_;
    std::vector<Seen> seen_;
    FakeOpenAiApi api_;  // last: it answers from the members above, so it stops first
};

}  // namespace lc::testing
