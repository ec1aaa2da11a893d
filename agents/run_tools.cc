#include "agents/run_tools.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <thread>
#include <utility>

#include "agents/tool_schema.h"
#include "runtime/client/run_description.h"
#include "runtime/client/run_text.h"
#include "runtime/embedded/bell_client.h"

namespace weft::agents {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Any JSON value: inputs and payloads have the workflow's own schema.
json AnyJson(const std::string& description) { return {{"description", description}}; }

std::string StringArgument(const json& arguments, const char* key) {
  const auto it = arguments.find(key);
  return it != arguments.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ToolResult Failed(std::string message, json details = nullptr) {
  json value = {{"error", std::move(message)}};
  if (!details.is_null()) value["details"] = std::move(details);
  return {std::move(value), true};
}

// A client's refusal as a result. An id that no run has is "not_found", which an agent must
// not read as a failed run, nor as one still running.
ToolResult ClientFailure(const client::ClientError& error, const std::string& workflow_id) {
  if (error.kind == client::ClientError::Kind::kNotFound) {
    return {{{"workflow_id", workflow_id},
             {"status", "not_found"},
             {"error", "no run has the workflow id `" + workflow_id +
                           "` (list_runs lists the runs; start_workflow returns the id)"}},
            true};
  }
  return Failed(error.message, error.failure);
}

bool IsOpen(client::RunStatus status) {
  return status == client::RunStatus::kPending || status == client::RunStatus::kRunning ||
         status == client::RunStatus::kContinuedAsNew;  // the next run is about to be found
}

// `wait_seconds` of a call, within get_result's bounds; `fallback` when it names none.
double WaitSeconds(const json& arguments, double fallback) {
  const auto found = arguments.find("wait_seconds");
  const double wait =
      found != arguments.end() && found->is_number() ? found->get<double>() : fallback;
  return std::clamp(wait, 0.0, RunTools::kMaxWaitSeconds);
}

// A closed run as get_result answers: the output, or the failure in the dry run's shape
// ({type, message, step, compensations}, test_workflow's `error`) with failure_codec's whole
// JSON beside it.
ToolResult OutcomeResult(const client::Outcome& outcome, const std::string& workflow_id) {
  json value = {{"workflow_id", workflow_id},
                {"run_id", outcome.execution.run_id},
                {"status", client::RunStatusName(outcome.status)}};
  if (outcome.status == client::RunStatus::kCompleted) {
    value["result"] = outcome.result;
    return {std::move(value)};
  }
  const json& root = client::RootCause(outcome.failure);
  json error = {{"type", root.value("type", "")},
                {"message", root.value("message", std::string(value["status"]))}};
  if (outcome.failure.contains("step")) error["step"] = outcome.failure["step"];
  if (outcome.failure.contains("compensations")) {
    error["compensations"] = outcome.failure["compensations"];
  }
  value["error"] = std::move(error);
  value["failure"] = outcome.failure;
  return {std::move(value), true};
}

std::vector<Tool> RunToolList() {
  const json name = StringProperty("The workflow name (its `name:`), e.g. order-clothes");
  const json workflow_id = StringProperty("The workflow id start_workflow returned");
  json statuses = json::array();
  for (client::RunStatus status : client::kRunStatuses) {
    statuses.push_back(client::RunStatusName(status));
  }
  return {
      {.name = "start_workflow",
       .title = "Start a workflow",
       .description = "Starts a durable run of a workflow and returns its workflow_id at once "
                      "(the one you gave, or a new one); follow it with describe_run and "
                      "get_result. With wait_seconds, waits that long for the run to end and "
                      "answers as get_result does (one call for a short run). A workflow_id "
                      "whose run is still running is refused.",
       .input_schema = ObjectSchema({{"name", name},
                                     {"input", AnyJson("The input, checked against the workflow's "
                                                       "input schema")},
                                     {"workflow_id", StringProperty("A workflow id (default: a new "
                                                                    "one)")},
                                     {"wait_seconds",
                                      {{"type", "number"},
                                       {"minimum", 0},
                                       {"maximum", RunTools::kMaxWaitSeconds},
                                       {"description",
                                        "How long to wait for the run to end (default 0: "
                                        "answer at once)"}}}},
                                    {"name"})},
      {.name = "signal_workflow",
       .title = "Signal a workflow",
       .description = "Sends a signal (declared under handlers.signals) to a running workflow.",
       .input_schema = ObjectSchema({{"workflow_id", workflow_id},
                                     {"signal", StringProperty("The signal name")},
                                     {"input", AnyJson("The signal's payload")}},
                                    {"workflow_id", "signal"})},
      {.name = "query_workflow",
       .title = "Query a workflow",
       .description = "Asks a workflow a query (declared under handlers.queries); no effect on "
                      "the run. A finished run answers too, from its final state.",
       .input_schema = ObjectSchema({{"workflow_id", workflow_id},
                                     {"query", StringProperty("The query name")},
                                     {"input", AnyJson("The query's argument")}},
                                    {"workflow_id", "query"}),
       .read_only = true},
      {.name = "update_workflow",
       .title = "Update a workflow",
       .description = "Sends an update (declared under handlers.updates), waits for it and "
                      "returns its result, or why it was rejected (its validator's failure).",
       .input_schema = ObjectSchema({{"workflow_id", workflow_id},
                                     {"update", StringProperty("The update name")},
                                     {"input", AnyJson("The update's payload")}},
                                    {"workflow_id", "update"})},
      {.name = "cancel_workflow",
       .title = "Cancel a workflow",
       .description = "Asks a running workflow to cancel: what it waits on is cancelled, its "
                      "finally blocks and compensations run, and it ends as cancelled.",
       .input_schema = ObjectSchema({{"workflow_id", workflow_id},
                                     {"reason", StringProperty("Why (kept with the request)")}},
                                    {"workflow_id"})},
      {.name = "get_result",
       .title = "Get a workflow's result",
       .description =
           "Waits up to wait_seconds (default 30) for a run to finish. Returns {status: "
           "completed, result}; or isError with {status: failed, error: {type, message, step, "
           "compensations}, failure} (the failure with its cause chain and attempt); or "
           "{status: running} when the time is up: call again, or describe_run. "
           "{status: not_found} for an id no run has. Sends progress notifications while "
           "waiting when the call has a progressToken.",
       .input_schema = ObjectSchema({{"workflow_id", workflow_id},
                                     {"wait_seconds",
                                      {{"type", "number"},
                                       {"minimum", 0},
                                       {"maximum", RunTools::kMaxWaitSeconds},
                                       {"description",
                                        "How long to wait for the end (default 30; 0: "
                                        "look once)"}}}},
                                    {"workflow_id"}),
       .read_only = true},
      {.name = "list_runs",
       .title = "List runs",
       .description = "The runs, newest first: workflow_id, run_id, workflow, status, "
                      "created_ms, closed_ms. Filter by workflow name and status.",
       .input_schema = ObjectSchema(
           {{"workflow", name},
            {"status",
             {{"type", "string"}, {"enum", statuses}, {"description", "Only this status"}}},
            {"limit",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", 1000},
              {"description", "At most this many (default 20)"}}}}),
       .read_only = true},
      {.name = "describe_run",
       .title = "Describe a run",
       .description = "Where a run stands, by step id: status; the steps in progress (one per "
                      "branch or iteration, e.g. resize[3]); pending activities with their "
                      "attempt and last failure; timers; the signals it awaits; a short "
                      "history; and when it has ended its result or failure.",
       .input_schema = ObjectSchema({{"workflow_id", workflow_id}}, {"workflow_id"}),
       .read_only = true},
  };
}

}  // namespace

