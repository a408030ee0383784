// The calendar adapter: .ics files rendered with libical are read back with libical itself and with
// a second implementation (Python's icalendar via tests/support/ics_check.py, with dateutil for
// recurrence), and recurrence rules are checked, expanded and cut.
#include "infra/ical.hpp"

#include <gtest/gtest.h>
#include <libical/ical.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "core/time.hpp"

namespace lc::infra {
namespace {

namespace json = boost::json;

UnixTime at(std::string_view iso) { return parse_iso8601(iso).value(); }

std::vector<std::string> iso_all(const std::vector<UnixTime>& ts) {
    std::vector<std::string> out;
    for (UnixTime t : ts) out.push_back(format_iso8601(t));
    return out;
}

// ---------------------------------------------------------------- the raw text

/// Checks the octets RFC 5545 §3.1 asks for (CRLF only, at most 75 octets a line, no UTF-8
/// sequence split across a fold) and returns the unfolded content lines.
std::vector<std::string> content_lines(const std::string& ics) {
    EXPECT_TRUE(ics.ends_with("\r\n"));
    for (std::size_t i = 0; i < ics.size(); ++i) {
        if (ics[i] == '\n') {
            EXPECT_TRUE(i > 0 && ics[i - 1] == '\r') << "bare LF at octet " << i;
        } else if (ics[i] == '\r') {
            EXPECT_TRUE(i + 1 < ics.size() && ics[i + 1] == '\n') << "bare CR at octet " << i;
        }
    }
    std::vector<std::string> physical;
    for (std::size_t pos = 0; pos < ics.size();) {
        const std::size_t end = ics.find("\r\n", pos);
        if (end == std::string::npos) break;
        physical.push_back(ics.substr(pos, end - pos));
        pos = end + 2;
    }
    std::vector<std::string> logical;
    for (const auto& line : physical) {
        EXPECT_LE(line.size(), 75u) << line;
        EXPECT_TRUE(is_valid_utf8(line)) << "a fold splits a UTF-8 sequence: " << line;
        if (!line.empty() && line[0] == ' ' && !logical.empty())
            logical.back() += line.substr(1);
        else
            logical.push_back(line);
    }
    return logical;
}

bool has_line(const std::vector<std::string>& lines, std::string_view want) {
    return std::find(lines.begin(), lines.end(), want) != lines.end();
}

std::string line_starting(const std::vector<std::string>& lines, std::string_view prefix) {
    for (const auto& l : lines)
        if (l.starts_with(prefix)) return l;
    return {};
}

std::size_t physical_lines_of(const std::string& ics, std::string_view property) {
    std::size_t n = 0;
    bool inside = false;
    std::istringstream in(ics);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with(property)) {
            inside = true;
            n = 1;
        } else if (inside && line.starts_with(" ")) {
            ++n;
        } else if (inside) {
            break;
        }
    }
    return n;
}

// ---------------------------------------------------------------- the second parser

struct CheckRun {
    int exit_code = -1;
    std::string out, err;
};

/// Runs tests/support/ics_check.py on the text.
CheckRun run_checker(const std::string& ics, int occurrences) {
    // Unique per process, test and text; the files are removed right after the run.
    const std::string base = ::testing::TempDir() + "ical_" + std::to_string(::getpid()) + "_" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                             std::to_string(std::hash<std::string>{}(ics));
    { std::ofstream(base + ".ics", std::ios::binary) << ics; }
    const std::string cmd = std::string("/usr/bin/python3 ") + LIVECLASS_SOURCE_DIR + "/tests/support/ics_check.py " +
                            base + ".ics --occurrences " + std::to_string(occurrences) + " 2>" + base + ".err";
    CheckRun run;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) {
        run.err = "cannot run " + cmd;
        return run;
    }
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) run.out.append(buf, n);
    const int status = ::pclose(p);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::stringstream err;
    err << std::ifstream(base + ".err").rdbuf();
    run.err = err.str();
    std::remove((base + ".ics").c_str());
    std::remove((base + ".err").c_str());
    return run;
}

/// What Python's icalendar read from the text; fails the test when the checker does not exit 0.
json::value python_reads(const std::string& ics, int occurrences = 50) {
    const CheckRun run = run_checker(ics, occurrences);
    if (run.exit_code != 0) {
        ADD_FAILURE() << "ics_check.py exited " << run.exit_code << ": " << run.err << "\n" << ics;
        return nullptr;
    }
    return json::parse(run.out);
}

std::string str(const json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : "<" + json::serialize(v) + ">";
}

std::vector<std::string> strings(const json::value& v) {
    std::vector<std::string> out;
    for (const auto& x : v.as_array()) out.push_back(str(x));
    return out;
}

// ---------------------------------------------------------------- libical reading back

