#include "domain/lesson_notes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/text.hpp"

namespace lc::domain {

namespace {

/// `text` as one clean line, at most `max_bytes` long (cut at a character boundary).
std::string clean_field(std::string_view text, std::size_t max_bytes) {
    std::string out = caption_line(text);
    if (out.size() > max_bytes) {
        std::size_t cut = max_bytes;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not mid-character
        out.resize(cut);
    }
    return out;
}

double clamp_time(double t, double duration) {
    if (!std::isfinite(t) || t < 0) return 0;
    if (duration > 0 && t > duration) return duration;
    return std::round(t * 10) / 10;
}

}  // namespace

std::string_view to_string(NotesKind k) { return k == NotesKind::kSummary ? "summary" : "quiz"; }

std::optional<NotesKind> notes_kind_from(std::string_view s) {
    if (s == "summary") return NotesKind::kSummary;
    if (s == "quiz") return NotesKind::kQuiz;
    return std::nullopt;
}

std::string clock_label(double seconds) {
    const long long t = std::isfinite(seconds) && seconds > 0 ? static_cast<long long>(seconds) : 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
    return buf;
}

std::vector<std::string> transcript_parts(const std::vector<TranscriptSegment>& segments, std::size_t max_chars,
                                          double line_seconds) {
    std::vector<std::string> lines;
    std::string line;
    double line_start = 0;
    for (const auto& s : segments) {
        std::string text = caption_line(s.text);
        if (text.empty()) continue;
        if (!line.empty() && s.start - line_start >= line_seconds) {
            lines.push_back(std::move(line));
            line.clear();
        }
        if (line.empty()) {
            line_start = s.start;
            line = "[" + clock_label(s.start) + "] " + text;
        } else {
            line += ' ';
            line += text;
        }
    }
    if (!line.empty()) lines.push_back(std::move(line));

    std::vector<std::string> parts;
    std::string part;
    const std::size_t limit = std::max<std::size_t>(max_chars, 32);
    for (auto& l : lines) {
        if (l.size() + 1 > limit) l = clean_field(l, limit - 1);  // one line longer than a part
        if (!part.empty() && part.size() + l.size() + 1 > limit) {
            parts.push_back(std::move(part));
            part.clear();
        }
        part += l;
        part += '\n';
    }
    if (!part.empty()) parts.push_back(std::move(part));
    return parts;
}

LessonSummary clean_summary(LessonSummary s, double duration) {
    LessonSummary out;
    out.overview = clean_field(s.overview, kMaxOverviewBytes);
    std::set<std::string> seen;
    for (const auto& k : s.key_points) {
        std::string point = clean_field(k, kMaxNoteBytes);
        if (point.empty() || !seen.insert(ascii_lower(point)).second) continue;
        out.key_points.push_back(std::move(point));
        if (out.key_points.size() == kMaxKeyPoints) break;
    }
    for (auto& e : s.timeline) {
        TimelineEntry entry{clamp_time(e.start, duration), clean_field(e.title, kMaxNoteBytes),
                            clean_field(e.summary, kMaxNoteBytes)};
        if (entry.title.empty() && entry.summary.empty()) continue;
        if (entry.title.empty()) std::swap(entry.title, entry.summary);
        out.timeline.push_back(std::move(entry));
    }
    std::stable_sort(out.timeline.begin(), out.timeline.end(),
                     [](const auto& a, const auto& b) { return a.start < b.start; });
    if (out.timeline.size() > kMaxTimelineEntries) out.timeline.resize(kMaxTimelineEntries);
    return out;
}

bool is_empty(const LessonSummary& s) { return s.overview.empty() && s.key_points.empty(); }

Quiz clean_quiz(Quiz q, double duration) {
    Quiz out;
    std::set<std::string> topics;
    for (const auto& t : q.topics) {
        std::string topic = clean_field(t, 200);
        if (topic.empty() || !topics.insert(ascii_lower(topic)).second) continue;
        out.topics.push_back(std::move(topic));
        if (out.topics.size() == kMaxTopics) break;
    }
    std::set<std::string> asked;
    for (auto& in : q.questions) {
        if (out.questions.size() == kMaxQuizQuestions) break;
        QuizQuestion c;
        c.type = in.type;
        c.question = clean_field(in.question, kMaxNoteBytes);
        c.explanation = clean_field(in.explanation, kMaxNoteBytes);
        c.topic = clean_field(in.topic, 200);
        c.start = clamp_time(in.start, duration);
        if (c.question.empty() || asked.count(ascii_lower(c.question))) continue;
        if (c.type == "multiple_choice") {
            std::set<std::string> distinct;
            for (const auto& o : in.options) {
                std::string option = clean_field(o, kMaxNoteBytes);
                if (option.empty() || !distinct.insert(ascii_lower(option)).second) {
                    c.options.clear();  // an empty or repeated option: the indexes cannot be trusted
                    break;
                }
                c.options.push_back(std::move(option));
            }
            if (c.options.size() < 2 || c.options.size() > kMaxOptions || in.answer_index < 0 ||
                in.answer_index >= static_cast<int>(c.options.size()))
                continue;
            c.answer_index = in.answer_index;
            c.answer = c.options[static_cast<std::size_t>(c.answer_index)];
        } else if (c.type == "open_ended") {
            c.answer = clean_field(in.answer, kMaxNoteBytes);
            if (c.answer.empty()) continue;
        } else {
            continue;
        }
        asked.insert(ascii_lower(c.question));
        if (!c.topic.empty() && out.topics.size() < kMaxTopics && topics.insert(ascii_lower(c.topic)).second)
            out.topics.push_back(c.topic);
        out.questions.push_back(std::move(c));
    }
    return out;
}

Quiz merge_quizzes(const std::vector<Quiz>& parts, double duration) {
    Quiz all;
    std::size_t most = 0;
    for (const auto& p : parts) {
        most = std::max(most, p.questions.size());
        all.topics.insert(all.topics.end(), p.topics.begin(), p.topics.end());
    }
    for (std::size_t i = 0; i < most; ++i)
        for (const auto& p : parts)
            if (i < p.questions.size()) all.questions.push_back(p.questions[i]);
    Quiz merged = clean_quiz(std::move(all), duration);
    std::stable_sort(merged.questions.begin(), merged.questions.end(),
                     [](const auto& a, const auto& b) { return a.start < b.start; });
    return merged;
}

}  // namespace lc::domain
