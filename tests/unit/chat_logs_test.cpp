// Seed 7.3: reading a class's chat from what Zoom and BigBlueButton keep after it.
#include "providers/chat_logs.hpp"

#include <gtest/gtest.h>

#include "core/text.hpp"
#include "domain/artifacts.hpp"
#include "providers/bbb.hpp"

namespace lc {
namespace {

using domain::ArtifactType;
using domain::SessionActor;
using providers::parse_bbb_chat;
using providers::parse_zoom_chat;

TEST(ZoomChat, CloudRecordingLinesAreTimeNameAndTextSeparatedByTabs) {
    auto m = parse_zoom_chat("00:58:04\tAlex:\tDepends on your style.\n00:58:20\tWheezy:\tsee https://x.test/a:b\n");
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->size(), 2u);
    EXPECT_EQ((*m)[0].offset_seconds, 58 * 60 + 4);
    EXPECT_EQ((*m)[0].sender, "Alex");
    EXPECT_EQ((*m)[0].message, "Depends on your style.");
    EXPECT_EQ((*m)[1].message, "see https://x.test/a:b") << "a colon in the text stays in the text";
}

TEST(ZoomChat, FromToLinesKeepPublicMessagesWithTheirIndentedLinesAndDropDirectOnes) {
    auto m = parse_zoom_chat(
        "\xEF\xBB\xBF"
        "00:00:05 From Ayşe to Everyone:\r\n\tGünaydın\r\n\r\n"
        "00:00:09 From Ali to Ayşe (Direct Message):\r\n\tgizli\r\n\tikinci satır\r\n"
        "00:00:12 From Veli to Herkes:\r\n\tbir\r\n\tiki\r\n"
        "10:00:00 From Bora to Everyone: aynı satırda\n"
        "1:02:03\t From  Eski Biçim : merhaba\n");
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->size(), 4u);
    EXPECT_EQ((*m)[0].sender, "Ayşe");
    EXPECT_EQ((*m)[0].message, "Günaydın");
    EXPECT_EQ((*m)[1].sender, "Veli");
    EXPECT_EQ((*m)[1].message, "bir\niki") << "the direct message and its lines are left out";
    EXPECT_EQ((*m)[2].offset_seconds, 36000);
    EXPECT_EQ((*m)[2].message, "aynı satırda");
    EXPECT_EQ((*m)[3].offset_seconds, 3723);
    EXPECT_EQ((*m)[3].sender, "Eski Biçim");
    EXPECT_EQ((*m)[3].message, "merhaba");
}

TEST(ZoomChat, WhatIsNotAChatFileIsRefusedAndOddLinesAreSkipped) {
    EXPECT_FALSE(parse_zoom_chat(""));
    EXPECT_FALSE(parse_zoom_chat("<html><body>Sign in</body></html>"));
    EXPECT_FALSE(parse_zoom_chat("12:61:00\tNot:\ta time"));
    auto m = parse_zoom_chat("00:00:01\tno sender here\n00:00:02\tAda:\tok\ncontinues\n");
    ASSERT_TRUE(m);
    ASSERT_EQ(m->size(), 1u);
    EXPECT_EQ((*m)[0].message, "ok\ncontinues");
    auto empty = parse_zoom_chat("00:00:01 From A to B (Direct Message):\n\tonly private\n");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(ZoomChat, ADisplayNameWithAColonDoesNotMakeADirectMessagePublic) {
    auto m = parse_zoom_chat(
        "00:01:00 From Mr:X to Bob (Direct Message):\n\tgizli\n"
        "00:01:05\t From  Mr:X  to  Bob(Privately) : gizli de\n"
        "00:01:06 From Ali: adressiz\n"
        "00:01:10 From Dr: Ada to Everyone:\n\therkese\n"
        "00:01:20\t From  Eski : herkese açık\n");
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->size(), 2u);
    EXPECT_EQ((*m)[0].sender, "Dr: Ada");
    EXPECT_EQ((*m)[0].message, "herkese");
    EXPECT_EQ((*m)[1].sender, "Eski");
}

TEST(ZoomChat, AVeryLongMessageIsCutBetweenCharactersAndBadBytesBecomeReplacementCharacters) {
    std::string ascii = "00:00:01\tAda:\t" + std::string(30000, 'x') + "\n" + std::string(30000, 'y') + "\n";
    auto m = parse_zoom_chat(ascii);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->size(), 1u);
    EXPECT_EQ((*m)[0].message.size(), 20000u);

    std::string turkish = "00:00:01\tAda:\t";
    for (int i = 0; i < 15000; ++i) turkish += "ş";  // two bytes each
    auto t = parse_zoom_chat(turkish);
    ASSERT_TRUE(t);
    EXPECT_EQ(utf8_length((*t)[0].message), 15000u);
    turkish += "\n" + std::string(10000, 'z');
    t = parse_zoom_chat(turkish);
    ASSERT_TRUE(t);
    EXPECT_EQ(utf8_length((*t)[0].message), 20000u);
    EXPECT_TRUE(is_valid_utf8((*t)[0].message));

    auto bad = parse_zoom_chat("00:00:01\tA\xFF:\tx\xC3y\x01z\x7F\n");
    ASSERT_TRUE(bad);
    ASSERT_EQ(bad->size(), 1u);
    EXPECT_EQ((*bad)[0].sender, "A\xEF\xBF\xBD");
    EXPECT_EQ((*bad)[0].message, "x\xEF\xBF\xBDyz") << "control characters dropped";
    auto nameless = parse_zoom_chat("00:58:20\t\x17:\ts\n");  // found by fuzz_chat_logs
    ASSERT_TRUE(nameless);
    EXPECT_TRUE(nameless->empty()) << "a sender of control characters is no sender";
}

