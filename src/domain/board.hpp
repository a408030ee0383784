#pragma once
// Seed 7.2: the class's own whiteboard (Jitsi classes): who may draw on it and when, and how two
// versions of one drawn element are reconciled.
#include <cstddef>
#include <optional>
#include <string>

#include "domain/entities.hpp"
#include "domain/permissions.hpp"

namespace lc::domain {

/// What tells two versions of one board element apart: Excalidraw's `version` (bumped by every edit)
/// and `versionNonce` (a random number drawn with each new version).
struct ElementStamp {
    long long version = 0;
    long long nonce = 0;
};

/// Excalidraw's rule for concurrent edits (its reconcileElements): the element sent replaces the one
/// kept when it has a higher version, or the same version and a lower nonce. Every page applying the
/// same rule ends with the same drawing, whatever order the changes cross in.
bool replaces(ElementStamp incoming, ElementStamp kept);

/// The most elements one board keeps, erased ones included (an erased element stays as a tombstone so
/// that a late edit of it cannot bring it back).
inline constexpr std::size_t kMaxBoardElements = 10'000;
/// The most bytes of elements one board keeps (what every page loads when it opens the board).
inline constexpr long long kMaxBoardBytes = 16LL * 1024 * 1024;
/// The most elements one change may send.
inline constexpr std::size_t kMaxBoardChange = 500;

/// Seed 7.2 with 1.2: nullopt when `actor` may draw on the board of a class in `status` now, else why
/// not (a sentence for the person). Drawing needs the use_whiteboard permission (a policy cell for
/// students) and a class that is scheduled or live; everyone who sees the class sees its board.
std::optional<std::string> board_read_only_reason(SessionActor actor, const EffectivePolicy& policy,
                                                  SessionStatus status);

/// True for classes that use liveclass's own board: Jitsi keeps nothing of its built-in one, while
/// BigBlueButton and Zoom bring boards of their own (seed 7.1).
inline bool has_own_board(ProviderKind provider) { return provider == ProviderKind::kJitsi; }

}  // namespace lc::domain
