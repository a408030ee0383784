#include "domain/entities.hpp"

#include <array>
#include <cstddef>
#include <string_view>

namespace lc::domain {
namespace {

// Wire names indexed by the enumerator's underlying value; the static_asserts keep each table in
// step with its enum (adding an enumerator without a name fails to compile).
constexpr std::array<const char*, 3> kUserRoleNames{"admin", "instructor", "student"};
constexpr std::array<const char*, 3> kSessionTypeNames{"scheduled", "adhoc", "webinar"};
constexpr std::array<const char*, 5> kSessionStatusNames{"draft", "scheduled", "live", "ended", "cancelled"};
constexpr std::array<const char*, 3> kParticipantRoleNames{"host", "moderator", "participant"};
constexpr std::array<const char*, 3> kProviderKindNames{"jitsi", "bbb", "zoom"};
constexpr std::array<const char*, 5> kRecordingStatusNames{"processing", "ready", "published", "failed", "deleted"};
constexpr std::array<const char*, 5> kArtifactTypeNames{"whiteboard", "chat", "file", "poll", "notes"};

static_assert(static_cast<std::size_t>(UserRole::kStudent) + 1 == kUserRoleNames.size());
static_assert(static_cast<std::size_t>(SessionType::kWebinar) + 1 == kSessionTypeNames.size());
static_assert(static_cast<std::size_t>(SessionStatus::kCancelled) + 1 == kSessionStatusNames.size());
static_assert(static_cast<std::size_t>(ParticipantRole::kParticipant) + 1 == kParticipantRoleNames.size());
static_assert(static_cast<std::size_t>(ProviderKind::kZoom) + 1 == kProviderKindNames.size());
static_assert(static_cast<std::size_t>(RecordingStatus::kDeleted) + 1 == kRecordingStatusNames.size());
static_assert(static_cast<std::size_t>(ArtifactType::kNotes) + 1 == kArtifactTypeNames.size());

template <class E, std::size_t N>
const char* name_of(const std::array<const char*, N>& names, E v) {
    const auto i = static_cast<std::size_t>(v);
    return i < N ? names[i] : "unknown";
}

// Exact, case-sensitive match: wire names are lowercase ASCII.
template <class E, std::size_t N>
std::optional<E> parse_from(const std::array<const char*, N>& names, std::string_view s) {
    for (std::size_t i = 0; i < N; ++i) {
        if (s == names[i]) return static_cast<E>(i);
    }
    return std::nullopt;
}

}  // namespace

const char* to_string(UserRole v) { return name_of(kUserRoleNames, v); }
const char* to_string(SessionType v) { return name_of(kSessionTypeNames, v); }
const char* to_string(SessionStatus v) { return name_of(kSessionStatusNames, v); }
const char* to_string(ParticipantRole v) { return name_of(kParticipantRoleNames, v); }
const char* to_string(ProviderKind v) { return name_of(kProviderKindNames, v); }
const char* to_string(RecordingStatus v) { return name_of(kRecordingStatusNames, v); }
const char* to_string(ArtifactType v) { return name_of(kArtifactTypeNames, v); }

std::optional<UserRole> parse_user_role(std::string_view s) { return parse_from<UserRole>(kUserRoleNames, s); }
std::optional<SessionType> parse_session_type(std::string_view s) {
    return parse_from<SessionType>(kSessionTypeNames, s);
}
std::optional<SessionStatus> parse_session_status(std::string_view s) {
    return parse_from<SessionStatus>(kSessionStatusNames, s);
}
std::optional<ParticipantRole> parse_participant_role(std::string_view s) {
    return parse_from<ParticipantRole>(kParticipantRoleNames, s);
}
std::optional<ProviderKind> parse_provider_kind(std::string_view s) {
    return parse_from<ProviderKind>(kProviderKindNames, s);
}
std::optional<RecordingStatus> parse_recording_status(std::string_view s) {
    return parse_from<RecordingStatus>(kRecordingStatusNames, s);
}
std::optional<ArtifactType> parse_artifact_type(std::string_view s) {
    return parse_from<ArtifactType>(kArtifactTypeNames, s);
}

}  // namespace lc::domain
