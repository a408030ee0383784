#pragma once
#include <string>
#include <string_view>

namespace lc::domain {

/// device_type: "mobile" | "tablet" | "desktop" | "" (unknown/empty UA); browser: "Chrome", "Firefox",
/// "Safari", "Edge", "Opera", "Samsung Internet", "Other" or "" — coarse on purpose (KVKK: no fingerprinting).
struct DeviceInfo {
    std::string device_type;
    std::string browser;
};
DeviceInfo classify_user_agent(std::string_view ua);

}  // namespace lc::domain
