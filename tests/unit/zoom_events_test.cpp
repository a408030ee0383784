// Seed 13.1: where Zoom's own transcript of a cloud recording is found in its events.
#include "providers/zoom_events.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace lc::providers {
namespace {

namespace json = boost::json;

json::object file(const char* type, const char* url, const char* status = "completed") {
    return json::object{{"file_type", type}, {"download_url", url}, {"status", status}};
}

json::object event(const char* name, json::array files) {
    return json::object{{"event", name},
                        {"event_ts", 1764000000000},
                        {"payload",
                         {{"object",
                           {{"id", 85746352},
                            {"uuid", "abc/+=="},
                            {"start_time", "2026-11-27T09:00:00Z"},
                            {"recording_files", std::move(files)}}}}}};
}

TEST(ZoomEvents, TheFirstCompleteTranscriptOfARecordingIsTakenAndCaptionsOnlyWithoutOne) {
    ManualClock clock(1764000000);
    auto ev = normalize_zoom_event(
        event("recording.completed",
              json::array{file("MP4", "https://z/1.mp4"), file("TRANSCRIPT", "https://z/p", "processing"),
                          file("CC", "https://z/cc.vtt"), file("TRANSCRIPT", "https://z/1.vtt"),
                          file("TRANSCRIPT", "https://z/2.vtt")}),
        clock);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->event_type, "recording_ready");
    EXPECT_EQ(ev->payload.at("transcript_url"), "https://z/1.vtt") << "the first complete transcript, not captions";
    EXPECT_EQ(ev->payload.at("recording_id"), "abc/+==/");

    auto captions = normalize_zoom_event(
        event("recording.completed", json::array{file("MP4", "https://z/1.mp4"), file("CC", "https://z/cc.vtt")}),
        clock);
    ASSERT_TRUE(captions);
    EXPECT_EQ(captions->payload.at("transcript_url"), "https://z/cc.vtt");

    auto none = normalize_zoom_event(event("recording.completed", json::array{file("MP4", "https://z/1.mp4")}), clock);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->payload.contains("transcript_url"));
}

TEST(ZoomEvents, TheRecordingStartsWhenItsMp4FileSays) {
    ManualClock clock(1764000000);
    json::object mp4 = file("MP4", "https://z/1.mp4");
    mp4["recording_start"] = "2026-11-27T09:02:30Z";
    auto ev = normalize_zoom_event(event("recording.completed", json::array{std::move(mp4)}), clock);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->payload.at("started_at").as_int64(), 1795770150);  // 2026-11-27T09:02:30Z
    // No start on the file: not known (the meeting's start is not the recording's).
    auto unknown =
        normalize_zoom_event(event("recording.completed", json::array{file("MP4", "https://z/1.mp4")}), clock);
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(unknown->payload.contains("started_at"));
}

TEST(ZoomEvents, ATranscriptCompletedEventNamesTheMeetingsRecordingAndItsFile) {
    ManualClock clock(1764000000);
    auto ev = normalize_zoom_event(
        event("recording.transcript_completed", json::array{file("TRANSCRIPT", "https://z/t.vtt")}), clock);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->event_type, "transcript_ready");
    EXPECT_EQ(ev->room_id, "85746352");
    EXPECT_EQ(ev->payload.at("meeting_uuid"), "abc/+==");
    EXPECT_EQ(ev->payload.at("transcript_url"), "https://z/t.vtt");
}

}  // namespace
}  // namespace lc::providers
