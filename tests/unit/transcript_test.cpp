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
    append_segments(all, {{0, 3.5, " Merhaba\n sınıf "}, {3.5, 4, "   "}}, 0, 600.04);
    const double inf = std::numeric_limits<double>::infinity();
    append_segments(
        all, {{5, 4, "geri giden"}, {0.2, 2, "ikinci\tparça"}, {-1, std::nan(""), "bozuk"}, {1e300, inf, "çok ileri"}},
        600.04, 10);
    ASSERT_EQ(all.size(), 5u) << "the blank segment is dropped";
    EXPECT_EQ(all[0].text, "Merhaba sınıf");
    EXPECT_EQ(all[1].text, "bozuk") << "a piece's cues in order of their start";
    EXPECT_DOUBLE_EQ(all[1].start, 600.04) << "a negative start is the piece's start";
    EXPECT_GT(all[1].end, all[1].start) << "every cue ends after it starts (WebVTT)";
    EXPECT_EQ(all[2].text, "ikinci parça");
    EXPECT_DOUBLE_EQ(all[2].start, 600.24);
    EXPECT_DOUBLE_EQ(all[2].end, 602.04);
    EXPECT_EQ(all[3].text, "geri giden");
    EXPECT_NEAR(all[3].end, all[3].start + 0.001, 1e-9) << "an end before its start is moved just after it";
    EXPECT_EQ(all[4].text, "çok ileri");
    EXPECT_DOUBLE_EQ(all[4].start, 610.04) << "times past the piece are its end";
    EXPECT_EQ(to_webvtt({all[4]}), "WEBVTT\n\n00:10:10.040 --> 00:10:10.041\nçok ileri\n");
}

