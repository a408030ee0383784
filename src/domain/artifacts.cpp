#include "domain/artifacts.hpp"

namespace lc::domain {

bool can_see_artifact(SessionActor actor, ArtifactType type) {
    if (actor != SessionActor::kParticipant) return true;
    return type != ArtifactType::kChat;
}

bool can_delete_artifacts(SessionActor actor) { return actor == SessionActor::kHost || actor == SessionActor::kAdmin; }

}  // namespace lc::domain
