// Plugins: the example plugin (examples/plugin) loads and its activities run through the
// registry like any other; broken plugins are refused with an error that says why.

#include "runtime/activity/plugin_loader.h"

#include <catch2/catch.hpp>

#include "runtime/activity/activity_context.h"

using weft::activity::ActivityRegistry;
using weft::activity::LoadPlugin;
using weft::activity::LocalActivityContext;

namespace {

std::string Plugin(const std::string& name) {
  return std::string(WEFT_PLUGIN_DIR) + "/libweft_example_" + name + ".so";
}

}  // namespace

TEST_CASE("the example plugin registers its activities, which run with their context") {
  ActivityRegistry registry;
  auto names = LoadPlugin(Plugin("greeting_plugin"), registry);
  REQUIRE(names);
  CHECK(*names == std::vector<std::string>{"example.greet", "example.fail"});
  const auto* greet = registry.Find("example.greet");
  REQUIRE(greet != nullptr);
  CHECK(greet->description == "Greets someone by name");
  CHECK((*greet->input_schema)["required"] == nlohmann::json{"name"});
  CHECK(greet->origin == Plugin("greeting_plugin"));

  LocalActivityContext context({.attempt = 3});
  auto result = registry.Execute("example.greet", {{"name", "Ada"}}, context);
  REQUIRE(result);
  CHECK(*result == nlohmann::json{{"greeting", "Hello, Ada!"}, {"attempt", 3}});
  CHECK(context.LastHeartbeat() == nlohmann::json{{"greeting", "started"}});

  auto invalid = registry.Execute("example.greet", nlohmann::json::object(), context);
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().type == "InvalidInput");
  CHECK(invalid.error().non_retryable);
}

TEST_CASE("a plugin's typed error keeps its type, details and retry delay") {
  ActivityRegistry registry;
  REQUIRE(LoadPlugin(Plugin("greeting_plugin"), registry));
  LocalActivityContext context;
  auto result = registry.Execute("example.fail", {{"type", "QuotaExceeded"}}, context);
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "QuotaExceeded");
  CHECK(result.error().details == nlohmann::json{{"from", "plugin"}});
  CHECK(result.error().next_retry_delay == std::chrono::milliseconds(2500));
  CHECK_FALSE(result.error().non_retryable);
}

TEST_CASE("loading the same plugin twice is a duplicate-name error") {
  ActivityRegistry registry;
  REQUIRE(LoadPlugin(Plugin("greeting_plugin"), registry));
  auto again = LoadPlugin(Plugin("greeting_plugin"), registry);
  REQUIRE_FALSE(again);
  CHECK(again.error().type == "PluginError");
  CHECK_THAT(again.error().message, Catch::Contains("already registered"));
}

TEST_CASE("broken plugins are refused, each with its reason") {
  ActivityRegistry registry;
  auto wrong_abi = LoadPlugin(Plugin("wrong_abi_plugin"), registry);
  REQUIRE_FALSE(wrong_abi);
  CHECK(wrong_abi.error().type == "PluginError");
  CHECK_THAT(wrong_abi.error().message,
             Catch::Contains("ABI version 42") && Catch::Contains("speaks version 1"));

  auto no_entry = LoadPlugin(Plugin("no_entry_point_plugin"), registry);
  REQUIRE_FALSE(no_entry);
  CHECK_THAT(no_entry.error().message,
             Catch::Contains("not a weft plugin") && Catch::Contains("weft_plugin_register"));

  auto not_a_library = LoadPlugin(WEFT_NOT_A_LIBRARY, registry);
  REQUIRE_FALSE(not_a_library);
  CHECK_THAT(not_a_library.error().message, Catch::Contains("cannot be loaded"));

  auto missing = LoadPlugin("/nonexistent/libnothing.so", registry);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("/nonexistent/libnothing.so"));
  CHECK(registry.List().empty());
}
