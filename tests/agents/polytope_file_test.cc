// polytope.yml, held to the `tools:` format of Polytope as docs/agents.md#the-tools-format
// records it (the keys a tool and a step may have, the param type language, references
// between tools and steps, that commands use only declared params), and run: the weft command
// behind every tool that needs no server runs here, in a scratch project, as Polytope would
// run it in the weft container. The registration edit (`weft polytope add-workflow-tool`) is
// run twice on a copy and must give exactly one tool that passes the same checks.
#include "agents/polytope_file.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/yaml_reader.h"
#include "tests/agents/temp_folder.h"
#include "tests/support/subprocess.h"

using nlohmann::json;
using weft::testing::ProcessResult;
using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::WeftBinary;

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = WEFT_SOURCE_DIR;

json ParseYaml(const std::string& text, const std::string& file) {
  auto read = weft::dsl::ReadYaml(text, file);
  INFO(file);
  REQUIRE(read.root.has_value());
  REQUIRE(read.diagnostics.empty());
  return read.root->ToJson();
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void CheckKeys(const json& object, const std::set<std::string>& allowed, const std::string& where) {
  INFO(where);
  REQUIRE(object.is_object());
  for (const auto& [key, value] : object.items()) {
    INFO("key " << key);
    CHECK(allowed.contains(key));
  }
}

// Polytope's param type language: str, int, num, bool, the aliases, [T], {k: T},
// [default, T, v], [maybe, T], [enum, a, ...], [either, T, ...], [regex, re].
bool ValidType(const json& type) {
  static const std::set<std::string> kNamed = {
      "str",          "int",          "num",          "bool",          "env-var",
      "mount-source", "service-spec", "docker-image", "absolute-path", "id"};
  if (type.is_string()) return kNamed.contains(type.get<std::string>());
  if (type.is_object()) {
    for (const auto& [key, value] : type.items()) {
      if (!ValidType(value)) return false;
    }
    return !type.empty();
  }
  if (!type.is_array() || type.empty()) return false;
  if (type.size() == 1) return ValidType(type[0]);
  if (!type[0].is_string()) return false;
  const std::string head = type[0];
  if (head == "default") return type.size() == 3 && ValidType(type[1]);
  if (head == "maybe") return type.size() == 2 && ValidType(type[1]);
  if (head == "regex") return type.size() == 2 && type[1].is_string();
  if (head == "enum") {
    for (std::size_t i = 1; i < type.size(); ++i) {
      if (!type[i].is_primitive()) return false;
    }
    return type.size() >= 2;
  }
  if (head == "either") {
    for (std::size_t i = 1; i < type.size(); ++i) {
      if (!ValidType(type[i])) return false;
    }
    return type.size() >= 3;
  }
  return false;
}

// A default fits its type: [default, str, "x"], [default, [enum, a, b], a], ...
bool DefaultFits(const json& type, const json& value) {
  if (type == "str") return value.is_string();
  if (type == "int") return value.is_number_integer();
  if (type == "num") return value.is_number();
  if (type == "bool") return value.is_boolean();
  if (type.is_array() && !type.empty() && type[0] == "enum") {
    for (std::size_t i = 1; i < type.size(); ++i) {
      if (type[i] == value) return true;
    }
    return false;
  }
  if (type.is_array() && type.size() == 1) return value.is_array();
  return true;
}

// Every `pt.param x` and `{pt.param x}` in the strings under `value`.
void CollectParamReferences(const json& value, std::set<std::string>& out) {
  static const std::regex kReference(R"(pt\.param\s+([a-z0-9_-]+))");
  if (value.is_string()) {
    const std::string text = value;
    for (std::sregex_iterator it(text.begin(), text.end(), kReference), end; it != end; ++it) {
      out.insert((*it)[1]);
    }
  } else if (value.is_structured()) {
    for (const auto& item : value) CollectParamReferences(item, out);
  }
}

std::set<std::string> DeclaredParams(const json& tool) {
  std::set<std::string> params;
  for (const auto& param : tool.value("params", json::array())) params.insert(param["id"]);
  return params;
}

// Every tool of a polytope file, against the format.
void CheckPolytopeFile(const json& file) {
  CheckKeys(file, {"instructions", "include", "tools", "mcp"}, "the file's top level");
  REQUIRE(file["tools"].is_object());
  REQUIRE_FALSE(file["tools"].empty());
  if (file.contains("instructions")) CHECK(file["instructions"].is_string());
  const json& tools = file["tools"];
  const std::regex kId("^[a-z0-9_-]+$");
  for (const auto& [name, tool] : tools.items()) {
    INFO("tool " << name);
    CHECK(std::regex_match(name, kId));
    CheckKeys(tool, {"info", "name", "params", "await", "run"}, "tool " + name);
    CHECK(tool["info"].is_string());
    CHECK_FALSE(tool.value("info", "").empty());
    const std::set<std::string> params = DeclaredParams(tool);
    for (const auto& param : tool.value("params", json::array())) {
      CheckKeys(param, {"id", "info", "name", "type"}, "a param of " + name);
      REQUIRE(param.contains("id"));
      CHECK(std::regex_match(param["id"].get<std::string>(), kId));
      CHECK(param["info"].is_string());
      INFO("param " << param["id"] << " type " << param["type"].dump());
      CHECK(ValidType(param["type"]));
      if (param["type"].is_array() && param["type"].size() == 3 && param["type"][0] == "default") {
        CHECK(DefaultFits(param["type"][1], param["type"][2]));
      }
    }
    REQUIRE(tool["run"].is_array());
    REQUIRE_FALSE(tool["run"].empty());
    std::set<std::string> step_ids;
    for (const auto& step : tool["run"]) {
      CheckKeys(step, {"id", "tool", "args", "after", "code"}, "a step of " + name);
      CHECK(step.contains("tool") != step.contains("code"));
      if (step.contains("id")) CHECK(step_ids.insert(step["id"].get<std::string>()).second);
      if (step.contains("tool")) {
        const std::string callee = step["tool"];
        INFO("step tool " << callee);
        const bool standard = callee.starts_with("polytope/") || callee.starts_with("pt/");
        CHECK((standard || tools.contains(callee)));
        // Arguments to a tool of this file are that tool's params.
        if (tools.contains(callee) && step.contains("args")) {
          const std::set<std::string> callee_params = DeclaredParams(tools[callee]);
          for (const auto& [arg, value] : step["args"].items()) {
            INFO("argument " << arg);
            CHECK(callee_params.contains(arg));
          }
        }
      }
    }
    for (const auto& step : tool["run"]) {
      if (!step.contains("after")) continue;
      const json after = step["after"].is_array() ? step["after"] : json::array({step["after"]});
      for (const auto& reference : after) CHECK(step_ids.contains(reference["step"]));
    }
    for (const auto& awaited : tool.value("await", json::array())) {
      CHECK(step_ids.contains(awaited));
    }
    std::set<std::string> referenced;
    CollectParamReferences(tool["run"], referenced);
    for (const std::string& reference : referenced) {
      INFO("the run references pt.param " << reference);
      CHECK(params.contains(reference));
    }
  }
}

// The weft command of a step that runs the `weft` tool, its params substituted.
std::vector<std::string> WeftCommand(const json& step,
                                     const std::map<std::string, std::string>& values) {
  std::vector<std::string> argv;
  for (const auto& item : step["args"]["cmd"]) {
    std::string argument = item;
    for (const auto& [name, value] : values) {
      const std::string placeholder = "{pt.param " + name + "}";
      for (std::size_t at = argument.find(placeholder); at != std::string::npos;
           at = argument.find(placeholder)) {
        argument.replace(at, placeholder.size(), value);
      }
    }
    CHECK(argument.find("pt.param") == std::string::npos);
    argv.push_back(argv.empty() && argument == "weft" ? WeftBinary() : argument);
  }
  return argv;
}

// Runs argv in `folder`, as the weft container runs its command in /project.
ProcessResult RunIn(const TempFolder& folder, std::vector<std::string> argv) {
  std::vector<std::string> shell = {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"",
                                    folder.path().string()};
  shell.insert(shell.end(), argv.begin(), argv.end());
  return RunProcess(shell);
}

// The weft steps of a tool: (tool, step) for every step whose tool is `weft`.
std::vector<json> WeftSteps(const json& tool) {
  std::vector<json> steps;
  for (const auto& step : tool["run"]) {
    if (step.value("tool", "") == "weft") steps.push_back(step);
  }
  return steps;
}

}  // namespace

