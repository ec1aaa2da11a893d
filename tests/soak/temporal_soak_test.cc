// The chaos soak on Temporal (issue 18): generated workflows (soak_workflow.h) served by the
// real `weft worker`, with soak.step from the ledger plugin (ledger_plugin.cc), on a dev server
// that keeps its state in a SQLite file. The worker is killed with SIGKILL at random moments
// and started again; now and then the server is restarted on its database under a live worker.
// Meanwhile this process starts the runs and sends their signals, in waves, one per worker
// life. Then one last worker finishes everything, and the checker (soak_checker.h) proves: no
// run lost, none stuck, every output as computed independently, no activity executed after
// its recorded completion, no non-determinism error in any history.
//
// The server listens on loopback only, and dies with this process however it ends
// (tests/support/dev_server.h). Bounded for CI (400 runs, 16 kills, 2 restarts);
// WEFT_SOAK_RUNS, WEFT_SOAK_KILLS, WEFT_SOAK_RESTARTS, WEFT_SOAK_SEED and WEFT_SOAK_IN_FLIGHT
// run it long (soak_knobs.h, docs/reliability.md).
#include <signal.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <deque>
#include <iostream>
#include <set>
#include <thread>

#include "tests/soak/soak_checker.h"
#include "tests/soak/soak_knobs.h"
#include "tests/soak/wave_gate.h"
#include "tests/support/dev_server.h"
#include "tests/temporal/weft_worker_process.h"

