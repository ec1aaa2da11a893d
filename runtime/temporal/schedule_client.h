// A client of Temporal's schedules: create, describe, list, update, pause, unpause, trigger and
// delete the schedules of a namespace, whose action starts a workflow (weft's or any SDK's) on
// a calendar (cron strings, in a time zone) or at an interval, with jitter, an overlap policy
// and a catch-up window, as `temporal schedule` does. The server keeps and fires them; this only
// speaks the schedule calls of WorkflowService.
//
// Nothing of gRPC or protobuf shows here. Every method blocks until the server answers; a
// ScheduleClient is cheap to copy and thread-safe, like the WorkflowClient it shares a
// connection with.
#ifndef WEFT_RUNTIME_TEMPORAL_SCHEDULE_CLIENT_H_
#define WEFT_RUNTIME_TEMPORAL_SCHEDULE_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/temporal/workflow_client.h"

namespace weft::temporal {

// What happens when a schedule fires while its last run is still open (the server's policies).
enum class OverlapPolicy {
  kSkip,
  kBufferOne,
  kBufferAll,
  kCancelOther,
  kTerminateOther,
  kAllowAll
};
// "skip", "buffer_one", "buffer_all", "cancel_other", "terminate_other", "allow_all".
std::string_view OverlapPolicyName(OverlapPolicy policy);
std::optional<OverlapPolicy> ParseOverlapPolicy(std::string_view name);
inline constexpr OverlapPolicy kOverlapPolicies[] = {
    OverlapPolicy::kSkip,        OverlapPolicy::kBufferOne,      OverlapPolicy::kBufferAll,
    OverlapPolicy::kCancelOther, OverlapPolicy::kTerminateOther, OverlapPolicy::kAllowAll};

// A schedule as written: when it fires, what it starts, and its policies.
struct Schedule {
  // When: any of the cron strings ("0 9 * * MON-FRI", or "@every 1h" as the server reads it)
  // and any of the intervals; times of day in `time_zone` (an IANA name; empty: UTC).
  std::vector<std::string> crons;
  std::vector<std::chrono::milliseconds> intervals;
  std::string time_zone;
  std::chrono::milliseconds jitter{0};  // each firing is delayed by up to this much, at random

  // What: a run of `workflow_type` on `task_queue` with `input`. Its workflow id is
  // `workflow_id` (empty: the schedule's id) followed by the time it fired, as the server names
  // scheduled runs.
  std::string workflow_type;
  std::string task_queue;
  nlohmann::json input;
  std::string workflow_id;

  OverlapPolicy overlap = OverlapPolicy::kSkip;
  // How late a firing missed while the server was down may still start; none: the server's
  // default (a year).
  std::optional<std::chrono::milliseconds> catchup_window;
  bool pause_on_failure = false;

  bool paused = false;
  std::string note;                                    // why it was paused or unpaused
  nlohmann::json memo = nlohmann::json::object();      // the schedule's; set at creation only
  nlohmann::json run_memo = nlohmann::json::object();  // the memo of each run it starts
};

// One firing: when it was due, when it started, and the run it started.
struct ScheduleFiring {
  std::int64_t scheduled_ms = 0;
  std::int64_t started_ms = 0;
  WorkflowExecution execution;
};

// DescribeSchedule: the schedule and what it has done.
struct ScheduleDescription {
  std::string id;
  Schedule schedule;
  std::int64_t actions = 0;                // runs started
  std::int64_t missed_catchup_window = 0;  // firings dropped because they were too late
  std::int64_t overlap_skipped = 0;        // firings skipped by the overlap policy
  std::vector<ScheduleFiring> recent;      // the latest firings, oldest first
  std::vector<std::int64_t> next_ms;       // the next firing times
  std::vector<WorkflowExecution> running;  // its runs still open
  std::int64_t created_ms = 0;
};

// ListSchedules: one schedule, as the visibility store knows it.
struct ScheduleSummary {
  std::string id;
  std::string workflow_type;
  bool paused = false;
  std::string note;
  std::vector<std::int64_t> next_ms;
  nlohmann::json memo = nlohmann::json::object();  // each value decoded
};

// As JSON for people and agents: {id, spec: {crons, intervals, time_zone, jitter}, action:
// {workflow_type, task_queue, workflow_id, input}, policies: {overlap, catchup_window,
// pause_on_failure}, state: {paused, note}, memo, info: {actions, missed_catchup_window,
// overlap_skipped, recent: [{scheduled, started, workflow_id, run_id}], next: [...], running:
// [...], created}}; durations as the language writes them ("1h30m"), times as RFC 3339 UTC.
nlohmann::json ToJson(const ScheduleDescription& description);

class ScheduleClient {
 public:
  // On the connection of `client` (WorkflowClient::Connect checked the server).
  explicit ScheduleClient(const WorkflowClient& client);

  // kAlreadyStarted when a schedule has this id.
  std::expected<void, ClientError> Create(const std::string& id, const Schedule& schedule) const;
  // Replaces the schedule's spec, action, policies and state with `schedule`.
  std::expected<void, ClientError> Update(const std::string& id, const Schedule& schedule) const;
  std::expected<ScheduleDescription, ClientError> Describe(const std::string& id) const;
  // Every schedule of the namespace. Visibility lags: a schedule created a moment ago may not
  // be listed yet.
  std::expected<std::vector<ScheduleSummary>, ClientError> List() const;
  std::expected<void, ClientError> Pause(const std::string& id, const std::string& note) const;
  std::expected<void, ClientError> Unpause(const std::string& id, const std::string& note) const;
  // Fires it now, under its own overlap policy or `overlap`.
  std::expected<void, ClientError> Trigger(const std::string& id,
                                           std::optional<OverlapPolicy> overlap) const;
  std::expected<void, ClientError> Delete(const std::string& id) const;

 private:
  std::shared_ptr<Connection> connection_;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_SCHEDULE_CLIENT_H_
