#pragma once
// Tenants, users, courses, instructors and enrolments: the LMS objects the live classes hang on.
// Used by the admin CLI (no principal: operator) and by tenant admins over REST.
#include <optional>
#include <string>
#include <vector>

#include "services/context.hpp"

namespace lc::services {

struct NewTenant {
    std::string slug;
    std::string name;
    std::vector<std::string> domains;
    std::string lms_jwt_secret;
};
struct TenantPatch {
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> domains;
    std::optional<std::string> lms_jwt_secret;
};
struct NewUser {
    std::string email;
    std::string password;  // empty: SSO-only account
    std::string full_name;
    domain::UserRole role = domain::UserRole::kStudent;
    std::string locale = "tr";
    std::optional<std::string> external_id;
};
struct UserPatch {
    std::optional<std::string> email;
    std::optional<std::string> password;
    std::optional<std::string> full_name;
    std::optional<domain::UserRole> role;
    std::optional<std::string> locale;
    std::optional<bool> is_active;
};
struct NewCourse {
    std::string title;
    std::string description;
    std::vector<std::string> instructor_ids;
};
struct CoursePatch {
    std::optional<std::string> title;
    std::optional<std::string> description;
};
template <class T>
struct Page {
    std::vector<T> items;
    long long total = 0;
};

class DirectoryService {
public:
    /// `service_host`: the host of LIVE_PUBLIC_URL (empty when unset). A school admin cannot claim it,
    /// nor localhost or an IP address, as a school domain: the page served on a domain trusts that
    /// school's sites and providers (its CSP), so only the operator assigns a shared address.
    explicit DirectoryService(ServiceContext& ctx, std::string service_host = {})
        : ctx_(ctx), service_host_(std::move(service_host)) {}

    // Operator (CLI) calls: no caller, tenant addressed by slug.
    Result<domain::Tenant> create_tenant(const NewTenant& t);
    Result<domain::Tenant> tenant_by_slug(const std::string& slug);
    Result<domain::User> create_user_in(const std::string& tenant_slug, const NewUser& u);
    Result<domain::Course> create_course_in(const std::string& tenant_slug, const std::string& title,
                                            const std::string& instructor_email);
    /// Enrols by e-mail into a course given by id (the course's tenant is looked up).
    Result<std::string> enroll_by_email(const std::string& course_id, const std::string& email);

    // Tenant admin calls (principal must be an admin; objects are looked up in the caller's tenant).
    Result<domain::Tenant> get_tenant(const Principal& p, const std::string& tenant_id);
    Result<domain::Tenant> update_tenant(const Principal& p, const std::string& tenant_id, const TenantPatch& patch,
                                         const RequestMeta& meta = {});
    Result<domain::User> create_user(const Principal& p, const NewUser& u, const RequestMeta& meta = {});
    Result<Page<domain::User>> list_users(const Principal& p, const store::UserFilter& f);
    /// GET /api/v1/audit/ (seed 9.5): the school's audit trail, newest first; school admins only.
    Result<Page<store::AuditEntry>> list_audit(const Principal& p, const store::AuditFilter& f);
    Result<domain::User> get_user(const Principal& p, const std::string& id);
    Result<domain::User> update_user(const Principal& p, const std::string& id, const UserPatch& patch,
                                     const RequestMeta& meta = {});

    Result<domain::Course> create_course(const Principal& p, const NewCourse& c, const RequestMeta& meta = {});
    /// Admins see every course; others the ones they teach or are enrolled in.
    Result<Page<domain::Course>> list_courses(const Principal& p, int limit, int offset);
    Result<domain::Course> get_course(const Principal& p, const std::string& id);
    Result<domain::Course> update_course(const Principal& p, const std::string& id, const CoursePatch& patch,
                                         const RequestMeta& meta = {});
    Status delete_course(const Principal& p, const std::string& id, const RequestMeta& meta = {});
    Result<domain::Course> add_instructor(const Principal& p, const std::string& course_id, const std::string& user_id,
                                          const RequestMeta& meta = {});
    Result<domain::Course> remove_instructor(const Principal& p, const std::string& course_id,
                                             const std::string& user_id, const RequestMeta& meta = {});
    /// Returns true when newly enrolled, false when already enrolled.
    Result<bool> enroll(const Principal& p, const std::string& course_id, const std::string& user_id,
                        const RequestMeta& meta = {});
    Status unenroll(const Principal& p, const std::string& course_id, const std::string& user_id,
                    const RequestMeta& meta = {});
    /// Admins and the course's instructors may list enrolments.
    Result<std::vector<domain::User>> list_enrolled(const Principal& p, const std::string& course_id);

private:
    Result<domain::User> insert_user_checked(soci::session& sql, const std::string& tenant_id, const NewUser& u);
    ServiceContext& ctx_;
    std::string service_host_;
};

/// Shared input rules: slug ^[a-z0-9][a-z0-9-]{1,62}$, e-mail shape, password >= 8 characters.
void validate_slug(const std::string& slug, std::vector<FieldError>& errors);
void validate_email(const std::string& email, std::vector<FieldError>& errors);
void validate_password(const std::string& password, std::vector<FieldError>& errors);

}  // namespace lc::services
