#include "infra/ical.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <memory>
#include <utility>

#include "core/time.hpp"

// libical 3.0 behaviours this file works around (each was seen on 3.0.16):
// - icaltimezone_get_location() on a builtin zone returns freed memory (ASan: heap-use-after-free),
//   so the zone's name is always the one the caller gave, never read back from libical.
// - icaltime_from_timet_with_zone(t, 0, zone) returns the local wall-clock fields of `zone` but
//   tagged with the UTC zone: written out they get a "Z", and a rule's UNTIL is compared with them
//   as if they were UTC. local_time() puts the right zone back.
// - icaltime_as_timet_with_zone reads a local time inside a DST gap with the offset after the gap
//   (02:30 on a spring-forward night becomes 01:30 standard time); RFC 5545 §3.3.5 says the
//   offset before the gap (03:30 daylight time). to_instant() follows the RFC.
// - icalrecurrencetype_from_string stops at an empty part ("FREQ=DAILY;;COUNT=3" reads as
//   FREQ=DAILY, COUNT lost) and wraps a large COUNT around, so rules are checked part by part here
//   before libical sees them.
// - The recurrence iterator moves an occurrence that falls into a DST gap to the hour after it and
//   keeps that hour for the next occurrence too (daily 02:30 in Berlin: 29 March 03:30, 30 March
//   03:30, 31 March 02:30). Our rules have no BYHOUR/BYMINUTE/BYSECOND, so every occurrence has
//   DTSTART's time of day (RFC 5545 §3.3.10); each_occurrence puts it back.
// - A DTSTART that the rule does not match is skipped by the iterator (not returned as the first
//   occurrence), which is why expand_rrule refuses such a start instead of passing it on.

namespace lc::infra {
namespace {

struct IteratorFree {
    void operator()(icalrecur_iterator* i) const { icalrecur_iterator_free(i); }
};
using IteratorPtr = std::unique_ptr<icalrecur_iterator, IteratorFree>;

/// Strings from libical's *_r functions belong to the caller.
std::string take_string(char* s) {
    if (s == nullptr) return {};
    std::string out(s);
    icalmemory_free_buffer(s);
    return out;
}

/// 9999-12-31T23:59:59Z: the last instant a DATE-TIME can hold.
constexpr UnixTime kMaxTime = 253402300799;
constexpr int kMaxInterval = 1000;
constexpr std::size_t kMaxRuleLength = 512;
/// How far truncate_rrule walks a series looking for the cut (far beyond any series we allow).
constexpr std::size_t kMaxScan = 100000;
constexpr std::int64_t kDay = 86400;

Error rule_error(std::string detail) {
    return Error::invalid("the recurrence rule cannot be used", {{"rrule", std::move(detail)}});
}

Error zone_error(std::string_view tzid) {
    return Error::invalid(
        "unknown time zone",
        {{"timezone",
          "\"" + std::string(tzid) + "\" is not a time zone we know; use an IANA name such as Europe/Istanbul"}});
}

std::string ascii_upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A well-formed IANA name. libical opens <zoneinfo>/<name> for a name that zone.tab lacks, so
/// nothing that could leave the zoneinfo directory ("..", a leading '/') may reach it.
bool plausible_zone_name(std::string_view s) {
    if (s.empty() || s.size() > 64 || s.front() == '/' || s.back() == '/') return false;
    if (s.find("//") != std::string_view::npos) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
               c == '-' || c == '+';
    });
}

/// libical's zone for an IANA name (loaded from the system tzdata on first use and kept for the
/// life of the process; libical locks that cache), or nullptr.
icaltimezone* find_zone(std::string_view tzid) {
    if (tzid == "UTC") return icaltimezone_get_utc_timezone();
    if (!plausible_zone_name(tzid)) return nullptr;
    return icaltimezone_get_builtin_timezone(std::string(tzid).c_str());
}

icaltimetype utc_time(UnixTime t) { return icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone()); }

/// The wall-clock time of instant `t` in `zone`, tagged with that zone.
icaltimetype local_time(UnixTime t, icaltimezone* zone) {
    icaltimetype local = icaltime_from_timet_with_zone(t, 0, zone);
    local.zone = zone;
    return local;
}

