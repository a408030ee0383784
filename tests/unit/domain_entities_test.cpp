#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/entities.hpp"

namespace lc::domain {
namespace {

// Every enumerator with its expected wire name; parse(to_string(v)) == v and to_string(v) == name.
template <class E, class Parse>
void expect_round_trip(const std::vector<std::pair<E, std::string>>& cases, Parse parse) {
    for (const auto& [value, name] : cases) {
        EXPECT_EQ(std::string(to_string(value)), name);
        const std::optional<E> parsed = parse(name);
        ASSERT_TRUE(parsed.has_value()) << name;
        EXPECT_EQ(*parsed, value) << name;
    }
}

TEST(DomainEntities, UserRoleRoundTrip) {
    expect_round_trip<UserRole>(
        {{UserRole::kAdmin, "admin"}, {UserRole::kInstructor, "instructor"}, {UserRole::kStudent, "student"}},
        parse_user_role);
}

TEST(DomainEntities, SessionTypeRoundTrip) {
    expect_round_trip<SessionType>(
        {{SessionType::kScheduled, "scheduled"}, {SessionType::kAdhoc, "adhoc"}, {SessionType::kWebinar, "webinar"}},
        parse_session_type);
}

TEST(DomainEntities, SessionStatusRoundTrip) {
    expect_round_trip<SessionStatus>({{SessionStatus::kDraft, "draft"},
                                      {SessionStatus::kScheduled, "scheduled"},
                                      {SessionStatus::kLive, "live"},
                                      {SessionStatus::kEnded, "ended"},
                                      {SessionStatus::kCancelled, "cancelled"}},
                                     parse_session_status);
}

TEST(DomainEntities, ParticipantRoleRoundTrip) {
    expect_round_trip<ParticipantRole>({{ParticipantRole::kHost, "host"},
                                        {ParticipantRole::kModerator, "moderator"},
                                        {ParticipantRole::kParticipant, "participant"}},
                                       parse_participant_role);
}

TEST(DomainEntities, ProviderKindRoundTrip) {
    expect_round_trip<ProviderKind>(
        {{ProviderKind::kJitsi, "jitsi"}, {ProviderKind::kBbb, "bbb"}, {ProviderKind::kZoom, "zoom"}},
        parse_provider_kind);
}

TEST(DomainEntities, RecordingStatusRoundTrip) {
    expect_round_trip<RecordingStatus>({{RecordingStatus::kProcessing, "processing"},
                                        {RecordingStatus::kReady, "ready"},
                                        {RecordingStatus::kPublished, "published"},
                                        {RecordingStatus::kFailed, "failed"},
                                        {RecordingStatus::kDeleted, "deleted"}},
                                       parse_recording_status);
}

TEST(DomainEntities, ArtifactTypeRoundTrip) {
    expect_round_trip<ArtifactType>({{ArtifactType::kWhiteboard, "whiteboard"},
                                     {ArtifactType::kChat, "chat"},
                                     {ArtifactType::kFile, "file"},
                                     {ArtifactType::kPoll, "poll"},
                                     {ArtifactType::kNotes, "notes"}},
                                    parse_artifact_type);
}

TEST(DomainEntities, UnknownNamesAreRejected) {
    for (std::string_view s : {"", "unknown", " admin", "admin ", "ADMIN", "Admin", "teacher"}) {
        EXPECT_FALSE(parse_user_role(s).has_value()) << s;
    }
    for (std::string_view s : {"", "SCHEDULED", "ad-hoc", "meeting"}) {
        EXPECT_FALSE(parse_session_type(s).has_value()) << s;
    }
    for (std::string_view s : {"", "canceled", "started", "LIVE", "pending"}) {
        EXPECT_FALSE(parse_session_status(s).has_value()) << s;
    }
    for (std::string_view s : {"", "co-host", "admin", "student"}) {
        EXPECT_FALSE(parse_participant_role(s).has_value()) << s;
    }
    for (std::string_view s : {"", "teams", "BBB", "bigbluebutton", "meet"}) {
        EXPECT_FALSE(parse_provider_kind(s).has_value()) << s;
    }
    for (std::string_view s : {"", "done", "Ready", "removed"}) {
        EXPECT_FALSE(parse_recording_status(s).has_value()) << s;
    }
    for (std::string_view s : {"", "video", "Chat", "note"}) {
        EXPECT_FALSE(parse_artifact_type(s).has_value()) << s;
    }
}

TEST(DomainEntities, NameWithEmbeddedNulIsRejected) {
    EXPECT_FALSE(parse_user_role(std::string_view("admin\0x", 7)).has_value());
}

}  // namespace
}  // namespace lc::domain
