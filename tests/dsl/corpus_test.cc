// The corpora and the schema agree with the loader:
// - every file of tests/dsl/corpus/valid and workflows/ loads, and the schema accepts it;
// - every file of tests/dsl/corpus/invalid gives exactly the diagnostics its header names
//   ("# expect: WEFT1102 6:17", one line each), and the schema rejects it when the header says
//   "# schema: reject", accepts it when it says "# schema: accept" (a rule only the loader can
//   check: references, expression types...), and is not consulted for "# schema: unreadable"
//   (the YAML itself is broken).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "dsl/canonical_yaml.h"
#include "dsl/loader.h"
#include "dsl/workflow_schema.h"
#include "dsl/yaml_reader.h"

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = WEFT_SOURCE_DIR;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> YamlFiles(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class SchemaCheck {
 public:
  SchemaCheck() {
    const nlohmann::json document = nlohmann::json::parse(weft::dsl::WorkflowSchemaText());
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    parser.populateSchema(adapter, schema_);
  }

  // The schema's errors for `value`, empty when it is valid.
  std::vector<std::string> Errors(const nlohmann::json& value) const {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter adapter(value);
    std::vector<std::string> errors;
    if (validator.validate(schema_, adapter, &results)) return errors;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      std::string where;
      for (const std::string& part : error.context) where += part;
      errors.push_back(where + ": " + error.description);
    }
    if (errors.empty()) errors.push_back("invalid");
    return errors;
  }

 private:
  valijson::Schema schema_;
};

const SchemaCheck& Schema() {
  static const SchemaCheck* check = new SchemaCheck();
  return *check;
}

// The document as JSON, as an editor's schema validation sees it.
std::optional<nlohmann::json> AsJson(const std::string& text) {
  weft::dsl::ReadResult read = weft::dsl::ReadYaml(text, "");
  if (!read.root) return std::nullopt;
  return read.root->ToJson();
}

}  // namespace

TEST_CASE("the schema is a draft-7 JSON Schema with a description and examples for every key") {
  const nlohmann::json schema = nlohmann::json::parse(weft::dsl::WorkflowSchemaText());
  CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
  // Every entry of every `properties` has a description and examples.
  std::vector<std::string> missing;
  std::function<void(const nlohmann::json&, const std::string&)> visit =
      [&](const nlohmann::json& node, const std::string& path) {
        if (node.is_object()) {
          if (node.contains("properties") && node["properties"].is_object()) {
            for (const auto& [key, property] : node["properties"].items()) {
              if (!property.contains("description") || !property.contains("examples")) {
                missing.push_back(path + "/properties/" + key);
              }
            }
          }
          for (const auto& [key, child] : node.items()) {
            if (key != "examples" && key != "default") visit(child, path + "/" + key);
          }
        } else if (node.is_array()) {
          for (std::size_t i = 0; i < node.size(); ++i)
            visit(node[i], path + "/" + std::to_string(i));
        }
      };
  visit(schema, "");
  CHECK(missing == std::vector<std::string>{});
}

TEST_CASE("every valid definition loads and the schema accepts it") {
  std::vector<fs::path> files = YamlFiles(kSourceDir / "tests/dsl/corpus/valid");
  for (const fs::path& file : YamlFiles(kSourceDir / "workflows")) files.push_back(file);
  REQUIRE(files.size() >= 6);
  for (const fs::path& file : files) {
    INFO(file.string());
    auto loaded = weft::dsl::LoadDefinitionFile(file);
    if (!loaded) {
      const std::string text = ReadFile(file);
      for (const auto& diagnostic : loaded.error()) {
        FAIL_CHECK(weft::dsl::FormatDiagnostic(diagnostic, text));
      }
    }
    auto json = AsJson(ReadFile(file));
    REQUIRE(json.has_value());
    CHECK(Schema().Errors(*json) == std::vector<std::string>{});
    // `weft fmt`: the canonical layout loads to the same hash, and formatting it again changes
    // nothing.
    if (loaded) {
      const std::string formatted = weft::dsl::CanonicalYaml(**loaded);
      auto reloaded = weft::dsl::LoadDefinition(formatted);
      REQUIRE(reloaded.has_value());
      CHECK((*reloaded)->sha256 == (*loaded)->sha256);
      CHECK(weft::dsl::CanonicalYaml(**reloaded) == formatted);
    }
  }
}