TEST(BbbChat, ChatTimelineEntriesBecomeMessagesWithTheirHtmlReducedToText) {
    auto m = parse_bbb_chat(
        "<?xml version=\"1.0\"?><popcorn>"
        "<chattimeline in=\"12.7\" direction=\"down\" name=\"Ayşe\" "
        "message=\"bak: &lt;a href=&quot;https://x.test&quot;&gt;https://x.test&lt;/a&gt; &amp;lt;3\" target=\"chat\"/>"
        "<chattimeline in=\"-4\" name=\"Ali\" message=\"ilk\"/>"
        "<chattimeline in=\"nan\" name=\"Can\" message=\"&amp;quot;alıntı&amp;quot;\" target=\"chat\"/>"
        "<altimage in=\"3\" src=\"slide-1.png\"/>"
        "<chattimeline in=\"20\" name=\"x\" message=\"not chat\" target=\"captions\"/>"
        "</popcorn>");
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->size(), 3u);
    EXPECT_EQ((*m)[0].offset_seconds, 12);
    EXPECT_EQ((*m)[0].sender, "Ayşe");
    EXPECT_EQ((*m)[0].message, "bak: https://x.test <3");
    EXPECT_EQ((*m)[1].offset_seconds, 0) << "a time before the start counts as the start";
    EXPECT_EQ((*m)[2].offset_seconds, 0);
    EXPECT_EQ((*m)[2].message, "\"alıntı\"");
}

TEST(BbbChat, APlaybackWithoutChatIsEmptyAndWhatIsNotXmlIsRefused) {
    auto none = parse_bbb_chat("<popcorn></popcorn>");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    EXPECT_FALSE(parse_bbb_chat("<popcorn><chattimeline"));
    EXPECT_FALSE(parse_bbb_chat(""));
}

TEST(BbbChat, TheChatFileIsNextToThePlayback) {
    EXPECT_EQ(providers::bbb_chat_file_url("https://bbb.okul.test/playback/presentation/2.3/abc-123", "abc-123"),
              "https://bbb.okul.test/presentation/abc-123/slides_new.xml");
    EXPECT_EQ(providers::bbb_chat_file_url("https://bbb.okul.test/playback/presentation/2.3/x", "../etc"), "");
    EXPECT_EQ(providers::bbb_chat_file_url("https://bbb.okul.test/p", "a/b"), "");
    EXPECT_EQ(providers::bbb_chat_file_url("https://bbb.okul.test/p", ".."), "");
    EXPECT_EQ(providers::bbb_chat_file_url("not a url", "abc"), "");
    EXPECT_EQ(providers::bbb_chat_file_url("https://bbb.okul.test/p", ""), "");
}

TEST(ArtifactRules, ChatLinesSeenByTwoPagesAreKeptOnceInTimeOrder) {
    std::vector<domain::TimedChatMessage> log;
    EXPECT_EQ(domain::merge_chat_messages(log, {{100, "Ayşe", "Günaydın"}, {160, "Ali", "Soru"}}), 2u);
    // Another page: the same lines a little later, the same text from someone else, the same line much later.
    EXPECT_EQ(domain::merge_chat_messages(log, {{129, "Ayşe", "Günaydın"},
                                                {158, "Ali", "Soru"},
                                                {101, "Veli", "Günaydın"},
                                                {200, "Ayşe", "Günaydın"},
                                                {50, "Can", "erken"}}),
              3u);
    ASSERT_EQ(log.size(), 5u);
    EXPECT_EQ(log[0].sender, "Can");
    EXPECT_EQ(log[1].sender, "Ayşe");
    EXPECT_EQ(log[2].sender, "Veli");
    EXPECT_EQ(log[3].sender, "Ali");
    EXPECT_EQ(log[4].at, 200);
    EXPECT_EQ(domain::merge_chat_messages(log, {{70, "Ayşe", "Günaydın"}}), 0u) << "30 s before the first: the same";
    EXPECT_TRUE(domain::can_record_chat(SessionActor::kModerator));
    EXPECT_FALSE(domain::can_record_chat(SessionActor::kParticipant));
}

TEST(ArtifactRules, StaffSeeEverythingStudentsEverythingButTheChat) {
    for (auto actor : {SessionActor::kHost, SessionActor::kModerator, SessionActor::kAdmin})
        for (auto type : {ArtifactType::kWhiteboard, ArtifactType::kChat, ArtifactType::kFile, ArtifactType::kPoll,
                          ArtifactType::kNotes})
            EXPECT_TRUE(domain::can_see_artifact(actor, type));
    EXPECT_FALSE(domain::can_see_artifact(SessionActor::kParticipant, ArtifactType::kChat));
    for (auto type : {ArtifactType::kWhiteboard, ArtifactType::kFile, ArtifactType::kPoll, ArtifactType::kNotes})
        EXPECT_TRUE(domain::can_see_artifact(SessionActor::kParticipant, type));
    EXPECT_TRUE(domain::can_delete_artifacts(SessionActor::kHost));
    EXPECT_TRUE(domain::can_delete_artifacts(SessionActor::kAdmin));
    EXPECT_FALSE(domain::can_delete_artifacts(SessionActor::kModerator));
    EXPECT_FALSE(domain::can_delete_artifacts(SessionActor::kParticipant));
}

}  // namespace
}  // namespace lc
