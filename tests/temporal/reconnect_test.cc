// A server that goes away and comes back, and a server that is not there at all, as a user of
// `weft worker` meets them. A dev server persisted to a SQLite file is stopped and started
// again on the same port while weft runs and the official Python SDK's runs wait on timers and
// signals: every run must finish as written, and the time from the server's return to the first
// run completed after it is measured for both workers (bench/RESULTS.md quotes it). At start,
// the worker and the client commands check the address and the namespace and exit with an
// error that names the flag to fix.

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/dev_server.h"
#include "tests/support/python_worker.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::temporal::WorkflowClient;
using weft::temporal::WorkflowOutcome;
using weft::testing::ChildProcess;
using weft::testing::DevServer;
using weft::testing::TempFolder;
using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

constexpr char kNap[] = R"(dsl: 1
name: nap
steps:
  - {id: nap, wait: 3s}
output: rested
)";

constexpr char kGate[] = R"(dsl: 1
name: gate
handlers:
  signals:
    go: {}
steps:
  - {id: wait_for_go, await: {signal: go, timeout: 1h}, result: go}
output: ${ vars.go }
)";

// The time of an event as the server wrote it in proto3 JSON ("2026-12-04T19:20:00.123456Z").
Clock::time_point EventTime(const json& event) {
  const std::string text = event.at("eventTime").get<std::string>();
  std::tm tm{};
  double seconds = 0;
  std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%lf", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
              &tm.tm_min, &seconds);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const auto whole = Clock::from_time_t(timegm(&tm));
  return whole +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// When the run closed, by the server's clock, once it has.
Clock::time_point ClosedAt(const WorkflowClient& client, const std::string& workflow_id) {
  weft::testing::WaitUntilClosed(client, workflow_id, 120s);
  const json events = weft::testing::HistoryOf(client, workflow_id).at("events");
  return EventTime(events.back());
}

json ResultOf(const WorkflowClient& client, const std::string& workflow_id) {
  auto outcome = client.Result({.workflow_id = workflow_id});
  REQUIRE(outcome);
  INFO(outcome->failure.dump());
  REQUIRE(outcome->status == WorkflowOutcome::Status::kCompleted);
  return outcome->result;
}

std::string Start(const WorkflowClient& client, const std::string& type,
                  const std::string& task_queue, const json& input) {
  const std::string id = weft::testing::UniqueName(type);
  REQUIRE(client.Start(type, input, {.workflow_id = id, .task_queue = task_queue}));
  return id;
}

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

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

}  // namespace

