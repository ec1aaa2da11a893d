// Crash safety on Temporal: 100 workflows run on the real `weft worker` while it is killed with
// SIGKILL again and again (no shutdown, no goodbye to the server: tasks in flight are lost and
// its sticky queue is left behind) and restarted. In the end every workflow has completed with
// the right result, and no history holds a non-determinism failure: whatever the moment of the
// kill, the next worker rebuilt each run from history with its pinned definition.

#include <signal.h>

#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/dev_server.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Four activities around a durable timer, one of them slow enough (`sleep`, half a second)
// that kills catch activities running; short timeouts, so that an activity or a workflow task
// lost with a killed worker is retried within seconds.
constexpr char kDefinition[] = R"(dsl: 1
name: crash-steps
input:
  type: object
  required: [n]
  properties: {n: {type: integer}}
defaults:
  call:
    timeouts: {start_to_close: 2s}
    retry: {initial_interval: 200ms, maximum_interval: 1s}
steps:
  - id: one
    call: {lua: "return input.x + 1"}
    args: {x: '${ input.n }'}
  - id: pause
    wait: 300ms
  - id: nap
    call: sleep
    args: {seconds: 0.5}
  - id: two
    call: {lua: "return input.x * 2"}
    args: {x: '${ steps.one.result }'}
  - id: three
    call: {lua: "return input.x + 3"}
    args: {x: '${ steps.two.result }'}
output: '${ {"n": input.n, "value": steps.three.result} }'
)";

constexpr int kWorkflows = 100;
constexpr int kKills = 12;

}  // namespace

TEST_CASE("100 workflows survive a worker killed with SIGKILL again and again") {
  const std::string address = weft::testing::DevServer::Shared().address();
  weft::testing::TempFolder workflows("weft-crash");
  workflows.Write("crash-steps.yaml", kDefinition);
  const std::string queue = weft::testing::UniqueName("crash");
  auto client = weft::testing::ConnectClient(address);

  std::vector<std::string> ids;
  for (int n = 0; n < kWorkflows; ++n) {
    ids.push_back(weft::testing::UniqueName("crash-steps"));
    REQUIRE(client.Start("crash-steps", {{"n", n}},
                         {.workflow_id = ids.back(), .task_queue = queue, .task_timeout = 2s}));
  }

  // Kills at varied moments: 0.4 s to 1.6 s after the worker polls.
  for (int kill = 0; kill < kKills; ++kill) {
    auto worker = weft::testing::StartWeftWorker(address, queue, workflows.path());
    std::this_thread::sleep_for(400ms + (kill % 4) * 400ms);
    REQUIRE(::kill(worker->pid(), SIGKILL) == 0);
    // The ChildProcess reaps it when it goes.
  }

  auto survivor = weft::testing::StartWeftWorker(address, queue, workflows.path());
  int non_determinism = 0;
  int lost_tasks = 0;  // workflow tasks and activities that timed out with a killed worker
  for (int n = 0; n < kWorkflows; ++n) {
    INFO("workflow " << ids[n]);
    // Task failures are counted below; only non-determinism is an error.
    weft::testing::WaitUntilClosed(client, ids[n], 150s, /*fail_on_task_failure=*/false);
    auto outcome = client.Result({.workflow_id = ids[n]});
    REQUIRE(outcome);
    INFO(outcome->failure.dump());
    CHECK(outcome->result == json{{"n", n}, {"value", (n + 1) * 2 + 3}});
    const json history = weft::testing::HistoryOf(client, ids[n]);
    for (const json& event : history["events"]) {
      const std::string type = event.value("eventType", "");
      if (type == "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT") ++lost_tasks;
      if (type == "EVENT_TYPE_ACTIVITY_TASK_STARTED" &&
          event["activityTaskStartedEventAttributes"].value("attempt", 1) > 1) {
        ++lost_tasks;
      }
      if (type != "EVENT_TYPE_WORKFLOW_TASK_FAILED") continue;
      const json& failed = event["workflowTaskFailedEventAttributes"];
      if (failed.value("cause", "") == "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR") {
        ++non_determinism;
        UNSCOPED_INFO(failed.dump());
      }
    }
  }
  CHECK(non_determinism == 0);
  // The kills did hit work in flight: else this test proves nothing.
  CHECK(lost_tasks > 0);
  WARN(lost_tasks << " workflow tasks and activity attempts were lost with a killed worker");
  CHECK(survivor->Running());
}
