#pragma once
// Seed 2.3 / 6.3 / 6.4: per-user attendance arithmetic. Pure: no I/O, no clock reads; the caller
// supplies the presence intervals, the class window and the effective policy.
#include <optional>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "domain/entities.hpp"

namespace lc::domain {

/// One stretch of presence (one join..leave pair, e.g. one browser tab). left_at = nullopt: still
/// connected when the session closed (no leave event arrived).
struct PresenceInterval {
    UnixTime joined_at = 0;
    std::optional<UnixTime> left_at;
    /// Stretches [begin, end) of this interval with the tab in the background (seed 6.5); parts outside
    /// the interval are ignored.
    std::vector<std::pair<UnixTime, UnixTime>> hidden;
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
///   joined_at for malformed ones), unclipped.
/// - attendance_percent = 100 * total / window length, rounded half-up to 2 decimals, capped at 100;
///   0 when the window length is <= 0.
/// - attended (seed 6.4 "%70 toplam süre VEYA minimum X dakika") = rounded percent >= threshold OR
///   total >= minimum_duration_minutes * 60, and in either case total > 0. When
///   minimum_duration_minutes <= 0 only the percent rule applies (otherwise every user, even one with
///   0 seconds, would count as attended); a 0 % threshold still needs some time in the class.
/// - late_join = first join, clamped into the window, > window start + late_join_tolerance_minutes * 60.
/// - early_leave = last effective leave, clamped into the window, < window end -
///   early_leave_tolerance_minutes * 60. Negative tolerances are treated as 0.
/// - No intervals: attended, late_join and early_leave are all false; first_join and last_leave are
///   empty (the user is absent).
/// - background_duration_seconds = time inside the window when the user was present but no device of
///   theirs had the tab in the foreground: |union of presence| - |union of (presence minus hidden)|.
/// - engagement_score: see engagement_score() (no provider activity).
AttendanceSummary summarize_attendance(const std::vector<PresenceInterval>& intervals, const SessionWindow& w,
                                       const EffectivePolicy& policy);

/// What a provider reported of a user's activity in the class (seed 13.4), when it reports any.
struct ProviderActivity {
    int chat_messages = 0;
    int talk_seconds = 0;
};

/// Seed 13.4: a 0-100 participation score, integer, from three parts:
///   attendance = attendance_percent / 100                                  (weight 60)
///   focus      = (total - background) / total, 0 when total is 0           (weight 25)
///   activity   = min(1, chat_messages / 5 + talk_seconds / 120)            (weight 15)
/// score = round(100 * (60 * attendance + 25 * focus + 15 * activity) / 100), computed exactly (x.5
/// rounds up). When the provider reports
/// no activity (nullopt), the activity weight is left out: score = round(100 * (60a + 25f) / 85), so a
/// class on a provider without activity data is not marked down. A user with no time scores 0.
int engagement_score(const AttendanceSummary& s, const std::optional<ProviderActivity>& activity);

/// One minute of the class (seed 13.5) for the instructor's timeline.
struct TimelineMinute {
    UnixTime minute_start = 0;
    int present = 0;        // users present (any device) for at least half of this minute
    int foreground = 0;     // users with a tab in the foreground for at least half of it
    bool drop_off = false;  // present fell by at least max(2, 10 % of the previous minute's)
    int lost = 0;           // how many fewer than in the previous minute (0 when it rose)
};

/// Per-minute presence over the class window [start, end): one entry per started minute (the last one
/// may be shorter than 60 s: half of its own length counts), empty when the window is. `users` holds
/// each user's intervals, read as summarize_attendance() reads them.
std::vector<TimelineMinute> attendance_timeline(const std::vector<std::vector<PresenceInterval>>& users,
                                                const SessionWindow& w);

}  // namespace lc::domain
