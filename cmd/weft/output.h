// How every command ends: a result on stdout, a message on stderr and an exit code. Fail()
// prints "weft: <message>" and throws CLI::RuntimeError, so that main() has one exit path;
// OrFail() does so for the error of an expected value (a client error's failure, when the
// workflow sent one, goes to stdout as JSON); PrintJson() prints a JSON answer; PrintOutcome()
// prints a run's result, or its failure and fails.
#ifndef WEFT_CMD_WEFT_OUTPUT_H_
#define WEFT_CMD_WEFT_OUTPUT_H_

#include <CLI/CLI.hpp>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "runtime/client/workflow_client.h"
#include "runtime/temporal/workflow_client.h"

namespace weft::cli {

[[noreturn]] void Fail(const std::string& message, int exit_code = 1);
// As Fail(), the message prefixed by the command that failed: "weft <command>: <message>".
[[noreturn]] void CommandFailed(const std::string& command, const std::string& message,
                                int exit_code = 1);
[[noreturn]] void Fail(const client::ClientError& error, int exit_code = 1);
[[noreturn]] void Fail(const temporal::ClientError& error, int exit_code = 1);

// The value, or Fail() with the error (a message, or a client error of either kind).
template <typename T, typename Error>
T OrFail(std::expected<T, Error> value, int exit_code = 1) {
  if (!value) Fail(value.error(), exit_code);
  if constexpr (!std::is_void_v<T>) return std::move(*value);
}

// A JSON value on stdout, indented by two; invalid UTF-8 from a payload is replaced, not thrown.
void PrintJson(const nlohmann::json& value);

// Completed: the result on stdout. Otherwise the failure as JSON on stdout and exit code 1.
void PrintOutcome(const client::Outcome& outcome);

}  // namespace weft::cli

#endif  // WEFT_CMD_WEFT_OUTPUT_H_
