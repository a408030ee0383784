#include "infra/metrics.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace lc::infra::metrics {

namespace {

constexpr double kNano = 1e9;
constexpr std::size_t kLine = 64 / sizeof(std::atomic<std::uint64_t>);  // atomics per cache line

void append_labels(std::string& out, const std::vector<std::string>& names, const Labels& values,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
    if (names.empty() && extra_name.empty()) return;
    out += '{';
    bool first = true;
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
        if (!first) out += ',';
        first = false;
        out += names[i];
        out += "=\"";
        out += escape_label(values[i]);
        out += '"';
    }
    if (!extra_name.empty()) {
        if (!first) out += ',';
        out += extra_name;
        out += "=\"";
        out += extra_value;
        out += '"';
    }
    out += '}';
}

void append_header(std::string& out, const std::string& name, const std::string& help, Type type) {
    out += "# HELP ";
    out += name;
    out += ' ';
    for (char ch : help) {
        if (ch == '\\')
            out += "\\\\";
        else if (ch == '\n')
            out += "\\n";
        else
            out += ch;
    }
    out += "\n# TYPE ";
    out += name;
    out += type == Type::kCounter ? " counter\n" : type == Type::kGauge ? " gauge\n" : " histogram\n";
}

void append_sample(std::string& out, const std::string& name, const std::vector<std::string>& names,
                   const Labels& values, double v) {
    out += name;
    append_labels(out, names, values);
    out += ' ';
    out += format_value(v);
    out += '\n';
}

bool valid_name(const std::string& n) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
    return std::all_of(n.begin(), n.end(), [](unsigned char ch) { return std::isalnum(ch) || ch == '_' || ch == ':'; });
}

}  // namespace

std::size_t shard_index() {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kShards;
    return mine;
}

std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[400];
    // Plain decimals ("0.0005", not "5e-04") for the values metrics have, so bucket bounds read as written.
    const double a = std::fabs(v);
    const bool plain = a == 0 || (a >= 1e-9 && a < 1e21);
    auto [end, ec] = plain ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                           : std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc()) return "NaN";
    return std::string(buf, end);
}

std::string escape_label(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char ch : v) {
        if (ch == '\\')
            out += "\\\\";
        else if (ch == '"')
            out += "\\\"";
        else if (ch == '\n')
            out += "\\n";
        else
            out += ch;
    }
    return out;
}

std::vector<double> latency_buckets() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// ---------------------------------------------------------------- Counter, Gauge

std::uint64_t Counter::value() const {
    std::uint64_t sum = 0;
    for (const auto& c : cells_) sum += c.v.load(std::memory_order_relaxed);
    return sum;
}

void Gauge::add(double d) {
    double cur = v_.load(std::memory_order_relaxed);
    while (!v_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
    }
}

// ---------------------------------------------------------------- Histogram

Histogram::Histogram(std::shared_ptr<const std::vector<double>> bounds)
    : bounds_(std::move(bounds)),
      stride_((bounds_->size() + 2 + kLine - 1) / kLine * kLine),
      cells_(new std::atomic<std::uint64_t>[stride_ * kShards]) {
    for (std::size_t i = 0; i < stride_ * kShards; ++i) cells_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
    if (!(v > 0)) v = 0;  // negative and NaN
    const auto& b = *bounds_;
    // Bucket i counts observations <= bounds[i] (the first bound not below v); the last one is +Inf.
    std::size_t bucket = static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), v) - b.begin());
    std::atomic<std::uint64_t>* cell = &cells_[shard_index() * stride_];
    cell[bucket].fetch_add(1, std::memory_order_relaxed);
    double nano = v * kNano;
    auto add = nano >= 1.8e19 ? std::uint64_t{18'000'000'000'000'000'000u} : static_cast<std::uint64_t>(nano + 0.5);
    cell[b.size() + 1].fetch_add(add, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    const std::size_t n = bounds_->size() + 1;  // bounds and +Inf
    Snapshot s;
    s.cumulative.assign(n, 0);
    std::uint64_t sum = 0;
    for (std::size_t shard = 0; shard < kShards; ++shard) {
        const std::atomic<std::uint64_t>* cell = &cells_[shard * stride_];
        for (std::size_t i = 0; i < n; ++i) s.cumulative[i] += cell[i].load(std::memory_order_relaxed);
        sum += cell[n].load(std::memory_order_relaxed);
    }
    for (std::size_t i = 1; i < n; ++i) s.cumulative[i] += s.cumulative[i - 1];
    s.sum = static_cast<double>(sum) / kNano;
    return s;
}

