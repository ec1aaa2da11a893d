#include "cmd/weft/output.h"

#include <iostream>

#include "runtime/client/run_text.h"

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

void Fail(const temporal::ClientError& error, int exit_code) { Fail(error.message, exit_code); }

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void PrintOutcome(const client::Outcome& outcome) {
  if (outcome.status == client::RunStatus::kCompleted) {
    PrintJson(outcome.result);
    return;
  }
  if (!outcome.failure.is_null()) PrintJson(outcome.failure);
  Fail(client::OutcomeText(outcome));
}

}  // namespace weft::cli
