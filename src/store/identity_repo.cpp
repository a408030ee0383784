// Tenants, users, courses, instructors and enrolments.
#include "infra/crypto.hpp"
#include "store/repositories.hpp"
#include "store/sql_util.hpp"

namespace lc::store {

using detail::Nullable;
using detail::Params;
using namespace lc::domain;

std::string SecretBox::seal(const std::string& plain) const {
    return plain.empty() ? std::string() : infra::aes_gcm_encrypt(key, plain);
}
std::string SecretBox::open(const std::string& envelope) const {
    if (envelope.empty()) return {};
    auto r = infra::aes_gcm_decrypt(key, envelope);
    return r.ok() ? r.value() : std::string();
}

namespace {

constexpr const char* kTenantCols = "id, slug, name, lms_jwt_secret, created_at";

std::optional<Tenant> load_tenant(soci::session& sql, const std::string& where, const std::string& arg,
                                  const SecretBox& box, bool with_domains = true) {
    Tenant t;
    std::string secret;
    long long created = 0;
    soci::indicator ind;
    sql << "SELECT " << kTenantCols << " FROM tenants WHERE " << where, soci::into(t.id, ind), soci::into(t.slug),
        soci::into(t.name), soci::into(secret), soci::into(created), soci::use(arg);
    if (!sql.got_data()) return std::nullopt;
    t.lms_jwt_secret = box.open(secret);
    t.created_at = created;
    if (!with_domains) return t;
    soci::rowset<std::string> rs =
        (sql.prepare << "SELECT domain FROM tenant_domains WHERE tenant_id = :t ORDER BY domain", soci::use(t.id));
    for (const auto& d : rs) t.domains.push_back(d);
    return t;
}

void write_domains(soci::session& sql, const Tenant& t) {
    sql << "DELETE FROM tenant_domains WHERE tenant_id = :t", soci::use(t.id);
    for (const auto& d : t.domains) {
        std::string dom = d;
        sql << "INSERT INTO tenant_domains(domain, tenant_id) VALUES(:d, :t)", soci::use(dom), soci::use(t.id);
    }
}

constexpr const char* kUserCols =
    "id, tenant_id, email, full_name, role, locale, password_hash, external_id, avatar_url, is_active, created_at, "
    "updated_at";

struct UserRow {
    User u;
    std::string role;
    Nullable<std::string> external;
    int active = 1;
    long long created = 0, updated = 0;