TEST_CASE("every invalid definition gives exactly its golden diagnostics") {
  const std::vector<fs::path> files = YamlFiles(kSourceDir / "tests/dsl/corpus/invalid");
  REQUIRE(files.size() >= 30);
  for (const fs::path& file : files) {
    INFO(file.string());
    const std::string text = ReadFile(file);
    std::multiset<std::string> expected;
    std::string schema_expectation;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("# expect: ")) expected.insert(line.substr(10));
      if (line.starts_with("# schema: ")) schema_expectation = line.substr(10);
    }
    REQUIRE_FALSE(expected.empty());
    auto loaded = weft::dsl::LoadDefinition(text, {.file = file.filename().string()});
    REQUIRE_FALSE(loaded.has_value());
    std::multiset<std::string> found;
    for (const auto& diagnostic : loaded.error()) {
      found.insert(diagnostic.code + " " + std::to_string(diagnostic.position.line) + ":" +
                   std::to_string(diagnostic.position.column));
      // Every diagnostic says something and says where.
      CHECK_FALSE(diagnostic.message.empty());
      CHECK(diagnostic.position.line > 0);
    }
    CHECK(found == expected);

    INFO("schema: " << schema_expectation);
    REQUIRE((schema_expectation == "reject" || schema_expectation == "accept" ||
             schema_expectation == "unreadable"));
    auto json = AsJson(text);
    if (schema_expectation == "unreadable") continue;
    REQUIRE(json.has_value());
    const std::vector<std::string> errors = Schema().Errors(*json);
    std::string all_errors;
    for (const std::string& error : errors) all_errors += error + "\n";
    INFO(all_errors);
    const bool rejected = !errors.empty();
    CHECK(rejected == (schema_expectation == "reject"));
  }
}

TEST_CASE("every example in docs/language.md loads") {
  // Step examples are wrapped in a definition that declares the variables and the signal they
  // use; each example is loaded on its own.
  const std::string vars =
      "vars: {stage: null, total: 0, tier: null, decision: pending, cursor: '', done: false, "
      "notes: [], approved: false, approver: null}\n";
  const std::string doc = ReadFile(kSourceDir / "docs/language.md");
  std::size_t examples = 0;
  for (std::size_t at = doc.find("```yaml\n"); at != std::string::npos;
       at = doc.find("```yaml\n", at + 1)) {
    const std::size_t begin = at + 8;
    const std::string block = doc.substr(begin, doc.find("```", begin) - begin);
    std::string text;
    if (block.starts_with("dsl: 1")) {
      text = block;
    } else if (block.starts_with("- id:")) {
      text = "dsl: 1\nname: doc-example\n" + vars +
             "defaults: {call: {timeouts: {start_to_close: 30s}}}\n"
             "handlers: {signals: {go: {}}}\nsteps:\n";
      std::istringstream lines(block);
      for (std::string line; std::getline(lines, line);) text += "  " + line + "\n";
    } else if (block.starts_with("handlers:")) {
      text = "dsl: 1\nname: doc-example\n" + vars + block + "steps: [{id: w, wait: 1s}]\n";
    } else {
      continue;
    }
    ++examples;
    INFO(text);
    auto loaded = weft::dsl::LoadDefinition(text);
    if (!loaded) {
      for (const auto& diagnostic : loaded.error()) {
        FAIL_CHECK(weft::dsl::FormatDiagnostic(diagnostic, text));
      }
    }
  }
  CHECK(examples >= 14);
}
