// The agent tooling (docs/agents.md): new, the add-temporal-workflow scaffolder
// (agents/workflow_scaffold.h); polytope add-workflow-tool, the one edit weft makes to
// polytope.yml (agents/polytope_file.h); test, dry runs of test cases with mocked activities on
// virtual time (runtime/dry_run/workflow_tests.h); mcp, the MCP server over stdio
// (agents/weft_mcp.h), whose stdout carries protocol messages only.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "agents/polytope_file.h"
#include "agents/weft_mcp.h"
#include "agents/workflow_scaffold.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/dry_run/workflow_tests.h"

namespace weft::cli {
namespace {

struct NewOptions {
  agents::ScaffoldRequest request;
  std::string activity = "none";
  bool json = false;
};

// Exit codes: 0 created, 2 an invalid name or argument, 3 a file already exists (nothing
// written), 1 an I/O error.
void RunNew(NewOptions& options) {
  options.request.lua_activity = options.activity == "lua";
  auto scaffold = agents::ScaffoldWorkflow(options.request);
  if (!scaffold) {
    const agents::ScaffoldError& error = scaffold.error();
    if (options.json) PrintJson(error.ToJson());
    CommandFailed("new", error.message, error.ExitCode());
  }
  if (!options.json) {
    std::cout << scaffold->Text();
    return;
  }
  nlohmann::json out = scaffold->ToJson();
  out["created"] = true;
  PrintJson(out);
}

// Exit 0 when every case passes, 1 otherwise (a failed case, a test file or definition that
// does not load).
struct TestOptions {
  std::vector<std::string> paths{"tests/workflows"};  // the paths given replace it
  std::string workflows_dir = "workflows";
  bool json = false;
};

void RunTests(const TestOptions& options) {
  const dry_run::TestReport report =
      dry_run::RunWorkflowTests(options.paths, options.workflows_dir);
  if (options.json) {
    PrintJson(report.ToJson());
  } else if (report.files.empty()) {
    std::cerr << "weft test: no test files (*.test.yaml) found\n";
  } else {
    std::cout << report.Text();
  }
  if (!report.passed()) throw CLI::RuntimeError(1);
}

struct McpFlags {
  agents::WeftMcpOptions mcp;
  temporal::ConnectionArguments connection;  // no address: the embedded engine
  int rescan_interval_ms = 1000;
};

void RunMcp(McpFlags& flags) {
  flags.mcp.temporal = temporal::ToConnectionOptions(flags.connection);
  flags.mcp.rescan_interval = std::chrono::milliseconds(flags.rescan_interval_ms);
  const auto served = agents::ServeWeftMcp(flags.mcp, WEFT_VERSION, std::cin, std::cout);
  if (!served) CommandFailed("mcp", served.error());
}

// --workflows, --activities and --tests: the project's folders, as `new` and `mcp` name them.
void AddProjectFolderFlags(CLI::App& command, std::filesystem::path& workflows,
                           std::filesystem::path& activities, std::filesystem::path& tests) {
  AddWorkflowsFlag(command, workflows);
  command.add_option("--activities", activities, "Lua activity folder")->capture_default_str();
  command.add_option("--tests", tests, "Test case folder")->capture_default_str();
}

}  // namespace

void AddNewCommand(CLI::App& app) {
  auto options = std::make_shared<NewOptions>();
  auto* command = app.add_subcommand(
      "new",
      "Scaffold a workflow (add-temporal-workflow): workflows/<name>.yaml that validates "
      "as written, optionally a Lua activity and dry-run tests; never overwrites");
  command->add_option("name", options->request.name, "The workflow name, e.g. order-clothes")
      ->required();
  command->add_option("--description,-d", options->request.description, "What the workflow does");
  command
      ->add_option("--activity", options->activity,
                   "lua: also write activities/<name>.lua with the activity the step calls; "
                   "none: call the built-in `log`")
      ->check(CLI::IsMember({"lua", "none"}))
      ->capture_default_str();
  command->add_flag("--test", options->request.test,
                    "Also write tests/workflows/<name>.test.yaml with dry-run cases (weft test)");
  AddProjectFolderFlags(*command, options->request.workflows_dir, options->request.activities_dir,
                        options->request.tests_dir);
  command->add_flag("--json", options->json, "Print what was created as JSON");
  command->callback([options] { RunNew(*options); });
}

void AddPolytopeCommands(CLI::App& app) {
  auto* polytope = app.add_subcommand("polytope", "Edit a project's polytope.yml for Polytope");
  polytope->require_subcommand(1);
  auto file = std::make_shared<std::string>("polytope.yml");
  auto* add = polytope->add_subcommand(
      "add-workflow-tool",
      "Register the add-temporal-workflow tool in polytope.yml, once, keeping the rest of the "
      "file as it is");
  add->add_option("file", *file, "The polytope file")->capture_default_str();
  // Exit 0 whether it added the tool or found it there; 1 with the file, line and problem.
  add->callback([file] {
    auto registered = agents::AddWorkflowTool(*file);
    if (!registered) CommandFailed("polytope", registered.error());
    std::cout << (*registered == agents::ToolRegistration::kAdded
                      ? "added the tool add-temporal-workflow to "
                      : "the tool add-temporal-workflow is already in ")
              << *file << "\n";
  });
}

void AddTestCommand(CLI::App& app) {
  auto options = std::make_shared<TestOptions>();
  auto* command = app.add_subcommand(
      "test",
      "Dry-run workflows: test cases (*.test.yaml) with mocked activities on virtual "
      "time (default: tests/workflows/)");
  command->add_option("paths", options->paths, "Test files or folders");
  AddWorkflowsFlag(*command, options->workflows_dir,
                   "Where workflow names in test files are looked up");
  command->add_flag("--json", options->json, "Print the results as JSON");
  command->callback([options] { RunTests(*options); });
}

void AddMcpCommand(CLI::App& app) {
  auto flags = std::make_shared<McpFlags>();
  agents::WeftToolsOptions& tools = flags->mcp.tools;
  auto* command = app.add_subcommand(
      "mcp", "Serve the workflows and weft's agent tools over MCP (stdio) to an AI agent");
  command->add_option("-C,--directory", flags->mcp.directory,
                      "The project folder to work in (default: the current folder)");
  AddProjectFolderFlags(*command, tools.workflows_dir, tools.activities_dir, tools.tests_dir);
  AddConnectionFlags(*command, flags->connection, /*address_optional=*/true);
  AddTaskQueueFlag(*command, tools.task_queue, "Temporal task queue");
  AddBoundedOption(*command, "--rescan-interval-ms", flags->rescan_interval_ms,
                   "How often the workflows folder is checked for changes", 10, 600000);
  command->callback([flags] { RunMcp(*flags); });
}

}  // namespace weft::cli
