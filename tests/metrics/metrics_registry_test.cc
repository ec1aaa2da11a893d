// MetricsRegistry: families by name, series by label values, what a snapshot holds, and the
// programming errors it refuses.

#include "runtime/metrics/metrics_registry.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

using weft::metrics::FamilySnapshot;
using weft::metrics::MetricsRegistry;
using weft::metrics::MetricType;

TEST_CASE("Counters and gauges keep a value per series of label values") {
  MetricsRegistry registry;
  auto& completed = registry.AddCounter("temporal_workflow_completed", "Completed",
                                        {"namespace", "workflow_type"});
  completed.With({"default", "hello"}).Increment();
  completed.With({"default", "hello"}).Increment(2);
  completed.With({"default", "order"}).Increment();
  auto& size = registry.AddGauge("temporal_sticky_cache_size", "Cached runs", {"namespace"});
  size.With({"default"}).Set(7);
  size.With({"default"}).Add(-2);

  CHECK(completed.With({"default", "hello"}).value() == 3);
  CHECK(completed.With({"default", "order"}).value() == 1);
  CHECK(size.With({"default"}).value() == 5);

  const std::vector<FamilySnapshot> snapshot = registry.Snapshot();
  REQUIRE(snapshot.size() == 2);  // by name
  CHECK(snapshot[0].info.name == "temporal_sticky_cache_size");
  CHECK(snapshot[1].info.name == "temporal_workflow_completed");
  REQUIRE(snapshot[1].series.size() == 2);  // by label values
  CHECK(snapshot[1].series[0].label_values == std::vector<std::string>{"default", "hello"});
  CHECK(snapshot[1].series[0].value == 3);
}

TEST_CASE("A histogram counts observations into upper-inclusive buckets, with sum and count") {
  MetricsRegistry registry;
  auto& latency =
      registry.AddHistogram("temporal_request_latency", "Latency", {"operation"}, {50, 100, 500});
  auto& poll = latency.With({"PollWorkflowTaskQueue"});
  for (double ms : {10.0, 50.0, 51.0, 100.0, 499.0, 5000.0}) poll.Observe(ms);

  const auto counts = poll.counts();
  CHECK(counts.cumulative == std::vector<std::uint64_t>{2, 4, 5});
  CHECK(counts.count == 6);
  CHECK(counts.sum == 5710);
}

TEST_CASE("Adding a family again returns it; a different one under its name is refused") {
  MetricsRegistry registry;
  auto& first = registry.AddCounter("weft_definition_reloads_total", "Reloads");
  auto& again = registry.AddCounter("weft_definition_reloads_total", "Reloads");
  CHECK(&first == &again);
  CHECK_THROWS_AS(registry.AddGauge("weft_definition_reloads_total", "Reloads"),
                  std::invalid_argument);
  CHECK_THROWS_AS(registry.AddCounter("weft_definition_reloads_total", "Reloads", {"file"}),
                  std::invalid_argument);
  registry.AddHistogram("h", "H", {}, {1, 2});
  CHECK_THROWS_AS(registry.AddHistogram("h", "H", {}, {1, 3}), std::invalid_argument);
}

TEST_CASE("Names, labels and bounds outside Prometheus's data model are refused") {
  MetricsRegistry registry;
  CHECK_THROWS_AS(registry.AddCounter("9lives", "x"), std::invalid_argument);
  CHECK_THROWS_AS(registry.AddCounter("with-dash", "x"), std::invalid_argument);
  CHECK_THROWS_AS(registry.AddCounter("ok", "x", {"__reserved"}), std::invalid_argument);
  CHECK_THROWS_AS(registry.AddHistogram("h", "x", {"le"}, {1}), std::invalid_argument);
  CHECK_THROWS_AS(registry.AddHistogram("h", "x", {}, {2, 1}), std::invalid_argument);
  CHECK_THROWS_AS(registry.AddHistogram("h", "x", {}, {}), std::invalid_argument);
  auto& family = registry.AddCounter("ok", "x", {"a", "b"});
  CHECK_THROWS_AS(family.With({"only one"}), std::invalid_argument);
}

TEST_CASE("Series are counted right from many threads at once") {
  MetricsRegistry registry;
  auto& counter = registry.AddCounter("c", "C", {"thread"});
  auto& histogram = registry.AddHistogram("h", "H", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10'000; ++i) {
        counter.With({t % 2 == 0 ? "even" : "odd"}).Increment();
        histogram.With({}).Observe(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(counter.With({"even"}).value() == 40'000);
  CHECK(counter.With({"odd"}).value() == 40'000);
  CHECK(histogram.With({}).counts().cumulative[0] == 80'000);
}
