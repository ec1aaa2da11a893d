// The reference `weft mcp` serves (agents/reference.h): the repository's own files, byte for
// byte, so that what an agent reads over MCP is what the repository says; every page the
// issue of the agent's needs names is there, and get_reference serves the same text.
#include "agents/reference.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "agents/reference_files.h"

namespace {

using weft::agents::FindReference;
using weft::agents::ReferenceEntries;

const std::string kSourceDir = WEFT_SOURCE_DIR;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("every embedded file is the repository's file, unchanged") {
  REQUIRE_FALSE(weft::agents::ReferenceFiles().empty());
  for (const auto& file : weft::agents::ReferenceFiles()) {
    INFO(file.path);
    CHECK(file.text == ReadFile(kSourceDir + "/" + std::string(file.path)));
  }
}

TEST_CASE("the pages an agent needs are resources and topics") {
  for (const char* topic :
       {"guide", "language", "expressions", "activities", "testing", "schema", "test-schema"}) {
    INFO(topic);
    const auto* entry = FindReference(topic);
    REQUIRE(entry != nullptr);
    CHECK_FALSE(entry->text.empty());
    CHECK(FindReference(entry->uri) == entry);
    CHECK(weft::agents::ReferenceText(topic) == std::string(entry->text));
  }
  CHECK(FindReference("weft://docs/language")->text.find("## ") != std::string::npos);
  CHECK(FindReference("activities")->text.find("non_retryable = true") != std::string::npos);
}

TEST_CASE("every shipped workflow, its tests and the Lua activities are examples") {
  std::set<std::string> expected;
  for (const char* folder : {"workflows", "tests/workflows", "activities"}) {
    for (const auto& entry : std::filesystem::directory_iterator(kSourceDir + "/" + folder)) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".yaml") || name.ends_with(".lua")) {
        expected.insert(std::string(folder) + "/" + name);
      }
    }
  }
  std::set<std::string> examples;
  for (const auto& entry : ReferenceEntries()) {
    if (entry.example) examples.insert(entry.topic);
  }
  CHECK(examples == expected);
  const std::string list = *weft::agents::ReferenceText("examples");
  CHECK_THAT(list, Catch::Contains("workflows/order-clothes.yaml (weft://examples/workflows/"
                                   "order-clothes.yaml)"));
  CHECK(FindReference("weft://examples/tests/workflows/hello.test.yaml") != nullptr);
}

TEST_CASE("get_reference serves a topic's text and refuses an unknown one with the topics") {
  auto language = weft::agents::GetReference({{"topic", "language"}});
  CHECK_FALSE(language.is_error);
  CHECK(language.value == std::string(FindReference("language")->text));
  auto unknown = weft::agents::GetReference({{"topic", "lua"}});
  CHECK(unknown.is_error);
  CHECK(unknown.value["topics"].size() == 8);
  weft::agents::ReferenceResources resources;
  CHECK(resources.Read("weft://docs/testing") == std::string(FindReference("testing")->text));
  CHECK_FALSE(resources.Read("testing"));  // resources are read by URI
  CHECK(resources.Resources().size() == ReferenceEntries().size());
}
