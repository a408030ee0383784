#pragma once
// Prometheus metrics in the text exposition format (version 0.0.4), written by hand: Debian has no
// C++ Prometheus client. Counters and histograms are sharded: each thread adds to one of kShards
// cache-line-aligned cells with a relaxed atomic add, and a scrape sums the cells, so the request
// path takes no lock and threads do not fight over one cache line. A family's children (one per
// label-value set) are created under the family's mutex; hot paths look a child up once and keep the
// reference (children live as long as their registry). Values the process does not hold itself
// (database counts) come from collectors that run at scrape time.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace lc::infra::metrics {

inline constexpr std::size_t kShards = 8;
/// This thread's cell (threads are spread round-robin over the shards on first use).
std::size_t shard_index();

/// A monotonically increasing count.
class Counter {
public:
    void inc(std::uint64_t n = 1) { cells_[shard_index()].v.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const;

private:
    struct alignas(64) Cell {
        std::atomic<std::uint64_t> v{0};
    };
    std::array<Cell, kShards> cells_;
};

/// A value that goes up and down (set, or moved by add).
class Gauge {
public:
    void set(double v) { v_.store(v, std::memory_order_relaxed); }
    void add(double d);
    double value() const { return v_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> v_{0};
};

/// Observations counted into buckets with upper bounds `bounds` (ascending, +Inf implied) plus their
/// sum. Observations are non-negative (durations); negative ones count as 0. The sum is kept in
/// integer nanounits (1e-9 of the observed unit), exact for durations up to centuries.
class Histogram {
public:
    explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);
    void observe(double v);
    struct Snapshot {
        std::vector<std::uint64_t> cumulative;  // per bound, then +Inf (= count)
        double sum = 0;
    };
    Snapshot snapshot() const;
    const std::vector<double>& bounds() const { return *bounds_; }

private:
    std::shared_ptr<const std::vector<double>> bounds_;
    std::size_t stride_;  // atomics per shard: buckets, +Inf, sum; rounded up to whole cache lines
    std::unique_ptr<std::atomic<std::uint64_t>[]> cells_;
};

using Labels = std::vector<std::string>;

enum class Type { kCounter, kGauge, kHistogram };

/// The common part of a metric family: name, help, label names, rendering.
class FamilyBase {
public:
    FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, Type type)
        : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), type_(type) {}
    virtual ~FamilyBase() = default;
    const std::string& name() const { return name_; }
    /// Appends "# HELP", "# TYPE" and one line per sample (per bucket for histograms).
    virtual void render(std::string& out) const = 0;

protected:
    std::string name_, help_;
    std::vector<std::string> label_names_;
    Type type_;
};

/// The children of one family, by label values (as many values as label names).
template <class T>
class Family final : public FamilyBase {
public:
    Family(std::string name, std::string help, std::vector<std::string> label_names, Type type,
           std::function<std::unique_ptr<T>()> make)
        : FamilyBase(std::move(name), std::move(help), std::move(label_names), type), make_(std::move(make)) {}
    /// The child for these label values, created on first use. The reference stays valid for the
    /// registry's lifetime: look it up once and keep it on hot paths. Throws std::invalid_argument
    /// when the number of values differs from the number of label names.
    T& with(const Labels& values);
    void render(std::string& out) const override;

private:
    std::function<std::unique_ptr<T>()> make_;
    mutable std::mutex mu_;
    std::map<Labels, std::unique_ptr<T>> children_;
};

/// One sample a collector reports (a gauge value with its label values).
struct Sample {
    Labels label_values;
    double value = 0;
};
/// A family computed at scrape time (e.g. a COUNT from the database).
struct Collected {
    std::string name, help;
    Type type = Type::kGauge;
    std::vector<std::string> label_names;
    std::vector<Sample> samples;
};
using Collector = std::function<std::vector<Collected>()>;

/// Owns every family; render() writes them all. Register families at wiring time (not per request).
class Registry {
public:
    Family<Counter>& counter(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
    Family<Gauge>& gauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
    Family<Histogram>& histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                                 std::vector<std::string> labels = {});
    /// Runs at every scrape, after the families above; an exception leaves its families out.
    void add_collector(Collector c);
    /// The whole exposition (text format 0.0.4), families in registration order.
    std::string render() const;

private:
    void add(std::unique_ptr<FamilyBase> f);
    mutable std::mutex mu_;
    std::vector<std::unique_ptr<FamilyBase>> families_;
    std::vector<Collector> collectors_;
};

/// Content-Type of render()'s output.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

/// Bucket bounds for request durations in seconds: 0.5 ms .. 10 s.
std::vector<double> latency_buckets();
/// A number as Prometheus reads it (shortest round-trip form; +Inf, -Inf, NaN).
std::string format_value(double v);
/// A label value with \, " and newline escaped.
std::string escape_label(std::string_view v);

}  // namespace lc::infra::metrics
