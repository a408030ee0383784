#include "domain/permissions.hpp"

#include <cstddef>

namespace lc::domain {
namespace {

constexpr std::size_t kActorCount = 4;
static_assert(static_cast<std::size_t>(SessionActor::kAdmin) + 1 == kActorCount);
static_assert(static_cast<int>(Permission::kSendChat) + 1 == kPermissionCount);

constexpr Cell Y = Cell::kAllow;
constexpr Cell N = Cell::kDeny;
constexpr Cell P = Cell::kPolicy;

// Seed 1.2, transposed: one row per SessionActor, one column per Permission (enum order).
// clang-format off
constexpr std::array<std::array<Cell, kPermissionCount>, kActorCount> kMatrix{{
    //  start end join share mute kick record whiteboard chat
    {{  Y,    Y,  Y,   Y,    Y,   Y,   Y,     Y,         Y }},  // kHost (Eğitmen)
    {{  N,    N,  Y,   P,    N,   N,   N,     P,         Y }},  // kParticipant (Öğrenci)
    {{  Y,    Y,  Y,   Y,    Y,   Y,   Y,     Y,         Y }},  // kModerator (Moderatör)
    {{  Y,    Y,  Y,   Y,    Y,   Y,   Y,     Y,         Y }},  // kAdmin
}};
// clang-format on

constexpr std::array<const char*, kPermissionCount> kPermissionNames{
    "start_session",    "end_session",     "join_session",   "share_screen", "mute_others",
    "kick_participant", "start_recording", "use_whiteboard", "send_chat",
};
constexpr std::array<const char*, kActorCount> kActorNames{"host", "participant", "moderator", "admin"};

}  // namespace

const char* to_string(Permission p) {
    const auto i = static_cast<std::size_t>(p);
    return i < kPermissionNames.size() ? kPermissionNames[i] : "unknown";
}

const char* to_string(SessionActor a) {
    const auto i = static_cast<std::size_t>(a);
    return i < kActorNames.size() ? kActorNames[i] : "unknown";
}

std::optional<Permission> parse_permission(std::string_view s) {
    for (std::size_t i = 0; i < kPermissionNames.size(); ++i) {
        if (s == kPermissionNames[i]) return static_cast<Permission>(i);
    }
    return std::nullopt;
}

Cell matrix_cell(SessionActor actor, Permission p) {
    const auto a = static_cast<std::size_t>(actor);
    const auto i = static_cast<std::size_t>(p);
    if (a >= kActorCount || i >= static_cast<std::size_t>(kPermissionCount)) return Cell::kDeny;
    return kMatrix[a][i];
}

bool is_allowed(SessionActor actor, Permission p, const EffectivePolicy& policy) {
    switch (matrix_cell(actor, p)) {
        case Cell::kAllow:
            return true;
        case Cell::kDeny:
            return false;
        case Cell::kPolicy:
            if (p == Permission::kShareScreen) return policy.students_can_share_screen;
            if (p == Permission::kUseWhiteboard) return policy.students_can_use_whiteboard;
            return false;  // a policy cell without a policy flag: deny rather than guess
    }
    return false;
}

std::optional<SessionActor> session_actor(const ActorFacts& facts) {
    if (facts.user_role == UserRole::kAdmin) return SessionActor::kAdmin;
    if (facts.is_course_instructor) return SessionActor::kHost;
    if (facts.is_session_creator && facts.user_role == UserRole::kInstructor) return SessionActor::kHost;
    if (facts.is_session_moderator) return SessionActor::kModerator;
    if (facts.is_enrolled) return SessionActor::kParticipant;
    return std::nullopt;
}

ParticipantRole participant_role(SessionActor a) {
    switch (a) {
        case SessionActor::kHost:
        case SessionActor::kAdmin:
            return ParticipantRole::kHost;
        case SessionActor::kModerator:
            return ParticipantRole::kModerator;
        case SessionActor::kParticipant:
            return ParticipantRole::kParticipant;
    }
    return ParticipantRole::kParticipant;
}

bool has_moderator_rights(SessionActor a) { return a != SessionActor::kParticipant; }

}  // namespace lc::domain
