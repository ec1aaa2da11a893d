// `weft activities`, run as a user runs it: every built-in, every plugin activity and every Lua
// module function is listed with its description and input schema; a bad plugin stops it with
// a clear message.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/subprocess.h"

using weft::testing::RunProcess;
using weft::testing::WeftBinary;

namespace {

const std::string kPlugin = std::string(WEFT_PLUGIN_DIR) + "/libweft_example_greeting_plugin.so";

nlohmann::json Find(const nlohmann::json& list, const std::string& name) {
  for (const auto& item : list) {
    if (item["name"] == name) return item;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("weft activities --json lists built-ins, plugins and Lua modules") {
  auto result = RunProcess(
      {WeftBinary(), "activities", "--json", "--plugin", kPlugin, "--lua-dir", WEFT_LUA_DIR});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto list = nlohmann::json::parse(result.out);
  for (const char* name : {"http.request", "llm.chat", "log", "sleep", "json.parse",
                           "json.stringify", "json.merge", "lua.inline"}) {
    INFO(name);
    auto item = Find(list, name);
    REQUIRE(item.is_object());
    CHECK(item["source"] == "builtin");
    CHECK(item["input_schema"].is_object());
  }
  auto greet = Find(list, "example.greet");
  REQUIRE(greet.is_object());
  CHECK(greet["source"] == "plugin");
  CHECK(greet["description"] == "Greets someone by name");
  CHECK(greet["input_schema"]["required"] == nlohmann::json{"name"});
  auto slug = Find(list, "text.slug");
  REQUIRE(slug.is_object());
  CHECK(slug["source"] == "lua");
  CHECK(slug["input_schema"]["required"] == nlohmann::json{"text"});
  // Sorted by name.
  for (std::size_t i = 1; i < list.size(); ++i) CHECK(list[i - 1]["name"] < list[i]["name"]);
}

TEST_CASE("weft activities prints one line per activity, then its input schema") {
  auto result = RunProcess({WeftBinary(), "activities", "--lua-dir", WEFT_LUA_DIR});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("http.request") && Catch::Contains("builtin") &&
                             Catch::Contains("text.words") && Catch::Contains("input: {"));
}

TEST_CASE("weft activities refuses a plugin that is not a shared library, saying why") {
  auto result = RunProcess({WeftBinary(), "activities", "--plugin", WEFT_LUA_DIR "/text.lua"});
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("text.lua") && Catch::Contains("cannot be loaded"));
}
