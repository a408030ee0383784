// Attendance benchmark (issue 4, item 9): one ended class with N participants and M join/leave/
// heartbeat events already recorded, then the `calculate_attendance` job end to end (read every
// participation row and background stretch, compute each summary, replace them all) timed, and the
// class report read back. Prints one BENCH_RESULT line; exits non-zero when a summary is wrong.
//   attendance_bench [--participants N] [--events M] [--database URL]
// Events per participant: joins and leaves in pairs (each pair one participation row) and heartbeats,
// a fifth of which flip the tab to the background and back (each such pair one background stretch).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>

#include "app/app.hpp"
#include "infra/crypto.hpp"
#include "infra/log.hpp"
#include "store/repositories.hpp"

using namespace lc;

namespace {

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    int participants = 10000;
    long events = 200000;
    std::string url;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--participants")
            participants = std::atoi(argv[i + 1]);
        else if (a == "--events")
            events = std::atol(argv[i + 1]);
        else if (a == "--database")
            url = argv[i + 1];
        else {
            std::cerr << "unknown option " << a << "\n";
            return 2;
        }
    }
    if (participants < 1 || events < 4L * participants) {
        std::cerr << "need at least 1 participant and 4 events per participant\n";
        return 2;
    }
    std::string db_file;
    if (url.empty()) {
        db_file = (std::filesystem::temp_directory_path() / ("attendance-bench-" + infra::new_uuid() + ".db")).string();
        url = "sqlite:" + db_file;
    }
    Config cfg;
    cfg.database_url = url;
    cfg.secret_key = "bench-secret-key-0123456789abcdef0123456789";
    cfg.job_workers = 0;
    const UnixTime start = 1'790'000'000;  // a fixed class: 09:00 for 90 minutes
    const UnixTime end = start + 90 * 60;
    ManualClock clock(end + 60);
    infra::Logger log = infra::Logger::to_stderr("warn");
    auto app = app::App::create(cfg, clock, log, /*migrate=*/true);
    if (!app) {
        std::cerr << "bench: " << app.error().message << " " << app.error().internal << "\n";
        return 1;
    }
    auto& a = *app.value();

    // ---- setup (not timed): school, course, N enrolled students, an ended class, the events ----
    const int attending = participants - participants / 20;  // one in twenty never comes: absent rows
    const long per_user = std::max(4L, events / std::max(1, attending));
    const long pairs = std::max(1L, per_user * 2 / 5 / 2);  // 40 % of a user's events are joins/leaves
    const long heartbeats = per_user - 2 * pairs;
    const long flips = heartbeats / 5 / 2;  // a fifth of the heartbeats go hidden, then visible again
    std::mt19937_64 rng(42);
    domain::Tenant tenant;
    domain::LiveSession s;
    auto t0 = std::chrono::steady_clock::now();
    long rows = 0, spans = 0;
    {
        store::Tx tx(a.db());
        tenant.id = infra::new_uuid();
        tenant.slug = "bench";
        tenant.name = "Bench";
        tenant.created_at = start;
        store::insert_tenant(tx.sql(), tenant, a.context().keys.box);
        domain::Course course;
        course.id = infra::new_uuid();
        course.tenant_id = tenant.id;
        course.title = "Bench 101";
        course.created_at = start;
        store::insert_course(tx.sql(), course);
        s.id = infra::new_uuid();
        s.tenant_id = tenant.id;
        s.course_id = course.id;
        s.title = "Bench class";
        s.status = domain::SessionStatus::kEnded;
        s.scheduled_start = start;
        s.scheduled_end = end;
        s.actual_start = start;
        s.actual_end = end;
        s.room_id = "bench-" + s.id;
        s.created_at = s.updated_at = start;
        store::insert_session(tx.sql(), s);

        std::string uid, pid, sid = s.id, bid;
        long long joined = 0, left = 0, seen = 0, from = 0, to = 0;
        soci::statement participant =
            (tx.sql().prepare << "INSERT INTO live_session_participants(id, session_id, user_id, role, joined_at, "
                                 "left_at, duration_seconds, is_active, last_seen_at, end_reason) "
                                 "VALUES(:i, :s, :u, 'participant', :j, :l, :d, 0, :seen, 'left')",
             soci::use(pid), soci::use(sid), soci::use(uid), soci::use(joined), soci::use(left), soci::use(to),
             soci::use(seen));
        soci::statement span =
            (tx.sql().prepare << "INSERT INTO live_session_background_spans(id, participant_id, "
                                 "session_id, user_id, started_at, ended_at) "
                                 "VALUES(:i, :p, :s, :u, :f, :t)",
             soci::use(bid), soci::use(pid), soci::use(sid), soci::use(uid), soci::use(from), soci::use(to));
        std::uniform_int_distribution<long long> offset(-300, 5400);
        for (int u = 0; u < participants; ++u) {
            domain::User user;
            user.id = uid = infra::new_uuid();
            user.tenant_id = tenant.id;
            user.email = "s" + std::to_string(u) + "@bench.test";
            user.full_name = "Öğrenci " + std::to_string(u);
            user.created_at = user.updated_at = start;
            store::insert_user(tx.sql(), user);
            store::enroll(tx.sql(), infra::new_uuid(), tenant.id, course.id, uid, start);
            if (u % 20 == 19) continue;  // never comes
            for (long k = 0; k < pairs; ++k) {
                joined = start + offset(rng);
                left = joined + 60 + static_cast<long long>(rng() % 1800);
                to = left - joined;
                seen = left;
                pid = infra::new_uuid();
                participant.execute(true);
                ++rows;
                for (long f = 0; f < flips / pairs + (k < flips % pairs ? 1 : 0); ++f) {
                    from = joined + static_cast<long long>(rng() % static_cast<unsigned long long>(left - joined));
                    to = std::min<long long>(left, from + 30 + static_cast<long long>(rng() % 300));
                    bid = infra::new_uuid();
                    span.execute(true);
                    ++spans;
                }
            }
        }
        tx.commit();
    }
    const double setup_s = seconds_since(t0);
    const long rss_before = peak_rss_kb();

    // ---- timed: the summary job, end to end through the database ----
    t0 = std::chrono::steady_clock::now();
    if (auto st = a.attendance().calculate(tenant.id, s.id); !st) {
        std::cerr << "bench: calculate failed: " << st.error().message << " " << st.error().internal << "\n";
        return 1;
    }
    const double calc_s = seconds_since(t0);
    // Again: recalculation replaces the rows (idempotent) and is what an instructor's button does.
    t0 = std::chrono::steady_clock::now();
    (void)a.attendance().calculate(tenant.id, s.id);
    const double recalc_s = seconds_since(t0);

    // ---- check: every enrolled student has exactly one row; absentees are absent ----
    long long summaries = 0, absent = 0, attended = 0;
    {
        store::Conn c(a.db());
        c.sql() << "SELECT COUNT(*) FROM live_session_attendance_summaries WHERE session_id = :s",
            soci::into(summaries), soci::use(s.id);
        c.sql() << "SELECT COUNT(*) FROM live_session_attendance_summaries WHERE session_id = :s AND join_count = 0",
            soci::into(absent), soci::use(s.id);
        c.sql() << "SELECT COUNT(*) FROM live_session_attendance_summaries WHERE session_id = :s AND attended = 1",
            soci::into(attended), soci::use(s.id);
    }
    const long long expected_absent = participants / 20;
    const long recorded = rows * 2 + heartbeats * attending;
    std::printf(
        "BENCH_RESULT participants=%d events=%ld participation_rows=%ld background_spans=%ld calculate_s=%.3f "
        "recalculate_s=%.3f events_per_s=%.0f setup_s=%.1f peak_rss_mb=%.1f rss_before_mb=%.1f summaries=%lld "
        "attended=%lld absent=%lld\n",
        participants, recorded, rows, spans, calc_s, recalc_s, static_cast<double>(recorded) / calc_s, setup_s,
        peak_rss_kb() / 1024.0, rss_before / 1024.0, summaries, attended, absent);
    if (!db_file.empty()) {
        a.shutdown(0);
        std::filesystem::remove(db_file);
        std::filesystem::remove(db_file + "-wal");
        std::filesystem::remove(db_file + "-shm");
    }
    if (summaries != participants || absent != expected_absent) {
        std::cerr << "bench: " << summaries << " summaries (" << absent << " absent) for " << participants
                  << " enrolled students (" << expected_absent << " never came)\n";
        return 1;
    }
    return 0;
}
