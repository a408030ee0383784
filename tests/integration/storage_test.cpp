// Storage on SQLite and PostgreSQL: migrations (idempotent, recorded), every table and index of
// the seed's models, column defaults, CHECK and UNIQUE constraints, and round trips through the
// repository functions (sessions with moderators, policies at three levels, provider configs and
// tenant secrets encrypted at rest).
#include <algorithm>
#include <future>
#include <set>
#include <thread>

#include "harness.hpp"
#include "infra/crypto.hpp"
#include "store/attendance_repo.hpp"
#include "store/migrations.hpp"
#include "store/notes_repo.hpp"
#include "store/repositories.hpp"
#include "store/webhook_repo.hpp"

namespace lc::testing {
namespace {

using namespace lc::domain;

class Storage : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam(), /*serve=*/false};

    store::Database& db() { return srv.app().db(); }
    const store::SecretBox& box() { return srv.app().context().keys.box; }
    bool sqlite() const { return GetParam() == Engine::kSqlite; }
    UnixTime now() { return srv.clock().now(); }

    /// The definition of an index ("" when it does not exist).
    std::string index_def(const std::string& name) {
        store::Conn c(db());
        std::string def;
        soci::indicator ind = soci::i_null;
        if (sqlite())
            c.sql() << "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n", soci::into(def, ind),
                soci::use(name);
        else
            c.sql() << "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = :n",
                soci::into(def, ind), soci::use(name);
        return c.sql().got_data() && ind == soci::i_ok ? def : std::string();
    }
    std::string index_table(const std::string& name) {
        store::Conn c(db());
        std::string t;
        soci::indicator ind = soci::i_null;
        if (sqlite())
            c.sql() << "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = :n", soci::into(t, ind),
                soci::use(name);
        else
            c.sql() << "SELECT tablename FROM pg_indexes WHERE schemaname = current_schema() AND indexname = :n",
                soci::into(t, ind), soci::use(name);
        return c.sql().got_data() && ind == soci::i_ok ? t : std::string();
    }
    std::set<std::string> tables() {
        store::Conn c(db());
        std::set<std::string> out;
        std::string q = sqlite() ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                                 : "SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
        soci::rowset<std::string> rs = (c.sql().prepare << q);
        for (const auto& t : rs) out.insert(t);
        return out;
    }
    /// Runs a statement in its own transaction; returns the database's error ("" when it succeeded).
    std::string try_exec(const std::string& stmt) {
        try {
            store::Tx tx(db());
            tx.sql() << stmt;
            tx.commit();
            return "";
        } catch (const std::exception& e) {
            std::string m = e.what();
            return m.empty() ? "error" : m;
        }
    }

    static bool check_violation(const std::string& err) {
        return err.find("CHECK constraint failed") != std::string::npos ||
               err.find("violates check constraint") != std::string::npos;
    }
    static bool unique_violation(const std::string& err) {
        return err.find("UNIQUE constraint failed") != std::string::npos ||
               err.find("violates unique constraint") != std::string::npos;
    }

    struct Fixture {
        Tenant tenant;
        User admin, teacher, student, moderator;
        Course course;
    };
    Fixture fixture(const std::string& slug) {
        Fixture f;
        f.tenant.id = infra::new_uuid();
        f.tenant.slug = slug;
        f.tenant.name = "School " + slug;
        f.tenant.domains = {slug + ".example.test", "lms." + slug + ".example.test"};
        f.tenant.lms_jwt_secret = "lms-shared-secret-" + slug;
        f.tenant.created_at = now();
        auto user = [&](const std::string& email, UserRole role) {
            User u;
            u.id = infra::new_uuid();
            u.tenant_id = f.tenant.id;
            u.email = email;
            u.full_name = "Name " + email;
            u.role = role;
            u.password_hash = "$argon2id$fake";
            u.created_at = u.updated_at = now();
            return u;
        };
        f.admin = user("admin@" + slug, UserRole::kAdmin);
        f.teacher = user("teacher@" + slug, UserRole::kInstructor);
        f.student = user("student@" + slug, UserRole::kStudent);
        f.student.external_id = "lms-42";
        f.moderator = user("mod@" + slug, UserRole::kInstructor);
        f.course.id = infra::new_uuid();
        f.course.tenant_id = f.tenant.id;
        f.course.title = "Course " + slug;
        f.course.description = "About " + slug;
        f.course.created_at = now();
        store::Tx tx(db());
        store::insert_tenant(tx.sql(), f.tenant, box());
        for (auto* u : {&f.admin, &f.teacher, &f.student, &f.moderator}) store::insert_user(tx.sql(), *u);
        store::insert_course(tx.sql(), f.course);
        store::add_instructor(tx.sql(), f.course.id, f.teacher.id);
        f.course.instructor_ids = {f.teacher.id};
        tx.commit();
        return f;
    }
    LiveSession session_of(const Fixture& f) {
        LiveSession s;
        s.id = infra::new_uuid();
        s.tenant_id = f.tenant.id;
        s.course_id = f.course.id;
        s.created_by = f.teacher.id;
        s.title = "Türev — canlı";
        s.description = "d";
        s.type = SessionType::kWebinar;
        s.status = SessionStatus::kScheduled;
        s.scheduled_start = now() + 3600;
        s.scheduled_end = now() + 7200;
        s.provider = ProviderKind::kJitsi;
        s.room_id = f.tenant.slug + "-" + s.id;
        s.room_url = "https://meet.example.test/" + s.room_id;
        s.room_password = "pw";
        s.max_participants = 250;
        s.recording_enabled = false;
        s.auto_recording = true;
        s.waiting_room_enabled = false;
        s.moderator_ids = {f.moderator.id};
        s.created_at = s.updated_at = now();
        return s;
    }
};

