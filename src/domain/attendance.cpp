#include "domain/attendance.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace lc::domain {
namespace {

using Span = std::pair<UnixTime, UnixTime>;  // [begin, end), begin < end

/// Effective end of one interval: left_at; the window end when open; joined_at when malformed
/// (left_at < joined_at), which makes the interval zero-length while its join still counts.
UnixTime effective_leave(const PresenceInterval& iv, UnixTime window_end) {
    if (!iv.left_at.has_value()) {
        return window_end;
    }
    return *iv.left_at < iv.joined_at ? iv.joined_at : *iv.left_at;
}

/// Moves t into [lo, hi]; for an empty window (hi < lo) the result is lo.
UnixTime clamp_into(UnixTime t, UnixTime lo, UnixTime hi) { return std::max(lo, std::min(t, hi)); }

/// Length of the union of the intervals clipped to [start, end]; overlapping and duplicate spans
/// (one user in two tabs) are merged first so no second is counted twice.
std::int64_t union_inside_window(const std::vector<PresenceInterval>& intervals, UnixTime start, UnixTime end) {
    std::vector<Span> spans;
    spans.reserve(intervals.size());
    for (const PresenceInterval& iv : intervals) {
        const UnixTime b = std::max(iv.joined_at, start);
        const UnixTime e = std::min(effective_leave(iv, end), end);
        if (b < e) {
            spans.emplace_back(b, e);
        }
    }
    std::sort(spans.begin(), spans.end());
    std::int64_t total = 0;
    bool have = false;
    Span cur{0, 0};
    for (const Span& s : spans) {
        if (have && s.first <= cur.second) {
            cur.second = std::max(cur.second, s.second);
            continue;
        }
        if (have) {
            total += cur.second - cur.first;
        }
        cur = s;
        have = true;
    }
    if (have) {
        total += cur.second - cur.first;
    }
    return total;
}

/// 100 * total / length in hundredths of a percent, rounded half-up, capped at 10000 (= 100.00%).
/// Integer arithmetic so that e.g. exactly 70% is exactly 7000 (no floating-point drift at the threshold).
std::int64_t percent_hundredths(std::int64_t total, std::int64_t length) {
    if (length <= 0 || total <= 0) {
        return 0;
    }
    if (total >= length) {
        return 10000;
    }
    return (total * 20000 + length) / (2 * length);
}

}  // namespace

AttendanceSummary summarize_attendance(const std::vector<PresenceInterval>& intervals, const SessionWindow& w,
                                       const EffectivePolicy& policy) {
    AttendanceSummary s;
    // Window: the real start/end when the session recorded them, the schedule otherwise.
    const UnixTime start = w.actual_start.value_or(w.scheduled_start);
    const UnixTime end = w.actual_end.value_or(w.scheduled_end);
    const std::int64_t length = end - start;

    s.join_count = static_cast<int>(std::min<std::size_t>(intervals.size(), std::numeric_limits<int>::max()));
    if (intervals.empty()) {
        // Nobody to count: no time, no flags, no first/last timestamps.
        s.total_duration_seconds = 0;
        s.first_join = 0;
        s.last_leave = std::nullopt;
        s.attended = false;
        s.attendance_percent = 0;
        s.late_join = false;
        s.early_leave = false;
        return s;
    }

    // first_join is the raw earliest join; last_leave the latest effective leave (open -> window end).
    UnixTime first = intervals.front().joined_at;
    UnixTime last = effective_leave(intervals.front(), end);
    for (const PresenceInterval& iv : intervals) {
        first = std::min(first, iv.joined_at);
        last = std::max(last, effective_leave(iv, end));
    }
    s.first_join = first;
    s.last_leave = last;

    const std::int64_t total = union_inside_window(intervals, start, end);
    s.total_duration_seconds = static_cast<int>(std::min<std::int64_t>(total, std::numeric_limits<int>::max()));

    const std::int64_t hundredths = percent_hundredths(total, length);
    s.attendance_percent = static_cast<double>(hundredths) / 100.0;

    // Seed 6.4: "%70 toplam süre VEYA minimum X dakika". The percent rule compares the stored, rounded
    // value, so a report never shows 70.00 next to "not attended". A minimum of 0 minutes disables the
    // duration rule: "total >= 0" would otherwise make everyone attended.
    const bool by_percent = hundredths >= static_cast<std::int64_t>(policy.attendance_threshold_percent) * 100;
    const bool by_duration =
        policy.minimum_duration_minutes > 0 && total >= static_cast<std::int64_t>(policy.minimum_duration_minutes) * 60;
    s.attended = by_percent || by_duration;

    // Late/early are judged on times clamped into the window: joining before the start is on time,
    // leaving after the end is not early. Exactly at the tolerance is neither late nor early.
    const std::int64_t late_tol = static_cast<std::int64_t>(std::max(0, policy.late_join_tolerance_minutes)) * 60;
    const std::int64_t early_tol = static_cast<std::int64_t>(std::max(0, policy.early_leave_tolerance_minutes)) * 60;
    s.late_join = clamp_into(first, start, end) > start + late_tol;
    s.early_leave = clamp_into(last, start, end) < end - early_tol;
    return s;
}

}  // namespace lc::domain
