// Issue 6: reminders and status notices by e-mail (to a real SMTP server, python3-aiosmtpd) and Web
// Push (to a loopback push service that checks VAPID and decrypts with the subscription's keys),
// driven by the injected clock: reminders fire at the right minute, once.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "../infra/push_endpoint.hpp"
#include "../infra/smtp_sink.hpp"
#include "core/time.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"
#include "services/notices.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

class Notifications : public ::testing::TestWithParam<Engine> {
protected:
    explicit Notifications(SmtpSinkOptions mail_server = {})
        : sink(std::move(mail_server)), srv(GetParam(), true, config()) {}

    Config config() {
        Config c;
        c.smtp_url = sink.url();
        c.smtp_tls = "none";
        c.push_allow_http = true;
        c.public_url = "https://lms.example.test";
        c.mail_from = "dersler@example.test";
        return c;
    }

    /// The student subscribes a browser (named after them at the push endpoint) through the API.
    void subscribe(const std::string& token, const std::string& name) {
        auto sub = push.subscription(name);
        auto r = srv.post_json("/api/v1/notifications/push-subscriptions/",
                               {{"endpoint", sub.endpoint},
                                {"expirationTime", nullptr},
                                {"keys", {{"p256dh", sub.p256dh}, {"auth", sub.auth}}}},
                               token);
        ASSERT_EQ(r.status, 201u) << r.body;
    }

    /// A class starting `lead` seconds from now, on a minute boundary; returns (id, start).
    std::pair<std::string, UnixTime> class_in(const TestServer::School& s, std::int64_t lead,
                                              const std::string& title = "Türev ve İntegral") {
        UnixTime start = (srv.clock().now() + lead) / 60 * 60;
        auto r = srv.post_json("/api/v1/live-sessions/",
                               {{"course_id", s.course.id},
                                {"title", title},
                                {"scheduled_start", format_iso8601(start)},
                                {"scheduled_end", format_iso8601(start + 3600)}},
                               srv.token_for(s.instructor, s.tenant));
        if (r.status != 201) throw std::runtime_error(r.body);
        return {r.str("id"), start};
    }

    long long deliveries(const std::string& where) { return srv.count_rows("notification_deliveries WHERE " + where); }

    /// A token valid at the clock's current time (the tests move the clock by days).
    std::string token(const TestServer::School& s, const domain::User& u) { return srv.token_for(u, s.tenant); }