// ---- migrations ----

TEST_P(Storage, MigrationsAreRecordedAndIdempotent) {
    // TestServer already migrated the fresh database: running again applies nothing.
    auto again = store::migrate(db());
    ASSERT_TRUE(again.ok()) << again.error().message << " " << again.error().internal;
    EXPECT_TRUE(again.value().empty());
    auto third = store::migrate(db());
    ASSERT_TRUE(third.ok());
    EXPECT_TRUE(third.value().empty());

    store::Conn c(db());
    std::vector<std::string> names;
    soci::rowset<std::string> rs = (c.sql().prepare << "SELECT name FROM schema_migrations ORDER BY name");
    for (const auto& n : rs) names.push_back(n);
    ASSERT_FALSE(names.empty());
    EXPECT_EQ(names.front().rfind("0001", 0), 0u) << names.front();
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
    // Every embedded migration of this dialect is recorded, and nothing else.
    std::set<std::string> embedded;
    for (const auto& m : store::embedded_migrations())
        if (std::string(m.dialect) == (sqlite() ? "sqlite" : "postgres")) embedded.insert(m.name);
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), embedded);
    long long applied_at = 0;
    c.sql() << "SELECT MIN(applied_at) FROM schema_migrations", soci::into(applied_at);
    EXPECT_GT(applied_at, 1600000000);
}

TEST_P(Storage, FreshDatabaseMigratesFromScratch) {
    TestDatabase fresh(GetParam());
    auto d = store::Database::open(fresh.url(), 1);
    ASSERT_TRUE(d.ok()) << d.error().message;
    auto first = store::migrate(*d.value());
    ASSERT_TRUE(first.ok()) << first.error().internal;
    ASSERT_FALSE(first.value().empty());
    EXPECT_EQ(first.value().front().rfind("0001", 0), 0u);
    EXPECT_TRUE(std::is_sorted(first.value().begin(), first.value().end()));
    auto second = store::migrate(*d.value());
    ASSERT_TRUE(second.ok());
    EXPECT_TRUE(second.value().empty());
}

TEST_P(Storage, EveryModelTableExists) {
    auto t = tables();
    for (const char* name :
         {"tenants", "tenant_domains", "users", "courses", "course_instructors", "enrollments", "live_sessions",
          "live_session_moderators", "live_session_participants", "live_session_attendance_summaries",
          "live_session_recordings", "live_session_artifacts", "live_session_policies", "live_provider_configs",
          "audit_logs", "jobs", "schema_migrations"})
        EXPECT_TRUE(t.count(name)) << "missing table " << name;
}

TEST_P(Storage, SeedIndexesExistOnTheRightColumns) {
    struct Idx {
        const char* name;
        const char* table;
        const char* columns;
        bool unique;
    };
    const Idx want[] = {
        {"live_sessions_status_start", "live_sessions", "status, scheduled_start", false},
        {"live_sessions_course_status", "live_sessions", "course_id, status", false},
        {"live_sessions_room_id", "live_sessions", "room_id", true},
        // The seed's (session, user) index, widened by the connection id (migration 0004) and by
        // is_active (0011, so a join's "already in the room?" reads no table row): its prefix serves
        // every (session, user) lookup.
        {"live_session_participants_session_user_connection_active", "live_session_participants",
         "session_id, user_id, connection_id, is_active", false},
        {"live_session_participants_session_active", "live_session_participants", "session_id, is_active", false},
        {"live_session_attendance_session_user", "live_session_attendance_summaries", "session_id, user_id", true},
        {"live_session_recordings_session_status", "live_session_recordings", "session_id, status", false},
        // A provider's recording once per class (0018); the prefix finds it by the provider's id.
        {"live_session_recordings_provider_id", "live_session_recordings",
         "tenant_id, provider_recording_id, session_id", true},
        {"live_provider_configs_tenant_provider", "live_provider_configs", "tenant_id, provider", true},
        {"jobs_status_run_at", "jobs", "status, run_at", false},
    };
    for (const auto& w : want) {
        std::string def = index_def(w.name);
        ASSERT_FALSE(def.empty()) << "missing index " << w.name;
        EXPECT_EQ(index_table(w.name), w.table) << w.name;
        auto open = def.find('('), close = def.find(')', open);
        ASSERT_NE(open, std::string::npos) << def;
        EXPECT_EQ(def.substr(open + 1, close - open - 1), w.columns) << w.name << ": " << def;
        EXPECT_EQ(def.find("UNIQUE") != std::string::npos, w.unique) << w.name << ": " << def;
    }
}

// ---- defaults and constraints ----

