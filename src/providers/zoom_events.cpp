#include "providers/zoom_events.hpp"

#include <boost/json.hpp>

#include "core/time.hpp"

namespace lc::providers {

namespace json = boost::json;

namespace {

const json::object* object_at(const json::object* o, const char* key) {
    if (!o) return nullptr;
    auto* v = o->if_contains(key);
    return v && v->is_object() ? &v->get_object() : nullptr;
}

std::string text_at(const json::object* o, const char* key) {
    if (!o) return {};
    auto* v = o->if_contains(key);
    if (!v) return {};
    if (v->is_string()) return std::string(v->get_string());
    if (v->is_int64()) return std::to_string(v->get_int64());
    if (v->is_uint64()) return std::to_string(v->get_uint64());
    return {};
}

/// Seed 13.1: Zoom's own audio transcript (a TRANSCRIPT file, WebVTT), when the account has it on, else its
/// closed captions (CC); the first complete one (a recording stopped and started again has one per part, and
/// the video kept is the first part's).
void add_transcript_file(const json::object* object, json::object& payload) {
    auto* files = object ? object->if_contains("recording_files") : nullptr;
    if (!files || !files->is_array()) return;
    for (const char* wanted : {"TRANSCRIPT", "CC"})
        for (const auto& f : files->get_array()) {
            if (!f.is_object()) continue;
            const json::object& file = f.get_object();
            const std::string status = text_at(&file, "status"), url = text_at(&file, "download_url");
            if (text_at(&file, "file_type") != wanted || url.empty() || (!status.empty() && status != "completed"))
                continue;
            payload["transcript_url"] = url;
            return;
        }
}

}  // namespace

Result<NormalizedEvent> normalize_zoom_event(const json::object& body, const Clock& clock) {
    const std::string event = text_at(&body, "event");
    if (event.empty()) return Error::invalid("not a Zoom event", {{"event", "is required"}});
    const json::object* payload = object_at(&body, "payload");
    const json::object* object = object_at(payload, "object");
    const json::object* participant = object_at(object, "participant");
    NormalizedEvent ev;
    ev.provider = "zoom";
    ev.raw_event = body;
    ev.room_id = text_at(object, "id");
    auto when = [&](const json::object* o, const char* key) -> UnixTime {
        if (auto t = parse_iso8601(text_at(o, key))) return *t;
        if (auto* ts = body.if_contains("event_ts"); ts && ts->is_int64()) return ts->get_int64() / 1000;
        return clock.now();
    };
    auto suffix = [&](const char* s) {
        const std::string tail(s);
        return event.size() > tail.size() && event.compare(event.size() - tail.size(), tail.size(), tail) == 0 &&
               (event.rfind("meeting.", 0) == 0 || event.rfind("webinar.", 0) == 0);
    };
    if (suffix(".started")) {
        ev.event_type = "session_started";
        ev.timestamp = when(object, "start_time");
    } else if (suffix(".ended")) {
        ev.event_type = "session_ended";
        ev.timestamp = when(object, "end_time");
    } else if (suffix(".participant_joined")) {
        ev.event_type = "participant_joined";
        ev.timestamp = when(participant, "join_time");
    } else if (suffix(".participant_left")) {
        ev.event_type = "participant_left";
        ev.timestamp = when(participant, "leave_time");
    } else if (event == "recording.completed") {
        ev.event_type = "recording_ready";
        ev.timestamp = when(object, "start_time");
        long long size = 0;
        std::string url, file_id;
        if (auto* files = object ? object->if_contains("recording_files") : nullptr; files && files->is_array()) {
            for (const auto& f : files->get_array()) {
                if (!f.is_object()) continue;
                const json::object& file = f.get_object();
                const std::string type = text_at(&file, "file_type");
                if (type == "CHAT" && !ev.payload.contains("chat_url")) {
                    // Seed 7.3: the meeting's chat, saved with the recording; exported as an artifact.
                    ev.payload["chat_url"] = text_at(&file, "download_url");
                    ev.payload["chat_file_id"] = text_at(&file, "id");
                    // Offsets count from the recording's start; without one the timestamps stay unknown
                    // (the event's own time is when the recording was done, not when it began).
                    if (auto start = parse_iso8601(text_at(&file, "recording_start")))
                        ev.payload["chat_started_at"] = *start;
                    else if (auto meeting_start = parse_iso8601(text_at(object, "start_time")))
                        ev.payload["chat_started_at"] = *meeting_start;
                }
                if (type != "MP4" || !url.empty()) continue;
                url = text_at(&file, "download_url");
                file_id = text_at(&file, "id");
                if (auto start = parse_iso8601(text_at(&file, "recording_start"))) ev.payload["started_at"] = *start;
                if (auto* s = file.if_contains("file_size"); s && s->is_int64()) size = s->get_int64();
            }
        }
        add_transcript_file(object, ev.payload);
        // "meeting uuid/file id", the id ZoomProvider lists and deletes recordings by.
        ev.payload["recording_id"] = text_at(object, "uuid") + "/" + file_id;
        ev.payload["url"] = url;
        ev.payload["size_bytes"] = size;
        if (auto* d = object ? object->if_contains("duration") : nullptr;
            d && d->is_int64() && d->get_int64() >= 0 && d->get_int64() < 1'000'000)
            ev.payload["duration_seconds"] = d->get_int64() * 60;
    } else if (event == "recording.transcript_completed") {
        // Zoom's audio transcript is made after the video, so it usually comes in an event of its own.
        ev.event_type = "transcript_ready";
        ev.timestamp = when(object, "start_time");
        ev.payload["meeting_uuid"] = text_at(object, "uuid");
        add_transcript_file(object, ev.payload);
    } else {
        ev.event_type = "ignored";
        ev.timestamp = clock.now();
    }
    if (ev.event_type != "ignored" && ev.room_id.empty())
        return Error::invalid("the event names no meeting", {{"payload.object.id", "is required"}});
    if (participant) {
        // A rejoin is a new participant record at Zoom: participant_uuid (or id) names one connection.
        std::string connection = text_at(participant, "participant_uuid");
        if (connection.empty()) connection = text_at(participant, "id");
        ev.payload["participant"] = json::object{{"email", text_at(participant, "email")},
                                                 {"name", text_at(participant, "user_name")},
                                                 {"connection_id", connection}};
    }
    return ev;
}

}  // namespace lc::providers
