#include "services/directory_service.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/text.hpp"
#include "domain/session_rules.hpp"
#include "infra/crypto.hpp"
#include "services/audit.hpp"
#include "services/recording_storage.hpp"
#include "store/recording_repo.hpp"

namespace lc::services {

namespace json = boost::json;

using namespace lc::domain;

namespace {
Error admin_only() { return Error::denied("only a school admin can do this"); }
Error user_not_found() { return Error::not_found("no such user in this school"); }
Error course_not_found() { return Error::not_found("no such course in this school"); }

void validate_name(const std::string& v, const char* field, std::size_t max, std::vector<FieldError>& errors) {
    if (has_control_characters(v))
        errors.push_back({field, "must be one line of text, without control characters (tab, newline, escape)"});
    if (utf8_length(v) > max) errors.push_back({field, "must be at most " + std::to_string(max) + " characters"});
}
}  // namespace

void validate_slug(const std::string& slug, std::vector<FieldError>& errors) {
    bool ok = slug.size() >= 2 && slug.size() <= 63 && slug.front() != '-';
    for (char ch : slug) ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-');
    if (!ok) errors.push_back({"slug", "must be 2-63 characters of a-z, 0-9 and '-', not starting with '-'"});
}

void validate_email(const std::string& email, std::vector<FieldError>& errors) {
    auto at = email.find('@');
    bool ok = at != std::string::npos && at > 0 && at + 1 < email.size() &&
              email.find('@', at + 1) == std::string::npos && email.size() <= 254 &&
              email.find_first_of(" \t\r\n") == std::string::npos;
    if (!ok) errors.push_back({"email", "must be an e-mail address like name@school.edu"});
}

void validate_password(const std::string& password, std::vector<FieldError>& errors) {
    if (password.size() < 8) errors.push_back({"password", "must be at least 8 characters"});
    if (password.size() > 1024) errors.push_back({"password", "must be at most 1024 characters"});
}

Result<Tenant> DirectoryService::create_tenant(const NewTenant& in) {
    return guarded([&]() -> Result<Tenant> {
        std::vector<FieldError> errors;
        validate_slug(in.slug, errors);
        if (in.name.empty()) errors.push_back({"name", "must not be empty"});
        validate_name(in.name, "name", 200, errors);
        if (!errors.empty()) return Error::invalid("the school cannot be created", errors);
        store::Tx tx(ctx_.db);
        if (store::find_tenant_by_slug(tx.sql(), in.slug, ctx_.keys.box))
            return Error::exists("a school with slug '" + in.slug + "' already exists");
        for (const auto& d : in.domains)
            if (store::find_tenant_by_domain(tx.sql(), ascii_lower(d), ctx_.keys.box))
                return Error::exists("domain '" + d + "' already belongs to another school");
        Tenant t;
        t.id = infra::new_uuid();
        t.slug = in.slug;
        t.name = in.name;
        for (const auto& d : in.domains)  // host names compare without case: a repeat is the same domain
            if (std::find(t.domains.begin(), t.domains.end(), ascii_lower(d)) == t.domains.end())
                t.domains.push_back(ascii_lower(d));
        t.lms_jwt_secret = in.lms_jwt_secret;
        t.created_at = ctx_.clock.now();
        store::insert_tenant(tx.sql(), t, ctx_.keys.box);
        tx.commit();
        return t;
    });
}

Result<Tenant> DirectoryService::tenant_by_slug(const std::string& slug) {
    return guarded([&]() -> Result<Tenant> {
        store::Conn c(ctx_.db);
        auto t = store::find_tenant_by_slug(c.sql(), slug, ctx_.keys.box);
        if (!t) return Error::not_found("no school with slug '" + slug + "'");
        return *t;
    });
}

Result<User> DirectoryService::insert_user_checked(soci::session& sql, const std::string& tenant_id,
                                                   const NewUser& in) {
    std::vector<FieldError> errors;
    std::string email = ascii_lower(in.email);
    validate_email(email, errors);
    if (!in.password.empty()) validate_password(in.password, errors);
    validate_name(in.full_name, "full_name", 200, errors);
    if (in.locale != "tr" && in.locale != "en") errors.push_back({"locale", "must be \"tr\" or \"en\""});
    if (!errors.empty()) return Error::invalid("the user cannot be created", errors);
    if (store::find_user_by_email(sql, tenant_id, email))
        return Error::exists("a user with e-mail '" + email + "' already exists in this school");
    // The host LMS's id for the person: one account per id (single sign-on finds users by it).
    std::optional<std::string> external_id = in.external_id;
    if (external_id && external_id->empty()) external_id.reset();  // "" means none
    if (external_id && store::find_user_by_external_id(sql, tenant_id, *external_id))
        return Error::exists("a user with external_id '" + *external_id +
                             "' already exists in this school (it is their id in your LMS)");
    User u;
    u.id = infra::new_uuid();
    u.tenant_id = tenant_id;
    u.email = email;
    u.full_name = in.full_name;
    u.role = in.role;
    u.locale = in.locale;
    u.external_id = external_id;
    if (!in.password.empty()) u.password_hash = infra::hash_password(in.password, ctx_.password_cost);
    u.created_at = u.updated_at = ctx_.clock.now();
    store::insert_user(sql, u);
    return u;
}

Result<User> DirectoryService::create_user_in(const std::string& tenant_slug, const NewUser& in) {
    return guarded([&]() -> Result<User> {
        store::Tx tx(ctx_.db);
        auto t = store::find_tenant_by_slug(tx.sql(), tenant_slug, ctx_.keys.box);
        if (!t) return Error::not_found("no school with slug '" + tenant_slug + "'");
        auto u = insert_user_checked(tx.sql(), t->id, in);
        if (u) tx.commit();
        return u;
    });
}

Result<Course> DirectoryService::create_course_in(const std::string& tenant_slug, const std::string& title,
                                                  const std::string& instructor_email) {
    return guarded([&]() -> Result<Course> {
        store::Tx tx(ctx_.db);
        auto t = store::find_tenant_by_slug(tx.sql(), tenant_slug, ctx_.keys.box);
        if (!t) return Error::not_found("no school with slug '" + tenant_slug + "'");
        std::vector<FieldError> errors;
        validate_title(title, errors);
        if (!errors.empty()) return Error::invalid("the course cannot be created", errors);
        Course c;
        c.id = infra::new_uuid();
        c.tenant_id = t->id;
        c.title = title;
        c.created_at = ctx_.clock.now();
        if (!instructor_email.empty()) {
            auto u = store::find_user_by_email(tx.sql(), t->id, ascii_lower(instructor_email));
            if (!u) return Error::not_found("no user with e-mail '" + instructor_email + "' in this school");
            c.instructor_ids.push_back(u->id);
        }
        store::insert_course(tx.sql(), c);
        tx.commit();
        return c;
    });
}

Result<std::string> DirectoryService::enroll_by_email(const std::string& course_id, const std::string& email) {
    return guarded([&]() -> Result<std::string> {
        if (!infra::is_uuid(course_id)) return Error::invalid("course id must be a UUID", {{"course", "not a UUID"}});
        store::Tx tx(ctx_.db);
        std::string tenant_id = store::course_tenant(tx.sql(), course_id);
        if (tenant_id.empty()) return Error::not_found("no course with id " + course_id);
        auto u = store::find_user_by_email(tx.sql(), tenant_id, ascii_lower(email));
        if (!u) return Error::not_found("no user with e-mail '" + email + "' in the course's school");
        std::string id = infra::new_uuid();
        if (!store::enroll(tx.sql(), id, tenant_id, course_id, u->id, ctx_.clock.now()))
            return Error::exists("'" + email + "' is already enrolled in this course");
        tx.commit();
        return id;
    });
}

Result<Tenant> DirectoryService::get_tenant(const Principal& p, const std::string& tenant_id) {
    if (tenant_id != p.tenant.id) return Error::not_found("no such school");
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<Tenant> {
        store::Conn c(ctx_.db);  // the caller's copy is trimmed (no domains) and may be cached
        auto t = store::find_tenant(c.sql(), tenant_id, ctx_.keys.box);
        if (!t) return Error::not_found("no such school");
        return *t;
    });
}

