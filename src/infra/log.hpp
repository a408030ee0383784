#pragma once
// JSON-lines logging over spdlog. Each line is one object: ts, level, msg, then the given fields.
// Callers pass ids (request, tenant, session) as fields; raw IPs and tokens are never logged on
// purpose, and as a second line of defence every string that goes out is passed through
// redact_personal_data (seed 9.4 log minimisation): a database error quoting an e-mail or an
// upstream error quoting an address is masked too. Values are JSON-escaped, so CR/LF in input can
// never start a forged log line.
#include <spdlog/logger.h>

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>

namespace lc::infra {

/// Masks what must not reach logs: e-mail addresses keep their first character and domain
/// (a***@school.edu), IPv4/IPv6 addresses become [ip], JWTs and bearer tokens become [token].
std::string redact_personal_data(std::string_view text);

class Logger {
public:
    /// Logs to stderr at `level` ("debug", "info", "warn", "error").
    static Logger to_stderr(std::string_view level);
    /// Discards everything below error (tests).
    static Logger quiet();
    explicit Logger(std::shared_ptr<spdlog::logger> l) : l_(std::move(l)) {}

    void debug(std::string_view msg, boost::json::object fields = {}) const;
    void info(std::string_view msg, boost::json::object fields = {}) const;
    void warn(std::string_view msg, boost::json::object fields = {}) const;
    void error(std::string_view msg, boost::json::object fields = {}) const;
    bool debug_enabled() const;
    bool info_enabled() const;

private:
    void write(spdlog::level::level_enum lvl, std::string_view msg, boost::json::object&& fields) const;
    std::shared_ptr<spdlog::logger> l_;
};

}  // namespace lc::infra
