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
#include "runtime/client/json_argument.h"
#include "runtime/temporal/workflow_client.h"

namespace weft::cli {
namespace {

using nlohmann::json;

// The state every command shares: where the workflow runs, which one, a handler and its input.
struct Target {
  temporal::ConnectionArguments connection;
  std::string journal = ".weft/journal.db";  // without --address: the embedded engine
  std::string workflow_id;
  std::string run_id;
  std::string name;   // signal, query or update name
  std::string input;  // JSON, @file or @-
  std::string reason;

  std::unique_ptr<client::WorkflowClient> Connect() const {
    return OrFail(client::ConnectClient(
        {.temporal = temporal::ToConnectionOptions(connection), .embedded = {.journal = journal}}));
  }
  client::Execution Execution() const { return {workflow_id, run_id}; }
  json Input() const { return OrFail(client::ParseJsonArgument(input, "--input"), 2); }
};

CLI::App* AddTargetCommand(CLI::App& app, const std::string& name, const std::string& help,
                           Target& target, const char* handler_kind) {
  auto* command = app.add_subcommand(name, help);
  AddConnectionFlags(*command, target.connection, /*address_optional=*/true);
  command->add_option("workflow-id", target.workflow_id, "Workflow id")->required();
  if (handler_kind != nullptr) {
    command->add_option(handler_kind, target.name, std::string("Name of the ") + handler_kind)
        ->required();
    command->add_option("--input,-i", target.input, "Argument as JSON, @file or @- for stdin");
  }
  command->add_option("--run-id,-r", target.run_id, "Run id (default: the latest run)");
  command->add_option("--journal", target.journal, "Embedded engine's journal (without --address)")
      ->envname("WEFT_JOURNAL");
  return command;
}

// A message an embedded engine gets when one resumes the run is not an error.
void Report(const client::Sent& sent, const std::string& kind, const Target& target) {
  if (!sent.queued) return;
  std::cerr << "weft: no engine is running; the " << kind << " is queued for " << target.workflow_id
            << " and delivered when one resumes it (`weft resume`)\n";
}

}  // namespace

void AddClientCommands(CLI::App& app) {
  {
    struct Start {
      temporal::ConnectionArguments connection;
      std::string workflow_type, input, workflow_id, task_queue = "weft";
      std::string summary, details, workflows = "workflows";
      bool wait = false;
    };
    auto state = std::make_shared<Start>();
    auto* command = app.add_subcommand("start",
                                       "Start a workflow on Temporal by its type (a weft "
                                       "definition's name, or any SDK's workflow)");
    AddConnectionFlags(*command, state->connection, /*address_optional=*/true);
    command->add_option("workflow", state->workflow_type, "Workflow type")->required();
    command->add_option("--input,-i", state->input, "Input as JSON, @file or @- for stdin");
    command->add_option("--id,-w", state->workflow_id, "Workflow id (default: a new UUID)");
    command->add_option("--task-queue,-t", state->task_queue, "Task queue")->capture_default_str();
    command->add_flag("--wait", state->wait, "Wait for the result and print it");
    command->add_option("--static-summary", state->summary,
                        "The run's summary in the Temporal UI (default: the definition's name and "
                        "version, when --workflows has it)");
    command->add_option("--static-details", state->details,
                        "The run's details in the Temporal UI (default: the definition's "
                        "description and hash, when --workflows has it)");
    command
        ->add_option("--workflows", state->workflows,
                     "Folder of definitions, read for the defaults of the two above")
        ->capture_default_str();
    command->callback([state] {
      if (state->connection.address.empty()) {
        Fail(
            "start needs --address (or TEMPORAL_ADDRESS); on the embedded engine use `weft run "
            "--detach`",
            2);
      }
      const client::StartRequest request{
          .workflow = state->workflow_type,
          .input = OrFail(client::ParseJsonArgument(state->input, "--input"), 2),
          .workflow_id = state->workflow_id,
          .task_queue = state->task_queue,
          .summary = state->summary,
          .details = state->details,
          .workflows = state->workflows};
      auto client = OrFail(
          client::ConnectClient({.temporal = temporal::ToConnectionOptions(state->connection)}));
      const client::Started started = OrFail(client->Start(request));
      if (!state->wait) {
        PrintJson(json{{"workflow_id", started.execution.workflow_id},
                       {"run_id", started.execution.run_id}});
        return;
      }
      PrintOutcome(OrFail(client->Result(started.execution)));
    });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "signal", "Send a signal to a workflow", *target, "signal")
        ->callback([target] {
          Report(
              OrFail(target->Connect()->Signal(target->Execution(), target->name, target->Input())),
              "signal", *target);
        });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "query", "Query a workflow and print the answer", *target, "query")
        ->callback([target] {
          PrintJson(
              OrFail(target->Connect()->Query(target->Execution(), target->name, target->Input())));
        });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "update", "Send an update, wait for it and print its result", *target,
                     "update")
        ->callback([target] {
          PrintJson(OrFail(
              target->Connect()->Update(target->Execution(), target->name, target->Input())));
        });
  }
  {
    auto target = std::make_shared<Target>();
    auto* command =
        AddTargetCommand(app, "cancel", "Request cancellation of a workflow", *target, nullptr);
    command->add_option("--reason", target->reason, "Why");
    command->callback([target] {
      Report(OrFail(target->Connect()->Cancel(target->Execution(), target->reason)), "cancel",
             *target);
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto* command =
        AddTargetCommand(app, "terminate", "Terminate a workflow at once", *target, nullptr);
    command->add_option("--reason", target->reason, "Why");
    command->callback([target] {
      Report(OrFail(target->Connect()->Terminate(target->Execution(), target->reason)), "terminate",
             *target);
    });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "result",
                     "Wait for a workflow to end; print its result, or fail with its failure",
                     *target, nullptr)
        ->callback(
            [target] { PrintOutcome(OrFail(target->Connect()->Result(target->Execution()))); });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "history",
                     "Print a workflow's history as JSON (as `temporal workflow show -o json`)",
                     *target, nullptr)
        ->callback([target] {
          auto client = OrFail(
              temporal::WorkflowClient::Connect(temporal::ToConnectionOptions(target->connection)));
          std::cout << OrFail(client.HistoryJson({target->workflow_id, target->run_id})) << "\n";
        });
  }
}

}  // namespace weft::cli
