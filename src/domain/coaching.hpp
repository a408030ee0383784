#pragma once
// Seed 13.5 (instructor coaching): what stood out in a class — the minutes where people left, where
// many in the room had another tab in front, presence fading as the class went on, late arrivals,
// early leavers, empty seats, a silent room — each with the numbers behind it, so the instructor knows
// where to look in the recording and what to try next time. Pure rules over the per-minute timeline
// and the students' attendance summaries: no I/O, no clock. The wording (and the suggestion that goes
// with each kind) is the reader's language's, in the web page; here are kinds and numbers.
#include <optional>
#include <string>
#include <vector>

#include "domain/attendance.hpp"
#include "domain/recording_rules.hpp"

namespace lc::domain {

enum class InsightKind {
    kLowTurnout,    // many enrolled students never came
    kLateJoins,     // many of those who came were late (past the policy's tolerance)
    kEarlyLeaves,   // many left before the end (past the tolerance)
    kQuietClass,    // the provider reported activity, and most who came neither spoke nor wrote in the chat
    kDropOff,       // presence fell sharply over one or a few consecutive minutes
    kAttentionDip,  // for several minutes in a row, many of those present had the tab in the background
    kFading,        // presence wore away over the class: the last third well under the peak
};
const char* to_string(InsightKind k);

/// Where a moment of the class is in a recording of it, and what was said there (when the recording
/// has a transcript).
struct RecordingMoment {
    std::string recording_id;
    long long offset_seconds = 0;  // from the recording's start
    std::string said;              // the transcript around it; "" when there is none
};

/// One finding. Person-based kinds (turnout, late, early, quiet) cover the whole class window; the
/// others the minutes they happened in.
struct Insight {
    InsightKind kind = InsightKind::kDropOff;
    bool strong = false;  // "high" severity: worth acting on first (thresholds per kind in coaching.cpp)
    UnixTime from = 0;    // first minute it covers (its start)
    UnixTime to = 0;      // end of the last minute it covers (the class end for person-based kinds)
    int minute = 0;       // whole minutes from the class start to `from` ("34 minutes in")
    int count = 0;  // how many: left, in the background, late, absent, silent, fewer (on average) than at the peak
    int of = 0;     // out of how many: present before, present then, who came, enrolled, the peak
    /// Minute-based kinds: the recording that was running then (filled by the caller, see recording_at).
    std::optional<RecordingMoment> in_recording;
};

/// Whether the kind happened at a point in the class (a moment to find in the recording), not over it.
bool is_moment(InsightKind k);

/// The recording that was running at `at`: playable, its start known, started_at <= at < started_at +
/// duration_seconds; the one that started last when several were (a recording restarted). None: none was.
const Recording* recording_at(const std::vector<Recording>& recordings, UnixTime at);

/// What a student did in the class, as the summary job computed it, and what the provider reported of
/// their activity (when it reports any).
struct StudentOutcome {
    AttendanceSummary summary;
    std::optional<ProviderActivity> activity;
};

struct CoachingInput {
    std::vector<TimelineMinute> minutes;  // attendance_timeline() over [start, end)
    UnixTime start = 0;                   // the class window
    UnixTime end = 0;
    /// One per enrolled student (absent ones included), from the summaries computed when the class
    /// ended; empty while it runs (then only the minute-based kinds are looked for).
    std::vector<StudentOutcome> students;
    /// The provider reported activity (chat, talk time) for this class: silence then means silence.
    bool activity_reported = false;
    /// The class is over: its last minutes are its goodbye. While it runs, every whole minute so far is
    /// looked at.
    bool ended = true;
};

/// How many of the minutes the minute-based rules look at: the whole minutes before the goodbye (the
/// last 3 minutes of an ended class), or before now while it runs.
std::size_t judged_minutes(const CoachingInput& in);

/// The findings, person-based kinds first (in the enum's order), then the minute-based ones by time.
/// Rules (why in coaching.cpp):
/// - Only judged minutes count (judged_minutes): a minute that reaches into an ended class's last 3
///   minutes (its goodbye) is not looked at, nor the minute still running in a live class.
/// - drop_off: consecutive drop-off minutes of the timeline merged into one, however many (a steady
///   exodus is one stretch to look at); count = net fall over them, of = present the minute before;
///   strong when count >= 25 % of it.
/// - attention_dip: >= 3 consecutive minutes with >= 3 present and <= 60 % of them in the foreground
///   (>= 40 % away: many, not necessarily most); count/of = away/present at the run's worst minute (the
///   largest share away; the earliest of equals); strong when half or more were away there.
/// - fading: >= 30 judged minutes (an ended class of 33 minutes or more) with a peak of >= 4, whose last
///   third of judged minutes averages <= 75 % of the peak; from = the first minute after the peak from
///   which presence stayed under 90 % of it (the last third's first minute when it came back over that
///   at the very end); count = peak - the last third's average (rounded), of = peak; strong when the
///   average is <= 50 %. Not reported when the drop-offs from `from` on account for half of that fall
///   or more (they are the moments to look at).
/// - low_turnout: >= 2 and >= 30 % of the enrolled never came (strong: >= 50 %).
/// - late_joins: >= 2 and >= 25 % of those who came were late (strong: >= 50 %).
/// - early_leaves: >= 2 and >= 20 % of those who came left early (strong: >= 40 %).
/// - quiet_class: activity reported, >= 3 and >= 60 % of those who came with no chat message and no
///   second of talk (strong: >= 90 %).
std::vector<Insight> coach_class(const CoachingInput& in);

}  // namespace lc::domain
