#pragma once
// Seed 1.2: the role/permission matrix, as one table. Cells marked "policy" (△ in the seed)
// are resolved from the effective policy.
#include <array>
#include <optional>
#include <string_view>

#include "domain/entities.hpp"

namespace lc::domain {

/// Roles inside one live session. Course instructor = host; moderators are named per session
/// (co-hosts); a tenant admin is admin.
enum class SessionActor { kHost, kParticipant, kModerator, kAdmin };

enum class Permission {
    kStartSession,
    kEndSession,
    kJoinSession,
    kShareScreen,
    kMuteOthers,
    kKickParticipant,
    kStartRecording,
    kUseWhiteboard,
    kSendChat,
};
inline constexpr int kPermissionCount = 9;

enum class Cell { kAllow, kDeny, kPolicy };

const char* to_string(Permission p);
const char* to_string(SessionActor a);
std::optional<Permission> parse_permission(std::string_view s);

/// The raw matrix cell (what the seed's table shows).
Cell matrix_cell(SessionActor actor, Permission p);

/// The cell resolved: kPolicy cells read students_can_share_screen / students_can_use_whiteboard.
bool is_allowed(SessionActor actor, Permission p, const EffectivePolicy& policy);

/// Who the user is in this session. Admin (same tenant) > host (course instructor or the session's
/// creator if an instructor) > moderator (named on the session) > participant (enrolled student).
/// Returns nullopt when the user has no business in the session (not enrolled, not instructor).
struct ActorFacts {
    UserRole user_role = UserRole::kStudent;
    bool is_course_instructor = false;
    bool is_session_creator = false;
    bool is_session_moderator = false;
    bool is_enrolled = false;
};
std::optional<SessionActor> session_actor(const ActorFacts& facts);

/// The participant-row role for an actor (admin and host are both "host").
ParticipantRole participant_role(SessionActor a);

/// True for roles that get moderator rights in the room (host, moderator, admin).
bool has_moderator_rights(SessionActor a);

}  // namespace lc::domain