    template <class Stmt>
    void into(Stmt& st) {
        st.exchange(soci::into(u.id));
        st.exchange(soci::into(u.tenant_id));
        st.exchange(soci::into(u.email));
        st.exchange(soci::into(u.full_name));
        st.exchange(soci::into(role));
        st.exchange(soci::into(u.locale));
        st.exchange(soci::into(u.password_hash));
        st.exchange(soci::into(external.value, external.ind));
        st.exchange(soci::into(u.avatar_url));
        st.exchange(soci::into(active));
        st.exchange(soci::into(created));
        st.exchange(soci::into(updated));
    }
    User finish() {
        User out = u;
        out.role = parse_user_role(role).value_or(UserRole::kStudent);
        out.external_id = external.get();
        out.is_active = active != 0;
        out.created_at = created;
        out.updated_at = updated;
        return out;
    }
};

std::vector<User> query_users(soci::session& sql, const std::string& query, Params& params) {
    std::vector<User> out;
    UserRow row;
    detail::for_each_row(sql, query, params, row, [&] {
        out.push_back(row.finish());
        row = UserRow{};
    });
    return out;
}

std::optional<User> one_user(soci::session& sql, const std::string& where, Params& params) {
    auto v = query_users(sql, std::string("SELECT ") + kUserCols + " FROM users WHERE " + where, params);
    if (v.empty()) return std::nullopt;
    return v.front();
}

}  // namespace

void insert_tenant(soci::session& sql, const Tenant& t, const SecretBox& box) {
    std::string secret = box.seal(t.lms_jwt_secret);
    long long created = t.created_at;
    sql << "INSERT INTO tenants(id, slug, name, lms_jwt_secret, created_at) VALUES(:i, :s, :n, :l, :c)",
        soci::use(t.id), soci::use(t.slug), soci::use(t.name), soci::use(secret), soci::use(created);
    write_domains(sql, t);
}

std::optional<Tenant> find_tenant(soci::session& sql, const std::string& id, const SecretBox& box, bool with_domains) {
    return load_tenant(sql, "id = :a", id, box, with_domains);
}
std::optional<Tenant> find_tenant_by_slug(soci::session& sql, const std::string& slug, const SecretBox& box) {
    return load_tenant(sql, "slug = :a", slug, box);
}
std::optional<Tenant> find_tenant_by_domain(soci::session& sql, const std::string& domain, const SecretBox& box) {
    return load_tenant(sql, "id = (SELECT tenant_id FROM tenant_domains WHERE domain = :a)", domain, box);
}

void update_tenant(soci::session& sql, const Tenant& t, const SecretBox& box) {
    std::string secret = box.seal(t.lms_jwt_secret);
    sql << "UPDATE tenants SET name = :n, lms_jwt_secret = :l WHERE id = :i", soci::use(t.name), soci::use(secret),
        soci::use(t.id);
    write_domains(sql, t);
}

long long count_tenants(soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM tenants", soci::into(n);
    return n;
}

void insert_user(soci::session& sql, const User& u) {
    std::string role = to_string(u.role);
    Nullable<std::string> ext;
    ext.set(u.external_id);
    int active = u.is_active ? 1 : 0;
    long long c = u.created_at, up = u.updated_at;
    sql << "INSERT INTO users(id, tenant_id, email, full_name, role, locale, password_hash, external_id, avatar_url, "
           "is_active, created_at, updated_at) VALUES(:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k, :l)",
        soci::use(u.id), soci::use(u.tenant_id), soci::use(u.email), soci::use(u.full_name), soci::use(role),
        soci::use(u.locale), soci::use(u.password_hash), soci::use(ext.value, ext.ind), soci::use(u.avatar_url),
        soci::use(active), soci::use(c), soci::use(up);
}

void update_user(soci::session& sql, const User& u) {
    std::string role = to_string(u.role);
    Nullable<std::string> ext;
    ext.set(u.external_id);
    int active = u.is_active ? 1 : 0;
    long long up = u.updated_at;
    sql << "UPDATE users SET email = :c, full_name = :d, role = :e, locale = :f, password_hash = :g, "
           "external_id = :h, avatar_url = :i, is_active = :j, updated_at = :k WHERE id = :a AND tenant_id = :b",
        soci::use(u.email), soci::use(u.full_name), soci::use(role), soci::use(u.locale), soci::use(u.password_hash),
        soci::use(ext.value, ext.ind), soci::use(u.avatar_url), soci::use(active), soci::use(up), soci::use(u.id),
        soci::use(u.tenant_id);
}

std::optional<User> find_user(soci::session& sql, const std::string& tenant_id, const std::string& id) {
    Params p;
    std::string where = "tenant_id = " + p.add(tenant_id) + " AND id = " + p.add(id);
    return one_user(sql, where, p);
}

std::optional<User> find_user_by_email(soci::session& sql, const std::string& tenant_id, const std::string& email) {
    Params p;
    std::string where = "tenant_id = " + p.add(tenant_id) + " AND email = " + p.add(email);
    return one_user(sql, where, p);
}

std::optional<User> find_user_by_external_id(soci::session& sql, const std::string& tenant_id,
                                             const std::string& external_id) {
    Params p;
    std::string where = "tenant_id = " + p.add(tenant_id) + " AND external_id = " + p.add(external_id);
    return one_user(sql, where, p);
}

std::vector<User> find_users_by_email_any_tenant(soci::session& sql, const std::string& email) {
    Params p;
    std::string q = "SELECT ";
    q += kUserCols;
    q += " FROM users WHERE email = ";
    q += p.add(email);
    return query_users(sql, q, p);
}

std::vector<User> list_users(soci::session& sql, const std::string& tenant_id, const UserFilter& f, long long* total) {
    Params p;
    std::string where = "tenant_id = " + p.add(tenant_id);
    if (f.role) where += " AND role = " + p.add(std::string(to_string(*f.role)));
    if (!f.search.empty()) {
        // The search is text, not a pattern: '%' and '_' in it match themselves. The escape is '!', not a
        // backslash, whose meaning in a PostgreSQL literal depends on standard_conforming_strings.
        std::string like = "%";
        for (char ch : f.search) {
            if (ch == '%' || ch == '_' || ch == '!') like += '!';
            like += ch;
        }
        like += '%';
        // Appended piece by piece: GCC 12 warns (falsely) on one long chain of temporaries here.
        where += " AND (LOWER(email) LIKE LOWER(";
        where += p.add(like);
        where += ") ESCAPE '!' OR LOWER(full_name) LIKE LOWER(";
        where += p.add(like);
        where += ") ESCAPE '!')";
    }
    if (total) *total = p.count(sql, "users WHERE " + where);
    return query_users(sql,
                       std::string("SELECT ") + kUserCols + " FROM users WHERE " + where + " ORDER BY email LIMIT " +
                           std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset),
                       p);
}

// ---- courses ----

namespace {
std::vector<std::string> course_instructors(soci::session& sql, const std::string& course_id) {
    std::vector<std::string> out;
    soci::rowset<std::string> rs =
        (sql.prepare << "SELECT user_id FROM course_instructors WHERE course_id = :c ORDER BY user_id",
         soci::use(course_id));
    for (const auto& id : rs) out.push_back(id);
    return out;
}

std::vector<Course> query_courses(soci::session& sql, const std::string& query, Params& p) {
    std::vector<Course> out;
    Course c;
    long long created = 0;
    soci::statement st(sql);
    st.exchange(soci::into(c.id));
    st.exchange(soci::into(c.tenant_id));
    st.exchange(soci::into(c.title));
    st.exchange(soci::into(c.description));
    st.exchange(soci::into(created));
    p.bind(st);
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
        c.created_at = created;
        out.push_back(c);
    }
    for (auto& course : out) course.instructor_ids = course_instructors(sql, course.id);
    return out;
}
}  // namespace

