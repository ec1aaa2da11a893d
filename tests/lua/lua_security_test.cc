// Hostile Lua: every attack fails within its limit with a typed error, and the same sandbox
// (same thread, same lua_State) keeps serving other activities correctly afterwards.

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/activity/activity_context.h"
#include "runtime/lua/lua_sandbox.h"

using weft::activity::LocalActivityContext;
using weft::lua::LuaSandbox;

namespace {

LuaSandbox& Sandbox() {
  // One sandbox for the whole file: each attack runs on the state the previous ones used.
  static LuaSandbox sandbox({.module_dir = WEFT_LUA_TEST_MODULES,
                             .limits = {.memory_bytes = 32 * 1024 * 1024,
                                        .instructions = 20'000'000,
                                        .result_bytes = 2 * 1024 * 1024}});
  return sandbox;
}

weft::activity::ActivityError Attack(const std::string& function) {
  LocalActivityContext context;
  auto start = std::chrono::steady_clock::now();
  auto result = Sandbox().Call("hostile", function, {}, context);
  INFO(function);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  REQUIRE_FALSE(result);
  // And the sandbox still works.
  auto healthy = Sandbox().Call("calc", "add", {{"a", 2}, {"b", 3}}, context);
  REQUIRE(healthy);
  CHECK(*healthy == nlohmann::json{{"sum", 5}});
  return result.error();
}

}  // namespace

TEST_CASE("infinite loops, in coroutines and under pcall, hit the instruction budget") {
  for (const char* attack : {"loop", "loop_in_coroutine", "loop_in_resume", "loop_in_pcall",
                             "loop_in_tail_pcall", "loop_in_xpcall_handler"}) {
    auto error = Attack(attack);
    INFO(attack << ": " << error.Describe());
    CHECK(error.type == "LuaInstructionLimit");
    CHECK(error.non_retryable);
  }
}

TEST_CASE("finalizers, which run outside any budget, are refused") {
  auto error = Attack("loop_in_finalizer");
  CHECK(error.type == "LuaError");
  CHECK_THAT(error.message, Catch::Contains("__gc"));
}

TEST_CASE("C loops that would never return are bounded: string.rep of nothing, table.move") {
  LocalActivityContext context;
  // The result of repeating nothing is nothing, however many times: at once.
  auto empty = Sandbox().Call("hostile", "empty_rep", {}, context);
  REQUIRE(empty);
  CHECK(*empty == nlohmann::json{{"plain", ""}, {"method", ""}});
  auto separated = Attack("huge_rep_with_separator");
  CHECK_THAT(separated.message, Catch::Contains("too large"));
  auto moved = Attack("table_move");
  CHECK(moved.type == "LuaError");
  CHECK_THAT(moved.message, Catch::Contains("table.move moves at most 16777216 elements"));
}

TEST_CASE("memory bombs hit the memory cap") {
  for (const char* attack : {"memory_bomb", "memory_bomb_kept", "string_bomb"}) {
    auto error = Attack(attack);
    INFO(attack << ": " << error.Describe());
    CHECK(error.type == "LuaMemoryLimit");
  }
  // What the kept bomb hoarded in its module's globals was dropped with the module.
  CHECK(Sandbox().MemoryInUse() < 8 * 1024 * 1024);
}

TEST_CASE("a pattern that backtracks for ever in C is stopped by the instruction budget") {
  for (const char* attack :
       {"pattern_find", "pattern_match", "pattern_gmatch", "pattern_gsub", "pattern_in_pcall",
        "pattern_long_set", "pattern_long_backreference"}) {
    auto error = Attack(attack);
    INFO(attack << ": " << error.Describe());
    CHECK(error.type == "LuaInstructionLimit");
    CHECK(error.non_retryable);
  }
  LocalActivityContext context;
  auto usual = Sandbox().Call("hostile", "patterns_as_usual", {}, context);
  REQUIRE(usual);
  CHECK(*usual == nlohmann::json{{"n", 8000}, {"first", "key"}, {"replaced", 1000}});
}

namespace {

// Keeps what the activity logs.
class RecordingContext final : public LocalActivityContext {
 public:
  void Log(weft::activity::LogLevel level, std::string_view message) override {
    lines.emplace_back(level, std::string(message));
  }
  std::vector<std::pair<weft::activity::LogLevel, std::string>> lines;
};

}  // namespace