struct ComponentFree {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;

Component libical_reads(const std::string& ics) {
    Component cal(icalparser_parse_string(ics.c_str()));
    EXPECT_NE(cal, nullptr);
    if (cal) {
        EXPECT_EQ(icalcomponent_isa(cal.get()), ICAL_VCALENDAR_COMPONENT);
    }
    return cal;
}

std::vector<icalcomponent*> vevents(icalcomponent* cal) {
    std::vector<icalcomponent*> out;
    for (icalcomponent* c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
         c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
        out.push_back(c);
    return out;
}

/// The instant of a DATE-TIME property as libical reads it: UTC, or local time in the calendar's
/// own VTIMEZONE named by TZID (not libical's builtin zone: this checks the VTIMEZONE we wrote).
UnixTime instant(icalcomponent* cal, icalproperty* p, icaltimetype t) {
    if (icalparameter* tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER)) {
        icaltimezone* zone = icalcomponent_get_timezone(cal, icalparameter_get_tzid(tzid));
        EXPECT_NE(zone, nullptr) << "no VTIMEZONE for " << icalparameter_get_tzid(tzid);
        return icaltime_as_timet_with_zone(t, zone);
    }
    EXPECT_TRUE(icaltime_is_utc(t)) << icaltime_as_ical_string(t);
    return icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
}

UnixTime instant_of(icalcomponent* cal, icalcomponent* ev, icalproperty_kind kind) {
    icalproperty* p = icalcomponent_get_first_property(ev, kind);
    EXPECT_NE(p, nullptr) << icalproperty_kind_to_string(kind);
    if (p == nullptr) return 0;
    switch (kind) {
        case ICAL_DTSTART_PROPERTY:
            return instant(cal, p, icalproperty_get_dtstart(p));
        case ICAL_DTEND_PROPERTY:
            return instant(cal, p, icalproperty_get_dtend(p));
        case ICAL_DTSTAMP_PROPERTY:
            return instant(cal, p, icalproperty_get_dtstamp(p));
        case ICAL_LASTMODIFIED_PROPERTY:
            return instant(cal, p, icalproperty_get_lastmodified(p));
        case ICAL_EXDATE_PROPERTY:
            return instant(cal, p, icalproperty_get_exdate(p));
        case ICAL_RECURRENCEID_PROPERTY:
            return instant(cal, p, icalproperty_get_recurrenceid(p));
        default:
            ADD_FAILURE() << "not a time property";
            return 0;
    }
}

std::string text_of(icalcomponent* c, icalproperty_kind kind) {
    icalproperty* p = icalcomponent_get_first_property(c, kind);
    if (p == nullptr) return "<missing>";
    const char* s = icalvalue_get_text(icalproperty_get_value(p));
    return s ? s : "<null>";
}

// ---------------------------------------------------------------- fixtures

constexpr UnixTime kStamp = 1'780'000'000;  // 2026-05-28T20:26:40Z

CalendarEvent lesson() {
    CalendarEvent e;
    e.uid = "0192f3a4-5b6c-7d8e-9f00-112233445566@liveclass";
    e.start = at("2026-06-02T07:00:00Z");
    e.end = at("2026-06-02T08:30:00Z");
    e.stamp = kStamp;
    e.last_modified = kStamp - 3600;
    e.summary = "Matematik 9-A: Türev";
    e.description = "Konu: türev kuralları\nHazırlık: 3. bölüm";
    e.url = "https://liveclass.example/sessions/0192f3a4?tab=join&x=1,2;3";
    e.location = "Çevrimiçi";
    e.organizer_name = "Ayşe Yılmaz";
    e.organizer_email = "ayse.yilmaz@okul.example";
    e.sequence = 1;
    e.alarms = {CalendarAlarm{10, "Ders 10 dakika sonra başlıyor"}};
    return e;
}

/// Weekly Monday and Wednesday, 10 sessions from Monday 16 March 2026 10:00 in Berlin: the
/// clocks go forward on Sunday 29 March, so the first four are at 09:00Z and the rest at 08:00Z.
constexpr std::string_view kBerlinRule = "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE";
const std::vector<std::string> kBerlinSeries = {
    "2026-03-16T09:00:00Z", "2026-03-18T09:00:00Z", "2026-03-23T09:00:00Z", "2026-03-25T09:00:00Z",
    "2026-03-30T08:00:00Z", "2026-04-01T08:00:00Z", "2026-04-06T08:00:00Z", "2026-04-08T08:00:00Z",
    "2026-04-13T08:00:00Z", "2026-04-15T08:00:00Z",
};

// ---------------------------------------------------------------- rendering

TEST(IcalRender, OneEventReadsBackThroughLibical) {
    const CalendarEvent e = lesson();
    const auto ics = render_calendar({e}, {.method = "PUBLISH"});
    ASSERT_TRUE(ics.ok()) << ics.error().fields.front().field << ": " << ics.error().fields.front().detail;
    const auto lines = content_lines(*ics);
    EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
    EXPECT_EQ(lines.back(), "END:VCALENDAR");
    EXPECT_TRUE(has_line(lines, "VERSION:2.0"));
    EXPECT_TRUE(has_line(lines, "PRODID:-//liveclass//Live Class//EN"));
    EXPECT_TRUE(has_line(lines, "METHOD:PUBLISH"));
    EXPECT_TRUE(has_line(lines, "DTSTART:20260602T070000Z"));
    EXPECT_TRUE(has_line(lines, "DTEND:20260602T083000Z"));
    EXPECT_TRUE(has_line(lines, "ORGANIZER;CN=Ayşe Yılmaz:mailto:ayse.yilmaz@okul.example"));
    EXPECT_EQ(line_starting(lines, "BEGIN:VTIMEZONE"), "") << "a UTC event needs no VTIMEZONE";

    Component cal = libical_reads(*ics);
    ASSERT_TRUE(cal);
    EXPECT_EQ(icalcomponent_get_method(cal.get()), ICAL_METHOD_PUBLISH);
    EXPECT_EQ(text_of(cal.get(), ICAL_PRODID_PROPERTY), "-//liveclass//Live Class//EN");
    const auto evs = vevents(cal.get());
    ASSERT_EQ(evs.size(), 1u);
    icalcomponent* ev = evs[0];
    EXPECT_STREQ(icalcomponent_get_uid(ev), e.uid.c_str());
    EXPECT_EQ(instant_of(cal.get(), ev, ICAL_DTSTART_PROPERTY), e.start);
    EXPECT_EQ(instant_of(cal.get(), ev, ICAL_DTEND_PROPERTY), e.end);
    EXPECT_EQ(instant_of(cal.get(), ev, ICAL_DTSTAMP_PROPERTY), e.stamp);
    EXPECT_EQ(instant_of(cal.get(), ev, ICAL_LASTMODIFIED_PROPERTY), e.last_modified);
    EXPECT_STREQ(icalcomponent_get_summary(ev), e.summary.c_str());
    EXPECT_STREQ(icalcomponent_get_description(ev), e.description.c_str());
    EXPECT_STREQ(icalcomponent_get_location(ev), e.location.c_str());
    EXPECT_STREQ(icalproperty_get_url(icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY)), e.url.c_str());
    icalproperty* org = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
    ASSERT_NE(org, nullptr);
    EXPECT_STREQ(icalproperty_get_organizer(org), "mailto:ayse.yilmaz@okul.example");
    EXPECT_STREQ(icalparameter_get_cn(icalproperty_get_first_parameter(org, ICAL_CN_PARAMETER)), "Ayşe Yılmaz");
    EXPECT_EQ(icalcomponent_get_sequence(ev), 1);
    EXPECT_EQ(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
    icalcomponent* alarm = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT);
    ASSERT_NE(alarm, nullptr);
    EXPECT_EQ(icalproperty_get_action(icalcomponent_get_first_property(alarm, ICAL_ACTION_PROPERTY)),
              ICAL_ACTION_DISPLAY);
    const icaltriggertype trigger =
        icalproperty_get_trigger(icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY));
    EXPECT_EQ(icaldurationtype_as_int(trigger.duration), -600);
    EXPECT_EQ(text_of(alarm, ICAL_DESCRIPTION_PROPERTY), "Ders 10 dakika sonra başlıyor");
}

