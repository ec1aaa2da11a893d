// `weft worker --sync-schedules` against a real dev server: the schedules a definition declares
// are created when the worker starts, fire runs the worker completes, follow edits of the file
// (updated, deleted) while it runs, stay as they are across a restart, and a schedule of the
// same id that weft did not create is left alone with a warning.

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "runtime/temporal/schedule_client.h"
#include "tests/support/dev_server.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::ChildProcess;
using weft::testing::DevServer;
using weft::testing::TempFolder;
using namespace std::chrono_literals;

std::string Definition(const std::string& name, const std::string& fast_interval, bool with_later) {
  std::string text = "dsl: 1\nname: " + name +
                     R"(
input:
  type: object
  required: [scope]
  properties:
    scope: {type: string}
schedules:
  - id: fast
    interval: )" + fast_interval +
                     R"(
    input: {scope: all}
  - id: foreign
    interval: 1h
    input: {scope: none}
)";
  if (with_later) {
    text += R"(  - id: later
    cron: "0 3 * * *"
    time_zone: Europe/Berlin
    paused: true
    input: {scope: night}
)";
  }
  text += R"(steps:
  - id: report
    call: log
    args: {message: '${ "report of " + input.scope }'}
    timeouts: {start_to_close: 10s}
output: '${ "reported " + input.scope }'
)";
  return text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WaitForLog(const ChildProcess& worker, const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (ReadFile(worker.log_path()).find(what) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL("the worker did not log \"" << what << "\":\n" << worker.LogTail());
    }
    std::this_thread::sleep_for(50ms);
  }
}

}  // namespace

TEST_CASE("declared schedules are created, fire, follow edits and leave others alone") {
  const std::string address = DevServer::Shared().address();
  auto client = weft::testing::ConnectClient(address);
  const weft::temporal::ScheduleClient schedules(client);
  const std::string name = weft::testing::UniqueName("synced-report");
  const std::string queue = weft::testing::UniqueName("sync");

  // A schedule someone else made under the id a declaration will want.
  REQUIRE(schedules.Create(name + ".foreign", {.intervals = {1h},
                                               .workflow_type = "someone-elses",
                                               .task_queue = "elsewhere",
                                               .paused = true}));

  TempFolder workflows("weft-schedule-sync");
  workflows.Write(name + ".yaml", Definition(name, "1s", /*with_later=*/true));
  auto worker =
      weft::testing::StartWeftWorker(address, queue, workflows.path(), {"--sync-schedules"});
  WaitForLog(*worker, "schedule " + name + ".fast created");
  WaitForLog(*worker, "schedule " + name + ".later created");
  WaitForLog(*worker, name + ".foreign exists and was not created by a weft worker");

  // What was created is what the file says, on the worker's task queue, marked as weft's.
  auto later = schedules.Describe(name + ".later");
  REQUIRE(later);
  CHECK(later->schedule.workflow_type == name);
  CHECK(later->schedule.task_queue == queue);
  CHECK(later->schedule.crons == std::vector<std::string>{"0 3 * * *"});
  CHECK(later->schedule.time_zone == "Europe/Berlin");
  CHECK(later->schedule.paused);
  CHECK(later->schedule.input == json{{"scope", "night"}});
  CHECK(later->schedule.memo["weft"] == json{{"task_queue", queue}, {"workflow", name}});
  // The foreign one is as it was.
  auto foreign = schedules.Describe(name + ".foreign");
  REQUIRE(foreign);
  CHECK(foreign->schedule.workflow_type == "someone-elses");

  // The fast one fires runs that the worker completes with the declared input.
  std::string fired;
  for (int attempt = 0; attempt < 100 && fired.empty(); ++attempt) {
    auto fast = schedules.Describe(name + ".fast");
    REQUIRE(fast);
    if (!fast->recent.empty()) fired = fast->recent.front().execution.workflow_id;
    if (fired.empty()) std::this_thread::sleep_for(100ms);
  }
  REQUIRE_FALSE(fired.empty());
  weft::testing::WaitUntilClosed(client, fired);
  auto outcome = client.Result({.workflow_id = fired});
  REQUIRE(outcome);
  CHECK(outcome->result == "reported all");

  // An edit while the worker runs: `fast` changes, `later` goes.
  workflows.Write(name + ".yaml", Definition(name, "2s", /*with_later=*/false));
  WaitForLog(*worker, "schedule " + name + ".fast updated");
  WaitForLog(*worker, "schedule " + name + ".later deleted");
  auto fast = schedules.Describe(name + ".fast");
  REQUIRE(fast);
  CHECK(fast->schedule.intervals == std::vector<std::chrono::milliseconds>{2s});
  auto gone = schedules.Describe(name + ".later");
  REQUIRE_FALSE(gone);
  CHECK(gone.error().kind == weft::temporal::ClientError::Kind::kNotFound);

  // A restart finds everything as declared: nothing created, updated or deleted.
  worker->Stop();
  worker = weft::testing::StartWeftWorker(address, queue, workflows.path(), {"--sync-schedules"});
  WaitForLog(*worker, name + ".foreign exists");  // the sync has run
  const std::string log = ReadFile(worker->log_path());
  INFO(log);
  for (const char* change : {".fast created", ".fast updated", ".later created", " deleted"}) {
    CHECK(log.find(change) == std::string::npos);
  }

  worker->Stop();
  CHECK(schedules.Delete(name + ".fast"));
  CHECK(schedules.Delete(name + ".foreign"));
}
