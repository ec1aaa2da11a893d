// LuaActivities: the Lua modules of one directory, as activities. Each <module>.lua returns a
// table; each function in it is the activity "<module>.<function>", described by the table's
// optional `doc` field. Calls run on a LuaSandbox that belongs to the calling thread (created
// on first use), so that worker threads never share a lua_State; modules are reloaded when
// their files change. Also runs inline chunks (`call: {lua: "..."}`) through the same
// sandboxes, as the activity "lua.inline".
//
// Create once, register into a registry, then call from any thread. The registry's functions
// hold a shared_ptr to this object. A thread keeps its sandbox until it exits.
#ifndef WEFT_RUNTIME_LUA_LUA_ACTIVITIES_H_
#define WEFT_RUNTIME_LUA_LUA_ACTIVITIES_H_

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/activity/activity.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/lua/lua_sandbox.h"

namespace weft::lua {

// The built-in activity that runs inline Lua: input {"source": "...", "input": any,
// "name"?: "where the source came from"}.
inline constexpr std::string_view kInlineActivityName = "lua.inline";

class LuaActivities : public std::enable_shared_from_this<LuaActivities> {
 public:
  // options.module_dir may be empty (inline chunks only).
  static std::shared_ptr<LuaActivities> Create(LuaSandboxOptions options);

  // Loads every <dir>/*.lua (on this thread's sandbox) and registers its functions, plus
  // "lua.inline". A module that fails to load fails the whole call, naming the file and line.
  // Returns the names registered.
  std::expected<std::vector<std::string>, activity::ActivityError> RegisterAll(
      activity::ActivityRegistry& registry);

  activity::ActivityResult Call(std::string_view module, std::string_view function,
                                const nlohmann::json& input, activity::ActivityContext& context);
  activity::ActivityResult RunSource(std::string_view source, std::string_view chunk_name,
                                     const nlohmann::json& input,
                                     activity::ActivityContext& context);

  // This thread's sandbox for this set of modules.
  LuaSandbox& SandboxForThisThread();

 private:
  explicit LuaActivities(LuaSandboxOptions options);

  LuaSandboxOptions options_;
  std::uint64_t id_;  // tells this object's sandboxes apart in the thread-local table
};

}  // namespace weft::lua

#endif  // WEFT_RUNTIME_LUA_LUA_ACTIVITIES_H_
