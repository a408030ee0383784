#pragma once
// A speech-to-text service on loopback that speaks OpenAI's audio transcription API as documented:
// POST /v1/audio/transcriptions, multipart/form-data (model, file, response_format, language, prompt,
// timestamp_granularities[]), a bearer key, and a `verbose_json` answer with the detected language
// (as Whisper names it, "turkish") and timed segments. It checks that the file is real audio (ffprobe
// reads its duration) and answers one segment per started 4 s of it. It can be told to fail the next
// requests with a status of choice and an OpenAI-style error document.
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_openai_api.hpp"

namespace lc::testing {

class FakeSpeechToText {
public:
    struct Seen {
        std::map<std::string, std::string> fields;  // the text parts
        std::string file_name, file_type;
        double audio_seconds = -1;  // as ffprobe read the file (-1: not audio)
    };

    /// The Retry-After of a 429 answer.
    static constexpr int kRetryAfterSeconds = 120;

    explicit FakeSpeechToText(std::string key = "stt-test-key")
        : key_(std::move(key)),
          // The API's own limit is 25 MB.
          api_([this](const http::Request& req) { return answer(req); }, kRetryAfterSeconds, 26 * 1024 * 1024) {}

    /// The API's base, as LIVE_TRANSCRIBE_URL names it.
    std::string base_url() const { return api_.base_url(); }
    const std::string& key() const { return key_; }
    /// The `nth` request with the right key (counting from 1, failed ones included) is answered
    /// `status`, with an error document about `param` (the request field at fault, when given).
    void fail_request(int nth, int status, std::string param = {}) {
        std::lock_guard lock(mu_);
        failures_[nth] = {status, std::move(param)};
    }
    /// Runs `action` while the `nth` request is being answered (before its answer goes out).
    void while_answering(int nth, std::function<void()> action) {
        std::lock_guard lock(mu_);
        actions_[nth] = std::move(action);
    }
    /// Requests with the right key so far, failed ones included.
    int requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }
    std::vector<Seen> seen() const {
        std::lock_guard lock(mu_);
        return seen_;
    }

private:
    static std::string error_doc(const std::string& message, const char* type, const std::string& param = {}) {
        return FakeOpenAiApi::error_doc(message, type, param);
    }

    static double probe_seconds(const std::string& bytes) {
        char path[] = "/tmp/fake-stt-XXXXXX";
        int fd = ::mkstemp(path);
        if (fd < 0) return -1;
        ::close(fd);
        std::ofstream(path, std::ios::binary) << bytes;
        const std::string cmd =
            std::string("ffprobe -v error -show_entries format=duration -of csv=p=0 ") + path + " 2>/dev/null";
        double seconds = -1;
        if (FILE* p = ::popen(cmd.c_str(), "r")) {
            char buf[64] = {};
            if (std::fgets(buf, sizeof buf, p)) seconds = std::atof(buf);
            ::pclose(p);
        }
        ::unlink(path);
        return seconds;
    }

    /// RFC 7578 parts: name -> (filename, content type, body).
    static bool parse_multipart(const std::string& content_type, const std::string& body, Seen& out,
                                std::string& file) {
        const auto b = content_type.find("boundary=");
        if (content_type.rfind("multipart/form-data", 0) != 0 || b == std::string::npos) return false;
        const std::string delim = "--" + content_type.substr(b + 9);
        std::size_t at = body.find(delim);
        while (at != std::string::npos) {
            at += delim.size();
            if (body.compare(at, 2, "--") == 0) return true;  // the closing delimiter
            at += 2;                                          // CRLF
            const auto head_end = body.find("\r\n\r\n", at);
            if (head_end == std::string::npos) return false;
            const std::string head = body.substr(at, head_end - at);
            const auto next = body.find("\r\n" + delim, head_end + 4);
            if (next == std::string::npos) return false;
            const std::string value = body.substr(head_end + 4, next - head_end - 4);
            auto param = [&](const std::string& key) -> std::string {
                auto p = head.find(key + "=\"");
                if (p == std::string::npos) return {};
                p += key.size() + 2;
                return head.substr(p, head.find('"', p) - p);
            };
            const std::string name = param("name");
            if (head.find("filename=") != std::string::npos) {
                out.file_name = param("filename");
                auto ct = head.find("Content-Type: ");
                if (ct != std::string::npos) out.file_type = head.substr(ct + 14, head.find("\r\n", ct) - ct - 14);
                if (name == "file") file = value;
            } else {
                out.fields[name] = value;
            }
            at = next + 2;
        }
        return false;
    }

    std::pair<int, std::string> answer(const http::Request& req) {
        if (req.method() != boost::beast::http::verb::post || req.target() != "/v1/audio/transcriptions")
            return {404, error_doc("Unknown request URL", "invalid_request_error")};
        if (req[boost::beast::http::field::authorization] != "Bearer " + key_)
            return {401, error_doc("Incorrect API key provided", "invalid_request_error")};
        std::function<void()> action;
        {
            std::lock_guard lock(mu_);
            if (auto a = actions_.find(requests_ + 1); a != actions_.end()) action = a->second;
        }
        if (action) action();
        {
            std::lock_guard lock(mu_);
            auto failure = failures_.find(++requests_);
            if (failure != failures_.end()) {
                const auto& [status, param] = failure->second;
                return {status,
                        error_doc("told to fail", status >= 500 ? "server_error" : "invalid_request_error", param)};
            }
        }
        Seen s;
        std::string file;
        if (!parse_multipart(std::string(req[boost::beast::http::field::content_type]), req.body(), s, file))
            return {400, error_doc("Could not parse multipart form", "invalid_request_error")};
        s.audio_seconds = file.empty() ? -1 : probe_seconds(file);
        int n = 0;
        {
            std::lock_guard lock(mu_);
            seen_.push_back(s);
            n = static_cast<int>(seen_.size());
        }
        if (s.fields["model"] != "whisper-1")
            return {404, error_doc("The model does not exist", "invalid_request_error")};
        if (s.audio_seconds <= 0)
            return {400, error_doc("Invalid file format. Supported formats: flac, m4a, mp3, mp4, mpeg, mpga, oga, "
                                   "ogg, wav, webm",
                                   "invalid_request_error")};
        boost::json::array segments;
        for (double t = 0; t < s.audio_seconds; t += 4) {
            const double end = std::min(t + 4, s.audio_seconds);
            segments.push_back(boost::json::object{
                {"id", segments.size()},
                {"seek", 0},
                {"start", t},
                {"end", end},
                {"text", " istek " + std::to_string(n) + " <" + std::to_string(static_cast<int>(t)) + "> sn"},
                {"avg_logprob", -0.2},
                {"no_speech_prob", 0.01}});
        }
        return {200, boost::json::serialize(boost::json::object{{"task", "transcribe"},
                                                                {"language", "turkish"},
                                                                {"duration", s.audio_seconds},
                                                                {"text", "..."},
                                                                {"segments", std::move(segments)}})};
    }

    const std::string key_;
    mutable std::mutex mu_;
    std::map<int, std::pair<int, std::string>> failures_;
    int requests_ = 0;
    std::map<int, std::function<void()>> actions_;
    std::vector<Seen> seen_;
    FakeOpenAiApi api_;  // last: it answers from the members above, so it stops first
};

}  // namespace lc::testing
