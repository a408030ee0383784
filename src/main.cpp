// liveclass: one binary for the server (`serve`), job workers (`worker`), schema migrations
// (`migrate`) and the operator's admin commands (`admin ...`, DESIGN.md section 4).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "app/app.hpp"
#include "http/serializers.hpp"
#include "store/migrations.hpp"

namespace {

namespace json = boost::json;
using lc::app::App;

int fail(const lc::Error& e) {
    std::cerr << "error: " << e.message;
    for (const auto& f : e.fields) std::cerr << "\n  " << f.field << ": " << f.detail;
    if (!e.internal.empty()) std::cerr << "\n  (" << e.internal << ")";
    std::cerr << std::endl;
    switch (e.code) {
        case lc::Code::kInvalidArgument:
        case lc::Code::kBadRequest:
            return 2;
        case lc::Code::kNotFound:
            return 3;
        case lc::Code::kAlreadyExists:
            return 4;
        default:
            return 1;
    }
}

/// Blocks until SIGTERM or SIGINT arrives.
int wait_for_signal() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    sigwait(&set, &sig);
    return sig;
}

}  // namespace

int main(int argc, char** argv) {
    // Block termination signals in every thread; the main thread waits for them with sigwait.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App cli{"liveclass: live classes on Jitsi, BigBlueButton or Zoom for a multi-tenant LMS"};
    cli.require_subcommand(1);
    bool demo = false;
    auto* serve = cli.add_subcommand("serve", "run the HTTP API (and in-process job workers)");
    serve->add_flag("--demo", demo, "seed a demo school on an empty database and print its logins");
    auto* migrate = cli.add_subcommand("migrate", "apply database migrations and exit");
    auto* worker = cli.add_subcommand("worker", "run job workers only (scale out beside `serve`)");
    int worker_threads = 2;
    worker->add_option("--threads", worker_threads, "worker threads")->check(CLI::Range(1, 64));

    auto* admin = cli.add_subcommand("admin", "operator commands; each prints the created object as one JSON line");
    admin->require_subcommand(1);
    std::string slug, name, email, password, role = "student", title, instructor, course_id, lms_secret;
    std::vector<std::string> domains;
    auto* ct = admin->add_subcommand("create-tenant", "create a school");
    ct->add_option("--slug", slug, "URL-safe short name")->required();
    ct->add_option("--name", name, "display name")->required();
    ct->add_option("--domain", domains, "host name(s) of the school (login by Host header)");
    ct->add_option("--lms-jwt-secret", lms_secret, "enables single sign-on from the host LMS");
    auto* cu = admin->add_subcommand("create-user", "create a user in a school");
    cu->add_option("--tenant", slug, "school slug")->required();
    cu->add_option("--email", email)->required();
    cu->add_option("--password", password)->required();
    cu->add_option("--name", name)->required();
    cu->add_option("--role", role)->check(CLI::IsMember({"admin", "instructor", "student"}));
    auto* cc = admin->add_subcommand("create-course", "create a course");
    cc->add_option("--tenant", slug, "school slug")->required();
    cc->add_option("--title", title)->required();
    cc->add_option("--instructor", instructor, "instructor's e-mail");
    auto* en = admin->add_subcommand("enroll", "enrol a user in a course");
    en->add_option("--course", course_id, "course id")->required();
    en->add_option("--email", email, "user's e-mail")->required();
    int archive_days = 90, expire_days = 180;
    bool force = false;
    auto* lifecycle = admin->add_subcommand(
        "s3-lifecycle", "put the S3 bucket's lifecycle rules: recordings to Glacier IR, then deleted (seed 11.5)");
    lifecycle->add_option("--archive-days", archive_days, "days until recordings move to GLACIER_IR (0: never)")
        ->check(CLI::Range(0, 36500));
    lifecycle->add_option("--expire-days", expire_days, "days until recordings and thumbnails are deleted")
        ->check(CLI::Range(1, 36500));
    lifecycle->add_flag("--force", force, "even when a class policy keeps recordings longer than --expire-days");

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e);
    }

    auto cfg = lc::load_config([](const char* n) { return std::getenv(n); });
    if (!cfg) return fail(cfg.error());
    lc::SystemClock clock;
    auto log = lc::infra::Logger::to_stderr(cfg->log_level);
    bool is_sqlite = cfg->database_url.rfind("sqlite:", 0) == 0;

    if (*migrate) {
        auto app = App::create(*cfg, clock, log, true);
        if (!app) return fail(app.error());
        std::cout << json::serialize(json::object{{"migrated", true}}) << std::endl;
        return 0;
    }
    if (*serve) {
        // The embedded default migrates itself; on PostgreSQL run `liveclass migrate` as a deploy step.
        auto app = App::create(*cfg, clock, log, is_sqlite || demo);
        if (!app) return fail(app.error());
        if (demo) {
            auto lines = (*app)->seed_demo();
            if (!lines) return fail(lines.error());
            for (const auto& l : lines.value()) std::cout << l << std::endl;
        }
        unsigned short port = 0;
        try {
            port = (*app)->serve();
        } catch (const std::exception& e) {
            // e.g. the port is taken or LIVE_HTTP_HOST is not an address: a message, not an abort().
            return fail(lc::Error::unavailable(
                "cannot listen on " + cfg->http_host + ":" + std::to_string(cfg->http_port), e.what()));
        }
        log.info("listening", {{"host", cfg->http_host}, {"port", port}});
        std::cout << "liveclass listening on http://" << cfg->http_host << ":" << port << std::endl;
        int sig = wait_for_signal();
        log.info("shutting down", {{"signal", sig}});
        (*app)->shutdown(30);
        log.info("stopped");
        return 0;
    }
    if (*worker) {
        auto app = App::create(*cfg, clock, log, false);
        if (!app) return fail(app.error());
        (*app)->start_workers(worker_threads);
        log.info("workers started", {{"threads", worker_threads}});
        wait_for_signal();
        (*app)->workers().stop();
        return 0;
    }
    // admin ...
    auto app = App::create(*cfg, clock, log, is_sqlite);
    if (!app) return fail(app.error());
    auto& dir = (*app)->directory();
    if (*ct) {
        auto t = dir.create_tenant({slug, name, domains, lms_secret});
        if (!t) return fail(t.error());
        std::cout << json::serialize(lc::http::to_json(t.value())) << std::endl;
    } else if (*cu) {
        lc::services::NewUser nu;
        nu.email = email;
        nu.password = password;
        nu.full_name = name;
        nu.role = *lc::domain::parse_user_role(role);
        auto u = dir.create_user_in(slug, nu);
        if (!u) return fail(u.error());
        std::cout << json::serialize(lc::http::to_json(u.value())) << std::endl;
    } else if (*cc) {
        auto c = dir.create_course_in(slug, title, instructor);
        if (!c) return fail(c.error());
        std::cout << json::serialize(lc::http::to_json(c.value())) << std::endl;
    } else if (*en) {
        auto id = dir.enroll_by_email(course_id, email);
        if (!id) return fail(id.error());
        std::cout << json::serialize(json::object{{"id", id.value()}, {"course_id", course_id}, {"email", email}})
                  << std::endl;
    } else if (*lifecycle) {
        auto xml = (*app)->apply_s3_lifecycle(archive_days, expire_days, force);
        if (!xml) return fail(xml.error());
        std::cout << json::serialize(json::object{{"bucket", cfg->s3_bucket},
                                                  {"prefix", cfg->s3_prefix},
                                                  {"archive_days", archive_days},
                                                  {"expire_days", expire_days},
                                                  {"rules", xml.value()}})
                  << std::endl;
    }
    return 0;
}