namespace weft::soak {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using temporal::ClientError;
using temporal::WorkflowClient;

// Calls `call` until it succeeds or fails for another reason than an unreachable server (the
// soak restarts it); gives up after two minutes.
template <typename Call>
auto Retrying(Call call) {
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (true) {
    auto answer = call();
    if (answer || answer.error().kind != ClientError::Kind::kUnavailable ||
        std::chrono::steady_clock::now() > deadline) {
      return answer;
    }
    std::this_thread::sleep_for(200ms);
  }
}

// Starts the runs in order, never more than `in_flight` open, and sends each run's signals a
// few runs later (so that some arrive before the run awaits them, some after).
void Feed(const WorkflowClient& client, const std::string& queue,
          const std::vector<std::vector<SoakRun>>& runs, int in_flight, WaveGate& gate,
          std::string& error) {
  std::deque<const SoakRun*> to_signal;
  const auto send_signals = [&] {
    const SoakRun& run = *to_signal.front();
    for (const auto& [name, payload] : run.signals) {
      auto sent = Retrying([&] { return client.Signal({run.workflow_id, ""}, name, payload); });
      if (!sent) error = "signal " + run.workflow_id + ": " + sent.error().message;
    }
    to_signal.pop_front();
  };
  const std::string running = temporal::VisibilityQuery("", temporal::ExecutionStatus::kRunning);
  for (std::size_t i = 0; i < runs.size() && error.empty(); ++i) {
    if (!gate.WaitFor(static_cast<int>(i))) break;
    if (i % 20 == 0) {
      // Waiting is polling: the runs close on the server.
      while (!gate.Closed()) {
        auto open = Retrying([&] { return client.List(running, in_flight); });
        if (!open || static_cast<int>(open->size()) < in_flight) break;
        std::this_thread::sleep_for(200ms);
      }
    }
    const SoakRun& run = runs[i][0];
    // A start whose answer a server restart lost is started again: the same run.
    auto started = Retrying([&] {
      return client.Start(run.workflow_type, run.input,
                          {.workflow_id = run.workflow_id,
                           .task_queue = queue,
                           .task_timeout = 2s,
                           .id_conflict_policy = temporal::IdConflictPolicy::kUseExisting});
    });
    if (!started) {
      error = "start " + run.workflow_id + ": " + started.error().message;
      break;
    }
    to_signal.push_back(&run);
    if (to_signal.size() > 8) send_signals();
  }
  while (!to_signal.empty() && error.empty()) send_signals();
}

// How the run ended, and the non-determinism errors and recorded completions of its history.
FinalRun FinalRunOf(const WorkflowClient& client, const std::string& workflow_id,
                    std::vector<RecordedCompletion>& recorded) {
  auto described = Retrying([&] { return client.Describe({workflow_id, ""}); });
  if (!described) return {};
  FinalRun final_run;
  if (!described->outcome) {
    final_run.status = FinalRun::Status::kOpen;
  } else if (described->outcome->status == temporal::WorkflowOutcome::Status::kCompleted) {
    final_run.status = FinalRun::Status::kCompleted;
    final_run.output = described->outcome->result;
  } else {
    final_run.status = FinalRun::Status::kFailed;
    final_run.failure = std::string(temporal::StatusName(described->outcome->status)) + " " +
                        described->outcome->failure.dump();
  }
  auto history = Retrying([&] { return client.HistoryJson({workflow_id, ""}); });
  if (history) {
    for (const json& event : json::parse(*history)["events"]) {
      if (event.value("eventType", "") != "EVENT_TYPE_WORKFLOW_TASK_FAILED") continue;
      if (event["workflowTaskFailedEventAttributes"].value("cause", "") ==
          "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR") {
        ++final_run.non_determinism_errors;
      }
    }
  }
  auto activations = Retrying([&] { return client.Activations({workflow_id, ""}); });
  if (activations) {
    for (RecordedCompletion& completion : RecordedCompletions(*activations)) {
      recorded.push_back(std::move(completion));
    }
  }
  return final_run;
}

bool Closed(const WorkflowClient& client, const std::string& workflow_id) {
  auto described = client.Describe({workflow_id, ""});
  return described && described->outcome.has_value();
}

TEST_CASE("Temporal soak: generated workflows survive worker kills and server restarts", "[soak]") {
  const SoakKnobs knobs =
      ReadSoakKnobs({.runs = 400, .kills = 16, .restarts = 2, .in_flight = 200});
  testing::TempFolder dir("weft-soak");
  const std::string ledger = (dir.path() / "ledger.txt").string();
  std::cout << "Temporal soak: seed " << knobs.seed << ", " << knobs.runs << " runs, "
            << knobs.kills << " worker kills, " << knobs.restarts
            << " server restarts (WEFT_SOAK_SEED=" << knobs.seed << " to plan it again)"
            << std::endl;

  const SoakCatalogue catalogue = GenerateCatalogue(knobs.seed);
  testing::TempFolder workflows("weft-soak-workflows");
  for (const SoakDefinition& definition : catalogue.definitions) {
    workflows.Write(definition.name + ".yaml", definition.yaml);
  }
  workflows.Write(std::string(kChildName) + ".yaml", catalogue.child_yaml);
  std::mt19937_64 random(knobs.seed);
  std::vector<std::vector<SoakRun>> runs;
  std::vector<SoakRun> expected;
  const std::string prefix = testing::UniqueName("soak");
  for (int i = 0; i < knobs.runs; ++i) {
    const SoakDefinition& definition =
        catalogue.definitions[random() % catalogue.definitions.size()];
    runs.push_back(PlanRun(definition, prefix + "-" + std::to_string(i), random));
    expected.insert(expected.end(), runs.back().begin(), runs.back().end());
  }

  // Write-ahead logging without fsync: a restarted server loses nothing (the kernel keeps what
  // a process wrote, whatever becomes of the process); only a power loss would, which the soak
  // does not simulate. With an fsync per write the server, not weft, was the soak's bottleneck.
  auto server = testing::DevServer::Start(
      {.extra_args = {"--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=off"},
       .db_filename = (dir.path() / "temporal.db").string()});
  const WorkflowClient client = testing::ConnectClient(server->address());
  const std::string queue = testing::UniqueName("soak");
  ::setenv("WEFT_SOAK_LEDGER", ledger.c_str(), 1);  // for the plugin in the worker
  const std::vector<std::string> worker_flags{"--plugin",
                                              WEFT_SOAK_PLUGIN,
                                              "--max-concurrent-activities",
                                              "64",
                                              "--activity-pollers",
                                              "8",
                                              "--workflow-pollers",
                                              "8"};

  const auto began = std::chrono::steady_clock::now();
  const auto seconds_since = [](std::chrono::steady_clock::time_point from) {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - from)
        .count();
  };
  WaveGate gate;
  std::string feed_error;
  std::thread feeder(Feed, std::cref(client), queue, std::cref(runs), knobs.in_flight,
                     std::ref(gate), std::ref(feed_error));
  const FeederJoin join_feeder(gate, feeder);

