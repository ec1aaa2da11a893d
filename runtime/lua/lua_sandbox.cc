#include "runtime/lua/lua_sandbox.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <tuple>
#include <utility>

#include "runtime/lua/lua_json.h"

namespace weft::lua {
namespace {

using activity::ActivityError;
using activity::ActivityResult;

// How deep `value` nests (a scalar is 0, `[[1]]` is 2), walked without recursion and no further
// than one level past `limit`.
int JsonDepth(const nlohmann::json& value, int limit) {
  std::vector<std::pair<const nlohmann::json*, int>> pending{{&value, 0}};
  int deepest = 0;
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const auto& child : *node) pending.emplace_back(&child, depth + 1);
  }
  return deepest;
}

// An input nested deeper than the sandbox takes is the caller's mistake, the same on every
// attempt: refused before any Lua runs, and not retried (it was a retryable LuaError, which the
// default policy retried for ever).
std::optional<ActivityError> InputTooDeep(const nlohmann::json& input, int limit) {
  if (JsonDepth(input, limit) <= limit) return std::nullopt;
  return ActivityError::InvalidInput("the input is nested deeper than " + std::to_string(limit) +
                                     " levels, the most a Lua activity takes");
}

// The hook runs every this many VM instructions. Any active count hook puts Lua 5.4 on its
// slower "trap" path, so the interval only bounds how far past its budget a script may run.
constexpr int kHookInterval = 1000;
constexpr std::size_t kMaxInlineChunks = 256;

// What LoadTrampoline compiles; with `run`, it also runs the chunk as a module in a fresh
// environment and keeps the table it returns, otherwise it keeps the compiled function.
struct LoadJob {
  const char* source;
  std::size_t size;
  const char* chunk_name;
  bool run;
  int ref;
};

struct CallJob {
  int ref;               // the module table, or the inline chunk's function
  const char* function;  // nullptr for an inline chunk
  std::size_t function_size;
  const nlohmann::json* input;
  const JsonLimits* limits;
};

bool IsModuleName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Replaces the table on top of the stack by a copy; nested tables are copied `depth` deep.
void CopyTable(lua_State* L, int depth) {
  int source = lua_gettop(L);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, source) != 0) {
    if (depth > 0 && lua_type(L, -1) == LUA_TTABLE) CopyTable(L, depth - 1);
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, source + 1);
  }
  lua_replace(L, source);
}

JsonLimits JsonLimitsOf(const LuaLimits& limits) {
  return {.max_depth = limits.json_depth, .max_bytes = limits.result_bytes};
}

}  // namespace

LuaSandbox::LuaSandbox(LuaSandboxOptions options) : options_(std::move(options)) {
  L_ = lua_newstate(&LuaSandbox::Allocate, this);
  if (L_ == nullptr) return;
  int status = Protected(&LuaSandbox::OpenTrampoline, this, nullptr);
  if (status != LUA_OK) {
    spdlog::error("lua: cannot open the sandbox: {}", ErrorFromStack(status, "opening").Describe());
    lua_close(L_);
    L_ = nullptr;
    return;
  }
  lua_settop(L_, 0);
}

LuaSandbox::~LuaSandbox() {
  if (L_ != nullptr) lua_close(L_);
}

LuaSandbox& LuaSandbox::Of(lua_State* L) {
  void* self = nullptr;
  lua_getallocf(L, &self);
  return *static_cast<LuaSandbox*>(self);
}

void* LuaSandbox::Allocate(void* self_ptr, void* block, std::size_t old_size,
                           std::size_t new_size) {
  auto& self = *static_cast<LuaSandbox*>(self_ptr);
  std::size_t old = block != nullptr ? old_size : 0;  // without a block, old_size is a type tag
  if (new_size == 0) {
    std::free(block);
    self.memory_used_ -= old;
    return nullptr;
  }
  if (new_size > old && self.memory_used_ + (new_size - old) > self.options_.limits.memory_bytes) {
    // Lua answers a refusal with an emergency collection and one more try, then a memory
    // error, which leaves the state usable.
    self.memory_refused_ = true;
    return nullptr;
  }
  void* resized = std::realloc(block, new_size);
  if (resized == nullptr) return nullptr;
  self.memory_used_ = self.memory_used_ - old + new_size;
  return resized;
}

void LuaSandbox::Hook(lua_State* L, lua_Debug*) { Of(L).Charge(L, lua_gethookcount(L)); }