void insert_course(soci::session& sql, const Course& c) {
    long long created = c.created_at;
    sql << "INSERT INTO courses(id, tenant_id, title, description, created_at) VALUES(:i, :t, :ti, :d, :c)",
        soci::use(c.id), soci::use(c.tenant_id), soci::use(c.title), soci::use(c.description), soci::use(created);
    for (const auto& u : c.instructor_ids) add_instructor(sql, c.id, u);
}

void update_course(soci::session& sql, const Course& c) {
    sql << "UPDATE courses SET title = :t, description = :d WHERE id = :i AND tenant_id = :tn", soci::use(c.title),
        soci::use(c.description), soci::use(c.id), soci::use(c.tenant_id);
}

void delete_course(soci::session& sql, const std::string& tenant_id, const std::string& id) {
    sql << "DELETE FROM courses WHERE id = :i AND tenant_id = :t", soci::use(id), soci::use(tenant_id);
}

std::optional<Course> find_course(soci::session& sql, const std::string& tenant_id, const std::string& id) {
    Params p;
    auto v = query_courses(sql,
                           "SELECT id, tenant_id, title, description, created_at FROM courses WHERE tenant_id = " +
                               p.add(tenant_id) + " AND id = " + p.add(id),
                           p);
    if (v.empty()) return std::nullopt;
    return v.front();
}

std::vector<Course> list_courses(soci::session& sql, const std::string& tenant_id, const std::string& visible_to,
                                 int limit, int offset, long long* total) {
    Params p;
    std::string where = "tenant_id = " + p.add(tenant_id);
    if (!visible_to.empty()) {
        where += " AND (id IN (SELECT course_id FROM course_instructors WHERE user_id = " + p.add(visible_to) +
                 ") OR id IN (SELECT course_id FROM enrollments WHERE user_id = " + p.add(visible_to) + "))";
    }
    if (total) *total = p.count(sql, "courses WHERE " + where);
    return query_courses(sql,
                         "SELECT id, tenant_id, title, description, created_at FROM courses WHERE " + where +
                             " ORDER BY title, id LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset),
                         p);
}

void add_instructor(soci::session& sql, const std::string& course_id, const std::string& user_id) {
    if (is_course_instructor(sql, course_id, user_id)) return;
    sql << "INSERT INTO course_instructors(course_id, user_id) VALUES(:c, :u)", soci::use(course_id),
        soci::use(user_id);
}

void remove_instructor(soci::session& sql, const std::string& course_id, const std::string& user_id) {
    sql << "DELETE FROM course_instructors WHERE course_id = :c AND user_id = :u", soci::use(course_id),
        soci::use(user_id);
}

bool is_course_instructor(soci::session& sql, const std::string& course_id, const std::string& user_id) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM course_instructors WHERE course_id = :c AND user_id = :u", soci::into(n),
        soci::use(course_id), soci::use(user_id);
    return n > 0;
}

CourseAccess course_access(soci::session& sql, const std::string& course_id, const std::string& user_id) {
    int teaches = 0, enrolled = 0;
    sql << "SELECT (SELECT COUNT(*) FROM course_instructors WHERE course_id = :c1 AND user_id = :u1), "
           "(SELECT COUNT(*) FROM enrollments WHERE course_id = :c2 AND user_id = :u2)",
        soci::into(teaches), soci::into(enrolled), soci::use(course_id), soci::use(user_id), soci::use(course_id),
        soci::use(user_id);
    return {teaches > 0, enrolled > 0};
}

bool enroll(soci::session& sql, const std::string& id, const std::string& tenant_id, const std::string& course_id,
            const std::string& user_id, UnixTime now) {
    if (is_enrolled(sql, course_id, user_id)) return false;
    long long t = now;
    sql << "INSERT INTO enrollments(id, tenant_id, course_id, user_id, created_at) VALUES(:i, :t, :c, :u, :n)",
        soci::use(id), soci::use(tenant_id), soci::use(course_id), soci::use(user_id), soci::use(t);
    return true;
}

bool unenroll(soci::session& sql, const std::string& course_id, const std::string& user_id) {
    if (!is_enrolled(sql, course_id, user_id)) return false;
    sql << "DELETE FROM enrollments WHERE course_id = :c AND user_id = :u", soci::use(course_id), soci::use(user_id);
    return true;
}

bool is_enrolled(soci::session& sql, const std::string& course_id, const std::string& user_id) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM enrollments WHERE course_id = :c AND user_id = :u", soci::into(n),
        soci::use(course_id), soci::use(user_id);
    return n > 0;
}

std::vector<User> list_enrolled_users(soci::session& sql, const std::string& tenant_id, const std::string& course_id) {
    Params p;
    return query_users(sql,
                       std::string("SELECT ") + kUserCols + " FROM users WHERE tenant_id = " + p.add(tenant_id) +
                           " AND id IN (SELECT user_id FROM enrollments WHERE course_id = " + p.add(course_id) +
                           ") ORDER BY email",
                       p);
}

}  // namespace lc::store