TEST_P(Storage, LiveSessionDefaults) {
    auto f = fixture("defaults");
    std::string id = infra::new_uuid();
    long long t = now();
    {
        store::Tx tx(db());
        tx.sql() << "INSERT INTO live_sessions(id, tenant_id, course_id, title, scheduled_start, scheduled_end, "
                    "provider, room_id, created_at, updated_at) VALUES(:i, :t, :c, 'Minimal', :s, :e, 'jitsi', :r, "
                    ":ca, :ua)",
            soci::use(id), soci::use(f.tenant.id), soci::use(f.course.id), soci::use(t), soci::use(t), soci::use(id),
            soci::use(t), soci::use(t);
        tx.commit();
    }
    store::Conn c(db());
    int max_p = 0, rec = -1, auto_rec = -1, waiting = -1, pc = -1, peak = -1, dur = -1;
    std::string status, type, description, room_url, room_password;
    soci::indicator as_ind = soci::i_ok, ae_ind = soci::i_ok, content_ind = soci::i_ok;
    long long as = 0, ae = 0;
    std::string content;
    c.sql() << "SELECT max_participants, recording_enabled, auto_recording, waiting_room_enabled, status, type, "
               "description, room_url, room_password, participant_count, peak_participants, total_duration_minutes, "
               "actual_start, actual_end, content_id FROM live_sessions WHERE id = :i",
        soci::into(max_p), soci::into(rec), soci::into(auto_rec), soci::into(waiting), soci::into(status),
        soci::into(type), soci::into(description), soci::into(room_url), soci::into(room_password), soci::into(pc),
        soci::into(peak), soci::into(dur), soci::into(as, as_ind), soci::into(ae, ae_ind),
        soci::into(content, content_ind), soci::use(id);
    EXPECT_EQ(max_p, 100);
    EXPECT_EQ(rec, 1);
    EXPECT_EQ(auto_rec, 0);
    EXPECT_EQ(waiting, 1);
    EXPECT_EQ(status, "draft");
    EXPECT_EQ(type, "scheduled");
    EXPECT_EQ(description, "");
    EXPECT_EQ(room_url, "");
    EXPECT_EQ(room_password, "");
    EXPECT_EQ(pc, 0);
    EXPECT_EQ(peak, 0);
    EXPECT_EQ(dur, 0);
    EXPECT_EQ(as_ind, soci::i_null);
    EXPECT_EQ(ae_ind, soci::i_null);
    EXPECT_EQ(content_ind, soci::i_null);
    // The repository reads the row back with the same defaults.
    auto s = store::find_session(c.sql(), f.tenant.id, id);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->status, SessionStatus::kDraft);
    EXPECT_EQ(s->type, SessionType::kScheduled);
    EXPECT_TRUE(s->recording_enabled);
    EXPECT_FALSE(s->auto_recording);
    EXPECT_TRUE(s->waiting_room_enabled);
    EXPECT_EQ(s->max_participants, 100);
    EXPECT_FALSE(s->actual_start.has_value());
}

TEST_P(Storage, ChecksRejectBadEnumValues) {
    auto f = fixture("checks");
    std::string t = std::to_string(now());
    auto session_insert = [&](const std::string& col, const std::string& val) {
        std::string id = infra::new_uuid();
        std::string cols =
            "id, tenant_id, course_id, title, scheduled_start, scheduled_end, provider, room_id, "
            "created_at, updated_at";
        std::string vals = "'" + id + "', '" + f.tenant.id + "', '" + f.course.id + "', 'x', " + t + ", " + t +
                           ", 'jitsi', '" + id + "', " + t + ", " + t;
        if (col == "provider") {
            vals.replace(vals.find("'jitsi'"), 7, "'" + val + "'");
        } else if (!col.empty()) {
            cols += ", " + col;
            vals += ", '" + val + "'";
        }
        return try_exec("INSERT INTO live_sessions(" + cols + ") VALUES(" + vals + ")");
    };
    EXPECT_EQ(session_insert("status", "live"), "");  // control: a valid value passes
    EXPECT_PRED1(check_violation, session_insert("status", "bogus"));
    EXPECT_PRED1(check_violation, session_insert("status", "LIVE"));
    EXPECT_PRED1(check_violation, session_insert("type", "bogus"));
    EXPECT_PRED1(check_violation, session_insert("provider", "skype"));
    EXPECT_PRED1(check_violation, session_insert("max_participants", "-1"));
    EXPECT_PRED1(check_violation,
                 try_exec("INSERT INTO users(id, tenant_id, email, role, created_at, updated_at) VALUES('" +
                          infra::new_uuid() + "', '" + f.tenant.id + "', 'x@y', 'superuser', 0, 0)"));
    EXPECT_PRED1(check_violation,
                 try_exec("INSERT INTO jobs(id, type, status, run_at, created_at, updated_at) VALUES('" +
                          infra::new_uuid() + "', 't', 'bogus', 0, 0, 0)"));
    EXPECT_PRED1(check_violation,
                 try_exec("INSERT INTO live_provider_configs(id, tenant_id, provider, created_at, updated_at) "
                          "VALUES('" +
                          infra::new_uuid() + "', '" + f.tenant.id + "', 'webex', 0, 0)"));
    // Only the control row was written.
    store::Conn c(db());
    long long n = 0;
    c.sql() << "SELECT COUNT(*) FROM live_sessions", soci::into(n);
    EXPECT_EQ(n, 1);
}