// ---------------------------------------------------------------- families

template <class T>
T& Family<T>::with(const Labels& values) {
    if (values.size() != label_names_.size())
        throw std::invalid_argument("metric " + name_ + ": expected " + std::to_string(label_names_.size()) +
                                    " label values, got " + std::to_string(values.size()));
    std::lock_guard lk(mu_);
    auto& slot = children_[values];
    if (!slot) slot = make_();
    return *slot;
}

template <class T>
void Family<T>::render(std::string& out) const {
    append_header(out, name_, help_, type_);
    std::lock_guard lk(mu_);
    for (const auto& [values, child] : children_) {
        if constexpr (std::is_same_v<T, Histogram>) {
            auto snap = child->snapshot();
            const auto& bounds = child->bounds();
            for (std::size_t i = 0; i < snap.cumulative.size(); ++i) {
                out += name_;
                out += "_bucket";
                append_labels(out, label_names_, values, "le",
                              i < bounds.size() ? format_value(bounds[i]) : std::string("+Inf"));
                out += ' ';
                out += std::to_string(snap.cumulative[i]);
                out += '\n';
            }
            append_sample(out, name_ + "_sum", label_names_, values, snap.sum);
            out += name_ + "_count";
            append_labels(out, label_names_, values);
            out += ' ';
            out += std::to_string(snap.cumulative.back());
            out += '\n';
        } else if constexpr (std::is_same_v<T, Counter>) {
            out += name_;
            append_labels(out, label_names_, values);
            out += ' ';
            out += std::to_string(child->value());
            out += '\n';
        } else {
            append_sample(out, name_, label_names_, values, child->value());
        }
    }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---------------------------------------------------------------- Registry

void Registry::add(std::unique_ptr<FamilyBase> f) {
    if (!valid_name(f->name())) throw std::invalid_argument("invalid metric name: " + f->name());
    std::lock_guard lk(mu_);
    for (const auto& existing : families_)
        if (existing->name() == f->name()) throw std::invalid_argument("metric registered twice: " + f->name());
    families_.push_back(std::move(f));
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help, std::vector<std::string> labels) {
    auto f = std::make_unique<Family<Counter>>(name, help, std::move(labels), Type::kCounter,
                                               [] { return std::make_unique<Counter>(); });
    auto& ref = *f;
    add(std::move(f));
    return ref;
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
    auto f = std::make_unique<Family<Gauge>>(name, help, std::move(labels), Type::kGauge,
                                             [] { return std::make_unique<Gauge>(); });
    auto& ref = *f;
    add(std::move(f));
    return ref;
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                                       std::vector<std::string> labels) {
    if (bounds.empty() || !std::is_sorted(bounds.begin(), bounds.end()) ||
        std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end())
        throw std::invalid_argument("histogram " + name + ": bounds must be ascending and distinct");
    auto shared = std::make_shared<const std::vector<double>>(std::move(bounds));
    auto f = std::make_unique<Family<Histogram>>(name, help, std::move(labels), Type::kHistogram,
                                                 [shared] { return std::make_unique<Histogram>(shared); });
    auto& ref = *f;
    add(std::move(f));
    return ref;
}

void Registry::add_collector(Collector c) {
    std::lock_guard lk(mu_);
    collectors_.push_back(std::move(c));
}

std::string Registry::render() const {
    std::vector<const FamilyBase*> families;
    std::vector<Collector> collectors;
    {
        std::lock_guard lk(mu_);
        for (const auto& f : families_) families.push_back(f.get());
        collectors = collectors_;
    }
    std::string out;
    out.reserve(16 * 1024);
    for (const auto* f : families) f->render(out);
    for (const auto& collect : collectors) {
        std::vector<Collected> got;
        try {
            got = collect();
        } catch (const std::exception&) {
            continue;  // the collector reports its own health (e.g. a database-up gauge) where it can
        }
        for (const auto& c : got) {
            if (!valid_name(c.name)) continue;
            append_header(out, c.name, c.help, c.type);
            for (const auto& s : c.samples) append_sample(out, c.name, c.label_names, s.label_values, s.value);
        }
    }
    return out;
}

}  // namespace lc::infra::metrics