void LuaSandbox::Charge(lua_State* L, std::int64_t steps) {
  if (kill_ == Kill::kNone) {
    instructions_used_ += steps;
    if (instructions_used_ > options_.limits.instructions) {
      kill_ = Kill::kBudget;
    } else if (context_ != nullptr && context_->IsCancelled()) {
      kill_ = Kill::kCancelled;
    } else {
      return;
    }
  }
  // From now on this coroutine fails on every instruction (and every other one within
  // kHookInterval), so a pcall that catches the error cannot run any further.
  lua_sethook(L, &LuaSandbox::Hook, LUA_MASKCOUNT, 1);
  luaL_error(L, kill_ == Kill::kBudget ? "instruction budget exhausted" : "cancelled");
}

int LuaSandbox::Protected(int (*trampoline)(lua_State*), void* job,
                          activity::ActivityContext* context) {
  lua_settop(L_, 0);
  traceback_.clear();
  kill_ = Kill::kNone;
  instructions_used_ = 0;
  logged_bytes_ = 0;
  log_dropped_ = false;
  memory_refused_ = false;
  context_ = context;
  lua_sethook(L_, &LuaSandbox::Hook, LUA_MASKCOUNT, kHookInterval);
  lua_pushcfunction(L_, &LuaSandbox::MessageHandler);
  lua_pushcfunction(L_, trampoline);
  lua_pushlightuserdata(L_, job);
  int status = lua_pcall(L_, 1, 1, 1);
  context_ = nullptr;
  return status;
}

int LuaSandbox::MessageHandler(lua_State* L) {
  auto& self = Of(L);
  if (self.kill_ == Kill::kNone) {
    luaL_traceback(L, L, nullptr, 1);
    std::size_t size = 0;
    const char* text = lua_tolstring(L, -1, &size);
    try {
      self.traceback_.assign(text, size);
    } catch (...) {
    }
  }
  lua_settop(L, 1);
  return 1;
}

ActivityError LuaSandbox::ErrorFromStack(int status, std::string_view what) {
  const auto& limits = options_.limits;
  std::string subject(what);
  ActivityError error;
  if (kill_ == Kill::kBudget) {
    error = ActivityError::NonRetryable(
        std::string(error_type::kInstructionLimit),
        subject + " ran more than " + std::to_string(limits.instructions) + " Lua instructions",
        {{"instructions", limits.instructions}});
  } else if (kill_ == Kill::kCancelled) {
    error = ActivityError::Cancelled(subject + " was cancelled");
  } else if (status == LUA_ERRMEM ||
             (memory_refused_ && (status == LUA_ERRERR ||
                                  (lua_type(L_, -1) == LUA_TSTRING &&
                                   std::strcmp(lua_tostring(L_, -1), "not enough memory") == 0)))) {
    error = ActivityError::NonRetryable(std::string(error_type::kMemoryLimit),
                                        subject + " needed more than " +
                                            std::to_string(limits.memory_bytes) +
                                            " bytes of Lua memory",
                                        {{"memory_bytes", limits.memory_bytes}});
  } else if (lua_type(L_, -1) == LUA_TTABLE) {
    // error({type = "...", message = "...", details = ..., non_retryable = true}), or an error
    // that weft.http raised: keep its type so that `catch` and retry policies see it.
    auto value = ToJson(L_, -1, JsonLimitsOf(limits));
    if (value) {
      error = ActivityError::FromJson(*value);
    } else {
      error = ActivityError::Retryable(
          std::string(error_type::kLuaError),
          subject + " raised an error table that is not JSON: " + value.error());
    }
  } else if (lua_type(L_, -1) == LUA_TSTRING) {
    std::size_t size = 0;
    const char* text = lua_tolstring(L_, -1, &size);
    error = ActivityError::Retryable(std::string(error_type::kLuaError), std::string(text, size));
  } else if (lua_type(L_, -1) == LUA_TNUMBER) {
    error = ActivityError::Retryable(
        std::string(error_type::kLuaError),
        subject + " raised the number " + nlohmann::json(lua_tonumber(L_, -1)).dump());
  } else {
    error = ActivityError::Retryable(
        std::string(error_type::kLuaError),
        subject + " raised a " + lua_typename(L_, lua_type(L_, -1)) + " value");
  }
  if (error.stack_trace.empty()) error.stack_trace = traceback_;
  return error;
}

ActivityResult LuaSandbox::ResultFromStack(int status) {
  // A budget spent or a cancellation ends the call even when it returned: `return
  // pcall(loop)` catches the error in a tail call, after which no instruction of the script
  // runs for the hook to raise it again.
  if (status != LUA_OK || kill_ != Kill::kNone) {
    return std::unexpected(ErrorFromStack(status, "the activity"));
  }
  auto result = ToJson(L_, -1, JsonLimitsOf(options_.limits));
  if (result) return std::move(*result);
  bool too_large = result.error().ends_with("(too large)");
  return std::unexpected(ActivityError::NonRetryable(
      std::string(too_large ? error_type::kResultTooLarge : error_type::kInvalidResult),
      "the result cannot be JSON: " + result.error()));
}

