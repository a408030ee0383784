#pragma once
// UTF-8 helpers: lengths are counted in characters (code points), as a person counts them.
#include <cstddef>
#include <string>
#include <string_view>

namespace lc {

/// Number of code points (assumes valid UTF-8; counts lead bytes).
std::size_t utf8_length(std::string_view s);
/// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);
/// The first `max_chars` code points of `s`, never cutting a character in half.
std::string utf8_prefix(std::string_view s, std::size_t max_chars);
/// `s` as text we can store and serve as JSON: valid UTF-8 kept, each invalid byte replaced with U+FFFD,
/// control characters other than newline and tab dropped (PostgreSQL refuses invalid UTF-8 in TEXT, and
/// JSON escapes each control byte to six).
std::string clean_text(std::string_view s);
/// A C0 control character or DEL (tab and newline included): none belongs in a one-line name or title,
/// where it would break a calendar line, a mail subject or a terminal that shows a log.
bool has_control_characters(std::string_view s);
/// `s` without the spaces, tabs, CRs and LFs around it (header values, lines of a file, style values).
std::string_view trim_blanks(std::string_view s);
/// ASCII letters lowered, every other byte kept (e-mails, host names, header names, room ids).
std::string ascii_lower(std::string_view s);

/// Text for HTML element content or a quoted attribute value (& < > " ' escaped).
std::string html_escape(std::string_view s);

}  // namespace lc
