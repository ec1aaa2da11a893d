// Where `weft mcp`'s runs go: a Temporal server when given an address, else the project's
// journal, whose runs a background `weft resume` with the project's folders executes. Serving
// enters the project folder first, and refuses one it cannot enter. (The protocol itself is
// mcp_test's, over the real binary.)
#include "agents/weft_mcp.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

using weft::agents::ProjectToolsOptions;
using weft::agents::ServeWeftMcp;

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

TEST_CASE("serving enters the project folder first, and ends with its input") {
  const auto before = std::filesystem::current_path();
  const auto project = std::filesystem::temp_directory_path() / "weft-mcp-project";
  std::filesystem::create_directories(project / "workflows");
  const auto project_path = std::filesystem::canonical(project);
  std::istringstream in;  // no request: the server ends at once
  std::ostringstream out;
  auto served = ServeWeftMcp({.directory = project}, "test", in, out);
  const auto entered = std::filesystem::current_path();
  std::filesystem::current_path(before);
  std::filesystem::remove_all(project);
  CHECK(served);
  CHECK(entered == project_path);
}

TEST_CASE("a project folder that cannot be entered is refused before anything is served") {
  std::istringstream in;
  std::ostringstream out;
  auto served = ServeWeftMcp({.directory = "/nonexistent/project"}, "test", in, out);
  REQUIRE_FALSE(served);
  CHECK(served.error() == "cannot enter /nonexistent/project: No such file or directory");
  CHECK(out.str().empty());
}