void LuaSandbox::Forget(std::string_view module) {
  auto it = modules_.find(module);
  if (it == modules_.end()) return;
  luaL_unref(L_, LUA_REGISTRYINDEX, it->second.ref);
  modules_.erase(it);
}

std::expected<int, ActivityError> LuaSandbox::LoadedModule(std::string_view module) {
  if (L_ == nullptr) {
    return std::unexpected(ActivityError::Retryable(std::string(activity::error_type::kInternal),
                                                    "the Lua sandbox could not be created"));
  }
  if (!IsModuleName(module)) {
    return std::unexpected(ActivityError::NonRetryable(
        std::string(error_type::kModuleNotFound),
        "'" + std::string(module) + "' is not a Lua module name (letters, digits and _)"));
  }
  auto now = std::chrono::steady_clock::now();
  auto it = modules_.find(module);
  if (it != modules_.end() && options_.reload_check_interval.count() > 0 &&
      now - it->second.checked < options_.reload_check_interval) {
    return it->second.ref;
  }
  std::string file_name = std::string(module) + ".lua";
  std::filesystem::path path = options_.module_dir / file_name;
  struct stat file_status {};
  if (::stat(path.c_str(), &file_status) != 0 || !S_ISREG(file_status.st_mode)) {
    Forget(module);
    return std::unexpected(ActivityError::NonRetryable(std::string(error_type::kModuleNotFound),
                                                       "no Lua module " + path.string()));
  }
  // One stat for both: this runs on every call when reload_check_interval is 0.
  std::int64_t mtime =
      std::int64_t{file_status.st_mtim.tv_sec} * 1000000000 + file_status.st_mtim.tv_nsec;
  auto size = static_cast<std::uintmax_t>(file_status.st_size);
  if (it != modules_.end() && it->second.mtime_ns == mtime && it->second.size == size) {
    it->second.checked = now;
    return it->second.ref;
  }
  std::ifstream in(path, std::ios::binary);
  std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!source.empty() && source[0] == '\x1b') {
    Forget(module);
    return std::unexpected(ActivityError::NonRetryable(
        std::string(error_type::kLuaError), path.string() + ": binary chunks are never loaded"));
  }
  std::string chunk_name = "@" + file_name;
  LoadJob job{.source = source.data(),
              .size = source.size(),
              .chunk_name = chunk_name.c_str(),
              .run = true,
              .ref = LUA_NOREF};
  int status = Protected(&LuaSandbox::LoadTrampoline, &job, nullptr);
  if (status != LUA_OK) {
    ActivityError error = ErrorFromStack(status, "loading " + file_name);
    if (error.type == error_type::kLuaError) {
      // Its own type, so that a caller (and a `catch`) tells a module that does not load from
      // an error its function raised. Retryable: fixing the file lets the next attempt run.
      error.type = std::string(error_type::kModuleError);
      error.details = {{"file", path.string()}};
    }
    lua_settop(L_, 0);
    Forget(module);
    return std::unexpected(std::move(error));
  }
  lua_settop(L_, 0);
  Forget(module);
  if (!source.empty()) spdlog::debug("lua: loaded {}", path.string());
  modules_.emplace(std::string(module),
                   Module{.ref = job.ref, .mtime_ns = mtime, .size = size, .checked = now});
  return job.ref;
}

ActivityResult LuaSandbox::Call(std::string_view module, std::string_view function,
                                const nlohmann::json& input, activity::ActivityContext& context) {
  JsonLimits limits = JsonLimitsOf(options_.limits);
  if (auto too_deep = InputTooDeep(input, limits.max_depth)) return std::unexpected(*too_deep);
  auto ref = LoadedModule(module);
  if (!ref) return std::unexpected(std::move(ref.error()));
  CallJob job{.ref = *ref,
              .function = function.data(),
              .function_size = function.size(),
              .input = &input,
              .limits = &limits};
  int status = Protected(&LuaSandbox::CallTrampoline, &job, &context);
  ActivityResult result = ResultFromStack(status);
  lua_settop(L_, 0);
  if (kill_ != Kill::kNone || memory_refused_) {
    // Whatever the module kept in its globals may be what exhausted the limit: start it over.
    Forget(module);
    lua_gc(L_, LUA_GCCOLLECT);
  }
  return result;
}