TEST_CASE("logging is bounded: 32 KiB a line, 1 MiB a call, then one warning") {
  RecordingContext flood;
  REQUIRE(Sandbox().Call("hostile", "log_flood", {}, flood));
  std::size_t bytes = 0;
  for (const auto& [level, line] : flood.lines) bytes += line.size();
  CHECK(bytes < 1024 * 1024 + 64 * 1024);
  REQUIRE(flood.lines.size() > 1);
  CHECK(flood.lines.size() < 40);
  CHECK(flood.lines.back().first == weft::activity::LogLevel::kWarn);
  CHECK_THAT(flood.lines.back().second, Catch::Contains("further lines are dropped"));
  CHECK_THAT(flood.lines.front().second, Catch::EndsWith("more bytes cut)"));

  RecordingContext long_line;
  REQUIRE(Sandbox().Call("hostile", "log_long_line", {}, long_line));
  REQUIRE(long_line.lines.size() == 1);
  const std::string& line = long_line.lines[0].second;
  CHECK(line.size() < 32 * 1024 + 64);
  // Cut between two characters of two bytes each: what is left is whole é's and the note.
  CHECK(line.find("é... (") == 32 * 1024 - 2);
  CHECK_THAT(line, Catch::EndsWith("... (69632 more bytes cut)"));
}

TEST_CASE("heartbeat details above the result limit are refused with an error naming the call") {
  auto error = Attack("heartbeat_too_large");
  INFO(error.Describe());
  CHECK_THAT(error.message, Catch::Contains("weft.heartbeat"));
  CHECK(error.type == "LuaInvalidResult");
  CHECK(error.non_retryable);
  LocalActivityContext context;
  CHECK(Sandbox().Call("hostile", "heartbeat_fits", {}, context) == nlohmann::json(true));
  CHECK(context.HeartbeatCount() == 1);
}

TEST_CASE("weft.json.decode builds its tree within the activity's memory and depth") {
  const std::size_t before = Sandbox().MemoryInUse();
  auto wide = Attack("json_decode_wide");
  INFO(wide.Describe());
  CHECK(wide.type == "LuaMemoryLimit");
  CHECK(wide.non_retryable);
  auto deep = Attack("json_decode_deep");
  CHECK(deep.type == "LuaError");
  CHECK_THAT(deep.message, Catch::Contains("nested deeper than 64 levels"));
  LocalActivityContext context;
  CHECK(Sandbox().Call("hostile", "json_decode_fits", {}, context) == nlohmann::json(true));
  CHECK(Sandbox().MemoryInUse() < before + 8 * 1024 * 1024);
}

TEST_CASE("io, os.execute, require, dofile, debug, collectgarbage are not there") {
  for (const char* attack :
       {"io", "os_execute", "os_getenv", "require", "dofile", "debug", "collectgarbage"}) {
    auto error = Attack(attack);
    INFO(attack << ": " << error.Describe());
    CHECK(error.type == "LuaError");
    CHECK_THAT(error.message, Catch::Contains("hostile.lua:"));
  }
}

TEST_CASE("no bytecode: no string.dump, not through the string metatable, no binary load") {
  CHECK_THAT(Attack("string_dump").message, Catch::Contains("dump"));
  CHECK_THAT(Attack("string_metatable").message, Catch::Contains("index a nil value"));
  CHECK_THAT(Attack("load_bytecode").message, Catch::Contains("binary"));
  LocalActivityContext context;
  CHECK(Sandbox().Call("hostile", "load_text_in_own_env", {}, context) == nlohmann::json(true));
}

TEST_CASE("results that are too large, too deep or not JSON are refused") {
  CHECK(Attack("huge_result").type == "LuaResultTooLarge");
  CHECK(Attack("deep_result").type == "LuaInvalidResult");
  CHECK(Attack("cyclic_result").type == "LuaInvalidResult");
  CHECK(Attack("function_result").type == "LuaInvalidResult");
}

TEST_CASE("deep recursion is a stack overflow, not a crash") {
  auto error = Attack("deep_recursion");
  CHECK((error.type == "LuaError" || error.type == "LuaMemoryLimit"));
  INFO(error.Describe());
  CHECK_THAT(error.message, Catch::Contains("stack overflow") || Catch::Contains("memory"));
}

TEST_CASE("one module cannot change the libraries another module sees") {
  LocalActivityContext context;
  REQUIRE(Sandbox().Call("hostile", "tamper_string", {}, context));
  CHECK(Sandbox().Call("hostile", "upper", {{"s", "a"}}, context) == nlohmann::json("tampered"));
  CHECK(Sandbox().RunSource("return string.upper('a')", "x", {}, context) == nlohmann::json("A"));
}

TEST_CASE("cancellation stops a running Lua activity") {
  LocalActivityContext context;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    context.Cancel();
  });
  LuaSandbox sandbox(
      {.module_dir = WEFT_LUA_TEST_MODULES, .limits = {.instructions = std::int64_t{1} << 60}});
  auto result = sandbox.Call("hostile", "loop_in_pcall", {}, context);
  canceller.join();
  REQUIRE_FALSE(result);
  CHECK(result.error().category == weft::activity::ErrorCategory::kCancelled);
}
