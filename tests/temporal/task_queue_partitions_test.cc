// `weft worker` against a dev server whose task queues have four partitions (the server's
// default) and whose task dispatch is not paced (history.transferProcessorMaxPollRPS=1000), as
// in issue 20, where a worker with one activity poll left about 8 % of runs waiting 2 s for
// their activity: a task waits in the partition it landed on until a poll reaches that
// partition. With the worker's default pollers no activity of 80 runs started at once waits
// more than a second between being scheduled and being started, read from each run's history.
//
// WEFT_PARTITIONS_TEST_POLLERS=1 runs the worker with one poll of each kind (weft's default
// before), to see the stall this test guards against.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/dev_server.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::DevServer;

constexpr char kThreeSteps[] = R"(dsl: 1
name: three-logs
steps:
  - id: one
    call: log
    args: {message: one}
    timeouts: {start_to_close: 10s}
  - id: two
    call: log
    args: {message: two}
    timeouts: {start_to_close: 10s}
  - id: three
    call: log
    args: {message: three}
    timeouts: {start_to_close: 10s}
output: {done: true}
)";

// "2026-12-05T01:20:00.123456789Z" as milliseconds since the epoch.
double EventMs(const std::string& time) {
  std::tm parts{};
  if (strptime(time.c_str(), "%Y-%m-%dT%H:%M:%S", &parts) == nullptr) return 0;
  double ms = static_cast<double>(timegm(&parts)) * 1000.0;
  if (const auto dot = time.find('.'); dot != std::string::npos) {
    ms += std::stod("0" + time.substr(dot, time.find('Z') - dot)) * 1000.0;
  }
  return ms;
}

// Each activity's wait from ActivityTaskScheduled to ActivityTaskStarted, in ms.
std::vector<double> ScheduleToStart(const json& history) {
  std::map<std::string, double> scheduled;  // by event id
  std::vector<double> waits;
  for (const json& event : history.at("events")) {
    const std::string type = event.value("eventType", "");
    if (type == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED") {
      scheduled[event.at("eventId").get<std::string>()] = EventMs(event.value("eventTime", ""));
    } else if (type == "EVENT_TYPE_ACTIVITY_TASK_STARTED") {
      const auto& attributes = event.at("activityTaskStartedEventAttributes");
      const auto found = scheduled.find(attributes.at("scheduledEventId").get<std::string>());
      if (found != scheduled.end()) {
        waits.push_back(EventMs(event.value("eventTime", "")) - found->second);
      }
    }
  }
  return waits;
}

}  // namespace

TEST_CASE("with four partitions and unpaced dispatch, no activity waits for a missing poll") {
  auto server = DevServer::Start(
      {.extra_args = {"--dynamic-config-value", "history.transferProcessorMaxPollRPS=1000"},
       .task_queue_partitions = 4});
  weft::testing::TempFolder folder("weft-partitions");
  folder.Write("three-logs.yaml", kThreeSteps);
  const std::string queue = weft::testing::UniqueName("weft-partitions");
  std::vector<std::string> extra;
  if (const char* pollers = std::getenv("WEFT_PARTITIONS_TEST_POLLERS")) {
    extra = {"--workflow-pollers", pollers, "--sticky-pollers", pollers,
             "--activity-pollers", pollers};
  }
  auto worker = weft::testing::StartWeftWorker(server->address(), queue, folder.path(), extra);
  const auto client = weft::testing::ConnectClient(server->address());

  constexpr int kRuns = 80;
  std::vector<std::string> ids;
  for (int i = 0; i < kRuns; ++i) {
    ids.push_back(weft::testing::UniqueName("partitions"));
    auto started = client.Start("three-logs", json::object(),
                                {.workflow_id = ids.back(), .task_queue = queue});
    REQUIRE(started);
  }
  std::vector<double> waits;
  int stalled_runs = 0;
  for (const std::string& id : ids) {
    weft::testing::WaitUntilClosed(client, id);
    const json history = weft::testing::HistoryOf(client, id);
    CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED") == 1);
    const auto run_waits = ScheduleToStart(history);
    CHECK(run_waits.size() == 3);
    if (std::any_of(run_waits.begin(), run_waits.end(), [](double ms) { return ms > 1000; })) {
      ++stalled_runs;
    }
    waits.insert(waits.end(), run_waits.begin(), run_waits.end());
  }
  std::sort(waits.begin(), waits.end());
  REQUIRE(!waits.empty());
  std::cout << kRuns << " runs, " << waits.size() << " activities: schedule-to-start median "
            << waits[waits.size() / 2] << " ms, p99 " << waits[waits.size() * 99 / 100]
            << " ms, max " << waits.back()
            << " ms; runs with an activity waiting over 1 s: " << stalled_runs << "\n";
  CHECK(stalled_runs == 0);
  CHECK(waits.back() < 1000);
}