std::expected<int, ActivityError> LuaSandbox::CompileInline(std::string_view source,
                                                            std::string_view chunk_name) {
  std::string key = std::string(chunk_name) + '\0' + std::string(source);
  if (auto it = inline_chunks_.find(key); it != inline_chunks_.end()) return it->second;
  if (!source.empty() && source[0] == '\x1b') {
    return std::unexpected(ActivityError::NonRetryable(std::string(error_type::kLuaError),
                                                       "binary chunks are never loaded"));
  }
  if (inline_chunks_.size() >= kMaxInlineChunks) {
    for (auto& [text, ref] : inline_chunks_) luaL_unref(L_, LUA_REGISTRYINDEX, ref);
    inline_chunks_.clear();
  }
  // On the first line, so that line numbers in errors stay those of the source.
  std::string text = "local input = ...; " + std::string(source);
  std::string name = "=" + std::string(chunk_name);
  LoadJob job{.source = text.data(),
              .size = text.size(),
              .chunk_name = name.c_str(),
              .run = false,
              .ref = LUA_NOREF};
  int status = Protected(&LuaSandbox::LoadTrampoline, &job, nullptr);
  if (status != LUA_OK) {
    ActivityError error = ErrorFromStack(status, std::string(chunk_name));
    lua_settop(L_, 0);
    return std::unexpected(std::move(error));
  }
  lua_settop(L_, 0);
  inline_chunks_.emplace(std::move(key), job.ref);
  return job.ref;
}

ActivityResult LuaSandbox::RunSource(std::string_view source, std::string_view chunk_name,
                                     const nlohmann::json& input,
                                     activity::ActivityContext& context) {
  if (L_ == nullptr) {
    return std::unexpected(ActivityError::Retryable(std::string(activity::error_type::kInternal),
                                                    "the Lua sandbox could not be created"));
  }
  JsonLimits limits = JsonLimitsOf(options_.limits);
  if (auto too_deep = InputTooDeep(input, limits.max_depth)) return std::unexpected(*too_deep);
  auto ref = CompileInline(source, chunk_name);
  if (!ref) return std::unexpected(std::move(ref.error()));
  CallJob job{
      .ref = *ref, .function = nullptr, .function_size = 0, .input = &input, .limits = &limits};
  int status = Protected(&LuaSandbox::CallTrampoline, &job, &context);
  ActivityResult result = ResultFromStack(status);
  lua_settop(L_, 0);
  if (kill_ != Kill::kNone || memory_refused_) lua_gc(L_, LUA_GCCOLLECT);
  return result;
}

