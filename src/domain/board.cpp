#include "domain/board.hpp"

namespace lc::domain {

bool replaces(ElementStamp incoming, ElementStamp kept) {
    if (incoming.version != kept.version) return incoming.version > kept.version;
    return incoming.nonce < kept.nonce;
}

std::optional<std::string> board_read_only_reason(SessionActor actor, const EffectivePolicy& policy,
                                                  SessionStatus status) {
    if (status == SessionStatus::kEnded) return "the class has ended: its board can be viewed and exported";
    if (status == SessionStatus::kCancelled) return "the class was cancelled: its board can be viewed and exported";
    if (!is_allowed(actor, Permission::kUseWhiteboard, policy))
        return "this class's settings let only its instructors and moderators draw on the board";
    if (status == SessionStatus::kDraft && actor == SessionActor::kParticipant) return "the class is not published yet";
    return std::nullopt;
}

}  // namespace lc::domain