  std::mt19937 kill_random(std::random_device{}());
  const int wave = std::max(1, knobs.runs / std::max(1, knobs.kills));
  const int restart_every = std::max(1, knobs.kills / std::max(1, knobs.restarts));
  int kills = 0;
  int restarts = 0;
  int worker_starts = 0;
  while (kills < knobs.kills) {
    gate.Open((kills + 1) * wave);
    const std::uintmax_t ledger_at_start = LedgerSize(ledger);
    auto worker =
        testing::StartWeftWorker(server->address(), queue, workflows.path(), worker_flags);
    ++worker_starts;
    // At a random point of the wave's work (two lines of some 45 bytes per activity), in its
    // first two thirds: while activities run and workflow tasks are answered.
    std::uintmax_t bytes = 0;
    for (int i = kills * wave; i < (kills + 1) * wave && i < knobs.runs; ++i) {
      for (const SoakRun& run : runs[i]) bytes += run.activities.size() * 90;
    }
    WaitUntilLedgerExceeds(ledger, ledger_at_start + kill_random() % (bytes * 2 / 3 + 1), 20s);
    if (restarts < knobs.restarts && (kills + 1) % restart_every == 0) {
      // Under a live worker, which must reconnect to the server that comes back.
      server->Restart();
      ++restarts;
      WaitUntilLedgerExceeds(ledger, LedgerSize(ledger) + kill_random() % (bytes / 3 + 1), 20s);
    }
    REQUIRE(::kill(worker->pid(), SIGKILL) == 0);
    while (worker->Running()) std::this_thread::sleep_for(1ms);
    ++kills;
  }
  gate.Open(knobs.runs);
  auto survivor =
      testing::StartWeftWorker(server->address(), queue, workflows.path(), worker_flags);
  ++worker_starts;
  feeder.join();
  REQUIRE(feed_error == "");

  const auto last_kill = std::chrono::steady_clock::now();
  // Every run closes within minutes of the last kill, or it is stuck.
  std::set<std::string> open;
  for (const SoakRun& run : expected) open.insert(run.workflow_id);
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  while (!open.empty() && std::chrono::steady_clock::now() < deadline) {
    for (auto it = open.begin(); it != open.end();) {
      it = Closed(client, *it) ? open.erase(it) : std::next(it);
    }
    if (!open.empty()) std::this_thread::sleep_for(500ms);
  }
  INFO(survivor->LogTail());
  CHECK(survivor->Running());

  const auto drained = std::chrono::steady_clock::now();
  SoakEvidence evidence{.expected = expected};
  for (const SoakRun& run : expected) {
    evidence.final_runs[run.workflow_id] = FinalRunOf(client, run.workflow_id, evidence.recorded);
  }
  survivor->Stop();
  evidence.ledger = ReadLedger(ledger);
  const auto violations = CheckSoak(evidence);
  const LedgerFigures figures = SummarizeLedger(evidence.ledger);
  std::cout << "Temporal soak, seed " << knobs.seed << ": " << knobs.runs << " runs ("
            << expected.size() << " with their children), " << kills << " worker SIGKILLs, "
            << restarts << " server restarts, " << worker_starts << " worker starts; "
            << evidence.recorded.size() << " completions recorded; " << FormatLedgerFigures(figures)
            << "; " << violations.size() << " violations; " << seconds_since(began) << " s (chaos "
            << (seconds_since(began) - seconds_since(last_kill)) << " s, drain "
            << (seconds_since(last_kill) - seconds_since(drained)) << " s, check "
            << seconds_since(drained) << " s)" << std::endl;
  for (std::size_t i = 0; i < violations.size() && i < 30; ++i) {
    UNSCOPED_INFO(KindName(violations[i].kind)
                  << ": " << violations[i].subject << ": " << violations[i].detail);
  }
  CHECK(violations.empty());
  CHECK(restarts == knobs.restarts);
  CHECK(figures.cut_short > 0);  // some kill caught an activity in flight: else it proves less
  CHECK(figures.unreadable == 0);
}

}  // namespace
}  // namespace weft::soak
