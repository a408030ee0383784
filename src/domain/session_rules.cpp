#include "domain/session_rules.hpp"

#include <cctype>
#include <string_view>

#include "core/text.hpp"

namespace lc::domain {
namespace {

const char* verb(SessionAction a) {
    switch (a) {
        case SessionAction::kPublish:
            return "publish";
        case SessionAction::kStart:
            return "start";
        case SessionAction::kEnd:
            return "end";
        case SessionAction::kCancel:
            return "cancel";
        case SessionAction::kEdit:
            return "edit";
    }
    return "change";
}

// Completes "cannot <verb> a session that ...".
const char* state_phrase(SessionStatus s) {
    switch (s) {
        case SessionStatus::kDraft:
            return "is still a draft";
        case SessionStatus::kScheduled:
            return "is already scheduled";
        case SessionStatus::kLive:
            return "is already live";
        case SessionStatus::kEnded:
            return "has ended";
        case SessionStatus::kCancelled:
            return "was cancelled";
    }
    return "is in an unknown state";
}

Error refuse(SessionStatus from, SessionAction action) {
    // Point at the action that would work where there is one.
    if (action == SessionAction::kEnd && (from == SessionStatus::kDraft || from == SessionStatus::kScheduled)) {
        return Error::conflict("cannot end a session that has not started; cancel it instead");
    }
    if (action == SessionAction::kCancel && from == SessionStatus::kLive) {
        return Error::conflict("cannot cancel a session that is already live; end it instead");
    }
    return Error::conflict(std::string("cannot ") + verb(action) + " a session that " + state_phrase(from));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++n;  // count everything but continuation bytes
    }
    return n;
}

}  // namespace

Result<SessionStatus> apply_action(SessionStatus from, SessionAction action) {
    using S = SessionStatus;
    switch (action) {
        case SessionAction::kPublish:
            if (from == S::kDraft) return S::kScheduled;
            break;
        case SessionAction::kStart:
            if (from == S::kDraft || from == S::kScheduled) return S::kLive;
            break;
        case SessionAction::kEnd:
            if (from == S::kLive) return S::kEnded;
            break;
        case SessionAction::kCancel:
            if (from == S::kDraft || from == S::kScheduled) return S::kCancelled;
            break;
        case SessionAction::kEdit:
            if (from == S::kDraft || from == S::kScheduled || from == S::kLive) return from;
            break;
    }
    return refuse(from, action);
}

Status can_join(SessionStatus status, bool has_moderator_rights) {
    switch (status) {
        case SessionStatus::kLive:
            return ok_status();
        case SessionStatus::kScheduled:
            if (has_moderator_rights) return ok_status();
            return Error::conflict("the session has not started yet");
        case SessionStatus::kDraft:
            if (has_moderator_rights) return Error::conflict("the session is still a draft; publish or start it first");
            return Error::conflict("the session has not started yet");
        case SessionStatus::kEnded:
            return Error::conflict("the session has ended");
        case SessionStatus::kCancelled:
            return Error::conflict("the session was cancelled");
    }
    return Error::conflict("the session cannot be joined");
}

void validate_title(const std::string& title, std::vector<FieldError>& errors) {
    std::string_view t = title;
    while (!t.empty() && is_space(t.front())) t.remove_prefix(1);
    while (!t.empty() && is_space(t.back())) t.remove_suffix(1);
    if (t.empty()) {
        errors.push_back({"title", "must not be empty"});
        return;
    }
    if (has_control_characters(title))
        errors.push_back({"title", "must be one line of text, without control characters (tab, newline, escape)"});
    if (utf8_length(title) > kMaxTitleLength) {
        errors.push_back({"title", "must be at most " + std::to_string(kMaxTitleLength) + " characters"});
    }
}

void validate_schedule(UnixTime start, UnixTime end, std::vector<FieldError>& errors) {
    if (end <= start) errors.push_back({"scheduled_end", "must be after scheduled_start"});
}

void validate_max_participants(long long n, std::vector<FieldError>& errors) {
    if (n < 1 || n > 10000) errors.push_back({"max_participants", "must be between 1 and 10000"});
}

std::string room_name(const std::string& tenant_slug, const std::string& session_id) {
    std::string out;
    out.reserve(tenant_slug.size() + 1 + session_id.size());
    out += tenant_slug;
    out += '-';
    out += session_id;
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace lc::domain