std::expected<std::vector<LuaFunctionInfo>, ActivityError> LuaSandbox::Describe(
    std::string_view module) {
  auto ref = LoadedModule(module);
  if (!ref) return std::unexpected(std::move(ref.error()));
  std::vector<LuaFunctionInfo> functions;
  lua_settop(L_, 0);
  lua_rawgeti(L_, LUA_REGISTRYINDEX, *ref);
  lua_pushnil(L_);
  while (lua_next(L_, 1) != 0) {
    if (lua_type(L_, -2) == LUA_TSTRING && lua_type(L_, -1) == LUA_TFUNCTION) {
      functions.push_back({.name = lua_tostring(L_, -2)});
    }
    lua_pop(L_, 1);
  }
  // The optional `doc` table: doc.<function> = "description" or {description=, input=schema}.
  lua_pushliteral(L_, "doc");
  if (lua_rawget(L_, 1) == LUA_TTABLE) {
    for (auto& info : functions) {
      lua_pushstring(L_, info.name.c_str());
      int type = lua_rawget(L_, 2);
      if (type == LUA_TSTRING) {
        info.description = lua_tostring(L_, -1);
      } else if (type == LUA_TTABLE) {
        lua_pushliteral(L_, "description");
        if (lua_rawget(L_, -2) == LUA_TSTRING) info.description = lua_tostring(L_, -1);
        lua_pop(L_, 1);
        lua_pushliteral(L_, "input");
        if (lua_rawget(L_, -2) == LUA_TTABLE) {
          auto schema = ToJson(L_, -1, JsonLimitsOf(options_.limits));
          if (schema) info.input_schema = std::move(*schema);
        }
        lua_pop(L_, 1);
      }
      lua_pop(L_, 1);
    }
  }
  lua_settop(L_, 0);
  std::sort(functions.begin(), functions.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return functions;
}

// ---- Trampolines: each runs inside Protected(), so Lua errors are caught there.

int LuaSandbox::OpenTrampoline(lua_State* L) {
  auto& self = Of(L);
  luaL_requiref(L, "_G", luaopen_base, 0);
  int globals = lua_gettop(L);
  lua_createtable(L, 0, 32);
  int environment = lua_gettop(L);
  // The allow-list. Left out on purpose: dofile, loadfile, require, collectgarbage (its timing
  // games were part of CVE-2025-49844), and load, which is replaced by a text-only version.
  static constexpr const char* kBase[] = {
      "assert",       "error",    "getmetatable", "ipairs", "next",   "pairs",
      "pcall",        "rawequal", "rawget",       "rawlen", "rawset", "select",
      "setmetatable", "tonumber", "tostring",     "type",   "xpcall", "_VERSION"};
  for (const char* name : kBase) {
    lua_getfield(L, globals, name);
    lua_setfield(L, environment, name);
  }
  // Two functions run Lua code with hooks off, out of the budget's reach: a message handler
  // called for an error that the budget hook raised, and a __gc finalizer. xpcall skips the
  // handler once the budget is gone; setmetatable refuses __gc.
  lua_getfield(L, globals, "xpcall");
  lua_pushcclosure(L, &LuaSandbox::LuaXpcall, 1);
  lua_setfield(L, environment, "xpcall");
  lua_getfield(L, globals, "setmetatable");
  lua_pushcclosure(L, &LuaSandbox::LuaSetmetatable, 1);
  lua_setfield(L, environment, "setmetatable");
  struct Library {
    const char* name;
    lua_CFunction open;
  };
  static constexpr Library kLibraries[] = {{LUA_STRLIBNAME, luaopen_string},
                                           {LUA_TABLIBNAME, luaopen_table},
                                           {LUA_MATHLIBNAME, luaopen_math},
                                           {LUA_UTF8LIBNAME, luaopen_utf8},
                                           {LUA_COLIBNAME, luaopen_coroutine}};
  for (const auto& library : kLibraries) {
    luaL_requiref(L, library.name, library.open, 0);
    lua_setfield(L, environment, library.name);
  }
  // C loops that can run for ever out of the instruction budget's reach, each bounded in
  // the library table itself (which the string metatable's __index is, so `s:rep()` too).
  for (const auto& [library, name, bounded] :
       {std::tuple{LUA_STRLIBNAME, "rep", &LuaSandbox::LuaStringRep},
        std::tuple{LUA_TABLIBNAME, "move", &LuaSandbox::LuaTableMove}}) {
    lua_getfield(L, environment, library);
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, bounded, 1);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
  }
  // Pattern matching, the third such loop (a pattern can backtrack for ever): a matcher of our
  // own that charges the budget.
  lua_getfield(L, environment, LUA_STRLIBNAME);
  InstallBoundedPatterns(L, -1, &Of(L));
  lua_pop(L, 1);
  // string.dump would hand out bytecode; the string metatable would hand out the real string
  // table (and with it anything a script put there) to every other module.
  lua_getfield(L, environment, LUA_STRLIBNAME);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushliteral(L, "string");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
  // The same random sequence on every run of the same state, whatever the platform.
  lua_getfield(L, environment, LUA_MATHLIBNAME);
  lua_getfield(L, -1, "randomseed");
  lua_pushinteger(L, 0);
  lua_call(L, 1, 0);
  lua_pop(L, 1);
  // os: reading clocks only.
  luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
  lua_createtable(L, 0, 3);
  for (const char* name : {"time", "clock", "date"}) {
    lua_getfield(L, -2, name);
    lua_setfield(L, -2, name);
  }
  lua_setfield(L, environment, LUA_OSLIBNAME);
  lua_pop(L, 1);
  lua_pushcfunction(L, &LuaSandbox::LuaPrint);
  lua_setfield(L, environment, "print");
  // The weft module.
  lua_createtable(L, 0, 8);
  const luaL_Reg weft_functions[] = {{"log", &LuaSandbox::LuaLog},
                                     {"heartbeat", &LuaSandbox::LuaHeartbeat},
                                     {"http", &LuaSandbox::LuaHttp},
                                     {"array", &LuaSandbox::LuaArray},
                                     {"is_array", &LuaSandbox::LuaIsArray},
                                     {"info", &LuaSandbox::LuaInfo},
                                     {nullptr, nullptr}};
  luaL_setfuncs(L, weft_functions, 0);
  lua_pushlightuserdata(L, NullSentinel());
  lua_setfield(L, -2, "null");
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, &LuaSandbox::LuaJsonEncode);
  lua_setfield(L, -2, "encode");
  lua_pushcfunction(L, &LuaSandbox::LuaJsonDecode);
  lua_setfield(L, -2, "decode");
  lua_setfield(L, -2, "json");
  lua_setfield(L, environment, "weft");
  lua_pushvalue(L, environment);
  self.template_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

