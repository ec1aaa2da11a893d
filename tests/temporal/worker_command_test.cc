// `weft worker` end to end, as a user runs it: the real binary as a child process serving a
// workflows folder on a real dev server. Hot reload of edited definitions, runs pinned to the
// definition they started with across a worker restart, and graceful shutdown on SIGTERM. A
// server that goes away and comes back is reconnect_test's.

#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/dev_server.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::temporal::WorkflowClient;
using weft::temporal::WorkflowOutcome;
using weft::testing::ChildProcess;
using weft::testing::DevServer;
using weft::testing::TempFolder;
using namespace std::chrono_literals;

// Waits for a signal `go`, then ends with "old".
constexpr char kOldDefinition[] = R"(dsl: 1
name: pinned
handlers:
  signals:
    go: {}
steps:
  - id: wait_for_go
    await: {signal: go, timeout: 1h}
output: old
)";

// The edit: a call before the wait, which a run of the old definition never scheduled, so
// that replaying an old run with it would be non-deterministic; and another output.
constexpr char kNewDefinition[] = R"(dsl: 1
name: pinned
handlers:
  signals:
    go: {}
steps:
  - id: note
    call: log
    args: {message: the new definition}
    timeouts: {start_to_close: 10s}
  - id: wait_for_go
    await: {signal: go, timeout: 1h}
output: new
)";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int Occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// Waits until the worker's log holds `what` `count` times.
void WaitForLog(const ChildProcess& worker, const std::string& what, int count) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (Occurrences(ReadFile(worker.log_path()), what) < count) {
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL("the worker did not log \"" << what << "\" " << count << " times:\n"
                                       << worker.LogTail());
    }
    std::this_thread::sleep_for(50ms);
  }
}

json ResultOf(const WorkflowClient& client, const std::string& workflow_id) {
  weft::testing::WaitUntilClosed(client, workflow_id);
  auto outcome = client.Result({.workflow_id = workflow_id});
  REQUIRE(outcome);
  INFO(outcome->failure.dump());
  REQUIRE(outcome->status == WorkflowOutcome::Status::kCompleted);
  return outcome->result;
}

std::string StartRun(const WorkflowClient& client, const std::string& type,
                     const std::string& task_queue, json input = json::object()) {
  const std::string id = weft::testing::UniqueName(type);
  auto started = client.Start(type, input, {.workflow_id = id, .task_queue = task_queue});
  REQUIRE(started);
  return id;
}

// Waits until the run's first workflow task is done: its pin is in history.
void WaitUntilPinned(const WorkflowClient& client, const std::string& workflow_id) {
  weft::testing::WaitForEvent(client, workflow_id, "EVENT_TYPE_MARKER_RECORDED");
}

}  // namespace

TEST_CASE("an edited definition serves new runs at once; a run in flight keeps its own") {
  const std::string address = DevServer::Shared().address();
  const std::string queue = weft::testing::UniqueName("pinning");
  TempFolder workflows("weft-pinning");
  workflows.Write("pinned.yaml", kOldDefinition);
  WorkflowClient client = weft::testing::ConnectClient(address);

  auto worker =
      weft::testing::StartWeftWorker(address, queue, workflows.path(), {"--rescan-seconds", "0.2"});
  const std::string old_run = StartRun(client, "pinned", queue);
  WaitUntilPinned(client, old_run);

  // Hot reload: no restart, the next run is the new definition's.
  workflows.Write("pinned.yaml", kNewDefinition);
  WaitForLog(*worker, "serving workflow pinned", 2);
  const std::string new_run = StartRun(client, "pinned", queue);
  WaitUntilPinned(client, new_run);
  REQUIRE(client.Signal({.workflow_id = new_run}, "go", nullptr));
  CHECK(ResultOf(client, new_run) == "new");

  // A restarted worker has no cache: the old run is replayed from history, with the definition
  // its history pins, not the one on disk.
  ::kill(worker->pid(), SIGKILL);
  worker.reset();
  worker = weft::testing::StartWeftWorker(address, queue, workflows.path());
  REQUIRE(client.Signal({.workflow_id = old_run}, "go", nullptr));
  CHECK(ResultOf(client, old_run) == "old");
  const json history = weft::testing::HistoryOf(client, old_run);
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_WORKFLOW_TASK_FAILED") == 0);
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED") == 0);

  // And after the restart a new run is still the new definition's.
  const std::string after_restart = StartRun(client, "pinned", queue);
  WaitUntilPinned(client, after_restart);
  REQUIRE(client.Signal({.workflow_id = after_restart}, "go", nullptr));
  CHECK(ResultOf(client, after_restart) == "new");
}

