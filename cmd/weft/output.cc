#include "cmd/weft/output.h"

#include <iostream>

namespace weft::cli {

void Fail(const std::string& message, int exit_code) {
  std::cerr << "weft: " << message << "\n";
  throw CLI::RuntimeError(exit_code);
}

void CommandFailed(const std::string& command, const std::string& message, int exit_code) {
  std::cerr << "weft " << command << ": " << message << "\n";
  throw CLI::RuntimeError(exit_code);
}

void Fail(const client::ClientError& error, int exit_code) {
  // As an outcome's: the failure is the workflow's answer, so it goes to stdout as JSON.
  if (!error.failure.is_null()) PrintJson(error.failure);
  Fail(error.message, exit_code);
}

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void PrintOutcome(const client::Outcome& outcome) {
  if (outcome.status == client::RunStatus::kCompleted) {
    PrintJson(outcome.result);
    return;
  }
  if (!outcome.failure.is_null()) PrintJson(outcome.failure);
  std::string message = "run " + outcome.execution.run_id + " (" + outcome.execution.workflow_id +
                        ") " + std::string(client::RunStatusName(outcome.status));
  if (outcome.failure.is_object() && outcome.failure.contains("message")) {
    message += ": " + outcome.failure["message"].get<std::string>();
  }
  Fail(message);
}

}  // namespace weft::cli
