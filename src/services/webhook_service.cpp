#include "services/webhook_service.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <thread>

#include "core/text.hpp"
#include "infra/crypto.hpp"
#include "infra/json_fields.hpp"
#include "infra/jwt.hpp"
#include "providers/bbb.hpp"
#include "providers/jitsi.hpp"
#include "providers/zoom_events.hpp"
#include "services/artifact_service.hpp"
#include "services/attendance_service.hpp"
#include "services/notices.hpp"
#include "services/recording_service.hpp"
#include "services/session_service.hpp"
#include "services/transcript_service.hpp"
#include "store/attendance_repo.hpp"
#include "store/job_repo.hpp"
#include "store/webhook_repo.hpp"

namespace lc::services {

using infra::object_at;
using infra::text_at;

namespace json = boost::json;
using namespace lc::domain;

namespace {

std::string header(const WebhookDelivery& d, const char* name) {
    auto it = d.headers.find(name);
    return it == d.headers.end() ? std::string() : it->second;
}

std::string query(const WebhookDelivery& d, const char* name) {
    auto it = d.query.find(name);
    return it == d.query.end() ? std::string() : it->second;
}

std::optional<json::object> parse_object(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.get_object());
}

/// A decimal Unix time in seconds (or milliseconds, which Zoom and BBB also send), nullopt otherwise.
std::optional<UnixTime> parse_unix(const std::string& s) {
    if (s.empty() || s.size() > 16 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    long long v = std::stoll(s);
    return v > 100'000'000'000LL ? v / 1000 : v;
}

Error bad_signature(std::string why) { return Error::unauthenticated(std::move(why)); }

/// Form fields (application/x-www-form-urlencoded), '+' read as a space.
std::map<std::string, std::string> parse_form(const std::string& body) {
    std::map<std::string, std::string> out;
    std::string ref = "?";
    ref.reserve(body.size() + 1);
    // '+' is literal in URLs but a space in forms: "%20" keeps the query valid (a raw space would not be).
    for (char c : body) c == '+' ? ref.append("%20") : ref.append(1, c);
    auto parsed = boost::urls::parse_relative_ref(ref);
    if (!parsed) return out;
    for (auto p : parsed->params()) out[p.key] = p.value;
    return out;
}

json::object to_json(const providers::NormalizedEvent& e) {
    return json::object{{"event_type", e.event_type}, {"session_id", e.session_id}, {"room_id", e.room_id},
                        {"timestamp", e.timestamp},   {"provider", e.provider},     {"payload", e.payload}};
}

const ProviderConfig* config_of(const std::vector<ProviderConfig>& configs, ProviderKind kind) {
    for (const auto& c : configs)
        if (c.provider == kind) return &c;
    return nullptr;
}

/// An event from one of BBB's own callbacks (end of meeting, recording ready), which name only the
/// meeting: the session id is the room id's UUID suffix, checked later by resolve_sessions.
providers::NormalizedEvent bbb_callback_event(const char* type, const std::string& meeting, UnixTime now) {
    providers::NormalizedEvent ev;
    ev.provider = "bbb";
    ev.event_type = type;
    ev.room_id = meeting;
    ev.session_id = meeting.size() >= 36 ? meeting.substr(meeting.size() - 36) : "";
    ev.timestamp = now;
    return ev;
}

}  // namespace

// ---------------------------------------------------------------- receive

Result<WebhookAnswer> WebhookService::receive(const WebhookDelivery& d) {
    auto kind = parse_provider_kind(d.provider);
    if (!kind) return Error::not_found("no webhook endpoint for \"" + d.provider + "\" (jitsi, bbb or zoom)");
    std::optional<std::string> tenant;
    return guarded([&]() -> Result<WebhookAnswer> {
        auto fail = [&](Error e) -> Result<WebhookAnswer> {
            reject(d, tenant, e);
            return e;
        };
        const bool analytics = *kind == ProviderKind::kBbb && query(d, "event") == "analytics";
        if (d.body.size() > (analytics ? kMaxAnalyticsBodyBytes : kMaxBodyBytes))
            return fail(
                Error{Code::kPayloadTooLarge,
                      analytics ? "the analytics body is larger than 8 MiB" : "the webhook body is larger than 256 KiB",
                      {},
                      {}});
        if (!is_valid_utf8(d.body)) return fail(Error::bad_request("the webhook body is not UTF-8 text"));
        if (d.method != "POST" && !(*kind == ProviderKind::kBbb && d.method == "GET"))
            return fail(Error::bad_request("webhooks are delivered with POST"));
        Result<Accepted> accepted = *kind == ProviderKind::kJitsi ? accept_jitsi(d, tenant)
                                    : *kind == ProviderKind::kBbb ? accept_bbb(d, tenant)
                                                                  : accept_zoom(d, tenant);
        if (!accepted) return fail(accepted.take_error());
        if (accepted->answer) return *accepted->answer;

        json::array normalized;
        std::optional<std::string> session;
        std::string types;
        for (const auto& e : accepted->events) {
            normalized.push_back(to_json(e));
            if (!session && !e.session_id.empty()) session = e.session_id;
            if (types.find(e.event_type) == std::string::npos) types += (types.empty() ? "" : ",") + e.event_type;
        }
        store::WebhookEvent row;
        row.id = infra::new_uuid();
        row.provider = d.provider;
        row.tenant_id = tenant;
        row.session_id = session;
        row.dedupe_key = tenant.value_or("") + ":" + accepted->dedupe_key;  // per school
        row.event_type = types.substr(0, 200);
        row.status = "received";
        row.body = d.body;
        row.normalized = json::serialize(normalized);
        row.received_at = ctx_.clock.now();
        // The inbox row commits (in a group commit with other deliveries) before the provider hears
        // 2xx, together with a drain job unless one is already waiting: nothing acknowledged is lost,
        // and a burst of deliveries is processed in batches rather than one job each.
        auto store_it = [&](soci::session& sql) {
            if (!store::insert_webhook_event(sql, row)) return false;
            if (!store::job_queued(sql, kDrainJob)) {
                store::Job job;
                job.id = infra::new_uuid();
                job.type = kDrainJob;
                store::enqueue_job(sql, job, row.received_at);
            }
            return true;
        };
        bool inserted = false;
        if (ctx_.inbox) {
            auto r = ctx_.inbox->run(store_it);
            if (!r) return r.take_error();
            inserted = *r;
        } else {
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            inserted = store_it(tx.sql());
            tx.commit();
        }
        if (!inserted) return WebhookAnswer{200, json::object{{"status", "duplicate"}}};
        ctx_.jobs_enqueued();
        return WebhookAnswer{200, json::object{{"status", "accepted"}, {"id", row.id}}};
    });
}

void WebhookService::reject(const WebhookDelivery& d, const std::optional<std::string>& tenant, const Error& why) {
    try {
        store::WebhookEvent row;
        row.id = infra::new_uuid();
        row.provider = parse_provider_kind(d.provider) ? d.provider : "jitsi";
        row.tenant_id = tenant;
        row.dedupe_key = infra::sha256_hex(d.body);
        row.status = "rejected";
        // The reason is shown to the school's admins (ops view): the public message only.
        row.reason = why.message;
        if (log_ && !why.internal.empty())
            log_->warn(
                "webhook delivery rejected",
                {{"event_id", row.id}, {"provider", row.provider}, {"reason", why.message}, {"error", why.internal}});
        // Enough to see what was sent, never the whole of an oversized or binary body.
        row.body = is_valid_utf8(d.body) ? utf8_prefix(d.body, 4096)
                                         : "(" + std::to_string(d.body.size()) + " bytes, not UTF-8)";
        row.received_at = ctx_.clock.now();
        store::Tx tx(ctx_.db, /*bump_generation=*/false);  // nothing cached depends on rejected rows
        store::insert_rejected_webhook(tx.sql(), row);
        tx.commit();
    } catch (const std::exception&) {
        // Keeping the rejected copy is diagnostics; the provider still gets its 4xx.
    }
}

std::optional<WebhookService::SessionHome> WebhookService::session_home(const std::string& session_id) {
    if (auto hit = homes_.get(session_id)) return hit;
    std::uint64_t generation = ctx_.db.generation().current();
    store::Conn c(ctx_.db);
    auto tenant = store::session_tenant(c.sql(), session_id);
    if (!tenant) return std::nullopt;
    auto s = store::find_session(c.sql(), *tenant, session_id);
    if (!s) return std::nullopt;
    SessionHome home{*tenant, s->room_id, to_string(s->provider)};
    homes_.put(session_id, home, generation);
    return home;
}

std::shared_ptr<const std::vector<ProviderConfig>> WebhookService::provider_configs(const std::string& tenant_id) {
    if (auto hit = configs_.get(tenant_id)) return *hit;
    std::uint64_t generation = ctx_.db.generation().current();
    store::Conn c(ctx_.db);
    auto configs = std::make_shared<const std::vector<ProviderConfig>>(
        store::list_provider_configs(c.sql(), tenant_id, ctx_.keys.box));
    configs_.put(tenant_id, configs, generation);
    return configs;
}

Status WebhookService::resolve_sessions(const std::string& tenant, std::vector<providers::NormalizedEvent>& evs) {
    const bool names_rooms =
        std::any_of(evs.begin(), evs.end(), [](const auto& e) { return e.event_type != "ignored"; });
    std::vector<providers::NormalizedEvent> known;
    for (auto& e : evs) {
        if (e.event_type == "ignored") {
            e.session_id.clear();  // never resolved, so never trusted (or stored) as a session id
            known.push_back(std::move(e));
            continue;
        }
        std::optional<std::string> id;
        // The class must run on the provider that sent the event: a school's BigBlueButton secret must
        // not write attendance into its Jitsi classes (the room names have the same form).
        if (e.provider == "zoom") {
            store::Conn c(ctx_.db);
            id = store::session_by_room(c.sql(), tenant, e.provider, e.room_id);
        } else if (infra::is_uuid(e.session_id)) {
            const std::string sid = ascii_lower(e.session_id);
            auto home = session_home(sid);
            if (home && home->tenant_id == tenant && home->provider == e.provider &&
                ascii_lower(home->room_id) == ascii_lower(e.room_id))
                id = sid;
        }
        if (!id) continue;
        e.session_id = *id;
        known.push_back(std::move(e));
    }
    bool found = std::any_of(known.begin(), known.end(), [](const auto& e) { return e.event_type != "ignored"; });
    if (names_rooms && !found)
        return Error::not_found("the event names a room that is not a live class of this school");
    evs = std::move(known);
    return ok_status();
}

// Jitsi: prosody's event module posts JSON signed by us: X-Live-Signature: sha256=hex(HMAC-SHA256(
// webhook_secret, X-Live-Timestamp + "." + body)). The room name "{school}-{session uuid}" finds the school.
Result<WebhookService::Accepted> WebhookService::accept_jitsi(const WebhookDelivery& d,
                                                              std::optional<std::string>& tenant) {
    auto body = parse_object(d.body);
    if (!body) return Error::bad_request("the Jitsi event is not a JSON object");
    providers::JitsiProvider parser(providers::JitsiSettings{}, ctx_.clock);
    auto ev = parser.handle_webhook(*body);
    if (!ev) return ev.take_error();
    std::optional<SessionHome> home;
    if (infra::is_uuid(ev->session_id)) home = session_home(ascii_lower(ev->session_id));
    if (!home) return Error::not_found("the event names a room that is not a live class here");
    tenant = home->tenant_id;
    auto configs = provider_configs(*tenant);
    const ProviderConfig* cfg = config_of(*configs, ProviderKind::kJitsi);
    if (!cfg || cfg->webhook_secret.empty())
        return bad_signature("this school has no Jitsi webhook secret configured (live-config webhook_secret)");
    auto ts = parse_unix(header(d, "x-live-timestamp"));
    if (!ts) return bad_signature("X-Live-Timestamp is missing or not a Unix time");
    if (std::llabs(ctx_.clock.now() - *ts) > kToleranceSeconds)
        return bad_signature("X-Live-Timestamp is more than 5 minutes away from our clock (stale or replayed)");
    std::string expected =
        "sha256=" + infra::hmac_sha256_hex(cfg->webhook_secret, header(d, "x-live-timestamp") + "." + d.body);
    if (!infra::secure_equals(expected, header(d, "x-live-signature")))
        return bad_signature("X-Live-Signature does not match the body");
    Accepted a;
    std::string id = text_at(*body, "id");
    a.dedupe_key = id.empty() ? infra::sha256_hex(d.body) : "id:" + id.substr(0, 200);
    a.events.push_back(std::move(ev.value()));
    if (auto s = resolve_sessions(*tenant, a.events); !s) return s.take_error();
    return a;
}

// BigBlueButton: four kinds of callback, all on ?tenant={id}:
//  - bbb-webhooks posts event=[...]&timestamp=... with ?checksum=SHA(callback URL + body + secret);
//  - the recording-ready callback posts signed_parameters=<HS256 JWT {meeting_id, record_id}>;
//  - the end-of-meeting callback (meta_endCallbackUrl) carries our own HMAC token in its URL;
//  - the analytics callback (meta_analytics-callback-url) posts the class's learning-analytics JSON with
//    Authorization: Bearer <HS512 JWT {exp}> (post_events_analytics_callback.rb).
Result<WebhookService::Accepted> WebhookService::accept_bbb(const WebhookDelivery& d,
                                                            std::optional<std::string>& tenant) {
    const std::string tenant_param = query(d, "tenant");
    if (!infra::is_uuid(tenant_param)) return Error::bad_request("the callback URL names no school (?tenant=)");
    auto configs = provider_configs(ascii_lower(tenant_param));
    const ProviderConfig* cfg = config_of(*configs, ProviderKind::kBbb);
    if (!cfg || cfg->bbb_shared_secret.empty())
        return Error::not_found("this school has no BigBlueButton configuration");
    tenant = cfg->tenant_id;
    const std::string& secret = cfg->bbb_shared_secret;
    Accepted a;
    const std::string kind = query(d, "event");
    if (kind == "meeting-ended") {
        const std::string meeting = query(d, "meeting_id");
        if (meeting.empty()) return Error::bad_request("the end callback names no meeting");
        if (!infra::secure_equals(providers::bbb_end_callback_token(secret, meeting), query(d, "token")))
            return bad_signature("the end callback's token does not match");
        // The callback URL travels in the meeting's metadata, which BBB's client can show: believe it
        // only when BBB itself says the meeting is over (asked with no connection held).
        if (auto provider = ctx_.providers.for_config(*cfg)) {
            LiveSession probe;
            probe.room_id = meeting;
            if (auto running = (*provider)->is_running(probe); running && *running)
                return Error::conflict("BigBlueButton says this meeting is still running");
        }
        a.dedupe_key = "end:" + meeting;
        a.events.push_back(bbb_callback_event("session_ended", meeting, ctx_.clock.now()));
    } else if (kind == "recording-ready") {
        auto form = parse_form(d.body);
        auto claims = infra::jwt_verify_hs256(form["signed_parameters"], secret, ctx_.clock.now(), 60,
                                              /*require_exp=*/false);
        if (!claims) return bad_signature("signed_parameters: " + claims.error().message);
        const std::string meeting = text_at(*claims, "meeting_id");
        const std::string record = text_at(*claims, "record_id");
        if (meeting.empty() || record.empty())
            return Error::bad_request("signed_parameters must name meeting_id and record_id");
        store::Conn c(ctx_.db);
        if (store::provider_recording_status(c.sql(), *tenant, record) == std::optional<std::string>("deleted"))
            return Error::gone("this recording was deleted in the school's system");
        auto ev = bbb_callback_event("recording_ready", meeting, ctx_.clock.now());
        ev.payload["recording_id"] = record;
        a.dedupe_key = "recording:" + record;
        a.events.push_back(std::move(ev));
    } else if (kind == "analytics") {
        if (auto parsed = bbb_analytics_events(d, *cfg, a); !parsed) return parsed.take_error();
        if (a.answer) return a;
    } else {
        if (public_url_.empty())
            return bad_signature("LIVE_PUBLIC_URL is not set, so BigBlueButton's hook checksum cannot be checked");
        const std::string checksum = query(d, "checksum");
        std::string callback = providers::webhook_url(public_url_, ProviderKind::kBbb, *tenant);
        if (const std::string meeting = query(d, "meeting"); !meeting.empty())
            callback = providers::bbb_hook_url(callback, meeting);  // a meeting's own hook
        const std::string signed_text = callback + d.body + secret;
        std::string expected = checksum.size() == 40    ? infra::sha1_hex(signed_text)
                               : checksum.size() == 64  ? infra::sha256_hex(signed_text)
                               : checksum.size() == 128 ? infra::sha512_hex(signed_text)
                                                        : std::string();
        if (expected.empty() || !infra::secure_equals(expected, ascii_lower(checksum)))
            return bad_signature("the hook checksum does not match");
        auto form = parse_form(d.body);
        boost::system::error_code ec;
        json::value events = json::parse(form["event"], ec);
        if (ec || !(events.is_array() || events.is_object()))
            return Error::bad_request("the hook body has no event JSON");
        json::array list = events.is_array() ? events.get_array() : json::array{events};
        if (list.empty()) return Error::bad_request("the hook body has no events");
        for (const auto& item : list) {
            if (!item.is_object()) return Error::bad_request("each hook event must be a JSON object");
            auto ev = providers::normalize_bbb_event(item.get_object(), ctx_.clock);
            if (!ev) return ev.take_error();
            a.events.push_back(std::move(ev.value()));
        }
        a.dedupe_key = infra::sha256_hex(d.body);
    }
    if (auto s = resolve_sessions(*tenant, a.events); !s) return s.take_error();
    return a;
}

// The analytics callback: {"version", "meeting_id", "internal_meeting_id", "data": {"attendees": [{"ext_user_id",
// "name", "moderator", "duration", "engagement": {"chats", "talks", "raisehand", "emojis", "poll_votes",
// "talk_time"}}, ...], ...}} (bbbevents' summary of the meeting's events.xml, keys in snake_case). Each
// attendee becomes one participant_activity event: chats are the chat messages, talk_time the seconds
// spoken; the rest of the engagement counts are not part of our score.
// The bearer JWT signs nothing but its own expiry (made 24 h ahead), so whoever holds one could post any
// body for a day. What keeps that narrow: the token must have been made after the class started, the
// class must be over (ended here, or BBB says the meeting is not running), and one delivery per class
// and BBB meeting is taken, keyed by the resolved session, so a replayed or altered body is a duplicate.
Status WebhookService::bbb_analytics_events(const WebhookDelivery& d, const ProviderConfig& cfg, Accepted& a) {
    constexpr UnixTime kTokenLife = 86400;  // post_events_analytics_callback.rb: exp = now + 24 h
    constexpr int kLeeway = 60;
    const std::string auth = header(d, "authorization");
    if (auth.size() <= 7 || ascii_lower(std::string_view(auth).substr(0, 7)) != "bearer ")
        return bad_signature("the analytics callback carries no bearer token");
    const UnixTime now = ctx_.clock.now();
    auto claims = infra::jwt_verify_hs512(std::string_view(auth).substr(7), cfg.bbb_shared_secret, now, kLeeway);
    if (!claims) return bad_signature("the analytics token: " + claims.error().message);
    // exp is a number (the verifier requires it) and may be any JSON number: bounded before it is
    // made an integer, so a huge one is refused rather than converted out of range.
    const double exp_number = claims->at("exp").to_number<double>();
    if (!(exp_number <= static_cast<double>(now + kTokenLife + kLeeway)))
        return bad_signature("the analytics token lives longer than BigBlueButton's 24 hours");
    const auto exp = static_cast<UnixTime>(exp_number);
    auto body = parse_object(d.body);
    if (!body) return Error::bad_request("the analytics callback is not a JSON object");
    const std::string meeting = text_at(*body, "meeting_id");
    if (meeting.empty()) return Error::bad_request("the analytics callback names no meeting_id");
    const json::object* data = object_at(*body, "data");
    const json::value* attendees = data ? data->if_contains("attendees") : nullptr;
    if (!attendees || !attendees->is_array())
        return Error::bad_request("the analytics callback has no data.attendees list");
    if (attendees->get_array().size() > kMaxAnalyticsAttendees)
        return Error::bad_request("the analytics callback lists more than " + std::to_string(kMaxAnalyticsAttendees) +
                                  " attendees");
    // A count as BigBlueButton writes it (talk_time may be a float); anything else is passed on as it
    // came, and applying the event ignores it with the reason.
    auto whole = [](const json::value* v) -> json::value {
        if (v && v->is_double() && std::isfinite(v->get_double()) && v->get_double() >= 0 && v->get_double() < 1e9)
            return static_cast<std::int64_t>(v->get_double());
        return v ? *v : json::value(0);
    };
    for (const auto& item : attendees->get_array()) {
        if (!item.is_object()) return Error::bad_request("each attendee must be a JSON object");
        const json::object& attendee = item.get_object();
        const json::object* engagement = object_at(attendee, "engagement");
        auto ev = bbb_callback_event("participant_activity", meeting, ctx_.clock.now());
        // ext_user_id is the userID our join links pass: the user's id here.
        ev.payload["participant"] = json::object{{"user_id", text_at(attendee, "ext_user_id")}};
        ev.payload["activity"] =
            json::object{{"chat_messages", whole(engagement ? engagement->if_contains("chats") : nullptr)},
                         {"talk_seconds", whole(engagement ? engagement->if_contains("talk_time") : nullptr)}};
        a.events.push_back(std::move(ev));
    }
    if (a.events.empty()) {  // nothing to count: answered, not stored (so it cannot take the class's slot)
        a.answer = WebhookAnswer{200, json::object{{"status", "ignored"}, {"reason", "no attendees"}}};
        return ok_status();
    }
    if (auto s = resolve_sessions(cfg.tenant_id, a.events); !s) return s.take_error();
    const std::string session_id = a.events.front().session_id;
    std::optional<LiveSession> session;
    {
        store::Conn c(ctx_.db);
        session = store::find_session(c.sql(), cfg.tenant_id, session_id);
    }
    if (!session) return Error::not_found("the analytics callback names a meeting that is not a class of this school");
    if (session->status != SessionStatus::kLive && session->status != SessionStatus::kEnded)
        return Error::conflict("this class has not run, so it has no analytics yet");
    if (session->actual_start && exp - kTokenLife + kLeeway < *session->actual_start)
        return bad_signature("the analytics token was made before this class started");
    if (session->status == SessionStatus::kLive) {
        // Our end event may still be on its way: BBB itself must say the meeting is over.
        if (auto provider = ctx_.providers.for_config(cfg)) {
            if (auto running = (*provider)->is_running(*session); running && *running)
                return Error::conflict("BigBlueButton says this meeting is still running");
        }
    }
    // One report per class and BBB meeting, whatever case the meeting id came in.
    a.dedupe_key = "analytics:" + session_id + ":" + text_at(*body, "internal_meeting_id").substr(0, 100);
    return ok_status();
}

// Zoom: x-zm-signature = "v0=" + hex(HMAC-SHA256(secret token, "v0:" + x-zm-request-timestamp + ":" + body)).
// The school comes from ?tenant= in the URL the admin registered, else from payload.account_id.
Result<WebhookService::Accepted> WebhookService::accept_zoom(const WebhookDelivery& d,
                                                             std::optional<std::string>& tenant) {
    auto body = parse_object(d.body);
    if (!body) return Error::bad_request("the Zoom event is not a JSON object");
    std::optional<ProviderConfig> cfg;
    const std::string tenant_param = query(d, "tenant");
    if (!tenant_param.empty()) {
        if (!infra::is_uuid(tenant_param)) return Error::bad_request("?tenant= must be the school's id");
        auto configs = provider_configs(ascii_lower(tenant_param));
        if (const ProviderConfig* z = config_of(*configs, ProviderKind::kZoom)) cfg = *z;
    } else {
        store::Conn c(ctx_.db);
        std::string account;
        if (const json::object* payload = object_at(*body, "payload")) account = text_at(*payload, "account_id");
        int matches = 0;
        for (auto& z : store::list_provider_configs_of_kind(c.sql(), ProviderKind::kZoom, ctx_.keys.box))
            if (!account.empty() && z.zoom_account_id == account) {
                cfg = z;
                ++matches;
            }
        if (matches > 1)
            return Error::bad_request(
                "several schools use this Zoom account: add ?tenant={school id} to the "
                "webhook URL in the Zoom app");
    }
    if (!cfg) return Error::not_found("no school here uses this Zoom account");
    tenant = cfg->tenant_id;
    if (cfg->zoom_webhook_secret.empty())
        return bad_signature(
            "this school has no Zoom webhook secret token configured (live-config zoom_webhook_secret)");
    const std::string ts_text = header(d, "x-zm-request-timestamp");
    auto ts = parse_unix(ts_text);
    if (!ts) return bad_signature("x-zm-request-timestamp is missing or not a Unix time");
    if (std::llabs(ctx_.clock.now() - *ts) > kToleranceSeconds)
        return bad_signature("x-zm-request-timestamp is more than 5 minutes away from our clock (stale or replayed)");
    std::string expected = "v0=" + infra::hmac_sha256_hex(cfg->zoom_webhook_secret, "v0:" + ts_text + ":" + d.body);
    if (!infra::secure_equals(expected, header(d, "x-zm-signature")))
        return bad_signature("x-zm-signature does not match the body");
    Accepted a;
    if (text_at(*body, "event") == "endpoint.url_validation") {
        const json::object* payload = object_at(*body, "payload");
        std::string plain = payload ? text_at(*payload, "plainToken") : std::string();
        if (plain.empty()) return Error::bad_request("endpoint.url_validation without payload.plainToken");
        a.answer = WebhookAnswer{
            200, json::object{{"plainToken", plain},
                              {"encryptedToken", infra::hmac_sha256_hex(cfg->zoom_webhook_secret, plain)}}};
        return a;
    }
    auto ev = providers::normalize_zoom_event(*body, ctx_.clock);
    if (!ev) return ev.take_error();
    a.dedupe_key = infra::sha256_hex(d.body);
    a.events.push_back(std::move(ev.value()));
    if (auto s = resolve_sessions(*tenant, a.events); !s) return s.take_error();
    return a;
}

// ---------------------------------------------------------------- BigBlueButton hook upkeep

Status WebhookService::schedule_hook_registration() {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db);
        if (store::job_pending(tx.sql(), providers::kBbbHookJob) || !store::any_live_rooms(tx.sql(), "bbb"))
            return ok_status();
        store::Job job;
        job.id = infra::new_uuid();
        job.type = providers::kBbbHookJob;
        store::enqueue_job(tx.sql(), job, ctx_.clock.now());
        tx.commit();
        ctx_.jobs_enqueued();
        return ok_status();
    });
}

