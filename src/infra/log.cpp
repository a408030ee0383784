#include "infra/log.hpp"

#include <chrono>
#include <ctime>

#include <boost/json.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace lc::infra {

namespace {
std::string now_iso_ms() {
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
    return buf;
}
}  // namespace

Logger Logger::to_stderr(std::string_view level) {
    auto l = std::make_shared<spdlog::logger>("liveclass", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::from_str(std::string(level)));
    l->flush_on(spdlog::level::info);
    return Logger(l);
}

Logger Logger::quiet() {
    auto l = std::make_shared<spdlog::logger>("quiet", std::make_shared<spdlog::sinks::null_sink_mt>());
    l->set_level(spdlog::level::err);
    return Logger(l);
}

bool Logger::debug_enabled() const { return l_->should_log(spdlog::level::debug); }
bool Logger::info_enabled() const { return l_->should_log(spdlog::level::info); }

void Logger::write(spdlog::level::level_enum lvl, std::string_view msg, boost::json::object&& fields) const {
    if (!l_->should_log(lvl)) return;
    boost::json::object o;
    o["ts"] = now_iso_ms();
    o["level"] = spdlog::level::to_string_view(lvl).data();
    o["msg"] = msg;
    for (auto& kv : fields) o[kv.key()] = std::move(kv.value());
    l_->log(lvl, "{}", boost::json::serialize(o));
}

void Logger::debug(std::string_view m, boost::json::object f) const { write(spdlog::level::debug, m, std::move(f)); }
void Logger::info(std::string_view m, boost::json::object f) const { write(spdlog::level::info, m, std::move(f)); }
void Logger::warn(std::string_view m, boost::json::object f) const { write(spdlog::level::warn, m, std::move(f)); }
void Logger::error(std::string_view m, boost::json::object f) const { write(spdlog::level::err, m, std::move(f)); }

}  // namespace lc::infra
