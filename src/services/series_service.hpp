#pragma once
// Recurring classes (issue 6, seed 1.1): a series is an RFC 5545 rule (weekly on chosen days, until
// a date or a count) expanded with libical in the school's time zone; each occurrence is an ordinary
// live session linked to its series, so joining, attendance and recordings work as for any class.
//
// Editing "from a date on" touches only occurrences that have not started: past classes keep their
// attendance and recordings. A new rule splits the series the way calendars do it: the old series'
// rule is cut before the date, and the rest moves to a new series (occurrences are moved, not
// re-created, so their ids, links and calendar UIDs stay). One occurrence is edited or cancelled
// with the ordinary session endpoints.
#include <optional>
#include <string>
#include <vector>

#include "services/calendar_service.hpp"
#include "services/context.hpp"
#include "services/session_service.hpp"
#include "store/series_repo.hpp"

namespace lc::services {

struct SeriesInput {
    SessionInput session;  // course, title, description, type, status and class settings (not the times)
    std::optional<std::string> rrule;
    std::optional<std::string> timezone;  // default: LIVE_DEFAULT_TIMEZONE
    std::optional<UnixTime> first_start;
    std::optional<long long> duration_minutes;
};

struct SeriesEdit {
    std::optional<UnixTime> from;  // default: now
    std::optional<std::string> title, description;
    std::optional<std::string> rrule;     // a new plan from `from` on (needs first_start)
    std::optional<UnixTime> first_start;  // the first class of the new plan (at or after `from`)
    std::optional<long long> duration_minutes;
};

struct SeriesView {
    store::Series series;
    std::vector<domain::LiveSession> occurrences;  // earliest first
    std::optional<std::string> continued_by;       // after a split: the series that took over
};

class SeriesService {
public:
    SeriesService(ServiceContext& ctx, SessionService& sessions, CalendarService& calendars,
                  std::string default_timezone)
        : ctx_(ctx), sessions_(sessions), calendars_(calendars), default_timezone_(std::move(default_timezone)) {}

    Result<SeriesView> create(const Principal& p, const SeriesInput& in, const RequestMeta& meta);
    Result<SeriesView> get(const Principal& p, const std::string& id);
    /// Edits the occurrences that start at or after `from` and have not started. Returns the series
    /// that now holds them (a new one when the rule changed and earlier classes exist).
    Result<SeriesView> update(const Principal& p, const std::string& id, const SeriesEdit& edit,
                              const RequestMeta& meta);
    /// Cancels the occurrences from `from` (default: now) on that have not started.
    Result<SeriesView> cancel_from(const Principal& p, const std::string& id, std::optional<UnixTime> from,
                                   const RequestMeta& meta);
    /// The series as one calendar event with its RRULE, cancelled classes as EXDATE and moved or
    /// renamed ones as overrides (RECURRENCE-ID).
    Result<std::string> calendar(const Principal& p, const std::string& id);
    /// The same for an invitation e-mail (no access check: the caller is the notifier); empty on failure.
    std::string notice_calendar(const std::string& tenant_id, const std::string& id);

private:
    /// The series of the caller's school, if the caller may see it (admins, the course's teachers and
    /// students); `manage`: only admins and the course's teachers (403 for its students).
    Result<store::Series> load(soci::session& sql, const Principal& p, const std::string& id, bool manage,
                               bool for_update = false);
    std::vector<domain::LiveSession> occurrences(soci::session& sql, const store::Series& s);
    Result<SeriesView> view(const Principal& p, const std::string& id);
    Result<std::string> render(soci::session& sql, const store::Series& series);
    ServiceContext& ctx_;
    SessionService& sessions_;
    CalendarService& calendars_;
    std::string default_timezone_;
};

}  // namespace lc::services
