// Seed 13.1: the transcript's pure parts: pieces put together in recording time, the caption formats
// (WebVTT, SubRip) and the language names speech-to-text services answer with; and the multipart body
// the transcription request is sent as.
#include "domain/transcript.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "infra/speech_to_text.hpp"

namespace lc::domain {
namespace {

TEST(Transcript, PiecesAreShiftedIntoRecordingTimeAndEmptyOrBrokenSegmentsAreMended) {
    std::vector<TranscriptSegment> all;
    append_segments(all, {{0, 3.5, " Merhaba\n sınıf "}, {3.5, 4, "   "}}, 0);
    append_segments(all, {{0.2, 2, "ikinci\tparça"}, {5, 4, "geri giden"}, {-1, std::nan(""), "bozuk"}}, 600.04);
    ASSERT_EQ(all.size(), 4u) << "the blank segment is dropped";
    EXPECT_EQ(all[0].text, "Merhaba sınıf");
    EXPECT_DOUBLE_EQ(all[1].start, 600.24);
    EXPECT_DOUBLE_EQ(all[1].end, 602.04);
    EXPECT_EQ(all[1].text, "ikinci parça");
    EXPECT_DOUBLE_EQ(all[2].end, all[2].start) << "an end before its start is moved to the start";
    EXPECT_DOUBLE_EQ(all[3].start, 600.04) << "a negative start is the piece's start";
    EXPECT_DOUBLE_EQ(all[3].end, 600.04) << "no end (NaN) is the start";
}

TEST(Transcript, WebVttHasTheHeaderDotTimesAndEscapedCueText) {
    std::vector<TranscriptSegment> s{{0, 1.5, "a < b && c > d"}, {3661.0005, 3725.25, "saat --> bir"}};
    EXPECT_EQ(to_webvtt(s),
              "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\na &lt; b &amp;&amp; c &gt; d\n\n"
              "01:01:01.001 --> 01:02:05.250\nsaat --&gt; bir\n");
    EXPECT_EQ(to_webvtt({}), "WEBVTT\n");
}

TEST(Transcript, SubRipNumbersItsCuesAndUsesCommaTimes) {
    std::vector<TranscriptSegment> s{{0, 1.5, "bir"}, {2, 3, "iki --> üç"}};
    EXPECT_EQ(to_srt(s), "1\n00:00:00,000 --> 00:00:01,500\nbir\n\n2\n00:00:02,000 --> 00:00:03,000\niki -> üç\n");
    EXPECT_EQ(to_srt({}), "");
}

TEST(Transcript, PlainTextJoinsTheSegments) {
    EXPECT_EQ(plain_text({{0, 1, " Bugün "}, {1, 2, ""}, {2, 3, "kesirler."}}), "Bugün kesirler.");
}

TEST(Transcript, LanguageNamesBecomeIsoCodes) {
    EXPECT_EQ(language_code("turkish"), "tr");
    EXPECT_EQ(language_code("English"), "en");
    EXPECT_EQ(language_code("tr"), "tr") << "self-hosted servers answer with the code";
    EXPECT_EQ(language_code("klingon"), "");
    EXPECT_EQ(language_code("t1"), "");
    EXPECT_EQ(language_code(""), "");
}

}  // namespace
}  // namespace lc::domain

namespace lc::infra {
namespace {

TEST(SpeechToText, TheMultipartBodyFollowsRfc7578WithABoundaryNotInItsParts) {
    std::string boundary;
    const std::string audio = std::string("ID3\0\x01", 5) + "--liveclass-";
    const std::string body = multipart_body({{"model", "whisper-1"}, {"language", "tr"}}, "file", "audio.mp3",
                                            "audio/mpeg", audio, boundary);
    ASSERT_FALSE(boundary.empty());
    EXPECT_EQ(audio.find(boundary), std::string::npos);
    EXPECT_EQ(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--" +
                        boundary + "\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\ntr\r\n--" + boundary +
                        "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio.mp3\"\r\nContent-Type: "
                        "audio/mpeg\r\n\r\n" +
                        audio + "\r\n--" + boundary + "--\r\n");
}

}  // namespace
}  // namespace lc::infra
