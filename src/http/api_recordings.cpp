// A class's recordings (seed 4.1, 5.1, 5.6): the list, publishing, deleting, and signed access links
// whose every issue is an audit row (seed 9.5).
#include <boost/json.hpp>

#include "core/time.hpp"
#include "http/file_stream.hpp"
#include "http/handler_support.hpp"
#include "http/json_values.hpp"
#include "services/lesson_notes_service.hpp"
#include "services/recording_service.hpp"
#include "services/transcript_service.hpp"

namespace lc::http {

namespace json = boost::json;
namespace bhttp = boost::beast::http;
using services::Principal;

namespace {

/// The provider's playback address is left out on purpose: it is reached through an access link.
json::object recording_json(const domain::Recording& r) {
    json::object o{{"id", r.id},
                   {"session_id", r.session_id},
                   {"status", domain::to_string(r.status)},
                   {"duration_seconds", r.duration_seconds},
                   {"started_at", opt_time(r.started_at)},
                   {"file_size_bytes", r.file_size_bytes},
                   {"format", r.format},
                   {"resolution", r.resolution},
                   {"thumbnail_url", r.thumbnail_url},
                   {"transcript_status", r.transcript_status},
                   {"transcript_progress", r.transcript_progress},
                   {"transcript_language", r.transcript_language},
                   {"transcript_url", r.transcript_url},
                   {"is_public", r.is_public},
                   {"storage_status", r.storage_status},
                   {"storage_bytes", r.storage_bytes},
                   {"published_at", opt_time(r.published_at)},
                   {"expires_at", opt_time(r.expires_at)},
                   {"created_at", format_iso8601(r.created_at)}};
    if (r.summary_status) o["summary_status"] = *r.summary_status;        // listings only
    if (r.transcript_error) o["transcript_error"] = *r.transcript_error;  // listings, to the staff only
    return o;
}

/// Seeds 13.2, 13.3: a recording's summary or quiz suggestions as they are; the document once one is
/// ready (`previous`: the last one made, while new notes are made or after they failed).
json::object notes_json(const services::LessonNotes& n) {
    json::object o{{"recording_id", n.recording.id},
                   {"session_id", n.recording.session_id},
                   {"kind", std::string(domain::to_string(n.kind))},
                   {"status", n.status},
                   {"progress", n.progress},
                   {"language", n.language},
                   {"model", n.model},
                   {"error", n.error},
                   {"previous", n.previous},
                   {"made_at", opt_time(n.made_at)},
                   {"created_at", format_iso8601(n.created_at)},
                   {"updated_at", format_iso8601(n.updated_at)}};
    if (!n.content_json.empty()) {
        boost::system::error_code ec;
        json::value doc = json::parse(n.content_json, ec);
        if (!ec) o[domain::to_string(n.kind)] = std::move(doc);
    }
    return o;
}

}  // namespace

void Api::register_lesson_notes_routes(const std::string& base) {
    auto* notes = s_.lesson_notes;
    if (!notes) return;
    for (auto kind : {domain::NotesKind::kSummary, domain::NotesKind::kQuiz}) {
        const std::string path = base + "{rid}/" + std::string(domain::to_string(kind)) + "/";
        // Made in the background from the transcript (202); the class's staff ask.
        router_.add("POST", path, authed([notes, kind](RequestContext& c, const Principal& p) {
                        auto id = session_item_ids(c, "recording id");
                        if (!id) return fail(c, id.error());
                        return reply(c, notes->request(p, id->session, id->item, kind, c.meta()), 202, notes_json);
                    }));
        router_.add("GET", path, authed([notes, kind](RequestContext& c, const Principal& p) {
                        auto id = session_item_ids(c, "recording id");
                        if (!id) return fail(c, id.error());
                        if (auto st = only_known_params(c, {}, "this takes no query parameters"); !st)
                            return fail(c, st.error());
                        return reply(c, notes->read(p, id->session, id->item, kind), 200, notes_json);
                    }));
    }
}

void Api::register_transcript_routes(const std::string& base) {
    auto* transcripts = s_.transcripts;
    if (!transcripts) return;
    // Seed 13.1: the class's staff ask for a transcript; it is made in the background (202).
    router_.add("POST", base + "{rid}/transcript/", authed([transcripts](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, "recording id");
                    if (!id) return fail(c, id.error());
                    return reply(c, transcripts->request(p, id->session, id->item, c.meta()), 202, recording_json);
                }));
    router_.add("GET", base + "{rid}/transcript/", authed([transcripts](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, "recording id");
                    if (!id) return fail(c, id.error());
                    if (auto st = only_known_params(c, {"format"}, "this takes only ?format=json|vtt|srt"); !st)
                        return fail(c, st.error());
                    auto f = c.query.find("format");
                    const std::string format = f == c.query.end() ? "json" : f->second;
                    if (format != "json" && format != "vtt" && format != "srt")
                        return fail(c, bad_query({{"format", "must be json, vtt or srt"}}));
                    auto t = transcripts->read(p, id->session, id->item);
                    if (!t) return fail(c, t.error());
                    const std::string name = "transcript-" + t->recording.id;
                    if (format == "vtt")
                        return attachment(c, "text/vtt; charset=utf-8", name + ".vtt", domain::to_webvtt(t->segments));
                    if (format == "srt")
                        return attachment(c, "application/x-subrip; charset=utf-8", name + ".srt",
                                          domain::to_srt(t->segments));
                    json::array segments;
                    segments.reserve(t->segments.size());
                    for (const auto& s : t->segments)
                        segments.push_back(json::object{{"start", s.start}, {"end", s.end}, {"text", s.text}});
                    const double duration = t->segments.empty() ? 0.0 : t->segments.back().end;
                    return send(c, 200,
                                json::object{{"recording_id", t->recording.id},
                                             {"session_id", t->recording.session_id},
                                             {"language", t->language},
                                             {"duration_seconds", duration},
                                             {"text", domain::plain_text(t->segments)},
                                             {"segments", std::move(segments)}});
                }));
}

