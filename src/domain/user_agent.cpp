#include "domain/user_agent.hpp"

namespace lc::domain {
namespace {

bool has(std::string_view ua, std::string_view token) { return ua.find(token) != std::string_view::npos; }

std::string device_type(std::string_view ua) {
    // Tablets first: iPad and Android-tablet UAs may also carry "Mobile"/"Mobi" tokens.
    if (has(ua, "iPad") || has(ua, "Tablet") || (has(ua, "Android") && !has(ua, "Mobile"))) return "tablet";
    if (has(ua, "Mobi") || has(ua, "iPhone")) return "mobile";  // "Mobi" also covers Android "Mobile"
    return "desktop";
}

std::string browser(std::string_view ua) {
    // Order matters: Edge, Opera and Samsung Internet also say "Chrome/", and every Chromium and
    // WebKit browser says "Safari/".
    if (has(ua, "Edg/") || has(ua, "EdgA/") || has(ua, "EdgiOS/") || has(ua, "Edge/")) return "Edge";
    if (has(ua, "OPR/") || has(ua, "Opera")) return "Opera";
    if (has(ua, "SamsungBrowser")) return "Samsung Internet";
    if (has(ua, "Firefox/") || has(ua, "FxiOS")) return "Firefox";
    if (has(ua, "Chrome/") || has(ua, "CriOS") || has(ua, "Chromium")) return "Chrome";
    if (has(ua, "Safari/")) return "Safari";
    return "Other";
}

}  // namespace

DeviceInfo classify_user_agent(std::string_view ua) {
    if (ua.empty()) return {};
    return {device_type(ua), browser(ua)};
}

}  // namespace lc::domain
