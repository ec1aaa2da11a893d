// WorkflowScaffold: what `weft new` (the add-temporal-workflow tool) does, as a function that
// the CLI and the MCP server (`add_temporal_workflow`) share. It checks the name with the
// loader's own rule, renders the templates of workflow_templates.h, and writes each file so
// that it appears whole or not at all and never replaces an existing one: the text goes to a
// hidden temporary file in the same folder, which is then hard-linked to its final name (link
// fails when the name exists) and removed. The workflow file is written last, so that a
// running worker or MCP server whose catalog rescans workflows/ (dsl/definition_catalog.h)
// sees the workflow only once the activity it calls is on disk: that is the registration.
//
// Stateless; safe to call from any thread (two calls for the same name: one wins, the other
// gets kExists).
#ifndef WEFT_AGENTS_WORKFLOW_SCAFFOLD_H_
#define WEFT_AGENTS_WORKFLOW_SCAFFOLD_H_

#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace weft::agents {

struct ScaffoldRequest {
  std::string name;
  std::string description;
  bool lua_activity = false;  // also activities/<module>.lua, whose activity the step calls
  bool test = false;          // also tests/workflows/<name>.test.yaml
  std::filesystem::path workflows_dir = "workflows";
  std::filesystem::path activities_dir = "activities";
  std::filesystem::path tests_dir = "tests/workflows";
};

struct ScaffoldedFile {
  std::filesystem::path path;
  std::string role;  // "workflow", "activity", "test"
};

struct Scaffold {
  std::string name;
  std::string activity;  // the activity the workflow's call step runs
  std::vector<ScaffoldedFile> files;
  std::vector<std::string> next_steps;  // commands and edits, in order, for an agent
  nlohmann::json ToJson() const;
  // What `weft new` prints: "created <path> (<role>)" per file, then the numbered next steps.
  std::string Text() const;
};

struct ScaffoldError {
  enum class Kind { kInvalidArgument, kExists, kIo };
  Kind kind;
  std::string message;
  // "invalid_argument", "exists", "io".
  std::string_view KindName() const;
  // {"created": false, "error": KindName(), "message"}: `weft new --json` on failure.
  nlohmann::json ToJson() const;
  // `weft new`'s exit code: 2 for a bad name or option (a usage error), 3 when a file exists,
  // so that a script can tell "already there" from a failure; 1 for an I/O error.
  int ExitCode() const;
};

std::expected<Scaffold, ScaffoldError> ScaffoldWorkflow(const ScaffoldRequest& request);

// "order-clothes" -> "order_clothes": the Lua module a workflow's activities go in (Lua module
// names are letters, digits and `_`; workflow names use `-`).
std::string LuaModuleName(const std::string& workflow_name);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_WORKFLOW_SCAFFOLD_H_