std::vector<Tool> RunTools::Tools() { return RunToolList(); }

std::optional<ToolResult> RunTools::Call(const std::string& name, const json& arguments,
                                         const ProgressReporter& progress) const {
  // The server checks arguments against each tool's schema first; a caller that does not
  // (a test, another provider) still gets a refusal rather than a call with an empty id.
  const auto missing = [&](std::initializer_list<const char*> keys) -> std::optional<ToolResult> {
    for (const char* key : keys) {
      if (StringArgument(arguments, key).empty()) {
        return Failed(name + " needs the string argument `" + key + "`");
      }
    }
    return std::nullopt;
  };
  if (name == "start_workflow") {
    if (auto refused = missing({"name"})) return refused;
  } else if (name == "signal_workflow") {
    if (auto refused = missing({"workflow_id", "signal"})) return refused;
  } else if (name == "query_workflow") {
    if (auto refused = missing({"workflow_id", "query"})) return refused;
  } else if (name == "update_workflow") {
    if (auto refused = missing({"workflow_id", "update"})) return refused;
  } else if (name == "cancel_workflow" || name == "get_result" || name == "describe_run") {
    if (auto refused = missing({"workflow_id"})) return refused;
  }
  if (name == "start_workflow") {
    return Start(StringArgument(arguments, "name"), arguments.value("input", json()),
                 StringArgument(arguments, "workflow_id"), WaitSeconds(arguments, 0), progress);
  }
  if (name == "signal_workflow") return Message("signal", arguments, "signal");
  if (name == "query_workflow") return Message("query", arguments, "query");
  if (name == "update_workflow") return Message("update", arguments, "update");
  if (name == "cancel_workflow") return Cancel(arguments);
  if (name == "get_result") return GetResult(arguments, progress);
  if (name == "list_runs") return ListRuns(arguments);
  if (name == "describe_run") return DescribeRun(arguments);
  return std::nullopt;
}

