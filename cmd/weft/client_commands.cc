// The client commands against a Temporal server: start, signal, query, update, cancel,
// terminate, result, history. They work on any workflow, weft's or any SDK's. The connection
// flags and their environment variables are the Temporal CLI's, so that a shell set up for
// `temporal` is set up for weft.

#include <iostream>
#include <memory>
#include <string>

#include "cmd/weft/commands.h"
#include "cmd/weft/connection_flags.h"
#include "cmd/weft/json_argument.h"
#include "runtime/temporal/workflow_client.h"

namespace weft::cli {
namespace {

using temporal::ClientError;
using temporal::WorkflowClient;
using temporal::WorkflowExecution;

[[noreturn]] void Fail(const std::string& message, int exit_code = 1) {
  std::cerr << "weft: " << message << "\n";
  throw CLI::RuntimeError(exit_code);
}

WorkflowClient Connect(const ConnectionFlags& flags) {
  auto client = WorkflowClient::Connect(flags.Options());
  if (!client) Fail(client.error().ToString());
  return std::move(*client);
}

nlohmann::json Argument(const std::string& text, const std::string& flag) {
  if (text.empty()) return nullptr;
  auto value = ParseJsonArgument(text, flag);
  if (!value) Fail(value.error(), 2);
  return std::move(*value);
}

template <typename T>
T OrFail(std::expected<T, ClientError> result) {
  if (!result) {
    if (!result.error().failure.is_null()) {
      std::cerr << result.error().failure.dump(2) << "\n";
    }
    Fail(result.error().ToString());
  }
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

// The state every command shares: connection flags, the target execution, an input.
struct Target {
  ConnectionFlags connection;
  std::string workflow_id;
  std::string run_id;
  std::string name;   // signal, query or update name
  std::string input;  // JSON, @file or @-
  std::string reason;
  std::string journal = ".weft/journal.db";  // without --address: the embedded engine

  WorkflowExecution Execution() const { return {workflow_id, run_id}; }
  // True when the command ran against the embedded engine (no Temporal address given).
  bool RanEmbedded(const std::string& kind) const {
    if (!connection.address.empty()) return false;
    RunEmbeddedClientCommand(kind, journal, run_id.empty() ? workflow_id : run_id, name, input,
                             reason);
    return true;
  }
};

CLI::App* AddTargetCommand(CLI::App& app, const std::string& name, const std::string& help,
                           Target& target, const char* handler_kind) {
  auto* command = app.add_subcommand(name, help);
  target.connection.AddTo(*command, /*address_optional=*/true);
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

void PrintOutcome(const temporal::WorkflowOutcome& outcome, const WorkflowExecution& execution) {
  if (outcome.status == temporal::WorkflowOutcome::Status::kCompleted) {
    std::cout << outcome.result.dump(2) << "\n";
    return;
  }
  // As `weft run` and the embedded `weft result` do: the failure is the run's outcome, so it
  // goes to stdout as JSON; the one-line summary goes to stderr.
  if (!outcome.failure.is_null()) std::cout << outcome.failure.dump(2) << "\n";
  std::string message =
      "workflow " + execution.workflow_id + " " + std::string(temporal::StatusName(outcome.status));
  if (outcome.failure.is_object() && outcome.failure.contains("message")) {
    message += ": " + outcome.failure["message"].get<std::string>();
  }
  Fail(message);
}

}  // namespace

void AddClientCommands(CLI::App& app) {
  {
    struct Start {
      ConnectionFlags connection;
      std::string workflow_type, input, workflow_id, task_queue = "weft";
      bool wait = false;
    };
    auto state = std::make_shared<Start>();
    auto* command = app.add_subcommand("start",
                                       "Start a workflow on Temporal by its type (a weft "
                                       "definition's name, or any SDK's workflow)");
    state->connection.AddTo(*command, /*address_optional=*/true);
    command->add_option("workflow", state->workflow_type, "Workflow type")->required();
    command->add_option("--input,-i", state->input, "Input as JSON, @file or @- for stdin");
    command->add_option("--id,-w", state->workflow_id, "Workflow id (default: a new UUID)");
    command->add_option("--task-queue,-t", state->task_queue, "Task queue")->capture_default_str();
    command->add_flag("--wait", state->wait, "Wait for the result and print it");
    command->callback([state] {
      if (state->connection.address.empty()) {
        Fail(
            "start needs --address (or TEMPORAL_ADDRESS); on the embedded engine use `weft run "
            "--detach`",
            2);
      }
      WorkflowClient client = Connect(state->connection);
      auto execution = OrFail(
          client.Start(state->workflow_type, Argument(state->input, "--input"),
                       {.workflow_id = state->workflow_id, .task_queue = state->task_queue}));
      if (!state->wait) {
        std::cout << nlohmann::json{{"workflow_id", execution.workflow_id},
                                    {"run_id", execution.run_id}}
                         .dump(2)
                  << "\n";
        return;
      }
      PrintOutcome(OrFail(client.Result(execution)), execution);
    });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "signal", "Send a signal to a workflow", *target, "signal")
        ->callback([target] {
          if (target->RanEmbedded("signal")) return;
          OrFail(
              Connect(target->connection)
                  .Signal(target->Execution(), target->name, Argument(target->input, "--input")));
        });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "query", "Query a workflow and print the answer", *target, "query")
        ->callback([target] {
          if (target->RanEmbedded("query")) return;
          auto answer = OrFail(
              Connect(target->connection)
                  .Query(target->Execution(), target->name, Argument(target->input, "--input")));
          std::cout << answer.dump(2) << "\n";
        });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "update", "Send an update, wait for it and print its result", *target,
                     "update")
        ->callback([target] {
          if (target->RanEmbedded("update")) return;
          auto result = OrFail(
              Connect(target->connection)
                  .Update(target->Execution(), target->name, Argument(target->input, "--input")));
          std::cout << result.dump(2) << "\n";
        });
  }
  {
    auto target = std::make_shared<Target>();
    auto* command =
        AddTargetCommand(app, "cancel", "Request cancellation of a workflow", *target, nullptr);
    command->add_option("--reason", target->reason, "Why");
    command->callback([target] {
      if (target->RanEmbedded("cancel")) return;
      OrFail(Connect(target->connection).Cancel(target->Execution(), target->reason));
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto* command =
        AddTargetCommand(app, "terminate", "Terminate a workflow at once", *target, nullptr);
    command->add_option("--reason", target->reason, "Why");
    command->callback([target] {
      if (target->RanEmbedded("terminate")) return;
      OrFail(Connect(target->connection).Terminate(target->Execution(), target->reason));
    });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "result",
                     "Wait for a workflow to end; print its result, or fail with its failure",
                     *target, nullptr)
        ->callback([target] {
          if (target->RanEmbedded("result")) return;
          PrintOutcome(OrFail(Connect(target->connection).Result(target->Execution())),
                       target->Execution());
        });
  }
  {
    auto target = std::make_shared<Target>();
    AddTargetCommand(app, "history",
                     "Print a workflow's history as JSON (as `temporal workflow show -o json`)",
                     *target, nullptr)
        ->callback([target] {
          std::cout << OrFail(Connect(target->connection).HistoryJson(target->Execution())) << "\n";
        });
  }
}

}  // namespace weft::cli
