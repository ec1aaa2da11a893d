// ScaffoldWorkflow as a specification: the files it writes load as written, a name the loader
// refuses is refused before anything is written, an existing workflow is never overwritten, and
// Lua module names follow workflow names.
#include "agents/workflow_scaffold.h"

#include <catch2/catch.hpp>

#include "dsl/loader.h"
#include "tests/agents/temp_folder.h"

namespace {

using weft::agents::ScaffoldError;
using weft::agents::ScaffoldRequest;
using weft::agents::ScaffoldWorkflow;
using weft::testing::TempFolder;

ScaffoldRequest Request(const TempFolder& project, const std::string& name) {
  return {.name = name,
          .description = "Orders \"clothes\"",
          .lua_activity = true,
          .test = true,
          .workflows_dir = project.path() / "workflows",
          .activities_dir = project.path() / "activities",
          .tests_dir = project.path() / "tests/workflows"};
}

TEST_CASE("a scaffolded workflow loads as written, with its activity and its test") {
  TempFolder project;
  auto scaffold = ScaffoldWorkflow(Request(project, "order-clothes"));
  REQUIRE(scaffold);
  CHECK(scaffold->activity == "order_clothes.process");
  REQUIRE(scaffold->files.size() == 3);
  CHECK(scaffold->files.back().role == "workflow");  // last: it is the registration
  CHECK(project.Exists("activities/order_clothes.lua"));
  CHECK(project.Exists("tests/workflows/order-clothes.test.yaml"));
  auto loaded = weft::dsl::LoadDefinitionFile(project.path() / "workflows/order-clothes.yaml");
  REQUIRE(loaded);
  CHECK((*loaded)->name == "order-clothes");
  CHECK((*loaded)->description == "Orders \"clothes\"");
}

TEST_CASE("an existing workflow is never overwritten; a bad name writes nothing") {
  TempFolder project;
  REQUIRE(ScaffoldWorkflow(Request(project, "again")));
  const std::string before = project.Read("workflows/again.yaml");
  auto second = ScaffoldWorkflow(Request(project, "again"));
  REQUIRE_FALSE(second);
  CHECK(second.error().kind == ScaffoldError::Kind::kExists);
  CHECK(second.error().ExitCode() == 3);
  CHECK(project.Read("workflows/again.yaml") == before);

  CHECK(second.error().ToJson() == nlohmann::json{{"created", false},
                                                  {"error", "exists"},
                                                  {"message", second.error().message}});

  auto bad = ScaffoldWorkflow(Request(project, "Bad_Name"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ScaffoldError::Kind::kInvalidArgument);
  CHECK(bad.error().KindName() == "invalid_argument");
  CHECK(bad.error().ExitCode() == 2);
  CHECK(ScaffoldError{ScaffoldError::Kind::kIo, "disk full"}.ExitCode() == 1);
  CHECK_FALSE(project.Exists("workflows/Bad_Name.yaml"));
}

TEST_CASE("the text of a scaffold lists the files it created, then the numbered next steps") {
  const weft::agents::Scaffold scaffold{
      .name = "greet",
      .activity = "log",
      .files = {{"workflows/greet.yaml", "workflow"}},
      .next_steps = {"weft validate workflows/greet.yaml", "weft run greet"}};
  CHECK(scaffold.Text() ==
        "created workflows/greet.yaml (workflow)\n"
        "\nNext steps:\n"
        "  1. weft validate workflows/greet.yaml\n"
        "  2. weft run greet\n");
}

TEST_CASE("Lua module names follow workflow names") {
  CHECK(weft::agents::LuaModuleName("order-clothes") == "order_clothes");
  CHECK(weft::agents::LuaModuleName("a") == "a");
}

}  // namespace
