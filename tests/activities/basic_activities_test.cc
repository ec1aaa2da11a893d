// log, sleep and the JSON helpers, through the registry as a workflow calls them.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "activities/builtin_activities.h"
#include "runtime/activity/activity_context.h"

using weft::activity::ActivityRegistry;
using weft::activity::LocalActivityContext;

namespace {

const ActivityRegistry& Builtins() {
  static ActivityRegistry registry;
  static bool registered = [] {
    return weft::activities::RegisterBuiltins(registry).has_value();
  }();
  REQUIRE(registered);
  return registry;
}

}  // namespace

TEST_CASE("every built-in declares a description and an input schema") {
  for (const char* name :
       {"http.request", "llm.chat", "log", "sleep", "json.parse", "json.stringify", "json.merge"}) {
    const auto* definition = Builtins().Find(name);
    INFO(name);
    REQUIRE(definition != nullptr);
    CHECK_FALSE(definition->description.empty());
    CHECK(definition->input_schema.has_value());
  }
}

TEST_CASE("sleep waits, heartbeating, and stops when cancelled") {
  LocalActivityContext context;
  auto done = Builtins().Execute("sleep", {{"seconds", 0.2}, {"heartbeat_seconds", 0.05}}, context);
  REQUIRE(done);
  CHECK((*done)["slept_ms"] >= 200);
  CHECK(context.HeartbeatCount() >= 3);

  LocalActivityContext cancelled;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancelled.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  auto stopped = Builtins().Execute("sleep", {{"seconds", 30}}, cancelled);
  canceller.join();
  REQUIRE_FALSE(stopped);
  CHECK(stopped.error().category == weft::activity::ErrorCategory::kCancelled);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("json.parse, json.stringify and json.merge") {
  LocalActivityContext context;
  CHECK(Builtins().Execute("json.parse", {{"text", R"({"a": [1, {}]})"}}, context) ==
        nlohmann::json::parse(R"({"a": [1, {}]})"));
  auto bad = Builtins().Execute("json.parse", {{"text", "{oops"}}, context);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().type == "JsonParseError");
  CHECK(Builtins().Execute("json.stringify", {{"value", {{"b", 1}, {"a", nullptr}}}}, context) ==
        nlohmann::json(R"({"a":null,"b":1})"));
  auto merged = Builtins().Execute(
      "json.merge",
      {{"values", {{{"a", {{"x", 1}, {"y", 1}}}, {"keep", true}}, {{"a", {{"y", 2}}}}}}}, context);
  REQUIRE(merged);
  CHECK(*merged == nlohmann::json::parse(R"({"a": {"x": 1, "y": 2}, "keep": true})"));
}

TEST_CASE("log accepts a message and a level and returns null") {
  LocalActivityContext context;
  CHECK(Builtins().Execute("log", {{"message", "hello"}, {"level", "warn"}}, context) ==
        nlohmann::json());
  CHECK(Builtins().Execute("log", {{"level", "warn"}}, context).error().type == "InvalidInput");
}

TEST_CASE("the shipped Lua module text.lua: slug, words, template") {
  ActivityRegistry registry;
  REQUIRE(weft::activities::RegisterAll({.lua_dir = WEFT_ACTIVITIES_DIR}, registry));
  LocalActivityContext context;
  CHECK(registry.Execute("text.slug", {{"text", "  Hello, World! 2026 "}}, context) ==
        nlohmann::json{{"slug", "hello-world-2026"}});
  CHECK(registry.Execute("text.words", {{"text", "a  b\tc"}}, context) ==
        nlohmann::json::parse(R"({"words": ["a", "b", "c"], "count": 3})"));
  CHECK(registry.Execute("text.words", {{"text", ""}}, context) ==
        nlohmann::json::parse(R"({"words": [], "count": 0})"));
  CHECK(
      registry.Execute("text.template",
                       {{"template", "Dear {name}, #{n}"}, {"values", {{"name", "Ada"}, {"n", 3}}}},
                       context) == nlohmann::json{{"text", "Dear Ada, #3"}});
  auto missing = registry.Execute(
      "text.template", {{"template", "{who}"}, {"values", nlohmann::json::object()}}, context);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().type == "TemplateMissingValue");
  CHECK(missing.error().details == nlohmann::json{{"name", "who"}});
}

TEST_CASE("ListKnownActivities is what `weft validate` checks calls against") {
  auto known = weft::activities::ListKnownActivities({.lua_dir = WEFT_ACTIVITIES_DIR});
  REQUIRE(known);
  CHECK(known->names.contains("http.request"));
  CHECK(known->names.contains("text.slug"));
  CHECK(known->names.contains("lua.inline"));
  CHECK_FALSE(known->names.contains("text.nope"));
  CHECK(known->broken_modules.empty());
  auto bad = weft::activities::ListKnownActivities({.plugins = {"/nonexistent/lib.so"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().type == "PluginError");
}

TEST_CASE("a Lua module that does not load is known as broken, with its file and error") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("weft-known-activities-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "good.lua") << "local M = {}\nfunction M.ok() return 1 end\nreturn M\n";
  std::ofstream(dir / "broken.lua") << "local M = {\nfunction M.x() end\n";
  auto known = weft::activities::ListKnownActivities({.lua_dir = dir});
  std::filesystem::remove_all(dir);
  REQUIRE(known);
  CHECK(known->names.contains("good.ok"));
  REQUIRE(known->broken_modules.contains("broken"));
  CHECK_THAT(known->broken_modules.at("broken"),
             Catch::Contains("broken.lua: ") && Catch::Contains("broken.lua:2:"));
}

TEST_CASE("a project's registry: built-ins, then the Lua modules of the folder given") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("weft-project-registry-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "shop.lua") << "local M = {}\nfunction M.price() return 3 end\nreturn M\n";
  auto registry = weft::activities::BuildProjectRegistry({}, dir.string());
  REQUIRE(registry);
  CHECK((*registry)->Names().contains("shop.price"));
  CHECK((*registry)->Names().contains("http.request"));
  registry->reset();  // its Lua modules are served from the folder until it goes
  std::filesystem::remove_all(dir);

  auto bad = weft::activities::BuildProjectRegistry({"/nonexistent/lib.so"}, "");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().type == "PluginError");
}
