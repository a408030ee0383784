#!/usr/bin/python3
"""Reads an .ics file with Python's icalendar package and prints what it understood as JSON.

The C++ tests render calendars with libical and read them back with this second, independent
implementation. Run it with Debian's /usr/bin/python3 (python3-icalendar, python3-dateutil, pytz).

    ics_check.py FILE [--occurrences N]

Output: {"method", "prodid", "version", "name" (X-WR-CALNAME), "refresh_interval",
"published_ttl", "timezones" (VTIMEZONE TZIDs), "events": [{"uid", "dtstart", "dtend", "dtstamp",
"last_modified", "tzid", "summary", "description", "location", "url", "organizer": {"uri", "cn"},
"sequence", "status", "rrule" (as text), "exdates", "recurrence_id",
"alarms": [{"action", "trigger", "description"}]}]}. Times are ISO 8601 in UTC
("2026-03-02T07:00:00Z"); a missing property is null.

For a series master (an event with RRULE) "occurrences" holds the first N starts computed here
with dateutil.rrule in the wall-clock time of DTSTART's zone, resolved by name from pytz (as
icalendar itself does), with RFC 5545 §3.3.5 for local times that occur twice (the first) or not at
all (the offset from before the gap); "dtstart_is_first_occurrence" says whether DTSTART matches
the rule. When the calendar carries a VTIMEZONE for that zone, "occurrences_via_vtimezone" holds
the same expansion with the offsets taken from that VTIMEZONE instead: the two agree only if the
VTIMEZONE is right.

Exit status 1 with a message on stderr when the file cannot be read.
"""
import argparse
import bisect
import json
import sys
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytz
from dateutil import rrule as du_rrule


class CheckError(Exception):
    pass


def iso_utc(value):
    """A DATE-TIME as ISO 8601 UTC; floating times and DATEs are errors (we never write them)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise CheckError("floating DATE-TIME %s (no Z, no TZID)" % value.isoformat())
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        raise CheckError("DATE value %s where a DATE-TIME was expected" % value.isoformat())
    raise CheckError("not a date-time: %r" % (value,))


def text(component, name):
    return str(component[name]) if name in component else None


def as_list(value):
    return value if isinstance(value, list) else [value]


def decoded_times(component, name):
    """All DATE-TIMEs of a property that may repeat and may carry several values (EXDATE)."""
    out = []
    if name not in component:
        return out
    for prop in as_list(component[name]):
        for dt in prop.dts:
            out.append(dt.dt)
    return out


def pytz_localize(tz):
    """A local wall-clock time as RFC 5545 §3.3.5 reads it, in a pytz zone: a time that occurs
    twice (autumn fold) is the first of the two; a time that does not occur (spring gap) takes the
    UTC offset from before the gap (02:30 on a spring-forward night in Berlin is 01:30Z)."""
    def localize(naive):
        if not hasattr(tz, "localize"):
            return naive.replace(tzinfo=tz)
        try:
            return tz.localize(naive, is_dst=None)
        except pytz.AmbiguousTimeError:
            return min(tz.localize(naive, is_dst=True), tz.localize(naive, is_dst=False))
        except pytz.NonExistentTimeError:
            offset = tz.localize(naive - timedelta(days=1), is_dst=False).utcoffset()
            return (naive - offset).replace(tzinfo=timezone.utc)
    return localize


class VtimezoneOffsets:
    """UTC offsets taken from a VTIMEZONE's own STANDARD/DAYLIGHT observances (DTSTART, RRULE,
    RDATE), so a wrong VTIMEZONE shows even where the TZID names a zone pytz knows.

    icalendar's Timezone.to_tz() would do this, but with dateutil >= 2.7 it raises on any
    observance RRULE with a UTC UNTIL (which libical, Google and Outlook all write)."""

    HORIZON = datetime(2100, 1, 1)

    def __init__(self, vtz):
        transitions = []  # (naive UTC onset, offset after it)
        for obs in vtz.subcomponents:
            if obs.name not in ("STANDARD", "DAYLIGHT"):
                continue
            start = obs.decoded("DTSTART")
            before, after = obs["TZOFFSETFROM"].td, obs["TZOFFSETTO"].td
            onsets = [start]
            if "RRULE" in obs:
                recur = obs["RRULE"]
                parts = [p for p in recur.to_ical().decode("ascii").split(";") if not p.startswith("UNTIL=")]
                until = self.HORIZON
                if "UNTIL" in recur:
                    until = recur["UNTIL"][0]
                    if until.tzinfo is not None:  # UTC: the onset's local time is UTC + the offset before it
                        until = until.astimezone(timezone.utc).replace(tzinfo=None) + before
                rule = du_rrule.rrulestr(";".join(parts), dtstart=start).replace(until=until)
                onsets = sorted(set([start] + list(rule)))
            onsets += decoded_times(obs, "RDATE")
            transitions += [(local - before, after) for local in onsets]
        if not transitions:
            raise CheckError("VTIMEZONE %s has no observance" % vtz["TZID"])
        transitions.sort()
        self.onsets = [t for t, _ in transitions]
        self.offsets = [o for _, o in transitions]

    def offset_at(self, utc_naive):
        i = bisect.bisect_right(self.onsets, utc_naive) - 1
        return self.offsets[i] if i >= 0 else None

    def localize(self, naive):
        fits = [naive - o for o in set(self.offsets) if self.offset_at(naive - o) == o]
        if fits:
            return min(fits).replace(tzinfo=timezone.utc)  # the first of a fold
        offset = self.offset_at(naive - timedelta(days=1))  # a gap: the offset from before it
        if offset is None:
            raise CheckError("%s is before the VTIMEZONE's first observance" % naive.isoformat())
        return (naive - offset).replace(tzinfo=timezone.utc)


def expand(event, limit, localize):
    """The first `limit` starts of the event's RRULE, computed with dateutil in local time."""
    dtstart = event.decoded("DTSTART")
    if dtstart.tzinfo is None:
        raise CheckError("a series master with a floating DTSTART")
    local_start = dtstart.replace(tzinfo=None)  # pytz-aware: the wall-clock time of DTSTART
    recur = event["RRULE"]
    parts = [p for p in recur.to_ical().decode("ascii").split(";") if not p.startswith("UNTIL=")]
    rule = du_rrule.rrulestr(";".join(parts), dtstart=local_start)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if not isinstance(until, datetime) or until.tzinfo is None:
            raise CheckError("UNTIL is not a UTC date-time")
        # dateutil compares UNTIL with naive local starts: give it UNTIL's local wall time.
        rule = rule.replace(until=until.astimezone(dtstart.tzinfo).replace(tzinfo=None))
    out = []
    for naive in rule:
        if len(out) >= limit:
            break
        out.append(iso_utc(localize(naive)))
    return out, (out[:1] == [iso_utc(dtstart)])


