#pragma once
// The words of every notice (seed 8.1, 8.2) in Turkish and English: e-mail subject, plain text and
// HTML, and the push title and body. Chosen by the recipient's language; no I/O.
#include <string>

#include "core/clock.hpp"
#include "domain/notifications.hpp"

namespace lc::services {

struct NoticeFacts {
    domain::NoticeKind kind = domain::NoticeKind::kReminder24h;
    std::string locale = "tr";  // tr | en (anything else: tr, the product's default)
    std::string timezone = "Europe/Istanbul";
    UnixTime now = 0;
    std::string recipient_name;
    std::string school_name;
    std::string session_title;
    std::string course_title;
    std::string description;
    UnixTime start = 0, end = 0;
    UnixTime previous_start = 0;  // rescheduled: the old time
    std::string session_url;      // the class's page (never a join link)
    std::string unsubscribe_url;  // e-mail only
    std::string recording_url;    // recording_published
    bool series = false;          // about a whole recurring series (`start`: its first class concerned)
};

struct RenderedNotice {
    std::string subject;
    std::string text;
    std::string html;
    std::string push_title;
    std::string push_body;
};

RenderedNotice render_notice(const NoticeFacts& f);

/// "Perşembe, 26 Kasım 2026 10:00 (Europe/Istanbul)" / "Thursday, 26 November 2026, 10:00 (Europe/Istanbul)";
/// falls back to UTC for an unknown zone.
std::string format_when(UnixTime t, const std::string& timezone, const std::string& locale);

}  // namespace lc::services