Status WebhookService::register_hooks_job() {
    return guarded([&]() -> Status {
        std::vector<ProviderConfig> configs;
        std::map<std::string, std::vector<std::string>> rooms;  // tenant -> live BBB rooms
        bool any_live = false;
        {
            store::Conn c(ctx_.db);
            configs = store::list_provider_configs_of_kind(c.sql(), ProviderKind::kBbb, ctx_.keys.box);
            for (const auto& cfg : configs) {
                rooms[cfg.tenant_id] = store::live_rooms(c.sql(), cfg.tenant_id, "bbb");
                any_live = any_live || !rooms[cfg.tenant_id].empty();
            }
        }
        std::string failures;
        for (const auto& cfg : configs) {
            if (rooms[cfg.tenant_id].empty()) continue;
            auto provider = ctx_.providers.for_config(cfg);
            if (!provider) continue;
            auto* bbb = dynamic_cast<providers::BbbProvider*>(provider->get());
            if (!bbb) continue;
            for (const auto& room : rooms[cfg.tenant_id]) {
                auto r = bbb->register_hook(room);
                if (!r) failures += (failures.empty() ? "" : "; ") + room + ": " + r.error().message;
            }
        }
        if (any_live) {
            store::Tx tx(ctx_.db);
            store::Job next;
            next.id = infra::new_uuid();
            next.type = providers::kBbbHookJob;
            next.run_at = ctx_.clock.now() + providers::kBbbHookEverySeconds;
            store::enqueue_job(tx.sql(), next, ctx_.clock.now());
            tx.commit();
        }
        // Not retried on failure: the next run is 5 minutes away (the caller logs what failed).
        if (!failures.empty()) return Error::unavailable("some BigBlueButton hooks could not be registered", failures);
        return ok_status();
    });
}