Result<Tenant> DirectoryService::update_tenant(const Principal& p, const std::string& tenant_id,
                                               const TenantPatch& patch, const RequestMeta& meta) {
    if (tenant_id != p.tenant.id) return Error::not_found("no such school");
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<Tenant> {
        store::Tx tx(ctx_.db);
        auto t = store::find_tenant(tx.sql(), tenant_id, ctx_.keys.box);
        if (!t) return Error::not_found("no such school");
        std::vector<FieldError> errors;
        if (patch.name) {
            if (patch.name->empty()) errors.push_back({"name", "must not be empty"});
            validate_name(*patch.name, "name", 200, errors);
            t->name = *patch.name;
        }
        if (patch.lms_jwt_secret) {
            if (!patch.lms_jwt_secret->empty() && patch.lms_jwt_secret->size() < 32)
                errors.push_back({"lms_jwt_secret", "must be at least 32 characters (or empty to turn SSO off)"});
            t->lms_jwt_secret = *patch.lms_jwt_secret;
        }
        if (patch.domains) {
            t->domains.clear();
            for (const auto& d : *patch.domains) {
                std::string dl = ascii_lower(d);
                if (dl.empty() || dl.size() > 253 || dl.find_first_of(" /:@") != std::string::npos) {
                    errors.push_back({"domains", "'" + d + "' is not a host name"});
                    continue;
                }
                bool ip_literal = dl.find_first_not_of("0123456789.") == std::string::npos;
                if (dl == "localhost" || ip_literal || (!service_host_.empty() && dl == service_host_)) {
                    errors.push_back(
                        {"domains", "'" + d +
                                        "' is this service's own or a local address; only the operator "
                                        "assigns it to a school (liveclass admin create-tenant --domain)"});
                    continue;
                }
                // Host names compare without case: "a.com" and "A.COM" listed together are one domain.
                if (std::find(t->domains.begin(), t->domains.end(), dl) != t->domains.end()) continue;
                auto other = store::find_tenant_by_domain(tx.sql(), dl, ctx_.keys.box);
                if (other && other->id != t->id) errors.push_back({"domains", "'" + d + "' belongs to another school"});
                t->domains.push_back(dl);
            }
        }
        if (!errors.empty()) return Error::invalid("the school cannot be updated", errors);
        store::update_tenant(tx.sql(), *t, ctx_.keys.box);
        json::array fields;  // names only: the single sign-on secret never goes into the trail
        if (patch.name) fields.push_back("name");
        if (patch.domains) fields.push_back("domains");
        if (patch.lms_jwt_secret) fields.push_back("lms_jwt_secret");
        store::insert_audit(
            tx.sql(), audit_row(ctx_, p, "tenant.update", "tenant", t->id, meta, {{"fields", std::move(fields)}}));
        tx.commit();
        return *t;
    });
}

