// ProjectActivities: the activities a worker started in this project would run (built-ins and
// the Lua modules of its activities folder), as the MCP tools list and check them, and the Lua
// modules that do not load, each with its error (file and line), so that one broken module is
// reported beside the others instead of hiding them.
//
// Loads the modules in this process, in the Lua sandbox (runtime/lua: an allow-list, a memory
// cap and an instruction budget), on the calling thread. Any thread.
#ifndef WEFT_AGENTS_PROJECT_ACTIVITIES_H_
#define WEFT_AGENTS_PROJECT_ACTIVITIES_H_

#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace weft::agents {

struct ProjectActivities {
  // [{name, description, source: builtin|plugin|lua, origin?, input_schema?}], by name
  nlohmann::json activities = nlohmann::json::array();
  // [{module, file, error: {type, message, ...}}]: modules that do not load
  nlohmann::json broken = nlohmann::json::array();
  std::set<std::string> names;  // what `call:` may name, for validation
};

// `activities_dir` may not exist (built-ins only). Fails only when the folder cannot be read.
std::expected<ProjectActivities, std::string> ListProjectActivities(
    const std::filesystem::path& activities_dir);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_PROJECT_ACTIVITIES_H_