/// The fields of a time read as if they were UTC (days from civil, proleptic Gregorian).
std::int64_t fields_as_seconds(const icaltimetype& t) {
    const std::int64_t y = t.year - (t.month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t mp = (t.month + 9) % 12;
    const std::int64_t doy = (153 * mp + 2) / 5 + t.day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

/// The instant a wall-clock time in `zone` names, as RFC 5545 §3.3.5 reads it: a time that occurs
/// twice (autumn fold) is the first of the two; a time that does not occur (spring gap) is read
/// with the UTC offset from before the gap. Assumes at most one offset change within a day.
UnixTime to_instant(const icaltimetype& local, icaltimezone* zone) {
    const std::int64_t wall = fields_as_seconds(local);
    auto offset_at = [&](UnixTime u) { return fields_as_seconds(icaltime_from_timet_with_zone(u, 0, zone)) - u; };
    const UnixTime before = wall - offset_at(wall - kDay), after = wall - offset_at(wall + kDay);
    const bool before_fits = before + offset_at(before) == wall, after_fits = after + offset_at(after) == wall;
    if (before_fits && after_fits) return std::min(before, after);
    if (after_fits) return after;
    return before;  // fits alone, or the gap: the offset from before it
}

bool valid_instant(UnixTime t) { return t > 0 && t <= kMaxTime; }

// ---------------------------------------------------------------- recurrence rules

struct ParsedRule {
    icalrecurrencetype rec;
    std::string canonical;
};

constexpr std::array<std::string_view, 7> kDays = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

bool is_day(std::string_view s) { return std::find(kDays.begin(), kDays.end(), s) != kDays.end(); }

/// "20260630T235959Z" with a real date and time.
bool is_utc_datetime(std::string_view s) {
    if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
    if (!all_digits(s.substr(0, 8)) || !all_digits(s.substr(9, 6))) return false;
    auto num = [&](std::size_t pos, std::size_t len) {
        int v = 0;
        std::from_chars(s.data() + pos, s.data() + pos + len, v);
        return v;
    };
    const int year = num(0, 4), month = num(4, 2), day = num(6, 2);
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > icaltime_days_in_month(month, year)) return false;
    return num(9, 2) <= 23 && num(11, 2) <= 59 && num(13, 2) <= 59;
}

/// BYDAY: plain days, or for MONTHLY also "2TU" / "-1FR" (the n-th weekday of the month).
std::optional<std::string> check_byday(std::string_view value, std::string_view freq) {
    std::vector<std::string_view> seen;
    std::size_t pos = 0;
    while (true) {
        const std::size_t comma = value.find(',', pos);
        const std::string_view item = value.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
        if (item.size() < 2) return "BYDAY must list days such as MO,WE";
        const std::string_view day = item.substr(item.size() - 2);
        std::string_view ordinal = item.substr(0, item.size() - 2);
        if (!is_day(day)) return "BYDAY: \"" + std::string(item) + "\" is not a day (MO, TU, WE, TH, FR, SA, SU)";
        if (!ordinal.empty()) {
            if (freq != "MONTHLY")
                return "BYDAY=" + std::string(item) + ": a numbered day (such as 2TU) is only for FREQ=MONTHLY";
            if (ordinal.front() == '+' || ordinal.front() == '-') ordinal.remove_prefix(1);
            if (ordinal.size() != 1 || ordinal[0] < '1' || ordinal[0] > '5')
                return "BYDAY=" + std::string(item) + ": the week of the month must be 1 to 5 or -1 to -5";
        }
        if (std::find(seen.begin(), seen.end(), item) != seen.end())
            return "BYDAY names " + std::string(item) + " twice";
        seen.push_back(item);
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return std::nullopt;
}

/// Checks `text` part by part, then has libical read it. max_count: nullopt for rules we wrote
/// ourselves (already checked against the limits in force when they were stored).
Result<ParsedRule> parse_rule(std::string_view text, std::optional<std::size_t> max_count) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && blank(text.front())) text.remove_prefix(1);
    while (!text.empty() && blank(text.back())) text.remove_suffix(1);
    if (text.size() >= 6 && ascii_upper(text.substr(0, 6)) == "RRULE:") text.remove_prefix(6);
    if (text.empty()) return rule_error("is empty; write it like FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10");
    if (text.size() > kMaxRuleLength) return rule_error("is too long");
    if (text.back() == ';') text.remove_suffix(1);

    std::map<std::string, std::string> parts;
    std::size_t pos = 0;
    while (true) {
        const std::size_t semi = text.find(';', pos);
        const std::string_view part = text.substr(pos, semi == std::string_view::npos ? semi : semi - pos);
        const std::size_t eq = part.find('=');
        if (part.empty()) return rule_error("has an empty part (two ';' in a row)");
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == part.size())
            return rule_error("\"" + std::string(part) + "\" is not NAME=VALUE; write it like FREQ=WEEKLY;COUNT=10");
        std::string name = ascii_upper(part.substr(0, eq));
        if (parts.contains(name)) return rule_error("says " + name + " twice");
        parts.emplace(std::move(name), ascii_upper(part.substr(eq + 1)));
        if (semi == std::string_view::npos) break;
        pos = semi + 1;
    }

    static constexpr std::array<std::string_view, 10> kUnsupported = {"BYSECOND",  "BYMINUTE", "BYHOUR",  "BYMONTHDAY",
                                                                      "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS",
                                                                      "RSCALE",    "SKIP"};
    for (const auto& [name, value] : parts) {
        if (name == "FREQ" || name == "INTERVAL" || name == "COUNT" || name == "UNTIL" || name == "BYDAY" ||
            name == "WKST")
            continue;
        if (std::find(kUnsupported.begin(), kUnsupported.end(), name) != kUnsupported.end())
            return rule_error(name + " is not supported; a series may use FREQ, INTERVAL, BYDAY, COUNT or UNTIL, WKST");
        return rule_error("\"" + name + "\" is not a recurrence rule part");
    }

    const auto freq = parts.find("FREQ");
    if (freq == parts.end()) return rule_error("FREQ is required (DAILY, WEEKLY or MONTHLY)");
    const std::string& f = freq->second;
    if (f == "SECONDLY" || f == "MINUTELY" || f == "HOURLY" || f == "YEARLY")
        return rule_error("FREQ=" + f + " is not supported; a series repeats DAILY, WEEKLY or MONTHLY");
    if (f != "DAILY" && f != "WEEKLY" && f != "MONTHLY")
        return rule_error("FREQ=" + f + " is not a frequency; use DAILY, WEEKLY or MONTHLY");

    const bool has_count = parts.contains("COUNT"), has_until = parts.contains("UNTIL");
    if (has_count && has_until) return rule_error("give COUNT or UNTIL, not both");
    if (!has_count && !has_until)
        return rule_error("a series needs an end: add COUNT=<number of sessions> or UNTIL=<last day, UTC>");
    if (has_count) {
        const std::string& c = parts["COUNT"];
        std::size_t n = 0;
        if (!all_digits(c) || c.size() > 9 || (n = std::stoul(c)) == 0)
            return rule_error("COUNT must be a whole number of sessions, at least 1");
        if (max_count && n > *max_count)
            return rule_error("COUNT=" + c + " is more than the " + std::to_string(*max_count) +
                              " sessions a series may have");
    }
    if (has_until && !is_utc_datetime(parts["UNTIL"]))
        return rule_error("UNTIL must be a UTC date and time such as 20260630T235959Z");
    if (parts.contains("INTERVAL")) {
        const std::string& i = parts["INTERVAL"];
        if (!all_digits(i) || i.size() > 4 || std::stoi(i) < 1 || std::stoi(i) > kMaxInterval)
            return rule_error("INTERVAL must be a whole number from 1 to " + std::to_string(kMaxInterval));
    }
    if (parts.contains("BYDAY"))
        if (auto why = check_byday(parts["BYDAY"], f)) return rule_error(*why);
    if (parts.contains("WKST") && !is_day(parts["WKST"]))
        return rule_error("WKST must be a day (MO, TU, WE, TH, FR, SA, SU)");

    std::string checked = "FREQ=" + f;  // first, as RFC 5545 asks for compatibility
    for (const auto& [name, value] : parts)
        if (name != "FREQ") checked += ";" + name + "=" + value;
    icalerror_clear_errno();
    ParsedRule out{icalrecurrencetype_from_string(checked.c_str()), {}};
    if (out.rec.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
        icalerror_clear_errno();
        return rule_error("could not be read; write it like FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10");
    }
    out.canonical = take_string(icalrecurrencetype_as_string_r(&out.rec));
    return out;
}