Result<User> DirectoryService::create_user(const Principal& p, const NewUser& u, const RequestMeta& meta) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<User> {
        store::Tx tx(ctx_.db);
        auto r = insert_user_checked(tx.sql(), p.tenant.id, u);
        if (!r) return r;
        store::insert_audit(tx.sql(),
                            audit_row(ctx_, p, "user.create", "user", r->id, meta, {{"role", to_string(r->role)}}));
        tx.commit();
        return r;
    });
}

Result<Page<User>> DirectoryService::list_users(const Principal& p, const store::UserFilter& f) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<Page<User>> {
        store::Conn c(ctx_.db);
        Page<User> page;
        page.items = store::list_users(c.sql(), p.tenant.id, f, &page.total);
        return page;
    });
}

Result<User> DirectoryService::get_user(const Principal& p, const std::string& id) {
    if (!p.is_admin() && id != p.user.id) return user_not_found();
    return guarded([&]() -> Result<User> {
        store::Conn c(ctx_.db);
        auto u = store::find_user(c.sql(), p.tenant.id, id);
        if (!u) return user_not_found();
        return *u;
    });
}

Result<User> DirectoryService::update_user(const Principal& p, const std::string& id, const UserPatch& patch,
                                           const RequestMeta& meta) {
    bool self = id == p.user.id;
    if (!p.is_admin() && !self) return user_not_found();
    if (!p.is_admin() && (patch.role || patch.is_active || patch.email))
        return Error::denied("only a school admin can change e-mail, role or active state");
    return guarded([&]() -> Result<User> {
        store::Tx tx(ctx_.db);
        auto u = store::find_user(tx.sql(), p.tenant.id, id);
        if (!u) return user_not_found();
        const User before = *u;
        std::vector<FieldError> errors;
        if (patch.email) {
            std::string e = ascii_lower(*patch.email);
            validate_email(e, errors);
            auto other = store::find_user_by_email(tx.sql(), p.tenant.id, e);
            if (other && other->id != id) errors.push_back({"email", "another user of this school has it"});
            u->email = e;
        }
        if (patch.password) {
            validate_password(*patch.password, errors);
            u->password_hash = infra::hash_password(*patch.password, ctx_.password_cost);
        }
        if (patch.full_name) {
            validate_name(*patch.full_name, "full_name", 200, errors);
            u->full_name = *patch.full_name;
        }
        if (patch.locale) {
            if (*patch.locale != "tr" && *patch.locale != "en")
                errors.push_back({"locale", "must be \"tr\" or \"en\""});
            u->locale = *patch.locale;
        }
        if (patch.role) {
            if (self && *patch.role != UserRole::kAdmin) errors.push_back({"role", "you cannot demote yourself"});
            u->role = *patch.role;
        }
        if (patch.is_active) {
            if (self && !*patch.is_active) errors.push_back({"is_active", "you cannot deactivate yourself"});
            u->is_active = *patch.is_active;
        }
        if (!errors.empty()) return Error::invalid("the user cannot be updated", errors);
        u->updated_at = ctx_.clock.now();
        store::update_user(tx.sql(), *u);
        json::array fields;  // names only: never the password
        for (auto [name, set] : {std::pair{"email", patch.email.has_value()},
                                 {"password", patch.password.has_value()},
                                 {"full_name", patch.full_name.has_value()},
                                 {"locale", patch.locale.has_value()},
                                 {"role", patch.role.has_value()},
                                 {"is_active", patch.is_active.has_value()}})
            if (set) fields.push_back(json::value(name));
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "user.update", "user", id, meta, {{"fields", fields}}));
        // Role and access changes get rows of their own, easy to filter for (seed 9.5 "role changes").
        if (patch.role && *patch.role != before.role)
            store::insert_audit(tx.sql(), audit_row(ctx_, p, "user.role_change", "user", id, meta,
                                                    {{"from", to_string(before.role)}, {"to", to_string(u->role)}}));
        if (patch.is_active && *patch.is_active != before.is_active)
            store::insert_audit(
                tx.sql(), audit_row(ctx_, p, u->is_active ? "user.activate" : "user.deactivate", "user", id, meta));
        tx.commit();
        return *u;
    });
}

