// The activities weft ships, and the one place that assembles a worker's whole registry:
// built-ins, then plugins, then the Lua modules of a directory. Called once at start (the CLI,
// both engines); the registry is read-only afterwards.
#ifndef WEFT_ACTIVITIES_BUILTIN_ACTIVITIES_H_
#define WEFT_ACTIVITIES_BUILTIN_ACTIVITIES_H_

#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/activity/activity_registry.h"
#include "runtime/lua/lua_activities.h"
#include "runtime/lua/lua_sandbox.h"

namespace weft::activities {

// http.request, llm.chat, log, sleep, json.parse, json.stringify, json.merge.
std::expected<void, activity::ActivityError> RegisterBuiltins(activity::ActivityRegistry& registry);

struct RegistryOptions {
  std::vector<std::filesystem::path> plugins;    // --plugin, in order
  std::optional<std::filesystem::path> lua_dir;  // activities/*.lua; none: lua.inline only
  lua::LuaLimits lua_limits;
  std::chrono::milliseconds lua_reload_check_interval{1000};
};

// The options of a command run in a project folder (`--plugin`, `--lua-dir`): the plugins as
// given, and the Lua modules of `lua_dir`, or of ./activities when `lua_dir` is empty and that
// folder exists. One rule for `weft run`, `worker`, `validate` and `activities`.
RegistryOptions ProjectRegistryOptions(const std::vector<std::string>& plugins,
                                       const std::string& lua_dir);

// The registry of a command run in a project folder: RegisterAll with
// ProjectRegistryOptions(plugins, lua_dir), in a registry of its own (`weft worker`, `activities`,
// the embedded engine of `weft run`). The caller owns it; it serves Lua modules until destroyed.
std::expected<std::unique_ptr<activity::ActivityRegistry>, activity::ActivityError>
BuildProjectRegistry(const std::vector<std::string>& plugins, const std::string& lua_dir);

// What RegisterAll could not register but did not stop for.
struct RegistryReport {
  // Lua modules that do not load: logged as warnings; their calls fail with LuaModuleError
  // until the file is fixed, then they are served (lua::LuaActivities).
  std::vector<lua::BrokenLuaModule> broken_lua_modules;
};

// Built-ins, plugins and Lua modules in `registry`. A plugin that does not load, an unreadable
// Lua folder or a name registered twice stops it; a Lua module that does not load does not:
// the other modules are served, and the report lists it.
std::expected<RegistryReport, activity::ActivityError> RegisterAll(
    const RegistryOptions& options, activity::ActivityRegistry& registry);

// What `weft validate` checks a `call` against: the names a worker with these options would
// run, and the Lua modules that do not load (module name → "file: error"), so that a call into
// one says so (dsl::LoadOptions::broken_activity_modules). Builds a registry and drops it.
struct KnownActivities {
  std::set<std::string> names;
  std::map<std::string, std::string> broken_modules;
};
std::expected<KnownActivities, activity::ActivityError> ListKnownActivities(
    const RegistryOptions& options);

}  // namespace weft::activities

#endif  // WEFT_ACTIVITIES_BUILTIN_ACTIVITIES_H_
