// RunWorkflowTests as a specification: test files found in folders and run, a definition
// named by a path relative to the test file, an input the schema refuses, a wrong expectation
// (what, where, expected, actual), a file that cannot run, and no files at all; the text and
// the JSON that `weft test` prints come from the same report.
#include "runtime/dry_run/workflow_tests.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using weft::dry_run::RunWorkflowTests;
using weft::dry_run::TestReport;

constexpr char kGreet[] = R"(dsl: 1
name: greet
input: {type: object, required: [name], properties: {name: {type: string}}}
steps:
  - id: say
    call: log
    args: {message: '${ "hi " + input.name }'}
    timeouts: {start_to_close: 10s}
output: {said: '${ "hi " + input.name }'}
)";

constexpr char kPassing[] = R"(workflow: greet
cases:
  - name: greets Ada
    input: {name: Ada}
    mocks:
      say: {result: null}
    expect:
      steps: [say]
      output: {said: hi Ada}
)";

// By path, relative to the test file; the second case's input has no name.
constexpr char kFailing[] = R"(workflow: ../workflows/greet.yaml
cases:
  - name: expects the wrong greeting
    input: {name: Ada}
    mocks:
      say: {result: null}
    expect:
      output: {said: hello Ada}
  - name: no name
    input: {}
)";

class Project {
 public:
  Project()
      : root_(fs::temp_directory_path() /
              ("weft-dry-run-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
    fs::remove_all(root_);
    Write("workflows/greet.yaml", kGreet);
  }
  ~Project() { fs::remove_all(root_); }
  void Write(const std::string& name, const std::string& text) const {
    fs::create_directories((root_ / name).parent_path());
    std::ofstream(root_ / name) << text;
  }
  std::string Path(const std::string& name) const { return (root_ / name).string(); }
  TestReport Run(const std::string& path) const {
    return RunWorkflowTests({Path(path)}, root_ / "workflows");
  }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

}  // namespace

TEST_CASE("a folder's test files run, and passing cases pass") {
  Project project;
  project.Write("tests/greet.test.yaml", kPassing);
  project.Write("tests/notes.yaml", "not a test file: its name does not end in .test.yaml");
  const TestReport report = project.Run("tests");
  REQUIRE(report.files.size() == 1);
  CHECK(report.passed());
  CHECK(report.cases == 1);
  CHECK(report.failed == 0);
  CHECK(report.files[0].definition->name == "greet");
  CHECK(report.Text() == project.Path("tests/greet.test.yaml") +
                             " (greet v1)\n"
                             "  ok    greets Ada  (completed, 1 steps, virtual time 0s)\n"
                             "1 case, 0 failed\n");
  CHECK(report.ToJson()["passed"] == true);
}

TEST_CASE("a wrong expectation and a refused input fail, saying what and where") {
  Project project;
  project.Write("tests/greet.test.yaml", kFailing);
  const TestReport report = project.Run("tests/greet.test.yaml");
  REQUIRE(report.files.size() == 1);
  CHECK_FALSE(report.passed());
  CHECK(report.cases == 2);
  CHECK(report.failed == 2);
  REQUIRE(report.files[0].cases.size() == 2);
  CHECK(report.files[0].cases[1].status == "rejected");
  const std::string text = report.Text();
  CHECK_THAT(text, Catch::Contains("  FAIL  expects the wrong greeting  (completed"));
  CHECK_THAT(text, Catch::Contains(project.Path("tests/greet.test.yaml") + ":3: output"));
  CHECK_THAT(text, Catch::Contains("          expected: {\"said\":\"hello Ada\"}\n"));
  CHECK_THAT(text, Catch::Contains("          actual:   {\"said\":\"hi Ada\"}\n"));
  CHECK_THAT(text, Catch::Contains("  FAIL  no name  (rejected"));
  CHECK_THAT(text, Catch::EndsWith("2 cases, 2 failed\n"));
  CHECK(report.ToJson()["failed"] == 2);
}

TEST_CASE("a test file that names no loadable workflow cannot run") {
  Project project;
  project.Write("tests/ghost.test.yaml", "workflow: ghost\ncases: []\n");
  const TestReport report = project.Run("tests");
  REQUIRE(report.files.size() == 1);
  CHECK(report.broken_files == 1);
  CHECK_FALSE(report.passed());
  CHECK_FALSE(report.files[0].problems.empty());
  CHECK_THAT(report.Text(),
             Catch::StartsWith(project.Path("tests/ghost.test.yaml") + ": cannot run\n"));
  CHECK_THAT(report.Text(), Catch::EndsWith("0 cases, 0 failed, 1 files could not run\n"));
  CHECK(report.ToJson()["files"][0].contains("errors"));
}

TEST_CASE("no test files is not a pass") {
  Project project;
  project.Write("tests/readme.md", "no tests here");
  const TestReport report = project.Run("tests");
  CHECK(report.files.empty());
  CHECK_FALSE(report.passed());
  CHECK(report.Text().empty());
}
