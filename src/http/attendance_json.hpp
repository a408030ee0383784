#pragma once
// Attendance reports as JSON and as CSV (seed 4.1 attendance, 6.6).
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "services/attendance_service.hpp"

namespace lc::http {

/// attended | partial (joined, below the policy) | absent (never joined).
const char* attendance_status(const domain::AttendanceSummary& s);

boost::json::object to_json(const store::AttendanceReportRow& r);
/// The row, plus "intervals" when they were loaded (explain).
boost::json::object to_json(const services::AttendanceRowView& v, bool with_intervals);
boost::json::object to_json(const services::SessionAttendance& a, bool with_intervals);
boost::json::object to_json(const services::AttendanceTimeline& t);
boost::json::object to_json(const services::HeartbeatResult& h);
/// {session_id, status, participant_count, participants: [{user_id, full_name, role, joined_at, last_seen_at,
/// in_background, devices, device_type, browser}]}: the snapshot and each `participants` event of its stream.
boost::json::object to_json(const services::LiveRoster& r);

/// The rows as an RFC 4180 CSV document; headers and yes/no in the reader's language (tr or en).
std::string attendance_csv(const std::vector<store::AttendanceReportRow>& rows, const std::string& locale);

}  // namespace lc::http
