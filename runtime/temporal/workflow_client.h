// A client of workflows on a Temporal server: start, signal, query, update, cancel, terminate,
// wait for the result and read the history of any workflow, weft's or any SDK's. Values go in
// and come out as JSON, one json/plain payload per argument as the SDKs write them, so that
// weft starts a Python workflow and a Python client starts a weft workflow alike.
//
// Nothing of gRPC or protobuf shows here: the command line includes this header. Every method
// blocks until the server answers; a WorkflowClient is cheap to copy and thread-safe.
#ifndef WEFT_RUNTIME_TEMPORAL_WORKFLOW_CLIENT_H_
#define WEFT_RUNTIME_TEMPORAL_WORKFLOW_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/temporal/connection_options.h"

namespace weft::temporal {

class Connection;

struct ClientError {
  enum class Kind {
    kUnavailable,     // the server cannot be reached
    kNotFound,        // no such workflow (or namespace)
    kAlreadyStarted,  // a running workflow has this id and the policy says fail
    kInvalidArgument,
    kQueryFailed,   // the workflow's query handler failed or rejected the query
    kUpdateFailed,  // the update was rejected by its validator or failed
    kOther,
  };
  Kind kind = Kind::kOther;
  std::string message;     // says which call and what went wrong
  nlohmann::json failure;  // the workflow's Failure as JSON, when it sent one

  std::string ToString() const { return message; }
};

struct WorkflowExecution {
  std::string workflow_id;
  std::string run_id;  // empty: the latest run of workflow_id
};

enum class IdConflictPolicy { kFail, kUseExisting, kTerminateExisting };

struct StartOptions {
  std::string workflow_id;  // empty: a new UUID
  std::string task_queue;
  std::optional<std::chrono::milliseconds> execution_timeout;
  std::optional<std::chrono::milliseconds> run_timeout;
  std::optional<std::chrono::milliseconds> task_timeout;
  IdConflictPolicy id_conflict_policy = IdConflictPolicy::kFail;
  nlohmann::json memo = nlohmann::json::object();  // each value one json/plain payload
  // The run's user metadata, which the Temporal UI shows as its summary and details; empty: none.
  std::string summary;
  std::string details;
};

// How a run ended.
struct WorkflowOutcome {
  enum class Status { kCompleted, kFailed, kCancelled, kTerminated, kTimedOut };
  Status status = Status::kCompleted;
  nlohmann::json result;   // kCompleted: the result
  nlohmann::json failure;  // kFailed: the Failure as JSON; otherwise the details, if any
  std::string run_id;      // the run that ended (after following continue-as-new and retries)
};

std::string_view StatusName(WorkflowOutcome::Status status);

enum class ExecutionStatus {
  kRunning,
  kCompleted,
  kFailed,
  kCancelled,
  kTerminated,
  kContinuedAsNew,
  kTimedOut,
};

// What the server's visibility store knows of a run: the answer of ListWorkflowExecutions, and
// the heart of DescribeWorkflowExecution's.
struct ExecutionInfo {
  WorkflowExecution execution;
  std::string workflow_type;
  ExecutionStatus status = ExecutionStatus::kRunning;
  std::int64_t start_ms = 0;
  std::int64_t close_ms = 0;  // 0 while open
  std::string task_queue;
  std::int64_t history_length = 0;
  WorkflowExecution parent;                                     // empty when the run is no child
  nlohmann::json memo = nlohmann::json::object();               // each value decoded
  nlohmann::json search_attributes = nlohmann::json::object();  // each value decoded
};

// DescribeWorkflowExecution, and what the run's history adds to it.
struct ExecutionDescription {
  ExecutionInfo info;
  nlohmann::json input;  // the run's argument, from its start event
  std::string continued_from;
  std::string continued_to;
  // A weft run's definition pin (interpreter::kDefinitionMarker): {name, version, sha256, ...}.
  std::optional<nlohmann::json> definition_pin;
  // How a closed run ended; none while it runs, or when it continued as new.
  std::optional<WorkflowOutcome> outcome;
  // The activities and children the run waits on:
  // [{"kind": "activity", "seq", "activity_type", "attempt", "state"}],
  // [{"kind": "child", "seq", "workflow_id", "workflow_type"}].
  nlohmann::json waiting_on = nlohmann::json::array();
};

// A visibility query for the runs of `workflow_type` (empty: any) in `status` (none: any).
std::string VisibilityQuery(const std::string& workflow_type,
                            std::optional<ExecutionStatus> status);

class WorkflowClient {
 public:
  // Fails, with a message naming the flag to fix, when no server answers at the address within
  // a few seconds, when it refuses the credentials, or when the namespace does not exist
  // (Connection::CheckServer).
  static std::expected<WorkflowClient, ClientError> Connect(const ConnectionOptions& options);

  // Starts `workflow_type` with `input` as its one argument.
  std::expected<WorkflowExecution, ClientError> Start(const std::string& workflow_type,
                                                      const nlohmann::json& input,
                                                      const StartOptions& options) const;

  std::expected<void, ClientError> Signal(const WorkflowExecution& execution,
                                          const std::string& signal,
                                          const nlohmann::json& argument) const;

  std::expected<nlohmann::json, ClientError> Query(const WorkflowExecution& execution,
                                                   const std::string& query,
                                                   const nlohmann::json& argument) const;

  // Sends an update and waits until it completes; its result, or kUpdateFailed with the
  // failure when the validator rejects it or the handler fails.
  std::expected<nlohmann::json, ClientError> Update(const WorkflowExecution& execution,
                                                    const std::string& update,
                                                    const nlohmann::json& argument) const;

  std::expected<void, ClientError> Cancel(const WorkflowExecution& execution,
                                          const std::string& reason) const;

  std::expected<void, ClientError> Terminate(const WorkflowExecution& execution,
                                             const std::string& reason) const;

  // Waits until the run ends, following continue-as-new and retries to the last run.
  std::expected<WorkflowOutcome, ClientError> Result(const WorkflowExecution& execution) const;

  // The run (empty run_id: the latest of the workflow id) as the server describes it, with its
  // input, pin and ending read from its history: its first workflow task and its close event.
  std::expected<ExecutionDescription, ClientError> Describe(
      const WorkflowExecution& execution) const;

  // The runs a visibility query (VisibilityQuery(); empty: all) selects, newest first, at most
  // `limit`. Visibility lags the runs: a run started a moment ago may not be listed yet.
  std::expected<std::vector<ExecutionInfo>, ClientError> List(const std::string& query,
                                                              std::int64_t limit) const;

  // The whole history, as JSON in the format `temporal workflow show -o json` prints.
  std::expected<std::string, ClientError> HistoryJson(const WorkflowExecution& execution) const;

  // The whole history as activations with their jobs and commands, in the embedded journal's
  // shape (history_activations.h): what the run description reads steps from.
  std::expected<nlohmann::json, ClientError> Activations(const WorkflowExecution& execution) const;

 private:
  friend class ScheduleClient;  // speaks the schedule calls on the same connection

  explicit WorkflowClient(std::shared_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  std::shared_ptr<Connection> connection_;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_WORKFLOW_CLIENT_H_
