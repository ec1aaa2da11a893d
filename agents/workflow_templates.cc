// The texts of `weft new`. Placeholders are @WORD@; Render() replaces every one it is given
// and nothing else, so that `${ ... }` expressions in the templates stay as they are.
#include "agents/workflow_templates.h"

#include <string_view>
#include <utility>
#include <vector>

namespace weft::agents {
namespace {

using Replacements = std::vector<std::pair<std::string_view, std::string_view>>;

std::string Render(std::string_view text, const Replacements& replacements) {
  std::string out;
  out.reserve(text.size() + 256);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find('@', at);
    if (open == std::string_view::npos) break;
    bool replaced = false;
    for (const auto& [key, value] : replacements) {
      if (text.substr(open + 1).starts_with(key) && open + 1 + key.size() < text.size() &&
          text[open + 1 + key.size()] == '@') {
        out.append(text.substr(at, open - at));
        out.append(value);
        at = open + key.size() + 2;
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out.append(text.substr(at, open + 1 - at));
      at = open + 1;
    }
  }
  out.append(text.substr(at));
  return out;
}

Replacements ReplacementsOf(const TemplateValues& values) {
  return {{"NAME", values.name},
          {"DESCRIPTION", values.description_yaml},
          {"ACTIVITY", values.activity},
          {"MODULE", values.lua_module},
          {"WORKFLOW_FILE", values.workflow_file},
          {"TEST_FILE", values.test_file},
          {"WORKFLOW_REF", values.workflow_ref}};
}

// The call step is the one place an agent starts editing: it names the activity, passes typed
// arguments and sets the timeout Temporal requires of every activity.
constexpr std::string_view kWorkflow =
    R"(# Scaffolded by `weft new`: edit the input schema, the steps and the output.
# Check it with `weft validate @WORKFLOW_FILE@`; the language is docs/language.md.
dsl: 1
name: @NAME@
version: 1
description: @DESCRIPTION@
input:
  type: object
  required: [message]
  additionalProperties: false
  properties:
    message: {type: string, minLength: 1}
steps:
  - id: process
    call: @ACTIVITY@
    args:
      message: ${ input.message }
    timeouts: {start_to_close: 30s}
    retry: {maximum_attempts: 3}
output:
  message: ${ input.message }
  result: ${ steps.process.result }
)";

constexpr std::string_view kLuaActivity =
    R"(-- The activities of the workflow @NAME@, scaffolded by `weft new`. Every function of the
-- table this file returns is the activity @MODULE@.<function> (docs/activities.md): the
-- workflow's `process` step calls @MODULE@.process.
local M = {}

M.doc = {
  process = {
    description = "Processes the message of a @NAME@ run",
    input = {type = "object", required = {"message"},
             properties = {message = {type = "string"}}},
  },
}

function M.process(input)
  weft.log("info", "@MODULE@.process: " .. input.message)
  return {message = input.message, length = #input.message}
end

return M
)";

constexpr std::string_view kWorkflowTest =
    R"(# Dry-run cases for the workflow @NAME@: `weft test @TEST_FILE@`.
# No activity runs: each case gives the result (or the error) of each call step by its step id,
# one per attempt, and timers and retry backoffs pass at once on a virtual clock. The format is in docs/agents.md.
workflow: @WORKFLOW_REF@
cases:
  - name: returns the activity's result
    input: {message: hello}
    mocks:
      process: {result: {message: hello, length: 5}}
    expect:
      steps: [process]
      output: {message: hello, result: {message: hello, length: 5}}
  - name: fails when the activity fails its three attempts
    input: {message: hello}
    mocks:
      process: {error: {type: ServiceUnavailable, message: the service is down}}
    expect:
      steps: [process]
      error: {type: ServiceUnavailable}
      attempts: {process: 3}     # the step's retry policy: maximum_attempts 3
      virtual_time: 3s           # backoff 1s, then 2s
)";

}  // namespace

std::string WorkflowTemplate(const TemplateValues& values) {
  return Render(kWorkflow, ReplacementsOf(values));
}

std::string LuaActivityTemplate(const TemplateValues& values) {
  return Render(kLuaActivity, ReplacementsOf(values));
}

std::string WorkflowTestTemplate(const TemplateValues& values) {
  return Render(kWorkflowTest, ReplacementsOf(values));
}

}  // namespace weft::agents
