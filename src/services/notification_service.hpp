#pragma once
// Seed 8.1 / 8.2: reminders (T-24h, T-1h by e-mail and push, T-10m by push), status notices (started,
// cancelled or rescheduled, recording published), notification preferences, Web Push subscriptions
// and unsubscribe links.
//
// How a notice travels: a periodic send_reminder_* job (or a status change, through its outbox job)
// fans the class's audience out into notification_deliveries rows, one per user, kind, channel and
// occasion (unique), each with a deliver_notification job. The delivery job sends the e-mail or the
// pushes and records the outcome; transient failures retry with backoff, then the row is "failed".
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/notifications.hpp"
#include "infra/mail.hpp"
#include "infra/webpush.hpp"
#include "services/context.hpp"
#include "services/directory_service.hpp"
#include "store/job_repo.hpp"
#include "store/notification_repo.hpp"

namespace lc::services {

struct NotificationOptions {
    std::string public_url;                            // links in e-mails (session page, unsubscribe)
    std::string default_timezone = "Europe/Istanbul";  // times in texts when the user chose none
    std::string mail_from_address;
    std::string mail_from_name = "liveclass";
    bool push_allow_http = false;  // accept http:// push endpoints (loopback tests only)
    int delivery_attempts = 6;     // tries of one delivery before it is recorded as failed
};

struct PreferencesInput {
    std::optional<bool> email, push, reminders;
    std::optional<std::optional<std::string>> locale, timezone;  // set, or clear with null
};

/// What the unsubscribe page shows before the person confirms.
struct UnsubscribeInfo {
    std::string tenant_id;
    std::string user_id;
    std::string masked_email;
    std::string locale;
    bool email_enabled = true;
};

/// The .ics attached to a notice e-mail about `s`, or about its whole series when `series_id` is set
/// (an invitation to a series); empty: none. Given by the calendar and series services.
using IcsForNotice = std::function<std::string(const domain::LiveSession& s, const std::string& course_title,
                                               const std::string& series_id)>;

class NotificationService {
public:
    /// `mailer` null: e-mail is off (no LIVE_SMTP_URL); `push` null: Web Push is off.
    NotificationService(ServiceContext& ctx, const infra::Mailer* mailer, const infra::PushSender* push,
                        std::string vapid_public_key, std::string link_key, NotificationOptions options,
                        IcsForNotice ics = {});

    static constexpr const char* kDeliverJob = "deliver_notification";
    /// send_reminder_24h | send_reminder_1h | send_reminder_10m
    static const char* reminder_job(domain::NoticeKind k);

    /// Keeps one round of each reminder job queued, at the start of the next minute.
    Status schedule_reminders();
    /// A send_reminder_* round: fans out the reminders due now, then queues the next round. Returns the
    /// number of deliveries created.
    Result<int> run_reminders(domain::NoticeKind kind);
    /// notify_session_started / notify_session_cancelled / notify_recording_published.
    Status run_notice_job(const std::string& payload);
    /// deliver_notification: sends one delivery. An error means "retry later" (the job system backs
    /// off); the last attempt's failure is recorded on the delivery instead.
    Status deliver(const store::Job& job);

    Result<store::NotificationPrefs> preferences(const Principal& p);
    Result<store::NotificationPrefs> update_preferences(const Principal& p, const PreferencesInput& in);

    Result<store::PushSubscriptionRow> subscribe_push(const Principal& p, const infra::PushSubscription& s,
                                                      const std::string& user_agent);
    Result<std::vector<store::PushSubscriptionRow>> push_subscriptions(const Principal& p);
    Status unsubscribe_push(const Principal& p, const std::string& id_or_endpoint);
    const std::string& vapid_public_key() const { return vapid_public_key_; }
    bool email_enabled() const { return mailer_ != nullptr; }
    bool push_enabled() const { return push_ != nullptr; }

    /// The signed token of a user's unsubscribe link (no expiry: it only turns e-mail off).
    std::string unsubscribe_token(const std::string& tenant_id, const std::string& user_id) const;
    std::string unsubscribe_url(const std::string& tenant_id, const std::string& user_id) const;
    Result<UnsubscribeInfo> open_unsubscribe(const std::string& token);
    /// Turns the user's e-mail notices off (idempotent).
    Result<UnsubscribeInfo> unsubscribe_email(const std::string& token);

    /// Deliveries of the school (admins) or the caller's own.
    Result<Page<store::Delivery>> deliveries(const Principal& p, store::DeliveryFilter f);

private:
    struct FanOut {
        domain::NoticeKind kind;
        std::string occasion;
        std::string skip_user;  // who caused it
        std::string extra;      // JSON object for the delivery job (e.g. previous_start)
    };
    int fan_out(soci::session& sql, const domain::LiveSession& s, const FanOut& f);
    /// Records the outcome of one attempt; returns the error that makes the job retry, if any.
    Status settle(const store::Job& job, store::Delivery d, Status outcome, const std::string& sent_detail);
    ServiceContext& ctx_;
    const infra::Mailer* mailer_;
    const infra::PushSender* push_;
    std::string vapid_public_key_;
    std::string link_key_;
    NotificationOptions options_;
    IcsForNotice ics_;
};

}  // namespace lc::services
