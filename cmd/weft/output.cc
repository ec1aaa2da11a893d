#include "cmd/weft/output.h"

#include <iostream>

namespace weft::cli {

void Fail(const std::string& message, int exit_code) {
  std::cerr << "weft: " << message << "\n";
  throw CLI::RuntimeError(exit_code);
}

void Fail(const client::ClientError& error, int exit_code) {
  // As an outcome's: the failure is the workflow's answer, so it goes to stdout as JSON.
  if (!error.failure.is_null())
    std::cout << error.failure.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  Fail(error.message, exit_code);
}

void PrintOutcome(const client::Outcome& outcome) {
  if (outcome.status == client::RunStatus::kCompleted) {
    std::cout << outcome.result.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
    return;
  }
  if (!outcome.failure.is_null())
    std::cout << outcome.failure.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  std::string message = "run " + outcome.execution.run_id + " (" + outcome.execution.workflow_id +
                        ") " + std::string(client::RunStatusName(outcome.status));
  if (outcome.failure.is_object() && outcome.failure.contains("message")) {
    message += ": " + outcome.failure["message"].get<std::string>();
  }
  Fail(message);
}

}  // namespace weft::cli
