#pragma once
// Issue 6: notification deliveries (one row per user, kind, channel and occasion), preferences, Web
// Push subscriptions and personal calendar feeds. Same SQL on SQLite and PostgreSQL.
#include <soci/soci.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "domain/entities.hpp"

namespace lc::store {

struct Delivery {
    std::string id;
    std::string tenant_id;
    std::string session_id;
    std::string user_id;
    std::string kind;     // domain::NoticeKind name
    std::string channel;  // email | push
    std::string occasion;
    std::string status = "pending";  // pending | sent | failed | skipped
    int attempts = 0;
    std::string detail;  // why it failed or was skipped (never personal data)
    UnixTime created_at = 0;
    std::optional<UnixTime> sent_at;
};

/// Inserts a pending delivery unless the same (session, user, kind, channel, occasion) exists; true
/// when this call inserted it. The unique index decides, so two workers racing get one row.
bool insert_delivery_once(soci::session& sql, const Delivery& d);
/// Marks the audience of (session, kind, occasion) as fanned out; false when another worker did it.
bool insert_notification_round(soci::session& sql, const std::string& session_id, const std::string& kind,
                               const std::string& occasion, UnixTime now);
/// Scheduled classes of every school starting in (after, until] whose `kind` reminder has not been fanned
/// out for their current time version (schedule_set_at), earliest first, at most `limit`: (session id, tenant id)
/// pairs.
std::vector<std::pair<std::string, std::string>> list_sessions_needing_reminder(soci::session& sql,
                                                                                const std::string& kind, UnixTime after,
                                                                                UnixTime until, int limit);
std::optional<Delivery> find_delivery(soci::session& sql, const std::string& id);
void update_delivery(soci::session& sql, const Delivery& d);
struct DeliveryFilter {
    std::string session_id, user_id, kind, status;
    int limit = 100, offset = 0;
};
std::vector<Delivery> list_deliveries(soci::session& sql, const std::string& tenant_id, const DeliveryFilter& f,
                                      long long* total = nullptr);

struct NotificationPrefs {
    std::string user_id;
    std::string tenant_id;
    bool email = true;
    bool push = true;
    bool reminders = true;
    std::optional<std::string> locale;    // tr | en; none: the user's own locale
    std::optional<std::string> timezone;  // IANA zone; none: the service default
    UnixTime updated_at = 0;
};
std::optional<NotificationPrefs> find_prefs(soci::session& sql, const std::string& user_id);
void upsert_prefs(soci::session& sql, const NotificationPrefs& p);

/// The people a class's notices go to: its course's enrolled users and instructors and the class's
/// moderators, active accounts only, with their preferences (defaults where they set none). Only the
/// user fields a notice needs are read: id, tenant, email, full name, role, locale.
struct Recipient {
    domain::User user;
    NotificationPrefs prefs;
    bool has_push = false;  // at least one Web Push subscription
};
std::vector<Recipient> list_session_audience(soci::session& sql, const std::string& tenant_id,
                                             const std::string& course_id, const std::string& session_id);

struct PushSubscriptionRow {
    std::string id;
    std::string tenant_id;
    std::string user_id;
    std::string endpoint;
    std::string p256dh;
    std::string auth;
    std::string user_agent;
    UnixTime created_at = 0;
    std::optional<UnixTime> last_success_at;
};
/// Saves a subscription and returns its id. An endpoint already known is updated when it is this
/// user's (new keys), or moved to this user when the keys match (the same browser signed in as someone
/// else); nullopt when it belongs to someone else under other keys (nothing is changed).
std::optional<std::string> upsert_push_subscription(soci::session& sql, const PushSubscriptionRow& s);
std::vector<PushSubscriptionRow> list_push_subscriptions(soci::session& sql, const std::string& user_id);
/// Keeps the user's `keep` newest subscriptions and deletes the rest (browsers make new ones freely).
void trim_push_subscriptions(soci::session& sql, const std::string& user_id, int keep);
/// Removes one of the user's subscriptions by id or endpoint; true when one was removed.
bool delete_push_subscription(soci::session& sql, const std::string& user_id, const std::string& id_or_endpoint);
/// The push service said the subscription is gone (404/410).
void delete_push_subscription_by_id(soci::session& sql, const std::string& id);
void touch_push_subscription(soci::session& sql, const std::string& id, UnixTime now);

struct CalendarFeed {
    std::string id;
    std::string tenant_id;
    std::string user_id;
    std::string token_hash;
    UnixTime created_at = 0;
    std::optional<UnixTime> revoked_at;
    std::optional<UnixTime> last_used_at;
};
void insert_calendar_feed(soci::session& sql, const CalendarFeed& f);
/// Revokes the user's active feeds; returns how many.
long long revoke_calendar_feeds(soci::session& sql, const std::string& user_id, UnixTime now);
std::optional<CalendarFeed> find_active_feed(soci::session& sql, const std::string& user_id);
std::optional<CalendarFeed> find_active_feed_by_hash(soci::session& sql, const std::string& token_hash);
void touch_calendar_feed(soci::session& sql, const std::string& id, UnixTime now);

}  // namespace lc::store
