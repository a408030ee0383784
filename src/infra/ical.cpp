#include "infra/ical.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <memory>
#include <utility>

#include "core/text.hpp"
#include "core/time.hpp"

// libical 3.0 behaviours this file works around (each was seen on 3.0.16):
// - Builtin zones carry TZID "/freeassociation.sourceforge.net/Europe/Berlin" and a VTIMEZONE with
//   every transition since 1893; we write the IANA name and a VTIMEZONE truncated to the events.
// - icaltimezone_get_location() on a builtin zone returns freed memory (ASan: heap-use-after-free),
//   so the zone's name is always the one the caller gave, never read back from libical.
// - icaltime_from_timet_with_zone(t, 0, zone) returns the local wall-clock fields of `zone` but
//   tagged with the UTC zone: written out they get a "Z", and a rule's UNTIL is compared with them
//   as if they were UTC. local_time() puts the right zone back; DATE-TIMEs in a zone are written
//   floating with an explicit TZID parameter.
// - icaltime_as_timet_with_zone reads a local time inside a DST gap with the offset after the gap
//   (02:30 on a spring-forward night becomes 01:30 standard time); RFC 5545 §3.3.5 says the
//   offset before the gap (03:30 daylight time). to_instant() follows the RFC.
// - icalrecurrencetype_from_string stops at an empty part ("FREQ=DAILY;;COUNT=3" reads as
//   FREQ=DAILY, COUNT lost) and wraps a large COUNT around, so rules are checked part by part here
//   before libical sees them.
// - X- property values are written without escaping ',' and ';' even as TEXT, so X-WR-CALNAME is
//   escaped and folded here (see render_calendar).
// - The recurrence iterator moves an occurrence that falls into a DST gap to the hour after it and
//   keeps that hour for the next occurrence too (daily 02:30 in Berlin: 29 March 03:30, 30 March
//   03:30, 31 March 02:30). Our rules have no BYHOUR/BYMINUTE/BYSECOND, so every occurrence has
//   DTSTART's time of day (RFC 5545 §3.3.10); each_occurrence puts it back.
// - A DTSTART that the rule does not match is skipped by the iterator (not returned as the first
//   occurrence), which is why expand_rrule refuses such a start instead of passing it on.

namespace lc::infra {
namespace {

struct ComponentFree {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentFree>;

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

// ---------------------------------------------------------------- rendering

/// Valid UTF-8 text with CRLF and CR turned into LF and other control characters (which RFC 5545
/// TEXT may not hold, and libical would write raw or drop) removed; one-line values get a space
/// for a line break. nullopt for invalid UTF-8.
std::optional<std::string> clean_text(std::string_view in, bool multiline) {
    if (!is_valid_utf8(in)) return std::nullopt;
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto c = static_cast<unsigned char>(in[i]);
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < in.size() && in[i + 1] == '\n') continue;  // CRLF: the LF follows
            out += multiline ? '\n' : ' ';
        } else if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
            out += static_cast<char>(c);
        }
    }
    return out;
}

bool has_control_or_space(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f;
    });
}

/// RFC 5545 §3.3.11 TEXT escaping.
std::string escape_text(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == ';' || c == ',') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

/// One content line folded as RFC 5545 §3.1 asks: at most 75 octets a line, continuation lines
/// start with a space, and a UTF-8 sequence is never split.
std::string fold_line(std::string_view line) {
    std::string out;
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size();) {
        const auto lead = static_cast<unsigned char>(line[i]);
        const std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        if (width + n > 75) {
            out += "\r\n ";
            width = 1;
        }
        out.append(line.substr(i, n));
        width += n;
        i += n;
    }
    return out + "\r\n";
}

/// Where a VEVENT's times live: UTC (zone == nullptr) or local time in a named zone.
struct EventZone {
    icaltimezone* zone = nullptr;
    std::string tzid;
};

/// A DATE-TIME property: "...Z" in UTC, or local time with TZID=<name>.
icalproperty* time_property(icalproperty* (*make)(icaltimetype), UnixTime t, const EventZone& z) {
    if (z.zone == nullptr) return make(utc_time(t));
    icaltimetype local = icaltime_from_timet_with_zone(t, 0, z.zone);
    local.zone = nullptr;  // floating, and the TZID parameter names the zone
    icalproperty* p = make(local);
    icalproperty_add_parameter(p, icalparameter_new_tzid(z.tzid.c_str()));
    return p;
}

