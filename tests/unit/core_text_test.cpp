#include <gtest/gtest.h>

#include "core/text.hpp"

namespace lc {
namespace {

TEST(CoreText, AsciiLowerLowersOnlyAsciiLetters) {
    EXPECT_EQ(ascii_lower("Okul-0B0F8C4E-1C7D"), "okul-0b0f8c4e-1c7d");
    EXPECT_EQ(ascii_lower("X-Live-Signature"), "x-live-signature");
    // Multi-byte UTF-8 is left as it is (no locale-dependent byte changes that could break it).
    EXPECT_EQ(ascii_lower("ÖĞRENCİ@Okul.Test"), "ÖĞrencİ@okul.test");
    EXPECT_EQ(ascii_lower(""), "");
}

TEST(CoreText, Utf8PrefixCutsAtCharactersNotBytes) {
    EXPECT_EQ(utf8_prefix("Öğrenci", 2), "Öğ");
    EXPECT_EQ(utf8_length(utf8_prefix("Öğrenci", 100)), 7U);
}

}  // namespace
}  // namespace lc