TEST(IcalRender, OneEventReadsBackThroughPythonIcalendar) {
    const CalendarEvent e = lesson();
    const auto ics = render_calendar({e}, {.method = "REQUEST"});
    ASSERT_TRUE(ics.ok());
    const json::value got = python_reads(*ics);
    ASSERT_TRUE(got.is_object());
    EXPECT_EQ(str(got.at("method")), "REQUEST");
    EXPECT_EQ(str(got.at("prodid")), "-//liveclass//Live Class//EN");
    EXPECT_EQ(str(got.at("version")), "2.0");
    const auto& evs = got.at("events").as_array();
    ASSERT_EQ(evs.size(), 1u);
    const auto& ev = evs[0];
    EXPECT_EQ(str(ev.at("uid")), e.uid);
    EXPECT_EQ(str(ev.at("dtstart")), "2026-06-02T07:00:00Z");
    EXPECT_EQ(str(ev.at("dtend")), "2026-06-02T08:30:00Z");
    EXPECT_EQ(str(ev.at("dtstamp")), format_iso8601(kStamp));
    EXPECT_EQ(str(ev.at("last_modified")), format_iso8601(kStamp - 3600));
    EXPECT_EQ(str(ev.at("summary")), e.summary);
    EXPECT_EQ(str(ev.at("description")), e.description);
    EXPECT_EQ(str(ev.at("location")), e.location);
    EXPECT_EQ(str(ev.at("url")), e.url);
    EXPECT_EQ(str(ev.at("organizer").at("uri")), "mailto:ayse.yilmaz@okul.example");
    EXPECT_EQ(str(ev.at("organizer").at("cn")), "Ayşe Yılmaz");
    EXPECT_EQ(ev.at("sequence").as_int64(), 1);
    EXPECT_EQ(str(ev.at("status")), "CONFIRMED");
    EXPECT_TRUE(ev.at("rrule").is_null());
    EXPECT_TRUE(ev.at("recurrence_id").is_null());
    EXPECT_TRUE(ev.at("exdates").as_array().empty());
    const auto& alarms = ev.at("alarms").as_array();
    ASSERT_EQ(alarms.size(), 1u);
    EXPECT_EQ(str(alarms[0].at("action")), "DISPLAY");
    EXPECT_EQ(str(alarms[0].at("trigger")), "-PT10M");
    EXPECT_EQ(str(alarms[0].at("description")), "Ders 10 dakika sonra başlıyor");
}

TEST(IcalRender, TurkishTextIsEscapedFoldedAndReadBackExactly) {
    // 200 characters with every character TEXT must escape, and 2-byte UTF-8 sequences that a
    // fold at a fixed octet count would cut.
    const std::string pattern = "Öğretmen: Çağla Şükrüoğlu; Konu: Türev, İntegral\\Limit\nıİğĞüÜşŞöÖçÇ — sınav, ödev; ";
    std::string summary;
    while (utf8_length(summary) < 200) summary += pattern;
    summary = utf8_prefix(summary, 200);
    ASSERT_EQ(utf8_length(summary), 200u);
    CalendarEvent e = lesson();
    e.summary = summary;
    e.description = "Satır 1\nSatır 2, virgül; noktalı virgül \\ ters bölü\tsekme";
    e.alarms = {{10, ""}};  // the alarm says the summary
    const std::string name = "Ders Programı, 9-A; Güz Dönemi — " + std::string(60, 'x') + " ğüşiöç";
    const auto ics = render_calendar({e}, {.name = name});
    ASSERT_TRUE(ics.ok());

    const auto lines = content_lines(*ics);
    const std::string summary_line = line_starting(lines, "SUMMARY:");
    EXPECT_NE(summary_line.find("Şükrüoğlu\\; Konu: Türev\\, İntegral\\\\Limit\\nıİğ"), std::string::npos)
        << summary_line;
    EXPECT_GE(physical_lines_of(*ics, "SUMMARY:"), 4u);
    EXPECT_EQ(line_starting(lines, "X-WR-CALNAME:"),
              "X-WR-CALNAME:Ders Programı\\, 9-A\\; Güz Dönemi — " + std::string(60, 'x') + " ğüşiöç");
    EXPECT_GE(physical_lines_of(*ics, "X-WR-CALNAME:"), 2u);
    EXPECT_EQ(line_starting(lines, "NAME:"), line_starting(lines, "X-WR-CALNAME:").substr(8));

    Component cal = libical_reads(*ics);
    ASSERT_TRUE(cal);
    icalcomponent* ev = vevents(cal.get()).at(0);
    EXPECT_EQ(std::string(icalcomponent_get_summary(ev)), summary);
    EXPECT_EQ(std::string(icalcomponent_get_description(ev)), e.description);
    EXPECT_EQ(text_of(icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT), ICAL_DESCRIPTION_PROPERTY),
              summary);
    EXPECT_EQ(std::string(icalproperty_get_name(icalcomponent_get_first_property(cal.get(), ICAL_NAME_PROPERTY))),
              name);

    const json::value got = python_reads(*ics);
    ASSERT_TRUE(got.is_object());
    EXPECT_EQ(str(got.at("name")), name);
    const auto& pev = got.at("events").as_array().at(0);
    EXPECT_EQ(str(pev.at("summary")), summary);
    EXPECT_EQ(str(pev.at("description")), e.description);
    EXPECT_EQ(str(pev.at("alarms").at(0).at("description")), summary);
}

TEST(IcalRender, ControlCharactersAndCarriageReturnsAreCleaned) {
    CalendarEvent e = lesson();
    e.summary = "Bir\r\nİki\rÜç\x01\x07\x7f Dört";
    e.organizer_name = "Ayşe \"Hoca\"\nYılmaz";
    const auto ics = render_calendar({e}, {});
    ASSERT_TRUE(ics.ok());
    const auto lines = content_lines(*ics);
    EXPECT_TRUE(has_line(lines, "SUMMARY:Bir\\nİki\\nÜç Dört"));
    EXPECT_EQ(line_starting(lines, "ORGANIZER"), "ORGANIZER;CN=Ayşe 'Hoca' Yılmaz:mailto:ayse.yilmaz@okul.example");
    const json::value got = python_reads(*ics);
    ASSERT_TRUE(got.is_object());
    EXPECT_EQ(str(got.at("events").at(0).at("summary")), "Bir\nİki\nÜç Dört");
    EXPECT_EQ(str(got.at("events").at(0).at("organizer").at("cn")), "Ayşe 'Hoca' Yılmaz");
}

TEST(IcalRender, CancelledInvitationCarriesStatusSequenceAndMethod) {
    CalendarEvent e = lesson();
    e.status = CalendarEvent::Status::kCancelled;
    e.sequence = 3;
    const auto ics = render_calendar({e}, {.method = "CANCEL"});
    ASSERT_TRUE(ics.ok());
    const auto lines = content_lines(*ics);
    EXPECT_TRUE(has_line(lines, "METHOD:CANCEL"));
    EXPECT_TRUE(has_line(lines, "STATUS:CANCELLED"));
    EXPECT_TRUE(has_line(lines, "SEQUENCE:3"));

    Component cal = libical_reads(*ics);
    ASSERT_TRUE(cal);
    EXPECT_EQ(icalcomponent_get_method(cal.get()), ICAL_METHOD_CANCEL);
    EXPECT_EQ(icalcomponent_get_status(vevents(cal.get()).at(0)), ICAL_STATUS_CANCELLED);
    EXPECT_EQ(icalcomponent_get_sequence(vevents(cal.get()).at(0)), 3);
    const json::value got = python_reads(*ics);
    ASSERT_TRUE(got.is_object());
    EXPECT_EQ(str(got.at("method")), "CANCEL");
    EXPECT_EQ(str(got.at("events").at(0).at("status")), "CANCELLED");
    EXPECT_EQ(got.at("events").at(0).at("sequence").as_int64(), 3);

    e.status = CalendarEvent::Status::kTentative;
    const auto tentative = render_calendar({e}, {});
    ASSERT_TRUE(tentative.ok());
    EXPECT_TRUE(has_line(content_lines(*tentative), "STATUS:TENTATIVE"));
}

