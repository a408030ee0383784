#include "services/webhook_health.hpp"

#include <boost/json.hpp>
#include <cstdio>

#include "core/time.hpp"
#include "infra/crypto.hpp"
#include "store/job_repo.hpp"

namespace lc::services {

namespace {

std::string percent(double rate) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %%", rate * 100);
    return buf;
}

std::string minutes(int seconds) {
    return seconds % 60 == 0 ? std::to_string(seconds / 60) + " min" : std::to_string(seconds) + " s";
}

}  // namespace

Status WebhookHealthService::post(const std::string& text) const {
    infra::HttpRequest req;
    req.method = "POST";
    req.url = opt_.webhook_url;
    req.headers = {{"Content-Type", "application/json"}};
    req.body = boost::json::serialize(boost::json::object{{"text", text}});
    req.timeout = std::chrono::seconds(5);
    auto res = http_.send(req);
    if (!res) return res.take_error();
    if (res->status < 200 || res->status >= 300)
        return Error::unavailable("the alert webhook answered HTTP " + std::to_string(res->status),
                                  res->body.substr(0, 200));
    return ok_status();
}

Result<WebhookHealthReport> WebhookHealthService::check() {
    return guarded([&]() -> Result<WebhookHealthReport> {
        const UnixTime now = ctx_.clock.now();
        WebhookHealthReport r;
        std::optional<store::Incident> incident;
        {
            store::Conn c(ctx_.db);
            r.counts = store::webhook_counts_since(c.sql(), now - opt_.window_seconds);
            incident = store::open_incident(c.sql(), kIncidentKind);
        }
        const long long failures = r.counts.failed + r.counts.rejected;
        r.failure_rate = r.counts.total > 0 ? static_cast<double>(failures) / static_cast<double>(r.counts.total) : 0;
        r.unhealthy = r.counts.total >= opt_.min_events && r.failure_rate > opt_.threshold;
        const std::string numbers = std::to_string(failures) + " of " + std::to_string(r.counts.total) +
                                    " webhook deliveries in the last " + minutes(opt_.window_seconds) + " failed (" +
                                    percent(r.failure_rate) + "; " + std::to_string(r.counts.rejected) +
                                    " rejected at intake, " + std::to_string(r.counts.failed) +
                                    " could not be applied)";

        if (r.unhealthy) {
            if (!incident) {
                store::Tx tx(ctx_.db, /*bump_generation=*/false);
                store::open_incident_once(tx.sql(), infra::new_uuid(), kIncidentKind, numbers, now);
                incident = store::open_incident(tx.sql(), kIncidentKind);  // ours, or the one another worker opened
                tx.commit();
            }
            r.incident_open = incident.has_value();
            if (!incident || incident->alert_sent_at || opt_.webhook_url.empty()) return r;
            {
                store::Tx tx(ctx_.db, /*bump_generation=*/false);
                bool mine = store::claim_alert(tx.sql(), incident->id, now);
                tx.commit();
                if (!mine) return r;  // another worker is sending it
            }
            auto sent = post("liveclass alert: webhook failure rate above " + percent(opt_.threshold) + ": " + numbers +
                             ". Incident opened at " + format_iso8601(incident->opened_at) +
                             "; the failing deliveries are listed in each school's ops view (GET /api/v1/ops/live/).");
            if (sent) {
                r.alert_sent = true;
            } else {
                r.send_error =
                    sent.error().message + (sent.error().internal.empty() ? "" : ": " + sent.error().internal);
                store::Tx tx(ctx_.db, /*bump_generation=*/false);
                store::release_alert(tx.sql(), incident->id);  // the next round tries again
                tx.commit();
            }
            return r;
        }

        if (!incident) return r;
        bool closed = false;
        {
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            closed = store::resolve_incident(tx.sql(), incident->id, now);
            tx.commit();
        }
        // Only the round that closed it says so, and only when the alert had gone out.
        if (!closed || !incident->alert_sent_at || opt_.webhook_url.empty()) return r;
        auto sent = post("liveclass resolved: webhook failures are back under " + percent(opt_.threshold) + " (" +
                         numbers + "). The incident opened at " + format_iso8601(incident->opened_at) + " is closed.");
        if (!sent) {
            r.send_error = sent.error().message + (sent.error().internal.empty() ? "" : ": " + sent.error().internal);
            return r;  // best effort: not retried
        }
        r.resolved_sent = true;
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        store::mark_resolved_sent(tx.sql(), incident->id, now);
        tx.commit();
        return r;
    });
}

Result<WebhookHealthReport> WebhookHealthService::run_job() {
    auto queued = guarded([&]() -> Status {
        // The next round first, on its own: a round that fails below must not stop the checks.
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        UnixTime now = ctx_.clock.now();
        store::enqueue_once(tx.sql(), infra::new_uuid(), kJob, now + opt_.every_seconds, now);
        tx.commit();
        return ok_status();
    });
    auto r = check();
    if (!queued) return queued.take_error();
    return r;
}

Status WebhookHealthService::schedule() {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        bool queued = store::enqueue_once(tx.sql(), infra::new_uuid(), kJob, ctx_.clock.now(), ctx_.clock.now());
        tx.commit();
        if (queued) ctx_.jobs_enqueued();
        return ok_status();
    });
}

}  // namespace lc::services