    /// The e-mails of one kind of notice received so far (each names its kind in X-Liveclass-Notice),
    /// after waiting for at least `n` of them.
    std::vector<ReceivedMail> mails(const std::string& kind, std::size_t n = 0) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        for (;;) {
            std::vector<ReceivedMail> out;
            for (auto& m : sink.messages())
                if (m.header("X-Liveclass-Notice") == kind) out.push_back(std::move(m));
            if (out.size() >= n || std::chrono::steady_clock::now() > deadline) return out;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    /// Runs every due job (reminder rounds, fan-outs, deliveries) at the clock's time.
    void run() { srv.app().workers().run_due(); }

    SmtpSink sink;
    PushEndpoint push;
    TestServer srv;
};

TEST_P(Notifications, RemindersFireAtTheirMinuteOnceByTheRightChannels) {
    auto s = srv.make_school("rem", 2);
    subscribe(s.student_tokens[0], "s1");
    subscribe(s.student_tokens[1], "s2");
    auto [id, start] = class_in(s, 3 * 86400);
    ASSERT_TRUE(srv.app().notifications().schedule_reminders());

    // A minute early: nothing.
    srv.clock().set(start - 86400 - 60);
    run();
    EXPECT_EQ(deliveries("kind = 'reminder_24h'"), 0);

    // T-24h: e-mail to the two students and the teacher, pushes to the two subscribed students.
    srv.clock().set(start - 86400);
    run();
    EXPECT_EQ(deliveries("kind = 'reminder_24h' AND channel = 'email' AND status = 'sent'"), 3);
    EXPECT_EQ(deliveries("kind = 'reminder_24h' AND channel = 'push' AND status = 'sent'"), 2);
    auto reminders = mails("reminder_24h", 3);
    ASSERT_EQ(reminders.size(), 3u);
    const ReceivedMail* student_mail = nullptr;
    for (const auto& m : reminders)
        if (m.rcpt_tos.at(0) == s.students[0].email) student_mail = &m;
    ASSERT_NE(student_mail, nullptr);
    EXPECT_NE(student_mail->subject.find("Hatırlatma: \"Türev ve İntegral\""), std::string::npos)
        << student_mail->subject;
    EXPECT_NE(student_mail->text.find("https://lms.example.test/sessions/" + id), std::string::npos);
    EXPECT_NE(student_mail->html.find("Derse git"), std::string::npos);
    EXPECT_TRUE(student_mail->defects.empty());
    EXPECT_EQ(student_mail->from_display_name, "School rem");
    EXPECT_NE(student_mail->header("List-Unsubscribe").find("/api/v1/notifications/unsubscribe/"), std::string::npos);
    EXPECT_EQ(student_mail->header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    ASSERT_EQ(student_mail->attachments.size(), 1u);
    EXPECT_EQ(student_mail->attachments[0].content_type, "text/calendar");
    EXPECT_NE(student_mail->attachments[0].content.find("UID:" + id + "@liveclass"), std::string::npos);
    // The calendar carries the class page, never a join token.
    EXPECT_EQ(student_mail->attachments[0].content.find("token"), std::string::npos);

    auto pushes = push.wait_for(2);
    ASSERT_EQ(pushes.size(), 2u);
    for (const auto& p : pushes) {
        EXPECT_TRUE(p.vapid_ok) << p.error;
        EXPECT_EQ(p.vapid_sub, "mailto:dersler@example.test");
        ASSERT_TRUE(p.payload);
        auto body = json::parse(*p.payload).as_object();
        EXPECT_EQ(js(body.at("kind")), "reminder_24h");
        EXPECT_EQ(js(body.at("session_id")), id);
        EXPECT_EQ(js(body.at("url")), "https://lms.example.test/sessions/" + id);
        ASSERT_TRUE(p.ttl);
        EXPECT_EQ(*p.ttl, 86400);  // a reminder is useless after the start
    }

    // Again at the same minute and the next: nothing new (one delivery per user, kind and channel).
    run();
    srv.clock().advance(60);
    run();
    EXPECT_EQ(deliveries("kind = 'reminder_24h'"), 5);
    EXPECT_EQ(mails("reminder_24h").size(), 3u);

    // T-1h: e-mail and push again.
    srv.clock().set(start - 3600);
    run();
    EXPECT_EQ(deliveries("kind = 'reminder_1h' AND status = 'sent'"), 5);
    // T-10m: push only.
    srv.clock().set(start - 600);
    run();
    EXPECT_EQ(deliveries("kind = 'reminder_10m' AND channel = 'push' AND status = 'sent'"), 2);
    EXPECT_EQ(deliveries("kind = 'reminder_10m' AND channel = 'email'"), 0);
    EXPECT_EQ(mails("reminder_1h", 3).size(), 3u);
    auto all_pushes = push.wait_for(6);
    ASSERT_EQ(all_pushes.size(), 6u);
    EXPECT_EQ(all_pushes.back().urgency, "high");
}

TEST_P(Notifications, ALateReminderGoesOutOnlyBeforeTheStartAndOnlyTheClosestOne) {
    auto s = srv.make_school("late", 1);
    auto [id, start] = class_in(s, 2 * 86400);
    // The service was down through the class's T-24h and T-1h moments: 30 minutes are left.
    srv.clock().set(start - 30 * 60);
    ASSERT_TRUE(srv.app().notifications().schedule_reminders());
    run();
    EXPECT_EQ(deliveries("session_id = '" + id + "' AND kind = 'reminder_24h'"), 0);
    EXPECT_EQ(deliveries("session_id = '" + id + "' AND kind = 'reminder_1h' AND channel = 'email'"), 2);
    auto late = mails("reminder_1h", 2);
    ASSERT_EQ(late.size(), 2u);
    // The text says how long is really left.
    EXPECT_NE(late[0].subject.find("30 dakika sonra"), std::string::npos) << late[0].subject;

    // Another class whose start passed while the service was down gets no reminder.
    auto [missed, missed_start] = class_in(s, 7200);
    srv.clock().set(missed_start + 60);
    run();
    EXPECT_EQ(deliveries("session_id = '" + missed + "' AND kind LIKE 'reminder%'"), 0);
}

TEST_P(Notifications, AClassScheduledLateGetsAnInvitationAndOnlyTheRemindersStillAhead) {
    auto s = srv.make_school("short", 1);
    ASSERT_TRUE(srv.app().notifications().schedule_reminders());
    // Scheduled 30 minutes ahead: the invitation tells people; no "starts in 24 hours" or "1 hour".
    auto [id, start] = class_in(s, 30 * 60);
    run();
    auto invited = mails("invitation", 1);
    ASSERT_EQ(invited.size(), 1u);
    EXPECT_EQ(invited[0].rcpt_tos.at(0), s.students[0].email);  // not the teacher who scheduled it
    EXPECT_NE(invited[0].subject.find("Yeni canlı ders"), std::string::npos) << invited[0].subject;
    ASSERT_EQ(invited[0].attachments.size(), 1u);
    EXPECT_NE(invited[0].attachments[0].content.find("UID:" + id + "@liveclass"), std::string::npos);
    srv.clock().advance(60);
    run();
    EXPECT_EQ(deliveries("session_id = '" + id + "' AND kind IN ('reminder_24h', 'reminder_1h')"), 0);
    srv.clock().set(start - 600);
    run();
    EXPECT_EQ(deliveries("session_id = '" + id + "' AND kind = 'reminder_10m'"), 0);  // push only: no browser
    EXPECT_EQ(srv.count_rows("notification_rounds WHERE session_id = '" + id + "' AND kind = 'reminder_10m'"), 1);

    // A draft is not announced until it is published.
    auto draft = srv.post_json("/api/v1/live-sessions/",
                               {{"course_id", s.course.id},
                                {"title", "Taslak"},
                                {"status", "draft"},
                                {"scheduled_start", format_iso8601(start + 86400)},
                                {"scheduled_end", format_iso8601(start + 90000)}},
                               token(s, s.instructor));
    ASSERT_EQ(draft.status, 201u) << draft.body;
    run();
    EXPECT_EQ(deliveries("session_id = '" + draft.str("id") + "'"), 0);
    ASSERT_EQ(srv.patch_json("/api/v1/live-sessions/" + draft.str("id") + "/", {{"status", "scheduled"}},
                             token(s, s.instructor))
                  .status,
              200u);
    run();
    EXPECT_EQ(deliveries("session_id = '" + draft.str("id") + "' AND kind = 'invitation' AND status = 'sent'"), 1);
}

TEST_P(Notifications, RescheduleTellsPeopleTheNewTimeAndReArmsTheReminders) {
    auto s = srv.make_school("move", 1);
    subscribe(s.student_tokens[0], "mover");
    auto [id, start] = class_in(s, 2 * 86400);
    ASSERT_TRUE(srv.app().notifications().schedule_reminders());
    srv.clock().set(start - 86400);
    run();
    ASSERT_EQ(deliveries("kind = 'reminder_24h' AND status = 'sent'"), 3);  // 2 e-mails, 1 push

    UnixTime new_start = start + 3 * 3600;
    auto r = srv.patch_json(
        "/api/v1/live-sessions/" + id + "/",
        {{"scheduled_start", format_iso8601(new_start)}, {"scheduled_end", format_iso8601(new_start + 3600)}},
        token(s, s.instructor));
    ASSERT_EQ(r.status, 200u) << r.body;
    run();
    // The student hears of it by e-mail and push; the teacher who moved it does not.
    EXPECT_EQ(deliveries("kind = 'session_rescheduled' AND status = 'sent'"), 2);
    EXPECT_EQ(deliveries("kind = 'session_rescheduled' AND user_id = '" + s.instructor.id + "'"), 0);
    auto moves = mails("session_rescheduled", 1);
    ASSERT_EQ(moves.size(), 1u);
    const auto& moved = moves.back();
    EXPECT_NE(moved.subject.find("yeni tarih"), std::string::npos) << moved.subject;
    ASSERT_EQ(moved.attachments.size(), 1u);
    EXPECT_NE(moved.attachments[0].content.find("SEQUENCE:1"), std::string::npos);

    // The 24h reminder comes again for the new time (a new occasion), at its own minute.
    srv.clock().set(new_start - 86400 - 60);
    run();
    EXPECT_EQ(deliveries("kind = 'reminder_24h'"), 3);
    srv.clock().set(new_start - 86400);
    run();
    EXPECT_EQ(deliveries("kind = 'reminder_24h' AND status = 'sent'"), 6);

    // A longer class is not a move: calendars update, nobody is told, the reminders are not re-armed.
    ASSERT_EQ(srv.patch_json("/api/v1/live-sessions/" + id + "/", {{"scheduled_end", format_iso8601(new_start + 5400)}},
                             token(s, s.instructor))
                  .status,
              200u);
    srv.clock().advance(60);
    run();
    EXPECT_EQ(deliveries("kind = 'reminder_24h'"), 6);
    EXPECT_EQ(deliveries("kind = 'session_rescheduled'"), 2);
}

TEST_P(Notifications, CancellationIsAnnouncedAndStopsTheReminders) {
    auto s = srv.make_school("cancel", 1);
    subscribe(s.student_tokens[0], "canceller");
    auto [id, start] = class_in(s, 2 * 86400);
    ASSERT_TRUE(srv.app().notifications().schedule_reminders());
    auto r = srv.del("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    run();
    EXPECT_EQ(deliveries("kind = 'session_cancelled' AND status = 'sent'"), 2);
    auto cancelled = mails("session_cancelled", 1);
    ASSERT_EQ(cancelled.size(), 1u);
    EXPECT_NE(cancelled[0].subject.find("İptal edildi"), std::string::npos);
    ASSERT_EQ(cancelled[0].attachments.size(), 1u);
    EXPECT_NE(cancelled[0].attachments[0].content.find("STATUS:CANCELLED"), std::string::npos);
    auto pushes = push.wait_for(1);
    ASSERT_EQ(pushes.size(), 1u);
    ASSERT_TRUE(pushes[0].payload);
    EXPECT_NE(pushes[0].payload->find("session_cancelled"), std::string::npos);

    srv.clock().set(start - 86400);
    run();
    srv.clock().set(start - 600);
    run();
    EXPECT_EQ(deliveries("kind LIKE 'reminder%'"), 0);
}

TEST_P(Notifications, StartingAClassPushesToTheEnrolledStudents) {
    auto s = srv.make_school("start", 2);
    subscribe(s.student_tokens[0], "starter1");
    subscribe(s.instructor_token, "teacher");
    auto [id, start] = class_in(s, 600);
    auto r = srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token);
    ASSERT_EQ(r.status, 200u) << r.body;
    run();
    EXPECT_EQ(deliveries("kind = 'session_started' AND channel = 'push' AND status = 'sent'"), 1);
    // No e-mail for this kind, and nothing to the teacher who started it.
    EXPECT_EQ(deliveries("kind = 'session_started' AND channel = 'email'"), 0);
    EXPECT_EQ(deliveries("kind = 'session_started' AND user_id = '" + s.instructor.id + "'"), 0);
    auto pushes = push.wait_for(1);
    ASSERT_EQ(pushes.size(), 1u);
    EXPECT_EQ(pushes[0].name, "starter1");
    EXPECT_EQ(pushes[0].urgency, "high");
}

TEST_P(Notifications, PreferencesChooseChannelsAndLanguage) {
    auto s = srv.make_school("prefs", 2);
    auto bad = srv.patch_json("/api/v1/notifications/preferences/", {{"locale", "de"}, {"timezone", "Mars/Olympus"}},
                              s.student_tokens[0]);
    EXPECT_EQ(bad.status, 422u) << bad.body;
    EXPECT_NE(bad.body.find("\"locale\""), std::string::npos);
    EXPECT_NE(bad.body.find("\"timezone\""), std::string::npos);
    auto wrong_type = srv.patch_json("/api/v1/notifications/preferences/", {{"email_enabled", "yes"}, {"colour", 1}},
                                     s.student_tokens[0]);
    EXPECT_EQ(wrong_type.status, 422u) << wrong_type.body;
    EXPECT_NE(wrong_type.body.find("email_enabled"), std::string::npos);
    EXPECT_NE(wrong_type.body.find("colour"), std::string::npos);
    EXPECT_EQ(srv.count_rows("notification_preferences"), 0);

    // Student 1 reads English with New York times; student 2 wants no e-mail at all.
    auto en = srv.patch_json("/api/v1/notifications/preferences/", {{"locale", "en"}, {"timezone", "America/New_York"}},
                             s.student_tokens[0]);
    ASSERT_EQ(en.status, 200u) << en.body;
    EXPECT_EQ(js(en.obj().at("locale")), "en");
    EXPECT_TRUE(en.obj().at("email_available").as_bool());
    auto off = srv.patch_json("/api/v1/notifications/preferences/", {{"email_enabled", false}}, s.student_tokens[1]);
    ASSERT_EQ(off.status, 200u) << off.body;
    EXPECT_FALSE(
        srv.get("/api/v1/notifications/preferences/", s.student_tokens[1]).obj().at("email_enabled").as_bool());

    auto [id, start] = class_in(s, 2 * 86400);
    ASSERT_TRUE(srv.app().notifications().schedule_reminders());
    srv.clock().set(start - 86400);
    run();
    EXPECT_EQ(deliveries("kind = 'reminder_24h' AND user_id = '" + s.students[1].id + "'"), 0);
    auto reminders = mails("reminder_24h", 2);
    ASSERT_EQ(reminders.size(), 2u);
    for (const auto& m : reminders) {
        if (m.rcpt_tos.at(0) != s.students[0].email) continue;
        EXPECT_NE(m.subject.find("Reminder: \"Türev ve İntegral\" starts in 24 hours"), std::string::npos) << m.subject;
        EXPECT_NE(m.text.find("America/New_York"), std::string::npos) << m.text;
        EXPECT_NE(m.html.find("lang=\"en\""), std::string::npos);
    }
}

TEST_P(Notifications, TheUnsubscribeLinkAsksThenTurnsEmailOff) {
    auto s = srv.make_school("unsub", 1);
    auto [id, start] = class_in(s, 2 * 86400);
    ASSERT_TRUE(srv.app().notifications().schedule_reminders());
    srv.clock().set(start - 86400);
    run();
    auto reminders = mails("reminder_24h", 2);
    ASSERT_EQ(reminders.size(), 2u);
    const ReceivedMail* mine = reminders[0].rcpt_tos.at(0) == s.students[0].email ? &reminders[0] : &reminders[1];
    std::string header = mine->header("List-Unsubscribe");
    auto at = header.find("/api/v1/");
    ASSERT_NE(at, std::string::npos);
    std::string path = header.substr(at, header.size() - at - 1);  // drop the closing '>'

    // Opening the link (as a mail scanner would) changes nothing.
    auto page = srv.get(path);
    ASSERT_EQ(page.status, 200u) << page.body;
    EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
    EXPECT_NE(page.body.find("<form method=\"post\">"), std::string::npos);
    EXPECT_EQ(page.body.find(s.students[0].email), std::string::npos);  // only the masked address
    EXPECT_TRUE(
        srv.get("/api/v1/notifications/preferences/", token(s, s.students[0])).obj().at("email_enabled").as_bool());

    // RFC 8058 one-click POST from the mail client.
    auto done = http_request(srv.port(), "POST", path, "List-Unsubscribe=One-Click", "",
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
    ASSERT_EQ(done.status, 200u) << done.body;
    EXPECT_FALSE(
        srv.get("/api/v1/notifications/preferences/", token(s, s.students[0])).obj().at("email_enabled").as_bool());

    // A forged or edited token is refused and changes nothing.
    std::string forged = path;
    forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
    auto refused = http_request(srv.port(), "POST", forged, "", "", {});
    EXPECT_EQ(refused.status, 404u) << refused.body;
    EXPECT_EQ(refused.headers["content-type"], "application/problem+json");
    EXPECT_EQ(srv.get("/api/v1/notifications/unsubscribe/bm9wZQ.AAAA/").status, 404u);
}

TEST_P(Notifications, PushSubscriptionsAreCheckedListedAndRemovedWhenGone) {
    auto s = srv.make_school("subs", 1);
    auto bad = srv.post_json("/api/v1/notifications/push-subscriptions/",
                             {{"endpoint", "ftp://push.example/x"}, {"keys", {{"p256dh", "abc"}, {"auth", "!!"}}}},
                             s.student_tokens[0]);
    EXPECT_EQ(bad.status, 422u) << bad.body;
    EXPECT_NE(bad.body.find("keys.p256dh"), std::string::npos);
    auto missing =
        srv.post_json("/api/v1/notifications/push-subscriptions/", {{"endpoint", "https://x"}}, s.student_tokens[0]);
    EXPECT_EQ(missing.status, 422u) << missing.body;
    EXPECT_EQ(srv.count_rows("push_subscriptions"), 0);

    subscribe(s.student_tokens[0], "gone");  // the push service will answer 410
    auto list = srv.get("/api/v1/notifications/push-subscriptions/", s.student_tokens[0]);
    ASSERT_EQ(list.status, 200u);
    ASSERT_EQ(list.obj().at("results").as_array().size(), 1u);
    EXPECT_FALSE(js(list.obj().at("vapid_public_key")).empty());
    // The endpoint is a capability: only its origin is shown.
    EXPECT_EQ(list.body.find("/push/gone"), std::string::npos);
    // Another person cannot see or delete it.
    std::string sub_id = js(list.obj().at("results").as_array()[0].at("id"));
    EXPECT_EQ(
        srv.get("/api/v1/notifications/push-subscriptions/", s.instructor_token).obj().at("results").as_array().size(),
        0u);
    EXPECT_EQ(srv.del("/api/v1/notifications/push-subscriptions/" + sub_id + "/", s.instructor_token).status, 404u);

    auto [id, start] = class_in(s, 600);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    run();
    // 410: the subscription is dropped and the delivery skipped, not retried.
    EXPECT_EQ(srv.count_rows("push_subscriptions"), 0);
    EXPECT_EQ(deliveries("kind = 'session_started' AND status = 'skipped'"), 1);

    subscribe(s.student_tokens[0], "keep");
    list = srv.get("/api/v1/notifications/push-subscriptions/", s.student_tokens[0]);
    sub_id = js(list.obj().at("results").as_array()[0].at("id"));
    EXPECT_EQ(srv.del("/api/v1/notifications/push-subscriptions/" + sub_id + "/", s.student_tokens[0]).status, 204u);
    EXPECT_EQ(srv.count_rows("push_subscriptions"), 0);

    // Knowing another person's endpoint is not enough to take it over: the keys must match (the same
    // browser, signed in as someone else).
    subscribe(s.student_tokens[0], "shared");
    auto shared = push.subscription("shared");
    auto hijack = srv.post_json(
        "/api/v1/notifications/push-subscriptions/",
        {{"endpoint", shared.endpoint}, {"keys", {{"p256dh", shared.p256dh}, {"auth", "AAAAAAAAAAAAAAAAAAAAAA"}}}},
        s.instructor_token);
    EXPECT_EQ(hijack.status, 409u) << hijack.body;
    EXPECT_EQ(srv.count_rows("push_subscriptions WHERE user_id = '" + s.students[0].id + "'"), 1);
    subscribe(s.instructor_token, "shared");  // same keys: the browser moves to the teacher
    EXPECT_EQ(srv.count_rows("push_subscriptions WHERE user_id = '" + s.instructor.id + "'"), 1);
    EXPECT_EQ(srv.count_rows("push_subscriptions"), 1);
    ASSERT_EQ(srv.del("/api/v1/notifications/push-subscriptions/" +
                          js(srv.get("/api/v1/notifications/push-subscriptions/", s.instructor_token)
                                 .obj()
                                 .at("results")
                                 .as_array()[0]
                                 .at("id")) +
                          "/",
                      s.instructor_token)
                  .status,
              204u);

    // A client registering endpoints in a loop keeps only its 20 newest.
    for (int i = 0; i < 23; ++i) subscribe(s.student_tokens[0], "loop" + std::to_string(i));
    EXPECT_EQ(srv.count_rows("push_subscriptions"), 20);
    EXPECT_EQ(srv.count_rows("push_subscriptions WHERE endpoint LIKE '%/push/loop22'"), 1);
    EXPECT_EQ(srv.count_rows("push_subscriptions WHERE endpoint LIKE '%/push/loop0'"), 0);
}

TEST_P(Notifications, TwoWorkersRacingOverTheSameMinuteSendOnce) {
    auto s = srv.make_school("race", 3);
    auto [id, start] = class_in(s, 2 * 86400);
    srv.clock().set(start - 86400);
    std::vector<std::thread> workers;
    for (int i = 0; i < 4; ++i)
        workers.emplace_back([&] { (void)srv.app().notifications().run_reminders(domain::NoticeKind::kReminder24h); });
    for (auto& w : workers) w.join();
    EXPECT_EQ(deliveries("kind = 'reminder_24h'"), 4);  // three students and the teacher, e-mail each
    run();
    EXPECT_EQ(mails("reminder_24h", 4).size(), 4u);
    run();
    EXPECT_EQ(mails("reminder_24h").size(), 4u);
}

TEST_P(Notifications, RecordingPublishedIsMailedToTheClass) {
    auto s = srv.make_school("rec", 1);
    auto [id, start] = class_in(s, 600);
    {
        store::Tx tx(srv.app().db());
        auto session = store::find_session(tx.sql(), s.tenant.id, id);
        ASSERT_TRUE(session);
        std::string rec = infra::new_uuid();
        long long now = srv.clock().now();
        tx.sql() << "INSERT INTO live_session_recordings(id, tenant_id, session_id, provider_recording_id, status, "
                    "created_at) VALUES(:i, :t, :s, 'r1', 'published', :n)",
            soci::use(rec), soci::use(s.tenant.id), soci::use(id), soci::use(now);
        services::queue_recording_notice(tx.sql(), *session, rec, srv.clock().now());
        tx.commit();
    }
    run();
    EXPECT_EQ(deliveries("kind = 'recording_published' AND channel = 'email' AND status = 'sent'"), 2);
    auto published = mails("recording_published", 2);
    ASSERT_EQ(published.size(), 2u);
    EXPECT_NE(published[0].subject.find("Kayıt yayında"), std::string::npos);
    EXPECT_NE(published[0].text.find("/sessions/" + id + "/recordings"), std::string::npos);
}

TEST_P(Notifications, DeliveriesAreVisibleToAdminsAndToTheirRecipientOnly) {
    auto s = srv.make_school("log", 1);
    auto other = srv.make_school("logother", 1);
    auto [id, start] = class_in(s, 2 * 86400);
    srv.clock().set(start - 86400);
    ASSERT_TRUE(srv.app().notifications().run_reminders(domain::NoticeKind::kReminder24h));
    run();
    auto admin = srv.get("/api/v1/notifications/deliveries/?kind=reminder_24h", token(s, s.admin));
    ASSERT_EQ(admin.status, 200u) << admin.body;
    EXPECT_EQ(admin.obj().at("count").as_int64(), 2);
    auto mine = srv.get("/api/v1/notifications/deliveries/?kind=reminder_24h", token(s, s.students[0]));
    EXPECT_EQ(mine.obj().at("count").as_int64(), 1);
    auto foreign = srv.get("/api/v1/notifications/deliveries/?session=" + id, token(other, other.admin));
    EXPECT_EQ(foreign.obj().at("count").as_int64(), 0);
    EXPECT_EQ(srv.get("/api/v1/notifications/deliveries/?kind=nope", token(s, s.admin)).status, 400u);
    EXPECT_EQ(srv.get("/api/v1/notifications/deliveries/?colour=red", token(s, s.admin)).status, 400u);
}

TEST_P(Notifications, ASeriesIsAnnouncedOnceAndSoIsItsCancellation) {
    auto s = srv.make_school("serie", 1);
    UnixTime first = (srv.clock().now() / 86400 + 3) * 86400 + 8 * 3600;
    auto made = srv.post_json("/api/v1/live-series/",
                              {{"course_id", s.course.id},
                               {"title", "Haftalık Fizik"},
                               {"rrule", "FREQ=WEEKLY;COUNT=4"},
                               {"timezone", "Europe/Istanbul"},
                               {"first_start", format_iso8601(first)},
                               {"duration_minutes", 45}},
                              s.instructor_token);
    ASSERT_EQ(made.status, 201u) << made.body;
    run();
    // One invitation per person for the whole series, carrying the rule.
    auto invited = mails("invitation", 1);
    ASSERT_EQ(invited.size(), 1u);
    EXPECT_EQ(deliveries("kind = 'invitation'"), 1);
    EXPECT_NE(invited[0].subject.find("Yeni ders serisi"), std::string::npos) << invited[0].subject;
    ASSERT_EQ(invited[0].attachments.size(), 1u);
    EXPECT_NE(invited[0].attachments[0].content.find("RRULE:FREQ=WEEKLY;COUNT=4"), std::string::npos);
    EXPECT_NE(invited[0].attachments[0].content.find("UID:" + made.str("id") + "@liveclass"), std::string::npos);

    // Cancelling the last two classes: one notice, with the series' file listing them as EXDATEs.
    UnixTime third = first + 14 * 86400;
    auto cancelled =
        srv.del("/api/v1/live-series/" + made.str("id") + "/?from=" + format_iso8601(third), s.instructor_token);
    ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
    run();
    auto notice = mails("session_cancelled", 1);
    ASSERT_EQ(notice.size(), 1u);
    EXPECT_EQ(deliveries("kind = 'session_cancelled' AND channel = 'email'"), 1);
    EXPECT_NE(notice[0].text.find("serisinin"), std::string::npos) << notice[0].text;
    ASSERT_EQ(notice[0].attachments.size(), 1u);
    EXPECT_NE(notice[0].attachments[0].content.find("EXDATE"), std::string::npos);
}

TEST_P(Notifications, DataExportAndErasureCoverWhereNoticesGo) {
    auto s = srv.make_school("kvkn", 1);
    const auto& student = s.students[0];
    subscribe(s.student_tokens[0], "kvkk");
    ASSERT_EQ(srv.patch_json("/api/v1/notifications/preferences/", {{"locale", "en"}}, s.student_tokens[0]).status,
              200u);
    auto feed = srv.post("/api/v1/calendar/feed/", "", s.student_tokens[0]);
    ASSERT_EQ(feed.status, 201u);
    std::string feed_path = feed.str("url").substr(std::string("https://lms.example.test").size());
    auto [id, start] = class_in(s, 600);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    run();

    auto d = srv.get("/api/v1/users/" + student.id + "/data-export/", s.admin_token);
    ASSERT_EQ(d.status, 200u) << d.body;
    EXPECT_EQ(js(d.obj().at("notification_preferences").at(0).at("locale")), "en");
    ASSERT_EQ(d.obj().at("push_subscriptions").as_array().size(), 1u);
    ASSERT_EQ(d.obj().at("calendar_feeds").as_array().size(), 1u);
    EXPECT_FALSE(d.obj().at("calendar_feeds").at(0).as_object().contains("token_hash"));
    std::set<std::string> kinds;
    for (const auto& n : d.obj().at("notifications").as_array()) kinds.insert(js(n.at("kind")));
    EXPECT_EQ(kinds, (std::set<std::string>{"invitation", "session_started"}));

    auto erased = srv.post_json("/api/v1/users/" + student.id + "/erase/", {{"confirm", true}}, s.admin_token);
    ASSERT_EQ(erased.status, 200u) << erased.body;
    EXPECT_EQ(srv.count_rows("push_subscriptions WHERE user_id = '" + student.id + "'"), 0);
    EXPECT_EQ(srv.count_rows("notification_preferences WHERE user_id = '" + student.id + "'"), 0);
    EXPECT_EQ(srv.count_rows("calendar_feeds WHERE user_id = '" + student.id + "'"), 0);
    EXPECT_EQ(srv.get(feed_path).status, 404u);
    // The record that a notice was sent stays, without an address.
    EXPECT_EQ(deliveries("user_id = '" + student.id + "'"), 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, Notifications, ::testing::ValuesIn(available_engines()), engine_name);

/// A mail server that refuses addresses containing "reject" with a temporary error (451).
class NotificationFailures : public Notifications {
protected:
    NotificationFailures() : Notifications(SmtpSinkOptions{.reject_rcpt = 451}) {}
};

TEST_P(NotificationFailures, MailIsRetriedWithBackoffThenRecordedAsFailed) {
    auto s = srv.make_school("fail", 0);
    auto& dir = srv.app().directory();
    services::Principal admin{s.admin, s.tenant};
    services::NewUser nu;
    nu.email = "reject-me@fail.test";
    nu.password = "password-fail";
    nu.full_name = "Refused Student";
    auto u = dir.create_user_in("fail", nu);
    ASSERT_TRUE(u);
    ASSERT_TRUE(dir.enroll(admin, s.course.id, u->id));
    auto [id, start] = class_in(s, 2 * 86400);
    srv.clock().set(start - 86400);
    ASSERT_TRUE(srv.app().notifications().run_reminders(domain::NoticeKind::kReminder24h));
    run();
    const std::string refused = "kind = 'reminder_24h' AND user_id = '" + u->id + "'";
    EXPECT_EQ(deliveries("kind = 'reminder_24h' AND status = 'sent'"), 1);  // the teacher's
    EXPECT_EQ(deliveries(refused + " AND status = 'pending' AND attempts = 1"), 1);
    EXPECT_NE(srv.get("/api/v1/notifications/deliveries/?status=pending", token(s, s.admin)).body.find("451"),
              std::string::npos);
    // The job system retries with growing delays; after the last attempt the delivery is failed.
    for (int i = 0; i < 12; ++i) {
        srv.clock().advance(1800);
        run();
    }
    EXPECT_EQ(deliveries(refused + " AND status = 'failed' AND attempts = 6"), 1);
    // The reason is kept without the address.
    EXPECT_EQ(srv.get("/api/v1/notifications/deliveries/?status=failed", token(s, s.admin)).body.find("reject-me@"),
              std::string::npos);
    EXPECT_EQ(mails("reminder_24h").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, NotificationFailures, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