TEST(IcalRender, AlarmsTriggerBeforeTheStart) {
    CalendarEvent e = lesson();
    e.alarms = {{10, "on dakika"}, {60, "bir saat"}, {1440, "bir gün"}};
    const auto ics = render_calendar({e}, {});
    ASSERT_TRUE(ics.ok());
    const auto lines = content_lines(*ics);
    EXPECT_TRUE(has_line(lines, "BEGIN:VALARM"));
    EXPECT_TRUE(has_line(lines, "ACTION:DISPLAY"));
    EXPECT_TRUE(has_line(lines, "TRIGGER:-PT10M"));
    const json::value got = python_reads(*ics);
    ASSERT_TRUE(got.is_object());
    const auto& alarms = got.at("events").at(0).at("alarms").as_array();
    ASSERT_EQ(alarms.size(), 3u);
    // icalendar writes durations its own way: what matters is that it reads the same offsets.
    EXPECT_EQ(str(alarms[0].at("trigger")), "-PT10M");
    EXPECT_EQ(str(alarms[1].at("trigger")), "-PT1H");
    EXPECT_EQ(str(alarms[2].at("trigger")), "-P1D");
    for (const auto& a : alarms) EXPECT_EQ(str(a.at("action")), "DISPLAY");
}

TEST(IcalRender, FeedOptionsNameAndRefresh) {
    const auto ics = render_calendar({lesson()}, {.method = "PUBLISH", .name = "9-A Dersleri", .refresh_minutes = 60});
    ASSERT_TRUE(ics.ok());
    const auto lines = content_lines(*ics);
    EXPECT_TRUE(has_line(lines, "X-WR-CALNAME:9-A Dersleri"));
    EXPECT_TRUE(has_line(lines, "NAME:9-A Dersleri"));
    EXPECT_TRUE(has_line(lines, "REFRESH-INTERVAL;VALUE=DURATION:PT1H"));
    EXPECT_TRUE(has_line(lines, "X-PUBLISHED-TTL:PT1H"));
    const json::value got = python_reads(*ics);
    ASSERT_TRUE(got.is_object());
    EXPECT_EQ(str(got.at("name")), "9-A Dersleri");
    EXPECT_EQ(str(got.at("refresh_interval")), "PT1H");
    EXPECT_EQ(str(got.at("published_ttl")), "PT1H");

    const auto plain = render_calendar({lesson()}, {});
    ASSERT_TRUE(plain.ok());
    const auto plain_lines = content_lines(*plain);
    EXPECT_EQ(line_starting(plain_lines, "METHOD"), "");
    EXPECT_EQ(line_starting(plain_lines, "X-WR-CALNAME"), "");
    EXPECT_EQ(line_starting(plain_lines, "REFRESH-INTERVAL"), "");
}

TEST(IcalRender, SeriesInBerlinWithExdateAndOverrideAgreesWithPythonAndLibical) {
    CalendarEvent master = lesson();
    master.start = at(kBerlinSeries[0]);
    master.end = master.start + 3600;
    master.rrule = std::string(kBerlinRule);
    master.tzid = "Europe/Berlin";
    master.exdates = {at(kBerlinSeries[2])};
    CalendarEvent moved = lesson();  // the fifth session, first after the DST change, two hours later
    moved.uid = master.uid;
    moved.tzid = "Europe/Berlin";
    moved.recurrence_id = at(kBerlinSeries[4]);
    moved.start = at(kBerlinSeries[4]) + 7200;
    moved.end = moved.start + 3600;
    moved.sequence = 2;
    moved.summary = "Matematik 9-A: Türev (ertelendi)";

    const auto ics = render_calendar({master, moved}, {.method = "PUBLISH"});
    ASSERT_TRUE(ics.ok()) << ics.error().fields.front().field << ": " << ics.error().fields.front().detail;
    const auto lines = content_lines(*ics);
    EXPECT_TRUE(has_line(lines, "DTSTART;TZID=Europe/Berlin:20260316T100000"));
    EXPECT_TRUE(has_line(lines, "DTEND;TZID=Europe/Berlin:20260316T110000"));
    EXPECT_TRUE(has_line(lines, "RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE"));
    EXPECT_TRUE(has_line(lines, "EXDATE;TZID=Europe/Berlin:20260323T100000"));
    EXPECT_TRUE(has_line(lines, "RECURRENCE-ID;TZID=Europe/Berlin:20260330T100000"));
    EXPECT_TRUE(has_line(lines, "DTSTART;TZID=Europe/Berlin:20260330T120000"));
    EXPECT_TRUE(has_line(lines, "TZID:Europe/Berlin"));
    EXPECT_EQ(std::count(lines.begin(), lines.end(), "BEGIN:VTIMEZONE"), 1);
    EXPECT_EQ(ics->find("freeassociation"), std::string::npos) << "libical's private TZID prefix leaked";
    EXPECT_LT(ics->size(), 4000u) << "the VTIMEZONE should be cut to the series, not 130 years of history";

    const auto ours = expand_rrule(kBerlinRule, master.start, "Europe/Berlin");
    ASSERT_TRUE(ours.ok());
    EXPECT_EQ(iso_all(*ours), kBerlinSeries);

    // Python: pytz by name, and the VTIMEZONE we wrote, both give our expansion.
    const json::value got = python_reads(*ics);
    ASSERT_TRUE(got.is_object());
    EXPECT_EQ(strings(got.at("timezones")), std::vector<std::string>{"Europe/Berlin"});
    const auto& pevs = got.at("events").as_array();
    ASSERT_EQ(pevs.size(), 2u);
    const auto& pm = pevs[0];
    EXPECT_EQ(str(pm.at("tzid")), "Europe/Berlin");
    EXPECT_EQ(str(pm.at("dtstart")), kBerlinSeries[0]);
    EXPECT_EQ(str(pm.at("rrule")), "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE");
    EXPECT_TRUE(pm.at("dtstart_is_first_occurrence").as_bool());
    EXPECT_EQ(strings(pm.at("occurrences")), iso_all(*ours));
    EXPECT_EQ(strings(pm.at("occurrences_via_vtimezone")), iso_all(*ours));
    EXPECT_EQ(strings(pm.at("exdates")), std::vector<std::string>{kBerlinSeries[2]});
    const auto& po = pevs[1];
    EXPECT_EQ(str(po.at("uid")), master.uid);
    EXPECT_EQ(str(po.at("recurrence_id")), kBerlinSeries[4]);
    EXPECT_EQ(str(po.at("dtstart")), "2026-03-30T10:00:00Z");
    EXPECT_TRUE(po.at("rrule").is_null());

    // libical, reading the times through the VTIMEZONE in the file.
    Component cal = libical_reads(*ics);
    ASSERT_TRUE(cal);
    const auto evs = vevents(cal.get());
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(instant_of(cal.get(), evs[0], ICAL_DTSTART_PROPERTY), master.start);
    EXPECT_EQ(instant_of(cal.get(), evs[0], ICAL_EXDATE_PROPERTY), master.exdates[0]);
    EXPECT_EQ(instant_of(cal.get(), evs[1], ICAL_RECURRENCEID_PROPERTY), *moved.recurrence_id);
    EXPECT_EQ(instant_of(cal.get(), evs[1], ICAL_DTSTART_PROPERTY), moved.start);
    icalproperty* dtstart = icalcomponent_get_first_property(evs[0], ICAL_DTSTART_PROPERTY);
    icaltimetype start = icalproperty_get_dtstart(dtstart);
    start.zone = icalcomponent_get_timezone(
        cal.get(), icalparameter_get_tzid(icalproperty_get_first_parameter(dtstart, ICAL_TZID_PARAMETER)));
    ASSERT_NE(start.zone, nullptr);
    const icalrecurrencetype rule =
        icalproperty_get_rrule(icalcomponent_get_first_property(evs[0], ICAL_RRULE_PROPERTY));
    icalrecur_iterator* it = icalrecur_iterator_new(rule, start);
    ASSERT_NE(it, nullptr);
    std::vector<UnixTime> theirs;
    for (icaltimetype t = icalrecur_iterator_next(it); !icaltime_is_null_time(t); t = icalrecur_iterator_next(it))
        theirs.push_back(icaltime_as_timet_with_zone(t, start.zone));
    icalrecur_iterator_free(it);
    EXPECT_EQ(iso_all(theirs), kBerlinSeries);
}