void LuaSandbox::PushEnvironment(lua_State* L) {
  auto& self = Of(L);
  lua_createtable(L, 0, 32);
  int environment = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, self.template_ref_);
  int base = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, base) != 0) {
    // Libraries are copied, so that what one script does to `string` stays its own.
    if (lua_type(L, -1) == LUA_TTABLE) CopyTable(L, 1);
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, environment);
  }
  lua_pop(L, 1);
  lua_pushliteral(L, "_G");
  lua_pushvalue(L, environment);
  lua_rawset(L, environment);
  lua_pushliteral(L, "load");
  lua_pushvalue(L, environment);
  lua_pushcclosure(L, &LuaSandbox::LuaLoad, 1);
  lua_rawset(L, environment);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, &LuaSandbox::LuaUndefinedGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, environment);
}

int LuaSandbox::LoadTrampoline(lua_State* L) {
  auto& job = *static_cast<LoadJob*>(lua_touserdata(L, 1));
  if (luaL_loadbufferx(L, job.source, job.size, job.chunk_name, "t") != LUA_OK) {
    return lua_error(L);
  }
  if (job.run) {
    PushEnvironment(L);
    lua_setupvalue(L, -2, 1);  // a main chunk's only upvalue is _ENV
    lua_call(L, 0, 1);
    if (lua_type(L, -1) != LUA_TTABLE) {
      return luaL_error(L, "%s must return a table of functions", job.chunk_name + 1);
    }
  }
  job.ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

int LuaSandbox::CallTrampoline(lua_State* L) {
  auto& job = *static_cast<CallJob*>(lua_touserdata(L, 1));
  lua_rawgeti(L, LUA_REGISTRYINDEX, job.ref);
  if (job.function == nullptr) {
    PushEnvironment(L);
    lua_setupvalue(L, -2, 1);
  } else {
    lua_pushlstring(L, job.function, job.function_size);
    if (lua_rawget(L, -2) != LUA_TFUNCTION) {
      lua_pushlstring(L, job.function, job.function_size);
      return luaL_error(L, "the module has no function '%s'", lua_tostring(L, -1));
    }
  }
  PushJson(L, *job.input, *job.limits);
  lua_call(L, 1, 1);
  return 1;
}

// ---- The weft module and the environment's wrappers. No C++ object with a destructor may be
// alive when these raise a Lua error (a longjmp): such objects live in inner blocks or in the
// sandbox's scratch members.

namespace {

activity::LogLevel LevelNamed(std::string_view name, bool* known) {
  *known = true;
  if (name == "debug") return activity::LogLevel::kDebug;
  if (name == "info") return activity::LogLevel::kInfo;
  if (name == "warn") return activity::LogLevel::kWarn;
  if (name == "error") return activity::LogLevel::kError;
  *known = false;
  return activity::LogLevel::kInfo;
}

void Emit(activity::ActivityContext* context, activity::LogLevel level, const char* text,
          std::size_t size) {
  try {
    if (context != nullptr) {
      context->Log(level, std::string_view(text, size));
    } else {
      spdlog::info("lua: {}", std::string_view(text, size));
    }
  } catch (...) {
  }
}

// Joins arguments first..top with spaces, as print does; the line is left on the stack.
std::string_view JoinArguments(lua_State* L, int first) {
  int top = lua_gettop(L);
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  for (int i = first; i <= top; ++i) {
    if (i > first) luaL_addchar(&buffer, ' ');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&buffer);
  }
  luaL_pushresult(&buffer);
  std::size_t size = 0;
  const char* text = lua_tolstring(L, -1, &size);
  return {text, size};
}

}  // namespace

int LuaSandbox::LuaLog(lua_State* L) {
  auto& self = Of(L);
  bool known = false;
  activity::LogLevel level = activity::LogLevel::kInfo;
  if (lua_gettop(L) >= 2 && lua_type(L, 1) == LUA_TSTRING) {
    level = LevelNamed(lua_tostring(L, 1), &known);
  }
  self.Log(level, JoinArguments(L, known ? 2 : 1));
  return 0;
}

int LuaSandbox::LuaPrint(lua_State* L) {
  Of(L).Log(activity::LogLevel::kInfo, JoinArguments(L, 1));
  return 0;
}

void LuaSandbox::Log(activity::LogLevel level, std::string_view line) {
  if (logged_bytes_ >= kMaxLogBytesPerCall) {
    if (!log_dropped_) {
      log_dropped_ = true;
      constexpr std::string_view kDropped =
          "weft.log: this call logged 1 MiB; its further lines are dropped";
      Emit(context_, activity::LogLevel::kWarn, kDropped.data(), kDropped.size());
    }
    return;
  }
  try {
    const std::string capped = activity::CapText(std::string(line), kMaxLogLineBytes);
    logged_bytes_ += capped.size();
    Emit(context_, level, capped.data(), capped.size());
  } catch (...) {  // out of memory: the line is lost, the call goes on
  }
}

