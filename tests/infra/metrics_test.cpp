#include "infra/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

namespace lc::infra::metrics {
namespace {

TEST(Metrics, RendersCountersGaugesAndHistogramsInTheTextFormat) {
    Registry r;
    r.counter("demo_events_total", "Events seen.", {"kind"}).with({"a"}).inc(3);
    r.gauge("demo_level", "A level.").with({}).set(2.5);
    auto& h = r.histogram("demo_seconds", "Durations.", {0.001, 0.5, 2}, {"route"});
    h.with({"/x/{id}/"}).observe(0.0004);  // <= 0.001
    h.with({"/x/{id}/"}).observe(0.5);     // <= 0.5 (bounds are inclusive)
    h.with({"/x/{id}/"}).observe(7);       // +Inf only
    EXPECT_EQ(r.render(),
              "# HELP demo_events_total Events seen.\n"
              "# TYPE demo_events_total counter\n"
              "demo_events_total{kind=\"a\"} 3\n"
              "# HELP demo_level A level.\n"
              "# TYPE demo_level gauge\n"
              "demo_level 2.5\n"
              "# HELP demo_seconds Durations.\n"
              "# TYPE demo_seconds histogram\n"
              "demo_seconds_bucket{route=\"/x/{id}/\",le=\"0.001\"} 1\n"
              "demo_seconds_bucket{route=\"/x/{id}/\",le=\"0.5\"} 2\n"
              "demo_seconds_bucket{route=\"/x/{id}/\",le=\"2\"} 2\n"
              "demo_seconds_bucket{route=\"/x/{id}/\",le=\"+Inf\"} 3\n"
              "demo_seconds_sum{route=\"/x/{id}/\"} 7.5004\n"
              "demo_seconds_count{route=\"/x/{id}/\"} 3\n");
}

TEST(Metrics, EscapesLabelValuesAndHelpText) {
    Registry r;
    r.counter("demo_total", "Line one\nback\\slash", {"v"}).with({"say \"hi\"\\\n"}).inc();
    EXPECT_EQ(r.render(),
              "# HELP demo_total Line one\\nback\\\\slash\n"
              "# TYPE demo_total counter\n"
              "demo_total{v=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST(Metrics, FormatsValuesAsPlainDecimals) {
    EXPECT_EQ(format_value(0.0005), "0.0005");
    EXPECT_EQ(format_value(3600), "3600");
    EXPECT_EQ(format_value(0), "0");
    EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
    EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
    EXPECT_EQ(format_value(std::nan("")), "NaN");
    EXPECT_EQ(format_value(1e30), "1e+30");
}

TEST(Metrics, CollectorsRunAtEveryRenderAndAThrowingOneIsLeftOut) {
    Registry r;
    int calls = 0;
    r.add_collector([&] {
        ++calls;
        return std::vector<Collected>{{"demo_rows", "Rows.", Type::kGauge, {"table"}, {{{"jobs"}, 4}}}};
    });
    r.add_collector([]() -> std::vector<Collected> { throw std::runtime_error("database down"); });
    EXPECT_EQ(r.render(), "# HELP demo_rows Rows.\n# TYPE demo_rows gauge\ndemo_rows{table=\"jobs\"} 4\n");
    r.render();
    EXPECT_EQ(calls, 2);
}

TEST(Metrics, RefusesWrongLabelCountsBadNamesDuplicatesAndUnsortedBuckets) {
    Registry r;
    auto& c = r.counter("demo_total", "x", {"a", "b"});
    EXPECT_THROW(c.with({"only-one"}), std::invalid_argument);
    EXPECT_THROW(r.counter("demo_total", "again"), std::invalid_argument);
    EXPECT_THROW(r.counter("9starts_with_digit", "x"), std::invalid_argument);
    EXPECT_THROW(r.counter("has-dash", "x"), std::invalid_argument);
    EXPECT_THROW(r.histogram("demo_h", "x", {1, 0.5}), std::invalid_argument);
    EXPECT_THROW(r.histogram("demo_h2", "x", {}), std::invalid_argument);
}

TEST(Metrics, ConcurrentUpdatesFromManyThreadsAreAllCounted) {
    Registry r;
    auto& counter = r.counter("demo_total", "x").with({});
    auto& hist = r.histogram("demo_seconds", "x", {0.01, 1}).with({});
    constexpr int kThreads = 16, kEach = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                counter.inc();
                hist.observe(t % 2 ? 0.005 : 0.5);
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(counter.value(), static_cast<std::uint64_t>(kThreads) * kEach);
    auto snap = hist.snapshot();
    ASSERT_EQ(snap.cumulative.size(), 3U);
    EXPECT_EQ(snap.cumulative[0], static_cast<std::uint64_t>(kThreads / 2) * kEach);
    EXPECT_EQ(snap.cumulative[1], static_cast<std::uint64_t>(kThreads) * kEach);
    EXPECT_EQ(snap.cumulative[2], static_cast<std::uint64_t>(kThreads) * kEach);
    EXPECT_NEAR(snap.sum, kThreads / 2 * kEach * (0.005 + 0.5), 1e-6);
}

TEST(Metrics, NegativeAndNanObservationsCountAsZero) {
    Registry r;
    auto& h = r.histogram("demo_seconds", "x", {1}).with({});
    h.observe(-3);
    h.observe(std::nan(""));
    auto snap = h.snapshot();
    EXPECT_EQ(snap.cumulative[0], 2U);
    EXPECT_EQ(snap.sum, 0);
}

}  // namespace
}  // namespace lc::infra::metrics