void Api::register_recording_routes() {
    auto* recordings = s_.recordings;
    if (!recordings) return;
    const std::string base = "/api/v1/live-sessions/{id}/recordings/";
    router_.add("GET", base, authed([recordings](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, nullptr);
                    if (!id) return fail(c, id.error());
                    auto list = recordings->list(p, id->session);
                    if (!list) return fail(c, list.error());
                    json::array results;
                    for (const auto& r : *list) results.push_back(recording_json(r));
                    return send(c, 200,
                                json::object{{"count", static_cast<std::int64_t>(list->size())},
                                             {"results", std::move(results)}});
                }));
    using Change = Result<domain::Recording> (services::RecordingService::*)(
        const Principal&, const std::string&, const std::string&, const services::RequestMeta&);
    for (auto [name, fn] : {std::pair<const char*, Change>{"publish", &services::RecordingService::publish},
                            std::pair<const char*, Change>{"unpublish", &services::RecordingService::unpublish}})
        router_.add("POST", base + "{rid}/" + name + "/",
                    authed([recordings, fn = fn](RequestContext& c, const Principal& p) {
                        auto id = session_item_ids(c, "recording id");
                        if (!id) return fail(c, id.error());
                        return reply(c, (recordings->*fn)(p, id->session, id->item, c.meta()), 200, recording_json);
                    }));
    router_.add("DELETE", base + "{rid}/", authed([recordings](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, "recording id");
                    if (!id) return fail(c, id.error());
                    auto r = recordings->remove(p, id->session, id->item, c.meta());
                    return r ? no_content(c) : fail(c, r.error());
                }));
    router_.add("GET", base + "{rid}/thumbnail/", authed([recordings](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, "recording id");
                    if (!id) return fail(c, id.error());
                    auto jpeg = recordings->thumbnail(p, id->session, id->item);
                    if (!jpeg) return fail(c, jpeg.error());
                    Response res{bhttp::status::ok, c.version()};
                    res.set(bhttp::field::content_type, "image/jpeg");
                    res.set(bhttp::field::cache_control, "private, max-age=300");
                    res.body() = std::move(*jpeg);
                    res.keep_alive(c.keep_alive());
                    res.prepare_payload();
                    return res;
                }));
    router_.add("GET", base + "{rid}/access/", authed([recordings](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, "recording id");
                    if (!id) return fail(c, id.error());
                    return reply(c, recordings->access(p, id->session, id->item, c.meta()), 200,
                                 [](const services::RecordingAccess& a) {
                                     return json::object{{"url", a.url}, {"expires_at", format_iso8601(a.expires_at)}};
                                 });
                }));
    register_transcript_routes(base);
    register_lesson_notes_routes(base);
    // Opened by the browser itself (no bearer header): the sealed token is the credential.
    router_.add("GET", "/api/v1/recordings/play/{token}/", [this, recordings](RequestContext& c) {
        if (auto st = only_known_params(c, {}, "this link takes no query parameters"); !st) return fail(c, st.error());
        auto playback = recordings->open_link(c.params.at(0));
        if (!playback) return fail(c, playback.error());
        // A place among the streams this process serves from disk (a HEAD opens no stream). When they
        // are all taken the viewer waits: sending the player to the provider instead could mix two
        // different files in one video's range requests.
        std::shared_ptr<void> slot;
        if (!playback->file_path.empty() && c.req.method() != bhttp::verb::head) {
            slot = acquire_file_stream_slot();
            if (!slot) {
                Error busy = Error::unavailable(
                    "this server is playing as many recordings as it allows at once; try again in a few seconds");
                busy.retry_after_seconds = 10;
                return fail(c, busy);
            }
        }
        // Our copy (seed 5.3), opened here so that the length we promise is the length we send.
        auto file = playback->file_path.empty() ? nullptr : OpenFile::open(playback->file_path);
        if (!file) {
            Response res{bhttp::status::see_other, c.version()};
            res.set(bhttp::field::location, playback->redirect_url);
            res.set(bhttp::field::cache_control, "no-store");
            res.keep_alive(c.keep_alive());
            res.prepare_payload();
            return res;
        }
        // Streamed from disk with byte ranges, so the player can seek.
        const long long size = file->size();
        auto range = parse_byte_range(c.req[bhttp::field::range], size);
        if (range.kind == ByteRange::Kind::kUnsatisfiable) {
            Response res = fail(
                c, Error{Code::kRangeNotSatisfiable,
                         "the requested range starts past the end of this " + std::to_string(size) + "-byte recording",
                         {},
                         {}});
            res.set(bhttp::field::content_range, "bytes */" + std::to_string(size));
            return res;
        }
        Response head{range.kind == ByteRange::Kind::kPartial ? bhttp::status::partial_content : bhttp::status::ok,
                      c.version()};
        head.set(bhttp::field::content_type, "video/mp4");
        head.set(bhttp::field::accept_ranges, "bytes");
        head.set(bhttp::field::cache_control, "private, no-store");
        head.set(bhttp::field::content_disposition, "inline; filename=\"" + playback->file_name + "\"");
        head.set(bhttp::field::content_length, std::to_string(range.last - range.first + 1));
        if (range.kind == ByteRange::Kind::kPartial)
            head.set(bhttp::field::content_range, "bytes " + std::to_string(range.first) + "-" +
                                                      std::to_string(range.last) + "/" + std::to_string(size));
        PendingStream stream;
        if (range.last >= range.first)
            stream.source = file_stream_source(std::move(file), range.first, range.last, c.offload);
        stream.slot = std::move(slot);
        c.stream = std::move(stream);
        return head;
    });
}

}  // namespace lc::http
