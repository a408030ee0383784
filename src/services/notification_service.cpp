#include "services/notification_service.hpp"

#include <boost/json.hpp>

#include "core/text.hpp"
#include "infra/crypto.hpp"
#include "infra/json_fields.hpp"
#include "infra/log.hpp"
#include "infra/timezone.hpp"
#include "services/notice_templates.hpp"
#include "services/notices.hpp"

namespace lc::services {

using infra::text_at;

namespace json = boost::json;
using domain::NoticeChannel;
using domain::NoticeKind;

namespace {

std::int64_t int_at(const json::object& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_int64() ? it->value().as_int64() : 0;
}

UnixTime next_minute(UnixTime now) { return (now / 60 + 1) * 60; }

constexpr int kMaxPushSubscriptionsPerUser = 20;

/// Texts the recipient sees use their chosen language, else their account's, else Turkish.
std::string locale_of(const domain::User& u, const store::NotificationPrefs& prefs) {
    std::string l = prefs.locale.value_or(u.locale);
    return l == "en" ? "en" : "tr";
}

/// Why a delivery is no longer worth sending (empty: it still is).
std::string stale_reason(NoticeKind kind, const domain::LiveSession& s, const std::string& occasion, UnixTime now,
                         const std::string& move_version) {
    if (domain::is_reminder(kind)) {
        if (s.status != domain::SessionStatus::kScheduled) return "the class is no longer scheduled";
        if (time_version(s) != occasion) return "the class was rescheduled";
        if (now >= s.scheduled_start) return "the class has started";
    }
    if (kind == NoticeKind::kSessionStarted && s.status != domain::SessionStatus::kLive)
        return "the class is no longer live";
    if (kind == NoticeKind::kInvitation && s.status == domain::SessionStatus::kCancelled)
        return "the class was cancelled";
    // A notice of a move that a later move or a cancellation overtook would tell an outdated story
    // (a series notice is about many classes: it stands).
    if (kind == NoticeKind::kSessionRescheduled && occasion.rfind("series:", 0) != 0 &&
        (s.status == domain::SessionStatus::kCancelled || (!move_version.empty() && move_version != time_version(s))))
        return "the class changed again";
    return "";
}

/// How long a push service keeps trying to reach a device (RFC 8030 TTL): a reminder is useless
/// once the class starts, a "started" notice once it is probably over.
int push_ttl(NoticeKind kind, const domain::LiveSession& s, UnixTime now) {
    if (domain::is_reminder(kind)) return static_cast<int>(std::max<std::int64_t>(60, s.scheduled_start - now));
    if (kind == NoticeKind::kSessionStarted) return 3600;
    return 86400;
}

}  // namespace

NotificationService::NotificationService(ServiceContext& ctx, const infra::Mailer* mailer,
                                         const infra::PushSender* push, std::string vapid_public_key,
                                         std::string link_key, NotificationOptions options, IcsForNotice ics)
    : ctx_(ctx),
      mailer_(mailer),
      push_(push),
      vapid_public_key_(std::move(vapid_public_key)),
      link_key_(std::move(link_key)),
      options_(std::move(options)),
      ics_(std::move(ics)) {}

const char* NotificationService::reminder_job(NoticeKind k) {
    switch (k) {
        case NoticeKind::kReminder24h:
            return "send_reminder_24h";
        case NoticeKind::kReminder1h:
            return "send_reminder_1h";
        default:
            return "send_reminder_10m";
    }
}

Status NotificationService::schedule_reminders() {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db);
        UnixTime now = ctx_.clock.now();
        for (NoticeKind k : domain::kReminders)
            store::enqueue_once(tx.sql(), infra::new_uuid(), reminder_job(k), now, now);
        tx.commit();
        return ok_status();
    });
}

