#pragma once
// Seed 2.1 / 4.1: session status machine and validation rules that need no I/O.
#include <string>
#include <vector>

#include "core/result.hpp"
#include "domain/entities.hpp"

namespace lc::domain {

enum class SessionAction { kPublish, kStart, kEnd, kCancel, kEdit };

/// draft -> scheduled (publish), scheduled|draft -> live (start; adhoc starts at creation),
/// live -> ended (end), draft|scheduled -> cancelled (cancel); edits only before ended/cancelled.
/// Returns the new status, or a FailedPrecondition error with a message a person can act on.
Result<SessionStatus> apply_action(SessionStatus from, SessionAction action);

/// Ended or cancelled: nothing about the class changes any more (no joins, no roster, no edits).
inline bool is_over(SessionStatus s) { return s == SessionStatus::kEnded || s == SessionStatus::kCancelled; }

/// Who may join in which status: hosts/moderators/admins while scheduled or live; participants only while live.
Status can_join(SessionStatus status, bool has_moderator_rights);

inline constexpr std::size_t kMaxTitleLength = 200;

/// Field checks shared by create and update: title 1..200 characters (UTF-8 code points),
/// scheduled_end > scheduled_start, max_participants 1..10000. Appends FieldErrors.
void validate_title(const std::string& title, std::vector<FieldError>& errors);
void validate_schedule(UnixTime start, UnixTime end, std::vector<FieldError>& errors);
void validate_max_participants(long long n, std::vector<FieldError>& errors);

/// Jitsi room names: "{tenant-slug}-{session-uuid}", lowercase (prosody compares lowercased).
std::string room_name(const std::string& tenant_slug, const std::string& session_id);

}  // namespace lc::domain