TEST_CASE("polytope.yml follows Polytope's tools format") {
  const json file = ParseYaml(ReadText(kSourceDir / "polytope.yml"), "polytope.yml");
  CheckPolytopeFile(file);
  const json& tools = file["tools"];
  for (const char* name : {"add-temporal", "add-temporal-client", "validate-workflows",
                           "test-workflows", "start-workflow", "workflow-result"}) {
    INFO(name);
    CHECK(tools.contains(name));
  }
  // add-temporal-workflow arrives with add-temporal-client, as in Bluetext's flow.
  CHECK_FALSE(tools.contains("add-temporal-workflow"));

  // Pinned images, and the environment of Temporal's own compose file.
  const std::string text = ReadText(kSourceDir / "polytope.yml");
  for (const char* image : {"postgres:16", "temporalio/server:1.30.1",
                            "temporalio/admin-tools:1.30.1", "temporalio/ui:2.34.0"}) {
    CHECK_THAT(text, Catch::Contains(std::string("image: ") + image));
  }
  std::set<std::string> server_env;
  for (const auto& entry : tools["temporal-server"]["run"][0]["args"]["env"]) {
    server_env.insert(entry["name"]);
  }
  for (const char* name : {"DB", "DB_PORT", "POSTGRES_USER", "POSTGRES_PWD", "POSTGRES_SEEDS",
                           "DYNAMIC_CONFIG_FILE_PATH", "BIND_ON_IP"}) {
    CHECK(server_env.contains(name));
  }
}

