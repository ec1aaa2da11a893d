// WeftTools: the tools `weft mcp` publishes (docs/agents.md lists them). Fixed tools discover
// (list_workflows, describe_workflow, get_schema, list_activities, get_reference: reference.h),
// write (add_temporal_workflow; write_workflow, write_activity, write_test: authoring_tools.h),
// check (validate_workflow, test_workflow) and run and follow workflows (start_workflow,
// signal_workflow, query_workflow, update_workflow, cancel_workflow, get_result, list_runs,
// describe_run: run_tools.h); and every definition in the workflows folder is
// also a tool of its own name, whose inputSchema is the workflow's input schema and whose call
// starts a durable run.
//
// The workflows come from a DefinitionCatalog that Rescan() refreshes (the server calls it on a
// timer, and after add_temporal_workflow); when the set of workflow tools changes, the
// `on_tools_changed` callback runs, and the server sends notifications/tools/list_changed.
// Runs go through runtime/client: to the embedded engine (a background engine is started when
// none runs), or to Temporal when the client options hold an address. Validation of files and
// dry runs run `weft` as a child process (weft_process.h), away from the server: they are
// library functions too (dsl/validation_report.h, runtime/dry_run/workflow_tests.h), but they
// run the agent's definitions and load its plugins, and a child can be killed at the timeout
// where a thread of the server cannot. The activity list and the checks of text an agent writes
// load the Lua modules here, in the sandbox (project_activities.h), so that a module that does
// not load is listed with its error.
//
// Thread-safe: Tools(), Call() and Rescan() may run at once on any threads.
#ifndef WEFT_AGENTS_WEFT_TOOLS_H_
#define WEFT_AGENTS_WEFT_TOOLS_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agents/authoring_tools.h"
#include "agents/mcp_server.h"
#include "agents/run_tools.h"
#include "dsl/definition_catalog.h"
#include "runtime/client/connect_client.h"

namespace weft::agents {

struct WeftToolsOptions {
  std::filesystem::path workflows_dir = "workflows";
  std::filesystem::path activities_dir = "activities";
  std::filesystem::path tests_dir = "tests/workflows";
  // Where runs go: a Temporal address, or the embedded journal (with, as its background
  // engine, the command that runs the journal's runs when no engine does).
  client::ClientOptions client;
  std::string task_queue = "weft";    // Temporal only
  std::filesystem::path weft_binary;  // for the child processes; empty: this process's binary
  std::chrono::milliseconds command_timeout{std::chrono::minutes(2)};
};

class WeftTools : public ToolProvider {
 public:
  WeftTools(WeftToolsOptions options, std::function<void()> on_tools_changed);

  // Reloads changed files of the workflows folder; runs on_tools_changed when a workflow tool
  // was added, removed, or its description or schema changed.
  void Rescan();

  std::vector<Tool> Tools() override;
  std::shared_ptr<const Tool> Find(const std::string& name) override;
  std::optional<ToolResult> Call(const std::string& name, const nlohmann::json& arguments,
                                 const ProgressReporter& progress) override;
  // The same, for a caller that wants no progress.
  std::optional<ToolResult> Call(const std::string& name, const nlohmann::json& arguments);

 private:
  bool temporal() const { return !options_.client.temporal.address.empty(); }
  ToolResult ListWorkflows();
  ToolResult DescribeWorkflow(const nlohmann::json& arguments);
  ToolResult GetSchema(const nlohmann::json& arguments);
  ToolResult ListActivities();
  ToolResult AddWorkflow(const nlohmann::json& arguments);
  ToolResult ValidateWorkflow(const nlohmann::json& arguments);
  ToolResult TestWorkflow(const nlohmann::json& arguments);
  // start_workflow's refusal of a workflow the embedded engine's folder does not hold.
  std::optional<ToolResult> Unserved(const std::string& name);
  std::vector<Tool> WorkflowTools();
  static Tool WorkflowTool(const dsl::Definition& definition);
  static const std::vector<std::shared_ptr<const Tool>>& FixedTools();

  WeftToolsOptions options_;
  AuthoringTools authoring_;
  RunTools runs_;
  std::function<void()> on_tools_changed_;
  dsl::DefinitionCatalog catalog_;
  std::mutex rescan_mutex_;
  std::string published_;  // the workflow tools last announced, as JSON text
  // The workflow tools by name, as of the last Rescan(); Find() reads them under tools_mutex_.
  std::mutex tools_mutex_;
  std::map<std::string, std::shared_ptr<const Tool>> workflow_tools_;
};

}  // namespace weft::agents

#endif  // WEFT_AGENTS_WEFT_TOOLS_H_