TEST_P(Storage, UniqueConstraints) {
    auto f = fixture("uniq");
    auto s = session_of(f);
    {
        store::Tx tx(db());
        store::insert_session(tx.sql(), s);
        tx.commit();
    }
    auto summary = [&](const std::string& user) {
        return "INSERT INTO live_session_attendance_summaries(id, session_id, user_id, first_join) VALUES('" +
               infra::new_uuid() + "', '" + s.id + "', '" + user + "', 1)";
    };
    EXPECT_EQ(try_exec(summary(f.student.id)), "");
    EXPECT_PRED1(unique_violation, try_exec(summary(f.student.id))) << "one attendance summary per (session, user)";
    EXPECT_EQ(try_exec(summary(f.teacher.id)), "");
    // The repository replaces a session's summaries as a whole; a duplicate user in one batch fails.
    {
        AttendanceSummary a;
        a.id = infra::new_uuid();
        a.session_id = s.id;
        a.user_id = f.student.id;
        a.first_join = 5;
        auto b = a;
        b.id = infra::new_uuid();
        EXPECT_ANY_THROW({
            store::Tx tx(db());
            store::replace_attendance_summaries(tx.sql(), s.id, {a, b});
            tx.commit();
        });
    }
    // Room ids, tenant slugs, (tenant, e-mail) and (tenant, provider) are unique too.
    auto dup_room = s;
    dup_room.id = infra::new_uuid();
    dup_room.moderator_ids.clear();
    EXPECT_ANY_THROW({
        store::Tx tx(db());
        store::insert_session(tx.sql(), dup_room);
        tx.commit();
    });
    EXPECT_PRED1(unique_violation, try_exec("INSERT INTO tenants(id, slug, name, created_at) VALUES('" +
                                            infra::new_uuid() + "', 'uniq', 'Again', 0)"));
    EXPECT_PRED1(unique_violation,
                 try_exec("INSERT INTO users(id, tenant_id, email, created_at, updated_at) VALUES('" +
                          infra::new_uuid() + "', '" + f.tenant.id + "', '" + f.student.email + "', 0, 0)"));
    std::string pc = "INSERT INTO live_provider_configs(id, tenant_id, provider, created_at, updated_at) VALUES('";
    EXPECT_EQ(try_exec(pc + infra::new_uuid() + "', '" + f.tenant.id + "', 'bbb', 0, 0)"), "");
    EXPECT_PRED1(unique_violation, try_exec(pc + infra::new_uuid() + "', '" + f.tenant.id + "', 'bbb', 0, 0)"));
    store::Conn c(db());
    long long n = 0;
    c.sql() << "SELECT COUNT(*) FROM live_session_attendance_summaries", soci::into(n);
    EXPECT_EQ(n, 2);
}

