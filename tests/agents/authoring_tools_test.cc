// Authoring a project through the tools alone, in-process as the MCP server calls them
// (WeftTools, with AuthoringTools behind it): write_workflow, write_activity and write_test
// check before they write and write whole; validate_workflow checks text; a Lua module or a
// workflow file that does not load is listed as broken beside the ones that work; and a run
// that calls into a broken module fails that step with LuaModuleError, while the same engine
// runs the module once it is fixed, without a restart. Real files in a temporary folder; the
// runs execute on an embedded::Host in this test.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "activities/builtin_activities.h"
#include "agents/weft_tools.h"
#include "runtime/embedded/host.h"
#include "tests/agents/temp_folder.h"

namespace {

using nlohmann::json;
using weft::agents::ToolResult;
using weft::agents::WeftTools;
using weft::testing::TempFolder;

constexpr char kGreet[] = R"(dsl: 1
name: greet
input: {type: object, required: [who], properties: {who: {type: string}}}
steps:
  - id: shout
    call: loud.shout
    args: {text: '${ input.who }'}
    timeouts: {start_to_close: 10s}
    retry: {maximum_attempts: 1}
output: ${ steps.shout.result }
)";

constexpr char kLoud[] = R"(local M = {}
M.doc = {shout = {description = "Upper-cases text", input = {type = "object"}}}
function M.shout(input) return {text = string.upper(input.text)} end
return M
)";

struct Project {
  TempFolder folder;
  WeftTools tools;

  Project()
      : tools(
            [this] {
              return weft::agents::WeftToolsOptions{
                  .workflows_dir = folder.path() / "workflows",
                  .activities_dir = folder.path() / "activities",
                  .tests_dir = folder.path() / "tests/workflows",
                  .client = {.embedded = {.journal = folder.path() / "journal.db",
                                          .workflows = folder.path() / "workflows"}}};
            }(),
            [] {}) {
    tools.Rescan();
  }

  ToolResult Call(const std::string& name, json arguments) {
    auto result = tools.Call(name, arguments);
    REQUIRE(result);
    INFO(name << " answered " << result->value.dump());
    return *result;
  }

  // An engine over the project, as `weft resume` builds it: its Lua modules are looked at on
  // every call, so that the test needs no sleep.
  weft::embedded::Host Engine() {
    return weft::embedded::Host(
        {.journal = folder.path() / "journal.db",
         .workflows = folder.path() / "workflows",
         .make_registry = [this]()
             -> std::expected<std::unique_ptr<weft::activity::ActivityRegistry>, std::string> {
           auto registry = std::make_unique<weft::activity::ActivityRegistry>();
           auto done = weft::activities::RegisterAll(
               {.lua_dir = folder.path() / "activities",
                .lua_reload_check_interval = std::chrono::milliseconds(0)},
               *registry);
           if (!done) return std::unexpected(done.error().message);
           return registry;
         }});
  }

  json Run(weft::embedded::Host& engine, const json& input) {
    const ToolResult started = Call("greet", input);
    REQUIRE_FALSE(started.is_error);
    auto closed = engine.Drive(started.value["run_id"]);
    REQUIRE(closed);
    return Call("get_result", {{"workflow_id", started.value["workflow_id"]}}).value;
  }
};

}  // namespace

TEST_CASE("write_activity loads the module in the sandbox first, then writes it") {
  Project p;
  const ToolResult written = p.Call("write_activity", {{"module", "loud"}, {"lua", kLoud}});
  REQUIRE_FALSE(written.is_error);
  CHECK(written.value["activities"][0]["name"] == "loud.shout");
  CHECK(written.value["activities"][0]["description"] == "Upper-cases text");
  CHECK(p.folder.Read("activities/loud.lua") == kLoud);

  const ToolResult broken =
      p.Call("write_activity", {{"module", "loud"}, {"lua", "return { shout = function() end"}});
  CHECK(broken.is_error);
  CHECK(broken.value["failure"]["type"] == "LuaModuleError");
  CHECK_THAT(broken.value["error"].get<std::string>(), Catch::Contains("loud.lua:1:"));
  CHECK(p.folder.Read("activities/loud.lua") == kLoud);  // unchanged

  CHECK(p.Call("write_activity", {{"module", "no-dashes"}, {"lua", kLoud}}).is_error);
  CHECK(p.Call("write_activity", {{"module", "empty"}, {"lua", "return {}"}}).is_error);
  CHECK_FALSE(p.folder.Exists("activities/empty.lua"));
}