Result<Course> DirectoryService::create_course(const Principal& p, const NewCourse& in, const RequestMeta& meta) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<Course> {
        std::vector<FieldError> errors;
        validate_title(in.title, errors);
        store::Tx tx(ctx_.db);
        for (const auto& id : in.instructor_ids) {
            auto u = store::find_user(tx.sql(), p.tenant.id, id);
            if (!u)
                errors.push_back({"instructor_ids", "no user " + id + " in this school"});
            else if (u->role == UserRole::kStudent)
                errors.push_back({"instructor_ids", "user " + id + " is a student and cannot teach a course"});
        }
        if (!errors.empty()) return Error::invalid("the course cannot be created", errors);
        Course c;
        c.id = infra::new_uuid();
        c.tenant_id = p.tenant.id;
        c.title = in.title;
        c.description = in.description;
        c.instructor_ids = in.instructor_ids;
        c.created_at = ctx_.clock.now();
        store::insert_course(tx.sql(), c);
        json::array instructors;
        for (const auto& i : c.instructor_ids) instructors.push_back(json::value(i));
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "course.create", "course", c.id, meta,
                                                {{"instructor_ids", std::move(instructors)}}));
        tx.commit();
        return c;
    });
}

Result<Page<Course>> DirectoryService::list_courses(const Principal& p, int limit, int offset) {
    return guarded([&]() -> Result<Page<Course>> {
        store::Conn c(ctx_.db);
        Page<Course> page;
        page.items =
            store::list_courses(c.sql(), p.tenant.id, p.is_admin() ? "" : p.user.id, limit, offset, &page.total);
        return page;
    });
}

