// What an agent copies must work: every example of docs/*.md and of the two JSON Schemas.
// - docs: a ```yaml block that is a whole definition (it has `dsl:`) loads, checked against the
//   repository's activities as validate_workflow checks it; a test file (it has `cases:`)
//   passes its dry run; any other block is a fragment of a definition (steps, handlers, the
//   keys of a step) and must satisfy the JSON Schema where it belongs.
// - schemas: each `examples` entry satisfies the subschema it illustrates; the whole
//   definitions and the steps among them also load, with the repository's activities.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "agents/project_activities.h"
#include "dsl/input_check.h"
#include "dsl/loader.h"
#include "dsl/yaml_reader.h"
#include "runtime/dry_run/workflow_tests.h"
#include "tests/agents/temp_folder.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSourceDir = WEFT_SOURCE_DIR;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Block {
  std::string file;
  int line = 0;
  std::string text;
};

std::vector<Block> YamlBlocks() {
  std::vector<Block> blocks;
  for (const auto& entry : fs::directory_iterator(kSourceDir + "/docs")) {
    if (entry.path().extension() != ".md") continue;
    const std::string text = ReadFile(entry.path());
    const std::regex block("```yaml\n([\\s\\S]*?)```");
    for (std::sregex_iterator it(text.begin(), text.end(), block), end; it != end; ++it) {
      const auto offset = static_cast<std::size_t>(it->position(0));
      const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
      blocks.push_back({"docs/" + entry.path().filename().string(), line, (*it)[1]});
    }
  }
  return blocks;
}

const std::set<std::string>& RepositoryActivities() {
  static const std::set<std::string> names = [] {
    auto listed = weft::agents::ListProjectActivities(kSourceDir + "/activities");
    REQUIRE(listed);
    REQUIRE(listed->broken.empty());
    return listed->names;
  }();
  return names;
}

json Schema(const std::string& file) { return json::parse(ReadFile(kSourceDir + "/" + file)); }

// `subschema` of `root`, able to resolve the root's #/definitions/... references.
json Standalone(const json& root, json subschema) {
  if (!subschema.is_object()) return subschema;
  subschema.erase("examples");
  if (root.contains("definitions")) subschema["definitions"] = root["definitions"];
  return subschema;
}

std::string Problems(const json& schema, const json& value) {
  auto checked = weft::dsl::CheckInput(schema, value);
  return checked ? "" : weft::dsl::DescribeInputErrors(checked.error());
}

std::string LoadProblems(const std::string& yaml) {
  auto loaded = weft::dsl::LoadDefinition(
      yaml, {.file = "example", .known_activities = RepositoryActivities()});
  if (loaded) return "";
  std::string text;
  for (const auto& diagnostic : loaded.error()) {
    text += diagnostic.code + " line " + std::to_string(diagnostic.position.line) + ": " +
            diagnostic.message + "\n";
  }
  return text;
}

// A one-step (or a block of steps) definition around `steps`, as JSON (JSON is YAML).
std::string DefinitionAround(const json& steps) {
  return json{{"dsl", 1}, {"name", "example"}, {"steps", steps}}.dump();
}

}  // namespace

TEST_CASE("every yaml example in docs/ loads, passes, or fits the schema where it belongs") {
  const json definition_schema = Schema("schema/workflow.schema.json");
  const auto blocks = YamlBlocks();
  REQUIRE(blocks.size() > 15);
  int definitions = 0;
  int tests = 0;
  for (const Block& block : blocks) {
    INFO(block.file << ":" << block.line << "\n" << block.text);
    auto read = weft::dsl::ReadYaml(block.text, block.file);
    std::string unreadable;
    for (const auto& diagnostic : read.diagnostics) unreadable += diagnostic.message + "\n";
    CHECK(unreadable == "");
    if (!read.root || !read.diagnostics.empty()) continue;
    const json value = read.root->ToJson();
    if (value.is_object() && value.contains("dsl")) {
      ++definitions;
      CHECK(LoadProblems(block.text) == "");
    } else if (value.is_object() && value.contains("cases")) {
      ++tests;
      // A workflow named by a path relative to tests/workflows/ is found from a folder there.
      weft::testing::TempFolder folder;
      const std::string file = folder.Write("tests/workflows/example.test.yaml", block.text);
      fs::create_directories(folder.path() / "workflows");
      for (const auto& shipped : fs::directory_iterator(kSourceDir + "/workflows")) {
        fs::copy_file(shipped.path(), folder.path() / "workflows" / shipped.path().filename());
      }
      auto report = weft::dry_run::RunWorkflowTests({file}, folder.path() / "workflows");
      INFO(report.ToJson().dump(2));
      CHECK(report.passed());
    } else if (value.is_array()) {
      CHECK(Problems(Standalone(definition_schema, definition_schema["definitions"]["block"]),
                     value) == "");
    } else {
      // Keys of a document (handlers:, schedules:) or of a step (when:, args:).
      json schema = definition_schema;
      if (!value.contains("handlers") && !value.contains("schedules")) {
        schema = definition_schema["definitions"]["step"];
        schema.erase("required");
        schema.erase("oneOf");
        schema.erase("anyOf");
        schema.erase("allOf");
        schema = Standalone(definition_schema, schema);
      } else {
        schema.erase("required");
      }
      CHECK(Problems(schema, value) == "");
    }
  }
  CHECK(definitions >= 2);
  CHECK(tests >= 1);
}

TEST_CASE("every example in the JSON Schemas fits its subschema; definitions and steps load") {
  for (const char* file : {"schema/workflow.schema.json", "schema/workflow-test.schema.json"}) {
    const json root = Schema(file);
    int examples = 0;
    std::function<void(const json&, const std::string&)> walk = [&](const json& node,
                                                                    const std::string& path) {
      if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i) walk(node[i], path + "/" + std::to_string(i));
        return;
      }
      if (!node.is_object()) return;
      if (node.contains("examples") && node["examples"].is_array()) {
        const json schema = Standalone(root, node);
        for (const json& example : node["examples"]) {
          ++examples;
          INFO(file << " " << path << "/examples: " << example.dump());
          CHECK(Problems(schema, example) == "");
          if (std::string(file) != "schema/workflow.schema.json") continue;
          if (path.empty()) CHECK(LoadProblems(example.dump()) == "");
          if (path == "/definitions/step")
            CHECK(LoadProblems(DefinitionAround(json::array({example}))) == "");
          if (path == "/properties/steps" || path == "/definitions/block") {
            CHECK(LoadProblems(DefinitionAround(example)) == "");
          }
        }
      }
      for (const auto& [key, child] : node.items()) {
        if (key != "examples") walk(child, path + "/" + key);
      }
    };
    walk(root, "");
    INFO(file);
    CHECK(examples > 5);
  }
}
