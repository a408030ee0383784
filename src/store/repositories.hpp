#pragma once
// Repositories: SQL over one SOCI session (a Tx or a Conn), the same SQL on SQLite and PostgreSQL.
// Every query that reads tenant data takes the tenant id and filters on it, so a caller cannot
// reach another tenant's rows by guessing ids. Library exceptions stay inside store/: services get
// values or throw a soci::soci_error that the service boundary turns into Unavailable.
#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "domain/entities.hpp"
#include "store/database.hpp"

namespace lc::store {

/// Encrypts/decrypts secrets at rest (AES-256-GCM); passed in so the store needs no key of its own.
struct SecretBox {
    std::string key;  // 32 bytes
    std::string seal(const std::string& plain) const;
    std::string open(const std::string& envelope) const;  // "" for "" or an unreadable envelope
};

// ---- tenants ----
void insert_tenant(soci::session& sql, const domain::Tenant& t, const SecretBox& box);
/// with_domains=false skips the domains query (authentication needs only the tenant row).
std::optional<domain::Tenant> find_tenant(soci::session& sql, const std::string& id, const SecretBox& box,
                                          bool with_domains = true);
std::optional<domain::Tenant> find_tenant_by_slug(soci::session& sql, const std::string& slug, const SecretBox& box);
std::optional<domain::Tenant> find_tenant_by_domain(soci::session& sql, const std::string& domain,
                                                    const SecretBox& box);
void update_tenant(soci::session& sql, const domain::Tenant& t, const SecretBox& box);
long long count_tenants(soci::session& sql);

// ---- users ----
void insert_user(soci::session& sql, const domain::User& u);
void update_user(soci::session& sql, const domain::User& u);
std::optional<domain::User> find_user(soci::session& sql, const std::string& tenant_id, const std::string& id);
std::optional<domain::User> find_user_by_email(soci::session& sql, const std::string& tenant_id,
                                               const std::string& email);
std::optional<domain::User> find_user_by_external_id(soci::session& sql, const std::string& tenant_id,
                                                     const std::string& external_id);
/// Users with this e-mail in any tenant (login without a tenant hint).
std::vector<domain::User> find_users_by_email_any_tenant(soci::session& sql, const std::string& email);
struct UserFilter {
    std::optional<domain::UserRole> role;
    std::string search;  // matches e-mail or name, case-insensitive prefix/contains
    int limit = 20;
    int offset = 0;
};
std::vector<domain::User> list_users(soci::session& sql, const std::string& tenant_id, const UserFilter& f,
                                     long long* total);

// ---- courses, instructors, enrolments ----
void insert_course(soci::session& sql, const domain::Course& c);
void update_course(soci::session& sql, const domain::Course& c);
void delete_course(soci::session& sql, const std::string& tenant_id, const std::string& id);
std::optional<domain::Course> find_course(soci::session& sql, const std::string& tenant_id, const std::string& id);
/// visible_to: empty = all courses of the tenant; else only courses the user teaches or is enrolled in.
std::vector<domain::Course> list_courses(soci::session& sql, const std::string& tenant_id,
                                         const std::string& visible_to, int limit, int offset, long long* total);
void add_instructor(soci::session& sql, const std::string& course_id, const std::string& user_id);
void remove_instructor(soci::session& sql, const std::string& course_id, const std::string& user_id);
bool is_course_instructor(soci::session& sql, const std::string& course_id, const std::string& user_id);
/// Returns false when the user was already enrolled.
bool enroll(soci::session& sql, const std::string& id, const std::string& tenant_id, const std::string& course_id,
            const std::string& user_id, UnixTime now);
bool unenroll(soci::session& sql, const std::string& course_id, const std::string& user_id);
bool is_enrolled(soci::session& sql, const std::string& course_id, const std::string& user_id);
std::vector<domain::User> list_enrolled_users(soci::session& sql, const std::string& tenant_id,
                                              const std::string& course_id);

// ---- live sessions ----
void insert_session(soci::session& sql, const domain::LiveSession& s);
/// Writes the editable columns and the status fields; never participant_count/peak_participants,
/// which only the join writer and reset_participant_count change.
void update_session(soci::session& sql, const domain::LiveSession& s);
void reset_participant_count(soci::session& sql, const std::string& session_id);
/// for_update=true (inside a Tx on PostgreSQL) locks the row until commit, so concurrent state changes
/// take turns instead of overwriting each other (SQLite's BEGIN IMMEDIATE already serialises writers).
/// for_update: lock the row until the transaction ends (PostgreSQL; SQLite's write lock already
/// serialises writers).
std::optional<domain::LiveSession> find_session(soci::session& sql, const std::string& tenant_id, const std::string& id,
                                                bool for_update = false);
struct SessionFilter {
    std::string course_id;
    std::optional<domain::SessionStatus> status;
    std::optional<domain::SessionType> type;
    std::optional<UnixTime> from;  // scheduled_start >= from
    std::optional<UnixTime> to;    // scheduled_start < to
    std::string visible_to;        // non-empty: only courses this user teaches/is enrolled in or moderates
    std::string series_id;         // non-empty: only this series' occurrences
    int limit = 20;
    int offset = 0;
};
std::vector<domain::LiveSession> list_sessions(soci::session& sql, const std::string& tenant_id, const SessionFilter& f,
                                               long long* total);
void update_session_counts(soci::session& sql, const std::string& session_id, int participant_count, int peak);
/// The tenant of a course ("" when there is no such course); for operator calls that address a course by id.
std::string course_tenant(soci::session& sql, const std::string& course_id);
void set_session_moderators(soci::session& sql, const std::string& session_id, const std::vector<std::string>& ids);
/// Distinct users who joined, and recordings, of a session.
long long count_distinct_participants(soci::session& sql, const std::string& session_id);
/// `published_only`: only the published recordings (what a student sees).
long long count_recordings(soci::session& sql, const std::string& session_id, bool published_only = false);

/// The caller's relation to a course, in one query.
struct CourseAccess {
    bool is_instructor = false;
    bool is_enrolled = false;
};
CourseAccess course_access(soci::session& sql, const std::string& course_id, const std::string& user_id);

// ---- participants ----
/// True when the user has an open participation in the session.
bool has_active_participation(soci::session& sql, const std::string& session_id, const std::string& user_id);
/// The query behind has_active_participation (binds :s, :u; yields 0 or 1), shared with the join
/// writer's prepared statement. Unary + keeps SQLite's planner off the (session_id, is_active) index,
/// which would walk every active participant of the session: the (session_id, user_id, connection_id,
/// is_active) index finds this user's few entries and answers from the index alone.
inline constexpr const char* kHasActiveParticipationSql =
    "SELECT COUNT(*) FROM (SELECT 1 FROM live_session_participants WHERE session_id = :s AND user_id = :u "
    "AND +is_active = 1 LIMIT 1) AS a";

void insert_participant(soci::session& sql, const domain::Participant& p);
/// Closes every active participation (left_at = now, duration computed); returns how many.
long long close_active_participants(soci::session& sql, const std::string& session_id, UnixTime now);
/// Every participation row of the session (optionally of one user), in join order.
std::vector<domain::Participant> list_participants(soci::session& sql, const std::string& session_id,
                                                   const std::optional<std::string>& user_id = std::nullopt);

// ---- attendance ----
std::vector<domain::AttendanceSummary> list_attendance_summaries(soci::session& sql, const std::string& session_id);

// ---- policies ----
std::optional<domain::PolicyOverrides> find_tenant_policy(soci::session& sql, const std::string& tenant_id);
std::optional<domain::PolicyOverrides> find_course_policy(soci::session& sql, const std::string& course_id);
std::optional<domain::PolicyOverrides> find_session_policy(soci::session& sql, const std::string& session_id);
/// The three levels of a session's policy in one query.
struct PolicyChain {
    std::optional<domain::PolicyOverrides> tenant, course, session;
};
PolicyChain find_policy_chain(soci::session& sql, const std::string& tenant_id, const std::string& course_id,
                              const std::string& session_id);
/// Inserts or replaces the row of that level (course_id/session_id empty for the tenant level).
void upsert_policy(soci::session& sql, const std::string& id_if_new, const std::string& tenant_id,
                   const std::string& course_id, const std::string& session_id, const domain::PolicyOverrides& p);

// ---- provider configs ----
std::vector<domain::ProviderConfig> list_provider_configs(soci::session& sql, const std::string& tenant_id,
                                                          const SecretBox& box);
/// Every school's active config of one provider (webhook registration, health checks).
std::vector<domain::ProviderConfig> list_provider_configs_of_kind(soci::session& sql, domain::ProviderKind kind,
                                                                  const SecretBox& box);
/// Inserts or updates by (tenant, provider); if cfg.is_default, clears is_default on the others.
void upsert_provider_config(soci::session& sql, const domain::ProviderConfig& cfg, const SecretBox& box, UnixTime now);

// ---- audit ----
struct AuditEntry {
    std::string id;
    std::string tenant_id;
    std::optional<std::string> actor_id;
    std::string action;
    std::string resource_type;
    std::string resource_id;
    std::string ip_hash;
    std::string details = "{}";
    UnixTime created_at = 0;
    std::string request_id;  // X-Request-Id of the request that did it; empty for jobs and webhooks
};
void insert_audit(soci::session& sql, const AuditEntry& e);
/// GET /api/v1/audit/ filters; empty strings and nullopt match everything.
struct AuditFilter {
    std::string action;  // exact ("session.start"), or every action of a kind with a trailing '.' ("session.")
    std::string resource_type;
    std::string resource_id;
    std::string actor_id;
    std::string request_id;
    std::optional<UnixTime> from;  // created_at >= from
    std::optional<UnixTime> to;    // created_at < to
    int limit = 50;
    int offset = 0;
};
/// A tenant's audit rows matching `f`, newest first; `total` (when given) counts every match.
std::vector<AuditEntry> list_audit(soci::session& sql, const std::string& tenant_id, const AuditFilter& f,
                                   long long* total = nullptr);
inline std::vector<AuditEntry> list_audit(soci::session& sql, const std::string& tenant_id, int limit) {
    AuditFilter f;
    f.limit = limit;
    return list_audit(sql, tenant_id, f);
}

}  // namespace lc::store
