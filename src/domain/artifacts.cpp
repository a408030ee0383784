#include "domain/artifacts.hpp"

#include <algorithm>
#include <unordered_map>

namespace lc::domain {

bool can_see_artifact(SessionActor actor, ArtifactType type) {
    if (actor != SessionActor::kParticipant) return true;
    return type != ArtifactType::kChat;
}

std::size_t merge_chat_messages(std::vector<TimedChatMessage>& log, const std::vector<TimedChatMessage>& incoming) {
    // The times each (sender, text) already has: one hash lookup per incoming line, whatever the log's size
    // or however many lines share a timestamp.
    std::unordered_map<std::string, std::vector<UnixTime>> seen;
    auto key = [](const TimedChatMessage& m) {
        std::string k = m.sender;
        k += '\0';
        k += m.message;
        return k;
    };
    for (const auto& m : log) seen[key(m)].push_back(m.at);
    const std::size_t before = log.size();
    for (const auto& m : incoming) {
        auto& times = seen[key(m)];
        const bool same = std::any_of(times.begin(), times.end(), [&](UnixTime t) {
            return t >= m.at - kSameChatLineSeconds && t <= m.at + kSameChatLineSeconds;
        });
        if (same) continue;
        times.push_back(m.at);
        log.push_back(m);
    }
    // Stable: lines with the same second keep the order they arrived in.
    std::stable_sort(log.begin(), log.end(),
                     [](const TimedChatMessage& x, const TimedChatMessage& y) { return x.at < y.at; });
    return log.size() - before;
}

bool can_record_chat(SessionActor actor) { return actor != SessionActor::kParticipant; }

bool can_delete_artifacts(SessionActor actor) { return actor == SessionActor::kHost || actor == SessionActor::kAdmin; }

}  // namespace lc::domain
