// Command: what the interpreter asks its engine to do after an activation. Each maps onto one
// Temporal command (docs/temporal-protocol.md#commands-and-events) or, for updates and queries,
// onto one protocol message or query answer; the embedded engine carries them out against its
// journal.
//
// Commands that wait for an answer carry a `seq`, unique per kind within a run and assigned in
// the deterministic order the interpreter reaches them; the answer comes back as a job with the
// same seq (activation.h). Replay checks that a run produces the same commands as its history
// recorded: that is why the order and the fields here are part of the contract. A close command
// (CompleteWorkflow, FailWorkflow, CancelWorkflowExecution, ContinueAsNew) is always last.
//
// Plain data.
#ifndef WEFT_RUNTIME_INTERPRETER_COMMAND_H_
#define WEFT_RUNTIME_INTERPRETER_COMMAND_H_

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/interpreter/failure.h"

namespace weft::interpreter {

using Milliseconds = std::chrono::milliseconds;

struct ActivityTimeouts {
  std::optional<Milliseconds> start_to_close;
  std::optional<Milliseconds> schedule_to_close;
  std::optional<Milliseconds> schedule_to_start;
  std::optional<Milliseconds> heartbeat;
};

struct RetryPolicy {
  std::optional<Milliseconds> initial_interval;  // server default 1 s
  std::optional<double> backoff_coefficient;     // server default 2.0
  std::optional<Milliseconds> maximum_interval;  // server default 100 x initial
  std::int64_t maximum_attempts = 0;             // 0: unlimited
  std::vector<std::string> non_retryable_error_types;
};

struct ScheduleActivity {
  std::uint32_t seq = 0;
  std::string activity_id;                // what Temporal shows; by convention the seq as text
  std::string activity_type;              // "payments.charge"; "lua.inline" for an inline chunk
  nlohmann::json input;                   // one argument
  std::optional<std::string> task_queue;  // absent: the workflow's own
  ActivityTimeouts timeouts;
  RetryPolicy retry;
  std::string step_path;  // "/steps/2": where the step is in the definition
  // "resize[3]": the step's id, with the branch and iteration it runs in (Fiber::label_prefix),
  // as a person reads it; Temporal shows it as the activity's summary.
  std::string step_label;
  // `local: true`: on Temporal the worker runs it inside the workflow task and records its
  // outcome in a marker (runtime/temporal/local_activity_marker.h); the embedded engine runs
  // every activity in process anyway, so there it is an ordinary attempt.
  bool local = false;
};

struct RequestCancelActivity {
  std::uint32_t seq = 0;
};

struct StartTimer {
  std::uint32_t seq = 0;
  Milliseconds duration{0};
  std::string step_label;  // of the `wait` step, or "<await step> timeout"
};

struct CancelTimer {
  std::uint32_t seq = 0;
};

struct StartChildWorkflow {
  enum class ParentClosePolicy { kTerminate, kRequestCancel, kAbandon };
  std::uint32_t seq = 0;
  std::string workflow_type;
  std::string workflow_id;
  nlohmann::json input;
  std::optional<std::string> task_queue;
  ParentClosePolicy parent_close_policy = ParentClosePolicy::kTerminate;
  // The `version:` the step asks for; absent: the newest the engine serves. The Temporal
  // engine carries it in the start's header (kVersionHeader), the embedded engine looks it up.
  std::optional<std::int64_t> version;
  std::string step_label;  // of the `workflow` step
};

struct RequestCancelChildWorkflow {
  std::uint32_t seq = 0;  // the StartChildWorkflow's
};

struct SignalExternalWorkflow {
  std::uint32_t seq = 0;
  std::string workflow_id;
  std::string run_id;  // empty: the current run
  std::string signal;
  nlohmann::json payload;
};

// A value recorded in history: uuid() and random() results, and the definition pin (the
// canonical definition the run executes, so that replay never depends on what is on disk).
struct RecordMarker {
  std::string name;  // "weft.definition", "weft.value"
  nlohmann::json data;
};

struct UpsertSearchAttributes {
  nlohmann::json attributes;  // object: name -> value
};

struct UpsertMemo {
  nlohmann::json memo;  // object: name -> value
};

struct AcceptUpdate {
  std::string id;
};

struct RejectUpdate {
  std::string id;
  Failure failure;
};

struct CompleteUpdate {
  std::string id;
  std::optional<nlohmann::json> result;  // absent when `failure` is set
  std::optional<Failure> failure;
};

struct RespondToQuery {
  std::string id;
  std::optional<nlohmann::json> result;
  std::optional<Failure> failure;
};

struct CompleteWorkflow {
  nlohmann::json result;
};

struct FailWorkflow {
  Failure failure;
};

// The run accepts a cancellation request and ends as cancelled.
struct CancelWorkflowExecution {};

struct ContinueAsNew {
  nlohmann::json input;
  std::optional<std::string> workflow_type;  // absent: the same definition
  // Set when a `while` loop continues as new because the engine suggested it: the position
  // and variables the new run resumes from (StartWorkflow::resume). The Temporal engine
  // carries it in the command's header, the embedded engine in its journal; null otherwise.
  nlohmann::json resume;
};

using Command = std::variant<ScheduleActivity, RequestCancelActivity, StartTimer, CancelTimer,
                             StartChildWorkflow, RequestCancelChildWorkflow, SignalExternalWorkflow,
                             RecordMarker, UpsertSearchAttributes, UpsertMemo, AcceptUpdate,
                             RejectUpdate, CompleteUpdate, RespondToQuery, CompleteWorkflow,
                             FailWorkflow, CancelWorkflowExecution, ContinueAsNew>;

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_COMMAND_H_