void RunTools::EnsureEngine() const {
  if (auto started = client::EnsureEngine(options_.client); !started) {
    spdlog::warn("mcp: could not start a background engine: {}", started.error());
  }
}

ToolResult RunTools::Start(const std::string& workflow, const json& input,
                           const std::string& workflow_id, double wait_seconds,
                           const ProgressReporter& progress) const {
  std::string engine;
  // The client goes back to the pool before any wait for the run.
  auto started = [&]() -> std::expected<client::Started, client::ClientError> {
    auto client = clients_.Acquire();
    if (!client) return std::unexpected(client.error());
    engine = (*client)->engine();
    return (*client)->Start({.workflow = workflow,
                             .input = input.is_null() ? json::object() : input,
                             .workflow_id = workflow_id,
                             .task_queue = options_.task_queue,
                             .workflows = options_.workflows});
  }();
  if (!started) {
    if (started.error().kind == client::ClientError::Kind::kAlreadyStarted) {
      return {{{"workflow_id", workflow_id},
               {"status", "already_running"},
               {"error", started.error().message +
                             "; give another workflow_id, or follow this run (describe_run, "
                             "get_result)"}},
              true};
    }
    return Failed(started.error().message, started.error().failure);
  }
  if (wait_seconds > 0) {
    return AwaitOutcome(started->execution, wait_seconds, progress, /*just_started=*/true);
  }
  return {{{"engine", engine},
           {"workflow", workflow},
           {"workflow_id", started->execution.workflow_id},
           {"run_id", started->execution.run_id},
           {"next",
            "describe_run shows where it stands; get_result {workflow_id, wait_seconds} waits "
            "for the output"}}};
}

ToolResult RunTools::Message(const std::string& command, const json& arguments,
                             const char* handler_key) const {
  const std::string workflow_id = StringArgument(arguments, "workflow_id");
  const std::string handler = StringArgument(arguments, handler_key);
  auto client = clients_.Acquire();
  if (!client) return Failed(client.error().message);
  const client::Execution execution{.workflow_id = workflow_id};
  const json input = arguments.value("input", json());
  json value = {{"workflow_id", workflow_id}, {handler_key, handler}};
  if (command == "signal") {
    auto sent = (*client)->Signal(execution, handler, input);
    if (!sent) return ClientFailure(sent.error(), workflow_id);
    value["delivered"] = !sent->queued;
    if (sent->queued) {
      value["queued"] = true;
      EnsureEngine();  // so that it is delivered now rather than whenever an engine comes
    }
    return {value};
  }
  auto answer = command == "query" ? (*client)->Query(execution, handler, input)
                                   : (*client)->Update(execution, handler, input);
  if (!answer) {
    ToolResult failed = ClientFailure(answer.error(), workflow_id);
    if (answer.error().kind == client::ClientError::Kind::kRejected) {
      failed.value = {{"workflow_id", workflow_id},
                      {handler_key, handler},
                      {"rejected", true},
                      {"error", answer.error().message},
                      {"failure", answer.error().failure}};
    }
    return failed;
  }
  value["result"] = std::move(*answer);
  return {value};
}

ToolResult RunTools::Cancel(const json& arguments) const {
  const std::string workflow_id = StringArgument(arguments, "workflow_id");
  auto client = clients_.Acquire();
  if (!client) return Failed(client.error().message);
  std::string reason = StringArgument(arguments, "reason");
  if (reason.empty()) reason = "cancelled over MCP";
  auto sent = (*client)->Cancel({.workflow_id = workflow_id}, reason);
  if (!sent) return ClientFailure(sent.error(), workflow_id);
  if (sent->queued) EnsureEngine();
  return {{{"workflow_id", workflow_id},
           {"cancel_requested", true},
           {"next", "get_result reads how it ended (status cancelled, or its failure)"}}};
}

ToolResult RunTools::GetResult(const json& arguments, const ProgressReporter& progress) const {
  return AwaitOutcome({.workflow_id = StringArgument(arguments, "workflow_id")},
                      WaitSeconds(arguments, kDefaultWaitSeconds), progress);
}

