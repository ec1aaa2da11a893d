// LuaSandbox: one Lua 5.4 state that runs untrusted activity code within limits. It loads
// <module>.lua files from one directory (each returns a table; its functions are the
// activities), reloads a file when its modification time or size changes, and runs inline
// source chunks. Each module and each inline run gets its own environment built from an
// allow-list (docs/activities.md lists it); reading an undefined global is an error.
//
// Limits: a memory cap (a counting allocator), an instruction budget per call (a count hook
// that, once the budget is gone, raises an error on every instruction of every coroutine, so
// that pcall cannot swallow it), cancellation (checked by the same hook), and bounds on the
// size and depth of results. A module that hit a limit is dropped and reloaded on its next
// call, so the sandbox keeps serving.
//
// Threads: a LuaSandbox belongs to one thread at a time and is never shared; LuaActivities
// keeps one per worker thread. Lua is compiled as C here (errors are longjmps), so every
// entry into Lua is protected and no C++ object with a destructor lives across a Lua error.
#ifndef WEFT_RUNTIME_LUA_LUA_SANDBOX_H_
#define WEFT_RUNTIME_LUA_LUA_SANDBOX_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/activity/activity.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/lua/lua_pattern.h"

struct lua_Debug;

namespace weft::lua {

// Error types a Lua activity can fail with, besides the ones its script raises.
namespace error_type {
inline constexpr std::string_view kLuaError = "LuaError";  // a runtime or syntax error
inline constexpr std::string_view kInstructionLimit = "LuaInstructionLimit";
inline constexpr std::string_view kMemoryLimit = "LuaMemoryLimit";
inline constexpr std::string_view kResultTooLarge = "LuaResultTooLarge";
inline constexpr std::string_view kInvalidResult = "LuaInvalidResult";
inline constexpr std::string_view kModuleNotFound = "LuaModuleNotFound";
inline constexpr std::string_view kModuleError = "LuaModuleError";  // the module does not load
}  // namespace error_type

struct LuaLimits {
  std::size_t memory_bytes = 64 * 1024 * 1024;  // the whole state: modules and calls
  std::int64_t instructions = 100'000'000;      // per call, VM instructions (about 1 s)
  std::size_t result_bytes = 2 * 1024 * 1024;   // Temporal refuses payloads over 2 MiB
  int json_depth = 64;                          // nesting of inputs and results
};

struct LuaSandboxOptions {
  std::filesystem::path module_dir;  // where <module>.lua files live; may be empty
  LuaLimits limits;
  // How long a loaded module is trusted before its file is checked again (0: every call).
  // 1 s keeps a call within its 2 us overhead budget; tests that edit files use 0.
  std::chrono::milliseconds reload_check_interval{1000};
  // weft.http runs this registry's "http.request"; without one, weft.http fails.
  const activity::ActivityRegistry* registry = nullptr;
};

// What a module says about one of its functions (its `doc` table).
struct LuaFunctionInfo {
  std::string name;
  std::string description;
  std::optional<nlohmann::json> input_schema;
};

// The budget's bookkeeping is also what string patterns are charged to (lua_pattern.h).
class LuaSandbox final : private PatternBudget {
 public:
  explicit LuaSandbox(LuaSandboxOptions options);
  ~LuaSandbox();
  LuaSandbox(const LuaSandbox&) = delete;
  LuaSandbox& operator=(const LuaSandbox&) = delete;

  // Runs <module>.<function>(input) and returns its result as JSON.
  activity::ActivityResult Call(std::string_view module, std::string_view function,
                                const nlohmann::json& input, activity::ActivityContext& context);

  // Runs a source chunk (text only) with `input` as its argument (`...`) and as the local
  // `input`; the chunk's return value is the result. `chunk_name` appears in error positions.
  activity::ActivityResult RunSource(std::string_view source, std::string_view chunk_name,
                                     const nlohmann::json& input,
                                     activity::ActivityContext& context);

