// The Prometheus text format as weft writes it: byte for byte, for each metric type, with the
// escapes and number forms the format defines.

#include "runtime/metrics/prometheus_text.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using weft::metrics::FormatPrometheusNumber;
using weft::metrics::MetricsRegistry;
using weft::metrics::WritePrometheusText;

TEST_CASE("Counters, gauges and histograms in the text format, families in name order") {
  MetricsRegistry registry;
  auto& latency = registry.AddHistogram(
      "temporal_activity_execution_latency", "Histogram of activity execution latencies",
      {"namespace", "activity_type"}, {50, 100, 500, 1000, 5000, 10000, 60000});
  latency.With({"default", "greet"}).Observe(3);
  latency.With({"default", "greet"}).Observe(700);
  registry
      .AddCounter("temporal_workflow_completed", "Count of successfully completed workflows",
                  {"namespace", "workflow_type"})
      .With({"default", "hello"})
      .Increment(2);
  registry.AddGauge("temporal_sticky_cache_size", "Current number of cached workflows")
      .With({})
      .Set(1);
  registry.AddCounter("temporal_workflow_failed", "Never incremented", {"workflow_type"});

  CHECK(WritePrometheusText(registry.Snapshot()) ==
        R"(# HELP temporal_activity_execution_latency Histogram of activity execution latencies
# TYPE temporal_activity_execution_latency histogram
temporal_activity_execution_latency_bucket{namespace="default",activity_type="greet",le="50"} 1
temporal_activity_execution_latency_bucket{namespace="default",activity_type="greet",le="100"} 1
temporal_activity_execution_latency_bucket{namespace="default",activity_type="greet",le="500"} 1
temporal_activity_execution_latency_bucket{namespace="default",activity_type="greet",le="1000"} 2
temporal_activity_execution_latency_bucket{namespace="default",activity_type="greet",le="5000"} 2
temporal_activity_execution_latency_bucket{namespace="default",activity_type="greet",le="10000"} 2
temporal_activity_execution_latency_bucket{namespace="default",activity_type="greet",le="60000"} 2
temporal_activity_execution_latency_bucket{namespace="default",activity_type="greet",le="+Inf"} 2
temporal_activity_execution_latency_sum{namespace="default",activity_type="greet"} 703
temporal_activity_execution_latency_count{namespace="default",activity_type="greet"} 2
# HELP temporal_sticky_cache_size Current number of cached workflows
# TYPE temporal_sticky_cache_size gauge
temporal_sticky_cache_size 1
# HELP temporal_workflow_completed Count of successfully completed workflows
# TYPE temporal_workflow_completed counter
temporal_workflow_completed{namespace="default",workflow_type="hello"} 2
)");
}

TEST_CASE("Label values and help texts are escaped") {
  MetricsRegistry registry;
  registry.AddCounter("weft_x", "Help with \\ and\na newline", {"file"})
      .With({"C:\\flows\\\"odd\".yaml\n"})
      .Increment();
  CHECK(WritePrometheusText(registry.Snapshot()) ==
        "# HELP weft_x Help with \\\\ and\\na newline\n"
        "# TYPE weft_x counter\n"
        "weft_x{file=\"C:\\\\flows\\\\\\\"odd\\\".yaml\\n\"} 1\n");
}

TEST_CASE("Numbers in their shortest exact form, infinities and NaN by name") {
  CHECK(FormatPrometheusNumber(0) == "0");
  CHECK(FormatPrometheusNumber(100) == "100");
  CHECK(FormatPrometheusNumber(-3) == "-3");
  CHECK(FormatPrometheusNumber(0.1) == "0.1");
  CHECK(FormatPrometheusNumber(8.64e7) == "86400000");
  CHECK(FormatPrometheusNumber(2.5e-7) == "2.5e-07");
  CHECK(FormatPrometheusNumber(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(FormatPrometheusNumber(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(FormatPrometheusNumber(std::nan("")) == "NaN");
}
