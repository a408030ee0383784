#pragma once
// The fuzz targets' world: a real App on a fresh SQLite file (no server socket), one school with
// Jitsi, BigBlueButton and Zoom settings, an admin, an instructor, an enrolled student and a live
// class. Built once per process. Time stands still at kNow, so seeds with timestamps stay valid.
//
// Inputs name the fixture through placeholders that fuzz_app substitutes before use: @TENANT@,
// @COURSE@, @SESSION@ (the live class), @ROOM@ (its provider room), @BBB_ROOM@ and @ZOOM_ROOM@ (live
// classes on BigBlueButton and Zoom: events name only classes on their own provider), @STUDENT@; and "Bearer admin",
// "Bearer instructor", "Bearer student" become real access tokens.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "app/app.hpp"
#include "core/time.hpp"
#include "infra/crypto.hpp"
#include "store/database.hpp"

namespace lc::fuzz {

constexpr UnixTime kNow = 1790000000;  // 2026-09-21T14:13:20Z
constexpr const char* kJitsiWebhookSecret = "fuzz-jitsi-webhook-secret-0123456789";
constexpr const char* kBbbSecret = "fuzz-bbb-shared-secret-0123456789";
constexpr const char* kZoomWebhookSecret = "fuzz-zoom-webhook-secret-0123456789";
constexpr const char* kPublicUrl = "https://live.fuzz.test";

struct World {
    ManualClock clock{kNow};
    infra::Logger log = infra::Logger::quiet();
    std::string db_path;
    std::unique_ptr<app::App> app;
    domain::Tenant tenant;
    domain::User admin, instructor, student;
    std::string course_id, session_id, room_id, bbb_room_id, zoom_room_id = "85746352";
    std::string admin_token, instructor_token, student_token;