int NotificationService::fan_out(soci::session& sql, const domain::LiveSession& s, const FanOut& f) {
    const UnixTime now = ctx_.clock.now();
    const domain::NoticeChannels channels = domain::channels_of(f.kind);
    int created = 0;
    for (const auto& r : store::list_session_audience(sql, s.tenant_id, s.course_id, s.id)) {
        if (r.user.id == f.skip_user) continue;
        if (domain::is_reminder(f.kind) && !r.prefs.reminders) continue;
        auto add = [&](NoticeChannel channel) {
            store::Delivery d;
            d.id = infra::new_uuid();
            d.tenant_id = s.tenant_id;
            d.session_id = s.id;
            d.user_id = r.user.id;
            d.kind = domain::to_string(f.kind);
            d.channel = domain::to_string(channel);
            d.occasion = f.occasion;
            d.created_at = now;
            if (!store::insert_delivery_once(sql, d)) return;  // this user has it already
            store::Job job;
            job.id = infra::new_uuid();
            job.tenant_id = s.tenant_id;
            job.type = kDeliverJob;
            job.max_attempts = options_.delivery_attempts;
            json::object payload = json::parse(f.extra.empty() ? "{}" : f.extra).as_object();
            payload["delivery_id"] = d.id;
            job.payload = json::serialize(payload);
            store::enqueue_job(sql, job, now);
            ++created;
        };
        if (channels.email && mailer_ && r.prefs.email && !r.user.email.empty()) add(NoticeChannel::kEmail);
        if (channels.push && push_ && r.prefs.push && r.has_push) add(NoticeChannel::kPush);
    }
    return created;
}

Result<int> NotificationService::run_reminders(NoticeKind kind) {
    return guarded([&]() -> Result<int> {
        const UnixTime now = ctx_.clock.now();
        {
            // The next round is queued first: a round that fails is logged and the next one still runs.
            store::Tx tx(ctx_.db);
            store::enqueue_once(tx.sql(), infra::new_uuid(), reminder_job(kind), next_minute(now), now);
            tx.commit();
        }
        const domain::StartWindow window = domain::reminder_window(kind, now);
        std::vector<std::pair<std::string, std::string>> due;
        {
            store::Conn c(ctx_.db);
            due = store::list_sessions_needing_reminder(c.sql(), domain::to_string(kind), window.after, window.until,
                                                        500);
        }
        int created = 0;
        std::optional<Error> failed;
        for (const auto& entry : due) {
            const std::string& id = entry.first;  // named, not bound: lambdas capture them (clang 14)
            const std::string& tenant = entry.second;
            // One transaction per class: a big class does not hold up the others, and the round row
            // commits with its deliveries (a crash in between leaves neither). A class that fails is
            // logged by the caller's next round, never allowed to stop the others.
            auto one = guarded([&]() -> Result<int> {
                store::Tx tx(ctx_.db);
                auto s = store::find_session(tx.sql(), tenant, id, /*for_update=*/true);
                if (!s || s->status != domain::SessionStatus::kScheduled) return 0;
                if (domain::due_reminder(s->scheduled_start, now) != kind) return 0;
                const std::string occasion = time_version(*s);
                if (!store::insert_notification_round(tx.sql(), id, domain::to_string(kind), occasion, now)) return 0;
                int n = 0;
                // The round is marked either way, so the scan does not look at this class again.
                if (domain::reminder_applies(kind, s->scheduled_start, s->schedule_set_at.value_or(0)))
                    n = fan_out(tx.sql(), *s, FanOut{kind, occasion, "", "{}"});
                tx.commit();
                return n;
            });
            if (one)
                created += one.value();
            else
                failed = one.take_error();
        }
        if (created > 0) ctx_.jobs_enqueued();
        if (failed) return std::move(*failed);
        return created;
    });
}