TEST_CASE("runs waiting on timers and signals finish after a server restart, polled at once") {
  TempFolder state("weft-restart");
  auto server = DevServer::Start({.db_filename = (state.path() / "temporal.db").string()});
  const std::string address = server->address();

  TempFolder workflows("weft-restart-workflows");
  workflows.Write("nap.yaml", kNap);
  workflows.Write("gate.yaml", kGate);
  const std::string weft_queue = weft::testing::UniqueName("restart-weft");
  auto weft_worker = weft::testing::StartWeftWorker(address, weft_queue, workflows.path());
  const std::string python_queue = weft::testing::UniqueName("restart-python");
  auto python_worker = ChildProcess::Start(
      {weft::testing::RequiredEnv("WEFT_PYTHON"),
       weft::testing::RequiredEnv("WEFT_TEST_PYTHON_DIR") + "/interop_worker.py", address,
       python_queue});
  python_worker->WaitForOutput("ready", 60s);

  WorkflowClient client = weft::testing::ConnectClient(address);
  std::vector<std::string> weft_naps, weft_gates, python_naps, python_counters;
  for (int i = 0; i < 3; ++i) {
    weft_naps.push_back(Start(client, "nap", weft_queue, json::object()));
    weft_gates.push_back(Start(client, "gate", weft_queue, json::object()));
    python_naps.push_back(Start(client, "py-nap", python_queue, 3));
    python_counters.push_back(Start(client, "py-counter", python_queue, i));
  }
  for (const auto* runs : {&weft_naps, &weft_gates, &python_naps, &python_counters}) {
    for (const std::string& id : *runs) {
      weft::testing::WaitForEvent(client, id, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED");
    }
  }

  // Down for longer than the naps: their timers are due when the server comes back.
  server->Stop();
  std::this_thread::sleep_for(15s);
  server->Restart();
  const Clock::time_point back = Clock::now();

  for (std::size_t i = 0; i < weft_gates.size(); ++i) {
    REQUIRE(client.Signal({.workflow_id = weft_gates[i]}, "go", {{"gate", i}}));
    REQUIRE(client.Signal({.workflow_id = python_counters[i]}, "add", 10));
    REQUIRE(client.Signal({.workflow_id = python_counters[i]}, "finish", nullptr));
  }
  Clock::time_point weft_first = Clock::time_point::max();
  Clock::time_point python_first = Clock::time_point::max();
  for (const std::string& id : weft_naps) {
    weft_first = std::min(weft_first, ClosedAt(client, id));
    CHECK(ResultOf(client, id) == "rested");
  }
  for (const std::string& id : python_naps) {
    python_first = std::min(python_first, ClosedAt(client, id));
    CHECK(ResultOf(client, id) == "rested");
  }
  for (std::size_t i = 0; i < weft_gates.size(); ++i) {
    ClosedAt(client, weft_gates[i]);
    CHECK(ResultOf(client, weft_gates[i]) == json{{"gate", i}});
    ClosedAt(client, python_counters[i]);
    CHECK(ResultOf(client, python_counters[i]) == static_cast<int>(i) + 10);
  }

  const double weft_seconds = Seconds(weft_first - back);
  const double python_seconds = Seconds(python_first - back);
  std::cout << "from the server's return to the first completed run: weft " << weft_seconds
            << " s, Python SDK " << python_seconds << " s\n";
  // gRPC alone would wait up to 120 s to reconnect; polls go out again within a second.
  CHECK(weft_seconds < 2.0);

  // One warning for the loss and one line for the return, not one per poller and attempt.
  const std::string log = ReadFile(weft_worker->log_path());
  INFO(log);
  CHECK(Occurrences(log, "lost the connection to the Temporal server") == 1);
  CHECK(Occurrences(log, "is back after") == 1);
  CHECK(Occurrences(log, "retrying") == 0);
  CHECK(weft_worker->Running());
}

TEST_CASE("the worker and the client commands refuse to start without a server or namespace") {
  const std::string nowhere = "127.0.0.1:" + std::to_string(weft::testing::FreeLoopbackPort());
  TempFolder workflows("weft-check-workflows");
  workflows.Write("nap.yaml", kNap);
  const std::string weft = weft::testing::WeftBinary();

  const auto started = std::chrono::steady_clock::now();
  auto unreachable = weft::testing::RunProcess(
      {weft, "worker", "--address", nowhere, "--workflows", workflows.path().string()});
  CHECK(unreachable.exit_code != 0);
  CHECK_THAT(unreachable.err, Catch::Contains("no Temporal server answered at " + nowhere) &&
                                  Catch::Contains("--address"));
  // A bounded wait, not a retry for ever.
  CHECK(std::chrono::steady_clock::now() - started < 20s);

  auto start =
      weft::testing::RunProcess({weft, "start", "nap", "--task-queue", "q", "--address", nowhere});
  CHECK(start.exit_code != 0);
  CHECK_THAT(start.err, Catch::Contains("no Temporal server answered at " + nowhere));

  const std::string address = DevServer::Shared().address();
  auto no_namespace =
      weft::testing::RunProcess({weft, "worker", "--address", address, "--namespace",
                                 "no-such-namespace", "--workflows", workflows.path().string()});
  CHECK(no_namespace.exit_code != 0);
  CHECK_THAT(no_namespace.err, Catch::Contains("has no namespace `no-such-namespace`") &&
                                   Catch::Contains("--namespace"));
  auto query = weft::testing::RunProcess({weft, "query", "some-id", "status", "--address", address,
                                          "--namespace", "no-such-namespace"});
  CHECK(query.exit_code != 0);
  CHECK_THAT(query.err, Catch::Contains("has no namespace `no-such-namespace`"));
}
