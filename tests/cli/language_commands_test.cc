// weft validate, schema and graph, run as a user runs them: readable errors like a compiler's,
// JSON for machines, exit codes scripts can trust.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

using weft::testing::RunProcess;
using weft::testing::WeftBinary;

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = WEFT_SOURCE_DIR;

// `weft validate` with the project's activities registered, as when run from the checkout.
weft::testing::ProcessResult Validate(std::vector<std::string> arguments) {
  std::vector<std::string> argv = {WeftBinary(), "validate", "--lua-dir",
                                   (kSourceDir / "activities").string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return RunProcess(argv);
}

// A fresh folder under the system's temporary directory, removed at the end of the test.
class TempFolder {
 public:
  TempFolder() {
    path_ = fs::temp_directory_path() /
            ("weft-lang-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempFolder() { fs::remove_all(path_); }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

const char kValid[] = R"(dsl: 1
name: ok
steps:
  - id: pause
    wait: 1s
)";

const char kInvalid[] = R"(dsl: 1
name: broken
steps:
  - id: charge
    call: payments.charge
    timeouts: {start_to_clos: 30s}
)";

}  // namespace

TEST_CASE("weft validate passes valid files with exit code 0") {
  TempFolder folder;
  const std::string file = folder.Write("ok.yaml", kValid);
  auto result = Validate({file});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("ok.yaml: ok (ok v1, sha256 "));
  CHECK_THAT(result.out, Catch::Contains("1 file, 0 invalid, 0 errors"));
}

TEST_CASE("weft validate prints errors like a compiler and exits 1") {
  TempFolder folder;
  const std::string file = folder.Write("broken.yaml", kInvalid);
  auto result = Validate({file});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out,
             Catch::Contains(file + ":6:16: error[WEFT1102]: unknown key `start_to_clos` in "
                                    "`timeouts`\n"
                                    "        timeouts: {start_to_clos: 30s}\n"
                                    "                   ^\n"
                                    "  at /steps/0/timeouts/start_to_clos\n"
                                    "  hint: did you mean `start_to_close`?\n"));
  CHECK_THAT(result.out, Catch::Contains(file + ":5:11: error[WEFT1301]"));
  CHECK_THAT(result.out, Catch::Contains("1 file, 1 invalid, 2 errors"));
}

TEST_CASE("weft validate walks folders and reports every file") {
  TempFolder folder;
  folder.Write("a.yaml", kValid);
  folder.Write("b.yml", kInvalid);
  folder.Write("notes.txt", "not a definition");
  auto result = Validate({folder.path()});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("2 files, 1 invalid, 2 errors"));
}

TEST_CASE("weft validate --json gives machines every diagnostic") {
  TempFolder folder;
  const std::string good = folder.Write("ok.yaml", kValid);
  const std::string bad = folder.Write("broken.yaml", kInvalid);
  auto result = Validate({"--json", good, bad});
  CHECK(result.exit_code == 1);
  const auto report = nlohmann::json::parse(result.out);
  CHECK(report["valid"] == false);
  REQUIRE(report["files"].size() == 2);
  CHECK(report["files"][0]["valid"] == true);
  CHECK(report["files"][0]["sha256"].get<std::string>().size() == 64);
  const auto& diagnostics = report["files"][1]["diagnostics"];
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics[1] == nlohmann::json{{"code", "WEFT1102"},
                                         {"file", bad},
                                         {"line", 6},
                                         {"column", 16},
                                         {"path", "/steps/0/timeouts/start_to_clos"},
                                         {"message", "unknown key `start_to_clos` in `timeouts`"},
                                         {"hint", "did you mean `start_to_close`?"}});
}

TEST_CASE("weft validate --json prints a diagnostic with bytes that are not UTF-8 (U+FFFD)") {
  TempFolder folder;
  // A YAML escape before a two-byte character: the parser's message quotes only its first byte.
  const std::string bad = folder.Write(
      "escape.yaml", "dsl: 1\nname: x\nversion: 1\nsteps:\n  - id: \"a\\\xc3\xa9\"\n    log: hi\n");
  auto result = Validate({"--json", bad});
  INFO(result.err);
  CHECK(result.exit_code == 1);
  const auto report = nlohmann::json::parse(result.out);
  const auto& diagnostics = report["files"][0]["diagnostics"];
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0]["message"] == "YAML syntax error: unknown escape character: \xef\xbf\xbd");
}

TEST_CASE("weft validate reports a missing file as an error") {
  auto result = RunProcess({WeftBinary(), "validate", "/nonexistent/flow.yaml"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("WEFT1012"));
}

TEST_CASE("every shipped workflow validates, its activities registered") {
  auto result = RunProcess({WeftBinary(), "validate", (kSourceDir / "workflows").string(),
                            "--lua-dir", (kSourceDir / "activities").string()});
  INFO(result.out);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains(" 0 invalid, 0 errors"));
}

TEST_CASE("weft schema prints the JSON Schema of the language") {
  auto result = RunProcess({WeftBinary(), "schema"});
  REQUIRE(result.exit_code == 0);
  const auto schema = nlohmann::json::parse(result.out);
  CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
  CHECK(schema["required"] == nlohmann::json{"dsl", "name", "steps"});
  std::ifstream file(kSourceDir / "schema/workflow.schema.json");
  CHECK(schema == nlohmann::json::parse(file));
}

