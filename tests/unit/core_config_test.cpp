// Configuration from the environment (12-factor): the S3 settings of seed 5.3, and that a bad value
// is reported with the variable's name instead of being ignored.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/config.hpp"

namespace lc {
namespace {

Result<Config> load(const std::map<std::string, std::string>& env) {
    return load_config([&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    });
}

std::string fields(const Error& e) {
    std::string out;
    for (const auto& f : e.fields) out += f.field + ": " + f.detail + "\n";
    return out;
}

TEST(CoreConfig, S3IsOffByDefaultAndReadFromTheEnvironment) {
    auto none = load({});
    ASSERT_TRUE(none);
    EXPECT_EQ(none->s3_bucket, "");
    EXPECT_EQ(none->s3_region, "us-east-1");
    EXPECT_EQ(none->s3_path_style, -1) << "decided by whether an endpoint is set";
    EXPECT_EQ(none->s3_link_seconds, 300);
    EXPECT_EQ(none->s3_part_mb, 16);

    auto set = load({{"LIVE_S3_BUCKET", "school-recordings"},
                     {"LIVE_S3_ENDPOINT", "https://minio.example.org:9000"},
                     {"LIVE_S3_REGION", "eu-central-1"},
                     {"LIVE_S3_ACCESS_KEY_ID", "AKID"},
                     {"LIVE_S3_SECRET_ACCESS_KEY", "secret"},
                     {"LIVE_S3_PREFIX", "liveclass/"},
                     {"LIVE_S3_PATH_STYLE", "false"},
                     {"LIVE_S3_LINK_SECONDS", "120"},
                     {"LIVE_S3_PART_MB", "64"}});
    ASSERT_TRUE(set) << fields(set.error());
    EXPECT_EQ(set->s3_bucket, "school-recordings");
    EXPECT_EQ(set->s3_endpoint, "https://minio.example.org:9000");
    EXPECT_EQ(set->s3_region, "eu-central-1");
    EXPECT_EQ(set->s3_access_key_id, "AKID");
    EXPECT_EQ(set->s3_secret_access_key, "secret");
    EXPECT_EQ(set->s3_prefix, "liveclass/");
    EXPECT_EQ(set->s3_path_style, 0);
    EXPECT_EQ(set->s3_link_seconds, 120);
    EXPECT_EQ(set->s3_part_mb, 64);
    EXPECT_EQ(load({{"LIVE_S3_PATH_STYLE", "true"}})->s3_path_style, 1);
    EXPECT_EQ(load({{"LIVE_S3_PATH_STYLE", ""}})->s3_path_style, -1) << "empty as in .env.example: the default";
}

TEST(CoreConfig, TheAiServiceIsOffByDefaultAndItsSettingsAreChecked) {
    auto none = load({});
    ASSERT_TRUE(none);
    EXPECT_EQ(none->ai_url, "") << "no transcript leaves for an AI service unless an operator says so";
    EXPECT_EQ(none->ai_model, "gpt-4o-mini");
    EXPECT_EQ(none->ai_part_chars, 60000);
    auto set = load({{"LIVE_AI_URL", "https://api.openai.com/v1"},
                     {"LIVE_AI_API_KEY", "sk-test"},
                     {"LIVE_AI_MODEL", "gpt-4o"},
                     {"LIVE_AI_PART_CHARS", "120000"}});
    ASSERT_TRUE(set) << fields(set.error());
    EXPECT_EQ(set->ai_url, "https://api.openai.com/v1");
    EXPECT_EQ(set->ai_api_key, "sk-test");
    EXPECT_EQ(set->ai_model, "gpt-4o");
    EXPECT_EQ(set->ai_part_chars, 120000);
    EXPECT_EQ(load({{"LIVE_AI_URL", "off"}})->ai_url, "");
    auto bad = load({{"LIVE_AI_URL", "api.openai.com"}, {"LIVE_AI_PART_CHARS", "10"}});
    ASSERT_FALSE(bad);
    const std::string named = fields(bad.error());
    EXPECT_NE(named.find("LIVE_AI_URL"), std::string::npos) << named;
    EXPECT_NE(named.find("LIVE_AI_PART_CHARS"), std::string::npos) << named;
}

TEST(CoreConfig, BadS3ValuesNameTheirVariable) {
    auto bad = load({{"LIVE_S3_PART_MB", "4"}, {"LIVE_S3_LINK_SECONDS", "604801"}, {"LIVE_S3_PATH_STYLE", "maybe"}});
    ASSERT_FALSE(bad);
    const std::string text = fields(bad.error());
    EXPECT_NE(text.find("LIVE_S3_PART_MB: must be an integer between 5 and 512"), std::string::npos) << text;
    EXPECT_NE(text.find("LIVE_S3_LINK_SECONDS"), std::string::npos) << text;
    EXPECT_NE(text.find("LIVE_S3_PATH_STYLE"), std::string::npos) << text;
}

}  // namespace
}  // namespace lc