/// Walks the occurrences of `rule` from `dtstart` (a time in `zone`), calling visit(local time,
/// instant) for each until it returns false. False when libical cannot iterate the rule at all.
template <class Visit>
bool each_occurrence(const icalrecurrencetype& rule, icaltimetype dtstart, icaltimezone* zone, Visit&& visit) {
    IteratorPtr it(icalrecur_iterator_new(rule, dtstart));
    if (!it) return false;
    for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
         t = icalrecur_iterator_next(it.get())) {
        t.hour = dtstart.hour;  // libical may have moved it out of a DST gap (see the top of the file)
        t.minute = dtstart.minute;
        t.second = dtstart.second;
        if (!visit(t, to_instant(t, zone))) break;
    }
    return true;
}

}  // namespace

bool is_known_timezone(std::string_view tzid) { return find_zone(tzid) != nullptr; }

Result<std::string> normalize_rrule(std::string_view rule, const RecurrenceLimits& limits) {
    auto parsed = parse_rule(rule, limits.max_occurrences);
    if (!parsed) return parsed.take_error();
    return std::move(parsed->canonical);
}

Result<std::vector<UnixTime>> expand_rrule(std::string_view rule, UnixTime first_start, std::string_view tzid,
                                           const RecurrenceLimits& limits) {
    icaltimezone* zone = find_zone(tzid);
    if (zone == nullptr) return zone_error(tzid);
    auto parsed = parse_rule(rule, limits.max_occurrences);
    if (!parsed) return parsed.take_error();
    if (!valid_instant(first_start)) return Error::invalid("the series has no start", {{"start", "is out of range"}});

    const icaltimetype dtstart = local_time(first_start, zone);
    const std::int64_t max_span = limits.max_span_days * kDay;
    std::vector<UnixTime> out;
    std::optional<Error> failed;
    const bool iterated = each_occurrence(parsed->rec, dtstart, zone, [&](icaltimetype local, UnixTime at) {
        if (out.empty()) {
            if (icaltime_compare(local, dtstart) != 0) {
                failed = rule_error("the first session (" + format_iso8601(first_start) +
                                    ") is not one of the rule's occurrences in " + std::string(tzid) +
                                    "; start the series on a day the rule includes");
                return false;
            }
            out.push_back(first_start);  // exactly, even where local time is ambiguous (DST fold)
            return true;
        }
        if (out.size() >= limits.max_occurrences) {
            failed =
                rule_error("the series would have more than " + std::to_string(limits.max_occurrences) + " sessions");
            return false;
        }
        if (at - first_start > max_span) {
            failed = rule_error("the series would run for more than " + std::to_string(limits.max_span_days) + " days");
            return false;
        }
        out.push_back(at);
        return true;
    });
    if (!iterated) return Error::internal_error("libical cannot iterate " + parsed->canonical);
    if (failed) return std::move(*failed);
    if (out.empty()) return rule_error("the series has no session: it ends before its first one");
    return out;
}

