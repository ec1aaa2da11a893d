// The subcommands of `weft`, grouped by the component they front. Each Add*Commands function
// registers its subcommands on the app; their callbacks do the work and print results to
// stdout. A failed command throws CLI::RuntimeError(exit_code) after printing its error to
// stderr, so that main() has one exit path.
#ifndef WEFT_CMD_WEFT_COMMANDS_H_
#define WEFT_CMD_WEFT_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace weft::cli {

// version
void AddVersionCommand(CLI::App& app);
// validate, schema, graph, fmt: the language (dsl/).
void AddLanguageCommands(CLI::App& app);
// activities: the activity registry (runtime/activity, runtime/lua, activities/).
void AddActivityCommands(CLI::App& app);
// start, signal, query, update, cancel, terminate, result (runtime/client, on either engine);
// history (Temporal).
void AddClientCommands(CLI::App& app);
// new: scaffold a workflow (add-temporal-workflow).
void AddNewCommand(CLI::App& app);
// polytope add-workflow-tool: the one edit weft makes to polytope.yml.
void AddPolytopeCommands(CLI::App& app);
// worker: serves workflows/ and the activities on a Temporal task queue (runtime/temporal).
void AddWorkerCommand(CLI::App& app);
// replay: checks a history against the current build (runtime/temporal).
void AddReplayCommand(CLI::App& app);
// codec-server: the remote codec protocol with the payload keys (runtime/temporal).
void AddCodecServerCommand(CLI::App& app);
// run, resume, list, show: the embedded engine (runtime/embedded).
void AddRunCommands(CLI::App& app);
// serve: the embedded engine as a long-running service (runtime/embedded/host.h).
void AddServeCommand(CLI::App& app);
// test: dry runs of test cases with mocked activities on virtual time (runtime/dry_run).
void AddTestCommand(CLI::App& app);
// schedule create|list|describe|pause|unpause|trigger|delete: Temporal's schedules.
void AddScheduleCommands(CLI::App& app);
// mcp: the MCP server for agents (agents/).
void AddMcpCommand(CLI::App& app);
// ui: the local web application (ui/).
void AddUiCommand(CLI::App& app);

}  // namespace weft::cli

#endif  // WEFT_CMD_WEFT_COMMANDS_H_
