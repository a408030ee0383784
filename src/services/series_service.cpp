#include "services/series_service.hpp"

#include <algorithm>
#include <set>

#include "core/text.hpp"
#include "domain/session_rules.hpp"
#include "infra/crypto.hpp"
#include "infra/ical.hpp"
#include "services/notices.hpp"

namespace lc::services {

using domain::LiveSession;
using domain::SessionStatus;

namespace {

constexpr long long kMaxDurationMinutes = 24 * 60;

bool not_started(const LiveSession& s) {
    return s.status == SessionStatus::kDraft || s.status == SessionStatus::kScheduled;
}

/// The class settings new occurrences of an edited series take: those of the series' latest class.
SessionInput settings_of(const LiveSession& s) {
    SessionInput in;
    in.course_id = s.course_id;
    in.title = s.title;
    in.description = s.description;
    in.type = s.type;
    in.status = s.status == SessionStatus::kDraft ? SessionStatus::kDraft : SessionStatus::kScheduled;
    in.max_participants = s.max_participants;
    in.recording_enabled = s.recording_enabled;
    in.auto_recording = s.auto_recording;
    in.waiting_room_enabled = s.waiting_room_enabled;
    in.moderator_ids = s.moderator_ids;
    return in;
}

Error not_found() { return Error::not_found("no such series in this school"); }

}  // namespace

Result<store::Series> SeriesService::load(soci::session& sql, const Principal& p, const std::string& id, bool manage,
                                          bool for_update) {
    auto s = store::find_series(sql, p.tenant.id, id, for_update);
    if (!s) return not_found();
    if (p.is_admin()) return *s;
    auto access = store::course_access(sql, s->course_id, p.user.id);
    if (!access.is_instructor && !access.is_enrolled) return not_found();  // invisible, as for a class
    if (manage && !access.is_instructor)
        return Error::denied("only the course's instructors and school admins can change its series");
    return *s;
}

std::vector<LiveSession> SeriesService::occurrences(soci::session& sql, const store::Series& s) {
    store::SessionFilter f;
    f.series_id = s.id;
    f.limit = 10000;
    auto out = store::list_sessions(sql, s.tenant_id, f, nullptr);
    std::sort(out.begin(), out.end(), [](const LiveSession& a, const LiveSession& b) {
        return a.scheduled_start != b.scheduled_start ? a.scheduled_start < b.scheduled_start : a.id < b.id;
    });
    return out;
}

Result<SeriesView> SeriesService::view(const Principal& p, const std::string& id) {
    store::Conn c(ctx_.db);
    auto s = load(c.sql(), p, id, /*manage=*/false);
    if (!s) return s.take_error();
    return SeriesView{s.value(), occurrences(c.sql(), s.value()), std::nullopt};
}

Result<SeriesView> SeriesService::create(const Principal& p, const SeriesInput& in, const RequestMeta& meta) {
    return guarded([&]() -> Result<SeriesView> {
        std::vector<FieldError> errors;
        if (!in.rrule) errors.push_back({"rrule", "is required, e.g. FREQ=WEEKLY;BYDAY=MO,WE;COUNT=12"});
        if (!in.first_start) errors.push_back({"first_start", "is required: when the first class starts"});
        if (!in.duration_minutes) errors.push_back({"duration_minutes", "is required"});
        if (in.duration_minutes && (*in.duration_minutes < 1 || *in.duration_minutes > kMaxDurationMinutes))
            errors.push_back({"duration_minutes", "must be between 1 and 1440"});
        if (in.session.type == domain::SessionType::kAdhoc)
            errors.push_back({"type", "a series is scheduled or webinar; ad-hoc classes start at once"});
        const std::string tz = in.timezone.value_or(default_timezone_);
        if (!infra::is_known_timezone(tz))
            errors.push_back({"timezone", "unknown time zone; use an IANA name such as Europe/Istanbul"});
        std::string rule;
        std::vector<UnixTime> starts;
        if (errors.empty()) {
            auto normal = infra::normalize_rrule(*in.rrule);
            if (!normal) return normal.take_error();
            rule = normal.value();
            auto expanded = infra::expand_rrule(rule, *in.first_start, tz);
            if (!expanded) return expanded.take_error();
            starts = std::move(expanded.value());
            if (!starts.empty() && starts.front() < ctx_.clock.now())
                errors.push_back({"first_start", "must be in the future"});
        }
        if (!errors.empty()) return Error::invalid("the series cannot be created", errors);

        store::Series series;
        series.id = infra::new_uuid();
        series.tenant_id = p.tenant.id;
        series.course_id = in.session.course_id.value_or("");
        series.created_by = p.user.id;
        series.title = in.session.title.value_or("");
        series.description = in.session.description.value_or("");
        series.rrule = rule;
        series.timezone = tz;
        series.first_start = *in.first_start;
        series.duration_seconds = static_cast<int>(*in.duration_minutes * 60);
        series.created_at = series.updated_at = ctx_.clock.now();
        std::vector<SessionService::Occurrence> occ;
        for (UnixTime t : starts) occ.push_back({t, t + series.duration_seconds, t});
        const bool announce = in.session.status.value_or(SessionStatus::kScheduled) == SessionStatus::kScheduled;
        auto made = sessions_.create_occurrences(
            p, in.session, occ, series.id,
            [&](soci::session& sql) {
                store::insert_series(sql, series);
                // One invitation for the whole series (its calendar file carries the rule), not one per class.
                if (announce) queue_series_invitation(sql, series.tenant_id, series.id, series.created_at, p.user.id);
            },
            meta);
        if (!made) return made.take_error();
        return SeriesView{series, std::move(made.value()), std::nullopt};
    });
}

Result<SeriesView> SeriesService::get(const Principal& p, const std::string& id) {
    return guarded([&]() -> Result<SeriesView> { return view(p, id); });
}

Result<SeriesView> SeriesService::update(const Principal& p, const std::string& id, const SeriesEdit& edit,
                                         const RequestMeta& meta) {
    return guarded([&]() -> Result<SeriesView> {
        std::vector<FieldError> errors;
        if (edit.title) domain::validate_title(*edit.title, errors);
        if (edit.duration_minutes && (*edit.duration_minutes < 1 || *edit.duration_minutes > kMaxDurationMinutes))
            errors.push_back({"duration_minutes", "must be between 1 and 1440"});
        const bool new_plan = edit.rrule || edit.first_start;
        if (new_plan && !edit.first_start)
            errors.push_back({"first_start", "say when the first class of the new plan starts (at or after from)"});
        if (edit.first_start && *edit.first_start <= ctx_.clock.now())
            errors.push_back({"first_start", "must be in the future"});
        if (!errors.empty()) return Error::invalid("the series cannot be changed", errors);
        const UnixTime now = ctx_.clock.now();
        const UnixTime from = edit.from.value_or(now);

        std::vector<SessionService::Occurrence> to_create;
        SessionInput template_in;
        std::string target_id = id;
        {
            store::Tx tx(ctx_.db);
            auto loaded = load(tx.sql(), p, id, /*manage=*/true, /*for_update=*/true);
            if (!loaded) return loaded.take_error();
            store::Series series = loaded.value();
            auto all = occurrences(tx.sql(), series);
            std::vector<LiveSession> future;
            bool earlier = false;
            for (const auto& s : all) {
                if (s.scheduled_start < from)
                    earlier = true;
                else if (not_started(s))
                    future.push_back(s);
            }
            if (!all.empty()) template_in = settings_of(all.back());
            const int duration =
                edit.duration_minutes ? static_cast<int>(*edit.duration_minutes * 60) : series.duration_seconds;

            // The text of the classes to come (and of the series when it is not split).
            for (auto& s : future) {
                if (!edit.title && !edit.description) break;
                if (edit.title) s.title = *edit.title;
                if (edit.description) s.description = *edit.description;
                s.updated_at = now;
                store::update_session(tx.sql(), s);
            }
            if (edit.title) template_in.title = *edit.title;
            if (edit.description) template_in.description = *edit.description;

            store::Series target = series;
            if (new_plan) {
                if (*edit.first_start < from)
                    return Error::invalid("the series cannot be changed",
                                          {{"first_start", "must be at or after from"}});
                auto rule = infra::normalize_rrule(edit.rrule.value_or(series.rrule));
                if (!rule) return rule.take_error();
                auto starts = infra::expand_rrule(rule.value(), *edit.first_start, series.timezone);
                if (!starts) return starts.take_error();
                if (earlier) {
                    // Split: the old series keeps its past, cut before `from`; a new one takes the rest.
                    auto cut = infra::truncate_rrule(series.rrule, series.first_start, series.timezone, from);
                    if (!cut) return cut.take_error();
                    series.rrule = cut.value();
                    ++series.sequence;
                    series.updated_at = now;
                    store::update_series(tx.sql(), series);
                    target.id = infra::new_uuid();
                    target.sequence = 0;
                    target.created_at = now;
                    target.created_by = p.user.id;
                }
                target.rrule = rule.value();
                target.first_start = *edit.first_start;
                target.duration_seconds = duration;
                if (edit.title) target.title = *edit.title;
                if (edit.description) target.description = *edit.description;
                target.updated_at = now;
                if (earlier) {
                    store::insert_series(tx.sql(), target);
                } else {
                    ++target.sequence;
                    store::update_series(tx.sql(), target);
                }
                // The classes to come take the new plan's times in order; extra ones are cancelled
                // and missing ones created (after this transaction, with their provider rooms).
                // People hear of it once per series, not once per class.
                const auto& when = starts.value();
                std::optional<LiveSession> first_moved, first_cancelled;
                for (std::size_t i = 0; i < future.size(); ++i) {
                    LiveSession& s = future[i];
                    const bool announced = s.status == SessionStatus::kScheduled;
                    if (i < when.size()) {
                        const bool moves = s.scheduled_start != when[i];
                        s.series_id = target.id;
                        s.recurrence_start = when[i];
                        if (auto st = sessions_.reschedule_in(tx.sql(), p, s, when[i], when[i] + duration, meta,
                                                              /*announce=*/false);
                            !st)
                            return st.take_error();
                        if (announced && moves && !first_moved) first_moved = s;
                    } else {
                        if (auto st = sessions_.cancel_in(tx.sql(), p, s, meta, /*announce=*/false); !st)
                            return st.take_error();
                        if (announced && !first_cancelled) first_cancelled = s;
                    }
                }
                if (first_moved)
                    queue_series_notice(tx.sql(), *first_moved, target.id, target.sequence,
                                        domain::NoticeKind::kSessionRescheduled, now, p.user.id);
                if (first_cancelled)
                    queue_series_notice(tx.sql(), *first_cancelled, series.id, series.sequence,
                                        domain::NoticeKind::kSessionCancelled, now, p.user.id);
                for (std::size_t i = future.size(); i < when.size(); ++i)
                    to_create.push_back({when[i], when[i] + duration, when[i]});
            } else {
                if (edit.title) target.title = *edit.title;
                if (edit.description) target.description = *edit.description;
                if (edit.duration_minutes) {
                    target.duration_seconds = duration;
                    for (auto& s : future)  // a longer or shorter class: calendars update quietly
                        if (auto st = sessions_.reschedule_in(tx.sql(), p, s, s.scheduled_start,
                                                              s.scheduled_start + duration, meta, /*announce=*/false);
                            !st)
                            return st.take_error();
                }
                target.updated_at = now;
                if (edit.duration_minutes) ++target.sequence;
                store::update_series(tx.sql(), target);
            }
            target_id = target.id;
            tx.commit();
        }
        if (!to_create.empty()) {
            if (!template_in.course_id) return Error::conflict("the series has no class to take settings from");
            auto made = sessions_.create_occurrences(p, template_in, to_create, target_id, {}, meta);
            if (!made) return made.take_error();
        }
        auto out = view(p, target_id);
        if (out && target_id != id) {
            // The caller asked about `id`: say where its classes went.
            out->continued_by = target_id;
        }
        return out;
    });
}

Result<SeriesView> SeriesService::cancel_from(const Principal& p, const std::string& id, std::optional<UnixTime> from,
                                              const RequestMeta& meta) {
    return guarded([&]() -> Result<SeriesView> {
        {
            store::Tx tx(ctx_.db);
            auto series = load(tx.sql(), p, id, /*manage=*/true, /*for_update=*/true);
            if (!series) return series.take_error();
            const UnixTime since = from.value_or(ctx_.clock.now());
            std::optional<LiveSession> first_cancelled;
            for (auto& s : occurrences(tx.sql(), series.value())) {
                if (s.scheduled_start < since || !not_started(s)) continue;
                const bool announced = s.status == SessionStatus::kScheduled;
                if (auto st = sessions_.cancel_in(tx.sql(), p, s, meta, /*announce=*/false); !st)
                    return st.take_error();
                if (announced && !first_cancelled) first_cancelled = s;
            }
            // One notice for the whole cancellation, with the series' calendar file.
            if (first_cancelled)
                queue_series_notice(tx.sql(), *first_cancelled, id, series->sequence,
                                    domain::NoticeKind::kSessionCancelled, ctx_.clock.now(), p.user.id);
            tx.commit();
        }
        return view(p, id);
    });
}

Result<std::string> SeriesService::calendar(const Principal& p, const std::string& id) {
    return guarded([&]() -> Result<std::string> {
        store::Conn c(ctx_.db);
        auto loaded = load(c.sql(), p, id, /*manage=*/false);
        if (!loaded) return loaded.take_error();
        return render(c.sql(), loaded.value());
    });
}

std::string SeriesService::notice_calendar(const std::string& tenant_id, const std::string& id) {
    auto r = guarded([&]() -> Result<std::string> {
        store::Conn c(ctx_.db);
        auto series = store::find_series(c.sql(), tenant_id, id);
        if (!series) return not_found();
        return render(c.sql(), *series);
    });
    return r ? r.value() : std::string();  // the e-mail still goes out without its attachment
}

Result<std::string> SeriesService::render(soci::session& sql, const store::Series& series) {
    std::string course_title;
    if (auto course = store::find_course(sql, series.tenant_id, series.course_id)) course_title = course->title;
    auto all = occurrences(sql, series);

    // The master: the rule from its first start, in the series' zone (wall-clock time kept across DST).
    // Its text points at the series' first class (there is no page of a series).
    LiveSession first;
    first.id = all.empty() ? series.id : all.front().id;
    first.tenant_id = series.tenant_id;
    first.course_id = series.course_id;
    first.created_by = series.created_by;
    first.title = series.title;
    first.description = series.description;
    first.scheduled_start = series.first_start;
    first.scheduled_end = series.first_start + series.duration_seconds;
    first.status = SessionStatus::kScheduled;
    // Cancelling a class adds an EXDATE: a new version of the master (RFC 5545 3.8.7.4). Cancelling is
    // final, so counting the cancelled classes keeps SEQUENCE rising.
    first.sequence = series.sequence;
    first.updated_at = series.updated_at;
    std::set<UnixTime> active;
    for (const auto& s : all) {
        if (s.status == SessionStatus::kCancelled)
            ++first.sequence;
        else if (s.recurrence_start)
            active.insert(*s.recurrence_start);
        first.updated_at = std::max(first.updated_at, s.updated_at);
    }
    infra::CalendarEvent master = calendars_.event_for(sql, first, course_title);
    master.uid = series.id + "@liveclass";
    master.rrule = series.rrule;
    master.tzid = series.timezone;
    std::vector<infra::CalendarEvent> overrides;
    for (const auto& s : all) {
        if (!s.recurrence_start) continue;
        if (s.status == SessionStatus::kCancelled) {
            // A class of a new plan may sit where a cancelled one of the old plan was: it wins.
            if (!active.count(*s.recurrence_start)) master.exdates.push_back(*s.recurrence_start);
            continue;
        }
        const bool as_planned = s.scheduled_start == *s.recurrence_start &&
                                s.scheduled_end == *s.recurrence_start + series.duration_seconds &&
                                s.title == series.title && s.description == series.description;
        if (as_planned) continue;
        infra::CalendarEvent e = calendars_.event_for(sql, s, course_title);
        e.uid = master.uid;
        e.recurrence_id = *s.recurrence_start;
        e.tzid = series.timezone;
        overrides.push_back(std::move(e));
    }
    std::sort(master.exdates.begin(), master.exdates.end());
    master.exdates.erase(std::unique(master.exdates.begin(), master.exdates.end()), master.exdates.end());
    std::vector<infra::CalendarEvent> events;
    events.push_back(std::move(master));
    for (auto& e : overrides) events.push_back(std::move(e));
    infra::CalendarOptions o;
    o.method = "PUBLISH";
    return infra::render_calendar(events, o);
}

}  // namespace lc::services
