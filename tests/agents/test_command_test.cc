// `weft test`, the dry run: test cases run on the interpreter with mocked activities and a
// virtual clock. The shipped workflows' cases (tests/workflows/) pass; a wrong expectation, a
// missing mock, a run left waiting and a malformed test file each fail with what, where,
// expected and actual.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/agents/temp_folder.h"
#include "tests/support/subprocess.h"

using nlohmann::json;
using weft::testing::ProcessResult;
using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::WeftBinary;

namespace {

const std::string kSourceDir = WEFT_SOURCE_DIR;

ProcessResult Test(const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = {WeftBinary(), "test", "--json", "--workflows",
                                   kSourceDir + "/workflows"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return RunProcess(argv);
}

json OnlyCase(const json& report) {
  REQUIRE(report["files"].size() == 1);
  REQUIRE(report["files"][0]["cases"].size() == 1);
  return report["files"][0]["cases"][0];
}

const char kWaiting[] = R"(dsl: 1
name: waits
handlers:
  signals:
    go: {}
steps:
  - id: month
    wait: 30d
  - id: first
    call: log
    args: {message: hi}
    timeouts: {start_to_close: 5s}
  - id: gate
    await: {signal: go}
output: ${ steps.gate.result }
)";

}  // namespace

TEST_CASE("the shipped workflows' dry runs pass") {
  auto result = Test({kSourceDir + "/tests/workflows"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const json report = json::parse(result.out);
  CHECK(report["passed"] == true);
  CHECK(report["failed"] == 0);
  CHECK(report["cases"].get<int>() >= 14);
  // Every workflow in workflows/ has its cases.
  std::set<std::string> tested;
  for (const auto& file : report["files"]) tested.insert(file["name"].get<std::string>());
  for (const char* name : {"hello", "order-clothes", "expense-approval", "image-thumbnails",
                           "inventory-sync", "customer-onboarding"}) {
    INFO(name);
    CHECK(tested.contains(name));
  }
}

TEST_CASE("timers and signals run on virtual time") {
  TempFolder folder;
  folder.Write("waits.yaml", kWaiting);
  folder.Write("waits.test.yaml", R"(workflow: waits.yaml
cases:
  - name: a month later, the signal arrives
    mocks: {first: {result: null}}
    events:
      - {signal: go, input: {by: ada}, after: first}
    expect: {output: {by: ada}, steps: [first]}
)");
  auto result = Test({folder / "waits.test.yaml"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const json passed = OnlyCase(json::parse(result.out));
  CHECK(passed["passed"] == true);
  CHECK(passed["virtual_time_ms"] == 30LL * 24 * 3600 * 1000);
}

TEST_CASE("a case fails precisely: which case, which step, expected and actual") {
  TempFolder folder;
  folder.Write("waits.yaml", kWaiting);
  SECTION("a wrong output names the first difference") {
    folder.Write("t.test.yaml", R"(workflow: waits.yaml
cases:
  - name: wrong
    mocks: {first: {result: null}}
    events: [{signal: go, input: {by: ada, n: 1}}]
    expect: {output: {by: ada, n: 2}}
)");
    auto result = Test({folder / "t.test.yaml"});
    CHECK(result.exit_code == 1);
    const json failed = OnlyCase(json::parse(result.out));
    CHECK(failed["passed"] == false);
    CHECK(failed["name"] == "wrong");
    CHECK(failed["line"] == 3);
    REQUIRE(failed["failures"].size() == 1);
    const json& failure = failed["failures"][0];
    CHECK(failure["what"] == "output");
    CHECK_THAT(failure["message"].get<std::string>(), Catch::Contains("/n"));
    CHECK(failure["expected"] == json{{"by", "ada"}, {"n", 2}});
    CHECK(failure["actual"] == json{{"by", "ada"}, {"n", 1}});
  }
  SECTION("a step without a mock is named, with the fix") {
    folder.Write("t.test.yaml", "workflow: waits.yaml\ncases:\n  - name: no mock\n");
    auto result = Test({folder / "t.test.yaml"});
    CHECK(result.exit_code == 1);
    const json failed = OnlyCase(json::parse(result.out));
    REQUIRE(failed["failures"].size() >= 1);
    CHECK(failed["failures"][0]["what"] == "mock");
    CHECK(failed["failures"][0]["step"] == "first");
    CHECK_THAT(failed["failures"][0]["message"].get<std::string>(),
               Catch::Contains("first: {result: ...}"));
  }
  SECTION("an input the schema refuses is named, before anything runs") {
    folder.Write("strict.yaml", R"(dsl: 1
name: strict
input: {type: object, required: [n], properties: {n: {type: integer, minimum: 1}}}
steps: [{id: w, wait: 1s}]
)");
    folder.Write("s.test.yaml", R"(workflow: strict.yaml
cases: [{name: zero, input: {n: 0}}]
)");
    auto result = Test({folder / "s.test.yaml"});
    CHECK(result.exit_code == 1);
    const json failed = OnlyCase(json::parse(result.out));
    CHECK(failed["status"] == "rejected");
    CHECK(failed["failures"][0]["what"] == "input");
    CHECK_THAT(failed["failures"][0]["message"].get<std::string>(), Catch::Contains("/n"));
  }
  SECTION("a run left waiting is stuck, not hung") {
    folder.Write("t.test.yaml", R"(workflow: waits.yaml
cases:
  - name: never signalled
    mocks: {first: {result: null}}
)");
    auto result = Test({folder / "t.test.yaml"});
    CHECK(result.exit_code == 1);
    const json failed = OnlyCase(json::parse(result.out));
    CHECK(failed["status"] == "waiting");
    CHECK(failed["failures"][0]["what"] == "stuck");
  }
  SECTION("the wrong order of steps, and an error where an output was expected") {
    folder.Write("t.test.yaml", R"(workflow: waits.yaml
cases:
  - name: failing
    mocks: {first: {error: {type: Boom, message: it broke, non_retryable: true}}}
    expect: {output: 1, steps: [gate, first]}
)");
    auto result = Test({folder / "t.test.yaml"});
    CHECK(result.exit_code == 1);
    const json failed = OnlyCase(json::parse(result.out));
    CHECK(failed["status"] == "failed");
    CHECK(failed["error"]["type"] == "Boom");
    REQUIRE(failed["failures"].size() == 2);
    CHECK(failed["failures"][0]["what"] == "output");
    CHECK_THAT(failed["failures"][0]["message"].get<std::string>(),
               Catch::Contains("failed with Boom: it broke"));
    CHECK(failed["failures"][1]["what"] == "steps");
    CHECK(failed["failures"][1]["actual"] == json{"first"});
  }
  // The human form says the same, with the file and line of the case.
  folder.Write("human.test.yaml", R"(workflow: waits.yaml
cases:
  - name: wrong
    mocks: {first: {result: null}}
    events: [{signal: go, input: 1}]
    expect: {output: 2}
)");
  auto human = RunProcess({WeftBinary(), "test", folder / "human.test.yaml"});
  CHECK(human.exit_code == 1);
  CHECK_THAT(human.out, Catch::Contains("FAIL  wrong") &&
                            Catch::Contains("human.test.yaml:3: output") &&
                            Catch::Contains("expected: 2") && Catch::Contains("actual:   1") &&
                            Catch::Contains("1 case, 1 failed"));
}

TEST_CASE("a malformed test file is reported like a definition, with did-you-mean") {
  TempFolder folder;
  folder.Write("waits.yaml", kWaiting);
  folder.Write("t.test.yaml", R"(workflow: waits.yaml
cases:
  - name: typo
    mock: {first: {result: null}}
    expect: {outptu: 1}
)");
  auto result = Test({folder / "t.test.yaml"});
  CHECK(result.exit_code == 1);
  const json report = json::parse(result.out);
  CHECK(report["passed"] == false);
  const json& errors = report["files"][0]["errors"];
  REQUIRE(errors.size() == 2);
  CHECK(errors[0]["code"] == "WEFT1102");
  CHECK(errors[0]["line"] == 4);
  CHECK(errors[0]["hint"] == "did you mean `mocks`?");
  CHECK(errors[1]["path"] == "/cases/0/expect/outptu");
  // A definition that does not load is reported with its own diagnostics.
  folder.Write("broken.yaml", "dsl: 1\nname: broken\nsteps: []\n");
  folder.Write("b.test.yaml", "workflow: broken.yaml\ncases: [{name: x}]\n");
  auto broken = Test({folder / "b.test.yaml"});
  CHECK(broken.exit_code == 1);
  CHECK_THAT(broken.out, Catch::Contains("broken.yaml"));
  CHECK(json::parse(broken.out)["files"][0]["errors"].size() >= 1);
  // No test files at all is a failure, not a pass.
  TempFolder empty;
  CHECK(Test({empty.path().string()}).exit_code == 1);
}
