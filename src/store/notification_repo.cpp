#include "store/notification_repo.hpp"

#include "store/sql_util.hpp"

namespace lc::store {

using detail::Nullable;
using detail::Params;

namespace {

constexpr const char* kDeliveryCols =
    "id, tenant_id, session_id, user_id, kind, channel, occasion, status, attempts, detail, created_at, sent_at";

struct DeliveryRow {
    Delivery d;
    long long created = 0;
    Nullable<long long> sent;
    void into(soci::statement& st) {
        st.exchange(soci::into(d.id));
        st.exchange(soci::into(d.tenant_id));
        st.exchange(soci::into(d.session_id));
        st.exchange(soci::into(d.user_id));
        st.exchange(soci::into(d.kind));
        st.exchange(soci::into(d.channel));
        st.exchange(soci::into(d.occasion));
        st.exchange(soci::into(d.status));
        st.exchange(soci::into(d.attempts));
        st.exchange(soci::into(d.detail));
        st.exchange(soci::into(created));
        st.exchange(soci::into(sent.value, sent.ind));
    }
    Delivery finish() const {
        Delivery out = d;
        out.created_at = created;
        out.sent_at = sent.get();
        return out;
    }
};

std::vector<Delivery> query_deliveries(soci::session& sql, const std::string& query, Params& p) {
    std::vector<Delivery> out;
    DeliveryRow row;
    detail::for_each_row(sql, query, p, row, [&] {
        out.push_back(row.finish());
        row.sent.ind = soci::i_null;
    });
    return out;
}

constexpr const char* kPrefCols = "email_enabled, push_enabled, reminders_enabled, locale, timezone, updated_at";

constexpr const char* kPushCols =
    "id, tenant_id, user_id, endpoint, p256dh, auth, user_agent, created_at, "
    "last_success_at";

constexpr const char* kFeedCols = "id, tenant_id, user_id, token_hash, created_at, revoked_at, last_used_at";

std::optional<CalendarFeed> one_feed(soci::session& sql, const std::string& where, const std::string& arg) {
    CalendarFeed f;
    long long created = 0;
    Nullable<long long> revoked, used;
    soci::indicator ind = soci::i_null;
    sql << std::string("SELECT ") + kFeedCols + " FROM calendar_feeds WHERE " + where +
               " AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1",
        soci::into(f.id, ind), soci::into(f.tenant_id), soci::into(f.user_id), soci::into(f.token_hash),
        soci::into(created), soci::into(revoked.value, revoked.ind), soci::into(used.value, used.ind), soci::use(arg);
    if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
    f.created_at = created;
    f.revoked_at = revoked.get();
    f.last_used_at = used.get();
    return f;
}

}  // namespace

bool insert_delivery_once(soci::session& sql, const Delivery& d) {
    long long created = d.created_at;
    soci::statement st =
        (sql.prepare << "INSERT INTO notification_deliveries(id, tenant_id, session_id, user_id, kind, channel, "
                        "occasion, status, attempts, detail, created_at) "
                        "VALUES(:i, :t, :s, :u, :k, :c, :o, :st, 0, :d, :n) "
                        "ON CONFLICT (session_id, user_id, kind, channel, occasion) DO NOTHING",
         soci::use(d.id), soci::use(d.tenant_id), soci::use(d.session_id), soci::use(d.user_id), soci::use(d.kind),
         soci::use(d.channel), soci::use(d.occasion), soci::use(d.status), soci::use(d.detail), soci::use(created));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

bool insert_notification_round(soci::session& sql, const std::string& session_id, const std::string& kind,
                               const std::string& occasion, UnixTime now) {
    long long t = now;
    soci::statement st = (sql.prepare << "INSERT INTO notification_rounds(session_id, kind, occasion, created_at) "
                                         "VALUES(:s, :k, :o, :t) ON CONFLICT (session_id, kind, occasion) DO NOTHING",
                          soci::use(session_id), soci::use(kind), soci::use(occasion), soci::use(t));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

std::vector<std::pair<std::string, std::string>> list_sessions_needing_reminder(soci::session& sql,
                                                                                const std::string& kind, UnixTime after,
                                                                                UnixTime until, int limit) {
    std::vector<std::pair<std::string, std::string>> out;
    long long a = after, u = until;
    std::string id, tenant;
    soci::statement st =
        (sql.prepare
             << "SELECT s.id, s.tenant_id FROM live_sessions s WHERE s.status = 'scheduled' AND s.scheduled_start > :a "
                "AND s.scheduled_start <= :u AND NOT EXISTS (SELECT 1 FROM notification_rounds r "
                "WHERE r.session_id = s.id AND r.kind = :k AND "
                "r.occasion = CAST(COALESCE(s.schedule_set_at, 0) AS TEXT)) "
                "ORDER BY s.scheduled_start, s.id LIMIT " +
                    std::to_string(limit),
         soci::into(id), soci::into(tenant), soci::use(a), soci::use(u), soci::use(kind));
    st.execute();
    while (st.fetch()) out.emplace_back(id, tenant);
    return out;
}

std::optional<Delivery> find_delivery(soci::session& sql, const std::string& id) {
    Params p;
    auto v = query_deliveries(
        sql, std::string("SELECT ") + kDeliveryCols + " FROM notification_deliveries WHERE id = " + p.add(id), p);
    if (v.empty()) return std::nullopt;
    return v.front();
}

void update_delivery(soci::session& sql, const Delivery& d) {
    Nullable<long long> sent;
    sent.set(d.sent_at ? std::optional<long long>(*d.sent_at) : std::nullopt);
    sql << "UPDATE notification_deliveries SET status = :s, attempts = :a, detail = :d, sent_at = :t WHERE id = :i",
        soci::use(d.status), soci::use(d.attempts), soci::use(d.detail), soci::use(sent.value, sent.ind),
        soci::use(d.id);
}

std::vector<Delivery> list_deliveries(soci::session& sql, const std::string& tenant_id, const DeliveryFilter& f,
                                      long long* total) {
    Params p;
    std::string where = "tenant_id = " + p.add(tenant_id);
    if (!f.session_id.empty()) where += " AND session_id = " + p.add(f.session_id);
    if (!f.user_id.empty()) where += " AND user_id = " + p.add(f.user_id);
    if (!f.kind.empty()) where += " AND kind = " + p.add(f.kind);
    if (!f.status.empty()) where += " AND status = " + p.add(f.status);
    if (total) *total = p.count(sql, "notification_deliveries WHERE " + where);
    return query_deliveries(sql,
                            std::string("SELECT ") + kDeliveryCols + " FROM notification_deliveries WHERE " + where +
                                " ORDER BY created_at DESC, id LIMIT " + std::to_string(f.limit) + " OFFSET " +
                                std::to_string(f.offset),
                            p);
}

std::optional<NotificationPrefs> find_prefs(soci::session& sql, const std::string& user_id) {
    NotificationPrefs out;
    int email = 1, push = 1, reminders = 1;
    Nullable<std::string> locale, tz;
    long long updated = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT tenant_id, " << kPrefCols << " FROM notification_preferences WHERE user_id = :u",
        soci::into(out.tenant_id, ind), soci::into(email), soci::into(push), soci::into(reminders),
        soci::into(locale.value, locale.ind), soci::into(tz.value, tz.ind), soci::into(updated), soci::use(user_id);
    if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
    out.user_id = user_id;
    out.email = email != 0;
    out.push = push != 0;
    out.reminders = reminders != 0;
    out.locale = locale.get();
    out.timezone = tz.get();
    out.updated_at = updated;
    return out;
}

void upsert_prefs(soci::session& sql, const NotificationPrefs& p) {
    int email = p.email, push = p.push, reminders = p.reminders;
    Nullable<std::string> locale, tz;
    locale.set(p.locale);
    tz.set(p.timezone);
    long long updated = p.updated_at;
    sql << "INSERT INTO notification_preferences(user_id, tenant_id, email_enabled, push_enabled, reminders_enabled, "
           "locale, timezone, updated_at) VALUES(:u, :t, :e, :p, :r, :l, :z, :n) "
           "ON CONFLICT (user_id) DO UPDATE SET email_enabled = excluded.email_enabled, "
           "push_enabled = excluded.push_enabled, reminders_enabled = excluded.reminders_enabled, "
           "locale = excluded.locale, timezone = excluded.timezone, updated_at = excluded.updated_at",
        soci::use(p.user_id), soci::use(p.tenant_id), soci::use(email), soci::use(push), soci::use(reminders),
        soci::use(locale.value, locale.ind), soci::use(tz.value, tz.ind), soci::use(updated);
}

std::vector<Recipient> list_session_audience(soci::session& sql, const std::string& tenant_id,
                                             const std::string& course_id, const std::string& session_id) {
    std::vector<Recipient> out;
    std::string id, email, name, role, locale;
    Nullable<int> pe, pp, pr;
    Nullable<std::string> plocale, ptz;
    int has_push = 0;
    soci::statement st =
        (sql.prepare
             << "SELECT u.id, u.email, u.full_name, u.role, u.locale, p.email_enabled, p.push_enabled, "
                "p.reminders_enabled, p.locale, p.timezone, "
                "CASE WHEN EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.user_id = u.id) THEN 1 ELSE 0 END "
                "FROM users u "
                "LEFT JOIN notification_preferences p ON p.user_id = u.id "
                "WHERE u.tenant_id = :t AND u.is_active = 1 AND ("
                "u.id IN (SELECT user_id FROM enrollments WHERE course_id = :c1) OR "
                "u.id IN (SELECT user_id FROM course_instructors WHERE course_id = :c2) OR "
                "u.id IN (SELECT user_id FROM live_session_moderators WHERE session_id = :s)) "
                "ORDER BY u.id",
         soci::into(id), soci::into(email), soci::into(name), soci::into(role), soci::into(locale),
         soci::into(pe.value, pe.ind), soci::into(pp.value, pp.ind), soci::into(pr.value, pr.ind),
         soci::into(plocale.value, plocale.ind), soci::into(ptz.value, ptz.ind), soci::into(has_push),
         soci::use(tenant_id), soci::use(course_id), soci::use(course_id), soci::use(session_id));
    st.execute();
    while (st.fetch()) {
        Recipient r;
        r.user.id = id;
        r.user.tenant_id = tenant_id;
        r.user.email = email;
        r.user.full_name = name;
        r.user.role = domain::parse_user_role(role).value_or(domain::UserRole::kStudent);
        r.user.locale = locale;
        r.prefs.user_id = id;
        r.prefs.tenant_id = tenant_id;
        r.prefs.email = pe.get().value_or(1) != 0;
        r.prefs.push = pp.get().value_or(1) != 0;
        r.prefs.reminders = pr.get().value_or(1) != 0;
        r.prefs.locale = plocale.get();
        r.prefs.timezone = ptz.get();
        r.has_push = has_push != 0;
        out.push_back(std::move(r));
        pe.ind = pp.ind = pr.ind = plocale.ind = ptz.ind = soci::i_null;
    }
    return out;
}

std::optional<std::string> upsert_push_subscription(soci::session& sql, const PushSubscriptionRow& s) {
    long long created = s.created_at;
    // The same person may send new keys for an endpoint; another person may take it over only with the
    // same keys (the same browser signed in as someone else), never by knowing the endpoint alone.
    sql << "INSERT INTO push_subscriptions(id, tenant_id, user_id, endpoint, p256dh, auth, user_agent, created_at) "
           "VALUES(:i, :t, :u, :e, :p, :a, :g, :n) ON CONFLICT (endpoint) DO UPDATE SET "
           "tenant_id = excluded.tenant_id, user_id = excluded.user_id, p256dh = excluded.p256dh, "
           "auth = excluded.auth, user_agent = excluded.user_agent WHERE push_subscriptions.user_id = excluded.user_id "
           "OR (push_subscriptions.p256dh = excluded.p256dh AND push_subscriptions.auth = excluded.auth)",
        soci::use(s.id), soci::use(s.tenant_id), soci::use(s.user_id), soci::use(s.endpoint), soci::use(s.p256dh),
        soci::use(s.auth), soci::use(s.user_agent), soci::use(created);
    std::string id, user;
    sql << "SELECT id, user_id FROM push_subscriptions WHERE endpoint = :e", soci::into(id), soci::into(user),
        soci::use(s.endpoint);
    if (user != s.user_id) return std::nullopt;
    return id;
}

std::vector<PushSubscriptionRow> list_push_subscriptions(soci::session& sql, const std::string& user_id) {
    std::vector<PushSubscriptionRow> out;
    PushSubscriptionRow r;
    long long created = 0;
    Nullable<long long> success;
    soci::statement st = (sql.prepare << std::string("SELECT ") + kPushCols +
                                             " FROM push_subscriptions WHERE user_id = :u ORDER BY created_at, id",
                          soci::into(r.id), soci::into(r.tenant_id), soci::into(r.user_id), soci::into(r.endpoint),
                          soci::into(r.p256dh), soci::into(r.auth), soci::into(r.user_agent), soci::into(created),
                          soci::into(success.value, success.ind), soci::use(user_id));
    st.execute();
    while (st.fetch()) {
        r.created_at = created;
        r.last_success_at = success.get();
        out.push_back(r);
        success.ind = soci::i_null;
    }
    return out;
}

void trim_push_subscriptions(soci::session& sql, const std::string& user_id, int keep) {
    sql << "DELETE FROM push_subscriptions WHERE user_id = :u AND id NOT IN (SELECT id FROM push_subscriptions "
           "WHERE user_id = :u2 ORDER BY created_at DESC, id DESC LIMIT " +
               std::to_string(keep) + ")",
        soci::use(user_id), soci::use(user_id);
}

bool delete_push_subscription(soci::session& sql, const std::string& user_id, const std::string& id_or_endpoint) {
    // The id column is a UUID on PostgreSQL: compare it as text so an endpoint URL is not a cast error.
    soci::statement st = (sql.prepare << "DELETE FROM push_subscriptions WHERE user_id = :u AND "
                                         "(CAST(id AS TEXT) = :i OR endpoint = :e)",
                          soci::use(user_id), soci::use(id_or_endpoint), soci::use(id_or_endpoint));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

void delete_push_subscription_by_id(soci::session& sql, const std::string& id) {
    sql << "DELETE FROM push_subscriptions WHERE id = :i", soci::use(id);
}

void touch_push_subscription(soci::session& sql, const std::string& id, UnixTime now) {
    long long t = now;
    sql << "UPDATE push_subscriptions SET last_success_at = :t WHERE id = :i", soci::use(t), soci::use(id);
}

void insert_calendar_feed(soci::session& sql, const CalendarFeed& f) {
    long long created = f.created_at;
    sql << "INSERT INTO calendar_feeds(id, tenant_id, user_id, token_hash, created_at) VALUES(:i, :t, :u, :h, :n)",
        soci::use(f.id), soci::use(f.tenant_id), soci::use(f.user_id), soci::use(f.token_hash), soci::use(created);
}

long long revoke_calendar_feeds(soci::session& sql, const std::string& user_id, UnixTime now) {
    long long t = now;
    soci::statement st = (sql.prepare << "UPDATE calendar_feeds SET revoked_at = :t WHERE user_id = :u AND "
                                         "revoked_at IS NULL",
                          soci::use(t), soci::use(user_id));
    st.execute(true);
    return st.get_affected_rows();
}

std::optional<CalendarFeed> find_active_feed(soci::session& sql, const std::string& user_id) {
    return one_feed(sql, "user_id = :a", user_id);
}

std::optional<CalendarFeed> find_active_feed_by_hash(soci::session& sql, const std::string& token_hash) {
    return one_feed(sql, "token_hash = :a", token_hash);
}

void touch_calendar_feed(soci::session& sql, const std::string& id, UnixTime now) {
    long long t = now;
    sql << "UPDATE calendar_feeds SET last_used_at = :t WHERE id = :i", soci::use(t), soci::use(id);
}

}  // namespace lc::store
