// The Lua sandbox as activity authors see it: modules in a directory, JSON in and out without
// losing null, empty arrays or integers, typed errors with file:line, the weft module, reload
// on change, inline chunks.

#include "runtime/lua/lua_sandbox.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/activity/activity_context.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/lua/lua_activities.h"

using weft::activity::ActivityRegistry;
using weft::activity::LocalActivityContext;
using weft::lua::LuaActivities;
using weft::lua::LuaSandbox;
using weft::lua::LuaSandboxOptions;

namespace {

LuaSandboxOptions TestModules() { return {.module_dir = WEFT_LUA_TEST_MODULES}; }

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("a Lua function is an activity: JSON in, JSON out") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context;
  auto result = sandbox.Call("calc", "add", {{"a", 1}, {"b", 41}}, context);
  REQUIRE(result);
  CHECK(*result == nlohmann::json{{"sum", 42}});
}

TEST_CASE("JSON survives the trip through Lua: null, empty array vs object, exact integers") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context;
  auto input = nlohmann::json::parse(R"({"n": null, "empty_array": [], "empty_object": {},
      "big": 9007199254740993, "nested": {"list": [1, 2.5, "x", true, null, []]}})");
  auto echoed = sandbox.Call("calc", "echo", input, context);
  REQUIRE(echoed);
  CHECK(*echoed == input);
  CHECK((*echoed)["big"].is_number_integer());
  auto kinds = sandbox.Call("calc", "kinds", input, context);
  REQUIRE(kinds);
  CHECK((*kinds)["null_is_sentinel"] == true);
  CHECK((*kinds)["empty_array_is_array"] == true);
  CHECK((*kinds)["empty_object_is_array"] == false);
  CHECK((*kinds)["big_is_integer"] == true);
  CHECK((*kinds)["big_plus_one"] == 9007199254740994LL);
}

TEST_CASE("a Lua runtime error is a LuaError that names file and line") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context;
  auto plain = sandbox.Call("calc", "fail_plain", {}, context);
  REQUIRE_FALSE(plain);
  CHECK(plain.error().type == "LuaError");
  CHECK(plain.error().message == "calc.lua:28: something broke");
  CHECK_THAT(plain.error().stack_trace, Catch::Contains("calc.lua:28"));
  auto nil_index = sandbox.Call("calc", "nil_index", {}, context);
  REQUIRE_FALSE(nil_index);
  CHECK_THAT(nil_index.error().message, Catch::StartsWith("calc.lua:37: attempt to index"));
  auto undefined = sandbox.Call("calc", "undefined_global", {}, context);
  REQUIRE_FALSE(undefined);
  CHECK_THAT(undefined.error().message,
             Catch::Contains("calc.lua:52:") && Catch::Contains("some_undefined_name"));
}

TEST_CASE("error({type=...}) is a typed error that catch and retry policies can match") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context;
  auto result = sandbox.Call("calc", "fail_typed", {}, context);
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "PaymentDeclined");
  CHECK(result.error().message == "card refused");
  CHECK(result.error().details == nlohmann::json{{"code", 51}});
  CHECK(result.error().non_retryable);
}

TEST_CASE("weft.heartbeat and weft.log reach the activity's context") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context;
  auto result = sandbox.Call("calc", "heartbeat", {{"times", 3}}, context);
  REQUIRE(result);
  CHECK(context.HeartbeatCount() == 3);
  CHECK(context.LastHeartbeat() == nlohmann::json{{"done", 3}});
}

TEST_CASE("weft.info gives the attempt the engine is running") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context(
      {.activity_type = "calc.whoami", .workflow_id = "wf-7", .attempt = 3});
  auto result = sandbox.Call("calc", "whoami", {}, context);
  REQUIRE(result);
  CHECK(*result == nlohmann::json{{"attempt", 3}, {"workflow", "wf-7"}, {"type", "calc.whoami"}});
}

TEST_CASE("weft.json encodes and decodes keeping arrays and null") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context;
  auto result = sandbox.Call("calc", "json_round_trip", {}, context);
  REQUIRE(result);
  CHECK(nlohmann::json::parse((*result)["text"].get<std::string>()) ==
        nlohmann::json::parse(R"({"list": [], "n": null, "x": 1})"));
  CHECK((*result)["back"] == nlohmann::json::parse(R"({"a": [1, 2, {}], "b": null})"));
}