TEST(IcalRender, PythonExpandsOurSeriesTheSameWay) {
    struct Case {
        std::string_view rule, start, tzid;
    };
    const std::vector<Case> cases = {
        {"FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10", "2026-03-02T07:00:00Z", "Europe/Istanbul"},
        {"FREQ=WEEKLY;BYDAY=TU,TH;COUNT=12", "2026-10-13T08:00:00Z", "Europe/Berlin"},
        {"FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260415T080000Z", "2026-03-16T09:00:00Z", "Europe/Berlin"},
        {"FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO;WKST=SU;COUNT=8", "2026-03-01T15:00:00Z", "America/New_York"},
        {"FREQ=MONTHLY;BYDAY=-1FR;COUNT=6", "2026-01-30T06:00:00Z", "Europe/London"},
        {"FREQ=MONTHLY;COUNT=6", "2026-01-31T07:00:00Z", "Europe/Istanbul"},  // months without a 31st are skipped
        {"FREQ=DAILY;COUNT=5", "2026-03-27T01:30:00Z", "Europe/Berlin"},      // 02:30 local through the spring gap
        {"FREQ=DAILY;COUNT=5", "2026-10-23T00:30:00Z", "Europe/Berlin"},      // 02:30 local through the autumn fold
        {"FREQ=DAILY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR;COUNT=10", "2026-06-01T06:00:00Z", "UTC"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.rule) + " from " + std::string(c.start) + " in " + std::string(c.tzid));
        const auto ours = expand_rrule(c.rule, at(c.start), c.tzid);
        ASSERT_TRUE(ours.ok()) << ours.error().fields.at(0).detail;
        CalendarEvent e = lesson();
        e.start = at(c.start);
        e.end = e.start + 2700;
        e.rrule = std::string(c.rule);
        e.tzid = std::string(c.tzid);
        const auto ics = render_calendar({e}, {});
        ASSERT_TRUE(ics.ok());
        const json::value got = python_reads(*ics, 500);
        ASSERT_TRUE(got.is_object());
        const auto& ev = got.at("events").at(0);
        EXPECT_EQ(str(ev.at("dtstart")), std::string(c.start));
        EXPECT_TRUE(ev.at("dtstart_is_first_occurrence").as_bool());
        EXPECT_EQ(strings(ev.at("occurrences")), iso_all(*ours));
        if (c.tzid != "UTC") {
            EXPECT_EQ(strings(ev.at("occurrences_via_vtimezone")), iso_all(*ours));
        }
    }
}

// The checker must be able to fail, or agreeing with it proves nothing.
TEST(IcalRender, CheckerNoticesBrokenFiles) {
    CalendarEvent e = lesson();
    e.start = at(kBerlinSeries[0]);
    e.end = e.start + 3600;
    e.rrule = std::string(kBerlinRule);
    e.tzid = "Europe/Berlin";
    const auto ics = render_calendar({e}, {});
    ASSERT_TRUE(ics.ok());
    // A VTIMEZONE that says summer time is +03:00: the expansion through it must differ.
    std::string wrong = *ics;
    const std::string summer = "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200";
    ASSERT_NE(wrong.find(summer), std::string::npos);
    wrong.replace(wrong.find(summer), summer.size(), "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0300");
    const json::value got = python_reads(wrong);
    ASSERT_TRUE(got.is_object());
    const auto& ev = got.at("events").at(0);
    EXPECT_EQ(strings(ev.at("occurrences")), kBerlinSeries);
    EXPECT_NE(strings(ev.at("occurrences_via_vtimezone")), kBerlinSeries);
    // Text that is not iCalendar: a non-zero exit with a message.
    const CheckRun garbage = run_checker("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:yesterday\r\n", 5);
    EXPECT_NE(garbage.exit_code, 0);
    EXPECT_NE(garbage.err.find("ics_check"), std::string::npos) << garbage.err;
}

TEST(IcalRender, TwoZonesGetOneVtimezoneEach) {
    CalendarEvent berlin = lesson();
    berlin.tzid = "Europe/Berlin";
    CalendarEvent istanbul = lesson();
    istanbul.uid = "other@liveclass";
    istanbul.tzid = "Europe/Istanbul";
    istanbul.start = at("2026-06-03T07:00:00Z");
    istanbul.end = istanbul.start + 3600;
    CalendarEvent utc = lesson();
    utc.uid = "utc@liveclass";
    utc.tzid = "UTC";
    CalendarEvent gmt = utc;
    gmt.uid = "gmt@liveclass";
    gmt.tzid = "GMT";  // libical's own UTC zone under another name: no VTIMEZONE either
    const auto ics = render_calendar({berlin, istanbul, berlin, utc, gmt}, {});
    ASSERT_TRUE(ics.ok());
    const auto lines = content_lines(*ics);
    EXPECT_EQ(std::count(lines.begin(), lines.end(), "BEGIN:VTIMEZONE"), 2);
    EXPECT_TRUE(has_line(lines, "DTSTART;TZID=Europe/Istanbul:20260603T100000"));
    EXPECT_TRUE(has_line(lines, "DTSTART;TZID=Europe/Berlin:20260602T090000"));
    const json::value got = python_reads(*ics);
    ASSERT_TRUE(got.is_object());
    EXPECT_EQ(strings(got.at("timezones")), (std::vector<std::string>{"Europe/Berlin", "Europe/Istanbul"}));
    EXPECT_EQ(str(got.at("events").at(1).at("dtstart")), "2026-06-03T07:00:00Z");
    EXPECT_EQ(str(got.at("events").at(3).at("dtstart")), "2026-06-02T07:00:00Z");
    EXPECT_TRUE(got.at("events").at(3).at("tzid").is_null());
    EXPECT_EQ(str(got.at("events").at(4).at("dtstart")), "2026-06-02T07:00:00Z");
    EXPECT_TRUE(got.at("events").at(4).at("tzid").is_null());
}