TEST_CASE("weft graph draws branches, loops, try/catch and handlers in Mermaid") {
  TempFolder folder;
  const std::string file = folder.Write("flow.yaml", R"(dsl: 1
name: drawn
vars: {done: false}
defaults: {call: {timeouts: {start_to_close: 5s}}}
handlers:
  signals:
    stop: {set: {done: true}}
steps:
  - id: fan
    parallel:
      branches:
        - id: left
          steps: [{id: a, call: x.a}]
        - id: right
          steps: [{id: b, call: x.b}]
  - id: loop
    while:
      condition: ${ !vars.done }
      max_iterations: 3
      steps: [{id: tick, wait: 1s}]
  - id: guarded
    try:
      steps:
        - id: risky
          call: x.risky
          compensate: {call: x.undo}
      catch:
        - errors: [Timeout]
          steps: [{id: recover, set: {done: true}}]
  - id: listen
    await: {signal: stop}
)");
  auto result = RunProcess({WeftBinary(), "graph", file});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::string& graph = result.out;
  CHECK(graph.starts_with("flowchart TD\n"));
  CHECK_THAT(graph, Catch::Contains("s_fan[[\"fan<br/>parallel all\"]]"));
  CHECK_THAT(graph, Catch::Contains("subgraph s_fan_left [\"branch left\"]"));
  CHECK_THAT(graph, Catch::Contains("s_a --> s_fan_join"));
  CHECK_THAT(graph, Catch::Contains("s_tick -. \"again\" .-> s_loop"));
  CHECK_THAT(graph, Catch::Contains(
                        "subgraph s_loop_body [\"repeat\"]\n    s_tick(\"tick<br/>wait 1s\")\n"));
  CHECK_THAT(graph, Catch::Contains("s_guarded -. \"error\" .-> s_guarded_catch0"));
  CHECK_THAT(graph, Catch::Contains("subgraph s_guarded_body [\"try guarded\"]\n    s_risky["));
  CHECK_THAT(graph, Catch::Contains("s_risky -. \"compensate\" .-> s_risky_undo"));
  CHECK_THAT(graph, Catch::Contains("g_stop>\"signal stop\"]"));
  CHECK_THAT(graph, Catch::Contains("g_stop -.-> s_listen"));
  CHECK_THAT(graph, Catch::Contains("s_listen --> finish"));
}

TEST_CASE("weft graph of an invalid file prints its errors and exits 1") {
  TempFolder folder;
  const std::string file = folder.Write("broken.yaml", kInvalid);
  auto result = RunProcess({WeftBinary(), "graph", file});
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("error[WEFT1102]"));
}

TEST_CASE("weft fmt prints the canonical layout, which loads to the same hash") {
  TempFolder folder;
  const std::string file = folder.Write("messy.yaml", R"(# comments go
steps:
  - wait: 90s
    id: pause
name: messy
dsl: 1
)");
  auto formatted = RunProcess({WeftBinary(), "fmt", file});
  REQUIRE(formatted.exit_code == 0);
  CHECK(formatted.out == "dsl: 1\nname: messy\nsteps:\n  - id: pause\n    wait: 1m30s\n");
  const std::string copy = folder.Write("formatted.yaml", formatted.out);
  auto original = Validate({"--json", file});
  auto again = Validate({"--json", copy});
  CHECK(nlohmann::json::parse(original.out)["files"][0]["sha256"] ==
        nlohmann::json::parse(again.out)["files"][0]["sha256"]);
  REQUIRE(RunProcess({WeftBinary(), "fmt", "--write", file}).exit_code == 0);
  std::ifstream rewritten(file);
  std::string text((std::istreambuf_iterator<char>(rewritten)), std::istreambuf_iterator<char>());
  CHECK(text == formatted.out);
}

TEST_CASE("weft validate reports a call of an activity nobody registered") {
  const fs::path file =
      fs::temp_directory_path() / ("weft-unknown-activity-" + std::to_string(getpid()) + ".yaml");
  {
    std::ofstream out(file);
    out << "dsl: 1\nname: charge-it\nsteps:\n"
           "  - id: pay\n    call: payments.chrage\n    timeouts: {start_to_close: 10s}\n"
           "  - id: elsewhere\n    call: billing.python_only\n    task_queue: python\n"
           "    timeouts: {start_to_close: 10s}\n";
  }
  auto result = RunProcess(
      {WeftBinary(), "validate", file.string(), "--lua-dir", (kSourceDir / "activities").string()});
  fs::remove(file);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("WEFT1206"));
  CHECK_THAT(result.out, Catch::Contains("unknown activity `payments.chrage`"));
  CHECK_THAT(result.out, Catch::Contains("did you mean `payments.charge`?"));
  // An activity another worker serves, on its own task queue, is not this registry's to know.
  CHECK_THAT(result.out, !Catch::Contains("billing.python_only"));
  CHECK_THAT(result.out, Catch::Contains("1 error"));
}
