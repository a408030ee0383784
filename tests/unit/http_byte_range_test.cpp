// RFC 9110 section 14: the byte ranges a recording's player asks for, every form we serve and every
// form we refuse or ignore.
#include <gtest/gtest.h>

#include "http/file_stream.hpp"

namespace lc::http {
namespace {

using K = ByteRange::Kind;

void expect(const ByteRange& r, K kind, long long first, long long last) {
    EXPECT_EQ(r.kind, kind);
    EXPECT_EQ(r.first, first);
    EXPECT_EQ(r.last, last);
}

TEST(ByteRange, TheFormsAPlayerSends) {
    expect(parse_byte_range("bytes=0-", 1000), K::kPartial, 0, 999);
    expect(parse_byte_range("bytes=100-199", 1000), K::kPartial, 100, 199);
    expect(parse_byte_range("bytes=900-5000", 1000), K::kPartial, 900, 999);  // an end past the file is clipped
    expect(parse_byte_range("bytes=-10", 1000), K::kPartial, 990, 999);
    expect(parse_byte_range("bytes=-5000", 1000), K::kPartial, 0, 999);
    expect(parse_byte_range("bytes=999-999", 1000), K::kPartial, 999, 999);
    expect(parse_byte_range(" Bytes=5-6 ", 1000), K::kPartial, 5, 6);
    expect(parse_byte_range("bytes= 5 - 6", 1000), K::kPartial, 5, 6);
}

TEST(ByteRange, NoRangeOrOneWeDoNotServeIsTheWholeFile) {
    for (const char* h : {"", "bytes=", "bytes=-", "bytes=abc-", "bytes=5-4", "bytes=1-2,5-6", "items=0-1", "bytes=1-x",
                          "bytes=+1-2", "bytes=99999999999999999999-"})
        expect(parse_byte_range(h, 1000), K::kWhole, 0, 999);
}

TEST(ByteRange, ARangePastTheEndIsUnsatisfiable) {
    EXPECT_EQ(parse_byte_range("bytes=1000-", 1000).kind, K::kUnsatisfiable);
    EXPECT_EQ(parse_byte_range("bytes=1000-2000", 1000).kind, K::kUnsatisfiable);
    EXPECT_EQ(parse_byte_range("bytes=-0", 1000).kind, K::kUnsatisfiable);
    EXPECT_EQ(parse_byte_range("bytes=0-", 0).kind, K::kUnsatisfiable);
    EXPECT_EQ(parse_byte_range("bytes=-5", 0).kind, K::kUnsatisfiable);
    expect(parse_byte_range("", 0), K::kWhole, 0, -1);  // an empty file is sent whole: nothing
}

}  // namespace
}  // namespace lc::http