TEST_CASE("write_workflow validates first, writes whole, and serves the workflow as a tool") {
  Project p;
  // Before its activity exists, the call is refused: an unknown activity, and nothing written.
  ToolResult refused = p.Call("write_workflow", {{"yaml", kGreet}});
  REQUIRE(refused.is_error);
  CHECK(refused.value["files"][0]["diagnostics"][0]["code"] == "WEFT1206");
  CHECK_FALSE(p.folder.Exists("workflows/greet.yaml"));

  REQUIRE_FALSE(p.Call("write_activity", {{"module", "loud"}, {"lua", kLoud}}).is_error);
  const ToolResult checked = p.Call("validate_workflow", {{"yaml", kGreet}});
  CHECK_FALSE(checked.is_error);
  CHECK(checked.value["valid"] == true);
  CHECK_FALSE(p.folder.Exists("workflows/greet.yaml"));  // validating writes nothing

  const ToolResult written = p.Call("write_workflow", {{"yaml", kGreet}});
  REQUIRE_FALSE(written.is_error);
  CHECK(written.value["name"] == "greet");
  CHECK(written.value["replaced"] == false);
  CHECK(p.folder.Read("workflows/greet.yaml") == kGreet);
  bool tool = false;
  for (const auto& each : p.tools.Tools()) tool = tool || each.name == "greet";
  CHECK(tool);

  // A draft that does not validate is written only when asked, and listed as broken; the last
  // good version stays served.
  const std::string draft = std::string(kGreet) + "bogus: 1\n";
  CHECK(p.Call("write_workflow", {{"yaml", draft}}).is_error);
  CHECK(p.folder.Read("workflows/greet.yaml") == kGreet);
  const ToolResult kept = p.Call("write_workflow", {{"yaml", draft}, {"draft", true}});
  REQUIRE_FALSE(kept.is_error);
  CHECK(kept.value["valid"] == false);
  CHECK(p.folder.Read("workflows/greet.yaml") == draft);
  p.tools.Rescan();
  const ToolResult listed = p.Call("list_workflows", json::object());
  CHECK(listed.value["workflows"][0]["name"] == "greet");
  REQUIRE(listed.value["broken"].size() == 1);
  CHECK(listed.value["broken"][0]["diagnostics"][0]["code"] == "WEFT1102");
  CHECK(listed.value["broken"][0]["diagnostics"][0]["line"] == 11);
}

TEST_CASE("write_test checks the format, writes the cases and dry-runs them") {
  Project p;
  REQUIRE_FALSE(p.Call("write_activity", {{"module", "loud"}, {"lua", kLoud}}).is_error);
  REQUIRE_FALSE(p.Call("write_workflow", {{"yaml", kGreet}}).is_error);
  const std::string cases =
      "workflow: greet\ncases:\n  - name: shouts\n    input: {who: ada}\n    mocks:\n"
      "      shout: {result: {text: ADA}}\n    expect: {output: {text: ADA}}\n";
  const ToolResult written = p.Call("write_test", {{"workflow", "greet"}, {"yaml", cases}});
  REQUIRE_FALSE(written.is_error);
  CHECK(written.value["passed"] == true);
  CHECK(p.folder.Read("tests/workflows/greet.test.yaml") == cases);

  const ToolResult refused =
      p.Call("write_test", {{"workflow", "greet"}, {"yaml", "workflow: greet\ncasez: []\n"}});
  CHECK(refused.is_error);
  CHECK(refused.value["diagnostics"][0]["code"] == "WEFT1102");
  CHECK(p.folder.Read("tests/workflows/greet.test.yaml") == cases);
}

TEST_CASE(
    "a broken Lua module is listed beside the good ones, fails only the runs that call "
    "it, and is served once fixed, by the same engine") {
  Project p;
  REQUIRE_FALSE(p.Call("write_activity", {{"module", "loud"}, {"lua", kLoud}}).is_error);
  REQUIRE_FALSE(p.Call("write_workflow", {{"yaml", kGreet}}).is_error);
  p.folder.Write("activities/other.lua", "return { fine = function() return 1 end }\n");
  // Broken behind the tools' back, as an editor would leave it.
  p.folder.Write("activities/loud.lua", "local M = {\nreturn M\n");

  const ToolResult listed = p.Call("list_activities", json::object());
  REQUIRE(listed.value["broken"].size() == 1);
  CHECK(listed.value["broken"][0]["module"] == "loud");
  CHECK(listed.value["broken"][0]["error"]["type"] == "LuaModuleError");
  CHECK_THAT(listed.value["broken"][0]["error"]["message"].get<std::string>(),
             Catch::StartsWith("loud.lua:"));
  bool other = false;
  for (const auto& activity : listed.value["activities"]) other |= activity["name"] == "other.fine";
  CHECK(other);

  weft::embedded::Host engine = p.Engine();
  const json failed = p.Run(engine, {{"who", "ada"}});
  CHECK(failed["status"] == "failed");
  CHECK_THAT(failed["failure"].dump(), Catch::Contains("LuaModuleError"));

  p.folder.Write("activities/loud.lua", kLoud);
  const json fixed = p.Run(engine, {{"who", "ada"}});
  CHECK(fixed["status"] == "completed");
  CHECK(fixed["result"] == json{{"text", "ADA"}});
  CHECK_FALSE(p.Call("list_activities", json::object()).value.contains("broken"));
}
