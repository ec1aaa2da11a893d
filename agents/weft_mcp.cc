#include "agents/weft_mcp.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "agents/mcp_server.h"
#include "agents/reference.h"
#include "runtime/client/foreground_run.h"

namespace weft::agents {
namespace {

constexpr char kInstructions[] =
    "weft runs workflows written in YAML durably (embedded engine, or Temporal). Read the "
    "reference first: the resources weft://docs/agents (the guide), weft://docs/language, "
    "weft://docs/expressions, weft://docs/activities (Lua activities, typed and non-retryable "
    "errors), weft://docs/testing (the dry-run test format), weft://schema/workflow.schema.json "
    "and weft://schema/workflow-test.schema.json, and the shipped examples under "
    "weft://examples/; or the same texts with get_reference {topic} (guide, language, "
    "expressions, activities, testing, schema, test-schema, examples). Then list_workflows "
    "and list_activities (both also list the files that are broken, with their errors). To "
    "write a workflow without a file system: write_activity {module, lua} (checked in the Lua "
    "sandbox), write_workflow {yaml} (validated first: fix each diagnostic's code, line, "
    "column, path and hint), write_test {workflow, yaml} (dry-runs the cases); or "
    "add_temporal_workflow scaffolds all three. validate_workflow {yaml} checks text without "
    "writing it; test_workflow dry-runs with mocked activities. Then call the workflow's own "
    "tool (its name) or start_workflow {name, input, workflow_id} to start a durable run; "
    "follow it with describe_run (steps in progress by id, retries, timers, awaited signals) "
    "and get_result {workflow_id, wait_seconds}, which answers status running when the wait "
    "is over (call again); list_runs and cancel_workflow manage runs. A failed run's result "
    "is data: error {type, message, step, compensations} and the failure's cause chain. "
    "Unknown arguments are refused with the list of accepted ones.";

}  // namespace

WeftToolsOptions ProjectToolsOptions(WeftToolsOptions tools,
                                     const temporal::ConnectionOptions& temporal) {
  tools.client =
      client::DetachedConnectOptions(temporal, {.journal = ".weft/journal.db",
                                                .workflows = tools.workflows_dir,
                                                .lua_dir = tools.activities_dir.string()});
  return tools;
}

std::expected<void, std::string> ServeWeftMcp(const WeftMcpOptions& mcp, const std::string& version,
                                              std::istream& in, std::ostream& out) {
  if (!mcp.directory.empty()) {
    std::error_code error;
    std::filesystem::current_path(mcp.directory, error);
    if (error) {
      return std::unexpected("cannot enter " + mcp.directory.string() + ": " + error.message());
    }
  }
  const WeftToolsOptions options = ProjectToolsOptions(mcp.tools, mcp.temporal);
  spdlog::info("mcp: serving {} on stdio ({} engine)", options.workflows_dir.string(),
               mcp.temporal.address.empty() ? "embedded" : "Temporal " + mcp.temporal.address);
  McpServer* server_ref = nullptr;
  WeftTools tools(options, [&server_ref] {
    if (server_ref != nullptr) server_ref->NotifyToolsChanged();
  });
  tools.Rescan();
  ReferenceResources reference;
  McpServer server({.name = "weft", .version = version, .instructions = kInstructions}, tools,
                   &reference, out);
  server_ref = &server;

  std::mutex mutex;
  std::condition_variable stop_signal;
  bool stop = false;
  std::thread rescanner([&] {
    std::unique_lock lock(mutex);
    while (!stop_signal.wait_for(lock, mcp.rescan_interval, [&] { return stop; })) {
      lock.unlock();
      tools.Rescan();
      lock.lock();
    }
  });
  server.Serve(in);
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  stop_signal.notify_all();
  rescanner.join();
  return {};
}

}  // namespace weft::agents
