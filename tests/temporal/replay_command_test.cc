// `weft replay` on histories exported from a real dev server, by `weft history` and by the
// Temporal CLI: a run replays deterministically against this build; a history doctored so that
// it no longer matches says where and how it diverged; older enum spellings, a history cut in
// the middle of a workflow task, and input that is not a history are handled.

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/dev_server.h"
#include "tests/support/python_worker.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::ProcessResult;
using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::WeftBinary;

// An activity, a timer and a signal: a history with every kind of task boundary.
constexpr char kDefinition[] = R"(dsl: 1
name: replayed
input:
  type: object
  properties: {name: {type: string}}
handlers:
  signals:
    go: {}
steps:
  - id: hello
    call: log
    args: {message: '${ "hello " + input.name }'}
    timeouts: {start_to_close: 10s}
  - id: pause
    wait: 100ms
  - id: wait_for_go
    await: {signal: go, timeout: 1h}
    result: go
output: '${ {"name": input.name, "go": vars.go} }'
)";

// One completed run of `replayed`, and its history as `weft history` and the Temporal CLI
// export it, shared by the tests of this file.
struct ExportedRun {
  TempFolder folder{"weft-replay"};
  std::string workflow_id;
  std::filesystem::path weft_export;
  std::filesystem::path cli_export;

  ExportedRun() {
    const std::string address = weft::testing::DevServer::Shared().address();
    const std::string queue = weft::testing::UniqueName("replay");
    TempFolder workflows("weft-replay-workflows");
    workflows.Write("replayed.yaml", kDefinition);
    auto worker = weft::testing::StartWeftWorker(address, queue, workflows.path());
    auto client = weft::testing::ConnectClient(address);
    workflow_id = weft::testing::UniqueName("replayed");
    REQUIRE(client.Start("replayed", {{"name", "Ada"}},
                         {.workflow_id = workflow_id, .task_queue = queue}));
    weft::testing::WaitForEvent(client, workflow_id, "EVENT_TYPE_TIMER_STARTED", 2);
    REQUIRE(client.Signal({.workflow_id = workflow_id}, "go", {{"by", "test"}}));
    weft::testing::WaitUntilClosed(client, workflow_id);

    const ProcessResult exported =
        RunProcess({WeftBinary(), "history", workflow_id, "--address", address});
    REQUIRE(exported.exit_code == 0);
    weft_export = folder.path() / "weft-history.json";
    std::ofstream(weft_export) << exported.out;

    const ProcessResult shown =
        RunProcess({weft::testing::RequiredEnv("WEFT_TEMPORAL_CLI"), "workflow", "show", "-w",
                    workflow_id, "--address", address, "-o", "json"});
    INFO(shown.err);
    REQUIRE(shown.exit_code == 0);
    cli_export = folder.path() / "cli-history.json";
    std::ofstream(cli_export) << shown.out;
  }

  json History() const {
    std::ifstream in(weft_export);
    return json::parse(in);
  }

  std::filesystem::path Write(const std::string& name, const json& history) const {
    const auto path = folder.path() / name;
    std::ofstream(path) << history.dump(2);
    return path;
  }
};

const ExportedRun& Run() {
  static ExportedRun run;
  return run;
}

ProcessResult Replay(const std::filesystem::path& history, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {WeftBinary(), "replay", history.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunProcess(argv);
}

}  // namespace

TEST_CASE("a history exported by weft history replays deterministically") {
  const ProcessResult replayed = Replay(Run().weft_export);
  INFO(replayed.out << replayed.err);
  CHECK(replayed.exit_code == 0);
  CHECK_THAT(replayed.out, Catch::Contains("deterministic: replayed"));
  CHECK_THAT(replayed.out, Catch::Contains("against replayed v1 sha256:"));
}

TEST_CASE("a history exported by the Temporal CLI replays deterministically") {
  const ProcessResult replayed = Replay(Run().cli_export, {"--json"});
  INFO(replayed.out << replayed.err);
  REQUIRE(replayed.exit_code == 0);
  const json report = json::parse(replayed.out);
  CHECK(report["deterministic"] == true);
  CHECK(report["workflow_type"] == "replayed");
  CHECK(report["workflow_tasks"].get<int>() >= 4);  // start, activity, timer, signal
  CHECK(report["events"].get<int>() == static_cast<int>(Run().History()["events"].size()));
}