Status NotificationService::run_notice_job(const std::string& payload) {
    return guarded([&]() -> Status {
        boost::system::error_code ec;
        json::value v = json::parse(payload, ec);
        if (ec || !v.is_object()) return Error::invalid("notice job payload is not a JSON object");
        const json::object& o = v.as_object();
        auto kind = domain::parse_notice_kind(text_at(o, "kind"));
        if (!kind) return Error::invalid("notice job without a known kind");
        const std::string occasion = text_at(o, "occasion");
        json::object extra;
        if (auto prev = int_at(o, "previous_start"); prev > 0) extra["previous_start"] = prev;
        if (auto rec = text_at(o, "recording_id"); !rec.empty()) extra["recording_id"] = rec;
        if (auto version = text_at(o, "time_version"); !version.empty()) extra["time_version"] = version;
        const std::string series_id = text_at(o, "series_id");
        if (!series_id.empty()) extra["series_id"] = series_id;
        store::Tx tx(ctx_.db);
        std::optional<domain::LiveSession> s;
        if (!text_at(o, "session_id").empty()) {
            s = store::find_session(tx.sql(), text_at(o, "tenant_id"), text_at(o, "session_id"));
        } else if (!series_id.empty()) {
            // A series invitation goes out once, filed under the series' first class still to come.
            store::SessionFilter f;
            f.series_id = series_id;
            f.status = domain::SessionStatus::kScheduled;
            f.limit = 10000;
            for (auto& one : store::list_sessions(tx.sql(), text_at(o, "tenant_id"), f, nullptr))
                if (!s || one.scheduled_start < s->scheduled_start) s = std::move(one);
        }
        if (!s) return ok_status();  // deleted since: nobody to tell about it
        if (!store::insert_notification_round(tx.sql(), s->id, domain::to_string(*kind), occasion, ctx_.clock.now()))
            return ok_status();  // a previous run of this job committed its fan-out already
        int created = fan_out(tx.sql(), *s, FanOut{*kind, occasion, text_at(o, "actor_id"), json::serialize(extra)});
        tx.commit();
        if (created > 0) ctx_.jobs_enqueued();
        return ok_status();
    });
}

Status NotificationService::settle(const store::Job& job, store::Delivery d, Status outcome,
                                   const std::string& sent_detail) {
    d.attempts = job.attempts;
    bool retry = false;
    std::string shown;  // for the job's public error (the school's ops view): no mail server details
    if (outcome) {
        d.status = "sent";
        d.sent_at = ctx_.clock.now();
        d.detail = sent_detail;
    } else {
        const Error& e = outcome.error();
        // The reason may quote an address (an SMTP 550 does): keep it out of the row.
        d.detail = infra::redact_personal_data(e.message + (e.internal.empty() ? "" : ": " + e.internal));
        shown = infra::redact_personal_data(e.message);
        if (e.code == Code::kUnavailable && job.attempts < job.max_attempts)
            retry = true;
        else
            d.status = "failed";
    }
    store::Tx tx(ctx_.db);
    store::update_delivery(tx.sql(), d);
    tx.commit();
    if (retry) return Error::unavailable("notification not delivered yet: " + shown, d.detail);
    return ok_status();
}

