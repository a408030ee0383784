#pragma once
// JSON-lines logging over spdlog. Each line is one object: ts, level, msg, then the given fields.
// Callers pass ids (request, tenant, session) as fields; raw IPs and tokens are never logged.
#include <memory>
#include <string_view>

#include <boost/json/object.hpp>
#include <spdlog/logger.h>

namespace lc::infra {

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
