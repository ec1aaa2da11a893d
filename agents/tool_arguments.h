// CheckArguments: a tools/call's arguments held to the tool's own inputSchema before the tool
// runs, so that an argument a tool does not take is refused rather than silently ignored (an
// agent that passes `yaml` to a tool that takes `path` must hear so, not get an answer about
// something else). It checks what the server's tools declare at the top level: unknown
// arguments (when the schema says additionalProperties: false), required ones, and each
// argument's `type` and `enum`. Nested values are the tool's business (a workflow's input is
// checked against its whole input schema when the run starts).
//
// Pure functions; any thread.
#ifndef WEFT_AGENTS_TOOL_ARGUMENTS_H_
#define WEFT_AGENTS_TOOL_ARGUMENTS_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agents/mcp_server.h"

namespace weft::agents {

struct ArgumentProblem {
  std::string tool;
  std::string argument;               // the argument at fault
  std::string message;                // names the argument and what is wrong with it
  std::vector<std::string> accepted;  // every argument the tool takes, "name (type)"

  // {error, argument, accepted}: the message with the accepted arguments appended.
  nlohmann::json ToJson() const;
};

std::expected<void, ArgumentProblem> CheckArguments(const Tool& tool,
                                                    const nlohmann::json& arguments);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_TOOL_ARGUMENTS_H_
