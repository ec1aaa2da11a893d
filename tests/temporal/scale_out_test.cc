// Scaling out: one task queue served by three `weft worker` processes at once, each with its
// own workflows folder, as users run more workers when one is not enough. On a real dev server:
//   - runs spread over the three (the identities of their workflow task completions);
//   - a worker killed with SIGKILL while it holds runs in its cache hands them to the others:
//     their tasks wait on its sticky queue until the sticky schedule-to-start timeout, go back
//     to the normal queue, and another worker rebuilds each run from its history;
//   - the definition edited in one worker's folder only, while the runs wait, changes none of
//     them: that worker runs with no cache, so it replays every task it takes from the start,
//     with the folder holding a definition that would not replay, and every run still ends as
//     the definition it started with says.
// Bounded: 24 runs, each waiting on a signal; a minute or so in all.

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "runtime/temporal/connection.h"
#include "tests/support/dev_server.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::CountEvents;
using weft::testing::DevServer;
using weft::testing::TempFolder;

constexpr int kRuns = 24;

constexpr char kRelay[] = R"(dsl: 1
name: relay
handlers:
  signals:
    proceed: {}
steps:
  - id: first
    call: log
    args: {message: '${ "first leg of " + workflow.id }'}
    timeouts: {start_to_close: 10s}
  - id: wait_for_proceed
    await: {signal: proceed, timeout: 5m}
  - id: second
    call: log
    args: {message: '${ "second leg of " + workflow.id }'}
    timeouts: {start_to_close: 10s}
output: {variant: original}
)";

// The same name and version, edited: a timer before the first call. A run that started with the
// original and replayed with this would diverge at once (its first command differs).
constexpr char kRelayEdited[] = R"(dsl: 1
name: relay
handlers:
  signals:
    proceed: {}
steps:
  - id: settle
    wait: 1s
  - id: first
    call: log
    args: {message: '${ "first leg of " + workflow.id }'}
    timeouts: {start_to_close: 10s}
  - id: wait_for_proceed
    await: {signal: proceed, timeout: 5m}
output: {variant: edited}
)";

// The identity a worker process reports: "<pid>@<hostname>" (temporal::DefaultIdentity).
std::string IdentityOf(pid_t pid) {
  const std::string mine = weft::temporal::DefaultIdentity();
  return std::to_string(pid) + mine.substr(mine.find('@'));
}

// The identities of a history's completed workflow tasks, in order.
std::vector<std::string> Completers(const json& history) {
  std::vector<std::string> identities;
  for (const json& event : history["events"]) {
    if (event["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_COMPLETED") {
      identities.push_back(event["workflowTaskCompletedEventAttributes"].value("identity", ""));
    }
  }
  return identities;
}

int Occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

// "workflow worker on <queue> stopped (N tasks, M of them replayed from the start)".
std::pair<int, int> TasksAndReplays(const std::string& log) {
  std::smatch match;
  static const std::regex kStopped(R"(\((\d+) tasks, (\d+) of them replayed from the start\))");
  if (!std::regex_search(log, match, kStopped)) return {-1, -1};
  return {std::stoi(match[1]), std::stoi(match[2])};
}

}  // namespace

