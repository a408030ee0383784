#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "domain/policy.hpp"

namespace lc::domain {
namespace {

template <class T>
struct Field {
    const char* name;
    std::optional<T> PolicyOverrides::*in;
    T EffectivePolicy::*out;
};

#define LC_FIELD(T, f) (Field<T>{#f, &PolicyOverrides::f, &EffectivePolicy::f})

const std::vector<Field<bool>>& bool_fields() {
    static const std::vector<Field<bool>> v = {
        LC_FIELD(bool, recording_required),
        LC_FIELD(bool, auto_recording),
        LC_FIELD(bool, lobby_enabled),
        LC_FIELD(bool, require_authentication),
        LC_FIELD(bool, allow_guests),
        LC_FIELD(bool, students_can_share_screen),
        LC_FIELD(bool, students_can_use_whiteboard),
        LC_FIELD(bool, students_can_unmute_self),
        LC_FIELD(bool, students_start_muted),
        LC_FIELD(bool, students_video_off),
    };
    return v;
}

const std::vector<Field<int>>& int_fields() {
    static const std::vector<Field<int>> v = {
        LC_FIELD(int, recording_retention_days),      LC_FIELD(int, attendance_threshold_percent),
        LC_FIELD(int, minimum_duration_minutes),      LC_FIELD(int, late_join_tolerance_minutes),
        LC_FIELD(int, early_leave_tolerance_minutes),
    };
    return v;
}

#undef LC_FIELD

// transcribe_recordings and summarize_recordings have a rule of their own
// (SendingWhatWasSaidOutIsTheSchoolsDecision), so 15 + 2. The count is what PolicyOverrides holds: a new field
// fails this until it is tested.
TEST(DomainPolicy, EveryFieldIsCovered) {
    EXPECT_EQ(bool_fields().size() + int_fields().size() + 2, 17U);
    EXPECT_EQ(sizeof(PolicyOverrides), 12 * sizeof(std::optional<bool>) + 5 * sizeof(std::optional<int>))
        << "a field was added to PolicyOverrides: cover it here";
}

TEST(DomainPolicy, SendingWhatWasSaidOutIsTheSchoolsDecision) {
    struct Field {
        const char* name;
        std::optional<bool> PolicyOverrides::*in;
        bool EffectivePolicy::*out;
    };
    for (const auto& f : {Field{"transcribe_recordings", &PolicyOverrides::transcribe_recordings,
                                &EffectivePolicy::transcribe_recordings},
                          Field{"summarize_recordings", &PolicyOverrides::summarize_recordings,
                                &EffectivePolicy::summarize_recordings}}) {
        SCOPED_TRACE(f.name);
        PolicyOverrides on, off, unset;
        on.*f.in = true;
        off.*f.in = false;
        EXPECT_FALSE(resolve_policy(nullptr, nullptr, nullptr).*f.out);
        EXPECT_TRUE(resolve_policy(&on, nullptr, nullptr).*f.out);
        EXPECT_TRUE(resolve_policy(&on, &unset, &unset).*f.out) << "inherited from the school";
        EXPECT_FALSE(resolve_policy(&on, &off, nullptr).*f.out) << "a course turns it off";
        EXPECT_FALSE(resolve_policy(&on, nullptr, &off).*f.out) << "a class turns it off";
        EXPECT_TRUE(resolve_policy(&on, &off, &on).*f.out) << "a class back on where the school allows";
        EXPECT_FALSE(resolve_policy(nullptr, &on, nullptr).*f.out) << "a course cannot opt the school in";
        EXPECT_FALSE(resolve_policy(&off, nullptr, &on).*f.out) << "nor can a class";
        EXPECT_FALSE(resolve_policy(&unset, &on, &on).*f.out);
    }
    PolicyOverrides transcripts_only;
    transcripts_only.transcribe_recordings = true;
    EXPECT_FALSE(resolve_policy(&transcripts_only, nullptr, nullptr).summarize_recordings)
        << "consent to a speech-to-text service is not consent to an AI service";
}

TEST(DomainPolicy, SeedDefaults) {
    const EffectivePolicy p = resolve_policy(nullptr, nullptr, nullptr);
    EXPECT_TRUE(p.recording_required);
    EXPECT_FALSE(p.auto_recording);
    EXPECT_EQ(p.recording_retention_days, 90);
    EXPECT_EQ(p.attendance_threshold_percent, 70);
    EXPECT_EQ(p.minimum_duration_minutes, 5);
    EXPECT_EQ(p.late_join_tolerance_minutes, 10);
    EXPECT_EQ(p.early_leave_tolerance_minutes, 10);
    EXPECT_TRUE(p.lobby_enabled);
    EXPECT_TRUE(p.require_authentication);
    EXPECT_FALSE(p.allow_guests);
    EXPECT_FALSE(p.students_can_share_screen);
    EXPECT_TRUE(p.students_can_use_whiteboard);
    EXPECT_TRUE(p.students_can_unmute_self);
    EXPECT_TRUE(p.students_start_muted);
    EXPECT_FALSE(p.students_video_off);
    EXPECT_FALSE(p.transcribe_recordings) << "a school opts in to sending its classes' voices out";
    EXPECT_FALSE(p.summarize_recordings) << "and to sending what was said to an AI service";
}

TEST(DomainPolicy, EmptyLevelsInheritDefaults) {
    const PolicyOverrides empty;
    const EffectivePolicy p = resolve_policy(&empty, &empty, &empty);
    const EffectivePolicy d;
    for (const auto& f : bool_fields()) EXPECT_EQ(p.*f.out, d.*f.out) << f.name;
    for (const auto& f : int_fields()) EXPECT_EQ(p.*f.out, d.*f.out) << f.name;
}

// For one field: each level wins over the ones below it, unset levels fall through, and setting this
// field leaves every other field at its default.
template <class T, class Other>
void check_precedence(const Field<T>& f, T tenant_v, T course_v, T session_v, const std::vector<Field<Other>>& others,
                      const std::vector<Field<T>>& same) {
    SCOPED_TRACE(f.name);
    const EffectivePolicy d;
    PolicyOverrides tenant, course, session;

    (tenant.*f.in) = tenant_v;
    EXPECT_EQ(resolve_policy(&tenant, nullptr, nullptr).*f.out, tenant_v) << "tenant only";
    EXPECT_EQ(resolve_policy(&tenant, &course, &session).*f.out, tenant_v) << "course and session unset";

    (course.*f.in) = course_v;
    EXPECT_EQ(resolve_policy(&tenant, &course, nullptr).*f.out, course_v) << "course over tenant";
    EXPECT_EQ(resolve_policy(&tenant, &course, &session).*f.out, course_v) << "session unset";
    EXPECT_EQ(resolve_policy(nullptr, &course, nullptr).*f.out, course_v) << "course without tenant";

    (session.*f.in) = session_v;
    EXPECT_EQ(resolve_policy(&tenant, &course, &session).*f.out, session_v) << "session over course";
    EXPECT_EQ(resolve_policy(&tenant, nullptr, &session).*f.out, session_v) << "session over tenant";
    EXPECT_EQ(resolve_policy(nullptr, nullptr, &session).*f.out, session_v) << "session alone";

    const EffectivePolicy all = resolve_policy(&tenant, &course, &session);
    for (const auto& o : others) EXPECT_EQ(all.*o.out, d.*o.out) << "untouched " << o.name;
    for (const auto& o : same) {
        if (o.out != f.out) {
            EXPECT_EQ(all.*o.out, d.*o.out) << "untouched " << o.name;
        }
    }
}

TEST(DomainPolicy, BoolFieldPrecedence) {
    const EffectivePolicy d;
    for (const auto& f : bool_fields()) {
        const bool v = d.*f.out;
        // tenant flips the default, course flips it back, session flips it again: every step observable.
        check_precedence<bool>(f, !v, v, !v, int_fields(), bool_fields());
    }
}

TEST(DomainPolicy, IntFieldPrecedence) {
    for (const auto& f : int_fields()) check_precedence<int>(f, 11, 22, 33, bool_fields(), int_fields());
}

TEST(DomainPolicy, FieldsResolveIndependently) {
    PolicyOverrides tenant, course, session;
    tenant.recording_retention_days = 30;
    tenant.allow_guests = true;
    course.attendance_threshold_percent = 80;
    course.allow_guests = false;
    session.students_can_share_screen = true;
    const EffectivePolicy p = resolve_policy(&tenant, &course, &session);
    EXPECT_EQ(p.recording_retention_days, 30);      // tenant
    EXPECT_EQ(p.attendance_threshold_percent, 80);  // course
    EXPECT_FALSE(p.allow_guests);                   // course over tenant
    EXPECT_TRUE(p.students_can_share_screen);       // session
    EXPECT_EQ(p.minimum_duration_minutes, 5);       // default
}

TEST(DomainPolicy, WebinarLocksDownStudents) {
    EffectivePolicy open;
    open.students_start_muted = false;
    open.students_can_unmute_self = true;
    open.students_can_share_screen = true;
    open.students_can_use_whiteboard = true;
    open.attendance_threshold_percent = 55;
    open.lobby_enabled = false;

    const EffectivePolicy w = apply_session_type(open, SessionType::kWebinar);
    EXPECT_TRUE(w.students_start_muted);
    EXPECT_FALSE(w.students_can_unmute_self);
    EXPECT_FALSE(w.students_can_share_screen);
    EXPECT_FALSE(w.students_can_use_whiteboard);
    EXPECT_EQ(w.attendance_threshold_percent, 55);  // unrelated fields kept
    EXPECT_FALSE(w.lobby_enabled);
    EXPECT_FALSE(w.students_video_off);
}

TEST(DomainPolicy, NonWebinarTypesUnchanged) {
    EffectivePolicy open;
    open.students_start_muted = false;
    open.students_can_unmute_self = true;
    open.students_can_share_screen = true;
    open.students_can_use_whiteboard = true;
    for (const SessionType t : {SessionType::kScheduled, SessionType::kAdhoc}) {
        const EffectivePolicy p = apply_session_type(open, t);
        EXPECT_FALSE(p.students_start_muted) << to_string(t);
        EXPECT_TRUE(p.students_can_unmute_self) << to_string(t);
        EXPECT_TRUE(p.students_can_share_screen) << to_string(t);
        EXPECT_TRUE(p.students_can_use_whiteboard) << to_string(t);
    }
}

}  // namespace
}  // namespace lc::domain