TEST_CASE("a doctored history is not deterministic, and the event and command are named") {
  json history = Run().History();
  std::string scheduled_id;
  for (json& event : history["events"]) {
    if (event["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED") {
      event["activityTaskScheduledEventAttributes"]["activityType"]["name"] = "log.info";
      scheduled_id = event["eventId"].get<std::string>();
    }
  }
  REQUIRE_FALSE(scheduled_id.empty());
  const ProcessResult replayed = Replay(Run().Write("doctored.json", history));
  INFO(replayed.out << replayed.err);
  CHECK(replayed.exit_code == 1);
  CHECK_THAT(replayed.out, Catch::Contains("NOT deterministic"));
  CHECK_THAT(replayed.out, Catch::Contains("at event " + scheduled_id));
  CHECK_THAT(replayed.out, Catch::Contains("[WEFT3001]"));
  CHECK_THAT(replayed.out, Catch::Contains("\"activity_type\":\"log.info\""));
  CHECK_THAT(replayed.out, Catch::Contains("now produces schedule_activity"));

  // A signal history never had changes what the workflow does after it: the command events
  // that follow no longer match.
  json resignalled = Run().History();
  for (json& event : resignalled["events"]) {
    if (event["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED") {
      event["workflowExecutionSignaledEventAttributes"]["signalName"] = "stop";
    }
  }
  const ProcessResult diverged = Replay(Run().Write("resignalled.json", resignalled));
  INFO(diverged.out << diverged.err);
  CHECK(diverged.exit_code == 1);
  CHECK_THAT(diverged.out, Catch::Contains("NOT deterministic"));
}

TEST_CASE("enum values spelled the older way, and a history cut inside a task, replay") {
  json legacy = Run().History();
  for (json& event : legacy["events"]) {
    // EVENT_TYPE_WORKFLOW_TASK_STARTED -> WorkflowTaskStarted
    std::string type =
        event["eventType"].get<std::string>().substr(std::string("EVENT_TYPE_").size());
    std::string pascal;
    bool upper = true;
    for (char c : type) {
      if (c == '_') {
        upper = true;
        continue;
      }
      pascal += upper ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      upper = false;
    }
    event["eventType"] = pascal;
  }
  const ProcessResult replayed = Replay(Run().Write("legacy.json", legacy));
  INFO(replayed.out << replayed.err);
  CHECK(replayed.exit_code == 0);

  // Up to the second WorkflowTaskStarted only: the replay stops at the last completed task.
  json cut = Run().History();
  json events = json::array();
  int started = 0;
  for (const json& event : cut["events"]) {
    events.push_back(event);
    if (event["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_STARTED" && ++started == 2) break;
  }
  cut["events"] = events;
  const ProcessResult partial = Replay(Run().Write("cut.json", cut), {"--json"});
  INFO(partial.out << partial.err);
  REQUIRE(partial.exit_code == 0);
  CHECK(json::parse(partial.out)["workflow_tasks"] == 1);
}

TEST_CASE("input that is not a history is refused with the reason") {
  TempFolder folder("weft-replay-bad");
  std::ofstream(folder.path() / "not-json.json") << "{ events: ";
  ProcessResult replayed = Replay(folder.path() / "not-json.json");
  CHECK(replayed.exit_code == 2);
  CHECK_THAT(replayed.err, Catch::Contains("not JSON"));

  std::ofstream(folder.path() / "no-events.json") << R"({"history": []})";
  replayed = Replay(folder.path() / "no-events.json");
  CHECK(replayed.exit_code == 2);
  CHECK_THAT(replayed.err, Catch::Contains("no \"events\""));

  replayed = Replay(folder.path() / "missing.json");
  CHECK(replayed.exit_code == 2);
  CHECK_THAT(replayed.err, Catch::Contains("cannot be read"));
}
