// WorkflowClient: what a program does with workflow runs, on either engine: start, signal,
// query, update, cancel, terminate, wait for the result, describe and list. The CLI, the MCP
// tools and the web UI all go through it, so that a workflow is driven the same way whichever
// engine runs it. ConnectClient() picks the engine: a Temporal address means Temporal (any
// workflow on the server, weft's or any SDK's); none means the embedded engine's journal.
//
// One shape on both engines: values are JSON; a run's failure, and the failure of a rejected
// query or update, is the JSON of runtime/run/failure_codec.h; a run's status has one name.
//
// Every method blocks until the engine answers. A client is used by one thread at a time
// (the embedded one holds one SQLite connection); create one per thread.
#ifndef WEFT_RUNTIME_CLIENT_WORKFLOW_CLIENT_H_
#define WEFT_RUNTIME_CLIENT_WORKFLOW_CLIENT_H_

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weft::client {

struct ClientError {
  enum class Kind {
    kUnavailable,      // no server answers, or no engine executes the journal's runs
    kNotFound,         // no such workflow, run or definition
    kAlreadyStarted,   // a running workflow has this id
    kInvalidArgument,  // e.g. an input its workflow's schema refuses
    kClosed,           // the run is closed and takes no more messages
    kRejected,         // a query or update failed, or its validator refused it
    kOther,
  };
  Kind kind = Kind::kOther;
  std::string message;     // which call, which workflow, what went wrong
  nlohmann::json failure;  // the workflow's failure (failure_codec JSON), when it sent one
};

struct Execution {
  std::string workflow_id;
  std::string run_id;  // empty: the latest run of workflow_id
};

struct StartRequest {
  std::string workflow;  // a definition's name (embedded: or its file); a workflow type
  nlohmann::json input = nlohmann::json::object();
  std::string workflow_id;          // empty: the engine chooses one
  std::string task_queue = "weft";  // Temporal only
  // Embedded only, without a workflow_id: an unfinished run of the same workflow with the same
  // input is returned instead of starting another, so that the same command again resumes it.
  bool reuse_unfinished = false;
  // Temporal only: the run's summary and details in the Temporal UI (user metadata). Empty:
  // those of the definition of this name in `workflows`, when it has one (its name and version;
  // its hash and description). The worker's own folder decides what runs; a stale local copy
  // only makes a stale summary.
  std::string summary;
  std::string details;
  std::filesystem::path workflows;  // Temporal only; empty: no defaults
};

struct Started {
  Execution execution;
  bool reused = false;  // an unfinished run was returned (StartRequest::reuse_unfinished)
};

enum class RunStatus {
  kPending,  // embedded: created, no engine has started it yet
  kRunning,
  kCompleted,
  kFailed,
  kCancelled,
  kTerminated,
  kTimedOut,
  kContinuedAsNew,
};
// "pending", "running", "completed", "failed", "cancelled", "terminated", "timed_out",
// "continued_as_new".
std::string_view RunStatusName(RunStatus status);
// The status of that name; nullopt for any other text.
std::optional<RunStatus> ParseRunStatus(std::string_view name);
// Every status, in declaration order (for listings and schemas).
inline constexpr RunStatus kRunStatuses[] = {RunStatus::kPending,   RunStatus::kRunning,
                                             RunStatus::kCompleted, RunStatus::kFailed,
                                             RunStatus::kCancelled, RunStatus::kTerminated,
                                             RunStatus::kTimedOut,  RunStatus::kContinuedAsNew};
// The name of every status, in the same order (the choices of `weft list --status`).
std::vector<std::string> RunStatusNames();

// How a run ended, after following continue-as-new (and Temporal's retries) to the last run.
struct Outcome {
  RunStatus status = RunStatus::kCompleted;
  nlohmann::json result;   // kCompleted
  nlohmann::json failure;  // otherwise: failure_codec JSON (a cancellation, a termination too)
  Execution execution;     // the run that ended
};

// A signal, a cancellation or a termination that was accepted.
struct Sent {
  // Embedded: no engine executes the run now; the message waits in the journal's inbox and is
  // delivered when one resumes the run.
  bool queued = false;
};

// Which runs List() returns: of one workflow (a definition's name, a workflow type), in one
// status, newest first, at most `limit`. Temporal answers from its visibility store, which
// lags the runs by up to a second or so.
struct ListFilter {
  std::string workflow;             // empty: every workflow
  std::optional<RunStatus> status;  // none: every status
  std::int64_t limit = 50;
};

struct RunSummary {
  Execution execution;
  std::string workflow;  // the definition's name, or the workflow type
  RunStatus status = RunStatus::kRunning;
  std::int64_t created_ms = 0;
  std::int64_t closed_ms = 0;  // 0 while open
  // Everything the engine knows of the run, as JSON, in one shape on both engines: run_id,
  // workflow_id, name, status, created_ms, closed_ms, and when known version and sha256 (of
  // the pinned definition), input, result, failure, parent_run_id, continued_from,
  // continued_to, search_attributes, memo. From Describe(), what the run waits on too
  // (waiting_on: [{kind, seq, attempt, due_ms}]); on the embedded engine its history of
  // activations (activations: [{seq, time_ms, jobs, commands}]); on Temporal its task queue
  // and history length. Temporal's List() knows only what its visibility store holds: no
  // version, sha256, input, result or failure.
  nlohmann::json details;
};

class WorkflowClient {
 public:
  virtual ~WorkflowClient() = default;

  virtual std::string_view engine() const = 0;  // "embedded" or "temporal"

  virtual std::expected<Started, ClientError> Start(const StartRequest& request) = 0;
  virtual std::expected<Sent, ClientError> Signal(const Execution& execution,
                                                  const std::string& signal,
                                                  const nlohmann::json& argument) = 0;
  virtual std::expected<nlohmann::json, ClientError> Query(const Execution& execution,
                                                           const std::string& query,
                                                           const nlohmann::json& argument) = 0;
  // Waits until the update completes: its result, or kRejected with the failure.
  virtual std::expected<nlohmann::json, ClientError> Update(const Execution& execution,
                                                            const std::string& update,
                                                            const nlohmann::json& argument) = 0;
  virtual std::expected<Sent, ClientError> Cancel(const Execution& execution,
                                                  const std::string& reason) = 0;
  virtual std::expected<Sent, ClientError> Terminate(const Execution& execution,
                                                     const std::string& reason) = 0;
  // Waits until the run ends. Embedded: kUnavailable when no engine executes it.
  virtual std::expected<Outcome, ClientError> Result(const Execution& execution) = 0;
  virtual std::expected<RunSummary, ClientError> Describe(const Execution& execution) = 0;
  // Describe() without the details that cost a read of the run's history (its activations,
  // what it waits on): for a caller that polls a run until it closes. The default is Describe().
  virtual std::expected<RunSummary, ClientError> Peek(const Execution& execution) {
    return Describe(execution);
  }
  virtual std::expected<std::vector<RunSummary>, ClientError> List(const ListFilter& filter) = 0;
  // The run's whole history as activations: what woke it (jobs) and what it did (commands,
  // naming their steps), in the embedded journal's JSON (Describe()'s `activations`). Temporal
  // reads the whole history for it, where Describe() reads only its start and its end.
  virtual std::expected<nlohmann::json, ClientError> Activations(const Execution& execution) = 0;
};

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_WORKFLOW_CLIENT_H_
