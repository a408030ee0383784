// The calendar adapter: recurrence rules are checked, expanded and cut.
#include "infra/ical.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace lc::infra {
namespace {

UnixTime at(std::string_view iso) { return parse_iso8601(iso).value(); }

std::vector<std::string> iso_all(const std::vector<UnixTime>& ts) {
    std::vector<std::string> out;
    for (UnixTime t : ts) out.push_back(format_iso8601(t));
    return out;
}

/// Weekly Monday and Wednesday, 10 sessions from Monday 16 March 2026 10:00 in Berlin: the
/// clocks go forward on Sunday 29 March, so the first four are at 09:00Z and the rest at 08:00Z.
constexpr std::string_view kBerlinRule = "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE";
const std::vector<std::string> kBerlinSeries = {
    "2026-03-16T09:00:00Z", "2026-03-18T09:00:00Z", "2026-03-23T09:00:00Z", "2026-03-25T09:00:00Z",
    "2026-03-30T08:00:00Z", "2026-04-01T08:00:00Z", "2026-04-06T08:00:00Z", "2026-04-08T08:00:00Z",
    "2026-04-13T08:00:00Z", "2026-04-15T08:00:00Z",
};

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
