// MetricsRegistry: the metrics of one weft process, whichever engine it runs: counters, gauges
// and histograms, each a family of series told apart by the values of the family's labels, as
// Prometheus models them. The Temporal worker registers the Temporal SDKs' metrics here
// (runtime/metrics/sdk_metrics.h), a folder's scans weft's own (catalog_metrics.h), and the
// metrics endpoint writes a snapshot as Prometheus text (prometheus_text.h).
//
// Registering is idempotent: adding a family that exists with the same type, labels and buckets
// returns it, so two workers of one process share their series. Anything else under a taken
// name, an invalid name, or label values that do not match the family's labels is a programming
// error and throws std::invalid_argument.
//
// Thread-safe. Families and series live as long as the registry, so the references Add*() and
// With() return may be kept; recording on a series is a lock-free atomic for counters and
// gauges, a short lock for a histogram.
#ifndef WEFT_RUNTIME_METRICS_METRICS_REGISTRY_H_
#define WEFT_RUNTIME_METRICS_METRICS_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace weft::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };
// "counter", "gauge", "histogram": the exposition format's names.
const char* MetricTypeName(MetricType type);

struct FamilyInfo {
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<std::string> label_names;
  std::vector<double> bounds;  // a histogram's bucket upper bounds, increasing; +Inf is implied
};

class Counter {
 public:
  explicit Counter(const FamilyInfo&) {}
  void Increment(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  explicit Gauge(const FamilyInfo&) {}
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(const FamilyInfo& info);
  void Observe(double value);

  struct Counts {
    std::vector<std::uint64_t> cumulative;  // per bound: observations <= it
    std::uint64_t count = 0;                // all of them: the +Inf bucket
    double sum = 0;
  };
  Counts counts() const;

 private:
  const std::vector<double>& bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> in_bucket_;  // per bound, then one past the last
  double sum_ = 0;
};

// One family's series, by label values in the order of the family's label names.
template <typename Series>
class Family {
 public:
  explicit Family(FamilyInfo info) : info_(std::move(info)) {}

  // The series of `label_values`, created on first use.
  Series& With(const std::vector<std::string>& label_values);

  const FamilyInfo& info() const { return info_; }

  // Calls `visit(label_values, series)` for each series, in label-value order, under the
  // family's lock.
  template <typename Visit>
  void ForEach(Visit visit) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, series] : series_) visit(values, *series);
  }

 private:
  const FamilyInfo info_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

// What a writer reads: a family and its series at one moment.
struct SeriesSnapshot {
  std::vector<std::string> label_values;
  double value = 0;  // a counter's or a gauge's
  Histogram::Counts histogram;
};
struct FamilySnapshot {
  FamilyInfo info;
  std::vector<SeriesSnapshot> series;
};

class MetricsRegistry {
 public:
  Family<Counter>& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names, std::vector<double> bounds);

  // Every family, in name order, with its series.
  std::vector<FamilySnapshot> Snapshot() const;

 private:
  template <typename Series>
  Family<Series>& Add(FamilyInfo info);

  using AnyFamily = std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
                                 std::unique_ptr<Family<Histogram>>>;
  mutable std::mutex mutex_;
  std::map<std::string, AnyFamily> families_;
};

}  // namespace weft::metrics

#endif  // WEFT_RUNTIME_METRICS_METRICS_REGISTRY_H_
