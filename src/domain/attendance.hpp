#pragma once
// Seed 2.3 / 6.3 / 6.4: per-user attendance arithmetic. Pure: no I/O, no clock reads; the caller
// supplies the presence intervals, the class window and the effective policy.
#include <optional>
#include <vector>

#include "core/clock.hpp"
#include "domain/entities.hpp"

namespace lc::domain {

/// One stretch of presence (one join..leave pair, e.g. one browser tab). left_at = nullopt: still
/// connected when the session closed (no leave event arrived).
struct PresenceInterval {
    UnixTime joined_at = 0;
    std::optional<UnixTime> left_at;
};

/// The planned and, when known, the real start/end of the class.
struct SessionWindow {
    UnixTime scheduled_start = 0;
    UnixTime scheduled_end = 0;
    std::optional<UnixTime> actual_start;
    std::optional<UnixTime> actual_end;
};

/// Computes one user's summary fields (session_id/user_id/id are left for the caller).
///
/// Rules:
/// - Class window = [actual_start or scheduled_start, actual_end or scheduled_end].
/// - An open interval (no left_at) ends at the window end. A malformed interval (left_at < joined_at)
///   is treated as the zero-length interval [joined_at, joined_at]: it adds no time but its join counts.
/// - Intervals are clipped to the window and overlapping/duplicate ones (two tabs) are merged, so no
///   second is counted twice: total_duration_seconds = length of the union inside the window.
/// - join_count = number of intervals (raw, overlapping ones included); first_join = earliest joined_at
///   (unclipped); last_leave = latest effective leave (left_at, window end for open intervals,
///   joined_at for malformed ones), unclipped. No intervals: join_count 0, first_join 0, last_leave nullopt.
/// - attendance_percent = 100 * total / window length, rounded half-up to 2 decimals, capped at 100;
///   0 when the window length is <= 0.
/// - attended (seed 6.4 "%70 toplam süre VEYA minimum X dakika") = rounded percent >= threshold OR
///   total >= minimum_duration_minutes * 60. When minimum_duration_minutes <= 0 only the percent rule
///   applies (otherwise every user, even one with 0 seconds, would count as attended).
/// - late_join = first join, clamped into the window, > window start + late_join_tolerance_minutes * 60.
/// - early_leave = last effective leave, clamped into the window, < window end -
///   early_leave_tolerance_minutes * 60. Negative tolerances are treated as 0.
/// - No intervals: attended, late_join and early_leave are all false.
AttendanceSummary summarize_attendance(const std::vector<PresenceInterval>& intervals, const SessionWindow& w,
                                       const EffectivePolicy& policy);

}  // namespace lc::domain
