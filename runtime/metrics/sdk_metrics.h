// SdkMetrics: the metrics the Temporal SDKs export, recorded by weft's Temporal worker under the
// same names, types, labels and units, so that Temporal's published dashboard for the SDKs built
// on sdk-core (Python, TypeScript, .NET: temporalio/dashboards sdk/temporal-core-sdks-otel.json)
// works on a weft worker unchanged. They are written as sdk-core's Prometheus exporter writes
// them (sdk-core crates/sdk-core/src/telemetry/metrics.rs, crates/client/src/metrics.rs,
// crates/common/src/telemetry/metrics.rs):
//
// - names prefixed `temporal_`; counters without a `_total` suffix;
// - latencies as histograms in milliseconds, without a unit suffix, in core's default buckets;
// - every series labelled `namespace` and `task_queue`, and, where core sets them,
//   `workflow_type`, `activity_type`, `worker_type` (WorkflowWorker, ActivityWorker,
//   LocalActivityWorker), `poller_type` (workflow_task, sticky_workflow_task, activity_task),
//   `operation` (the RPC) and `status_code` (a failed RPC's gRPC code), `failure_reason`.
//
// docs/operations.md#metrics lists every metric. A registry may hold the metrics of several
// workers (task queues) at once.
//
// Thread-safe: each call is a lookup of its series and an atomic add (a short lock for a
// histogram).
#ifndef WEFT_RUNTIME_METRICS_SDK_METRICS_H_
#define WEFT_RUNTIME_METRICS_SDK_METRICS_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/metrics/metrics_registry.h"

namespace weft::metrics {

enum class WorkflowClose { kCompleted, kFailed, kCanceled, kContinuedAsNew };
enum class WorkerType { kWorkflow, kActivity, kLocalActivity };
enum class PollerType { kWorkflowTask, kStickyWorkflowTask, kActivityTask };

class SdkMetrics {
 public:
  using Millis = std::chrono::duration<double, std::milli>;

  SdkMetrics(std::shared_ptr<MetricsRegistry> registry, std::string namespace_name,
             std::string task_queue);

  // Workflows. `end_to_end`: from the run's start to its close, when known.
  void WorkflowClosed(WorkflowClose how, const std::string& workflow_type,
                      std::optional<Millis> end_to_end);
  // A workflow task poll: one with a task and its schedule-to-start latency, or an empty one.
  void WorkflowTaskPolled(std::optional<Millis> schedule_to_start);
  // A workflow task answered, from its poll to the answer; `replayed` when it replayed its
  // run's earlier history first (a cache miss), which core counts as replay latency too.
  void WorkflowTaskExecuted(const std::string& workflow_type, Millis latency, bool replayed);
  void WorkflowTaskFailed(const std::string& workflow_type, bool nondeterminism);

  // The cache of runs between tasks (the sticky cache).
  void StickyCacheHit(const std::string& workflow_type);
  void StickyCacheMiss();
  void StickyCacheSize(std::size_t runs);
  void StickyCacheForcedEviction();

  // Activities: a poll (with a task and its schedule-to-start latency, or empty), and an
  // attempt's execution, `failed` unless it completed or was cancelled.
  void ActivityPolled(std::optional<Millis> schedule_to_start);
  void ActivityExecuted(const std::string& activity_type, const std::string& workflow_type,
                        Millis latency, bool failed);
  void LocalActivityExecuted(const std::string& activity_type, const std::string& workflow_type,
                             Millis latency, bool failed, bool cancelled);

  // Slots of a kind of worker: free ones (nothing when it has no fixed number) and taken ones.
  void TaskSlots(WorkerType worker, std::optional<int> available, int used);
  // A poll of `poller` went out (+1) or came back (-1).
  void PollsInFlight(PollerType poller, int change);

  // One RPC: `long_poll` for task polls; `status_code` empty when it succeeded, else the gRPC
  // code's name ("UNAVAILABLE").
  void Request(std::string_view operation, bool long_poll, std::string_view status_code,
               Millis latency);

  const std::shared_ptr<MetricsRegistry>& registry() const { return registry_; }

 private:
  using CounterFamily = Family<Counter>;
  using GaugeFamily = Family<Gauge>;
  using HistogramFamily = Family<Histogram>;

  std::shared_ptr<MetricsRegistry> registry_;
  const std::string namespace_;
  const std::string task_queue_;

  CounterFamily& workflow_completed_;
  CounterFamily& workflow_failed_;
  CounterFamily& workflow_canceled_;
  CounterFamily& workflow_continue_as_new_;
  HistogramFamily& workflow_endtoend_latency_;
  CounterFamily& workflow_task_queue_poll_succeed_;
  CounterFamily& workflow_task_queue_poll_empty_;
  HistogramFamily& workflow_task_schedule_to_start_latency_;
  HistogramFamily& workflow_task_execution_latency_;
  HistogramFamily& workflow_task_replay_latency_;
  CounterFamily& workflow_task_execution_failed_;
  CounterFamily& sticky_cache_hit_;
  CounterFamily& sticky_cache_miss_;
  GaugeFamily& sticky_cache_size_;
  CounterFamily& sticky_cache_total_forced_eviction_;
  CounterFamily& activity_task_received_;
  CounterFamily& activity_poll_no_task_;
  HistogramFamily& activity_schedule_to_start_latency_;
  HistogramFamily& activity_execution_latency_;
  CounterFamily& activity_execution_failed_;
  CounterFamily& local_activity_total_;
  HistogramFamily& local_activity_execution_latency_;
  CounterFamily& local_activity_execution_failed_;
  CounterFamily& local_activity_execution_cancelled_;
  GaugeFamily& worker_task_slots_available_;
  GaugeFamily& worker_task_slots_used_;
  GaugeFamily& num_pollers_;
  CounterFamily& request_;
  CounterFamily& request_failure_;
  HistogramFamily& request_latency_;
  CounterFamily& long_request_;
  CounterFamily& long_request_failure_;
  HistogramFamily& long_request_latency_;
};

}  // namespace weft::metrics

#endif  // WEFT_RUNTIME_METRICS_SDK_METRICS_H_