TEST_CASE("a definition that breaks keeps its last good version served") {
  const std::string address = DevServer::Shared().address();
  const std::string queue = weft::testing::UniqueName("broken");
  TempFolder workflows("weft-broken");
  workflows.Write("pinned.yaml", kOldDefinition);
  WorkflowClient client = weft::testing::ConnectClient(address);
  auto worker =
      weft::testing::StartWeftWorker(address, queue, workflows.path(), {"--rescan-seconds", "0.2"});

  workflows.Write("pinned.yaml", "dsl: 1\nname: pinned\nsteps:\n  - id: x\n    wiat: 1s\n");
  WaitForLog(*worker, "WEFT1", 1);  // the diagnostics of the broken file
  const std::string run = StartRun(client, "pinned", queue);
  WaitUntilPinned(client, run);
  REQUIRE(client.Signal({.workflow_id = run}, "go", nullptr));
  CHECK(ResultOf(client, run) == "old");
}

TEST_CASE("SIGTERM shuts the worker down gracefully") {
  const std::string address = DevServer::Shared().address();
  TempFolder workflows("weft-sigterm");
  workflows.Write("pinned.yaml", kOldDefinition);
  auto worker = weft::testing::StartWeftWorker(address, weft::testing::UniqueName("sigterm"),
                                               workflows.path());
  REQUIRE(::kill(worker->pid(), SIGTERM) == 0);
  // Polls are cancelled and ShutdownWorker sent: well within the 70 s of a long poll.
  worker->WaitForOutput("weft worker stopped", 20s);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (worker->Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  CHECK_FALSE(worker->Running());
}

TEST_CASE("--graceful-shutdown-timeout lets an activity in flight finish after SIGTERM") {
  const std::string address = DevServer::Shared().address();
  TempFolder workflows("weft-graceful");
  workflows.Write("naps.yaml", R"(dsl: 1
name: naps
steps:
  - id: nap
    call: sleep
    args: {seconds: 2}
    timeouts: {start_to_close: 60s}
)");
  const std::string queue = weft::testing::UniqueName("graceful");
  auto worker = weft::testing::StartWeftWorker(address, queue, workflows.path(),
                                               {"--graceful-shutdown-timeout", "20"});
  WorkflowClient client = weft::testing::ConnectClient(address);
  const std::string run = StartRun(client, "naps", queue);
  // The server writes ActivityTaskStarted only once the attempt ends: ask for the pending one.
  const auto started_by = std::chrono::steady_clock::now() + 20s;
  while (true) {
    auto described = client.Describe({.workflow_id = run});
    REQUIRE(described);
    if (described->waiting_on.dump().find("PENDING_ACTIVITY_STATE_STARTED") != std::string::npos) {
      break;
    }
    REQUIRE(std::chrono::steady_clock::now() < started_by);
    std::this_thread::sleep_for(20ms);
  }
  const auto signalled = std::chrono::steady_clock::now();
  REQUIRE(::kill(worker->pid(), SIGTERM) == 0);
  worker->WaitForOutput("weft worker stopped", 30s);
  // It waited for the nap rather than cancel it, and the nap's result reached the server.
  INFO(worker->LogTail());
  CHECK(std::chrono::steady_clock::now() - signalled > 1s);
  weft::testing::WaitForEvent(client, run, "EVENT_TYPE_ACTIVITY_TASK_COMPLETED");
}