TEST(IcalRender, RefusesWhatItCannotWrite) {
    auto field_of = [](const CalendarEvent& e, const CalendarOptions& o = {}) -> std::string {
        const auto r = render_calendar({lesson(), e}, o);
        if (r.ok()) return "<ok>";
        EXPECT_EQ(r.error().code, Code::kInvalidArgument);
        return r.error().fields.at(0).field;
    };
    CalendarEvent e = lesson();
    EXPECT_EQ(field_of(e), "<ok>");
    e.uid = "";
    EXPECT_EQ(field_of(e), "events[1].uid");
    e = lesson();
    e.uid = "a b";
    EXPECT_EQ(field_of(e), "events[1].uid");
    e = lesson();
    e.end = e.start;
    EXPECT_EQ(field_of(e), "events[1].end");
    e = lesson();
    e.start = 0;
    EXPECT_EQ(field_of(e), "events[1].start");
    e = lesson();
    e.stamp = 0;
    EXPECT_EQ(field_of(e), "events[1].stamp");
    e = lesson();
    e.tzid = "Mars/Olympus_Mons";
    EXPECT_EQ(field_of(e), "events[1].tzid");
    e = lesson();
    e.rrule = "FREQ=WEEKLY";
    EXPECT_EQ(field_of(e), "events[1].rrule");
    e = lesson();
    e.exdates = {e.start};
    EXPECT_EQ(field_of(e), "events[1].exdates");
    e = lesson();
    e.summary = "bad \xC3\x28 utf-8";
    EXPECT_EQ(field_of(e), "events[1].summary");
    e = lesson();
    e.url = "https://x.example/a b";
    EXPECT_EQ(field_of(e), "events[1].url");
    e = lesson();
    e.organizer_email = "not-an-address";
    EXPECT_EQ(field_of(e), "events[1].organizer_email");
    e = lesson();
    e.alarms = {{-5, ""}};
    EXPECT_EQ(field_of(e), "events[1].alarms[0].minutes_before");
    e = lesson();
    e.organizer_email = "";
    EXPECT_EQ(field_of(e, {.method = "REQUEST"}), "events[1].organizer_email");
    EXPECT_EQ(field_of(e, {.method = "PUBLISH"}), "<ok>");
    EXPECT_EQ(field_of(lesson(), {.method = "REPLY"}), "options.method");
}

TEST(IcalRender, EmptyCalendarIsStillACalendar) {
    const auto ics = render_calendar({}, {.name = "Boş"});
    ASSERT_TRUE(ics.ok());
    const json::value got = python_reads(*ics);
    ASSERT_TRUE(got.is_object());
    EXPECT_TRUE(got.at("events").as_array().empty());
    EXPECT_EQ(str(got.at("name")), "Boş");
}

// ---------------------------------------------------------------- time zones

TEST(IcalTimezone, KnowsIanaNamesAndNothingElse) {
    EXPECT_TRUE(is_known_timezone("Europe/Istanbul"));
    EXPECT_TRUE(is_known_timezone("Europe/Berlin"));
    EXPECT_TRUE(is_known_timezone("America/Argentina/Buenos_Aires"));
    EXPECT_TRUE(is_known_timezone("UTC"));
    EXPECT_FALSE(is_known_timezone(""));
    EXPECT_FALSE(is_known_timezone("Mars/Olympus_Mons"));
    EXPECT_FALSE(is_known_timezone("europe/istanbul"));
    EXPECT_FALSE(is_known_timezone("Europe"));  // a directory of the zoneinfo tree
    EXPECT_FALSE(is_known_timezone("../../../etc/passwd"));
    EXPECT_FALSE(is_known_timezone("/etc/localtime"));
    EXPECT_FALSE(is_known_timezone("Europe/Istanbul\n"));
}

// ---------------------------------------------------------------- expand_rrule

TEST(IcalRrule, WeeklyMondayWednesdayInIstanbul) {
    // Istanbul keeps +03:00 all year: 10:00 local is 07:00Z every time.
    const auto r = expand_rrule("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10", at("2026-03-02T07:00:00Z"), "Europe/Istanbul");
    ASSERT_TRUE(r.ok()) << r.error().fields.at(0).detail;
    EXPECT_EQ(iso_all(*r),
              (std::vector<std::string>{"2026-03-02T07:00:00Z", "2026-03-04T07:00:00Z", "2026-03-09T07:00:00Z",
                                        "2026-03-11T07:00:00Z", "2026-03-16T07:00:00Z", "2026-03-18T07:00:00Z",
                                        "2026-03-23T07:00:00Z", "2026-03-25T07:00:00Z", "2026-03-30T07:00:00Z",
                                        "2026-04-01T07:00:00Z"}));
}

TEST(IcalRrule, UntilIsInclusive) {
    const UnixTime first = at("2026-03-02T07:00:00Z");
    const auto on = expand_rrule("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260311T070000Z", first, "Europe/Istanbul");
    ASSERT_TRUE(on.ok());
    EXPECT_EQ(on->size(), 4u);
    EXPECT_EQ(format_iso8601(on->back()), "2026-03-11T07:00:00Z");
    const auto before = expand_rrule("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260311T065959Z", first, "Europe/Istanbul");
    ASSERT_TRUE(before.ok());
    EXPECT_EQ(before->size(), 3u);
}

TEST(IcalRrule, BerlinKeepsTenOClockAcrossBothDstChanges) {
    const auto spring = expand_rrule("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10", at(kBerlinSeries[0]), "Europe/Berlin");
    ASSERT_TRUE(spring.ok());
    EXPECT_EQ(iso_all(*spring), kBerlinSeries);
    // Tuesday 20 October 10:00 CEST; the clocks go back on Sunday 25 October.
    const auto autumn = expand_rrule("FREQ=WEEKLY;BYDAY=TU;COUNT=3", at("2026-10-20T08:00:00Z"), "Europe/Berlin");
    ASSERT_TRUE(autumn.ok());
    EXPECT_EQ(iso_all(*autumn),
              (std::vector<std::string>{"2026-10-20T08:00:00Z", "2026-10-27T09:00:00Z", "2026-11-03T09:00:00Z"}));
    // In UTC nothing shifts.
    const auto utc = expand_rrule("FREQ=WEEKLY;BYDAY=TU;COUNT=2", at("2026-10-20T08:00:00Z"), "UTC");
    ASSERT_TRUE(utc.ok());
    EXPECT_EQ(iso_all(*utc), (std::vector<std::string>{"2026-10-20T08:00:00Z", "2026-10-27T08:00:00Z"}));
}

