#pragma once
// iCalendar (RFC 5545) over libical 3.0: the recurrence rules of session series. libical stays
// inside ical.cpp; callers see std types only.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace lc::infra {

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
/// two (RFC 5545 §3.3.5), as calendar apps read it. The first element is
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