def read_event(event, limit, vtimezones):
    dtstart = event.decoded("DTSTART")
    result = {
        "uid": text(event, "UID"),
        "dtstart": iso_utc(dtstart),
        "dtend": iso_utc(event.decoded("DTEND")) if "DTEND" in event else None,
        "dtstamp": iso_utc(event.decoded("DTSTAMP")) if "DTSTAMP" in event else None,
        "last_modified": iso_utc(event.decoded("LAST-MODIFIED")) if "LAST-MODIFIED" in event else None,
        "tzid": event["DTSTART"].params.get("TZID"),
        "summary": text(event, "SUMMARY"),
        "description": text(event, "DESCRIPTION"),
        "location": text(event, "LOCATION"),
        "url": text(event, "URL"),
        "organizer": None,
        "sequence": int(event["SEQUENCE"]) if "SEQUENCE" in event else None,
        "status": text(event, "STATUS"),
        "rrule": event["RRULE"].to_ical().decode("ascii") if "RRULE" in event else None,
        "exdates": sorted(iso_utc(dt) for dt in decoded_times(event, "EXDATE")),
        "recurrence_id": iso_utc(event.decoded("RECURRENCE-ID")) if "RECURRENCE-ID" in event else None,
        "alarms": [],
    }
    if "ORGANIZER" in event:
        organizer = event["ORGANIZER"]
        result["organizer"] = {"uri": str(organizer), "cn": organizer.params.get("CN")}
    for alarm in event.walk("VALARM"):
        if isinstance(alarm.get("TRIGGER"), list):
            raise CheckError("a VALARM with more than one TRIGGER")
        result["alarms"].append({
            "action": text(alarm, "ACTION"),
            "trigger": alarm["TRIGGER"].to_ical().decode("ascii") if "TRIGGER" in alarm else None,
            "description": text(alarm, "DESCRIPTION"),
        })
    if "RRULE" in event:
        occurrences, matches = expand(event, limit, pytz_localize(dtstart.tzinfo))
        result["occurrences"] = occurrences
        result["dtstart_is_first_occurrence"] = matches
        tzid = result["tzid"]
        if tzid in vtimezones:
            result["occurrences_via_vtimezone"], _ = expand(event, limit, vtimezones[tzid].localize)
    return result


def check(path, limit):
    with open(path, "rb") as f:
        data = f.read()
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as e:  # icalendar raises ValueError and friends for text it cannot read
        raise CheckError("icalendar cannot parse the file: %s" % e)
    # icalendar is lenient: a property it cannot read lands in .errors instead of raising.
    for component in calendar.walk():
        if component.errors:
            raise CheckError("%s: %s" % (component.name, component.errors))
    vtimezones = {}
    for vtz in calendar.walk("VTIMEZONE"):
        vtimezones[str(vtz["TZID"])] = VtimezoneOffsets(vtz)
    return {
        "method": text(calendar, "METHOD"),
        "prodid": text(calendar, "PRODID"),
        "version": text(calendar, "VERSION"),
        "name": text(calendar, "X-WR-CALNAME"),
        "refresh_interval": text(calendar, "REFRESH-INTERVAL"),
        "published_ttl": text(calendar, "X-PUBLISHED-TTL"),
        "timezones": sorted(vtimezones),
        "events": [read_event(e, limit, vtimezones) for e in calendar.walk("VEVENT")],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--occurrences", type=int, default=50, help="how many occurrences of a series to list")
    args = parser.parse_args()
    try:
        out = check(args.path, args.occurrences)
    except Exception as e:  # anything it cannot read is a failed check, not a traceback
        print("ics_check: %s: %s: %s" % (args.path, type(e).__name__, e), file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