Status NotificationService::deliver(const store::Job& job) {
    return guarded([&]() -> Status {
        boost::system::error_code ec;
        json::value v = json::parse(job.payload, ec);
        if (ec || !v.is_object()) return Error::invalid("delivery job payload is not a JSON object");
        const json::object& o = v.as_object();
        const UnixTime now = ctx_.clock.now();

        // Everything the message needs is read first; no connection is held while talking to the
        // mail server or the push services.
        std::optional<store::Delivery> d;
        std::optional<domain::LiveSession> s;
        std::optional<domain::User> u;
        store::NotificationPrefs prefs;
        std::vector<store::PushSubscriptionRow> subscriptions;
        NoticeFacts facts;
        std::string skip;
        const std::string series_id = text_at(o, "series_id");
        {
            store::Conn c(ctx_.db);
            d = store::find_delivery(c.sql(), text_at(o, "delivery_id"));
            if (!d || d->status != "pending") return ok_status();  // settled by an earlier run
            s = store::find_session(c.sql(), d->tenant_id, d->session_id);
            u = store::find_user(c.sql(), d->tenant_id, d->user_id);
            auto kind = domain::parse_notice_kind(d->kind);
            if (!s || !u || !kind || !u->is_active) {
                skip = "the class or the person no longer exists";
            } else {
                facts.kind = *kind;
                skip = stale_reason(*kind, *s, d->occasion, now, text_at(o, "time_version"));
                prefs = store::find_prefs(c.sql(), u->id).value_or(store::NotificationPrefs{u->id, u->tenant_id});
                const bool email = d->channel == "email";
                if (skip.empty() && email && !prefs.email) skip = "the person turned e-mail notices off";
                if (skip.empty() && !email && !prefs.push) skip = "the person turned push notices off";
                if (skip.empty() && !email) {
                    subscriptions = store::list_push_subscriptions(c.sql(), u->id);
                    if (subscriptions.empty()) skip = "the person has no push subscription";
                }
                if (skip.empty()) {
                    facts.locale = locale_of(*u, prefs);
                    facts.timezone = prefs.timezone.value_or(options_.default_timezone);
                    facts.now = now;
                    facts.recipient_name = u->full_name;
                    if (auto t = store::find_tenant(c.sql(), d->tenant_id, ctx_.keys.box)) facts.school_name = t->name;
                    facts.session_title = s->title;
                    if (auto course = store::find_course(c.sql(), s->tenant_id, s->course_id))
                        facts.course_title = course->title;
                    facts.description = s->description;
                    facts.start = s->scheduled_start;
                    facts.end = s->scheduled_end;
                    facts.previous_start = int_at(o, "previous_start");
                    facts.series = !series_id.empty();
                    facts.session_url = options_.public_url + "/sessions/" + s->id;
                    if (*kind == NoticeKind::kRecordingPublished)
                        facts.recording_url = facts.session_url + "/recordings";
                    if (email) facts.unsubscribe_url = unsubscribe_url(u->tenant_id, u->id);
                }
            }
        }
        if (!skip.empty()) {
            d->status = "skipped";
            d->detail = skip;
            d->attempts = job.attempts;
            store::Tx tx(ctx_.db);
            store::update_delivery(tx.sql(), *d);
            tx.commit();
            return ok_status();
        }
        const RenderedNotice text = render_notice(facts);

        if (d->channel == "email") {
            infra::MailMessage m;
            m.from_address = options_.mail_from_address;
            m.from_name = facts.school_name.empty() ? options_.mail_from_name : facts.school_name;
            m.to_address = u->email;
            m.to_name = u->full_name;
            m.subject = text.subject;
            m.text = text.text;
            m.html = text.html;
            // RFC 2369 / RFC 8058: mail clients show an unsubscribe button that POSTs to this link.
            m.headers.push_back({"List-Unsubscribe", "<" + facts.unsubscribe_url + ">"});
            m.headers.push_back({"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"});
            m.headers.push_back({"Auto-Submitted", "auto-generated"});
            // Lets people (and their mail rules) sort notices by kind.
            m.headers.push_back({"X-Liveclass-Notice", d->kind});
            const bool with_calendar =
                facts.kind == NoticeKind::kReminder24h || facts.kind == NoticeKind::kReminder1h ||
                facts.kind == NoticeKind::kSessionRescheduled || facts.kind == NoticeKind::kSessionCancelled ||
                facts.kind == NoticeKind::kInvitation;
            if (with_calendar && ics_) {
                std::string ics = ics_(*s, facts.course_title, series_id);
                if (!ics.empty())
                    m.attachments.push_back({"live-class.ics", "text/calendar; charset=UTF-8; method=PUBLISH", ics});
            }
            return settle(job, *d, mailer_ ? mailer_->send(m) : Status(Error::unavailable("e-mail is not configured")),
                          "");
        }

        if (!push_) return settle(job, *d, Error::invalid("Web Push is not configured"), "");
        infra::PushMessage m;
        m.payload = json::serialize(json::object{{"title", text.push_title},
                                                 {"body", text.push_body},
                                                 {"url", facts.session_url},
                                                 {"tag", s->id + ":" + d->kind},
                                                 {"kind", d->kind},
                                                 {"session_id", s->id}});
        m.ttl_seconds = push_ttl(facts.kind, *s, now);
        m.urgency =
            facts.kind == NoticeKind::kReminder10m || facts.kind == NoticeKind::kSessionStarted ? "high" : "normal";
        int delivered = 0, gone = 0;
        std::optional<Error> transient, permanent;
        for (const auto& sub : subscriptions) {
            auto r = push_->send(infra::PushSubscription{sub.endpoint, sub.p256dh, sub.auth}, m);
            store::Tx tx(ctx_.db);
            if (r && r.value() == infra::PushOutcome::kDelivered) {
                ++delivered;
                store::touch_push_subscription(tx.sql(), sub.id, now);
            } else if (r) {
                ++gone;  // the browser unsubscribed or the subscription expired (RFC 8030 404/410)
                store::delete_push_subscription_by_id(tx.sql(), sub.id);
            } else if (r.error().code == Code::kUnavailable) {
                transient = r.error();
            } else {
                permanent = r.error();
            }
            tx.commit();
        }
        const std::string detail = std::to_string(delivered) + " of " + std::to_string(subscriptions.size()) +
                                   " devices" +
                                   (gone ? ", " + std::to_string(gone) + " expired subscriptions removed" : "");
        if (delivered > 0) return settle(job, *d, ok_status(), detail);
        if (transient) return settle(job, *d, *transient, "");
        if (permanent) return settle(job, *d, *permanent, "");
        // Every subscription had expired: nothing to retry.
        d->status = "skipped";
        d->detail = detail;
        d->attempts = job.attempts;
        store::Tx tx(ctx_.db);
        store::update_delivery(tx.sql(), *d);
        tx.commit();
        return ok_status();
    });
}