Result<Course> DirectoryService::get_course(const Principal& p, const std::string& id) {
    return guarded([&]() -> Result<Course> {
        store::Conn c(ctx_.db);
        auto course = store::find_course(c.sql(), p.tenant.id, id);
        if (!course) return course_not_found();
        if (!p.is_admin() && !store::is_enrolled(c.sql(), id, p.user.id) &&
            std::find(course->instructor_ids.begin(), course->instructor_ids.end(), p.user.id) ==
                course->instructor_ids.end())
            return course_not_found();
        return *course;
    });
}

Result<Course> DirectoryService::update_course(const Principal& p, const std::string& id, const CoursePatch& patch,
                                               const RequestMeta& meta) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<Course> {
        store::Tx tx(ctx_.db);
        auto c = store::find_course(tx.sql(), p.tenant.id, id);
        if (!c) return course_not_found();
        std::vector<FieldError> errors;
        if (patch.title) {
            validate_title(*patch.title, errors);
            c->title = *patch.title;
        }
        if (patch.description) c->description = *patch.description;
        if (!errors.empty()) return Error::invalid("the course cannot be updated", errors);
        store::update_course(tx.sql(), *c);
        json::array fields;
        if (patch.title) fields.push_back("title");
        if (patch.description) fields.push_back("description");
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "course.update", "course", id, meta, {{"fields", fields}}));
        tx.commit();
        return *c;
    });
}

Status DirectoryService::delete_course(const Principal& p, const std::string& id, const RequestMeta& meta) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db);
        if (!store::find_course(tx.sql(), p.tenant.id, id)) return course_not_found();
        store::SessionFilter live;
        live.course_id = id;
        live.status = SessionStatus::kLive;
        live.limit = 1;
        if (!store::list_sessions(tx.sql(), p.tenant.id, live, nullptr).empty())
            return Error::conflict("the course has a live session right now; end it before deleting the course");
        // Its classes' recordings go with it (the database cascades); their files must not stay behind.
        const auto recordings = store::list_course_recordings(tx.sql(), p.tenant.id, id);
        for (const auto& [recording, provider] : recordings)
            queue_recording_copies_deletion(tx.sql(), recording, provider, ctx_.clock.now());
        store::delete_course(tx.sql(), p.tenant.id, id);
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "course.delete", "course", id, meta));
        tx.commit();
        if (!recordings.empty()) ctx_.jobs_enqueued();
        return ok_status();
    });
}

Result<Page<store::AuditEntry>> DirectoryService::list_audit(const Principal& p, const store::AuditFilter& f) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<Page<store::AuditEntry>> {
        store::Conn c(ctx_.db);
        Page<store::AuditEntry> page;
        page.items = store::list_audit(c.sql(), p.tenant.id, f, &page.total);
        return page;
    });
}