TEST(IcalRrule, LocalTimeInsideTheSpringGapMovesForward) {
    // 02:30 does not exist in Berlin on 29 March 2026: RFC 5545 §3.3.5 reads it with the offset
    // from before the gap, i.e. 03:30 CEST.
    const auto r = expand_rrule("FREQ=DAILY;COUNT=3", at("2026-03-28T01:30:00Z"), "Europe/Berlin");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(iso_all(*r),
              (std::vector<std::string>{"2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"}));
}

TEST(IcalRrule, IntervalAndMonthly) {
    const auto fortnightly = expand_rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=4", at("2026-03-02T07:00:00Z"), "UTC");
    ASSERT_TRUE(fortnightly.ok());
    EXPECT_EQ(iso_all(*fortnightly), (std::vector<std::string>{"2026-03-02T07:00:00Z", "2026-03-16T07:00:00Z",
                                                               "2026-03-30T07:00:00Z", "2026-04-13T07:00:00Z"}));
    const auto every_other_day = expand_rrule("FREQ=DAILY;INTERVAL=2;COUNT=3", at("2026-03-02T07:00:00Z"), "UTC");
    ASSERT_TRUE(every_other_day.ok());
    EXPECT_EQ(iso_all(*every_other_day),
              (std::vector<std::string>{"2026-03-02T07:00:00Z", "2026-03-04T07:00:00Z", "2026-03-06T07:00:00Z"}));
    // The last Friday of each month, from Friday 27 March 2026 in Istanbul.
    const auto last_friday =
        expand_rrule("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", at("2026-03-27T07:00:00Z"), "Europe/Istanbul");
    ASSERT_TRUE(last_friday.ok());
    EXPECT_EQ(iso_all(*last_friday),
              (std::vector<std::string>{"2026-03-27T07:00:00Z", "2026-04-24T07:00:00Z", "2026-05-29T07:00:00Z"}));
}

TEST(IcalRrule, StartOffTheRuleIsRefused) {
    // Tuesday 3 March with BYDAY=MO,WE: RFC 5545 leaves this undefined, so we do not guess.
    const auto r = expand_rrule("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10", at("2026-03-03T07:00:00Z"), "Europe/Istanbul");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Code::kInvalidArgument);
    EXPECT_EQ(r.error().fields.at(0).field, "rrule");
    EXPECT_NE(r.error().fields.at(0).detail.find("start the series on a day the rule includes"), std::string::npos);
    // The same start is the first occurrence of a rule that includes Tuesdays.
    EXPECT_TRUE(expand_rrule("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=2", at("2026-03-03T07:00:00Z"), "Europe/Istanbul").ok());
}

TEST(IcalRrule, LimitsAreEnforced) {
    const UnixTime first = at("2026-03-02T07:00:00Z");
    auto refused = [](const Result<std::vector<UnixTime>>& r) {
        if (r.ok()) return std::string("<ok>");
        EXPECT_EQ(r.error().code, Code::kInvalidArgument);
        return r.error().fields.at(0).field + ": " + r.error().fields.at(0).detail;
    };
    EXPECT_EQ(expand_rrule("FREQ=DAILY;COUNT=200", first, "UTC")->size(), 200u);
    EXPECT_EQ(refused(expand_rrule("FREQ=DAILY;COUNT=201", first, "UTC")),
              "rrule: COUNT=201 is more than the 200 sessions a series may have");
    EXPECT_EQ(refused(expand_rrule("FREQ=DAILY;UNTIL=20261231T000000Z", first, "UTC")),
              "rrule: the series would have more than 200 sessions");
    // 157 weekly sessions, but over three years.
    EXPECT_EQ(refused(expand_rrule("FREQ=WEEKLY;UNTIL=20290301T000000Z", first, "UTC")),
              "rrule: the series would run for more than 731 days");
    EXPECT_EQ(refused(expand_rrule("FREQ=MONTHLY;INTERVAL=12;COUNT=4", first, "UTC")),
              "rrule: the series would run for more than 731 days");
    const RecurrenceLimits small{.max_occurrences = 5, .max_span_days = 27};  // 5 weekly sessions span 28 days
    EXPECT_EQ(refused(expand_rrule("FREQ=DAILY;COUNT=6", first, "UTC", small)),
              "rrule: COUNT=6 is more than the 5 sessions a series may have");
    EXPECT_EQ(refused(expand_rrule("FREQ=WEEKLY;COUNT=5", first, "UTC", small)),
              "rrule: the series would run for more than 27 days");
    EXPECT_EQ(expand_rrule("FREQ=WEEKLY;COUNT=5", first, "UTC", {.max_occurrences = 5, .max_span_days = 28})->size(),
              5u);
    EXPECT_EQ(refused(expand_rrule("FREQ=WEEKLY;UNTIL=20260101T000000Z", first, "UTC")),
              "rrule: the series has no session: it ends before its first one");
}

TEST(IcalRrule, UnknownZoneIsRefused) {
    for (std::string_view zone : {"Mars/Olympus_Mons", "", "Europe", "../../../etc/passwd", "istanbul"}) {
        const auto r = expand_rrule("FREQ=DAILY;COUNT=3", at("2026-03-02T07:00:00Z"), zone);
        ASSERT_FALSE(r.ok()) << zone;
        EXPECT_EQ(r.error().code, Code::kInvalidArgument);
        EXPECT_EQ(r.error().fields.at(0).field, "timezone") << zone;
    }
}

// ---------------------------------------------------------------- normalize_rrule

TEST(IcalRrule, NormalizeGivesLibicalCanonicalForm) {
    EXPECT_EQ(*normalize_rrule("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"), "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE");
    EXPECT_EQ(*normalize_rrule("  rrule:count=10;byday=mo,we;freq=weekly; "), "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE");
    EXPECT_EQ(*normalize_rrule("FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=MO;UNTIL=20260630T235959Z"),
              "FREQ=WEEKLY;UNTIL=20260630T235959Z;INTERVAL=2;BYDAY=MO;WKST=SU");
    EXPECT_EQ(*normalize_rrule("FREQ=MONTHLY;BYDAY=2TU,-1FR;COUNT=6"), "FREQ=MONTHLY;COUNT=6;BYDAY=2TU,-1FR");
    EXPECT_EQ(*normalize_rrule("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=20"), "FREQ=DAILY;COUNT=20;BYDAY=MO,TU,WE,TH,FR");
    // The canonical form reads back to itself.
    const std::string canonical = *normalize_rrule("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10");
    EXPECT_EQ(*normalize_rrule(canonical), canonical);
}