TEST_P(Storage, AProviderRecordingIsKeptOncePerSession) {
    auto f = fixture("reconce");
    auto s = session_of(f), other = session_of(f);
    other.room_id = f.tenant.slug + "-" + other.id;
    other.moderator_ids.clear();
    {
        store::Tx tx(db());
        store::insert_session(tx.sql(), s);
        store::insert_session(tx.sql(), other);
        tx.commit();
    }
    auto report = [&](const std::string& session_id, const std::string& provider_id) {
        store::Tx tx(db());
        bool added = store::insert_provider_recording(tx.sql(), infra::new_uuid(), f.tenant.id, session_id, provider_id,
                                                      "https://x.test/r", 60, 1000, "mp4", now());
        tx.commit();
        return added;
    };
    EXPECT_TRUE(report(s.id, "rec-1"));
    EXPECT_FALSE(report(s.id, "rec-1")) << "the same recording of the same class again";
    EXPECT_TRUE(report(s.id, "rec-2"));
    EXPECT_TRUE(report(other.id, "rec-1")) << "the uniqueness is per class";
    EXPECT_PRED1(unique_violation,
                 try_exec("INSERT INTO live_session_recordings(id, tenant_id, session_id, provider_recording_id, "
                          "created_at) VALUES('" +
                          infra::new_uuid() + "', '" + f.tenant.id + "', '" + s.id + "', 'rec-2', 0)"));
    EXPECT_EQ(srv.count_rows("live_session_recordings WHERE session_id = '" + s.id + "'"), 2);

    // Two workers (PostgreSQL, two processes) report the same recording at the same moment: the second
    // insert waits for the first transaction and then adds nothing. (SQLite has one writer at a time.)
    if (sqlite()) return;
    soci::session first(db().pool()), second(db().pool());
    first.begin();
    EXPECT_TRUE(
        store::insert_provider_recording(first, infra::new_uuid(), f.tenant.id, s.id, "rec-3", "", 0, 0, "mp4", now()));
    std::promise<bool> second_added;
    std::thread racer([&] {
        second.begin();
        second_added.set_value(store::insert_provider_recording(second, infra::new_uuid(), f.tenant.id, s.id, "rec-3",
                                                                "", 0, 0, "mp4", now()));
        second.commit();
    });
    auto outcome = second_added.get_future();
    EXPECT_EQ(outcome.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
        << "the second insert waits for the first transaction";
    first.commit();
    EXPECT_FALSE(outcome.get());
    racer.join();
    EXPECT_EQ(srv.count_rows("live_session_recordings WHERE provider_recording_id = 'rec-3'"), 1);
}

TEST_P(Storage, RecordingsThatRacedBeforeTheUniqueIndexAreKeptAndRenamed) {
    // A database from before migration 0018 where two workers inserted one recording twice (and a
    // third time at the same second): the migration keeps every row, the oldest under the provider's id.
    auto f = fixture("recdup");
    auto s = session_of(f);
    {
        store::Tx tx(db());
        store::insert_session(tx.sql(), s);
        tx.commit();
    }
    store::Conn c(db());
    c.sql() << "DROP INDEX live_session_recordings_provider_id";
    c.sql() << "DELETE FROM schema_migrations WHERE name = '0018_recording_once.sql'";
    const std::string first = "00000000-0000-7000-8000-000000000001", second = "00000000-0000-7000-8000-000000000002",
                      third = "00000000-0000-7000-8000-000000000003", lone = infra::new_uuid();
    auto insert = [&](const std::string& id, const std::string& provider_id, long long created) {
        c.sql() << "INSERT INTO live_session_recordings(id, tenant_id, session_id, provider_recording_id, "
                   "created_at) VALUES(:i, :t, :s, :p, :c)",
            soci::use(id), soci::use(f.tenant.id), soci::use(s.id), soci::use(provider_id), soci::use(created);
    };
    insert(third, "zoom-uuid/file", 200);
    insert(second, "zoom-uuid/file", 100);
    insert(first, "zoom-uuid/file", 100);
    insert(lone, "other", 50);
    auto applied = store::migrate(db());
    ASSERT_TRUE(applied) << applied.error().message;
    EXPECT_EQ(*applied, std::vector<std::string>{"0018_recording_once.sql"});
    auto provider_id = [&](const std::string& id) {
        std::string p;
        c.sql() << "SELECT provider_recording_id FROM live_session_recordings WHERE id = :i", soci::into(p),
            soci::use(id);
        return p;
    };
    EXPECT_EQ(provider_id(first), "zoom-uuid/file") << "the oldest (lowest id at the same second) keeps the id";
    EXPECT_EQ(provider_id(second), "zoom-uuid/file (duplicate " + second + ")");
    EXPECT_EQ(provider_id(third), "zoom-uuid/file (duplicate " + third + ")");
    EXPECT_EQ(provider_id(lone), "other");
    EXPECT_FALSE(index_def("live_session_recordings_provider_id").empty());
}

TEST_P(Storage, NotesFinishedBeforeTheirMadeAtColumnGetTheirTimeWhereItIsKnown) {
    // A database from before migration 0019: a ready summary (finished when it was last written), and
    // quiz suggestions being made again over a kept document (whose own time nobody recorded).
    auto f = fixture("notesmade");
    auto s = session_of(f);
    {
        store::Tx tx(db());
        store::insert_session(tx.sql(), s);
        store::insert_provider_recording(tx.sql(), infra::new_uuid(), f.tenant.id, s.id, "rec-1", "", 0, 0, "mp4", 1);
        tx.commit();
    }
    store::Conn c(db());
    std::string rid;
    c.sql() << "SELECT id FROM live_session_recordings WHERE session_id = :s", soci::into(rid), soci::use(s.id);
    c.sql() << "ALTER TABLE live_recording_notes DROP COLUMN made_at";
    c.sql() << "DELETE FROM schema_migrations WHERE name = '0019_notes_made_at.sql'";
    // Named, not temporaries: a one-off soci statement runs when the whole expression ends.
    auto note = [&](const std::string& kind, const std::string& status, const std::string& content, long long updated) {
        c.sql() << "INSERT INTO live_recording_notes(recording_id, kind, tenant_id, status, content, created_at, "
                   "updated_at) VALUES(:r, :k, :t, :s, :c, 1, :u)",
            soci::use(rid), soci::use(kind), soci::use(f.tenant.id), soci::use(status), soci::use(content),
            soci::use(updated);
    };
    note("summary", "ready", "{\"overview\": \"o\"}", 1700000000);
    note("quiz", "processing", "{\"topics\": []}", 1700000500);
    auto applied = store::migrate(db());
    ASSERT_TRUE(applied) << applied.error().message;
    EXPECT_EQ(*applied, std::vector<std::string>{"0019_notes_made_at.sql"});
    auto made = [&](const char* kind) {
        auto row = store::find_notes(c.sql(), f.tenant.id, rid, kind);
        EXPECT_TRUE(row) << kind;
        return row ? row->made_at : std::optional<UnixTime>(-1);
    };
    EXPECT_EQ(made("summary"), std::optional<UnixTime>(1700000000));
    EXPECT_EQ(made("quiz"), std::nullopt) << "not known: the row's time is the new attempt's";
}

// ---- repository round trips ----

TEST_P(Storage, TenantUserCourseRoundTrip) {
    auto f = fixture("ident");
    store::Conn c(db());
    auto t = store::find_tenant_by_slug(c.sql(), "ident", box());
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->id, f.tenant.id);
    EXPECT_EQ(t->name, "School ident");
    EXPECT_EQ(t->lms_jwt_secret, "lms-shared-secret-ident");
    std::vector<std::string> doms = t->domains;
    std::sort(doms.begin(), doms.end());
    EXPECT_EQ(doms, (std::vector<std::string>{"ident.example.test", "lms.ident.example.test"}));
    auto by_domain = store::find_tenant_by_domain(c.sql(), "lms.ident.example.test", box());
    ASSERT_TRUE(by_domain.has_value());
    EXPECT_EQ(by_domain->id, f.tenant.id);
    EXPECT_FALSE(store::find_tenant_by_domain(c.sql(), "nope.example.test", box()).has_value());
    // The LMS secret is encrypted at rest.
    std::string raw;
    c.sql() << "SELECT lms_jwt_secret FROM tenants WHERE id = :i", soci::into(raw), soci::use(f.tenant.id);
    EXPECT_EQ(raw.rfind("v1:", 0), 0u) << raw;
    EXPECT_EQ(raw.find("lms-shared-secret"), std::string::npos);

    auto u = store::find_user_by_email(c.sql(), f.tenant.id, f.student.email);
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->id, f.student.id);
    EXPECT_EQ(u->role, UserRole::kStudent);
    EXPECT_EQ(u->external_id, std::optional<std::string>("lms-42"));
    EXPECT_EQ(u->password_hash, "$argon2id$fake");
    EXPECT_EQ(u->locale, "tr");
    auto ext = store::find_user_by_external_id(c.sql(), f.tenant.id, "lms-42");
    ASSERT_TRUE(ext.has_value());
    EXPECT_EQ(ext->id, f.student.id);
    auto teacher = store::find_user(c.sql(), f.tenant.id, f.teacher.id);
    ASSERT_TRUE(teacher.has_value());
    EXPECT_FALSE(teacher->external_id.has_value());
    // Tenant scoping: the right id in the wrong tenant finds nothing.
    auto other = fixture("other");
    EXPECT_FALSE(store::find_user(c.sql(), other.tenant.id, f.student.id).has_value());
    EXPECT_FALSE(store::find_course(c.sql(), other.tenant.id, f.course.id).has_value());

    auto course = store::find_course(c.sql(), f.tenant.id, f.course.id);
    ASSERT_TRUE(course.has_value());
    EXPECT_EQ(course->title, "Course ident");
    EXPECT_EQ(course->instructor_ids, std::vector<std::string>{f.teacher.id});
    EXPECT_TRUE(store::is_course_instructor(c.sql(), f.course.id, f.teacher.id));
    EXPECT_FALSE(store::is_course_instructor(c.sql(), f.course.id, f.student.id));
    EXPECT_EQ(store::course_tenant(c.sql(), f.course.id), f.tenant.id);
    EXPECT_EQ(store::course_tenant(c.sql(), infra::new_uuid()), "");

    EXPECT_TRUE(store::enroll(c.sql(), infra::new_uuid(), f.tenant.id, f.course.id, f.student.id, now()));
    EXPECT_FALSE(store::enroll(c.sql(), infra::new_uuid(), f.tenant.id, f.course.id, f.student.id, now()));
    EXPECT_TRUE(store::is_enrolled(c.sql(), f.course.id, f.student.id));
    auto enrolled = store::list_enrolled_users(c.sql(), f.tenant.id, f.course.id);
    ASSERT_EQ(enrolled.size(), 1u);
    EXPECT_EQ(enrolled[0].id, f.student.id);
    EXPECT_TRUE(store::unenroll(c.sql(), f.course.id, f.student.id));
    EXPECT_FALSE(store::is_enrolled(c.sql(), f.course.id, f.student.id));
}

