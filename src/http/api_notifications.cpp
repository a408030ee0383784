// Notification and calendar routes (issue 6; seed 8): preferences, Web Push subscriptions, the
// deliveries log, unsubscribe links, a class's .ics file and personal calendar feeds.
#include <boost/json.hpp>

#include "core/text.hpp"
#include "core/time.hpp"
#include "http/handler_support.hpp"
#include "infra/crypto.hpp"
#include "infra/http_client.hpp"

namespace lc::http {

namespace json = boost::json;
using services::Principal;

namespace {

json::value time_or_null(const std::optional<UnixTime>& t) {
    return t ? json::value(format_iso8601(*t)) : json::value(nullptr);
}

json::value text_or_null(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

json::object prefs_json(const store::NotificationPrefs& p, const services::NotificationService& n) {
    return {{"email_enabled", p.email},
            {"push_enabled", p.push},
            {"reminders_enabled", p.reminders},
            {"locale", text_or_null(p.locale)},
            {"timezone", text_or_null(p.timezone)},
            {"email_available", n.email_enabled()},
            {"push_available", n.push_enabled()}};
}

json::object push_json(const store::PushSubscriptionRow& s) {
    // The endpoint is a capability (whoever has it can push to that browser): only its origin is shown.
    return {{"id", s.id},
            {"push_service", infra::url_origin(s.endpoint)},
            {"user_agent", s.user_agent},
            {"created_at", format_iso8601(s.created_at)},
            {"last_success_at", time_or_null(s.last_success_at)}};
}

json::object delivery_json(const store::Delivery& d) {
    return {{"id", d.id},
            {"session_id", d.session_id},
            {"user_id", d.user_id},
            {"kind", d.kind},
            {"channel", d.channel},
            {"status", d.status},
            {"attempts", d.attempts},
            {"detail", d.detail},
            {"created_at", format_iso8601(d.created_at)},
            {"sent_at", time_or_null(d.sent_at)}};
}

json::object feed_json(const services::FeedInfo& f) {
    json::object o{{"active", f.active},
                   {"created_at", f.active ? json::value(format_iso8601(f.created_at)) : json::value(nullptr)},
                   {"last_used_at", time_or_null(f.last_used_at)}};
    if (!f.url.empty()) o["url"] = f.url;
    return o;
}

/// The unsubscribe page: asks before turning e-mail off (a link scanner's GET must not do it), and
/// says it is done after the POST. Only the masked address is shown.
Response unsubscribe_page(RequestContext& c, const services::UnsubscribeInfo& info, bool done) {
    const bool en = info.locale == "en";
    std::string title = en ? "E-mail notices" : "E-posta bildirimleri";
    std::string body;
    if (done)
        body = "<p>" +
               html_escape(en ? "Done: no more class e-mails will be sent to " : "Tamam: artık ders e-postaları ") +
               "<strong>" + html_escape(info.masked_email) + "</strong>" +
               html_escape(en ? ". You can turn them back on in your notification settings."
                              : " adresine gönderilmeyecek. Bildirim ayarlarınızdan yeniden açabilirsiniz.") +
               "</p>";
    else
        body = "<p>" +
               html_escape(en ? "Stop class reminders and notices by e-mail to "
                              : "Ders hatırlatmaları ve bildirimleri ") +
               "<strong>" + html_escape(info.masked_email) + "</strong>" +
               html_escape(en ? "?" : " adresine e-postayla gönderilmesin mi?") +
               "</p><form method=\"post\"><button type=\"submit\">" +
               html_escape(en ? "Stop e-mails" : "E-postaları durdur") + "</button></form>";
    Response res{bhttp::status::ok, c.version()};
    res.set(bhttp::field::content_type, "text/html; charset=utf-8");
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'none'");
    res.keep_alive(c.keep_alive());
    res.body() = "<!doctype html>\n<html lang=\"" + std::string(en ? "en" : "tr") +
                 "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
                 "initial-scale=1\"><title>" +
                 html_escape(title) +
                 "</title><style>body{font-family:Arial,Helvetica,sans-serif;max-width:36rem;margin:3rem auto;"
                 "padding:0 1rem;color:#1f2933;line-height:1.5}button{font-size:1rem;padding:.6rem 1.2rem;"
                 "background:#1d4ed8;color:#fff;border:0;border-radius:6px;cursor:pointer}</style></head><body><h1>" +
                 html_escape(title) + "</h1>" + body + "</body></html>\n";
    res.prepare_payload();
    return res;
}

}  // namespace

void Api::register_notification_routes() {
    auto* n = s_.notifications;
    auto* cal = s_.calendars;
    if (n) {
        router_.add("GET", "/api/v1/notifications/preferences/", authed([n](RequestContext& c, const Principal& p) {
                        return reply(c, n->preferences(p), 200,
                                     [n](const auto& prefs) { return prefs_json(prefs, *n); });
                    }));
        router_.add("PATCH", "/api/v1/notifications/preferences/", authed([n](RequestContext& c, const Principal& p) {
                        auto body = body_object(c);
                        if (!body) return fail(c, body.error());
                        BodyReader r(*body);
                        services::PreferencesInput in;
                        in.email = r.boolean("email_enabled");
                        in.push = r.boolean("push_enabled");
                        in.reminders = r.boolean("reminders_enabled");
                        for (const char* key : {"locale", "timezone"}) {
                            auto& out = std::string_view(key) == "locale" ? in.locale : in.timezone;
                            if (r.is_null(key)) {
                                r.skip(key);
                                out = std::optional<std::string>();
                            } else if (auto v = r.string(key, 64)) {
                                out = *v;
                            }
                        }
                        if (auto st = check_fields(r, "the notification settings"); !st) return fail(c, st.error());
                        return reply(c, n->update_preferences(p, in), 200,
                                     [n](const auto& prefs) { return prefs_json(prefs, *n); });
                    }));
        router_.add("GET", "/api/v1/notifications/push-subscriptions/",
                    authed([n](RequestContext& c, const Principal& p) {
                        auto subs = n->push_subscriptions(p);
                        if (!subs) return fail(c, subs.error());
                        json::array items;
                        for (const auto& s : *subs) items.push_back(push_json(s));
                        return send(c, 200,
                                    json::object{{"enabled", n->push_enabled()},
                                                 {"vapid_public_key", n->vapid_public_key()},
                                                 {"results", std::move(items)}});
                    }));
        // The body is what the browser's PushSubscription.toJSON() gives: {endpoint, expirationTime, keys}.
        router_.add("POST", "/api/v1/notifications/push-subscriptions/",
                    authed([n](RequestContext& c, const Principal& p) {
                        auto body = body_object(c);
                        if (!body) return fail(c, body.error());
                        BodyReader r(*body);
                        r.require("endpoint");
                        r.require("keys");
                        infra::PushSubscription sub;
                        if (auto e = r.string("endpoint", infra::kMaxPushEndpointLength)) sub.endpoint = *e;
                        r.skip("expirationTime");
                        if (const json::object* keys = r.object("keys")) {
                            BodyReader kr(*keys, "keys.");
                            kr.require("p256dh");
                            kr.require("auth");
                            if (auto v = kr.string("p256dh", 200)) sub.p256dh = *v;
                            if (auto v = kr.string("auth", 100)) sub.auth = *v;
                            r.absorb(kr);
                        }
                        if (auto st = check_fields(r, "the push subscription"); !st) return fail(c, st.error());
                        return reply(c, n->subscribe_push(p, sub, c.meta().user_agent), 201,
                                     [](const auto& s) { return push_json(s); });
                    }));
        router_.add("DELETE", "/api/v1/notifications/push-subscriptions/{id}/",
                    authed([n](RequestContext& c, const Principal& p) {
                        auto id = path_id(c, 0);
                        if (!id) return fail(c, id.error());
                        auto st = n->unsubscribe_push(p, *id);
                        if (!st) return fail(c, st.error());
                        return no_content(c);
                    }));
        router_.add(
            "GET", "/api/v1/notifications/deliveries/", authed([n](RequestContext& c, const Principal& p) {
                auto pg = paging(c);
                if (!pg) return fail(c, pg.error());
                store::DeliveryFilter f;
                std::vector<FieldError> errs;
                for (const auto& [k, v] : c.query) {
                    if (k == "page" || k == "page_size") continue;
                    if (k == "session") {
                        if (!infra::is_uuid(v)) errs.push_back({"session", "must be a session UUID"});
                        f.session_id = ascii_lower(v);
                    } else if (k == "user") {
                        if (!infra::is_uuid(v)) errs.push_back({"user", "must be a user UUID"});
                        f.user_id = ascii_lower(v);
                    } else if (k == "kind") {
                        if (!domain::parse_notice_kind(v))
                            errs.push_back({"kind",
                                            "must be one of reminder_24h, reminder_1h, reminder_10m, session_started, "
                                            "session_cancelled, session_rescheduled, recording_published, invitation"});
                        f.kind = v;
                    } else if (k == "status") {
                        if (v != "pending" && v != "sent" && v != "failed" && v != "skipped")
                            errs.push_back({"status", "must be one of pending, sent, failed, skipped"});
                        f.status = v;
                    } else {
                        errs.push_back({k, "is not a known filter (session, user, kind, status, page, page_size)"});
                    }
                }
                if (!errs.empty()) return fail(c, bad_query(errs));
                f.limit = pg->page_size;
                f.offset = pg->offset();
                auto res = n->deliveries(p, f);
                if (!res) return fail(c, res.error());
                json::array items;
                for (const auto& d : res->items) items.push_back(delivery_json(d));
                return send(c, 200,
                            page_json(c, "/api/v1/notifications/deliveries/", *pg, res->total, std::move(items)));
            }));
        // Unsubscribe links (seed 8, issue 6 item 6): the signed token is the credential; no sign-in.
        router_.add("GET", "/api/v1/notifications/unsubscribe/{token}/", [n](RequestContext& c) {
            auto info = n->open_unsubscribe(c.params.at(0));
            if (!info) return fail(c, info.error());
            return unsubscribe_page(c, *info, !info->email_enabled);
        });
        // The form's POST, and RFC 8058 one-click unsubscribe from the mail client (body
        // "List-Unsubscribe=One-Click"): both turn e-mail off.
        router_.add("POST", "/api/v1/notifications/unsubscribe/{token}/", [n](RequestContext& c) {
            auto info = n->unsubscribe_email(c.params.at(0));
            if (!info) return fail(c, info.error());
            return unsubscribe_page(c, *info, true);
        });
    }
    if (cal) {
        router_.add("GET", "/api/v1/live-sessions/{id}/calendar/", authed([cal](RequestContext& c, const Principal& p) {
                        auto id = path_id(c, 0);
                        if (!id) return fail(c, id.error());
                        c.session_id = *id;
                        auto ics = cal->session_calendar(p, *id);
                        if (!ics) return fail(c, ics.error());
                        return calendar_response(c, std::move(ics.value()), "live-class-" + *id + ".ics");
                    }));
        router_.add("GET", "/api/v1/calendar/feed/", authed([cal](RequestContext& c, const Principal& p) {
                        return reply(c, cal->feed_info(p), 200, [](const auto& f) { return feed_json(f); });
                    }));
        router_.add("POST", "/api/v1/calendar/feed/", authed([cal](RequestContext& c, const Principal& p) {
                        return reply(c, cal->create_feed(p), 201, [](const auto& f) { return feed_json(f); });
                    }));
        router_.add("DELETE", "/api/v1/calendar/feed/", authed([cal](RequestContext& c, const Principal& p) {
                        auto st = cal->revoke_feed(p);
                        if (!st) return fail(c, st.error());
                        return no_content(c);
                    }));
        // Polled by calendar applications, which cannot sign in: the secret token in the URL is the
        // credential (revocable; only its hash is stored).
        router_.add("GET", "/api/v1/calendar/feed/{token}.ics", [cal](RequestContext& c) {
            std::string token = c.params.at(0);
            const std::string suffix = ".ics";
            if (token.size() <= suffix.size() ||
                token.compare(token.size() - suffix.size(), suffix.size(), suffix) != 0)
                return fail(c, Error::not_found("calendar feed URLs end in .ics"));
            token.resize(token.size() - suffix.size());
            auto ics = cal->feed(token);
            if (!ics) return fail(c, ics.error());
            return calendar_response(c, std::move(ics.value()), "");
        });
    }
}

}  // namespace lc::http
