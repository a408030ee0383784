#pragma once
// Small helpers for binding optional values and building filtered queries with SOCI.
#include <soci/soci.h>

#include <deque>
#include <optional>
#include <string>

namespace lc::store::detail {

/// A column that may be NULL, read with an indicator.
template <class T>
struct Nullable {
    T value{};
    soci::indicator ind = soci::i_null;
    std::optional<T> get() const { return ind == soci::i_ok ? std::optional<T>(value) : std::nullopt; }
    void set(const std::optional<T>& v) {
        if (v) {
            value = *v;
            ind = soci::i_ok;
        } else {
            value = T{};
            ind = soci::i_null;
        }
    }
};

/// Named parameters (:p1, :p2, ...) for queries whose WHERE clause depends on the filters given.
/// Bound by name, so the order in which add() calls are evaluated inside one expression does not
/// matter. Values live in deques so their addresses stay valid while the statement uses them.
class Params {
public:
    std::string add(std::string v) {
        strings_.push_back(std::move(v));
        order_.push_back({true, strings_.size() - 1});
        return next();
    }
    std::string add(long long v) {
        ints_.push_back(v);
        order_.push_back({false, ints_.size() - 1});
        return next();
    }
    void bind(soci::statement& st) {
        for (std::size_t i = 0; i < order_.size(); ++i) {
            const auto& [is_string, idx] = order_[i];
            std::string name = "p" + std::to_string(i + 1);
            if (is_string)
                st.exchange(soci::use(strings_[idx], name));
            else
                st.exchange(soci::use(ints_[idx], name));
        }
    }

    /// SELECT COUNT(*) FROM `from_where` with these values (a copy is bound: this one stays usable for the
    /// page query that usually follows).
    long long count(soci::session& sql, const std::string& from_where) const {
        Params copy = *this;
        long long n = 0;
        soci::statement st(sql);
        st.exchange(soci::into(n));
        copy.bind(st);
        st.alloc();
        st.prepare("SELECT COUNT(*) FROM " + from_where);
        st.define_and_bind();
        st.execute(true);
        return n;
    }

private:
    std::string next() { return ":p" + std::to_string(order_.size()); }
    std::deque<std::string> strings_;
    std::deque<long long> ints_;
    std::deque<std::pair<bool, std::size_t>> order_;
};

/// The loop every filtered list shares: runs `query` with `params` bound, reads each row into `row`
/// (whose into(st) exchanges its columns) and calls `on_row()` after every fetch.
template <class Row, class OnRow>
void for_each_row(soci::session& sql, const std::string& query, Params& params, Row& row, OnRow&& on_row) {
    soci::statement st(sql);
    row.into(st);
    params.bind(st);
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) on_row();
}

/// The SET clause that closes participation rows at `at`: left_at, duration, the background time of
/// a tab still hidden at the close (hidden_since stays: the last hidden stretch ran until left_at),
/// and why. `at` is our own integer and `end_reason` one of our constants, so both are inlined.
inline std::string close_participation_set(long long at, const char* end_reason) {
    const std::string t = std::to_string(at);
    return "is_active = 0, left_at = " + t + ", duration_seconds = CASE WHEN " + t + " > joined_at THEN " + t +
           " - joined_at ELSE 0 END, background_duration = background_duration + CASE WHEN hidden_since IS NOT "
           "NULL AND " +
           t + " > hidden_since THEN " + t + " - hidden_since ELSE 0 END, end_reason = '" + end_reason + "'";
}

}  // namespace lc::store::detail