TEST(IcalRrule, NormalizeRefusesWithAFieldAndAReason) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "is empty"},
        {"   ", "is empty"},
        {"garbage", "is not NAME=VALUE"},
        {"FREQ=WEEKLY;;COUNT=3", "empty part"},
        {"FREQ=WEEKLY;COUNT", "is not NAME=VALUE"},
        {"FREQ=SECONDLY;COUNT=3", "FREQ=SECONDLY is not supported"},
        {"FREQ=MINUTELY;COUNT=3", "FREQ=MINUTELY is not supported"},
        {"FREQ=HOURLY;COUNT=3", "FREQ=HOURLY is not supported"},
        {"FREQ=YEARLY;COUNT=3", "FREQ=YEARLY is not supported"},
        {"FREQ=FORTNIGHTLY;COUNT=3", "is not a frequency"},
        {"COUNT=3", "FREQ is required"},
        {"FREQ=WEEKLY", "needs an end"},
        {"FREQ=WEEKLY;BYDAY=MO", "needs an end"},
        {"FREQ=WEEKLY;COUNT=3;UNTIL=20260630T235959Z", "not both"},
        {"FREQ=WEEKLY;COUNT=201", "more than the 200 sessions"},
        {"FREQ=WEEKLY;COUNT=99999999999", "whole number"},
        {"FREQ=WEEKLY;COUNT=0", "whole number"},
        {"FREQ=WEEKLY;COUNT=-3", "whole number"},
        {"FREQ=WEEKLY;COUNT=abc", "whole number"},
        {"FREQ=WEEKLY;COUNT=3;COUNT=4", "says COUNT twice"},
        {"FREQ=WEEKLY;UNTIL=20260630", "UTC date and time"},
        {"FREQ=WEEKLY;UNTIL=20260630T235959", "UTC date and time"},
        {"FREQ=WEEKLY;UNTIL=20261330T000000Z", "UTC date and time"},
        {"FREQ=WEEKLY;UNTIL=20260231T000000Z", "UTC date and time"},
        {"FREQ=WEEKLY;INTERVAL=0;COUNT=3", "INTERVAL must be"},
        {"FREQ=WEEKLY;INTERVAL=5000;COUNT=3", "INTERVAL must be"},
        {"FREQ=WEEKLY;BYDAY=XX;COUNT=3", "is not a day"},
        {"FREQ=WEEKLY;BYDAY=MO,,WE;COUNT=3", "must list days"},
        {"FREQ=WEEKLY;BYDAY=MO,MO;COUNT=3", "twice"},
        {"FREQ=WEEKLY;BYDAY=1MO;COUNT=3", "only for FREQ=MONTHLY"},
        {"FREQ=DAILY;BYDAY=-1FR;COUNT=3", "only for FREQ=MONTHLY"},
        {"FREQ=MONTHLY;BYDAY=6MO;COUNT=3", "1 to 5"},
        {"FREQ=WEEKLY;WKST=XX;COUNT=3", "WKST must be a day"},
        {"FREQ=DAILY;BYSETPOS=1;COUNT=3", "BYSETPOS is not supported"},
        {"FREQ=DAILY;BYHOUR=9;COUNT=3", "BYHOUR is not supported"},
        {"FREQ=DAILY;BYMINUTE=0;COUNT=3", "BYMINUTE is not supported"},
        {"FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", "BYMONTHDAY is not supported"},
        {"FREQ=MONTHLY;BYMONTH=1;COUNT=3", "BYMONTH is not supported"},
        {"FREQ=DAILY;RSCALE=GREGORIAN;COUNT=3", "RSCALE is not supported"},
        {"FREQ=DAILY;X-LIVECLASS=1;COUNT=3", "is not a recurrence rule part"},
        {std::string(600, 'A'), "too long"},
    };
    for (const auto& [rule, reason] : cases) {
        const auto r = normalize_rrule(rule);
        ASSERT_FALSE(r.ok()) << rule << " -> " << *r;
        EXPECT_EQ(r.error().code, Code::kInvalidArgument) << rule;
        ASSERT_EQ(r.error().fields.size(), 1u) << rule;
        EXPECT_EQ(r.error().fields[0].field, "rrule") << rule;
        EXPECT_NE(r.error().fields[0].detail.find(reason), std::string::npos)
            << rule << ": " << r.error().fields[0].detail;
    }
    EXPECT_FALSE(normalize_rrule("FREQ=DAILY;COUNT=6", {.max_occurrences = 5}).ok());
    EXPECT_TRUE(normalize_rrule("FREQ=DAILY;COUNT=500", {.max_occurrences = 500}).ok());
}

// ---------------------------------------------------------------- truncate_rrule

TEST(IcalRrule, TruncateKeepsExactlyTheEarlierOccurrences) {
    const UnixTime first = at(kBerlinSeries[0]);
    // Cut at the sixth session (the series crosses the DST change in between).
    const auto cut = truncate_rrule(kBerlinRule, first, "Europe/Berlin", at(kBerlinSeries[5]));
    ASSERT_TRUE(cut.ok()) << cut.error().fields.at(0).detail;
    EXPECT_EQ(*cut, "FREQ=WEEKLY;UNTIL=20260401T075959Z;BYDAY=MO,WE");
    const auto kept = expand_rrule(*cut, first, "Europe/Berlin");
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(iso_all(*kept), std::vector<std::string>(kBerlinSeries.begin(), kBerlinSeries.begin() + 5));

    // Cut between two sessions: everything before the instant stays.
    const auto between = truncate_rrule(kBerlinRule, first, "Europe/Berlin", at("2026-04-03T00:00:00Z"));
    ASSERT_TRUE(between.ok());
    EXPECT_EQ(iso_all(*expand_rrule(*between, first, "Europe/Berlin")),
              std::vector<std::string>(kBerlinSeries.begin(), kBerlinSeries.begin() + 6));

    // An UNTIL rule is cut the same way.
    const auto until =
        truncate_rrule("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260415T080000Z", first, "Europe/Berlin", at(kBerlinSeries[5]));
    ASSERT_TRUE(until.ok());
    EXPECT_EQ(*until, *cut);

    // Cut one second after the first session: only the first stays.
    const auto one = truncate_rrule(kBerlinRule, first, "Europe/Berlin", first + 1);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(iso_all(*expand_rrule(*one, first, "Europe/Berlin")), std::vector<std::string>{kBerlinSeries[0]});
}

TEST(IcalRrule, TruncateAfterTheEndChangesNothingAndAtTheStartIsRefused) {
    const UnixTime first = at(kBerlinSeries[0]);
    const auto after =
        truncate_rrule("freq=weekly;byday=mo,we;count=10", first, "Europe/Berlin", at("2026-04-15T08:00:01Z"));
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(*after, kBerlinRule);
    for (UnixTime before : {first, first - 86400}) {
        const auto r = truncate_rrule(kBerlinRule, first, "Europe/Berlin", before);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().fields.at(0).field, "rrule");
    }
    const auto zone = truncate_rrule(kBerlinRule, first, "Nowhere/Land", first + 86400);
    ASSERT_FALSE(zone.ok());
    EXPECT_EQ(zone.error().fields.at(0).field, "timezone");
}

}  // namespace
}  // namespace lc::infra
