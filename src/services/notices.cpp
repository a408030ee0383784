#include "services/notices.hpp"

#include <boost/json.hpp>

#include "infra/crypto.hpp"
#include "store/job_repo.hpp"

namespace lc::services {

namespace json = boost::json;

void queue_session_notice(soci::session& sql, const domain::LiveSession& s, domain::NoticeKind kind, UnixTime now,
                          const std::string& actor_id, std::optional<UnixTime> previous_start) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = s.tenant_id;
    job.type = kind == domain::NoticeKind::kSessionStarted ? kNotifyStartedJob
               : kind == domain::NoticeKind::kInvitation   ? kNotifyScheduledJob
                                                           : kNotifyCancelledJob;
    json::object payload{{"session_id", s.id},
                         {"tenant_id", s.tenant_id},
                         {"kind", domain::to_string(kind)},
                         {"occasion", std::to_string(s.sequence)},
                         {"actor_id", actor_id}};
    if (previous_start) payload["previous_start"] = *previous_start;
    // A move notice is outdated once the class moves again (its time version changes).
    if (kind == domain::NoticeKind::kSessionRescheduled) payload["time_version"] = time_version(s);
    job.payload = json::serialize(payload);
    store::enqueue_job(sql, job, now);
}

void queue_series_invitation(soci::session& sql, const std::string& tenant_id, const std::string& series_id,
                             UnixTime now, const std::string& actor_id) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = tenant_id;
    job.type = kNotifyScheduledJob;
    job.payload = json::serialize(json::object{{"series_id", series_id},
                                               {"tenant_id", tenant_id},
                                               {"kind", domain::to_string(domain::NoticeKind::kInvitation)},
                                               {"occasion", "series:" + series_id},
                                               {"actor_id", actor_id}});
    store::enqueue_job(sql, job, now);
}

void queue_series_notice(soci::session& sql, const domain::LiveSession& first, const std::string& series_id,
                         int series_sequence, domain::NoticeKind kind, UnixTime now, const std::string& actor_id) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = first.tenant_id;
    job.type = kNotifyCancelledJob;
    job.payload =
        json::serialize(json::object{{"session_id", first.id},
                                     {"series_id", series_id},
                                     {"tenant_id", first.tenant_id},
                                     {"kind", domain::to_string(kind)},
                                     {"occasion", "series:" + series_id + ":" + std::to_string(series_sequence)},
                                     {"actor_id", actor_id}});
    store::enqueue_job(sql, job, now);
}

void queue_recording_notice(soci::session& sql, const domain::LiveSession& s, const std::string& recording_id,
                            UnixTime now) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = s.tenant_id;
    job.type = kNotifyRecordingJob;
    job.payload = json::serialize(json::object{{"session_id", s.id},
                                               {"tenant_id", s.tenant_id},
                                               {"kind", domain::to_string(domain::NoticeKind::kRecordingPublished)},
                                               {"occasion", recording_id},
                                               {"recording_id", recording_id}});
    store::enqueue_job(sql, job, now);
}

}  // namespace lc::services