// ---------------------------------------------------------------- processing

namespace {

/// The transcript address of a Zoom recording.transcript_completed for the meeting of `recording` (Zoom's
/// "meeting uuid/file id") that was ignored because it came before the recording; "" when none did.
std::string early_zoom_transcript(soci::session& sql, const std::string& tenant, const std::string& session_id,
                                  const std::string& recording) {
    const auto slash = recording.rfind('/');                  // meeting uuids may hold '/', file ids do not
    if (slash == std::string::npos || slash == 0) return "";  // no meeting uuid: nothing to match it by
    const std::string meeting = recording.substr(0, slash);
    // A recurring meeting's earlier occurrences (other uuids) may have left some too: a few, newest first.
    for (const auto& normalized :
         store::ignored_events_of_session(sql, tenant, session_id, "zoom", "transcript_ready", 5)) {
        boost::system::error_code ec;
        json::value events = json::parse(normalized, ec);
        if (ec || !events.is_array()) continue;
        for (const auto& e : events.get_array()) {
            const json::object* o = e.if_object();
            const json::object* p = o ? object_at(*o, "payload") : nullptr;
            if (!p || text_at(*o, "event_type") != "transcript_ready" || text_at(*p, "meeting_uuid") != meeting)
                continue;
            if (std::string url = text_at(*p, "transcript_url"); !url.empty()) return url;
        }
    }
    return "";
}

}  // namespace

