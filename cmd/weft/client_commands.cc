// The client commands: start, signal, query, update, cancel, terminate, result (through
// runtime/client, on either engine: --address means Temporal, none the embedded journal), and
// history (Temporal only). The connection flags and their environment variables are the
// Temporal CLI's, so that a shell set up for `temporal` is set up for weft.

#include <iostream>
#include <memory>
#include <string>

#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/client/connect_client.h"
#include "runtime/temporal/workflow_client.h"

namespace weft::cli {
namespace {

using nlohmann::json;

// The state every command on one workflow shares: where it runs, which one, a handler and its
// input.
struct Target {
  std::string command;  // the command's name, for its messages
  temporal::ConnectionArguments connection;
  client::EmbeddedClientOptions embedded;  // without --address: --journal
  std::string workflow_id;
  std::string run_id;
  std::string name;   // signal, query or update name
  std::string input;  // JSON, @file or @-
  std::string reason;

  std::unique_ptr<client::WorkflowClient> Connect() const {
    return OrFail(client::ConnectClient(
        {.temporal = temporal::ToConnectionOptions(connection), .embedded = embedded}));
  }
  client::Execution Execution() const { return {workflow_id, run_id}; }

  // A message an embedded engine gets when one resumes the run is not an error.
  void Report(const client::Sent& sent) const {
    if (!sent.queued) return;
    std::cerr << "weft: no engine is running; the " << command << " is queued for " << workflow_id
              << " and delivered when one resumes it (`weft resume`)\n";
  }
};

void Signal(const Target& t) {
  t.Report(OrFail(t.Connect()->Signal(t.Execution(), t.name, InputJson(t.input))));
}
void Query(const Target& t) {
  PrintJson(OrFail(t.Connect()->Query(t.Execution(), t.name, InputJson(t.input))));
}
void Update(const Target& t) {
  PrintJson(OrFail(t.Connect()->Update(t.Execution(), t.name, InputJson(t.input))));
}
void Cancel(const Target& t) { t.Report(OrFail(t.Connect()->Cancel(t.Execution(), t.reason))); }
void Terminate(const Target& t) {
  t.Report(OrFail(t.Connect()->Terminate(t.Execution(), t.reason)));
}
void Result(const Target& t) { PrintOutcome(OrFail(t.Connect()->Result(t.Execution()))); }
void History(const Target& t) {
  auto client =
      OrFail(temporal::WorkflowClient::Connect(temporal::ToConnectionOptions(t.connection)));
  std::cout << OrFail(client.HistoryJson({t.workflow_id, t.run_id})) << "\n";
}

// One command on one workflow. `handler` names the handler kind the command takes as its second
// argument, with --input (none: neither); `reason` adds --reason.
struct TargetCommand {
  const char* name;
  const char* help;
  const char* handler;
  bool reason;
  void (*run)(const Target&);
};

// In the order of `weft --help`.
constexpr TargetCommand kTargetCommands[] = {
    {"signal", "Send a signal to a workflow", "signal", false, Signal},
    {"query", "Query a workflow and print the answer", "query", false, Query},
    {"update", "Send an update, wait for it and print its result", "update", false, Update},
    {"cancel", "Request cancellation of a workflow", nullptr, true, Cancel},
    {"terminate", "Terminate a workflow at once", nullptr, true, Terminate},
    {"result", "Wait for a workflow to end; print its result, or fail with its failure", nullptr,
     false, Result},
    {"history", "Print a workflow's history as JSON (as `temporal workflow show -o json`)", nullptr,
     false, History},
};

void AddTargetCommand(CLI::App& app, const TargetCommand& row) {
  auto target = std::make_shared<Target>();
  target->command = row.name;
  auto* command = app.add_subcommand(row.name, row.help);
  AddConnectionFlags(*command, target->connection, /*address_optional=*/true);
  command->add_option("workflow-id", target->workflow_id, "Workflow id")->required();
  if (row.handler != nullptr) {
    command->add_option(row.handler, target->name, std::string("Name of the ") + row.handler)
        ->required();
    AddInputFlag(*command, target->input, "Argument");
  }
  command->add_option("--run-id,-r", target->run_id, "Run id (default: the latest run)");
  command
      ->add_option("--journal", target->embedded.journal,
                   "Embedded engine's journal (without --address)")
      ->envname("WEFT_JOURNAL");
  if (row.reason) command->add_option("--reason", target->reason, "Why");
  command->callback([target, run = row.run] { run(*target); });
}

struct StartFlags {
  temporal::ConnectionArguments connection;
  client::StartRequest request{.workflows = "workflows"};
  std::string input;  // JSON, @file or @-
  bool wait = false;
};

void Start(StartFlags& flags) {
  if (flags.connection.address.empty()) {
    Fail(
        "start needs --address (or TEMPORAL_ADDRESS); on the embedded engine use `weft run "
        "--detach`",
        2);
  }
  flags.request.input = InputJson(flags.input);
  auto client =
      OrFail(client::ConnectClient({.temporal = temporal::ToConnectionOptions(flags.connection)}));
  const client::Started started = OrFail(client->Start(flags.request));
  if (!flags.wait) {
    PrintJson(
        json{{"workflow_id", started.execution.workflow_id}, {"run_id", started.execution.run_id}});
    return;
  }
  PrintOutcome(OrFail(client->Result(started.execution)));
}

}  // namespace

void AddClientCommands(CLI::App& app) {
  auto state = std::make_shared<StartFlags>();
  auto* command = app.add_subcommand("start",
                                     "Start a workflow on Temporal by its type (a weft "
                                     "definition's name, or any SDK's workflow)");
  client::StartRequest& request = state->request;
  AddConnectionFlags(*command, state->connection, /*address_optional=*/true);
  command->add_option("workflow", request.workflow, "Workflow type")->required();
  AddInputFlag(*command, state->input);
  command->add_option("--id,-w", request.workflow_id, "Workflow id (default: a new UUID)");
  AddTaskQueueFlag(*command, request.task_queue);
  command->add_flag("--wait", state->wait, "Wait for the result and print it");
  command->add_option("--static-summary", request.summary,
                      "The run's summary in the Temporal UI (default: the definition's name and "
                      "version, when --workflows has it)");
  command->add_option("--static-details", request.details,
                      "The run's details in the Temporal UI (default: the definition's "
                      "description and hash, when --workflows has it)");
  AddWorkflowsFlag(*command, request.workflows,
                   "Folder of definitions, read for the defaults of the two above");
  command->callback([state] { Start(*state); });

  for (const TargetCommand& row : kTargetCommands) AddTargetCommand(app, row);
}

}  // namespace weft::cli