Result<store::NotificationPrefs> NotificationService::preferences(const Principal& p) {
    return guarded([&]() -> Result<store::NotificationPrefs> {
        store::Conn c(ctx_.db);
        return store::find_prefs(c.sql(), p.user.id).value_or(store::NotificationPrefs{p.user.id, p.tenant.id});
    });
}

Result<store::NotificationPrefs> NotificationService::update_preferences(const Principal& p,
                                                                         const PreferencesInput& in) {
    return guarded([&]() -> Result<store::NotificationPrefs> {
        std::vector<FieldError> errors;
        if (in.locale && *in.locale && **in.locale != "tr" && **in.locale != "en")
            errors.push_back({"locale", "must be \"tr\" or \"en\" (or null for your account's language)"});
        if (in.timezone && *in.timezone && !infra::to_local_time(0, **in.timezone))
            errors.push_back({"timezone", "unknown time zone; use an IANA name such as Europe/Istanbul"});
        if (!errors.empty()) return Error::invalid("the notification settings cannot be saved", errors);
        store::Tx tx(ctx_.db);
        auto prefs = store::find_prefs(tx.sql(), p.user.id).value_or(store::NotificationPrefs{p.user.id, p.tenant.id});
        if (in.email) prefs.email = *in.email;
        if (in.push) prefs.push = *in.push;
        if (in.reminders) prefs.reminders = *in.reminders;
        if (in.locale) prefs.locale = *in.locale;
        if (in.timezone) prefs.timezone = *in.timezone;
        prefs.updated_at = ctx_.clock.now();
        store::upsert_prefs(tx.sql(), prefs);
        tx.commit();
        return prefs;
    });
}

Result<store::PushSubscriptionRow> NotificationService::subscribe_push(const Principal& p,
                                                                       const infra::PushSubscription& sub,
                                                                       const std::string& user_agent) {
    return guarded([&]() -> Result<store::PushSubscriptionRow> {
        if (!push_) return Error::unimplemented("Web Push is not enabled on this server");
        if (auto ok = infra::validate_subscription(sub, options_.push_allow_http); !ok) return ok.take_error();
        store::PushSubscriptionRow row;
        row.id = infra::new_uuid();
        row.tenant_id = p.tenant.id;
        row.user_id = p.user.id;
        row.endpoint = sub.endpoint;
        row.p256dh = sub.p256dh;
        row.auth = sub.auth;
        row.user_agent = is_valid_utf8(user_agent) ? utf8_prefix(user_agent, 300) : std::string();
        row.created_at = ctx_.clock.now();
        store::Tx tx(ctx_.db);
        auto id = store::upsert_push_subscription(tx.sql(), row);
        if (!id)
            return Error::exists(
                "this push endpoint is registered to another account; turn notifications off and on again in the "
                "browser to get a new one");
        row.id = *id;
        // One person's browsers are few; a client registering endpoints in a loop only replaces its own.
        store::trim_push_subscriptions(tx.sql(), p.user.id, kMaxPushSubscriptionsPerUser);
        tx.commit();
        return row;
    });
}

