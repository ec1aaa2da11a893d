// Hostile input: every attack ends in a clear diagnostic in bounded time and memory; none
// crashes or hangs the loader.
#include "dsl/yaml_reader.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "dsl/codes.h"
#include "dsl/loader.h"

namespace {

using weft::dsl::Diagnostic;
using weft::dsl::LoadDefinition;
namespace codes = weft::dsl::codes;

// Loads `text`, checks it took less than `budget`, and returns the diagnostics.
std::vector<Diagnostic> LoadHostile(const std::string& text,
                                    std::chrono::milliseconds budget = std::chrono::seconds(2)) {
  const auto start = std::chrono::steady_clock::now();
  auto result = LoadDefinition(text, {.file = "hostile.yaml"});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < budget);
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

bool HasCode(const std::vector<Diagnostic>& diagnostics, const std::string& code) {
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.code == code) return true;
  }
  return false;
}

std::string Repeat(const std::string& part, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += part;
  return out;
}

}  // namespace

TEST_CASE("flow nesting 10,000 levels deep is refused") {
  const std::string text =
      "dsl: 1\nname: deep\nsteps: " + Repeat("[", 10'000) + Repeat("]", 10'000) + "\n";
  const auto diagnostics = LoadHostile(text);
  CHECK(HasCode(diagnostics, codes::kTooDeep));
}

TEST_CASE("block sequences nested 10,000 levels deep are refused") {
  const std::string text = "dsl: 1\nname: deep\nsteps:\n  " + Repeat("- ", 10'000) + "x\n";
  const auto diagnostics = LoadHostile(text);
  CHECK(HasCode(diagnostics, codes::kTooDeep));
}

TEST_CASE("mappings nested 10,000 levels deep are refused") {
  const std::string text =
      "dsl: 1\nname: deep\nvars: " + Repeat("{a: ", 10'000) + "1" + Repeat("}", 10'000) + "\n";
  const auto diagnostics = LoadHostile(text);
  CHECK(HasCode(diagnostics, codes::kTooDeep));
}

TEST_CASE("block mappings indented 1,000 levels deep (as deep as the size cap allows)") {
  std::string text = "dsl: 1\nname: deep\nvars:\n";
  for (int i = 0; i < 1'000; ++i)
    text += std::string(static_cast<std::size_t>(i + 1), ' ') + "a:\n";
  const auto diagnostics = LoadHostile(text);
  CHECK(HasCode(diagnostics, codes::kTooDeep));
}

TEST_CASE("an alias-expansion bomb (billion laughs) is stopped by the node budget") {
  std::string text = "dsl: 1\nname: lol\nvars:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string previous = "*l" + std::to_string(i - 1);
    text += "  l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" +
            Repeat(previous + ", ", 8) + previous + "]\n";
  }
  text += "steps: []\n";
  const auto diagnostics = LoadHostile(text);
  CHECK(HasCode(diagnostics, codes::kTooManyNodes));
}

TEST_CASE("a 100 MB scalar is refused for its size before parsing") {
  const std::string text = "dsl: 1\nname: big\ndescription: " + std::string(100u << 20, 'x') + "\n";
  const auto diagnostics = LoadHostile(text, std::chrono::milliseconds(500));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kFileTooLarge);
}

TEST_CASE("invalid UTF-8 is refused with its position") {
  const std::string text = "dsl: 1\nname: bad\ndescription: caf\xC3\x28\n";
  const auto diagnostics = LoadHostile(text);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kInvalidUtf8);
  CHECK(diagnostics[0].position.line == 3);
  CHECK(diagnostics[0].position.column == 17);
}

TEST_CASE("overlong encodings and surrogates are invalid UTF-8 too") {
  for (const std::string& bad : {std::string("\xC0\xAF"), std::string("\xED\xA0\x80"),
                                 std::string("\xF4\x90\x80\x80"), std::string("\xFF")}) {
    const auto diagnostics = LoadHostile("dsl: 1\nname: x\ndescription: " + bad + "\n");
    CHECK(HasCode(diagnostics, codes::kInvalidUtf8));
  }
}

TEST_CASE("tabs used for indentation are named as such, on every line") {
  const std::string text = "dsl: 1\nname: tabs\nsteps:\n\t- id: a\n\t  set: {x: 1}\n";
  const auto diagnostics = LoadHostile(text);
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics[0].code == codes::kTabIndentation);
  CHECK(diagnostics[0].position.line == 4);
  CHECK(diagnostics[0].position.column == 1);
  CHECK(diagnostics[1].position.line == 5);
}

TEST_CASE("tabs inside a line are not indentation") {
  weft::dsl::ReadResult result = weft::dsl::ReadYaml("a: \"x\ty\"\nb: 1 # c\td\n", "t.yaml");
  CHECK(result.diagnostics.empty());
  REQUIRE(result.root.has_value());
  CHECK(result.root->ToJson() == nlohmann::json{{"a", "x\ty"}, {"b", 1}});
}

TEST_CASE("YAML syntax errors carry the parser's position") {
  const auto diagnostics = LoadHostile("dsl: 1\nname: [unclosed\nsteps: []\n");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kYamlSyntax);
  CHECK(diagnostics[0].position.line >= 2);
}

TEST_CASE("scalars follow the YAML 1.2 core schema") {
  weft::dsl::ReadResult result = weft::dsl::ReadYaml(
      "a: yes\nb: true\nc: ~\nd: 0x1F\ne: 1.5e3\nf: '12'\ng: on\nh: -7\ni: .5\nj: 0o17\n", "t");
  REQUIRE(result.root.has_value());
  CHECK(result.root->ToJson() == nlohmann::json{{"a", "yes"},
                                                {"b", true},
                                                {"c", nullptr},
                                                {"d", 31},
                                                {"e", 1500.0},
                                                {"f", "12"},
                                                {"g", "on"},
                                                {"h", -7},
                                                {"i", 0.5},
                                                {"j", 15}});
}

TEST_CASE("duplicate keys are reported and the first is kept") {
  weft::dsl::ReadResult result = weft::dsl::ReadYaml("a: 1\nb: 2\na: 3\n", "t.yaml");
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].code == codes::kDuplicateKey);
  CHECK(result.diagnostics[0].position.line == 3);
  CHECK(result.diagnostics[0].path == "/a");
  REQUIRE(result.root.has_value());
  CHECK(result.root->ToJson() == nlohmann::json{{"a", 1}, {"b", 2}});
}

TEST_CASE("every node knows its source range") {
  weft::dsl::ReadResult result =
      weft::dsl::ReadYaml("top:\n  key: 'value'\n  list: [1, 22]\n", "t");
  REQUIRE(result.root.has_value());
  const weft::dsl::SourceNode* top = result.root->Find("top");
  REQUIRE(top != nullptr);
  const weft::dsl::SourceNode* key = top->Find("key");
  REQUIRE(key != nullptr);
  CHECK(key->range.begin.line == 2);
  CHECK(key->range.begin.column == 8);
  CHECK(key->range.end.column == 15);
  CHECK(key->path == "/top/key");
  const weft::dsl::SourceNode* list = top->Find("list");
  REQUIRE(list != nullptr);
  CHECK(list->items[1].range.begin.column == 13);
  CHECK(list->items[1].range.end.column == 15);
}
