#pragma once
// Seed 2.5 / 7: what a class leaves behind besides its recording (chat log, whiteboard, shared files,
// polls, notes), and who may see and delete it.
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "domain/entities.hpp"
#include "domain/permissions.hpp"

namespace lc::domain {

struct Artifact {
    std::string id;
    std::string tenant_id;
    std::string session_id;
    ArtifactType type = ArtifactType::kChat;
    std::string title;
    std::string content;    // the artifact itself when it is text (a chat log: JSON)
    std::string metadata;   // JSON object: provider, message_count, ...
    std::string source_id;  // the provider's id for what it was made from; one artifact per source
    UnixTime created_at = 0;
};

/// One line of a class's chat, as the provider recorded it.
struct ChatMessage {
    long long offset_seconds = 0;  // from the start of the recording it came with
    std::string sender;
    std::string message;
};

/// A chat line seen in the room at a point in time (Jitsi: uploaded by the staff's room pages).
struct TimedChatMessage {
    UnixTime at = 0;
    std::string sender;
    std::string message;
};

/// Seed 7.3 for a provider that keeps no chat (Jitsi): each staff member's room page uploads what it
/// saw, so the same line arrives from several pages with slightly different times. Adds to `log` the
/// messages it does not hold yet -- the same sender and text within kSameChatLineSeconds count as one,
/// so a person repeating themselves word for word within that time is kept once -- and leaves `log`
/// in time order. Returns how many were added.
inline constexpr UnixTime kSameChatLineSeconds = 30;
std::size_t merge_chat_messages(std::vector<TimedChatMessage>& log, const std::vector<TimedChatMessage>& incoming);
/// Saving the chat from the room is for the class's staff (host, moderators, school admins).
bool can_record_chat(SessionActor actor);

/// Seed 7.4 access control. The class's staff (host, moderators, school admins) see every artifact. A
/// student sees what the class produced for them (whiteboard, files, polls, notes) but not the chat
/// log: it holds other students' names and messages, and a student needs none of it after class
/// (KVKK data minimisation).
bool can_see_artifact(SessionActor actor, ArtifactType type);
/// Deleting is for the class's instructors and school admins, as for recordings.
bool can_delete_artifacts(SessionActor actor);

}  // namespace lc::domain