Result<std::string> truncate_rrule(std::string_view rule, UnixTime first_start, std::string_view tzid,
                                   UnixTime before) {
    icaltimezone* zone = find_zone(tzid);
    if (zone == nullptr) return zone_error(tzid);
    auto parsed = parse_rule(rule, std::nullopt);
    if (!parsed) return parsed.take_error();
    if (!valid_instant(first_start)) return Error::invalid("the series has no start", {{"start", "is out of range"}});
    if (before <= first_start)
        return rule_error("no session would be left before " + format_iso8601(before) + "; change the whole series");

    bool reaches = false;
    std::size_t scanned = 0;
    const bool iterated =
        each_occurrence(parsed->rec, local_time(first_start, zone), zone, [&](icaltimetype, UnixTime at) {
            if (at >= before) reaches = true;
            return !reaches && ++scanned < kMaxScan;
        });
    if (!iterated) return Error::internal_error("libical cannot iterate " + parsed->canonical);
    if (!reaches) {
        if (scanned >= kMaxScan) return rule_error("the series is too long to cut");
        return std::move(parsed->canonical);  // it ends before `before` already
    }
    icalrecurrencetype cut = parsed->rec;
    cut.count = 0;
    cut.until = utc_time(before - 1);
    return take_string(icalrecurrencetype_as_string_r(&cut));
}

}  // namespace lc::infra
