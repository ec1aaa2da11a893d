// `weft new`, the add-temporal-workflow scaffolder, run as an agent runs it: the files it writes
// validate with the real `weft validate`, its Lua activity runs, it refuses to overwrite and
// refuses bad names with exit codes a script can trust.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "runtime/activity/activity_context.h"
#include "runtime/activity/activity_registry.h"
#include "tests/agents/temp_folder.h"
#include "tests/support/subprocess.h"

using weft::testing::ProcessResult;
using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::WeftBinary;

namespace {

// `weft new` with every folder inside `project`, as if run from its root.
ProcessResult New(const TempFolder& project, std::vector<std::string> arguments) {
  std::vector<std::string> argv = {WeftBinary(),   "new",
                                   "--workflows",  project / "workflows",
                                   "--activities", project / "activities",
                                   "--tests",      project / "tests/workflows"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return RunProcess(argv);
}

// `weft validate --json`, with the project's Lua activities when it has any.
ProcessResult Validate(const TempFolder& project, const std::string& file) {
  std::vector<std::string> argv = {WeftBinary(), "validate", "--json"};
  if (project.Exists("activities")) argv.insert(argv.end(), {"--lua-dir", project / "activities"});
  argv.push_back(file);
  return RunProcess(argv);
}

}  // namespace

TEST_CASE("weft new writes a workflow that validates as written and says what to do next") {
  TempFolder project;
  auto made = New(project, {"order-clothes", "--description", "Charges: \"quotes\" and # too"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  CHECK_THAT(made.out, Catch::Contains("created " + (project / "workflows/order-clothes.yaml")));
  CHECK_THAT(made.out, Catch::Contains("Next steps:") && Catch::Contains("weft validate") &&
                           Catch::Contains("weft run order-clothes") &&
                           Catch::Contains("weft start order-clothes"));
  CHECK_FALSE(project.Exists("activities/order_clothes.lua"));
  CHECK_FALSE(project.Exists("tests/workflows/order-clothes.test.yaml"));

  auto validated = Validate(project, project / "workflows/order-clothes.yaml");
  INFO(validated.out);
  REQUIRE(validated.exit_code == 0);
  const auto report = nlohmann::json::parse(validated.out);
  CHECK(report["files"][0]["name"] == "order-clothes");
  // The description arrives as given, whatever YAML would make of it unquoted.
  CHECK_THAT(project.Read("workflows/order-clothes.yaml"),
             Catch::Contains(R"(description: "Charges: \"quotes\" and # too")"));
  // No temporary file is left beside it for a catalog to pick up.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(project / "workflows")) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("weft new --activity lua --test writes a Lua activity the workflow calls, and tests") {
  TempFolder project;
  auto made = New(project, {"send-invoice", "--activity", "lua", "--test", "--json"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const auto out = nlohmann::json::parse(made.out);
  CHECK(out["created"] == true);
  CHECK(out["activity"] == "send_invoice.process");
  REQUIRE(out["files"].size() == 3);
  CHECK(out["files"][2]["role"] == "workflow");  // written last: see workflow_scaffold.h
  CHECK(out["next_steps"].size() >= 4);

  // The Lua module name is valid (letters, digits, _), and the workflow calls its activity.
  REQUIRE(project.Exists("activities/send_invoice.lua"));
  REQUIRE(project.Exists("tests/workflows/send-invoice.test.yaml"));
  CHECK_THAT(project.Read("workflows/send-invoice.yaml"),
             Catch::Contains("call: send_invoice.process"));
  CHECK_THAT(project.Read("tests/workflows/send-invoice.test.yaml"),
             Catch::Contains("workflow: \"../../workflows/send-invoice.yaml\""));
  auto validated = Validate(project, project / "workflows/send-invoice.yaml");
  INFO(validated.out);
  CHECK(validated.exit_code == 0);
  // Without the module, the same file is an unknown activity: the check above is real.
  auto without = RunProcess({WeftBinary(), "validate", "--json", "--lua-dir", project / "tests",
                             project / "workflows/send-invoice.yaml"});
  CHECK(without.exit_code == 1);
  CHECK_THAT(without.out, Catch::Contains("WEFT1206"));

  // The activity works: run it through the registry a worker would build.
  weft::activity::ActivityRegistry registry;
  REQUIRE(weft::activities::RegisterAll({.lua_dir = project.path() / "activities"}, registry));
  weft::activity::LocalActivityContext context;
  auto result = registry.Execute("send_invoice.process", {{"message", "hello"}}, context);
  REQUIRE(result.has_value());
  CHECK(*result == nlohmann::json{{"message", "hello"}, {"length", 5}});
}

TEST_CASE("weft new refuses to overwrite, writes nothing, and exits 3") {
  TempFolder project;
  REQUIRE(New(project, {"daily-report"}).exit_code == 0);
  const std::string edited = "# edited by hand\n" + project.Read("workflows/daily-report.yaml");
  project.Write("workflows/daily-report.yaml", edited);

  auto again = New(project, {"daily-report", "--activity", "lua", "--test"});
  CHECK(again.exit_code == 3);
  CHECK_THAT(again.err, Catch::Contains("daily-report.yaml already exists") &&
                            Catch::Contains("never overwrites"));
  CHECK(project.Read("workflows/daily-report.yaml") == edited);
  // The refusal comes before any file is written.
  CHECK_FALSE(project.Exists("activities/daily_report.lua"));
  CHECK_FALSE(project.Exists("tests/workflows/daily-report.test.yaml"));

  // An existing activity module is refused too, with the workflow left unwritten.
  project.Write("activities/weekly_report.lua", "return {}\n");
  auto clash = New(project, {"weekly-report", "--activity", "lua", "--json"});
  CHECK(clash.exit_code == 3);
  CHECK(nlohmann::json::parse(clash.out)["error"] == "exists");
  CHECK_FALSE(project.Exists("workflows/weekly-report.yaml"));
}

TEST_CASE("weft new refuses names the loader would refuse, saying why, with exit code 2") {
  TempFolder project;
  const std::vector<std::string> names = {"Order", "order_clothes", "9lives", "../escape",
                                          "a b",   "x:\n  y",       "",       std::string(64, 'a')};
  for (const std::string& name : names) {
    INFO(name);
    auto result = New(project, {"--", name});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("invalid workflow name"));
  }
  CHECK_FALSE(project.Exists("workflows"));
  CHECK(New(project, {std::string(63, 'a')}).exit_code == 0);
  CHECK(New(project, {"bad", "--activity", "python"}).exit_code != 0);
}