LiveSession* WebhookService::DrainEffects::session(soci::session& sql, const std::string& tenant,
                                                   const std::string& id) {
    auto [it, fresh] = sessions.try_emplace(tenant + "|" + id);
    if (fresh) it->second = store::find_session(sql, tenant, id, /*for_update=*/true);
    return it->second ? &*it->second : nullptr;
}

std::optional<User> WebhookService::DrainEffects::user(soci::session& sql, const std::string& tenant,
                                                       const std::string& id) {
    auto [it, fresh] = users.try_emplace(tenant + "|" + id);
    if (fresh) it->second = store::find_user(sql, tenant, id);
    return it->second;
}

Status WebhookService::run_job(const std::string&) {
    return guarded([&]() -> Status {
        // Drains the inbox in batches, oldest first, until nothing is left. Each batch is one
        // transaction: an event's effects and its "processed" mark commit together, so a crash
        // repeats nothing. On PostgreSQL concurrent drainers take disjoint rows (SKIP LOCKED).
        for (bool first = true;; first = false) {
            // Between batches, step aside for a moment: intake (a provider waiting for its 2xx) and
            // joins share SQLite's one writer with this drain and should not queue behind it.
            if (!first) std::this_thread::sleep_for(std::chrono::milliseconds(2));
            // Participation rows and live counts are not what the caches hold (like the join writer's
            // commits); a batch that changes a session itself bumps the generation below.
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            DrainEffects effects;  // after tx: its prepared statements go before the connection does
            store::InboxMarker inbox(tx.sql());
            auto rows = store::received_webhook_events(tx.sql(), kDrainBatch);
            if (rows.empty()) return ok_status();
            struct Finished {
                const std::string* provider;
                const char* outcome;
                UnixTime seconds;
            };
            std::vector<Finished> finished;  // observed once the batch has committed
            finished.reserve(rows.size());
            for (const auto& row : rows) {
                const std::string& id = row.id;
                if (!row.tenant_id) {
                    inbox.finish(id, "ignored", "no school", ctx_.clock.now());
                    finished.push_back({&row.provider, "ignored", ctx_.clock.now() - row.received_at});
                    continue;
                }
                // One event that cannot be applied is marked failed with the error and skipped; it must
                // not roll back its batch again and again and hold up everything behind it.
                tx.sql() << "SAVEPOINT webhook_event";
                try {
                    boost::system::error_code ec;
                    json::value events = json::parse(row.normalized, ec);
                    std::vector<std::string> notes;
                    bool changed = false;
                    if (!ec && events.is_array()) {
                        for (const auto& e : events.get_array()) {
                            if (!e.is_object()) continue;
                            std::string note = apply(tx.sql(), *row.tenant_id, e.get_object(), effects);
                            if (note.empty())
                                changed = true;
                            else
                                notes.push_back(note);
                        }
                    }
                    std::string reason;
                    for (const auto& n : notes) reason += (reason.empty() ? "" : "; ") + n;
                    inbox.finish(id, changed ? "processed" : "ignored", reason, ctx_.clock.now());
                    tx.sql() << "RELEASE SAVEPOINT webhook_event";
                    finished.push_back(
                        {&row.provider, changed ? "processed" : "ignored", ctx_.clock.now() - row.received_at});
                } catch (const std::exception& e) {
                    effects.forget_rows();  // what they hold may be from the rolled-back event
                    tx.sql() << "ROLLBACK TO SAVEPOINT webhook_event";
                    tx.sql() << "RELEASE SAVEPOINT webhook_event";
                    // The exception's text (SQL, table names) is for the operator's logs, not the
                    // school's ops view.
                    if (log_) log_->error("webhook event failed", {{"event_id", id}, {"error", e.what()}});
                    inbox.finish(id, "failed",
                                 "the event could not be applied (an internal error; see the server logs)",
                                 ctx_.clock.now());
                    finished.push_back({&row.provider, "failed", ctx_.clock.now() - row.received_at});
                }
            }
            for (const auto& session : effects.touched)
                store::recount_participants(tx.sql(), session);          // once per batch
            for (const auto& [session, tenant] : effects.recalculate) {  // activity that came after the end
                store::Job job;
                job.id = infra::new_uuid();
                job.tenant_id = tenant;
                job.type = "calculate_attendance";
                job.payload = json::serialize(json::object{{"session_id", session}, {"tenant_id", job.tenant_id}});
                store::enqueue_job(tx.sql(), job, ctx_.clock.now());
                effects.jobs = true;
            }
            if (effects.sessions_changed) tx.bump_generation_on_commit();
            tx.commit();
            for (const auto& f : finished) observe_latency(*f.provider, f.outcome, f.seconds);
            if (effects.jobs) ctx_.jobs_enqueued();
        }
    });
}