TEST_P(Storage, SessionWithModeratorsRoundTrip) {
    auto f = fixture("sess");
    auto s = session_of(f);
    s.content_id = infra::new_uuid();
    {
        store::Tx tx(db());
        store::insert_session(tx.sql(), s);
        tx.commit();
    }
    store::Conn c(db());
    auto got = store::find_session(c.sql(), f.tenant.id, s.id);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->title, "Türev — canlı");
    EXPECT_EQ(got->course_id, f.course.id);
    EXPECT_EQ(got->created_by, std::optional<std::string>(f.teacher.id));
    EXPECT_EQ(got->content_id, s.content_id);
    EXPECT_EQ(got->type, SessionType::kWebinar);
    EXPECT_EQ(got->status, SessionStatus::kScheduled);
    EXPECT_EQ(got->scheduled_start, s.scheduled_start);
    EXPECT_EQ(got->scheduled_end, s.scheduled_end);
    EXPECT_EQ(got->room_id, s.room_id);
    EXPECT_EQ(got->room_url, s.room_url);
    EXPECT_EQ(got->room_password, "pw");
    EXPECT_EQ(got->max_participants, 250);
    EXPECT_FALSE(got->recording_enabled);
    EXPECT_TRUE(got->auto_recording);
    EXPECT_FALSE(got->waiting_room_enabled);
    EXPECT_EQ(got->moderator_ids, std::vector<std::string>{f.moderator.id});
    EXPECT_FALSE(got->actual_start.has_value());
    EXPECT_FALSE(store::find_session(c.sql(), infra::new_uuid(), s.id).has_value()) << "tenant-scoped";

    // Update: status, times, counters and the moderator list (replaced, not appended).
    auto upd = *got;
    upd.status = SessionStatus::kLive;
    upd.actual_start = now();
    upd.title = "Renamed";
    upd.content_id.reset();
    upd.participant_count = 3;
    upd.peak_participants = 4;
    upd.moderator_ids = {f.admin.id, f.student.id};
    upd.updated_at = now() + 5;
    {
        store::Tx tx(db());
        store::update_session(tx.sql(), upd);
        tx.commit();
    }
    auto after = store::find_session(c.sql(), f.tenant.id, s.id);
    ASSERT_TRUE(after.has_value());
    EXPECT_EQ(after->status, SessionStatus::kLive);
    EXPECT_EQ(after->actual_start, std::optional<UnixTime>(now()));
    EXPECT_EQ(after->title, "Renamed");
    EXPECT_FALSE(after->content_id.has_value());
    // The counters belong to the join writer: a stale copy written back must not overwrite them.
    EXPECT_EQ(after->participant_count, s.participant_count);
    EXPECT_EQ(after->peak_participants, s.peak_participants);
    EXPECT_EQ(after->updated_at, now() + 5);
    std::vector<std::string> mods = after->moderator_ids, want = {f.admin.id, f.student.id};
    std::sort(mods.begin(), mods.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(mods, want);

    // Listing with filters; a student sees the session as its moderator.
    long long total = 0;
    store::SessionFilter filter;
    filter.status = SessionStatus::kLive;
    auto live = store::list_sessions(c.sql(), f.tenant.id, filter, &total);
    EXPECT_EQ(total, 1);
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0].moderator_ids.size(), 2u);
    filter.status = SessionStatus::kEnded;
    EXPECT_TRUE(store::list_sessions(c.sql(), f.tenant.id, filter, &total).empty());
    EXPECT_EQ(total, 0);
    store::SessionFilter vis;
    vis.visible_to = f.student.id;
    EXPECT_EQ(store::list_sessions(c.sql(), f.tenant.id, vis, &total).size(), 1u);
    vis.visible_to = f.moderator.id;  // no longer a moderator, not enrolled, not teaching
    EXPECT_EQ(store::list_sessions(c.sql(), f.tenant.id, vis, &total).size(), 0u);

    // Participants and attendance summaries.
    Participant p;
    p.id = infra::new_uuid();
    p.session_id = s.id;
    p.user_id = f.student.id;
    p.joined_at = now();
    p.device_type = "desktop";
    p.browser = "Firefox";
    p.ip_hash = std::string(64, 'a');
    {
        store::Tx tx(db());
        store::insert_participant(tx.sql(), p);
        tx.commit();
    }
    EXPECT_EQ(store::count_distinct_participants(c.sql(), s.id), 1);
    {
        store::Tx tx(db());
        EXPECT_EQ(store::close_active_participants(tx.sql(), s.id, now() + 90), 1);
        tx.commit();
    }
    auto parts = store::list_participants(c.sql(), s.id);
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_FALSE(parts[0].is_active);
    EXPECT_EQ(parts[0].left_at, std::optional<UnixTime>(now() + 90));
    EXPECT_EQ(parts[0].duration_seconds, 90);
    EXPECT_EQ(parts[0].browser, "Firefox");

    AttendanceSummary a;
    a.id = infra::new_uuid();
    a.session_id = s.id;
    a.user_id = f.student.id;
    a.total_duration_seconds = 90;
    a.join_count = 2;
    a.first_join = now();
    a.last_leave = now() + 90;
    a.attended = true;
    a.attendance_percent = 87.5;
    a.late_join = true;
    for (int round = 0; round < 2; ++round) {  // replacing twice leaves one row per user
        store::Tx tx(db());
        a.id = infra::new_uuid();
        store::replace_attendance_summaries(tx.sql(), s.id, {a});
        tx.commit();
    }
    auto rows = store::list_attendance_summaries(c.sql(), s.id);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].total_duration_seconds, 90);
    EXPECT_EQ(rows[0].join_count, 2);
    EXPECT_EQ(rows[0].last_leave, std::optional<UnixTime>(now() + 90));
    EXPECT_TRUE(rows[0].attended);
    EXPECT_DOUBLE_EQ(rows[0].attendance_percent, 87.5);
    EXPECT_TRUE(rows[0].late_join);
    EXPECT_FALSE(rows[0].early_leave);
}