int LuaSandbox::LuaHeartbeat(lua_State* L) {
  auto& self = Of(L);
  bool failed = false;
  {
    auto details = ToJson(L, 1, JsonLimitsOf(self.options_.limits));
    if (!details) {
      failed = true;
      try {
        self.scratch_text_ = details.error();
      } catch (...) {
      }
    } else if (self.context_ != nullptr) {
      try {
        self.context_->Heartbeat(*details);
      } catch (...) {
      }
    }
  }
  if (failed) {
    // Not retryable: the same details would be refused on every attempt.
    try {
      self.scratch_json_ = ActivityError::NonRetryable(std::string(error_type::kInvalidResult),
                                                       "weft.heartbeat: " + self.scratch_text_)
                               .ToJson();
    } catch (...) {
      self.scratch_json_ = nullptr;
    }
    PushJson(L, self.scratch_json_, JsonLimitsOf(self.options_.limits));
    return lua_error(L);
  }
  return 0;
}

// weft.info(): what the engine says of this attempt. Built into scratch_json_ first, so that a
// Lua error while pushing it (out of memory) unwinds no C++ object.
int LuaSandbox::LuaInfo(lua_State* L) {
  auto& self = Of(L);
  try {
    if (self.context_ == nullptr) {
      self.scratch_json_ = nlohmann::json::object();
    } else {
      const activity::ActivityInfo& info = self.context_->Info();
      self.scratch_json_ = {{"activity_type", info.activity_type},
                            {"workflow_id", info.workflow_id},
                            {"run_id", info.run_id},
                            {"activity_id", info.activity_id},
                            {"attempt", info.attempt},
                            {"heartbeat_details", info.heartbeat_details}};
    }
  } catch (...) {
    self.scratch_json_ = nlohmann::json::object();
  }
  PushJson(L, self.scratch_json_, JsonLimitsOf(self.options_.limits));
  return 1;
}

int LuaSandbox::LuaHttp(lua_State* L) {
  auto& self = Of(L);
  enum { kOk, kFailed, kBadArgument } outcome = kOk;
  {
    try {
      auto request = ToJson(L, 1, JsonLimitsOf(self.options_.limits));
      if (!request) {
        self.scratch_text_ = request.error();
        outcome = kBadArgument;
      } else if (self.options_.registry == nullptr || self.context_ == nullptr) {
        self.scratch_json_ =
            ActivityError::NonRetryable(std::string(activity::error_type::kActivityNotFound),
                                        "weft.http is not available here")
                .ToJson();
        outcome = kFailed;
      } else {
        ActivityResult response =
            self.options_.registry->Execute("http.request", *request, *self.context_);
        if (response) {
          self.scratch_json_ = std::move(*response);
        } else {
          self.scratch_json_ = response.error().ToJson();
          outcome = kFailed;
        }
      }
    } catch (const std::exception& e) {
      self.scratch_json_ = ActivityError::Retryable(std::string(activity::error_type::kInternal),
                                                    std::string("weft.http: ") + e.what())
                               .ToJson();
      outcome = kFailed;
    }
  }
  if (outcome == kBadArgument) return luaL_error(L, "weft.http: %s", self.scratch_text_.c_str());
  PushJson(L, self.scratch_json_, JsonLimitsOf(self.options_.limits));
  if (outcome == kFailed) return lua_error(L);  // the error table: {type, message, details...}
  return 1;
}

int LuaSandbox::LuaJsonEncode(lua_State* L) {
  auto& self = Of(L);
  bool failed = false;
  {
    try {
      auto value = ToJson(L, 1, JsonLimitsOf(self.options_.limits));
      if (value) {
        self.scratch_text_ = value->dump();
      } else {
        self.scratch_text_ = value.error();
        failed = true;
      }
    } catch (const std::exception& e) {
      self.scratch_text_ = e.what();
      failed = true;
    }
  }
  if (failed) return luaL_error(L, "weft.json.encode: %s", self.scratch_text_.c_str());
  lua_pushlstring(L, self.scratch_text_.data(), self.scratch_text_.size());
  return 1;
}