namespace {
constexpr const char* kLatencyProviders[] = {"jitsi", "bbb", "zoom"};
constexpr const char* kLatencyOutcomes[] = {"processed", "ignored", "failed"};
}  // namespace

void WebhookService::register_metrics() {
    if (!ctx_.metrics) return;
    auto& family = ctx_.metrics->histogram(
        "liveclass_webhook_processing_seconds",
        "Time from a webhook delivery's receipt to its application by the webhook worker, in whole seconds.",
        {1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600}, {"provider", "outcome"});
    for (std::size_t p = 0; p < 3; ++p)
        for (std::size_t o = 0; o < 3; ++o)
            latency_[p * 3 + o] = &family.with({kLatencyProviders[p], kLatencyOutcomes[o]});
}

void WebhookService::observe_latency(const std::string& provider, const char* outcome, UnixTime seconds) {
    if (!latency_[0]) return;
    for (std::size_t p = 0; p < 3; ++p) {
        if (provider != kLatencyProviders[p]) continue;
        for (std::size_t o = 0; o < 3; ++o)
            if (std::string_view(outcome) == kLatencyOutcomes[o])
                latency_[p * 3 + o]->observe(static_cast<double>(seconds));
        return;
    }
}

std::string WebhookService::apply(soci::session& sql, const std::string& tenant, const json::object& ev,
                                  DrainEffects& effects) {
    const std::string type = text_at(ev, "event_type");
    const std::string session_id = text_at(ev, "session_id");
    UnixTime at = ctx_.clock.now();
    if (auto* t = ev.if_contains("timestamp"); t && t->is_int64()) at = t->get_int64();
    const json::object empty;
    const json::object* payload = object_at(ev, "payload");
    if (!payload) payload = &empty;
    if (type == "ignored") return "nothing to do for this event";
    if (!infra::is_uuid(session_id)) return "no session";
    LiveSession* s = effects.session(sql, tenant, session_id);
    if (!s) return "the session no longer exists";
    auto audit = [&](const char* action, const std::string& details) {
        store::AuditEntry a;
        a.id = infra::new_uuid();
        a.tenant_id = tenant;
        a.action = action;
        a.resource_type = "live_session";
        a.resource_id = s->id;
        a.details = details;
        a.created_at = ctx_.clock.now();
        store::insert_audit(sql, a);
    };
    const std::string by = json::serialize(json::object{{"by", "provider"}, {"provider", text_at(ev, "provider")}});

    if (type == "session_started") {
        bool opened = s->status == SessionStatus::kDraft || s->status == SessionStatus::kScheduled;
        if (opened) {
            s->status = SessionStatus::kLive;
            s->actual_start = at;
        } else if (!s->actual_start && (!s->actual_end || at <= *s->actual_end)) {
            s->actual_start = at;  // the start arrived after the end: keep the real start time
        } else {
            return "the session had already started";
        }
        s->updated_at = ctx_.clock.now();
        store::update_session(sql, *s);
        audit("session.start", by);
        store::enqueue_once(sql, infra::new_uuid(), AttendanceService::kSweepJob, ctx_.clock.now(), ctx_.clock.now());
        // A class opened in the provider's own client is announced like one started here.
        if (opened) queue_session_notice(sql, *s, NoticeKind::kSessionStarted, ctx_.clock.now(), "");
        effects.jobs = true;
        effects.sessions_changed = true;
        return "";
    }
    if (type == "session_ended") {
        if (s->status != SessionStatus::kLive && s->status != SessionStatus::kScheduled)
            return "the session is not open (" + std::string(to_string(s->status)) + ")";
        close_session_rows(sql, *s, at, ctx_.clock.now());
        s->status = SessionStatus::kEnded;
        s->updated_at = ctx_.clock.now();
        store::update_session(sql, *s);
        audit("session.end", by);
        effects.sessions_changed = true;
        effects.jobs = true;
        return "";
    }
    // The school's user an event's participant names (our user id, else the e-mail address).
    auto participant_user = [&](const json::object& p) -> std::optional<User> {
        std::optional<User> user;
        std::string uid = text_at(p, "user_id");
        if (uid.empty()) uid = text_at(p, "id");
        if (infra::is_uuid(uid)) user = effects.user(sql, tenant, ascii_lower(uid));
        if (!user && !text_at(p, "email").empty()) user = store::find_user_by_email(sql, tenant, text_at(p, "email"));
        return user;
    };
    if (type == "participant_activity") {
        const json::object* p = object_at(*payload, "participant");
        const json::object* activity = object_at(*payload, "activity");
        if (!p || !activity) return "the event names no participant or no activity";
        auto user = participant_user(*p);
        if (!user) return "the participant is not a user of this school";
        // Counts since the room's last report; an implausible one is refused, not stored.
        auto count = [&](const char* key, long long max) -> std::optional<int> {
            auto* v = activity->if_contains(key);
            if (!v) return 0;
            if (!v->is_int64() || v->get_int64() < 0 || v->get_int64() > max) return std::nullopt;
            return static_cast<int>(v->get_int64());
        };
        auto chat = count("chat_messages", 100000), talk = count("talk_seconds", 86400);
        if (!chat || !talk) return "activity counts must be whole numbers from 0 (talk_seconds up to a day)";
        store::add_provider_activity(sql, s->id, user->id, *chat, *talk);
        // The room's last report often comes after the end: the summaries are computed again.
        if (s->status == SessionStatus::kEnded) effects.recalculate[s->id] = s->tenant_id;
        return "";
    }
    if (type == "participant_joined" || type == "participant_left") {
        const json::object* p = object_at(*payload, "participant");
        if (!p) return "the event names no participant";
        auto user = participant_user(*p);
        if (!user) return "the participant is not a user of this school";
        std::string role = text_at(*p, "role") == "moderator" ? "moderator" : "participant";
        if (auto* m = p->if_contains("moderator");
            m && ((m->is_bool() && m->get_bool()) || (m->is_string() && m->get_string() == "true")))
            role = "moderator";
        const std::string connection = text_at(*p, "connection_id").substr(0, 200);
        bool changed = type == "participant_joined"
                           ? effects.participation(sql).join(infra::new_uuid(), s->id, user->id, role, connection, at)
                           : effects.participation(sql).leave(infra::new_uuid(), s->id, user->id, role, connection, at);
        if (!changed) return "already recorded";
        effects.touched.insert(s->id);
        return "";
    }
    if (type == "transcript_ready") {
        // Zoom's transcript of a recording reported before (recording.transcript_completed).
        const std::string uuid = text_at(*payload, "meeting_uuid"), vtt = text_at(*payload, "transcript_url");
        if (uuid.empty() || vtt.empty() || text_at(ev, "provider") != "zoom") return "the event names no transcript";
        auto rec = store::find_recording_by_provider_prefix(sql, tenant, s->id, uuid + "/");
        if (!rec) return "the recording it transcribes is not known";
        queue_transcript_import(sql, tenant, *rec, ProviderKind::kZoom, vtt, ctx_.clock.now());
        effects.jobs = true;
        return "";
    }
    if (type == "recording_ready") {
        const std::string rec = text_at(*payload, "recording_id");
        if (rec.empty()) return "the event names no recording";
        long long size = 0, duration = 0;
        if (auto* v = payload->if_contains("size_bytes"); v && v->is_int64()) size = v->get_int64();
        if (auto* v = payload->if_contains("duration_seconds"); v && v->is_int64()) duration = v->get_int64();
        std::optional<UnixTime> started;
        if (auto* v = payload->if_contains("started_at"); v && v->is_int64()) started = v->get_int64();
        std::string recording_id = infra::new_uuid();
        std::string format = text_at(ev, "provider") == "bbb" ? "presentation" : "mp4";
        if (!store::insert_provider_recording(sql, recording_id, tenant, s->id, rec, text_at(*payload, "url"), duration,
                                              size, format, ctx_.clock.now(), started))
            return "the recording is already known";
        store::Job job;
        job.id = infra::new_uuid();
        job.tenant_id = tenant;
        job.type = RecordingService::kProcessJob;
        job.payload = json::serialize(json::object{{"recording_id", recording_id}, {"tenant_id", tenant}});
        store::enqueue_job(sql, job, ctx_.clock.now());
        // Seed 7.3: Zoom lists the meeting's chat file with the recording.
        if (const std::string chat = text_at(*payload, "chat_url");
            !chat.empty() && text_at(ev, "provider") == "zoom") {
            ChatSource source;
            source.tenant_id = tenant;
            source.session_id = s->id;
            source.provider = ProviderKind::kZoom;
            source.url = chat;
            const std::string file = text_at(*payload, "chat_file_id");
            source.source_id = "zoom:" + (file.empty() ? rec : file);
            if (auto* t = payload->if_contains("chat_started_at"); t && t->is_int64())
                source.started_at = t->get_int64();
            queue_chat_export(sql, source, ctx_.clock.now());
        }
        // Seed 13.1: Zoom's own transcript of it, when the account makes one: listed with the recording, or
        // announced before it (deliveries can come out of order, and each is processed once).
        if (text_at(ev, "provider") == "zoom") {
            std::string vtt = text_at(*payload, "transcript_url");
            if (vtt.empty()) vtt = early_zoom_transcript(sql, tenant, s->id, rec);
            if (!vtt.empty())
                queue_transcript_import(sql, tenant, recording_id, ProviderKind::kZoom, vtt, ctx_.clock.now());
        }
        effects.sessions_changed = true;  // a new recording row: listings read through caches may show it
        effects.jobs = true;
        return "";
    }
    return "unknown event type " + type;
}

}  // namespace lc::services
