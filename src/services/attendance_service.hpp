#pragma once
// Attendance (seed 6, 13.4, 13.5): heartbeats and tab visibility from the room page, leaving, closing
// participations whose heartbeats stopped, one summary row per user when a class ends (recomputable),
// the reports (a class, a course, a user's own history; JSON or CSV) with the intervals that explain
// each row, and the instructor's per-minute timeline.
#include <optional>
#include <string>
#include <vector>

#include "domain/attendance.hpp"
#include "domain/coaching.hpp"
#include "services/context.hpp"
#include "services/directory_service.hpp"
#include "store/attendance_repo.hpp"

namespace lc::services {

class SessionService;

struct HeartbeatInput {
    bool visible = true;                        // the room page's tab is in the foreground
    std::optional<std::string> participant_id;  // the device (from the join answer); none: all of the user's
};

struct HeartbeatResult {
    std::vector<std::string> participant_ids;  // the open rows this heartbeat kept alive
    bool visible = true;
    bool resumed = false;             // the last row had been closed for missed heartbeats: a new one began
    int next_heartbeat_seconds = 30;  // send the next one within this
};

/// One stretch that explains a summary row: in the class (joined..left) or in a background tab.
struct AttendanceInterval {
    std::string kind;  // present | background
    std::string participant_id;
    UnixTime from = 0;
    std::optional<UnixTime> to;  // none: still open
    std::string end_reason;      // present rows: left | provider | heartbeat_timeout | session_end | kicked
    std::string device_type;
};

struct AttendanceRowView {
    store::AttendanceReportRow row;
    std::vector<AttendanceInterval> intervals;  // filled when asked for (explain)
};

struct SessionAttendance {
    domain::LiveSession session;
    bool calculated = false;  // false: the class has not ended yet, or its summary job has not run
    std::vector<AttendanceRowView> rows;
};

/// Who is in a class's room now (the instructor's attendance panel).
struct LiveRoster {
    domain::LiveSession session;
    std::vector<store::RosterEntry> participants;  // one per user with an open participation, by full name
};

struct AttendanceTimeline {
    domain::LiveSession session;
    std::vector<domain::TimelineMinute> minutes;
    int peak_present = 0;
    /// Seed 13.5: what stood out, for the instructor (domain/coaching.hpp). The person-based kinds
    /// need the summaries: they are looked for once the class has ended and its summaries are computed.
    std::vector<domain::Insight> insights;
    bool people_judged = false;  // the summaries were there: turnout, late, early and quiet were judged
    int minutes_judged = 0;      // minutes the minute-based kinds looked at (none: too early to say)
};

class AttendanceService {
public:
    AttendanceService(ServiceContext& ctx, SessionService& sessions, int heartbeat_seconds = 30)
        : ctx_(ctx), sessions_(sessions), heartbeat_seconds_(heartbeat_seconds) {}

    static constexpr const char* kSweepJob = "close_stale_participants";

    /// POST .../heartbeat/: the caller is still in the live class; `visible` says whether the tab is.
    Result<HeartbeatResult> heartbeat(const Principal& p, const std::string& session_id, const HeartbeatInput& in);
    /// POST .../leave/: closes the caller's open row (one device) or all of them; returns how many.
    Result<int> leave(const Principal& p, const std::string& session_id,
                      const std::optional<std::string>& participant_id);

    /// Recomputes every summary of the session (idempotent: safe to retry).
    Status calculate(const std::string& tenant_id, const std::string& session_id);
    /// The `calculate_attendance` job: payload {"session_id": "...", "tenant_id": "..."}.
    Status run_job(const std::string& job_tenant_id, const std::string& payload);
    /// POST .../attendance/recalculate/ (hosts, moderators, admins of an ended class).
    Result<SessionAttendance> recalculate(const Principal& p, const std::string& session_id);

    /// GET .../attendance/: hosts, moderators and admins see every row, a student only their own.
    Result<SessionAttendance> session_report(const Principal& p, const std::string& session_id, bool explain);
    /// GET /api/v1/courses/{id}/attendance/: the course's instructors and admins.
    Result<Page<store::AttendanceReportRow>> course_report(const Principal& p, const std::string& course_id,
                                                           store::AttendanceFilter f);
    /// GET /api/v1/users/{id}/attendance/: the user themself, or an admin.
    Result<Page<store::AttendanceReportRow>> user_history(const Principal& p, const std::string& user_id,
                                                          store::AttendanceFilter f);
    /// GET .../attendance/timeline/: hosts, moderators and admins.
    Result<AttendanceTimeline> timeline(const Principal& p, const std::string& session_id);

    /// GET .../participants/ (and each poll of its event stream): the users in the room now. Hosts,
    /// moderators and admins, the people who may kick and mute; anyone else in the class 403.
    Result<LiveRoster> roster(const Principal& p, const std::string& session_id);

    /// The `close_stale_participants` job: closes rows whose heartbeats stopped (two missed intervals)
    /// at their last heartbeat, then queues its next run while any class is live. Returns how many.
    Result<long long> sweep_stale();
    /// Queues a sweep unless one is waiting (a class started; the server started).
    Status schedule_sweep();

private:
    ServiceContext& ctx_;
    SessionService& sessions_;
    int heartbeat_seconds_;
};

}  // namespace lc::services
