#pragma once
// Seeds 13.2 and 13.3: what a language model makes of a recording's transcript, a summary (an
// overview, key points, a timeline) and quiz suggestions (multiple-choice and open questions with the
// topics they test). The rules here are what we send (the transcript as timed lines, in parts a request
// can carry) and what we keep of an answer: a model's output is checked like any other input.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/transcript.hpp"

namespace lc::domain {

enum class NotesKind { kSummary, kQuiz };
std::string_view to_string(NotesKind k);
std::optional<NotesKind> notes_kind_from(std::string_view s);

struct TimelineEntry {
    double start = 0;  // seconds into the recording
    std::string title;
    std::string summary;
};

struct LessonSummary {
    std::string overview;
    std::vector<std::string> key_points;
    std::vector<TimelineEntry> timeline;
};

struct QuizQuestion {
    std::string type;  // "multiple_choice" or "open_ended"
    std::string question;
    std::vector<std::string> options;  // multiple choice: 2 to 6; open ended: none
    int answer_index = -1;             // multiple choice: the correct option; open ended: -1
    std::string answer;                // the correct option's text, or a model answer
    std::string explanation;
    std::string topic;
    double start = 0;  // where in the recording it is taught
};

struct Quiz {
    std::vector<std::string> topics;
    std::vector<QuizQuestion> questions;
};

/// Limits on what is kept of an answer: a model that rambles or a hostile service must not fill the
/// database or the page.
constexpr std::size_t kMaxKeyPoints = 15;
constexpr std::size_t kMaxTimelineEntries = 40;
constexpr std::size_t kMaxTopics = 15;
constexpr std::size_t kMaxQuizQuestions = 20;
constexpr std::size_t kMaxOptions = 6;
constexpr std::size_t kMaxNoteBytes = 2000;  // one text field
constexpr std::size_t kMaxOverviewBytes = 6000;

/// "0:05:12" (hours always shown: a lesson may pass the hour).
std::string clock_label(double seconds);

/// The transcript as the model reads it: segments joined into lines of about `line_seconds`, each
/// "[h:mm:ss] text", cut at line boundaries into parts of at most `max_chars` bytes (a line longer than
/// that is cut, at a character boundary). No parts for a transcript with no text.
std::vector<std::string> transcript_parts(const std::vector<TranscriptSegment>& segments, std::size_t max_chars,
                                          double line_seconds = 30);

/// A summary as we keep it: text fields as clean single-spaced text within their limits, empty key
/// points and timeline entries dropped, times clamped into [0, duration] and the timeline in order of
/// time. Empty (no overview and no key points) means the answer had nothing usable.
LessonSummary clean_summary(LessonSummary s, double duration);
bool is_empty(const LessonSummary& s);

/// A quiz as we keep it: a multiple-choice question needs a question, 2 to kMaxOptions distinct
/// non-empty options and an answer_index among them (its `answer` becomes that option's text); an
/// open-ended one needs a question and an answer. Others are dropped, as are repeated questions; times
/// are clamped into [0, duration]; at most kMaxQuizQuestions, topics distinct and at most kMaxTopics.
Quiz clean_quiz(Quiz q, double duration);

/// The quizzes of a transcript's parts as one: their questions taken in turn from each part (so every
/// part of the lesson is asked about), then cleaned.
Quiz merge_quizzes(const std::vector<Quiz>& parts, double duration);

}  // namespace lc::domain