TEST_P(Storage, PoliciesAtThreeLevels) {
    auto f = fixture("pol");
    auto s = session_of(f);
    store::Conn c(db());
    {
        store::Tx tx(db());
        store::insert_session(tx.sql(), s);
        tx.commit();
    }
    EXPECT_FALSE(store::find_tenant_policy(c.sql(), f.tenant.id).has_value());
    EXPECT_FALSE(store::find_course_policy(c.sql(), f.course.id).has_value());
    EXPECT_FALSE(store::find_session_policy(c.sql(), s.id).has_value());

    PolicyOverrides tp, cp, sp;
    tp.attendance_threshold_percent = 60;
    tp.students_can_share_screen = true;
    cp.recording_required = false;
    cp.late_join_tolerance_minutes = 3;
    sp.students_start_muted = false;
    sp.recording_retention_days = 30;
    {
        store::Tx tx(db());
        store::upsert_policy(tx.sql(), infra::new_uuid(), f.tenant.id, "", "", tp);
        store::upsert_policy(tx.sql(), infra::new_uuid(), f.tenant.id, f.course.id, "", cp);
        store::upsert_policy(tx.sql(), infra::new_uuid(), f.tenant.id, f.course.id, s.id, sp);
        tx.commit();
    }
    auto t = store::find_tenant_policy(c.sql(), f.tenant.id);
    auto co = store::find_course_policy(c.sql(), f.course.id);
    auto se = store::find_session_policy(c.sql(), s.id);
    ASSERT_TRUE(t && co && se);
    EXPECT_EQ(t->attendance_threshold_percent, std::optional<int>(60));
    EXPECT_EQ(t->students_can_share_screen, std::optional<bool>(true));
    EXPECT_FALSE(t->recording_required.has_value()) << "unset fields stay NULL (inherit)";
    EXPECT_EQ(co->recording_required, std::optional<bool>(false));
    EXPECT_EQ(co->late_join_tolerance_minutes, std::optional<int>(3));
    EXPECT_FALSE(co->attendance_threshold_percent.has_value());
    EXPECT_EQ(se->students_start_muted, std::optional<bool>(false));
    EXPECT_EQ(se->recording_retention_days, std::optional<int>(30));
    EXPECT_FALSE(se->late_join_tolerance_minutes.has_value());

    // Upserting a level replaces only that level's row.
    PolicyOverrides tp2;
    tp2.lobby_enabled = false;
    {
        store::Tx tx(db());
        store::upsert_policy(tx.sql(), infra::new_uuid(), f.tenant.id, "", "", tp2);
        tx.commit();
    }
    t = store::find_tenant_policy(c.sql(), f.tenant.id);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->lobby_enabled, std::optional<bool>(false));
    EXPECT_FALSE(t->attendance_threshold_percent.has_value());
    EXPECT_EQ(store::find_course_policy(c.sql(), f.course.id)->late_join_tolerance_minutes, std::optional<int>(3));
    EXPECT_EQ(store::find_session_policy(c.sql(), s.id)->recording_retention_days, std::optional<int>(30));
    long long rows = 0;
    c.sql() << "SELECT COUNT(*) FROM live_session_policies WHERE tenant_id = :t", soci::into(rows),
        soci::use(f.tenant.id);
    EXPECT_EQ(rows, 3);
    // Each level is unique in the schema too: a second tenant-level row is refused.
    EXPECT_PRED1(unique_violation, try_exec("INSERT INTO live_session_policies(id, tenant_id) VALUES('" +
                                            infra::new_uuid() + "', '" + f.tenant.id + "')"));
}

