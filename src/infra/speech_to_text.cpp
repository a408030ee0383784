#include "infra/speech_to_text.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/text.hpp"
#include "infra/crypto.hpp"
#include "infra/json_fields.hpp"
#include "infra/openai_api.hpp"
#include "infra/subprocess.hpp"

namespace lc::infra {

namespace json = boost::json;

namespace {

std::string read_whole(const std::string& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    ok = static_cast<bool>(in) || in.eof();
    return out.str();
}

/// `text` with every occurrence of `url` shortened to its address without the query: a signed S3 link's
/// query is a credential, and ffmpeg names its input in its errors.
std::string without_query(std::string text, const std::string& url) {
    const auto q = url.find('?');
    if (q == std::string::npos) return text;
    const std::string bare = url.substr(0, q) + "?…";
    for (std::size_t at; (at = text.find(url)) != std::string::npos;) text.replace(at, url.size(), bare);
    for (std::size_t at = 0; (at = text.find("X-Amz-", at)) != std::string::npos;) {
        const auto end = text.find_first_of(" \n'\"", at);
        text.replace(at, (end == std::string::npos ? text.size() : end) - at, "…");
        at += 1;
    }
    return text;
}

}  // namespace

Result<std::vector<AudioPiece>> split_audio(const AudioSplit& q) {
    const std::string list = q.dir + "/pieces.csv", log_path = q.dir + "/ffmpeg.log";
    ::unlink(list.c_str());
    ProgramRun run = run_program({q.ffmpeg,
                                  "-nostdin",
                                  "-hide_banner",
                                  "-loglevel",
                                  "error",
                                  "-i",
                                  q.input,
                                  "-map",
                                  "0:a:0",
                                  "-vn",
                                  "-ac",
                                  "1",
                                  "-ar",
                                  "16000",
                                  "-c:a",
                                  "libmp3lame",
                                  "-b:a",
                                  "32k",
                                  "-f",
                                  "segment",
                                  "-segment_time",
                                  std::to_string(q.piece_seconds),
                                  "-reset_timestamps",
                                  "1",
                                  "-segment_list",
                                  list,
                                  "-segment_list_type",
                                  "csv",
                                  "-y",
                                  q.dir + "/piece-%03d.mp3"},
                                 log_path, ProgramLimits{q.timeout});
    ::unlink(log_path.c_str());
    if (!run.started)
        return Error::unavailable("the recording's audio could not be read",
                                  "could not run " + q.ffmpeg + " (LIVE_FFMPEG)");
    if (run.timed_out)
        return Error::unavailable("the recording's audio could not be read",
                                  q.ffmpeg + " took longer than " + std::to_string(q.timeout.count()) + " s");
    if (run.exit_code != 0) {
        Error e = Error::invalid("the recording has no audio that can be read");
        e.internal = "ffmpeg exit " + std::to_string(run.exit_code) + " signal " + std::to_string(run.signal) + ": " +
                     clean_text(without_query(run.errors, q.input));
        // Killed by a signal (the OOM killer, say) is the machine, not the file.
        if (run.signal != 0) e.code = Code::kUnavailable;
        return e;
    }
    // The segment list: "piece-000.mp3,0.000000,600.024000" per piece, as ffmpeg cut them.
    std::vector<AudioPiece> pieces;
    std::ifstream in(list);
    for (std::string line; std::getline(in, line);) {
        const auto c1 = line.find(','), c2 = line.find(',', c1 == std::string::npos ? c1 : c1 + 1);
        if (c1 == std::string::npos || c2 == std::string::npos) continue;
        AudioPiece p;
        p.path = q.dir + "/" + line.substr(0, c1);
        try {
            p.start = std::stod(line.substr(c1 + 1, c2 - c1 - 1));
            p.end = std::stod(line.substr(c2 + 1));
        } catch (const std::exception&) {
            continue;
        }
        struct stat st {};
        if (::stat(p.path.c_str(), &st) == 0 && st.st_size > 0) pieces.push_back(std::move(p));
    }
    ::unlink(list.c_str());
    if (pieces.empty()) return Error::invalid("the recording has no audio that can be read");
    return pieces;
}

std::string multipart_body(const std::vector<std::pair<std::string, std::string>>& fields,
                           const std::string& file_field, const std::string& file_name, const std::string& file_type,
                           const std::string& file_bytes, std::string& boundary) {
    auto occurs = [&](const std::string& b) {
        if (file_bytes.find(b) != std::string::npos) return true;
        for (const auto& [k, v] : fields)
            if (v.find(b) != std::string::npos) return true;
        return false;
    };
    do boundary = "liveclass-" + random_hex(16);
    while (occurs(boundary));
    std::string out;
    out.reserve(file_bytes.size() + 512);
    for (const auto& [name, value] : fields) {
        out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n";
        out += value;
        out += "\r\n";
    }
    out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file_field + "\"; filename=\"" +
           file_name + "\"\r\nContent-Type: " + file_type + "\r\n\r\n";
    out += file_bytes;
    out += "\r\n--" + boundary + "--\r\n";
    return out;
}

Result<PieceTranscript> transcribe_piece(const HttpClient& http, const SpeechToText& service,
                                         const std::string& audio_path, std::string_view language,
                                         std::string_view prompt) {
    bool read_ok = false;
    const std::string audio = read_whole(audio_path, read_ok);
    if (!read_ok || audio.empty())
        return Error::unavailable("a piece of the recording's audio could not be read", audio_path);
    std::vector<std::pair<std::string, std::string>> fields{
        {"model", service.model}, {"response_format", "verbose_json"}, {"timestamp_granularities[]", "segment"}};
    if (!language.empty()) fields.emplace_back("language", std::string(language));
    if (!prompt.empty()) fields.emplace_back("prompt", std::string(prompt));
    std::string boundary;
    HttpRequest req;
    req.method = "POST";
    req.url = api_endpoint(service.url, "/audio/transcriptions");
    req.body = multipart_body(fields, "file", "audio.mp3", "audio/mpeg", audio, boundary);
    req.headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
    req.headers.emplace_back("Accept", "application/json");
    if (!service.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + service.api_key);
    req.timeout = service.timeout;
    req.provider = "speech_to_text";
    req.endpoint = "transcribe";
    auto res = http.send(req);
    if (!res) return res.take_error();
    const long status = res->status;
    const std::string where = " (" + req.url + ")";
    // The service's own message is not copied for a refused key: some services echo part of the key.
    if (status == 401 || status == 403)
        return Error::unavailable("the speech-to-text service refused our key",
                                  "HTTP " + std::to_string(status) + where + ": check LIVE_TRANSCRIBE_API_KEY");
    const ApiError why = api_error(*res);
    // Only a refusal of the audio itself is final. A 400 about another field (a model name that does not
    // exist, a response format the model does not offer) is a setting an operator can fix: retried.
    const bool about_the_audio = status == 413 || status == 415 ||
                                 ((status == 400 || status == 422) && (why.param.empty() || why.param == "file"));
    if (about_the_audio)
        return Error::give_up(Error{Code::kInvalidArgument, "the speech-to-text service refused this recording's audio",
                                    "HTTP " + std::to_string(status) + where + ": " + why.message});
    if (status < 200 || status > 299) {
        Error e = Error::unavailable(
            "the speech-to-text service is not available right now",
            "HTTP " + std::to_string(status) + where +
                (why.param.empty() ? "" : " (about " + why.param + ": check LIVE_TRANSCRIBE_MODEL)") + ": " +
                why.message);
        e.retry_after_seconds = static_cast<int>(res->retry_after_seconds);
        return e;
    }
    boost::system::error_code ec;
    json::value v = json::parse(res->body, ec);
    if (ec || !v.is_object())
        return Error::unavailable("the speech-to-text service answered something that is not a transcript",
                                  "not JSON" + where + " (is LIVE_TRANSCRIBE_URL the API's base?): " +
                                      utf8_prefix(clean_text(res->body.substr(0, 400)), 200));
    const json::object& o = v.get_object();
    PieceTranscript out;
    out.language = domain::language_code(text_at(o, "language"));
    if (out.language.empty()) out.language = std::string(language);
    if (const auto* segs = o.if_contains("segments"); segs && segs->is_array()) {
        for (const auto& s : segs->get_array()) {
            if (!s.is_object()) continue;
            const auto& so = s.get_object();
            out.segments.push_back({number_at(so, "start"), number_at(so, "end"), text_at(so, "text")});
        }
    } else if (auto text = text_at(o, "text"); !text.empty()) {
        // A service that gives the text without its timing: one cue for the whole piece.
        out.segments.push_back({0, number_at(o, "duration"), text});
    } else if (!o.contains("text")) {
        return Error::unavailable("the speech-to-text service answered something that is not a transcript",
                                  "no text or segments" + where + ": " + utf8_prefix(res->body, 200));
    }
    return out;
}

}  // namespace lc::infra
