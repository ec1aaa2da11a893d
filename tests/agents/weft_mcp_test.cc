// Where `weft mcp`'s runs go: a Temporal server when given an address, else the project's
// journal, whose runs a background `weft resume` with the project's folders executes.
#include "agents/weft_mcp.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

using weft::agents::ProjectToolsOptions;

TEST_CASE("the project's runs go to its journal, run by a background engine with its folders") {
  const auto tools =
      ProjectToolsOptions({.workflows_dir = "flows", .activities_dir = "lua"}, {.address = ""});
  CHECK(tools.client.temporal.address.empty());
  CHECK(tools.client.embedded.journal == std::filesystem::absolute(".weft/journal.db"));
  CHECK(tools.client.embedded.workflows == "flows");
  REQUIRE(tools.client.embedded.background_engine);
  const auto& arguments = tools.client.embedded.background_engine->arguments;
  REQUIRE_FALSE(arguments.empty());
  CHECK(arguments.front() == "resume");
  const auto lua = std::ranges::find(arguments, "--lua-dir");
  REQUIRE(lua != arguments.end());
  CHECK(*std::next(lua) == std::filesystem::absolute("lua").string());
}

TEST_CASE("with an address, the tools reach that Temporal server") {
  const auto tools = ProjectToolsOptions({}, {.address = "temporal:7233", .namespace_name = "ops"});
  CHECK(tools.client.temporal.address == "temporal:7233");
  CHECK(tools.client.temporal.namespace_name == "ops");
}
