// RunTools: the MCP tools that start runs and follow them, on whichever engine the client
// options mean (runtime/client/connect_client.h): start_workflow, signal_workflow,
// query_workflow, update_workflow, cancel_workflow, get_result, list_runs and describe_run
// (docs/agents.md lists them with their results).
//
// Made for an agent that follows a run it cannot see: the workflow_id it gives is the one it
// gets back, and one that is running refuses a second start; an id no run has says "not_found",
// which is neither failed nor running; get_result waits at most `wait_seconds` (so it never
// outlives the client's request timeout), reports progress while it waits, and then answers
// `running`; describe_run says where a run stands by step id (`charge_payment`, `resize[3]`):
// the steps in progress, the activities with their attempt and last failure, the timers, the
// signals it awaits, and a short history. A failed run's failure is failure_codec's JSON (type,
// message, step, compensations, info.attempt, the cause chain), the same on both engines.
//
// On the embedded engine, a run that no engine executes (its engine exited, or was never
// started) gets a background engine from get_result and describe_run, as from a start: the
// agent has no CLI to resume it with.
//
// Any thread: each call borrows a client of its own from a pool (client_pool.h).
#ifndef WEFT_AGENTS_RUN_TOOLS_H_
#define WEFT_AGENTS_RUN_TOOLS_H_

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "agents/mcp_server.h"
#include "runtime/client/client_pool.h"
#include "runtime/client/connect_client.h"

namespace weft::agents {

struct RunToolsOptions {
  client::ClientOptions client;
  std::string task_queue = "weft";  // Temporal only
  // Temporal only: a start takes its defaults (timeouts, version) from the definition here.
  std::filesystem::path workflows;
  // How often a waiting get_result looks at the run, and how often it reports progress.
  std::chrono::milliseconds poll{200};
  std::chrono::milliseconds progress_every{std::chrono::seconds(1)};
};

class RunTools {
 public:
  // get_result's wait when the call names none, and the longest it may name: under the MCP
  // TypeScript SDK's default request timeout (60 s).
  static constexpr double kDefaultWaitSeconds = 30;
  static constexpr double kMaxWaitSeconds = 3600;
  // describe_run's history: the newest activations.
  static constexpr std::size_t kHistoryEntries = 12;

  explicit RunTools(RunToolsOptions options)
      : options_(std::move(options)), clients_(options_.client) {}

  static std::vector<Tool> Tools();
  // nullopt: `name` is none of Tools().
  std::optional<ToolResult> Call(const std::string& name, const nlohmann::json& arguments,
                                 const ProgressReporter& progress) const;

  // start_workflow's and every workflow tool's start. The caller checks that the workflow
  // exists where it can (the embedded engine's folder). With `wait_seconds`, waits that long
  // for the run to end and answers as get_result does: one call for a run an agent awaits.
  ToolResult Start(const std::string& workflow, const nlohmann::json& input,
                   const std::string& workflow_id, double wait_seconds = 0,
                   const ProgressReporter& progress = {}) const;

 private:
  bool temporal() const { return !options_.client.temporal.address.empty(); }
  ToolResult Message(const std::string& command, const nlohmann::json& arguments,
                     const char* handler_key) const;
  ToolResult Cancel(const nlohmann::json& arguments) const;
  ToolResult GetResult(const nlohmann::json& arguments, const ProgressReporter& progress) const;
  // get_result's wait for `execution` (its run id, when known, saves a look-up).
  ToolResult AwaitOutcome(client::Execution execution, double wait_seconds,
                          const ProgressReporter& progress, bool just_started = false) const;
  ToolResult ListRuns(const nlohmann::json& arguments) const;
  ToolResult DescribeRun(const nlohmann::json& arguments) const;
  // Embedded: starts a background engine when no process holds the journal's lease.
  void EnsureEngine() const;

  RunToolsOptions options_;
  client::ClientPool clients_;  // every call but describe_run's (a shorter reply timeout)
};

}  // namespace weft::agents

#endif  // WEFT_AGENTS_RUN_TOOLS_H_