/// The zone's VTIMEZONE under its IANA name, cut to start at `from` (the earliest instant written
/// in it) so a feed does not carry a century of transitions per zone.
ComponentPtr vtimezone(icaltimezone* zone, const std::string& tzid, UnixTime from) {
    icalcomponent* builtin = icaltimezone_get_component(zone);
    if (builtin == nullptr) return nullptr;
    ComponentPtr vtz(icalcomponent_new_clone(builtin));
    icaltimezone_truncate_vtimezone(vtz.get(), utc_time(from), icaltime_null_time(), 0);
    if (icalproperty* id = icalcomponent_get_first_property(vtz.get(), ICAL_TZID_PROPERTY))
        icalproperty_set_tzid(id, tzid.c_str());
    else
        icalcomponent_add_property(vtz.get(), icalproperty_new_tzid(tzid.c_str()));
    return vtz;
}

Error calendar_error(std::string field, std::string detail) {
    return Error::invalid("the calendar cannot be written", {{std::move(field), std::move(detail)}});
}

/// Adds a TEXT property when the value is not empty.
void add_text(icalcomponent* c, icalproperty* (*make)(const char*), const std::string& value) {
    if (!value.empty()) icalcomponent_add_property(c, make(value.c_str()));
}

/// One VEVENT, or the first problem with it. `zones` collects, per zone, the earliest instant
/// written in it (where its VTIMEZONE must start).
Result<ComponentPtr> build_event(const CalendarEvent& e, const std::string& at, bool needs_organizer,
                                 std::map<std::string, std::pair<icaltimezone*, UnixTime>>& zones) {
    auto field = [&](std::string_view member) { return at + "." + std::string(member); };
    auto text = [&](const std::string& value, std::string_view member, bool multiline) -> Result<std::string> {
        auto cleaned = clean_text(value, multiline);
        if (!cleaned) return calendar_error(field(member), "is not valid UTF-8");
        return std::move(*cleaned);
    };

    if (e.uid.empty()) return calendar_error(field("uid"), "is required");
    if (e.uid.size() > 255 || !is_valid_utf8(e.uid) || has_control_or_space(e.uid))
        return calendar_error(field("uid"), "must be at most 255 bytes of UTF-8 without spaces or control characters");
    if (!valid_instant(e.start)) return calendar_error(field("start"), "is required");
    if (!valid_instant(e.end) || e.end <= e.start) return calendar_error(field("end"), "must be after start");
    if (!valid_instant(e.stamp)) return calendar_error(field("stamp"), "is required");
    if (e.last_modified < 0 || e.last_modified > kMaxTime)
        return calendar_error(field("last_modified"), "is out of range");
    if (e.sequence < 0) return calendar_error(field("sequence"), "must not be negative");
    for (UnixTime x : e.exdates)
        if (!valid_instant(x)) return calendar_error(field("exdates"), "holds an instant out of range");
    if (e.recurrence_id && !valid_instant(*e.recurrence_id))
        return calendar_error(field("recurrence_id"), "is out of range");
    if (!e.exdates.empty() && e.rrule.empty())
        return calendar_error(field("exdates"), "only a series (an event with a rule) has exdates");
    if (e.recurrence_id && !e.rrule.empty())
        return calendar_error(field("rrule"), "an overridden occurrence (recurrence_id) carries no rule of its own");

    EventZone z;
    if (!e.tzid.empty()) z.zone = find_zone(e.tzid);
    if (!e.tzid.empty() && z.zone == nullptr)
        return calendar_error(field("tzid"), "\"" + e.tzid + "\" is not a known time zone");
    if (z.zone == icaltimezone_get_utc_timezone()) z.zone = nullptr;  // "UTC", "GMT": written as "...Z"
    if (z.zone != nullptr) {
        z.tzid = e.tzid;
        UnixTime earliest = e.start;
        for (UnixTime x : e.exdates) earliest = std::min(earliest, x);
        if (e.recurrence_id) earliest = std::min(earliest, *e.recurrence_id);
        auto [it, added] = zones.try_emplace(z.tzid, z.zone, earliest);
        if (!added) it->second.second = std::min(it->second.second, earliest);
    }

    std::optional<icalrecurrencetype> rule;
    if (!e.rrule.empty()) {
        auto parsed = parse_rule(e.rrule, std::nullopt);
        if (!parsed) return calendar_error(field("rrule"), parsed.error().fields.front().detail);
        rule = parsed->rec;
    }

    auto summary = text(e.summary, "summary", true);
    auto description = text(e.description, "description", true);
    auto location = text(e.location, "location", true);
    auto cn = text(e.organizer_name, "organizer_name", false);
    for (auto* r : {&summary, &description, &location, &cn})
        if (!*r) return r->take_error();
    // RFC 6868 would write '"' as "^'" (libical does); Outlook and Python's icalendar show it raw.
    std::replace(cn->begin(), cn->end(), '"', '\'');
    if (!e.url.empty() && (!is_valid_utf8(e.url) || has_control_or_space(e.url)))
        return calendar_error(field("url"), "must be a URL without spaces or control characters");
    if (!e.organizer_email.empty() &&
        (!is_valid_utf8(e.organizer_email) || has_control_or_space(e.organizer_email) ||
         e.organizer_email.find('@') == std::string::npos || e.organizer_email.find(':') != std::string::npos))
        return calendar_error(field("organizer_email"), "must be an e-mail address");
    if (needs_organizer && e.organizer_email.empty())
        return calendar_error(field("organizer_email"), "is required in an invitation (METHOD:REQUEST or CANCEL)");

    ComponentPtr ev(icalcomponent_new(ICAL_VEVENT_COMPONENT));
    icalcomponent* v = ev.get();
    icalcomponent_add_property(v, icalproperty_new_uid(e.uid.c_str()));
    icalcomponent_add_property(v, icalproperty_new_dtstamp(utc_time(e.stamp)));
    icalcomponent_add_property(v, time_property(icalproperty_new_dtstart, e.start, z));
    icalcomponent_add_property(v, time_property(icalproperty_new_dtend, e.end, z));
    if (e.recurrence_id)
        icalcomponent_add_property(v, time_property(icalproperty_new_recurrenceid, *e.recurrence_id, z));
    if (rule) icalcomponent_add_property(v, icalproperty_new_rrule(*rule));
    std::vector<UnixTime> exdates = e.exdates;
    std::sort(exdates.begin(), exdates.end());
    exdates.erase(std::unique(exdates.begin(), exdates.end()), exdates.end());
    for (UnixTime x : exdates) icalcomponent_add_property(v, time_property(icalproperty_new_exdate, x, z));
    add_text(v, icalproperty_new_summary, *summary);
    add_text(v, icalproperty_new_description, *description);
    add_text(v, icalproperty_new_location, *location);
    if (!e.url.empty()) icalcomponent_add_property(v, icalproperty_new_url(e.url.c_str()));
    if (!e.organizer_email.empty()) {
        icalproperty* org = icalproperty_new_organizer(("mailto:" + e.organizer_email).c_str());
        if (!cn->empty()) icalproperty_add_parameter(org, icalparameter_new_cn(cn->c_str()));
        icalcomponent_add_property(v, org);
    }
    icalcomponent_add_property(v, icalproperty_new_sequence(e.sequence));
    const icalproperty_status status = e.status == CalendarEvent::Status::kCancelled   ? ICAL_STATUS_CANCELLED
                                       : e.status == CalendarEvent::Status::kTentative ? ICAL_STATUS_TENTATIVE
                                                                                       : ICAL_STATUS_CONFIRMED;
    icalcomponent_add_property(v, icalproperty_new_status(status));
    if (e.last_modified > 0) icalcomponent_add_property(v, icalproperty_new_lastmodified(utc_time(e.last_modified)));

    for (std::size_t j = 0; j < e.alarms.size(); ++j) {
        const CalendarAlarm& a = e.alarms[j];
        const std::string member = "alarms[" + std::to_string(j) + "]";
        if (a.minutes_before < 0 || a.minutes_before > 525600)
            return calendar_error(field(member + ".minutes_before"), "must be from 0 to 525600 (a year)");
        auto said = text(a.description, member + ".description", true);
        if (!said) return said.take_error();
        if (said->empty()) *said = summary->empty() ? "Reminder" : *summary;
        icalcomponent* alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
        icalcomponent_add_component(v, alarm);  // owned by the event from here on
        icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
        icaltriggertype trigger = icaltriggertype_from_int(0);
        trigger.duration = icaldurationtype_from_int(-a.minutes_before * 60);
        icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
        icalcomponent_add_property(alarm, icalproperty_new_description(said->c_str()));
    }
    return ev;
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

Result<std::string> render_calendar(const std::vector<CalendarEvent>& events, const CalendarOptions& options) {
    static constexpr std::array<std::pair<std::string_view, icalproperty_method>, 3> kMethods = {{
        {"PUBLISH", ICAL_METHOD_PUBLISH},
        {"REQUEST", ICAL_METHOD_REQUEST},
        {"CANCEL", ICAL_METHOD_CANCEL},
    }};
    std::optional<icalproperty_method> method;
    if (!options.method.empty()) {
        for (const auto& [text, m] : kMethods)
            if (options.method == text) method = m;
        if (!method) return calendar_error("options.method", "must be empty, PUBLISH, REQUEST or CANCEL");
    }
    auto prodid = clean_text(options.prodid, false);
    if (!prodid || prodid->empty()) return calendar_error("options.prodid", "is required (UTF-8)");
    auto name = clean_text(options.name, false);
    if (!name) return calendar_error("options.name", "is not valid UTF-8");
    if (options.refresh_minutes < 0 || options.refresh_minutes > 525600)
        return calendar_error("options.refresh_minutes", "must be from 0 to 525600 (a year)");
    const bool needs_organizer = options.method == "REQUEST" || options.method == "CANCEL";

    std::map<std::string, std::pair<icaltimezone*, UnixTime>> zones;
    std::vector<ComponentPtr> vevents;
    for (std::size_t i = 0; i < events.size(); ++i) {
        auto ev = build_event(events[i], "events[" + std::to_string(i) + "]", needs_organizer, zones);
        if (!ev) return ev.take_error();
        vevents.push_back(std::move(*ev));
    }

    ComponentPtr cal(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
    icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal.get(), icalproperty_new_prodid(prodid->c_str()));
    icalcomponent_add_property(cal.get(), icalproperty_new_calscale("GREGORIAN"));
    if (method) icalcomponent_add_property(cal.get(), icalproperty_new_method(*method));
    // Replaced after rendering by a line escaped and folded here: libical 3.0 writes X- values
    // without escaping ',' and ';'.
    static constexpr std::string_view kNamePlaceholder = "LIVECLASS-CALNAME-PLACEHOLDER";
    if (!name->empty()) {
        icalcomponent_add_property(cal.get(), icalproperty_new_name(name->c_str()));
        icalproperty* x = icalproperty_new_x(std::string(kNamePlaceholder).c_str());
        icalproperty_set_x_name(x, "X-WR-CALNAME");
        icalcomponent_add_property(cal.get(), x);
    }
    if (options.refresh_minutes > 0) {
        const icaldurationtype every = icaldurationtype_from_int(options.refresh_minutes * 60);
        icalcomponent_add_property(cal.get(), icalproperty_new_refreshinterval(every));
        icalproperty* ttl = icalproperty_new_x(take_string(icaldurationtype_as_ical_string_r(every)).c_str());
        icalproperty_set_x_name(ttl, "X-PUBLISHED-TTL");
        icalcomponent_add_property(cal.get(), ttl);
    }
    for (const auto& [tzid, zone_from] : zones) {
        ComponentPtr vtz = vtimezone(zone_from.first, tzid, zone_from.second);
        if (!vtz) return Error::internal_error("libical has no VTIMEZONE for " + tzid);
        icalcomponent_add_component(cal.get(), vtz.release());
    }
    for (auto& ev : vevents) icalcomponent_add_component(cal.get(), ev.release());

    std::string out = take_string(icalcomponent_as_ical_string_r(cal.get()));
    if (out.empty()) return Error::internal_error("libical rendered an empty calendar");
    if (!name->empty()) {
        const std::string placeholder = "\r\nX-WR-CALNAME:" + std::string(kNamePlaceholder) + "\r\n";
        const std::size_t at = out.find(placeholder);
        if (at == std::string::npos) return Error::internal_error("X-WR-CALNAME placeholder not found");
        out.replace(at, placeholder.size(), "\r\n" + fold_line("X-WR-CALNAME:" + escape_text(*name)));
    }
    return out;
}

}  // namespace lc::infra
