#pragma once
// Seed 9.4 (KVKK): a school admin's data-subject export and erasure, and the retention purge job.
#include <boost/json/object.hpp>
#include <string>

#include "services/context.hpp"
#include "store/privacy_repo.hpp"

namespace lc::services {

struct ErasureResult {
    std::string user_id;
    store::ErasureCounts counts;
};

class PrivacyService {
public:
    PrivacyService(ServiceContext& ctx, store::RetentionDays days) : ctx_(ctx), days_(days) {}

    /// The periodic retention job (seed 9.4): runs once a day, the next round queued first.
    static constexpr const char* kPurgeJob = "purge_expired_data";
    static constexpr int kPurgeIntervalSeconds = 86400;

    /// Everything stored about a user of the caller's school, as one JSON document (school admins).
    Result<boost::json::object> export_user(const Principal& p, const std::string& user_id, const RequestMeta& meta);
    /// Anonymises a user (school admins; never oneself): see store::erase_user. Attendance figures stay.
    Result<ErasureResult> erase_user(const Principal& p, const std::string& user_id, const RequestMeta& meta);

    /// Queues the purge job unless one is queued (at start-up).
    Status schedule_purge();
    /// One purge round; queues the next.
    Result<store::PurgeCounts> purge();

private:
    ServiceContext& ctx_;
    store::RetentionDays days_;
};

}  // namespace lc::services
