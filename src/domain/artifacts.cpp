#include "domain/artifacts.hpp"

#include <algorithm>

namespace lc::domain {

bool can_see_artifact(SessionActor actor, ArtifactType type) {
    if (actor != SessionActor::kParticipant) return true;
    return type != ArtifactType::kChat;
}

std::size_t merge_chat_messages(std::vector<TimedChatMessage>& log, const std::vector<TimedChatMessage>& incoming) {
    std::size_t added = 0;
    for (const auto& m : incoming) {
        // The log is in time order: only lines within the window around m.at can be the same line.
        auto first = std::lower_bound(log.begin(), log.end(), m.at - kSameChatLineSeconds,
                                      [](const TimedChatMessage& x, UnixTime t) { return x.at < t; });
        bool seen = false;
        for (auto it = first; it != log.end() && it->at <= m.at + kSameChatLineSeconds; ++it)
            if (it->sender == m.sender && it->message == m.message) {
                seen = true;
                break;
            }
        if (seen) continue;
        auto at = std::upper_bound(log.begin(), log.end(), m.at,
                                   [](UnixTime t, const TimedChatMessage& x) { return t < x.at; });
        log.insert(at, m);
        ++added;
    }
    return added;
}

bool can_record_chat(SessionActor actor) { return actor != SessionActor::kParticipant; }

bool can_delete_artifacts(SessionActor actor) { return actor == SessionActor::kHost || actor == SessionActor::kAdmin; }

}  // namespace lc::domain