TEST_CASE("the registration edit adds add-temporal-workflow once and keeps the rest") {
  TempFolder project;
  const std::string original = ReadText(kSourceDir / "polytope.yml");
  project.Write("polytope.yml", original);
  const json file = ParseYaml(original, "polytope.yml");
  const auto steps = WeftSteps(file["tools"]["add-temporal-client"]);
  REQUIRE(steps.size() == 2);
  const auto argv = WeftCommand(steps[0], {});

  auto first = RunIn(project, argv);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("added the tool add-temporal-workflow"));
  const std::string once = project.Read("polytope.yml");
  auto second = RunIn(project, argv);
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.out, Catch::Contains("already in"));
  CHECK(project.Read("polytope.yml") == once);

  // One tool more, every byte of the original kept, and the new tool passes the checks.
  const json edited = ParseYaml(once, "polytope.yml");
  CHECK(edited["tools"].size() == file["tools"].size() + 1);
  CheckPolytopeFile(edited);
  std::size_t count = 0;
  for (std::size_t at = once.find("\n  add-temporal-workflow:\n"); at != std::string::npos;
       at = once.find("\n  add-temporal-workflow:\n", at + 1)) {
    ++count;
  }
  CHECK(count == 1);
  CHECK(once.size() > original.size());
  CHECK(once.starts_with(original.substr(0, original.size() - 1)));
}