Result<Course> DirectoryService::add_instructor(const Principal& p, const std::string& course_id,
                                                const std::string& user_id, const RequestMeta& meta) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<Course> {
        store::Tx tx(ctx_.db);
        auto c = store::find_course(tx.sql(), p.tenant.id, course_id);
        if (!c) return course_not_found();
        auto u = store::find_user(tx.sql(), p.tenant.id, user_id);
        if (!u) return Error::invalid("no such user in this school", {{"user_id", "no such user in this school"}});
        if (u->role == UserRole::kStudent)
            return Error::invalid("a student cannot teach a course", {{"user_id", "must be an instructor or admin"}});
        store::add_instructor(tx.sql(), course_id, user_id);
        store::insert_audit(
            tx.sql(), audit_row(ctx_, p, "course.instructor_add", "course", course_id, meta, {{"user_id", user_id}}));
        tx.commit();
        return *store::find_course(tx.sql(), p.tenant.id, course_id);
    });
}

Result<Course> DirectoryService::remove_instructor(const Principal& p, const std::string& course_id,
                                                   const std::string& user_id, const RequestMeta& meta) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<Course> {
        store::Tx tx(ctx_.db);
        auto c = store::find_course(tx.sql(), p.tenant.id, course_id);
        if (!c) return course_not_found();
        if (!store::is_course_instructor(tx.sql(), course_id, user_id))
            return Error::not_found("this user does not teach this course");
        store::remove_instructor(tx.sql(), course_id, user_id);
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "course.instructor_remove", "course", course_id, meta,
                                                {{"user_id", user_id}}));
        tx.commit();
        return *store::find_course(tx.sql(), p.tenant.id, course_id);
    });
}

Result<bool> DirectoryService::enroll(const Principal& p, const std::string& course_id, const std::string& user_id,
                                      const RequestMeta& meta) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Result<bool> {
        store::Tx tx(ctx_.db);
        if (!store::find_course(tx.sql(), p.tenant.id, course_id)) return course_not_found();
        if (!store::find_user(tx.sql(), p.tenant.id, user_id))
            return Error::invalid("no such user in this school", {{"user_id", "no such user in this school"}});
        bool added = store::enroll(tx.sql(), infra::new_uuid(), p.tenant.id, course_id, user_id, ctx_.clock.now());
        if (added)
            store::insert_audit(
                tx.sql(), audit_row(ctx_, p, "enrollment.create", "course", course_id, meta, {{"user_id", user_id}}));
        tx.commit();
        return added;
    });
}

Status DirectoryService::unenroll(const Principal& p, const std::string& course_id, const std::string& user_id,
                                  const RequestMeta& meta) {
    if (!p.is_admin()) return admin_only();
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db);
        if (!store::find_course(tx.sql(), p.tenant.id, course_id)) return course_not_found();
        if (!store::unenroll(tx.sql(), course_id, user_id)) return Error::not_found("this user is not enrolled");
        store::insert_audit(tx.sql(),
                            audit_row(ctx_, p, "enrollment.delete", "course", course_id, meta, {{"user_id", user_id}}));
        tx.commit();
        return ok_status();
    });
}

Result<std::vector<User>> DirectoryService::list_enrolled(const Principal& p, const std::string& course_id) {
    return guarded([&]() -> Result<std::vector<User>> {
        store::Conn c(ctx_.db);
        auto course = store::find_course(c.sql(), p.tenant.id, course_id);
        if (!course) return course_not_found();
        if (!p.is_admin() && !store::is_course_instructor(c.sql(), course_id, p.user.id)) {
            // Someone outside the course must not learn that it exists (as with GET /courses/{id}/).
            if (!store::is_enrolled(c.sql(), course_id, p.user.id)) return course_not_found();
            return Error::denied("only the course's instructors and school admins can see its students");
        }
        return store::list_enrolled_users(c.sql(), p.tenant.id, course_id);
    });
}

}  // namespace lc::services