int LuaSandbox::LuaJsonDecode(lua_State* L) {
  auto& self = Of(L);
  std::size_t size = 0;
  const char* text = luaL_checklstring(L, 1, &size);
  bool failed = false;
  bool too_big = false;
  {
    try {
      // The tree is built outside Lua's allocator: it must fit in what the activity has left
      // of its memory, or a 30 MB string of `[` would take gigabytes past the cap (D2).
      auto cost = MeasureJsonText(std::string_view(text, size), JsonLimitsOf(self.options_.limits));
      if (!cost) {
        self.scratch_text_ = cost.error();
        failed = true;
      } else if (self.memory_used_ + *cost > self.options_.limits.memory_bytes) {
        too_big = true;
      } else {
        self.scratch_json_ = nlohmann::json::parse(text, text + size);
      }
    } catch (const std::exception& e) {
      try {
        self.scratch_text_ = e.what();
      } catch (...) {
      }
      failed = true;
    }
  }
  if (too_big) {
    // Reported as the memory limit it is (LuaMemoryLimit, non-retryable), as when Lua's own
    // allocator refuses.
    self.memory_refused_ = true;
    lua_pushliteral(L, "not enough memory");
    return lua_error(L);
  }
  if (failed) return luaL_error(L, "weft.json.decode: %s", self.scratch_text_.c_str());
  PushJson(L, self.scratch_json_, JsonLimitsOf(self.options_.limits));
  self.scratch_json_ = nullptr;  // the tree's memory goes back now, not at the next call
  return 1;
}

int LuaSandbox::LuaArray(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_newtable(L);
  } else {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
  }
  PushArrayMetatable(L);
  lua_setmetatable(L, -2);
  return 1;
}

int LuaSandbox::LuaIsArray(lua_State* L) {
  bool is_array = false;
  if (lua_type(L, 1) == LUA_TTABLE && lua_getmetatable(L, 1)) {
    PushArrayMetatable(L);
    is_array = lua_rawequal(L, -1, -2) != 0;
  }
  lua_pushboolean(L, is_array ? 1 : 0);
  return 1;
}

int LuaSandbox::LuaLoad(lua_State* L) {
  // load(chunk [, name [, mode [, env]]]): the four arguments in place whatever the caller gave,
  // so that the loaded function lands at 5 and never passes for the `env` argument.
  lua_settop(L, 4);
  std::size_t size = 0;
  const char* chunk = luaL_checklstring(L, 1, &size);  // no reader functions
  const char* name = luaL_optstring(L, 2, "=(load)");
  // The mode argument is ignored: only text chunks load, ever.
  if (luaL_loadbufferx(L, chunk, size, name, "t") != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_pushvalue(L, 4);
  } else {
    lua_pushvalue(L, lua_upvalueindex(1));
  }
  lua_setupvalue(L, -2, 1);
  return 1;
}

int LuaSandbox::LuaStringRep(lua_State* L) {
  // string.rep("", n) copies nothing n times: with n = math.maxinteger, for ever. Its result is
  // "" whatever n is. Anything longer is bounded by the memory cap, which refuses it at once.
  std::size_t length = 0;
  std::size_t separator = 0;
  luaL_checklstring(L, 1, &length);
  const lua_Integer count = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &separator);
  if (count <= 0 || length + separator == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));  // the real string.rep
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int LuaSandbox::LuaTableMove(lua_State* L) {
  // table.move({}, 1, 1e15, 1) visits every index in C. More elements than the memory cap could
  // ever hold (at 16 bytes each) is refused before the first.
  constexpr lua_Unsigned kMaxElements = lua_Unsigned{1} << 24;
  const lua_Integer first = luaL_checkinteger(L, 2);
  const lua_Integer last = luaL_checkinteger(L, 3);
  if (last >= first &&
      static_cast<lua_Unsigned>(last) - static_cast<lua_Unsigned>(first) >= kMaxElements) {
    return luaL_error(L, "table.move moves at most %d elements", static_cast<int>(kMaxElements));
  }
  lua_pushvalue(L, lua_upvalueindex(1));  // the real table.move
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int LuaSandbox::LuaXpcall(lua_State* L) {
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, &LuaSandbox::GuardedHandler, 1);
  lua_replace(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));  // the real xpcall
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

int LuaSandbox::GuardedHandler(lua_State* L) {
  // After the budget is gone the hook raised this error, and Lua runs handlers for it with
  // hooks off: a looping handler would never be stopped. Pass the error through instead.
  if (Of(L).kill_ != Kill::kNone) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int LuaSandbox::LuaSetmetatable(lua_State* L) {
  // Finalizers run with hooks off, at any later time: no budget could stop one.
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    bool has_gc = lua_rawget(L, 2) != LUA_TNIL;
    lua_pop(L, 1);
    if (has_gc) return luaL_error(L, "__gc metamethods are not allowed in the sandbox");
  }
  lua_pushvalue(L, lua_upvalueindex(1));  // the real setmetatable
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int LuaSandbox::LuaUndefinedGlobal(lua_State* L) {
  return luaL_error(L, "undefined global '%s'", luaL_tolstring(L, 2, nullptr));
}

}  // namespace weft::lua
