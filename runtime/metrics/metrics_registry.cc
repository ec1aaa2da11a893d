#include "runtime/metrics/metrics_registry.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace weft::metrics {
namespace {

// Prometheus's data model: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names
// [a-zA-Z_][a-zA-Z0-9_]*, label names starting with "__" reserved.
bool ValidName(const std::string& name, bool colons) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::ranges::all_of(name, [colons](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (colons && c == ':');
  });
}

void Check(const FamilyInfo& info) {
  if (!ValidName(info.name, /*colons=*/true)) {
    throw std::invalid_argument("`" + info.name + "` is not a Prometheus metric name");
  }
  for (const std::string& label : info.label_names) {
    if (!ValidName(label, /*colons=*/false) || label.starts_with("__") ||
        (info.type == MetricType::kHistogram && label == "le")) {
      throw std::invalid_argument("metric " + info.name + ": `" + label +
                                  "` is not a label name it may have");
    }
  }
  if (info.type == MetricType::kHistogram &&
      (info.bounds.empty() || !std::ranges::is_sorted(info.bounds) ||
       std::ranges::adjacent_find(info.bounds) != info.bounds.end())) {
    throw std::invalid_argument("histogram " + info.name + ": its bounds must increase");
  }
}

bool SameShape(const FamilyInfo& a, const FamilyInfo& b) {
  return a.type == b.type && a.label_names == b.label_names && a.bounds == b.bounds;
}

}  // namespace

Histogram::Histogram(const FamilyInfo& info)
    : bounds_(info.bounds), in_bucket_(info.bounds.size() + 1, 0) {}

void Histogram::Observe(double value) {
  // Prometheus buckets are upper-inclusive: an observation equal to a bound falls in it.
  const auto bucket = std::ranges::lower_bound(bounds_, value) - bounds_.begin();
  std::lock_guard lock(mutex_);
  ++in_bucket_[static_cast<std::size_t>(bucket)];
  sum_ += value;
}

Histogram::Counts Histogram::counts() const {
  std::lock_guard lock(mutex_);
  Counts counts{.sum = sum_};
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    counts.count += in_bucket_[i];
    counts.cumulative.push_back(counts.count);
  }
  counts.count += in_bucket_.back();
  return counts;
}

template <typename Series>
Series& Family<Series>::With(const std::vector<std::string>& label_values) {
  if (label_values.size() != info_.label_names.size()) {
    throw std::invalid_argument("metric " + info_.name + " has " +
                                std::to_string(info_.label_names.size()) + " labels, not " +
                                std::to_string(label_values.size()));
  }
  std::lock_guard lock(mutex_);
  auto& series = series_[label_values];
  if (!series) series = std::make_unique<Series>(info_);
  return *series;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename Series>
Family<Series>& MetricsRegistry::Add(FamilyInfo info) {
  Check(info);
  std::lock_guard lock(mutex_);
  auto found = families_.find(info.name);
  if (found == families_.end()) {
    auto family = std::make_unique<Family<Series>>(std::move(info));
    Family<Series>& added = *family;
    families_.emplace(added.info().name, std::move(family));
    return added;
  }
  auto* existing = std::get_if<std::unique_ptr<Family<Series>>>(&found->second);
  if (existing == nullptr || !SameShape((*existing)->info(), info)) {
    throw std::invalid_argument("metric " + info.name + " is registered already, as another " +
                                MetricTypeName(info.type) + " or another type");
  }
  return **existing;
}

Family<Counter>& MetricsRegistry::AddCounter(std::string name, std::string help,
                                             std::vector<std::string> label_names) {
  return Add<Counter>({.name = std::move(name),
                       .help = std::move(help),
                       .type = MetricType::kCounter,
                       .label_names = std::move(label_names)});
}

Family<Gauge>& MetricsRegistry::AddGauge(std::string name, std::string help,
                                         std::vector<std::string> label_names) {
  return Add<Gauge>({.name = std::move(name),
                     .help = std::move(help),
                     .type = MetricType::kGauge,
                     .label_names = std::move(label_names)});
}

Family<Histogram>& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                                 std::vector<std::string> label_names,
                                                 std::vector<double> bounds) {
  return Add<Histogram>({.name = std::move(name),
                         .help = std::move(help),
                         .type = MetricType::kHistogram,
                         .label_names = std::move(label_names),
                         .bounds = std::move(bounds)});
}

std::vector<FamilySnapshot> MetricsRegistry::Snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<FamilySnapshot> out;
  for (const auto& [name, any] : families_) {
    std::visit(
        [&](const auto& family) {
          FamilySnapshot snapshot{.info = family->info()};
          family->ForEach([&](const std::vector<std::string>& values, const auto& series) {
            SeriesSnapshot taken{.label_values = values};
            using Series = std::decay_t<decltype(series)>;
            if constexpr (std::is_same_v<Series, Histogram>) {
              taken.histogram = series.counts();
            } else {
              taken.value = static_cast<double>(series.value());
            }
            snapshot.series.push_back(std::move(taken));
          });
          out.push_back(std::move(snapshot));
        },
        any);
  }
  return out;
}

const char* MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace weft::metrics
