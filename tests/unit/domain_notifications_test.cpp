// Seed 8.1 / 8.2: which reminder is due when, and which channels each notice uses.
#include <gtest/gtest.h>

#include "domain/notifications.hpp"
#include "services/notice_templates.hpp"

namespace lc::domain {
namespace {

constexpr UnixTime kStart = 1'800'000'000;  // a class start on a minute boundary

TEST(DomainNotifications, EveryKindHasANameThatParsesBackAndItsChannels) {
    for (NoticeKind k : {NoticeKind::kReminder24h, NoticeKind::kReminder1h, NoticeKind::kReminder10m,
                         NoticeKind::kSessionStarted, NoticeKind::kSessionCancelled, NoticeKind::kSessionRescheduled,
                         NoticeKind::kRecordingPublished, NoticeKind::kInvitation}) {
        auto back = parse_notice_kind(to_string(k));
        ASSERT_TRUE(back) << to_string(k);
        EXPECT_EQ(*back, k);
    }
    EXPECT_FALSE(parse_notice_kind("reminder_2h"));
    // Seed 8.1/8.2: 24h and 1h by e-mail and push, 10m push only, started push only, cancellation both,
    // recording e-mail only.
    EXPECT_TRUE(channels_of(NoticeKind::kReminder24h).email && channels_of(NoticeKind::kReminder24h).push);
    EXPECT_TRUE(channels_of(NoticeKind::kReminder1h).email && channels_of(NoticeKind::kReminder1h).push);
    EXPECT_FALSE(channels_of(NoticeKind::kReminder10m).email);
    EXPECT_TRUE(channels_of(NoticeKind::kReminder10m).push);
    EXPECT_FALSE(channels_of(NoticeKind::kSessionStarted).email);
    EXPECT_TRUE(channels_of(NoticeKind::kSessionStarted).push);
    EXPECT_TRUE(channels_of(NoticeKind::kSessionCancelled).email && channels_of(NoticeKind::kSessionCancelled).push);
    EXPECT_TRUE(channels_of(NoticeKind::kRecordingPublished).email);
    EXPECT_FALSE(channels_of(NoticeKind::kRecordingPublished).push);
    EXPECT_TRUE(channels_of(NoticeKind::kInvitation).email);
    EXPECT_FALSE(channels_of(NoticeKind::kInvitation).push);
    EXPECT_EQ(parse_notice_channel("push"), NoticeChannel::kPush);
    EXPECT_FALSE(parse_notice_channel("sms"));
}

TEST(DomainNotifications, EachReminderIsDueFromItsMinuteUntilACloserOneTakesOver) {
    EXPECT_EQ(due_reminder(kStart, kStart - 86400 - 1), std::nullopt);
    EXPECT_EQ(due_reminder(kStart, kStart - 86400), NoticeKind::kReminder24h);
    EXPECT_EQ(due_reminder(kStart, kStart - 3601), NoticeKind::kReminder24h);
    EXPECT_EQ(due_reminder(kStart, kStart - 3600), NoticeKind::kReminder1h);
    EXPECT_EQ(due_reminder(kStart, kStart - 601), NoticeKind::kReminder1h);
    EXPECT_EQ(due_reminder(kStart, kStart - 600), NoticeKind::kReminder10m);
    EXPECT_EQ(due_reminder(kStart, kStart - 1), NoticeKind::kReminder10m);
    // Once the class has started, no reminder is due: a late one goes out only before the start.
    EXPECT_EQ(due_reminder(kStart, kStart), std::nullopt);
    EXPECT_EQ(due_reminder(kStart, kStart + 60), std::nullopt);
}

TEST(DomainNotifications, ARemindersMomentMustComeAfterTheClassGotItsTime) {
    // Scheduled three days ahead: every reminder applies.
    for (NoticeKind k : kReminders) EXPECT_TRUE(reminder_applies(k, kStart, kStart - 3 * 86400));
    // Scheduled (or moved) 30 minutes ahead: only the 10-minute one; the invitation told people.
    EXPECT_FALSE(reminder_applies(NoticeKind::kReminder24h, kStart, kStart - 1800));
    EXPECT_FALSE(reminder_applies(NoticeKind::kReminder1h, kStart, kStart - 1800));
    EXPECT_TRUE(reminder_applies(NoticeKind::kReminder10m, kStart, kStart - 1800));
    // Exactly at the moment still counts.
    EXPECT_TRUE(reminder_applies(NoticeKind::kReminder1h, kStart, kStart - 3600));
}

TEST(DomainNotifications, WindowsAreTheInverseOfDueReminder) {
    // For every minute of the day before a class, the class lies in exactly the window of the reminder due.
    for (UnixTime now = kStart - 86400 - 120; now <= kStart + 60; now += 60) {
        int windows = 0;
        for (NoticeKind k : kReminders) {
            StartWindow w = reminder_window(k, now);
            bool inside = kStart > w.after && kStart <= w.until;
            windows += inside;
            EXPECT_EQ(inside, due_reminder(kStart, now) == k) << "now = start - " << kStart - now;
        }
        EXPECT_LE(windows, 1);
    }
}

TEST(NoticeTemplates, TurkishAndEnglishTextsNameTheClassTheTimeAndTheLinks) {
    services::NoticeFacts f;
    f.kind = NoticeKind::kReminder1h;
    f.locale = "tr";
    f.timezone = "Europe/Istanbul";
    f.now = kStart - 3600;
    f.start = kStart;
    f.end = kStart + 3600;
    f.recipient_name = "Ali <Öğrenci>";
    f.session_title = "Türev & İntegral";
    f.course_title = "Matematik 101";
    f.session_url = "https://lms.example/sessions/1";
    f.unsubscribe_url = "https://lms.example/u/x";
    auto tr = services::render_notice(f);
    EXPECT_EQ(tr.subject, "Hatırlatma: \"Türev & İntegral\" 1 saat sonra başlıyor");
    // 1 800 000 000 is 2027-01-15 08:00 UTC, 11:00 in Istanbul (UTC+3).
    EXPECT_NE(tr.text.find("Cuma, 15 Ocak 2027 11:00 (Europe/Istanbul)"), std::string::npos) << tr.text;
    EXPECT_NE(tr.text.find("https://lms.example/u/x"), std::string::npos);
    // HTML is escaped: a name cannot inject markup.
    EXPECT_NE(tr.html.find("Ali &lt;Öğrenci&gt;"), std::string::npos);
    EXPECT_NE(tr.html.find("Türev &amp; İntegral"), std::string::npos);
    EXPECT_EQ(tr.html.find("<Öğrenci>"), std::string::npos);

    f.locale = "en";
    f.timezone = "America/New_York";
    auto en = services::render_notice(f);
    EXPECT_EQ(en.subject, "Reminder: \"Türev & İntegral\" starts in 1 hour");
    EXPECT_NE(en.text.find("Friday, 15 January 2027, 03:00 (America/New_York)"), std::string::npos) << en.text;
    EXPECT_NE(en.html.find("lang=\"en\""), std::string::npos);

    // A rescheduled class names both times; an unknown zone falls back to UTC.
    f.kind = NoticeKind::kSessionRescheduled;
    f.timezone = "Nowhere/City";
    f.previous_start = kStart - 86400;
    auto moved = services::render_notice(f);
    EXPECT_NE(moved.text.find("Thursday, 14 January 2027, 08:00 (UTC)"), std::string::npos) << moved.text;
    EXPECT_NE(moved.text.find("Friday, 15 January 2027, 08:00 (UTC)"), std::string::npos);
}

}  // namespace
}  // namespace lc::domain