TEST_CASE("math.random is deterministic for a fresh sandbox") {
  LocalActivityContext context;
  LuaSandbox first(TestModules());
  LuaSandbox second(TestModules());
  auto a = first.Call("calc", "random", {}, context);
  auto b = second.Call("calc", "random", {}, context);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == *b);
}

TEST_CASE("a module keeps its globals between calls until its file changes") {
  auto dir = std::filesystem::temp_directory_path() / "weft-lua-reload-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteFile(dir / "m.lua", "return { v = function() return 1 end }\n");
  LuaSandbox sandbox({.module_dir = dir, .reload_check_interval = std::chrono::milliseconds(0)});
  LocalActivityContext context;
  REQUIRE(sandbox.Call("m", "v", {}, context) == nlohmann::json(1));
  // A different size is a change even within the file system's time resolution.
  WriteFile(dir / "m.lua", "return { v = function() return 22 end }\n");
  CHECK(sandbox.Call("m", "v", {}, context) == nlohmann::json(22));
  WriteFile(dir / "m.lua", "return { v = function() return end\n");
  auto broken = sandbox.Call("m", "v", {}, context);
  REQUIRE_FALSE(broken);
  // A module that does not load has its own type, so that it is told from an error it raised.
  CHECK(broken.error().type == "LuaModuleError");
  CHECK_FALSE(broken.error().non_retryable);
  CHECK_THAT(broken.error().message, Catch::StartsWith("m.lua:2:"));
  CHECK(broken.error().details["file"] == (dir / "m.lua").string());
  std::filesystem::remove(dir / "m.lua");
  auto gone = sandbox.Call("m", "v", {}, context);
  REQUIRE_FALSE(gone);
  CHECK(gone.error().type == "LuaModuleNotFound");
  std::filesystem::remove_all(dir);
}

TEST_CASE("inline source runs in the same sandbox with `input`") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context;
  auto result = sandbox.RunSource("return {twice = input.x * 2, same = select(1, ...) == input}",
                                  "step.lua", {{"x", 21}}, context);
  REQUIRE(result);
  CHECK(*result == nlohmann::json{{"twice", 42}, {"same", true}});
  auto error = sandbox.RunSource("local y = 1\nerror('bad ' .. input.x)", "wf.yaml#step",
                                 {{"x", 1}}, context);
  REQUIRE_FALSE(error);
  CHECK(error.error().message == "wf.yaml#step:2: bad 1");
  // Each run has its own globals.
  REQUIRE(sandbox.RunSource("leak = 1 return true", "a", {}, context));
  auto fresh = sandbox.RunSource("return rawget(_G, 'leak') == nil", "b", {}, context);
  CHECK(fresh == nlohmann::json(true));
}

TEST_CASE("load takes one to four arguments as Lua's does; text chunks only") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context;
  // Three arguments failed with "bad argument #4" (issue 18, D9).
  for (const char* call :
       {"load('return 7')", "load('return 7', 'n')", "load('return 7', 'n', 't')",
        "load('return 7', 'n', 't', {})", "load('return 7', 'n', nil, nil)"}) {
    INFO(call);
    auto result = sandbox.RunSource(std::string("return (") + call + ")()", "s", {}, context);
    INFO((result ? std::string() : result.error().message));
    CHECK(result == nlohmann::json(7));
  }
  // The environment given is the chunk's.
  CHECK(sandbox.RunSource("return load('return x', 'n', 't', {x = 3})()", "s", {}, context) ==
        nlohmann::json(3));
}

TEST_CASE("an input nested deeper than the limit is InvalidInput, not retried") {
  LuaSandbox sandbox(TestModules());
  LocalActivityContext context;
  nlohmann::json deep = 1;
  for (int level = 0; level < 65; ++level) deep = nlohmann::json::array({deep});
  auto refused = sandbox.RunSource("return 1", "s", deep, context);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().type == "InvalidInput");
  CHECK(refused.error().non_retryable);
  CHECK_THAT(refused.error().message, Catch::Contains("nested deeper than 64 levels"));
  // 64 levels are taken.
  nlohmann::json deepest = 1;
  for (int level = 0; level < 64; ++level) deepest = nlohmann::json::array({deepest});
  CHECK(sandbox.RunSource("return 1", "s", deepest, context) == nlohmann::json(1));
}