TEST_CASE("three workers share a queue, survive a SIGKILL and keep every run on its pin") {
  DevServer& server = DevServer::Shared();
  const std::string queue = weft::testing::UniqueName("scale-out");
  std::vector<std::unique_ptr<TempFolder>> folders;
  for (int i = 0; i < 3; ++i) {
    folders.push_back(std::make_unique<TempFolder>("weft-scale-out"));
    folders.back()->Write("relay.yaml", kRelay);
  }
  // The first worker keeps no runs in memory: every task it takes replays from history.
  auto edited_worker = weft::testing::StartWeftWorker(server.address(), queue, folders[0]->path(),
                                                      {"--max-cached-runs", "0"});
  auto killed_worker = weft::testing::StartWeftWorker(server.address(), queue, folders[1]->path());
  auto third_worker = weft::testing::StartWeftWorker(server.address(), queue, folders[2]->path());
  const std::string edited_id = IdentityOf(edited_worker->pid());
  const std::string killed_id = IdentityOf(killed_worker->pid());
  const std::string third_id = IdentityOf(third_worker->pid());
  auto logs = [&] {
    return "edited worker:\n" + edited_worker->LogTail() + "\nkilled worker:\n" +
           killed_worker->LogTail() + "\nthird worker:\n" + third_worker->LogTail();
  };
  INFO(logs());

  auto client = weft::testing::ConnectClient(server.address());
  std::vector<std::string> ids;
  for (int i = 0; i < kRuns; ++i) {
    ids.push_back(weft::testing::UniqueName("relay"));
    REQUIRE(
        client.Start("relay", json::object(), {.workflow_id = ids.back(), .task_queue = queue}));
  }
  // Each run has called its first activity and waits for the signal.
  std::map<std::string, std::string> holder;  // run -> the worker that completed its last task
  std::set<std::string> handled_by;
  for (const std::string& id : ids) {
    weft::testing::WaitForEvent(client, id, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED", 2);
    const std::vector<std::string> completers = Completers(weft::testing::HistoryOf(client, id));
    holder[id] = completers.back();
    handled_by.insert(completers.begin(), completers.end());
  }
  INFO("runs handled by: " << json(handled_by).dump());
  CHECK(handled_by == std::set<std::string>{edited_id, killed_id, third_id});
  std::set<std::string> held_by_killed;
  for (const auto& [id, identity] : holder) {
    if (identity == killed_id) held_by_killed.insert(id);
  }
  REQUIRE_FALSE(held_by_killed.empty());

  // The edit, in the first worker's folder only; it serves it to new runs from its next rescan.
  folders[0]->Write("relay.yaml", kRelayEdited);
  const auto rescan_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Occurrences(edited_worker->LogTail(1 << 20), "serving workflow relay") < 2) {
    REQUIRE(std::chrono::steady_clock::now() < rescan_deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  // The second worker dies mid-run, holding runs in its cache and tasks on its sticky queue.
  REQUIRE(::kill(killed_worker->pid(), SIGKILL) == 0);
  while (killed_worker->Running()) std::this_thread::sleep_for(std::chrono::milliseconds(10));

  for (const std::string& id : ids) REQUIRE(client.Signal({.workflow_id = id}, "proceed", nullptr));
  for (const std::string& id : ids) {
    weft::testing::WaitUntilClosed(client, id, std::chrono::seconds(90));
    auto outcome = client.Result({.workflow_id = id});
    REQUIRE(outcome);
    INFO(id);
    CHECK(outcome->result == json{{"variant", "original"}});
  }

  int finished_by_edited = 0;
  for (const std::string& id : ids) {
    const json history = weft::testing::HistoryOf(client, id);
    INFO(id << " " << history.dump().substr(0, 3000));
    CHECK(CountEvents(history, "EVENT_TYPE_WORKFLOW_TASK_FAILED") == 0);
    const std::vector<std::string> completers = Completers(history);
    CHECK(completers.back() != killed_id);
    if (completers.back() == edited_id) ++finished_by_edited;
    if (held_by_killed.contains(id)) {
      // Its task waited on the dead worker's sticky queue until the server gave up on it.
      CHECK(CountEvents(history, "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT") >= 1);
    }
  }
  // The worker whose folder holds the edit rebuilt runs from history and kept them on their
  // pin (its cache is off, so each task it took was a full replay).
  CHECK(finished_by_edited > 0);
  edited_worker->Stop();
  third_worker->Stop();
  const auto [tasks, replays] = TasksAndReplays(edited_worker->LogTail(1 << 20));
  CHECK(tasks > 0);
  CHECK(replays == tasks);
}
