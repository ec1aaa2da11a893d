// mcp: the MCP server over stdio (agents/weft_mcp.h). stdout carries protocol messages only;
// logs go to stderr. Here: the flags, the project folder, and where runs go.
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "agents/weft_mcp.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"

namespace weft::cli {
namespace {

struct McpOptions {
  std::string directory;
  agents::WeftToolsOptions tools;
  temporal::ConnectionArguments connection;  // no address: the embedded engine
  int rescan_interval_ms = 1000;
};

void RunMcp(const McpOptions& options) {
  if (!options.directory.empty()) {
    // Everything else is relative to the project: workflows/, activities/, the journal.
    std::error_code error;
    std::filesystem::current_path(options.directory, error);
    if (error) {
      CommandFailed("mcp", "cannot enter " + options.directory + ": " + error.message());
    }
  }
  const agents::WeftToolsOptions tools_options =
      agents::ProjectToolsOptions(options.tools, temporal::ToConnectionOptions(options.connection));
  spdlog::info(
      "mcp: serving {} on stdio ({} engine)", tools_options.workflows_dir.string(),
      options.connection.address.empty() ? "embedded" : "Temporal " + options.connection.address);
  agents::ServeWeftMcp(tools_options, WEFT_VERSION,
                       std::chrono::milliseconds(options.rescan_interval_ms), std::cin, std::cout);
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
  AddConnectionFlags(*command, options->connection, /*address_optional=*/true);
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
