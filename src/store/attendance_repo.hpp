#pragma once
// Attendance (seed 6): heartbeats and tab visibility on participation rows, the rows and background
// stretches a summary is computed from, the summaries themselves and the reports over them.
#include <soci/soci.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "domain/attendance.hpp"
#include "domain/entities.hpp"

namespace lc::store {

// ---- heartbeats and leaves ----

/// The user's open participation rows in the session (one per device), oldest first.
std::vector<domain::Participant> open_participations(soci::session& sql, const std::string& session_id,
                                                     const std::string& user_id);
/// A heartbeat on one open row: last_seen_at = at, and the tab's visibility. Going to the background
/// starts a hidden stretch (hidden_since = at); coming back closes it into a background span and adds
/// it to background_duration. Returns false (and changes nothing) when the row is no longer open.
bool record_heartbeat(soci::session& sql, const domain::Participant& row, UnixTime at, bool visible,
                      const std::string& span_id);
/// Closes one open row at `at` for `end_reason` (left | heartbeat_timeout); false when it was not open.
bool close_participation(soci::session& sql, const std::string& participant_id, UnixTime at, const char* end_reason);

/// Open rows of live sessions whose heartbeats stopped: the last one is before `cutoff`. A row that
/// never had a heartbeat (a client without the room page, a provider's native app) is left to its
/// leave: our leave endpoint, the provider's leave event, or the end of the class.
struct StaleParticipation {
    std::string id;
    std::string session_id;
    UnixTime last_seen = 0;  // when we last knew the user was there: the row closes at this time
};
std::vector<StaleParticipation> stale_participations(soci::session& sql, UnixTime cutoff, int limit);
/// Closes a stale row at `at` (heartbeat_timeout) unless a heartbeat since made it fresh again
/// (last_seen_at >= cutoff); false when it was not closed.
bool close_stale_participation(soci::session& sql, const std::string& participant_id, UnixTime at, UnixTime cutoff);
/// Whether any class of any school is live (the sweep keeps running while one is).
bool any_live_session(soci::session& sql);

// ---- who is in the room now (the instructor's live participant list) ----

/// One user with at least one open participation row (not left, not closed for missed heartbeats).
/// Never carries ip_hash or e-mail: the list is shown to other people.
struct RosterEntry {
    std::string user_id;
    std::string full_name;
    domain::ParticipantRole role = domain::ParticipantRole::kParticipant;  // of the latest open row
    UnixTime joined_at = 0;                                                // the earliest open row's
    UnixTime last_seen_at = 0;   // the latest heartbeat of any open row (a row without one: its join)
    bool in_background = false;  // every open row is in a hidden-tab stretch (hidden_since set)
    int devices = 0;             // open rows
    std::string device_type;     // of the latest open row
    std::string browser;         // of the latest open row
};
/// The users in the session's room now, sorted by full name (then user id), in one query over the open
/// rows (the (session_id, is_active) index). The session must already be known to be the tenant's.
std::vector<RosterEntry> live_roster(soci::session& sql, const std::string& tenant_id, const std::string& session_id);

// ---- what a summary is computed from (and list_participants in repositories.hpp) ----

/// Closed background stretches of the session's rows (optionally of one user).
std::vector<domain::BackgroundSpan> background_spans(soci::session& sql, const std::string& session_id,
                                                     const std::optional<std::string>& user_id = std::nullopt);
/// Students enrolled in the course (absent ones get a summary row too).
std::vector<std::string> enrolled_student_ids(soci::session& sql, const std::string& course_id);
/// What the provider reported of each user's activity in the session (users without a report absent).
std::map<std::string, domain::ProviderActivity> provider_activity(soci::session& sql, const std::string& session_id);
/// Adds to a user's reported activity (chat messages, seconds talking).
void add_provider_activity(soci::session& sql, const std::string& session_id, const std::string& user_id,
                           int chat_messages, int talk_seconds);

/// Calls `fn(user_id, intervals)` once per user with participation rows in the session, in user
/// order; each interval carries its background stretches (closed ones, and one still hidden when
/// the row closed, to its end). Memory: one user's rows at a time, however big the class.
void for_each_user_presence(
    soci::session& sql, const std::string& session_id,
    const std::function<void(const std::string& user_id, std::vector<domain::PresenceInterval>& intervals)>& fn);

/// Replaces a session's summaries as they are computed: the old rows go at construction, each add()
/// is written at once (SQLite, one prepared statement) or with up to 250 others in one statement
/// (PostgreSQL, a few round trips for a class of thousands); finish() writes what is left. Memory
/// does not grow with the class. Not movable: the prepared statement is bound to its members.
class SummaryWriter {
public:
    SummaryWriter(soci::session& sql, const std::string& session_id);
    SummaryWriter(const SummaryWriter&) = delete;
    SummaryWriter& operator=(const SummaryWriter&) = delete;
    void add(const domain::AttendanceSummary& a);
    void finish();

private:
    void flush();
    soci::session& sql_;
    bool postgres_;
    std::vector<domain::AttendanceSummary> pending_;  // PostgreSQL: the next statement's rows
    // SQLite: the prepared statement and the values it is bound to.
    domain::AttendanceSummary row_;
    long long first_ = 0, last_ = 0;
    soci::indicator first_ind_ = soci::i_null, last_ind_ = soci::i_null;
    int attended_ = 0, late_ = 0, early_ = 0;
    double pct_ = 0;
    std::optional<soci::statement> insert_;
};

/// Replaces every summary of the session with `rows` (recalculation is idempotent).
void replace_attendance_summaries(soci::session& sql, const std::string& session_id,
                                  const std::vector<domain::AttendanceSummary>& rows);

// ---- reports ----

/// A summary row with what a report shows next to it.
struct AttendanceReportRow {
    domain::AttendanceSummary summary;
    std::string full_name;
    std::string email;
    std::string course_id;
    std::string session_title;
    UnixTime session_start = 0;  // actual start, else scheduled
    std::string session_status;
};

/// Filters of the course report and of a user's history. status: attended | absent | late | early_leave.
struct AttendanceFilter {
    std::string course_id;
    std::string user_id;
    std::optional<UnixTime> from;  // session start >= from
    std::optional<UnixTime> to;    // session start < to
    std::string status;
    int limit = 500;
    int offset = 0;
};

/// Summary rows of sessions of the tenant matching `f`, newest session first, then by name.
std::vector<AttendanceReportRow> attendance_rows(soci::session& sql, const std::string& tenant_id,
                                                 const std::string& session_id, const AttendanceFilter& f,
                                                 long long* total = nullptr);

}  // namespace lc::store