TEST_P(Storage, ProviderConfigUpsertEncryptsSecrets) {
    auto f = fixture("prov");
    ProviderConfig j;
    j.id = infra::new_uuid();
    j.tenant_id = f.tenant.id;
    j.provider = ProviderKind::kJitsi;
    j.is_default = true;
    j.jitsi_domain = "meet.prov.test";
    j.jitsi_app_id = "prov-app";
    j.jitsi_jwt_secret = "jitsi-plaintext-secret";
    j.max_concurrent_rooms = 7;
    {
        store::Tx tx(db());
        store::upsert_provider_config(tx.sql(), j, box(), now());
        tx.commit();
    }
    store::Conn c(db());
    std::string raw, raw_bbb;
    c.sql() << "SELECT jitsi_jwt_secret, bbb_shared_secret FROM live_provider_configs WHERE tenant_id = :t",
        soci::into(raw), soci::into(raw_bbb), soci::use(f.tenant.id);
    EXPECT_EQ(raw.rfind("v1:", 0), 0u) << raw;
    EXPECT_EQ(raw.find("jitsi-plaintext-secret"), std::string::npos);
    EXPECT_EQ(raw_bbb, "") << "an empty secret stays empty";
    auto list = store::list_provider_configs(c.sql(), f.tenant.id, box());
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].jitsi_jwt_secret, "jitsi-plaintext-secret");
    EXPECT_EQ(list[0].jitsi_domain, "meet.prov.test");
    EXPECT_EQ(list[0].max_concurrent_rooms, 7);
    EXPECT_EQ(list[0].default_room_duration_minutes, 120);
    EXPECT_TRUE(list[0].is_default);
    EXPECT_TRUE(list[0].is_active);
    // Another key cannot read it.
    store::SecretBox wrong{std::string(32, 'k')};
    EXPECT_EQ(store::list_provider_configs(c.sql(), f.tenant.id, wrong)[0].jitsi_jwt_secret, "");

    // Upsert by (tenant, provider): same row updated, new secret re-encrypted.
    j.id = infra::new_uuid();
    j.jitsi_jwt_secret = "rotated-secret";
    j.jitsi_domain = "meet2.prov.test";
    {
        store::Tx tx(db());
        store::upsert_provider_config(tx.sql(), j, box(), now());
        tx.commit();
    }
    std::string raw2;
    c.sql() << "SELECT jitsi_jwt_secret FROM live_provider_configs WHERE tenant_id = :t", soci::into(raw2),
        soci::use(f.tenant.id);
    EXPECT_EQ(raw2.rfind("v1:", 0), 0u);
    EXPECT_NE(raw2, raw);
    list = store::list_provider_configs(c.sql(), f.tenant.id, box());
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].jitsi_jwt_secret, "rotated-secret");
    EXPECT_EQ(list[0].jitsi_domain, "meet2.prov.test");

    // A second provider made default clears the flag on the first.
    ProviderConfig b;
    b.id = infra::new_uuid();
    b.tenant_id = f.tenant.id;
    b.provider = ProviderKind::kBbb;
    b.is_default = true;
    b.bbb_server_url = "https://bbb.prov.test/bigbluebutton/";
    b.bbb_shared_secret = "bbb-plaintext";
    {
        store::Tx tx(db());
        store::upsert_provider_config(tx.sql(), b, box(), now());
        tx.commit();
    }
    list = store::list_provider_configs(c.sql(), f.tenant.id, box());
    ASSERT_EQ(list.size(), 2u);
    for (const auto& p : list) {
        if (p.provider == ProviderKind::kBbb) {
            EXPECT_TRUE(p.is_default);
            EXPECT_EQ(p.bbb_shared_secret, "bbb-plaintext");
        } else {
            EXPECT_FALSE(p.is_default);
        }
    }
    c.sql() << "SELECT bbb_shared_secret FROM live_provider_configs WHERE provider = 'bbb' AND tenant_id = :t",
        soci::into(raw_bbb), soci::use(f.tenant.id);
    EXPECT_EQ(raw_bbb.rfind("v1:", 0), 0u);
}

TEST_P(Storage, AuditLogRoundTrip) {
    auto f = fixture("aud");
    store::AuditEntry e;
    e.id = infra::new_uuid();
    e.tenant_id = f.tenant.id;
    e.actor_id = f.admin.id;
    e.action = "session.start";
    e.resource_type = "live_session";
    e.resource_id = "r1";
    e.details = R"({"k":1})";
    e.created_at = now();
    store::AuditEntry system = e;
    system.id = infra::new_uuid();
    system.actor_id.reset();
    system.action = "session.end";
    system.created_at = now() + 1;
    {
        store::Tx tx(db());
        store::insert_audit(tx.sql(), e);
        store::insert_audit(tx.sql(), system);
        tx.commit();
    }
    store::Conn c(db());
    auto list = store::list_audit(c.sql(), f.tenant.id, 10);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].action, "session.end");  // newest first
    EXPECT_FALSE(list[0].actor_id.has_value());
    EXPECT_EQ(list[1].actor_id, std::optional<std::string>(f.admin.id));
    EXPECT_EQ(list[1].details, R"({"k":1})");
    EXPECT_EQ(store::list_audit(c.sql(), f.tenant.id, 1).size(), 1u);
    EXPECT_TRUE(store::list_audit(c.sql(), infra::new_uuid(), 10).empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, Storage, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
