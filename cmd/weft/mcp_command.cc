// mcp: the MCP server over stdio (cmd/weft/mcp/). stdout carries protocol messages only; logs
// go to stderr. A thread rescans the workflows folder every --rescan-interval, so that a file
// added or edited by anyone (the agent, an editor, `weft new`) becomes or changes a tool, and
// the client hears notifications/tools/list_changed.
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cmd/weft/commands.h"
#include "cmd/weft/mcp/mcp_server.h"
#include "cmd/weft/mcp/weft_tools.h"

namespace weft::cli {
namespace {

constexpr char kInstructions[] =
    "weft runs workflows written in YAML durably (embedded engine, or Temporal). Start with "
    "list_workflows and list_activities. To write one: add_temporal_workflow scaffolds "
    "workflows/<name>.yaml that validates as written; edit the file; validate_workflow until "
    "valid (each diagnostic has a code, line, column, JSON path and hint: fix exactly that); "
    "test_workflow dry-runs tests/workflows/<name>.test.yaml with mocked activities; then call "
    "the workflow's own tool (its name) to start a durable run, and get_result for its output. "
    "get_schema gives the language's JSON Schema. The language reference: docs/agents.md.";

struct McpOptions {
  std::string directory;
  mcp::WeftToolsOptions tools;
  std::string address, namespace_name = "default", api_key;
  int rescan_interval_ms = 1000;
};

void RunMcp(const McpOptions& options) {
  if (!options.directory.empty()) {
    // Everything else is relative to the project: workflows/, activities/, the journal.
    std::error_code error;
    std::filesystem::current_path(options.directory, error);
    if (error) {
      std::cerr << "weft mcp: cannot enter " << options.directory << ": " << error.message()
                << "\n";
      throw CLI::RuntimeError(1);
    }
  }
  mcp::WeftToolsOptions tools_options = options.tools;
  if (!options.address.empty()) {
    tools_options.engine_flags = {"--address", options.address, "--namespace",
                                  options.namespace_name};
    if (!options.api_key.empty()) {
      tools_options.engine_flags.insert(tools_options.engine_flags.end(),
                                        {"--api-key", options.api_key});
    }
  }
  mcp::McpServer* server_ref = nullptr;
  mcp::WeftTools tools(tools_options, [&server_ref] {
    if (server_ref != nullptr) server_ref->NotifyToolsChanged();
  });
  tools.Rescan();
  mcp::McpServer server({.name = "weft", .version = WEFT_VERSION, .instructions = kInstructions},
                        tools, std::cout);
  server_ref = &server;
  spdlog::info("mcp: serving {} on stdio ({} engine)", tools_options.workflows_dir.string(),
               options.address.empty() ? "embedded" : "Temporal " + options.address);

  std::mutex mutex;
  std::condition_variable stop_signal;
  bool stop = false;
  std::thread rescanner([&] {
    std::unique_lock lock(mutex);
    while (!stop_signal.wait_for(lock, std::chrono::milliseconds(options.rescan_interval_ms),
                                 [&] { return stop; })) {
      lock.unlock();
      tools.Rescan();
      lock.lock();
    }
  });
  server.Serve(std::cin);
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  stop_signal.notify_all();
  rescanner.join();
}

}  // namespace

void AddMcpCommand(CLI::App& app) {
  auto options = std::make_shared<McpOptions>();
  auto* command = app.add_subcommand(
      "mcp", "Serve the workflows and weft's agent tools over MCP (stdio) to an AI agent");
  command->add_option("-C,--directory", options->directory,
                      "The project folder to work in (default: the current folder)");
  command->add_option("--workflows", options->tools.workflows_dir, "Workflow folder")
      ->capture_default_str();
  command->add_option("--activities", options->tools.activities_dir, "Lua activity folder")
      ->capture_default_str();
  command->add_option("--tests", options->tools.tests_dir, "Test case folder")
      ->capture_default_str();
  command
      ->add_option("--address", options->address,
                   "Run workflows on this Temporal frontend (default: the embedded engine)")
      ->envname("TEMPORAL_ADDRESS");
  command->add_option("--namespace,-n", options->namespace_name, "Temporal namespace")
      ->envname("TEMPORAL_NAMESPACE")
      ->capture_default_str();
  command->add_option("--api-key", options->api_key, "Temporal API key")
      ->envname("TEMPORAL_API_KEY");
  command->add_option("--task-queue,-t", options->tools.task_queue, "Temporal task queue")
      ->capture_default_str();
  command
      ->add_option("--rescan-interval-ms", options->rescan_interval_ms,
                   "How often the workflows folder is checked for changes")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  command->callback([options] { RunMcp(*options); });
}

}  // namespace weft::cli
