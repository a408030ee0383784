// Seeds 13.2, 13.3: what we send a language model of a transcript, and what we keep of its answers.
#include "domain/lesson_notes.hpp"

#include <gtest/gtest.h>

namespace lc::domain {
namespace {

TEST(LessonNotes, ClockLabelsShowHours) {
    EXPECT_EQ(clock_label(0), "0:00:00");
    EXPECT_EQ(clock_label(312.9), "0:05:12");
    EXPECT_EQ(clock_label(3 * 3600 + 61), "3:01:01");
    EXPECT_EQ(clock_label(-4), "0:00:00");
    EXPECT_EQ(clock_label(std::numeric_limits<double>::quiet_NaN()), "0:00:00");
}

TEST(LessonNotes, TheTranscriptIsSentAsTimedLinesInPartsCutBetweenLines) {
    std::vector<TranscriptSegment> segs{
        {0, 4, "Günaydın."}, {4, 9, " Bugün\n kesirler. "}, {9, 12, ""}, {31, 35, "Pay ve payda."}, {70, 75, "Ödev."}};
    auto one = transcript_parts(segs, 10000);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0], "[0:00:00] Günaydın. Bugün kesirler.\n[0:00:31] Pay ve payda.\n[0:01:10] Ödev.\n");

    auto parts = transcript_parts(segs, 45);
    ASSERT_EQ(parts.size(), 2u) << "the first line is 39 bytes, the next two 41";
    EXPECT_EQ(parts[0], "[0:00:00] Günaydın. Bugün kesirler.\n");
    EXPECT_EQ(parts[1], "[0:00:31] Pay ve payda.\n[0:01:10] Ödev.\n");
    for (const auto& p : transcript_parts(segs, 45)) EXPECT_LE(p.size(), 45u);

    EXPECT_TRUE(transcript_parts({}, 100).empty());
    EXPECT_TRUE(transcript_parts({{0, 1, "  "}}, 100).empty()) << "nothing said: nothing to send";
}

TEST(LessonNotes, ALineLongerThanAPartIsCutAtACharacterBoundary) {
    std::string speech;
    for (int i = 0; i < 40; ++i) speech += "çğ ";
    auto parts = transcript_parts({{0, 20, speech}}, 64);
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_LE(parts[0].size(), 64u);
    EXPECT_EQ(parts[0].rfind("[0:00:00] çğ", 0), 0u);
    // Still valid UTF-8: no lead byte without its continuation before the newline.
    const auto last = static_cast<unsigned char>(parts[0][parts[0].size() - 2]);
    EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80);
}

TEST(LessonNotes, ASummaryIsKeptCleanInOrderAndWithinItsLimits) {
    LessonSummary s;
    s.overview = "  Kesirler \n anlatıldı. ";
    s.key_points = {"Pay üstte.", "", "pay üstte.", "Payda altta."};
    s.timeline = {{300, "İkinci", "b"},
                  {-5, "Önce", "a"},
                  {1e9, "", "sonra"},
                  {10, "", ""},
                  {std::numeric_limits<double>::infinity(), "Sonsuz", ""}};
    auto c = clean_summary(s, 3600);
    EXPECT_EQ(c.overview, "Kesirler anlatıldı.");
    EXPECT_EQ(c.key_points, (std::vector<std::string>{"Pay üstte.", "Payda altta."})) << "empty and repeated dropped";
    ASSERT_EQ(c.timeline.size(), 4u) << "an entry with neither title nor summary is dropped";
    EXPECT_EQ(c.timeline[0].title, "Önce");
    EXPECT_EQ(c.timeline[0].start, 0) << "negative clamped";
    EXPECT_EQ(c.timeline[1].title, "Sonsuz");
    EXPECT_EQ(c.timeline[1].start, 0) << "not finite: the start";
    EXPECT_EQ(c.timeline[2].start, 300);
    EXPECT_EQ(c.timeline[3].start, 3600) << "past the end clamped";
    EXPECT_EQ(c.timeline[3].title, "sonra") << "a summary alone becomes the title";

    LessonSummary big;
    big.overview = std::string(kMaxOverviewBytes + 100, 'a');
    for (int i = 0; i < 100; ++i) {
        big.key_points.push_back("nokta " + std::to_string(i));
        big.timeline.push_back({double(i), "t", ""});
    }
    auto b = clean_summary(big, 0);
    EXPECT_EQ(b.overview.size(), kMaxOverviewBytes);
    EXPECT_EQ(b.key_points.size(), kMaxKeyPoints);
    EXPECT_EQ(b.timeline.size(), kMaxTimelineEntries);
    EXPECT_TRUE(is_empty(clean_summary(LessonSummary{" ", {" "}, {{0, "x", ""}}}, 10)));
}