ToolResult RunTools::AwaitOutcome(client::Execution execution, double wait,
                                  const ProgressReporter& progress, bool just_started) const {
  const std::string workflow_id = execution.workflow_id;
  const auto begin = Clock::now();
  const auto deadline =
      begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait));
  // A client only while it reads: while the run goes on, the client waits in the pool.
  const auto closed = [&]() -> ToolResult {
    auto client = clients_.Acquire();
    if (!client) return Failed(client.error().message);
    auto outcome = (*client)->Result(execution);
    if (!outcome) return ClientFailure(outcome.error(), workflow_id);
    return OutcomeResult(*outcome, workflow_id);
  };
  auto next_report = begin;
  // A run this call just started is pending: its first look is the wait itself (the bell
  // answers at once if it has closed already).
  bool look = !just_started;
  for (;; look = true) {
    client::RunSummary described{.execution = execution, .status = client::RunStatus::kPending};
    if (look) {
      auto client = clients_.Acquire();
      if (!client) return Failed(client.error().message);
      auto found = (*client)->Peek(execution);
      if (!found) return ClientFailure(found.error(), workflow_id);
      described = std::move(*found);
    }
    if (!IsOpen(described.status)) return closed();
    // Read again by run id, one look-up instead of two; Result still follows the chain if the
    // run continues as new.
    execution.run_id = described.execution.run_id;
    const auto now = Clock::now();
    const double waited = std::chrono::duration<double>(now - begin).count();
    if (now >= deadline) {
      EnsureEngine();  // a run nobody executes would never end, however often it is asked for
      return {{{"workflow_id", workflow_id},
               {"run_id", described.execution.run_id},
               {"status", client::RunStatusName(described.status)},
               {"waited_seconds", std::round(waited * 10) / 10},
               {"next",
                "still running: get_result again to wait longer; describe_run shows where it "
                "stands (steps in progress, retries, timers, awaited signals)"}}};
    }
    if (now >= next_report && progress) {
      progress(waited, "run " + workflow_id + " is " +
                           std::string(client::RunStatusName(described.status)) + " after " +
                           std::to_string(static_cast<int>(waited)) + " s");
      next_report = now + options_.progress_every;
    }
    const auto until = std::min<Clock::time_point>(deadline, next_report);
    // On the embedded engine, woken at the engine's doorbell when the run closes; polled
    // without one (Temporal, or no engine listening: then one is started).
    const auto answer =
        temporal()
            ? embedded::bell::Answer::kNoBell
            : embedded::bell::AwaitRun(options_.client.embedded.journal, described.execution.run_id,
                                       std::chrono::ceil<std::chrono::milliseconds>(until - now));
    // The bell answers once the run's chain has closed: its outcome is read at once.
    if (answer == embedded::bell::Answer::kClosed) return closed();
    if (answer == embedded::bell::Answer::kNoBell) {
      EnsureEngine();
      std::this_thread::sleep_for(std::min<Clock::duration>(options_.poll, deadline - now));
    }
  }
}

ToolResult RunTools::ListRuns(const json& arguments) const {
  const std::string workflow = StringArgument(arguments, "workflow");
  const std::string status = StringArgument(arguments, "status");
  const std::int64_t limit = arguments.value("limit", std::int64_t{20});
  client::ListFilter filter{.workflow = workflow, .limit = std::max<std::int64_t>(limit, 1)};
  if (!status.empty()) {
    filter.status = client::ParseRunStatus(status);
    if (!filter.status) return Failed("list_runs: `status` " + status + " is no run status");
  }
  auto client = clients_.Acquire();
  if (!client) return Failed(client.error().message);
  auto runs = (*client)->List(filter);
  if (!runs) return Failed(runs.error().message);
  json list = json::array();
  for (const client::RunSummary& run : *runs) {
    list.push_back(client::RunSummaryJson(run));
  }
  return {{{"engine", (*client)->engine()}, {"runs", std::move(list)}}};
}

ToolResult RunTools::DescribeRun(const json& arguments) const {
  const std::string workflow_id = StringArgument(arguments, "workflow_id");
  client::ClientOptions options = options_.client;
  // The stack query must not hold the agent up when an engine is slow to take the run.
  options.embedded.reply_timeout = std::chrono::seconds(5);
  auto client = client::ConnectClient(options);
  if (!client) return Failed(client.error().message);
  auto described = client::DescribeRunStanding(
      **client, {.workflow_id = workflow_id},
      {.history_entries = kHistoryEntries, .before_stack_query = [this] { EnsureEngine(); }});
  if (!described) return ClientFailure(described.error(), workflow_id);
  return {std::move(*described)};
}

}  // namespace weft::agents