Result<std::vector<store::PushSubscriptionRow>> NotificationService::push_subscriptions(const Principal& p) {
    return guarded([&]() -> Result<std::vector<store::PushSubscriptionRow>> {
        store::Conn c(ctx_.db);
        return store::list_push_subscriptions(c.sql(), p.user.id);
    });
}

Status NotificationService::unsubscribe_push(const Principal& p, const std::string& id_or_endpoint) {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db);
        if (!store::delete_push_subscription(tx.sql(), p.user.id, id_or_endpoint))
            return Error::not_found("no such push subscription of yours");
        tx.commit();
        return ok_status();
    });
}

std::string NotificationService::unsubscribe_token(const std::string& tenant_id, const std::string& user_id) const {
    const std::string subject = tenant_id + ":" + user_id;
    const std::string mac = infra::hmac_sha256(link_key_, "unsubscribe:" + subject).substr(0, 16);
    return infra::base64url_encode(subject) + "." + infra::base64url_encode(mac);
}

std::string NotificationService::unsubscribe_url(const std::string& tenant_id, const std::string& user_id) const {
    return options_.public_url + "/api/v1/notifications/unsubscribe/" + unsubscribe_token(tenant_id, user_id) + "/";
}

Result<UnsubscribeInfo> NotificationService::open_unsubscribe(const std::string& token) {
    return guarded([&]() -> Result<UnsubscribeInfo> {
        auto dot = token.find('.');
        const Error invalid = Error::not_found("this unsubscribe link is not valid; use the link from a recent e-mail");
        if (dot == std::string::npos || token.size() > 200) return invalid;
        auto subject = infra::base64url_decode(token.substr(0, dot));
        const auto colon = subject ? subject->find(':') : std::string::npos;
        if (colon == std::string::npos) return invalid;
        const std::string tenant_id = subject->substr(0, colon), user_id = subject->substr(colon + 1);
        if (!infra::secure_equals(token, unsubscribe_token(tenant_id, user_id))) return invalid;
        store::Conn c(ctx_.db);
        auto u = store::find_user(c.sql(), tenant_id, user_id);
        if (!u) return invalid;
        auto prefs = store::find_prefs(c.sql(), u->id).value_or(store::NotificationPrefs{u->id, u->tenant_id});
        return UnsubscribeInfo{u->tenant_id, u->id, infra::redact_personal_data(u->email), locale_of(*u, prefs),
                               prefs.email};
    });
}

Result<UnsubscribeInfo> NotificationService::unsubscribe_email(const std::string& token) {
    auto info = open_unsubscribe(token);
    if (!info) return info;
    return guarded([&]() -> Result<UnsubscribeInfo> {
        store::Tx tx(ctx_.db);
        auto prefs = store::find_prefs(tx.sql(), info->user_id)
                         .value_or(store::NotificationPrefs{info->user_id, info->tenant_id});
        prefs.email = false;
        prefs.updated_at = ctx_.clock.now();
        store::upsert_prefs(tx.sql(), prefs);
        tx.commit();
        UnsubscribeInfo out = info.value();
        out.email_enabled = false;
        return out;
    });
}

Result<Page<store::Delivery>> NotificationService::deliveries(const Principal& p, store::DeliveryFilter f) {
    return guarded([&]() -> Result<Page<store::Delivery>> {
        if (!p.is_admin()) f.user_id = p.user.id;  // others see only what was sent to them
        store::Conn c(ctx_.db);
        Page<store::Delivery> page;
        page.items = store::list_deliveries(c.sql(), p.tenant.id, f, &page.total);
        return page;
    });
}

}  // namespace lc::services
