// Activation: everything that happened to a run since the interpreter last ran, in the order
// it happened, plus the facts the interpreter may not look up itself (the time, whether this
// is a replay). The interpreter never sees a clock, a random device, a socket or a database:
// both engines build activations from what they recorded (a SQLite journal, a Temporal
// history) and the interpreter answers with commands (command.h).
//
// The shape follows sdk-core's workflow activations: each job resolves something the
// interpreter asked for earlier, identified by the `seq` it gave in its command, or delivers
// something from outside (a signal, an update, a query, a cancellation request).
//
// Plain data; built by one thread and handed to the interpreter.
#ifndef WEFT_RUNTIME_INTERPRETER_ACTIVATION_H_
#define WEFT_RUNTIME_INTERPRETER_ACTIVATION_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/interpreter/failure.h"

namespace weft::interpreter {

// The first job of a run's first activation.
struct StartWorkflow {
  std::string workflow_type;  // the definition's name
  std::string workflow_id;
  std::string run_id;
  std::string task_queue;  // the workflow's own; `workflow.task_queue` in expressions
  nlohmann::json input;    // already checked against the definition's input schema
  std::int32_t attempt = 1;
  nlohmann::json memo = nlohmann::json::object();
  nlohmann::json search_attributes = nlohmann::json::object();
  std::optional<std::string> continued_from_run_id;
  // Seeds uuid() and random(); the same for every replay of the run (the engine derives it
  // from what it recorded when the run started).
  std::uint64_t random_seed = 0;
  // Where a run continued as new by a `while` loop picks up (ContinueAsNew::resume); null for
  // a fresh start. The engine carries it beside the input, never inside it.
  nlohmann::json resume;
};

struct ActivityResolution {
  enum class Status { kCompleted, kFailed, kCancelled };
  Status status = Status::kCompleted;
  nlohmann::json result;  // kCompleted
  Failure failure;        // kFailed (after the last retry) and kCancelled
};

struct ResolveActivity {
  std::uint32_t seq = 0;
  ActivityResolution resolution;
};

struct FireTimer {
  std::uint32_t seq = 0;
};

struct SignalWorkflow {
  std::string name;
  nlohmann::json payload;
};

// An update request. The interpreter accepts or rejects it (running the validator only when
// `run_validator`: a replayed update was already accepted), then completes it.
struct DoUpdate {
  std::string id;  // the client's update id
  std::string name;
  nlohmann::json payload;
  bool run_validator = true;
};

// A query: answered at once, never changes state, never produces other commands.
struct QueryWorkflow {
  std::string id;
  std::string name;
  nlohmann::json payload;
};

struct CancelWorkflow {
  std::string reason;
};

struct ResolveChildWorkflowStart {
  std::uint32_t seq = 0;
  bool started = true;
  std::string run_id;  // when started
  Failure failure;     // when not (e.g. the workflow id is already running)
};

struct ResolveChildWorkflow {
  std::uint32_t seq = 0;
  ActivityResolution::Status status = ActivityResolution::Status::kCompleted;
  nlohmann::json result;
  Failure failure;
};

struct ResolveSignalExternalWorkflow {
  std::uint32_t seq = 0;
  std::optional<Failure> failure;  // absent: delivered
};

// A marker found in history during replay (a recorded value, the definition pin), in order.
struct MarkerRecorded {
  std::string name;
  nlohmann::json data;
};

using Job = std::variant<StartWorkflow, ResolveActivity, FireTimer, SignalWorkflow, DoUpdate,
                         QueryWorkflow, CancelWorkflow, ResolveChildWorkflowStart,
                         ResolveChildWorkflow, ResolveSignalExternalWorkflow, MarkerRecorded>;

struct Activation {
  // Workflow time: now() in expressions and the base of durable timers. On Temporal, the time
  // of the WorkflowTaskStarted event; on the embedded engine, the journal's time of the batch.
  std::int64_t now_unix_ms = 0;
  bool is_replaying = false;
  // The server suggests continuing as new (history is long): a `while` loop may do so.
  bool continue_as_new_suggested = false;
  std::vector<Job> jobs;
};

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_ACTIVATION_H_