    World() {
        db_path = (std::filesystem::temp_directory_path() /
                   ("liveclass-fuzz-" + std::to_string(::getpid()) + "-" + infra::random_hex(4) + ".db"))
                      .string();
        Config cfg;
        cfg.database_url = "sqlite:" + db_path;
        cfg.secret_key = "fuzz-secret-key-0123456789abcdef0123456789";
        cfg.db_pool_size = 4;
        cfg.handler_threads = 1;
        cfg.job_workers = 0;
        cfg.public_url = kPublicUrl;
        // Nothing the fuzzer reaches may wait on the network: every provider endpoint is a closed local port.
        cfg.jitsi_domain = "127.0.0.1:9";
        cfg.jitsi_app_id = "fuzz";
        cfg.jitsi_jwt_secret = "fuzz-jitsi-jwt-secret-0123456789";
        cfg.zoom_api_url = "http://127.0.0.1:9/v2";
        cfg.zoom_oauth_url = "http://127.0.0.1:9/oauth/token";
        auto a = app::App::create(cfg, clock, log, true);
        if (!a) throw std::runtime_error("App::create: " + a.error().message + " " + a.error().internal);
        app = std::move(a.value());
        auto& dir = app->directory();
        tenant = must(dir.create_tenant({"fuzz", "Fuzz School", {}, ""}));
        auto mk = [&](const char* email, domain::UserRole role) {
            services::NewUser u;
            u.email = email;
            u.password = "fuzz-password";
            u.full_name = email;
            u.role = role;
            return must(dir.create_user_in("fuzz", u));
        };
        admin = mk("admin@fuzz.test", domain::UserRole::kAdmin);
        instructor = mk("teacher@fuzz.test", domain::UserRole::kInstructor);
        student = mk("student@fuzz.test", domain::UserRole::kStudent);
        services::Principal p{admin, tenant};
        services::ProviderConfigInput jitsi;
        jitsi.provider = domain::ProviderKind::kJitsi;
        jitsi.is_default = true;
        jitsi.jitsi_domain = "127.0.0.1:9";
        jitsi.jitsi_app_id = "fuzz";
        jitsi.jitsi_jwt_secret = "fuzz-jitsi-jwt-secret-0123456789";
        jitsi.webhook_secret = kJitsiWebhookSecret;
        must(app->config_service().put_live_config(p, tenant.id, jitsi));
        services::ProviderConfigInput bbb;
        bbb.provider = domain::ProviderKind::kBbb;
        bbb.is_default = false;
        bbb.bbb_server_url = "http://127.0.0.1:9/bigbluebutton/";
        bbb.bbb_shared_secret = kBbbSecret;
        must(app->config_service().put_live_config(p, tenant.id, bbb));
        services::ProviderConfigInput zoom;
        zoom.provider = domain::ProviderKind::kZoom;
        zoom.is_default = false;
        zoom.zoom_account_id = "fuzz-account";
        zoom.zoom_client_id = "fuzz-client";
        zoom.zoom_client_secret = "fuzz-client-secret";
        zoom.zoom_webhook_secret = kZoomWebhookSecret;
        must(app->config_service().put_live_config(p, tenant.id, zoom));
        auto course = must(dir.create_course(p, {"Fuzz course", "", {instructor.id}}));
        course_id = course.id;
        must(dir.enroll(p, course_id, student.id));
        services::SessionInput in;
        in.course_id = course_id;
        in.title = "Fuzz class";
        in.scheduled_start = kNow + 600;
        in.scheduled_end = kNow + 4200;
        services::Principal teacher{instructor, tenant};
        auto s = must(app->sessions().create(teacher, in, {}));
        session_id = s.session.id;
        auto live = must(app->sessions().start(teacher, session_id, {}));
        room_id = live.session.room_id;
        // Starting a class on BBB or Zoom would call the provider: these two are made live in the store.
        auto on_bbb = must(app->sessions().create(teacher, in, {}));
        auto on_zoom = must(app->sessions().create(teacher, in, {}));
        bbb_room_id = on_bbb.session.room_id;
        {
            store::Tx tx(app->db());
            tx.sql() << "UPDATE live_sessions SET provider = 'bbb', status = 'live' WHERE id = :i",
                soci::use(on_bbb.session.id);
            tx.sql() << "UPDATE live_sessions SET provider = 'zoom', status = 'live', room_id = :r WHERE id = :i",
                soci::use(zoom_room_id), soci::use(on_zoom.session.id);
            tx.commit();
        }
        admin_token = app->auth().issue_access_token(admin, tenant);
        instructor_token = app->auth().issue_access_token(instructor, tenant);
        student_token = app->auth().issue_access_token(student, tenant);
    }
    /// The database files go when the process exits (libFuzzer leaves through exit(), never through ~World).
    void remove_files() const {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", ".key"}) std::filesystem::remove(db_path + suffix, ec);
    }

    /// Replaces the placeholders of the header comment.
    std::string substitute(std::string s) const {
        const std::pair<std::string, std::string> subs[] = {{"@TENANT@", tenant.id},
                                                            {"@COURSE@", course_id},
                                                            {"@SESSION@", session_id},
                                                            {"@ROOM@", room_id},
                                                            {"@BBB_ROOM@", bbb_room_id},
                                                            {"@ZOOM_ROOM@", zoom_room_id},
                                                            {"@STUDENT@", student.id},
                                                            {"Bearer admin", "Bearer " + admin_token},
                                                            {"Bearer instructor", "Bearer " + instructor_token},
                                                            {"Bearer student", "Bearer " + student_token}};
        for (const auto& [from, to] : subs)
            for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
                s.replace(pos, from.size(), to);
        return s;
    }

    template <class T>
    static T must(Result<T> r) {
        if (!r) throw std::runtime_error("fuzz fixture: " + r.error().message + " " + r.error().internal);
        return std::move(r.value());
    }
};

inline World& world() {
    static World* w = [] {
        auto* made = new World();  // never destroyed: its threads still run when libFuzzer exits
        std::atexit([] { world().remove_files(); });
        return made;
    }();
    return *w;
}

/// A failed invariant: a crash libFuzzer reports with the input that caused it.
[[noreturn]] inline void invariant_failed(const std::string& what) {
    std::fprintf(stderr, "invariant failed: %s\n", what.c_str());
    std::abort();
}

}  // namespace lc::fuzz
