// LuaActivities: the Lua modules of one directory, as activities. Each <module>.lua returns a
// table; each function in it is the activity "<module>.<function>", described by the table's
// optional `doc` field. Calls run on a LuaSandbox that belongs to the calling thread (created
// on first use), so that worker threads never share a lua_State; modules are reloaded when
// their files change. Also runs inline chunks (`call: {lua: "..."}`) through the same
// sandboxes, as the activity "lua.inline".
//
// The folder changes while a worker runs: RegisterAll() registers what loads at start and
// reports the modules that do not, and, as the registry's DynamicActivities, this object also
// serves "<module>.<function>" of any module file present at call time, so that a module added
// or fixed later is served without a restart, and a call into a module that does not load
// fails with LuaModuleError naming the file and line.
//
// Create once, register into a registry, then call from any thread. The registry's functions
// hold a shared_ptr to this object. A thread keeps its sandbox until it exits.
#ifndef WEFT_RUNTIME_LUA_LUA_ACTIVITIES_H_
#define WEFT_RUNTIME_LUA_LUA_ACTIVITIES_H_

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/activity/activity.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/activity/dynamic_activities.h"
#include "runtime/lua/lua_sandbox.h"

namespace weft::lua {

// The built-in activity that runs inline Lua: input {"source": "...", "input": any,
// "name"?: "where the source came from"}.
inline constexpr std::string_view kInlineActivityName = "lua.inline";

// A module of the folder that does not load, and why (the message names the file and line).
struct BrokenLuaModule {
  std::string module;
  std::filesystem::path file;
  activity::ActivityError error;
};

struct LuaRegistration {
  std::vector<std::string> names;       // registered, sorted by module then function
  std::vector<BrokenLuaModule> broken;  // the modules that did not load, by file name
};

class LuaActivities : public std::enable_shared_from_this<LuaActivities>,
                      public activity::DynamicActivities {
 public:
  // options.module_dir may be empty (inline chunks only).
  static std::shared_ptr<LuaActivities> Create(LuaSandboxOptions options);

  // Loads every <dir>/*.lua (on this thread's sandbox) and registers its functions, plus
  // "lua.inline", and makes this object the registry's DynamicActivities. A module that does
  // not load is reported in `broken` and the others are registered; a folder that does not
  // exist yet holds no modules; only an unreadable folder or a name registered twice fails the
  // call.
  std::expected<LuaRegistration, activity::ActivityError> RegisterAll(
      activity::ActivityRegistry& registry);

  // DynamicActivities: "<module>.<function>" where <dir>/<module>.lua exists now.
  bool Serves(std::string_view name) const override;
  activity::ActivityResult Execute(std::string_view name, const nlohmann::json& input,
                                   activity::ActivityContext& context) const override;

  activity::ActivityResult Call(std::string_view module, std::string_view function,
                                const nlohmann::json& input,
                                activity::ActivityContext& context) const;
  activity::ActivityResult RunSource(std::string_view source, std::string_view chunk_name,
                                     const nlohmann::json& input,
                                     activity::ActivityContext& context) const;

  // This thread's sandbox for this set of modules (the sandboxes are per thread, not part of
  // this object's state: hence const).
  LuaSandbox& SandboxForThisThread() const;

 private:
  explicit LuaActivities(LuaSandboxOptions options);

  LuaSandboxOptions options_;
  std::uint64_t id_;  // tells this object's sandboxes apart in the thread-local table
};

}  // namespace weft::lua

#endif  // WEFT_RUNTIME_LUA_LUA_ACTIVITIES_H_