TEST_CASE("LuaActivities registers module.function names with their docs") {
  ActivityRegistry registry;
  auto lua = LuaActivities::Create(TestModules());
  auto names = lua->RegisterAll(registry);
  REQUIRE(names);
  const auto* add = registry.Find("calc.add");
  REQUIRE(add != nullptr);
  CHECK(add->description == "Adds a and b");
  REQUIRE(add->input_schema);
  CHECK((*add->input_schema)["required"] == nlohmann::json{"a", "b"});
  CHECK(registry.Find("calc.echo")->description == "Returns its input");
  CHECK(registry.Find("calc.doc") == nullptr);
  CHECK(registry.Find("hostile.loop") != nullptr);
  LocalActivityContext context;
  CHECK(registry.Execute("calc.add", {{"a", 1}, {"b", 2}}, context) == nlohmann::json{{"sum", 3}});
  CHECK(registry.Execute("lua.inline", {{"source", "return input + 1"}, {"input", 1}}, context) ==
        nlohmann::json(2));
}

TEST_CASE(
    "a module that does not load is reported; the others serve; a fix or a new module "
    "is served without registering again") {
  auto dir = std::filesystem::temp_directory_path() / "weft-lua-broken-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteFile(dir / "good.lua", "return { one = function() return 1 end }\n");
  WriteFile(dir / "bad.lua", "return { two = function() return 2 end\n");
  ActivityRegistry registry;
  auto lua = LuaActivities::Create({.module_dir = dir, .reload_check_interval = {}});
  auto registered = lua->RegisterAll(registry);
  REQUIRE(registered);
  CHECK(registered->names == std::vector<std::string>{"lua.inline", "good.one"});
  REQUIRE(registered->broken.size() == 1);
  CHECK(registered->broken[0].module == "bad");
  CHECK(registered->broken[0].file == dir / "bad.lua");
  CHECK(registered->broken[0].error.type == "LuaModuleError");
  CHECK_THAT(registered->broken[0].error.message, Catch::StartsWith("bad.lua:2:"));

  LocalActivityContext context;
  CHECK(registry.Execute("good.one", {}, context) == nlohmann::json(1));
  // A call into the broken module fails with its load error, retryable, not ActivityNotFound.
  CHECK(registry.Serves("bad.two"));
  auto broken = registry.Execute("bad.two", {}, context);
  REQUIRE_FALSE(broken);
  CHECK(broken.error().type == "LuaModuleError");
  CHECK_FALSE(broken.error().non_retryable);

  WriteFile(dir / "bad.lua", "return { two = function() return 2 end }\n");
  CHECK(registry.Execute("bad.two", {}, context) == nlohmann::json(2));
  WriteFile(dir / "later.lua", "return { three = function() return 3 end }\n");
  CHECK(registry.Serves("later.three"));
  CHECK(registry.Execute("later.three", {}, context) == nlohmann::json(3));
  CHECK_FALSE(registry.Serves("nowhere.four"));
  CHECK(registry.Execute("nowhere.four", {}, context).error().type == "ActivityNotFound");
  CHECK_FALSE(registry.Serves("../etc.passwd"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("each thread gets its own sandbox") {
  ActivityRegistry registry;
  auto lua = LuaActivities::Create(TestModules());
  REQUIRE(lua->RegisterAll(registry));
  LocalActivityContext context;
  REQUIRE(registry.Execute("calc.counter", {}, context) == nlohmann::json(1));
  REQUIRE(registry.Execute("calc.counter", {}, context) == nlohmann::json(2));
  nlohmann::json other;
  std::thread worker([&] {
    LocalActivityContext worker_context;
    other = *registry.Execute("calc.counter", {}, worker_context);
  });
  worker.join();
  CHECK(other == nlohmann::json(1));
}