  // Loads the module (if needed) and lists its functions, sorted by name.
  std::expected<std::vector<LuaFunctionInfo>, activity::ActivityError> Describe(
      std::string_view module);

  // Bytes the state holds now.
  std::size_t MemoryInUse() const { return memory_used_; }

 private:
  enum class Kill { kNone, kBudget, kCancelled };
  struct Module {
    int ref = -2;  // LUA_NOREF: the module table in the registry
    std::int64_t mtime_ns = 0;
    std::uintmax_t size = 0;
    std::chrono::steady_clock::time_point checked{};
  };

  static void* Allocate(void* self, void* block, std::size_t old_size, std::size_t new_size);
  static void Hook(lua_State* L, lua_Debug* debug);
  // A line of weft.log or print, within bounds: each line at most kMaxLogLineBytes (cut with a
  // note), each call at most kMaxLogBytesPerCall (then one warning, and the rest is dropped), so
  // that a loop of logs cannot flood the engine's log or the worker's memory.
  static constexpr std::size_t kMaxLogLineBytes = 32 * 1024;
  static constexpr std::size_t kMaxLogBytesPerCall = 1024 * 1024;
  void Log(activity::LogLevel level, std::string_view line);
  // Counts `steps` against the instruction budget and checks cancellation; once either ends the
  // call, raises its error (here and on every later instruction) instead of returning.
  void Charge(lua_State* L, std::int64_t steps) override;
  static LuaSandbox& Of(lua_State* L);
  // The functions of the `weft` table and the environment's wrappers.
  static int LuaLog(lua_State* L);
  static int LuaPrint(lua_State* L);
  static int LuaHeartbeat(lua_State* L);
  static int LuaHttp(lua_State* L);
  static int LuaInfo(lua_State* L);
  static int LuaJsonEncode(lua_State* L);
  static int LuaJsonDecode(lua_State* L);
  static int LuaArray(lua_State* L);
  static int LuaIsArray(lua_State* L);
  static int LuaLoad(lua_State* L);
  static int LuaXpcall(lua_State* L);
  static int LuaStringRep(lua_State* L);
  static int LuaTableMove(lua_State* L);
  static int GuardedHandler(lua_State* L);
  static int LuaSetmetatable(lua_State* L);
  static int LuaUndefinedGlobal(lua_State* L);
  static int MessageHandler(lua_State* L);
  static int OpenTrampoline(lua_State* L);
  static int LoadTrampoline(lua_State* L);
  static int CallTrampoline(lua_State* L);
  static void PushEnvironment(lua_State* L);

  // Runs `trampoline` with `job` in protected mode, within the limits; returns the status.
  int Protected(int (*trampoline)(lua_State*), void* job, activity::ActivityContext* context);
  activity::ActivityError ErrorFromStack(int status, std::string_view what);
  activity::ActivityResult ResultFromStack(int status);
  std::expected<int, activity::ActivityError> LoadedModule(std::string_view module);
  void Forget(std::string_view module);
  std::expected<int, activity::ActivityError> CompileInline(std::string_view source,
                                                            std::string_view chunk_name);

  LuaSandboxOptions options_;
  lua_State* L_ = nullptr;
  std::size_t memory_used_ = 0;
  bool memory_refused_ = false;
  std::int64_t instructions_used_ = 0;
  std::size_t logged_bytes_ = 0;  // by this call, after capping
  bool log_dropped_ = false;
  Kill kill_ = Kill::kNone;
  activity::ActivityContext* context_ = nullptr;
  std::string traceback_;
  int template_ref_ = -2;
  std::map<std::string, Module, std::less<>> modules_;
  std::map<std::string, int, std::less<>> inline_chunks_;
  // Scratch space for the weft.* functions, kept here so that no C++ object with a
  // destructor lives on a C stack frame that a Lua error may jump over.
  std::string scratch_text_;
  nlohmann::json scratch_json_;
  std::optional<activity::ActivityError> scratch_error_;
};

}  // namespace weft::lua

#endif  // WEFT_RUNTIME_LUA_LUA_SANDBOX_H_