TEST_CASE("the registration edit works on other projects' polytope files") {
  TempFolder project;
  SECTION("a file with other tools after tools, comments and four-space indentation") {
    project.Write("polytope.yml",
                  "include:\n  - services\n# the tools\ntools:\n    api:\n        info: x\n"
                  "        run: [{tool: polytope/noop}]\n\n# trailing section\nmcp:\n"
                  "    only: [api]\n");
  }
  SECTION("a file with only an include") { project.Write("polytope.yml", "include:\n  - x\n"); }
  SECTION("no file at all") {}
  SECTION("an empty tools key") { project.Write("polytope.yml", "tools:\ninstructions: hi\n"); }
  const std::string before = project.Exists("polytope.yml") ? project.Read("polytope.yml") : "";
  auto result = RunIn(project, {WeftBinary(), "polytope", "add-workflow-tool"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::string after = project.Read("polytope.yml");
  const json edited = ParseYaml(after, "polytope.yml");
  CHECK(edited["tools"].contains("add-temporal-workflow"));
  const json original = before.empty() ? json::object() : ParseYaml(before, "before");
  for (const auto& [key, value] : original.items()) {
    if (key != "tools") CHECK(edited[key] == value);
  }
  const json original_tools = original.value("tools", json::object());
  for (const auto& [key, value] : original_tools.items()) {
    CHECK(edited["tools"][key] == value);
  }
  // Every line of the file is still there, in order, comments included.
  std::istringstream old_lines(before), new_lines(after);
  std::string old_line, new_line;
  while (std::getline(old_lines, old_line)) {
    bool found = false;
    while (!found && std::getline(new_lines, new_line)) found = new_line == old_line;
    INFO("line " << old_line);
    CHECK(found);
  }
  REQUIRE(RunIn(project, {WeftBinary(), "polytope", "add-workflow-tool"}).exit_code == 0);
  CHECK(project.Read("polytope.yml") == after);
}

TEST_CASE("the registration edit refuses files it cannot edit, saying where") {
  TempFolder project;
  project.Write("flow.yml", "tools: {api: {run: []}}\n");
  auto flow = RunIn(project, {WeftBinary(), "polytope", "add-workflow-tool", "flow.yml"});
  CHECK(flow.exit_code == 1);
  CHECK_THAT(flow.err, Catch::Contains("flow.yml:1:8") && Catch::Contains("flow mapping"));
  project.Write("list.yml", "- a\n- b\n");
  auto list = RunIn(project, {WeftBinary(), "polytope", "add-workflow-tool", "list.yml"});
  CHECK(list.exit_code == 1);
  CHECK_THAT(list.err, Catch::Contains("must be a mapping"));
  project.Write("broken.yml", "tools:\n  a: [\n");
  auto broken = RunIn(project, {WeftBinary(), "polytope", "add-workflow-tool", "broken.yml"});
  CHECK(broken.exit_code == 1);
  CHECK_THAT(broken.err, Catch::Contains("broken.yml:"));
  CHECK(project.Read("broken.yml") == "tools:\n  a: [\n");
}

TEST_CASE("the weft command behind each tool runs") {
  TempFolder project;
  project.Write("polytope.yml", ReadText(kSourceDir / "polytope.yml"));
  const json file = ParseYaml(ReadText(kSourceDir / "polytope.yml"), "polytope.yml");
  // add-temporal-client first: it brings add-temporal-workflow.
  const auto client_steps = WeftSteps(file["tools"]["add-temporal-client"]);
  REQUIRE(RunIn(project, WeftCommand(client_steps[0], {})).exit_code == 0);
  const json tools = ParseYaml(project.Read("polytope.yml"), "polytope.yml")["tools"];

  // The tools whose command talks to a Temporal server (a worker, start, result): the test
  // names them, so that a new tool is either run below or listed here on purpose.
  const std::set<std::string> needs_server = {"start-workflow", "workflow-result"};
  std::set<std::string> ran;

  const auto add_steps = WeftSteps(tools["add-temporal-workflow"]);
  REQUIRE(add_steps.size() == 1);
  auto added = RunIn(project, WeftCommand(add_steps[0], {{"name", "pay-invoice"},
                                                         {"description", "Pays \"an\" invoice"}}));
  INFO(added.out << added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(project.Exists("workflows/pay-invoice.yaml"));
  CHECK(project.Exists("activities/pay_invoice.lua"));
  CHECK(project.Exists("tests/workflows/pay-invoice.test.yaml"));
  ran.insert("add-temporal-workflow");
  // Again: the scaffolder refuses to overwrite.
  CHECK(RunIn(project, WeftCommand(add_steps[0], {{"name", "pay-invoice"}, {"description", ""}}))
            .exit_code == 3);

  const auto validate_steps = WeftSteps(tools["validate-workflows"]);
  auto validated = RunIn(project, WeftCommand(validate_steps[0], {{"path", "workflows"}}));
  INFO(validated.out << validated.err);
  CHECK(validated.exit_code == 0);
  CHECK(json::parse(validated.out)["valid"] == true);
  ran.insert("validate-workflows");

  const auto test_steps = WeftSteps(tools["test-workflows"]);
  auto tested = RunIn(project, WeftCommand(test_steps[0], {{"path", "tests/workflows"}}));
  INFO(tested.out << tested.err);
  CHECK(tested.exit_code == 0);
  CHECK(json::parse(tested.out)["passed"] == true);
  ran.insert("test-workflows");

  ran.insert("add-temporal-client");  // its registration step ran above; its worker needs a server
  for (const auto& [name, tool] : tools.items()) {
    if (WeftSteps(tool).empty() || name == "weft") continue;
    INFO("tool " << name);
    CHECK((ran.contains(name) || needs_server.contains(name)));
  }
}

TEST_CASE("the edit on text is the library's: once, after the other tools, comments kept") {
  const std::string text = "# project\ntools:\n  api:\n    run: []\n";
  auto once = weft::agents::AddWorkflowToolToText(text, "polytope.yml");
  REQUIRE(once);
  CHECK(once->starts_with(text));
  CHECK_THAT(*once, Catch::Contains(std::string(weft::agents::WorkflowToolBlock())));
  auto twice = weft::agents::AddWorkflowToolToText(*once, "polytope.yml");
  REQUIRE(twice);
  CHECK(*twice == *once);
  auto flow = weft::agents::AddWorkflowToolToText("tools: {api: {run: []}}\n", "flow.yml");
  REQUIRE_FALSE(flow);
  CHECK_THAT(flow.error(), Catch::Contains("flow.yml:1:8"));
}
