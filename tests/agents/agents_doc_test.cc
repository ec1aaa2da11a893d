// docs/agents.md is what an agent reads first, and docs/testing.md what it reads to write test
// cases, so their examples must work through the CLI too: the workflow validates against the
// project's activities, and the test file passes `weft test`.
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include "tests/agents/temp_folder.h"
#include "tests/support/subprocess.h"

using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::WeftBinary;

namespace {

const std::string kSourceDir = WEFT_SOURCE_DIR;

std::vector<std::string> YamlBlocks(const std::string& file) {
  std::ifstream in(file);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::vector<std::string> blocks;
  const std::regex block("```yaml\n([\\s\\S]*?)```");
  for (std::sregex_iterator it(text.begin(), text.end(), block), end; it != end; ++it) {
    blocks.push_back((*it)[1]);
  }
  return blocks;
}

}  // namespace

TEST_CASE("docs/agents.md: the example workflow validates; docs/testing.md: the example passes") {
  auto blocks = YamlBlocks(kSourceDir + "/docs/agents.md");
  REQUIRE(blocks.size() == 1);
  const auto testing = YamlBlocks(kSourceDir + "/docs/testing.md");
  REQUIRE(testing.size() == 1);
  blocks.push_back(testing[0]);
  TempFolder folder;
  const std::string workflow = folder.Write("send-invoice.yaml", blocks[0]);
  auto validated =
      RunProcess({WeftBinary(), "validate", "--lua-dir", kSourceDir + "/activities", workflow});
  INFO(validated.out << validated.err);
  CHECK(validated.exit_code == 0);

  // The test file names the shipped expense-approval by a path relative to tests/workflows/.
  std::string cases = blocks[1];
  const std::string relative = "../../workflows/expense-approval.yaml";
  REQUIRE(cases.find(relative) != std::string::npos);
  cases.replace(cases.find(relative), relative.size(),
                kSourceDir + "/workflows/expense-approval.yaml");
  const std::string test_file = folder.Write("doc.test.yaml", cases);
  auto tested = RunProcess({WeftBinary(), "test", test_file});
  INFO(tested.out << tested.err);
  CHECK(tested.exit_code == 0);
  CHECK_THAT(tested.out, Catch::Contains("1 case, 0 failed"));
}
