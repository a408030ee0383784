#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "domain/user_agent.hpp"

namespace lc::domain {
namespace {

struct UaCase {
    const char* label;
    const char* ua;
    const char* device;
    const char* browser;
};

void PrintTo(const UaCase& c, std::ostream* os) { *os << c.label; }

class UserAgentTest : public ::testing::TestWithParam<UaCase> {};

TEST_P(UserAgentTest, Classifies) {
    const UaCase& c = GetParam();
    const DeviceInfo info = classify_user_agent(c.ua);
    EXPECT_EQ(info.device_type, c.device) << c.ua;
    EXPECT_EQ(info.browser, c.browser) << c.ua;
}

INSTANTIATE_TEST_SUITE_P(
    RealUserAgents, UserAgentTest,
    ::testing::Values(
        UaCase{"ChromeWindows",
               "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/120.0.0.0 Safari/537.36",
               "desktop", "Chrome"},
        UaCase{"ChromiumLinux",
               "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/119.0.6045.199 "
               "Chrome/119.0.6045.199 Safari/537.36",
               "desktop", "Chrome"},
        UaCase{"FirefoxWindows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
               "desktop", "Firefox"},
        UaCase{"FirefoxLinux", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
               "desktop", "Firefox"},
        UaCase{"SafariMac",
               "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/17.2 Safari/605.1.15",
               "desktop", "Safari"},
        UaCase{"EdgeWindows",
               "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
               "desktop", "Edge"},
        UaCase{"OperaWindows",
               "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0",
               "desktop", "Opera"},
        UaCase{"SafariIphone",
               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/17.2 Mobile/15E148 Safari/604.1",
               "mobile", "Safari"},
        UaCase{"ChromeIphone",
               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
               "mobile", "Chrome"},
        UaCase{"FirefoxIphone",
               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "FxiOS/121.0 Mobile/15E148 Safari/605.1.15",
               "mobile", "Firefox"},
        UaCase{"ChromeAndroidPhone",
               "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
               "Mobile Safari/537.36",
               "mobile", "Chrome"},
        UaCase{"FirefoxAndroidPhone", "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0", "mobile",
               "Firefox"},
        UaCase{"SamsungAndroidPhone",
               "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
               "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
               "mobile", "Samsung Internet"},
        UaCase{"EdgeAndroidPhone",
               "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
               "Mobile Safari/537.36 EdgA/120.0.2210.115",
               "mobile", "Edge"},
        UaCase{"SafariIpad",
               "Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/17.2 Mobile/15E148 Safari/604.1",
               "tablet", "Safari"},
        UaCase{"ChromeAndroidTablet",
               "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/120.0.0.0 Safari/537.36",
               "tablet", "Chrome"},
        UaCase{"FirefoxAndroidTablet", "Mozilla/5.0 (Android 14; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0", "tablet",
               "Firefox"},
        UaCase{"Curl", "curl/8.4.0", "desktop", "Other"}),
    [](const ::testing::TestParamInfo<UaCase>& info) { return std::string(info.param.label); });

TEST(DomainUserAgent, EmptyIsUnknown) {
    const DeviceInfo info = classify_user_agent("");
    EXPECT_EQ(info.device_type, "");
    EXPECT_EQ(info.browser, "");
}

}  // namespace
}  // namespace lc::domain