TEST(Transcript, ABrokenServiceCannotFillTheDatabase) {
    std::vector<TranscriptSegment> flood(kMaxSegmentsPerPiece + 50, {0, 1, "a"});
    flood.push_back({0, 1, std::string(10000, 'x')});
    std::vector<TranscriptSegment> all;
    append_segments(all, flood, 0, 600);
    EXPECT_EQ(all.size(), kMaxSegmentsPerPiece);
    std::vector<TranscriptSegment> long_text;
    append_segments(long_text, {{0, 1, std::string(kMaxSegmentBytes - 1, 'x') + "ş"}}, 0, 600);
    ASSERT_EQ(long_text.size(), 1u);
    EXPECT_EQ(long_text[0].text.size(), kMaxSegmentBytes - 1) << "cut before the character, not inside it";
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

TEST(Transcript, AProvidersWebVttIsReadCueByCue) {
    auto cues = parse_webvtt(
        "\xEF\xBB\xBFWEBVTT - Zoom\r\nKind: captions\r\n\r\n"
        "NOTE a comment\r\nover two lines\r\n\r\n"
        "STYLE\r\n::cue { color: red }\r\n\r\n"
        "1\r\n00:00:01.200 --> 00:00:04.900 align:start\r\nAyşe: Günaydın,\r\nbaşlıyoruz.\r\n\r\n"
        "00:35.000 --> 00:39.500\n<v Ali Öğrenci>Pay &amp; payda <b>altta</b> &lt;3</v>\n\n"
        "01:02:03.004 --> 01:02:05.000\nuzun ders\n\n"
        "bad --> 00:00:01.000\nnot a cue\n\n"
        "00:00:99.000 --> 00:01:00.000\nsixty-one seconds is not a time\n");
    ASSERT_TRUE(cues);
    ASSERT_EQ(cues->size(), 3u);
    EXPECT_DOUBLE_EQ((*cues)[0].start, 1.2);
    EXPECT_DOUBLE_EQ((*cues)[0].end, 4.9);
    EXPECT_EQ((*cues)[0].text, "Ayşe: Günaydın, başlıyoruz.");
    EXPECT_DOUBLE_EQ((*cues)[1].start, 35.0);
    EXPECT_EQ((*cues)[1].text, "Ali Öğrenci: Pay & payda altta <3") << "the voice's name kept, tags dropped";
    EXPECT_DOUBLE_EQ((*cues)[2].start, 3723.004);

    EXPECT_FALSE(parse_webvtt("00:00:01 From A to Everyone")) << "not WebVTT";
    EXPECT_FALSE(parse_webvtt("WEBVTTX\n\n00:01.000 --> 00:02.000\nx"));
    auto empty = parse_webvtt("WEBVTT\n");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    // A cue right after the header, a cue whose text is followed by a timing line without a blank one, CR
    // line ends, more character references, a timestamp tag, a '<' without its '>', invalid UTF-8.
    auto tight = parse_webvtt(
        "WEBVTT\r00:00:01.000 --> 00:00:02.000\rbir &quot;iki&quot; &#39;üç&#x27;\r"
        "00:00:03.000 --> 00:00:04.000\rdört <00:00:03.500>beş\r\r"
        "00:00:05.000 --> 00:00:06.000\raltı < yedi\xff\r");
    ASSERT_TRUE(tight);
    ASSERT_EQ(tight->size(), 3u);
    EXPECT_EQ((*tight)[0].text, "bir \"iki\" 'üç'");
    EXPECT_EQ((*tight)[1].text, "dört beş");
    EXPECT_EQ((*tight)[2].text, "altı ") << "a '<' without '>' ends the text, as the spec's tokenizer does";
    auto bad_bytes = parse_webvtt("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nyedi\xff\xfe\n");
    ASSERT_TRUE(bad_bytes);
    ASSERT_EQ(bad_bytes->size(), 1u);
    EXPECT_EQ((*bad_bytes)[0].text, "yedi\xEF\xBF\xBD\xEF\xBF\xBD") << "invalid bytes become U+FFFD";
    auto blank_lines = parse_webvtt("WEBVTT\n" + std::string(100000, '\n'));
    ASSERT_TRUE(blank_lines);
    EXPECT_TRUE(blank_lines->empty());

    // What we write, we read back.
    auto again = parse_webvtt(to_webvtt({{0, 1.5, "a & b"}, {61, 62.25, "c"}}));
    ASSERT_TRUE(again);
    ASSERT_EQ(again->size(), 2u);
    EXPECT_EQ((*again)[0].text, "a & b");
    EXPECT_DOUBLE_EQ((*again)[1].end, 62.25);
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

namespace lc::domain {
namespace {

TEST(Transcript, ALanguageTagGivesItsPrimaryLanguage) {
    EXPECT_EQ(language_of_tag("tr-TR"), "tr");
    EXPECT_EQ(language_of_tag("zh-Hant-TW"), "zh");
    EXPECT_EQ(language_of_tag("pt_BR"), "pt");
    EXPECT_EQ(language_of_tag("EN"), "en");
    EXPECT_EQ(language_of_tag("fil"), "fil");
    for (const char* none : {"", "x", "und", "mul-Latn", "zxx", "mis", "tr1-TR", "-tr"})
        EXPECT_EQ(language_of_tag(none), "") << none;
}

TEST(Transcript, WordsBetweenTakeTheOverlappingSegmentsAndCutAtASpace) {
    const std::vector<TranscriptSegment> segs = {{0, 10, "Giriş."},
                                                 {55, 65, "Önce eski\nkonu."},
                                                 {65, 80, "Şimdi  integral,"},
                                                 {80, 95, "kısmi kesirler."},
                                                 {150, 160, "Sonraki konu."}};
    EXPECT_EQ(words_between(segs, 60, 90, 320), "Önce eski konu. Şimdi integral, kısmi kesirler.");
    EXPECT_EQ(words_between(segs, 10, 55, 320), "") << "ends and starts on the edges do not overlap";
    EXPECT_EQ(words_between(segs, 0, 1000, 20), "Giriş. Önce eski…") << "20 characters with the ellipsis";
    EXPECT_EQ(words_between({{0, 5, "Çekoslovakyalılaştıramadıklarımızdan"}}, 0, 5, 10), "Çekoslova…")
        << "mid-word (by characters, not bytes) only when no space fits";
    EXPECT_EQ(words_between({}, 0, 100, 50), "");
}

}  // namespace
}  // namespace lc::domain
