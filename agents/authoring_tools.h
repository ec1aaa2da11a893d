// AuthoringTools: the MCP tools that let an agent without a file system author a project:
// write_workflow (a definition, validated first; refused with its diagnostics when invalid,
// unless kept as a draft), write_activity (a Lua module, loaded in the sandbox first; refused
// with its error when it does not load) and write_test (dry-run cases, parsed first, then run).
// ValidateText is validate_workflow's check of YAML text that is not a file.
//
// Files are written whole (atomic_file.h) into the folders the workers serve, so a running
// worker, engine or MCP server picks them up as it picks up any edit: the workflows folder is
// rescanned, and a Lua module is loaded by its next call (lua::LuaActivities).
//
// Stateless apart from its options; any thread.
#ifndef WEFT_AGENTS_AUTHORING_TOOLS_H_
#define WEFT_AGENTS_AUTHORING_TOOLS_H_

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "agents/mcp_server.h"

namespace weft::agents {

struct AuthoringFolders {
  std::filesystem::path workflows_dir;
  std::filesystem::path activities_dir;
  std::filesystem::path tests_dir;
};

class AuthoringTools {
 public:
  explicit AuthoringTools(AuthoringFolders folders);

  static std::vector<Tool> Tools();
  // nullopt: `name` is none of Tools().
  std::optional<ToolResult> Call(const std::string& name, const nlohmann::json& arguments) const;

  // `weft validate --json`'s report for one definition given as text, checked against the
  // project's activities: {valid, files: [{file, valid, name?, version?, sha256?,
  // diagnostics}]}, plus broken_activity_modules when a Lua module does not load. `file` names
  // the text in diagnostics.
  nlohmann::json ValidateText(const std::string& yaml, const std::string& file) const;

 private:
  ToolResult WriteWorkflow(const nlohmann::json& arguments) const;
  ToolResult WriteActivity(const nlohmann::json& arguments) const;
  ToolResult WriteTest(const nlohmann::json& arguments) const;

  AuthoringFolders folders_;
};

}  // namespace weft::agents

#endif  // WEFT_AGENTS_AUTHORING_TOOLS_H_
