#pragma once
// iCalendar (RFC 5545) over libical 3.0: .ics files for invitations and feeds, and the recurrence
// rules of session series. libical stays inside ical.cpp; callers see std types only.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace lc::infra {

/// A VALARM with ACTION:DISPLAY, TRIGGER:-PT<minutes_before>M. An empty description becomes the
/// event's summary (RFC 5545 requires a DESCRIPTION on a DISPLAY alarm).
struct CalendarAlarm {
    int minutes_before = 10;
    std::string description;
};

/// One VEVENT. Times are instants; they are written in UTC ("...Z") unless `tzid` is set.
struct CalendarEvent {
    std::string uid;              ///< stable, e.g. "<session-uuid>@liveclass"
    UnixTime start = 0, end = 0;  ///< DTSTART/DTEND; both required, end after start
    UnixTime stamp = 0;           ///< DTSTAMP (UTC), required
    UnixTime last_modified = 0;   ///< LAST-MODIFIED when > 0
    std::string summary, description, url, location;
    std::string organizer_name, organizer_email;  ///< ORGANIZER;CN=...:mailto:...
    int sequence = 0;
    enum class Status { kConfirmed, kTentative, kCancelled } status = Status::kConfirmed;
    /// A series master: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10" (normalize_rrule's output).
    std::string rrule;
    /// Set on a series master and on its overrides: DTSTART/DTEND (and EXDATE, RECURRENCE-ID) are
    /// written as local time with TZID=<this zone>, so the RRULE expands in local time and keeps the
    /// wall-clock time across DST; the calendar gets the zone's VTIMEZONE. Empty, "UTC" or "GMT": UTC.
    /// A start in the repeated hour of an autumn fold cannot be told apart in local time: readers
    /// take the first of the two.
    std::string tzid;
    std::vector<UnixTime> exdates;          ///< cancelled occurrences of a series (their original starts)
    std::optional<UnixTime> recurrence_id;  ///< an overridden occurrence (same uid as its master)
    std::vector<CalendarAlarm> alarms;
};

struct CalendarOptions {
    std::string prodid = "-//liveclass//Live Class//EN";
    std::string method;       ///< "" | "PUBLISH" | "REQUEST" | "CANCEL" (REQUEST/CANCEL need an organizer)
    std::string name;         ///< NAME and X-WR-CALNAME (feeds)
    int refresh_minutes = 0;  ///< REFRESH-INTERVAL and X-PUBLISHED-TTL when > 0 (feeds)
};

/// A VCALENDAR text built with libical: CRLF line ends, lines folded at 75 octets without
/// splitting UTF-8 sequences, text values escaped. Text is cleaned, not refused: CR and control
/// characters other than tab and newline are dropped, a newline in a one-line value (CN) becomes a
/// space, and '"' in the organizer's name becomes '\'' (libical would write RFC 6868 "^'", which
/// few clients read). Fails (InvalidArgument, field "events[i].<member>" or "options.<member>") on a
/// missing uid/start/end/stamp, end not after start, an unknown tzid, a rule normalize_rrule would
/// not parse, exdates without a rule, a rule on an override, invalid UTF-8, or another method.
Result<std::string> render_calendar(const std::vector<CalendarEvent>& events, const CalendarOptions& options);

/// Bounds on what one series may generate.
struct RecurrenceLimits {
    std::size_t max_occurrences = 200;
    std::int64_t max_span_days = 731;
};

/// Checks a recurrence rule a user sent and returns it in canonical form (libical's:
/// "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE"). Parts may come in any order and case; an "RRULE:" prefix
/// and surrounding blanks are ignored. Allowed: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL (1..1000),
/// BYDAY (plain days; MONTHLY may also say "2TU" or "-1FR"), exactly one of COUNT or UNTIL (a series
/// has an end), WKST. UNTIL must be a UTC date-time ("20260630T235959Z"): RFC 5545 requires UTC
/// when DTSTART carries a zone. Refused with a message a person can act on (InvalidArgument, field
/// "rrule"): unparseable text, another FREQ, both or neither of COUNT and UNTIL, COUNT above
/// max_occurrences, a repeated part, and the parts we do not support (BYSETPOS, BYHOUR, BYMONTH...).
Result<std::string> normalize_rrule(std::string_view rule, const RecurrenceLimits& limits = {});

/// The occurrence starts (UTC instants, ascending) of `rule` with DTSTART `first_start`, expanded in
/// the IANA zone `tzid` ("UTC" allowed): wall-clock time is kept across DST changes; a local time
/// that falls in a DST gap moves forward by the gap and one that occurs twice is the first of the
/// two (RFC 5545 §3.3.5), as calendar apps read the file render_calendar writes. The first element is
/// always `first_start`. RFC 5545 leaves a series whose DTSTART does not match its rule (a Tuesday
/// start with BYDAY=MO,WE) undefined, and calendar apps disagree about it (some show DTSTART as an
/// extra occurrence, libical and dateutil skip it), so such a pair is refused (field "rrule").
/// Also fails when the zone is unknown (field "timezone"), when the rule has no occurrence, yields
/// more than max_occurrences, or spans more than max_span_days from first_start (field "rrule").
Result<std::vector<UnixTime>> expand_rrule(std::string_view rule, UnixTime first_start, std::string_view tzid,
                                           const RecurrenceLimits& limits = {});

/// The rule cut so that it ends before `before` (COUNT or a later UNTIL replaced with
/// UNTIL = before - 1 s, in UTC): how "this and following" edits split a series. A rule that already
/// ends before `before` comes back unchanged (canonical form). Fails (field "rrule") when no
/// occurrence would be left, i.e. `before` is at or before first_start; field "timezone" as above.
Result<std::string> truncate_rrule(std::string_view rule, UnixTime first_start, std::string_view tzid, UnixTime before);

/// True when tzid names a zone libical knows: an IANA name such as "Europe/Istanbul" or an alias
/// the system tzdata still carries ("Asia/Calcutta"), or "UTC"/"GMT". Case matters.
bool is_known_timezone(std::string_view tzid);

}  // namespace lc::infra
