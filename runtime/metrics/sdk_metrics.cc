#include "runtime/metrics/sdk_metrics.h"

#include <vector>

namespace weft::metrics {
namespace {

using LabelNames = std::vector<std::string>;

// sdk-core's default buckets, in milliseconds (crates/common/src/telemetry/metrics.rs,
// define_latency_buckets!), by the histogram they belong to.
const std::vector<double> kWorkflowEndToEndBuckets = {
    100,   500,    1000,   1500,   2000,      5000,      10000,      30000,
    60000, 120000, 300000, 600000, 1'800'000, 3'600'000, 30'600'000, 86'400'000};
const std::vector<double> kWorkflowTaskBuckets = {1, 10, 20, 50, 100, 200, 500, 1000};
const std::vector<double> kActivityExecutionBuckets = {50, 100, 500, 1000, 5000, 10000, 60000};
const std::vector<double> kScheduleToStartBuckets = {100, 500, 1000, 5000, 10000, 100000, 1000000};
const std::vector<double> kDefaultBuckets = {50, 100, 500, 1000, 2500, 10000};

const LabelNames kBase = {"namespace", "task_queue"};

LabelNames With(LabelNames labels, std::initializer_list<const char*> more) {
  labels.insert(labels.end(), more.begin(), more.end());
  return labels;
}

std::string_view WorkerTypeName(WorkerType type) {
  switch (type) {
    case WorkerType::kWorkflow:
      return "WorkflowWorker";
    case WorkerType::kActivity:
      return "ActivityWorker";
    case WorkerType::kLocalActivity:
      return "LocalActivityWorker";
  }
  return "";
}

std::string_view PollerTypeName(PollerType type) {
  switch (type) {
    case PollerType::kWorkflowTask:
      return "workflow_task";
    case PollerType::kStickyWorkflowTask:
      return "sticky_workflow_task";
    case PollerType::kActivityTask:
      return "activity_task";
  }
  return "";
}

}  // namespace

SdkMetrics::SdkMetrics(std::shared_ptr<MetricsRegistry> registry, std::string namespace_name,
                       std::string task_queue)
    : registry_(std::move(registry)),
      namespace_(std::move(namespace_name)),
      task_queue_(std::move(task_queue)),
      workflow_completed_(registry_->AddCounter("temporal_workflow_completed",
                                                "Count of successfully completed workflows",
                                                With(kBase, {"workflow_type"}))),
      workflow_failed_(registry_->AddCounter(
          "temporal_workflow_failed", "Count of failed workflows", With(kBase, {"workflow_type"}))),
      workflow_canceled_(registry_->AddCounter("temporal_workflow_canceled",
                                               "Count of canceled workflows",
                                               With(kBase, {"workflow_type"}))),
      workflow_continue_as_new_(registry_->AddCounter("temporal_workflow_continue_as_new",
                                                      "Count of continued-as-new workflows",
                                                      With(kBase, {"workflow_type"}))),
      workflow_endtoend_latency_(registry_->AddHistogram(
          "temporal_workflow_endtoend_latency", "Histogram of total workflow execution latencies",
          With(kBase, {"workflow_type"}), kWorkflowEndToEndBuckets)),
      workflow_task_queue_poll_succeed_(
          registry_->AddCounter("temporal_workflow_task_queue_poll_succeed",
                                "Count of workflow task queue poll successes", kBase)),
      workflow_task_queue_poll_empty_(
          registry_->AddCounter("temporal_workflow_task_queue_poll_empty",
                                "Count of workflow task queue poll timeouts (no new task)", kBase)),
      workflow_task_schedule_to_start_latency_(
          registry_->AddHistogram("temporal_workflow_task_schedule_to_start_latency",
                                  "Histogram of workflow task schedule-to-start latencies", kBase,
                                  kScheduleToStartBuckets)),
      workflow_task_execution_latency_(
          registry_->AddHistogram("temporal_workflow_task_execution_latency",
                                  "Histogram of workflow task execution (not replay) latencies",
                                  With(kBase, {"workflow_type"}), kWorkflowTaskBuckets)),
      workflow_task_replay_latency_(registry_->AddHistogram(
          "temporal_workflow_task_replay_latency", "Histogram of workflow task replay latencies",
          With(kBase, {"workflow_type"}), kWorkflowTaskBuckets)),
      workflow_task_execution_failed_(registry_->AddCounter(
          "temporal_workflow_task_execution_failed", "Count of workflow task execution failures",
          With(kBase, {"workflow_type", "failure_reason"}))),
      sticky_cache_hit_(registry_->AddCounter(
          "temporal_sticky_cache_hit",
          "Count of times the workflow cache was used for a new workflow task",
          With(kBase, {"workflow_type"}))),
      sticky_cache_miss_(registry_->AddCounter(
          "temporal_sticky_cache_miss",
          "Count of times the workflow cache was missing a workflow for a sticky task", kBase)),
      sticky_cache_size_(registry_->AddGauge("temporal_sticky_cache_size",
                                             "Current number of cached workflows", kBase)),
      sticky_cache_total_forced_eviction_(
          registry_->AddCounter("temporal_sticky_cache_total_forced_eviction",
                                "Count of evictions of cached workflows", kBase)),
      activity_task_received_(registry_->AddCounter(
          "temporal_activity_task_received", "Count of activity task queue poll successes", kBase)),
      activity_poll_no_task_(
          registry_->AddCounter("temporal_activity_poll_no_task",
                                "Count of activity task queue poll timeouts (no new task)", kBase)),
      activity_schedule_to_start_latency_(registry_->AddHistogram(
          "temporal_activity_schedule_to_start_latency",
          "Histogram of activity schedule-to-start latencies", kBase, kScheduleToStartBuckets)),
      activity_execution_latency_(registry_->AddHistogram(
          "temporal_activity_execution_latency", "Histogram of activity execution latencies",
          With(kBase, {"activity_type", "workflow_type"}), kActivityExecutionBuckets)),
      activity_execution_failed_(registry_->AddCounter(
          "temporal_activity_execution_failed", "Count of activity task execution failures",
          With(kBase, {"activity_type", "workflow_type"}))),
      local_activity_total_(registry_->AddCounter("temporal_local_activity_total",
                                                  "Count of local activities executed",
                                                  With(kBase, {"activity_type", "workflow_type"}))),
      local_activity_execution_latency_(registry_->AddHistogram(
          "temporal_local_activity_execution_latency",
          "Histogram of local activity execution latencies",
          With(kBase, {"activity_type", "workflow_type"}), kDefaultBuckets)),
      local_activity_execution_failed_(
          registry_->AddCounter("temporal_local_activity_execution_failed",
                                "Count of local activity executions that failed",
                                With(kBase, {"activity_type", "workflow_type"}))),
      local_activity_execution_cancelled_(
          registry_->AddCounter("temporal_local_activity_execution_cancelled",
                                "Count of local activity executions that were cancelled",
                                With(kBase, {"activity_type", "workflow_type"}))),
      worker_task_slots_available_(registry_->AddGauge(
          "temporal_worker_task_slots_available", "Current number of available slots per task type",
          With(kBase, {"worker_type"}))),
      worker_task_slots_used_(registry_->AddGauge("temporal_worker_task_slots_used",
                                                  "Current number of used slots per task type",
                                                  With(kBase, {"worker_type"}))),
      num_pollers_(registry_->AddGauge("temporal_num_pollers",
                                       "Current number of active pollers per queue type",
                                       With(kBase, {"poller_type"}))),
      request_(registry_->AddCounter("temporal_request",
                                     "Count of client request successes by rpc name",
                                     {"namespace", "operation"})),
      request_failure_(registry_->AddCounter("temporal_request_failure",
                                             "Count of client request failures by rpc name",
                                             {"namespace", "operation", "status_code"})),
      request_latency_(registry_->AddHistogram("temporal_request_latency",
                                               "Histogram of client request latencies",
                                               {"namespace", "operation"}, kDefaultBuckets)),
      long_request_(registry_->AddCounter("temporal_long_request",
                                          "Count of long-poll request successes by rpc name",
                                          {"namespace", "operation"})),
      long_request_failure_(registry_->AddCounter("temporal_long_request_failure",
                                                  "Count of long-poll request failures by rpc name",
                                                  {"namespace", "operation", "status_code"})),
      long_request_latency_(registry_->AddHistogram(
          "temporal_long_request_latency", "Histogram of client long-poll request latencies",
          {"namespace", "operation"}, kDefaultBuckets)) {}

void SdkMetrics::WorkflowClosed(WorkflowClose how, const std::string& workflow_type,
                                std::optional<Millis> end_to_end) {
  CounterFamily* counter = nullptr;
  switch (how) {
    case WorkflowClose::kCompleted:
      counter = &workflow_completed_;
      break;
    case WorkflowClose::kFailed:
      counter = &workflow_failed_;
      break;
    case WorkflowClose::kCanceled:
      counter = &workflow_canceled_;
      break;
    case WorkflowClose::kContinuedAsNew:
      counter = &workflow_continue_as_new_;
      break;
  }
  counter->With({namespace_, task_queue_, workflow_type}).Increment();
  if (end_to_end) {
    workflow_endtoend_latency_.With({namespace_, task_queue_, workflow_type})
        .Observe(end_to_end->count());
  }
}

void SdkMetrics::WorkflowTaskPolled(std::optional<Millis> schedule_to_start) {
  if (!schedule_to_start) {
    workflow_task_queue_poll_empty_.With({namespace_, task_queue_}).Increment();
    return;
  }
  workflow_task_queue_poll_succeed_.With({namespace_, task_queue_}).Increment();
  workflow_task_schedule_to_start_latency_.With({namespace_, task_queue_})
      .Observe(schedule_to_start->count());
}

void SdkMetrics::WorkflowTaskExecuted(const std::string& workflow_type, Millis latency,
                                      bool replayed) {
  workflow_task_execution_latency_.With({namespace_, task_queue_, workflow_type})
      .Observe(latency.count());
  if (replayed) {
    workflow_task_replay_latency_.With({namespace_, task_queue_, workflow_type})
        .Observe(latency.count());
  }
}

void SdkMetrics::WorkflowTaskFailed(const std::string& workflow_type, bool nondeterminism) {
  // Core's FailureReason names.
  workflow_task_execution_failed_
      .With({namespace_, task_queue_, workflow_type,
             nondeterminism ? "NonDeterminismError" : "WorkflowError"})
      .Increment();
}

void SdkMetrics::StickyCacheHit(const std::string& workflow_type) {
  sticky_cache_hit_.With({namespace_, task_queue_, workflow_type}).Increment();
}

void SdkMetrics::StickyCacheMiss() {
  sticky_cache_miss_.With({namespace_, task_queue_}).Increment();
}

void SdkMetrics::StickyCacheSize(std::size_t runs) {
  sticky_cache_size_.With({namespace_, task_queue_}).Set(static_cast<double>(runs));
}

void SdkMetrics::StickyCacheForcedEviction() {
  sticky_cache_total_forced_eviction_.With({namespace_, task_queue_}).Increment();
}

void SdkMetrics::ActivityPolled(std::optional<Millis> schedule_to_start) {
  if (!schedule_to_start) {
    activity_poll_no_task_.With({namespace_, task_queue_}).Increment();
    return;
  }
  activity_task_received_.With({namespace_, task_queue_}).Increment();
  activity_schedule_to_start_latency_.With({namespace_, task_queue_})
      .Observe(schedule_to_start->count());
}

void SdkMetrics::ActivityExecuted(const std::string& activity_type,
                                  const std::string& workflow_type, Millis latency, bool failed) {
  const LabelNames labels = {namespace_, task_queue_, activity_type, workflow_type};
  activity_execution_latency_.With(labels).Observe(latency.count());
  if (failed) activity_execution_failed_.With(labels).Increment();
}

void SdkMetrics::LocalActivityExecuted(const std::string& activity_type,
                                       const std::string& workflow_type, Millis latency,
                                       bool failed, bool cancelled) {
  const LabelNames labels = {namespace_, task_queue_, activity_type, workflow_type};
  local_activity_total_.With(labels).Increment();
  local_activity_execution_latency_.With(labels).Observe(latency.count());
  if (failed) local_activity_execution_failed_.With(labels).Increment();
  if (cancelled) local_activity_execution_cancelled_.With(labels).Increment();
}

void SdkMetrics::TaskSlots(WorkerType worker, std::optional<int> available, int used) {
  const LabelNames labels = {namespace_, task_queue_, std::string(WorkerTypeName(worker))};
  if (available) worker_task_slots_available_.With(labels).Set(*available);
  worker_task_slots_used_.With(labels).Set(used);
}

void SdkMetrics::PollsInFlight(PollerType poller, int change) {
  num_pollers_.With({namespace_, task_queue_, std::string(PollerTypeName(poller))}).Add(change);
}

void SdkMetrics::Request(std::string_view operation, bool long_poll, std::string_view status_code,
                         Millis latency) {
  // As core counts them: every request, the failed ones also as failures with their code.
  const LabelNames labels = {namespace_, std::string(operation)};
  (long_poll ? long_request_ : request_).With(labels).Increment();
  (long_poll ? long_request_latency_ : request_latency_).With(labels).Observe(latency.count());
  if (!status_code.empty()) {
    (long_poll ? long_request_failure_ : request_failure_)
        .With({namespace_, std::string(operation), std::string(status_code)})
        .Increment();
  }
}

}  // namespace weft::metrics