QuizQuestion choice(std::string q, std::vector<std::string> options, int answer, double start = 0) {
    QuizQuestion c;
    c.type = "multiple_choice";
    c.question = std::move(q);
    c.options = std::move(options);
    c.answer_index = answer;
    c.answer = "whatever the model said";
    c.start = start;
    return c;
}

TEST(LessonNotes, OnlyQuestionsThatCanBeAnsweredAreKept) {
    Quiz q;
    q.topics = {"Kesirler", "kesirler", ""};
    q.questions = {choice("1/2 nedir?", {"0,5", "2", "1"}, 0), choice("Tek seçenek?", {"a"}, 0),
                   choice("Dışarıda?", {"a", "b"}, 2),         choice("Eksi?", {"a", "b"}, -1),
                   choice("Boş seçenek?", {"a", "", "c"}, 0),  choice("Aynı seçenek?", {"a", "A", "c"}, 0),
                   choice("1/2 NEDİR?", {"x", "y"}, 1),  // the same question (ASCII case folded) differs: İ
                   choice("1/2 nedir?", {"x", "y"}, 1),        choice("Çok?", {"1", "2", "3", "4", "5", "6", "7"}, 0)};
    QuizQuestion open;
    open.type = "open_ended";
    open.question = "Neden?";
    open.answer = "Çünkü.";
    open.topic = "Oranlar";
    q.questions.push_back(open);
    open.question = "Cevapsız?";
    open.answer = " ";
    q.questions.push_back(open);
    QuizQuestion other = open;
    other.type = "true_false";
    other.question = "Doğru mu?";
    other.answer = "Evet";
    q.questions.push_back(other);

    auto c = clean_quiz(q, 100);
    ASSERT_EQ(c.questions.size(), 3u);
    EXPECT_EQ(c.questions[0].answer, "0,5") << "the answer is the option's own text";
    EXPECT_EQ(c.questions[1].question, "1/2 NEDİR?");
    EXPECT_EQ(c.questions[1].answer, "y");
    EXPECT_EQ(c.questions[2].type, "open_ended");
    EXPECT_EQ(c.questions[2].answer_index, -1);
    EXPECT_TRUE(c.questions[2].options.empty());
    EXPECT_EQ(c.topics, (std::vector<std::string>{"Kesirler", "Oranlar"})) << "the questions' topics join the list";
}

TEST(LessonNotes, PartsQuizzesAreMergedInTurnAndInTheOrderOfTheLesson) {
    Quiz a, b;
    for (int i = 0; i < 15; ++i) a.questions.push_back(choice("a" + std::to_string(i), {"x", "y"}, 0, 10 + i));
    for (int i = 0; i < 15; ++i) b.questions.push_back(choice("b" + std::to_string(i), {"x", "y"}, 1, 600 + i));
    a.topics = {"A"};
    b.topics = {"B", "a"};
    auto m = merge_quizzes({a, b}, 1000);
    ASSERT_EQ(m.questions.size(), kMaxQuizQuestions);
    int from_b = 0;
    for (const auto& q : m.questions) from_b += q.question[0] == 'b';
    EXPECT_EQ(from_b, 10) << "each part asked about as much";
    EXPECT_EQ(m.questions.front().question, "a0");
    EXPECT_EQ(m.questions.back().question, "b9");
    EXPECT_EQ(m.topics, (std::vector<std::string>{"A", "B"}));
}

TEST(LessonNotes, KindsHaveTheirApiNames) {
    EXPECT_EQ(to_string(NotesKind::kSummary), "summary");
    EXPECT_EQ(to_string(NotesKind::kQuiz), "quiz");
    EXPECT_EQ(notes_kind_from("quiz"), NotesKind::kQuiz);
    EXPECT_FALSE(notes_kind_from("Quiz"));
}

}  // namespace
}  // namespace lc::domain
