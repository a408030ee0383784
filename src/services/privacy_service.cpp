#include "services/privacy_service.hpp"

#include <boost/json.hpp>

#include "core/time.hpp"
#include "infra/crypto.hpp"
#include "services/audit.hpp"
#include "store/job_repo.hpp"

namespace lc::services {

namespace json = boost::json;

namespace {
Error no_such_user() { return Error::not_found("no such user in this school"); }
Error admins_only() { return Error::denied("only a school admin can export or erase a person's data"); }
}  // namespace

Result<json::object> PrivacyService::export_user(const Principal& p, const std::string& user_id,
                                                 const RequestMeta& meta) {
    if (!p.is_admin()) return admins_only();
    return guarded([&]() -> Result<json::object> {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        if (!store::find_user(tx.sql(), p.tenant.id, user_id)) return no_such_user();
        json::object out = store::export_user_data(tx.sql(), p.tenant.id, user_id);
        out["exported_at"] = format_iso8601(ctx_.clock.now());
        out["school"] = json::object{{"id", p.tenant.id}, {"slug", p.tenant.slug}, {"name", p.tenant.name}};
        // The export itself is an access to personal data: audited in the same transaction.
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "user.data_export", "user", user_id, meta));
        tx.commit();
        return out;
    });
}

Result<ErasureResult> PrivacyService::erase_user(const Principal& p, const std::string& user_id,
                                                 const RequestMeta& meta) {
    if (!p.is_admin()) return admins_only();
    if (user_id == p.user.id) return Error::conflict("you cannot erase your own account; ask another admin");
    return guarded([&]() -> Result<ErasureResult> {
        store::Tx tx(ctx_.db);
        auto u = store::find_user(tx.sql(), p.tenant.id, user_id);
        if (!u) return no_such_user();
        // What provider deliveries may quote: the e-mail, our id (BigBlueButton's external user id),
        // the LMS's id and the name (only when long enough not to match unrelated text).
        std::vector<std::string> needles{u->email, u->id};
        if (u->external_id && u->external_id->size() >= 4) needles.push_back(*u->external_id);
        if (u->full_name.size() >= 5) needles.push_back(u->full_name);
        ErasureResult r{user_id, store::erase_user(tx.sql(), p.tenant.id, user_id, needles)};
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "user.erase", "user", user_id, meta,
                                                {{"participations", r.counts.participations},
                                                 {"audit_rows", r.counts.audit_rows},
                                                 {"webhook_events", r.counts.webhook_events}}));
        tx.commit();
        return r;
    });
}

Status PrivacyService::schedule_purge() {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        store::enqueue_once(tx.sql(), infra::new_uuid(), kPurgeJob, ctx_.clock.now(), ctx_.clock.now());
        tx.commit();
        ctx_.jobs_enqueued();
        return ok_status();
    });
}

Result<store::PurgeCounts> PrivacyService::purge() {
    return guarded([&]() -> Result<store::PurgeCounts> {
        const UnixTime now = ctx_.clock.now();
        {
            // The next round first, committed on its own: a failing round must not end the schedule.
            store::Tx next(ctx_.db, /*bump_generation=*/false);
            store::enqueue_once(next.sql(), infra::new_uuid(), kPurgeJob, now + kPurgeIntervalSeconds, now);
            next.commit();
        }
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto n = store::purge_expired(tx.sql(), days_, now);
        tx.commit();
        return n;
    });
}

}  // namespace lc::services
