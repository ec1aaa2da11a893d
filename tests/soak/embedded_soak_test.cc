// The chaos soak on the embedded engine (issue 18): generated workflows (soak_workflow.h) run
// in a driver process (embedded_soak_driver.cc) that is killed with SIGKILL at random moments
// and started again, while this process creates runs and sends their signals through the
// journal, as other processes do. Runs are created in waves, one per driver life, so that every
// kill finds work. Then one last driver finishes everything, and the checker
// (soak_checker.h) proves: no run lost, none stuck, every output as computed independently, no
// activity executed after its recorded completion, no non-determinism error.
//
// Bounded for CI (1,000 runs, 20 kills, some 20 s); WEFT_SOAK_RUNS, WEFT_SOAK_KILLS, WEFT_SOAK_SEED
// and WEFT_SOAK_IN_FLIGHT run it long (soak_knobs.h, docs/reliability.md).
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <iostream>
#include <thread>

#include "dsl/loader.h"
#include "runtime/embedded/journal_client.h"
#include "tests/soak/soak_checker.h"
#include "tests/soak/soak_knobs.h"
#include "tests/soak/wave_gate.h"
#include "tests/support/child_process.h"

namespace weft::soak {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

struct PlannedRun {
  const SoakDefinition* definition;
  std::vector<SoakRun> plan;  // the run, then its children
};

// Creates the runs in order, never more than `in_flight` unfinished, and sends each run's
// signals a few runs later (so that some arrive before the run awaits them, some after).
void Feed(const std::string& journal_path, const std::vector<PlannedRun>& runs,
          const std::map<std::string, std::shared_ptr<const dsl::Definition>>& definitions,
          int in_flight, WaveGate& gate, std::string& error) {
  auto client = embedded::JournalClient::Open(journal_path);
  if (!client) {
    error = client.error();
    return;
  }
  std::deque<std::pair<std::string, const SoakRun*>> to_signal;  // run id, plan
  const auto send_signals = [&] {
    const auto& [run_id, run] = to_signal.front();
    for (const auto& [name, payload] : run->signals) {
      if (auto sent = client->Send(run_id, "signal", name, payload); !sent) {
        error = "signal " + run->workflow_id + ": " + sent.error();
      }
    }
    to_signal.pop_front();
  };
  for (std::size_t i = 0; i < runs.size() && error.empty(); ++i) {
    if (!gate.WaitFor(static_cast<int>(i))) break;
    if (i % 20 == 0) {
      // The journal has no count of unfinished runs; reading them every 20 creations keeps the
      // cost low. Waiting is polling: the engine is another process.
      while (!gate.Closed()) {
        auto open = client->journal().UnfinishedRuns();
        if (!open || static_cast<int>(open->size()) < in_flight) break;
        std::this_thread::sleep_for(50ms);
      }
    }
    const SoakRun& run = runs[i].plan[0];
    auto created =
        client->CreateRun(*definitions.at(run.workflow_type), run.input, run.workflow_id);
    if (!created) {
      error = "create " + run.workflow_id + ": " + created.error();
      break;
    }
    to_signal.emplace_back(created->run_id, &run);
    if (to_signal.size() > 8) send_signals();
  }
  while (!to_signal.empty() && error.empty()) send_signals();
}

// About what the ledger grows by while runs [from, to) execute: two lines of some 45 bytes
// for each activity they need.
std::uintmax_t WaveLedgerBytes(const std::vector<PlannedRun>& runs, int from, int to) {
  std::uintmax_t bytes = 0;
  for (int i = from; i < to && i < static_cast<int>(runs.size()); ++i) {
    for (const SoakRun& run : runs[i].plan) bytes += run.activities.size() * 90;
  }
  return bytes;
}

FinalRun FinalRunOf(embedded::Journal& journal, const std::string& workflow_id) {
  auto run = journal.ResolveRun(workflow_id);
  if (!run || !*run) return {};
  const embedded::RunRecord& record = **run;
  FinalRun final_run;
  switch (record.status) {
    case embedded::RunStatus::kPending:
    case embedded::RunStatus::kRunning:
      final_run.status = FinalRun::Status::kOpen;
      break;
    case embedded::RunStatus::kCompleted:
      final_run.status = FinalRun::Status::kCompleted;
      final_run.output = record.result;
      break;
    default:
      final_run.status = FinalRun::Status::kFailed;
      final_run.failure = record.failure.dump();
      break;
  }
  // Recovery marks a run whose replay does not reproduce its journal failed, with a WEFT300x
  // code (runtime/run/replay_check.h).
  if (record.failure.dump().find("WEFT300") != std::string::npos) {
    final_run.non_determinism_errors = 1;
  }
  return final_run;
}

// The last "parked N, woken M" line a driver wrote (embedded_soak_driver.cc): M, or 0.
std::uint64_t LastWoken(const std::string& log) {
  const std::size_t at = log.rfind("woken ");
  return at == std::string::npos ? 0 : std::stoull(log.substr(at + 6));
}

TEST_CASE("embedded soak: generated workflows survive SIGKILLs of the engine", "[soak]") {
  const SoakKnobs knobs = ReadSoakKnobs({.runs = 1000, .kills = 20, .in_flight = 200});
  const fs::path dir = fs::temp_directory_path() / ("weft-soak-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string journal = (dir / "journal.db").string();
  const std::string ledger = (dir / "ledger.txt").string();
  std::cout << "embedded soak: seed " << knobs.seed << ", " << knobs.runs << " runs, "
            << knobs.kills << " kills (WEFT_SOAK_SEED=" << knobs.seed << " to plan it again)"
            << std::endl;

  const SoakCatalogue catalogue = GenerateCatalogue(knobs.seed);
  std::map<std::string, std::shared_ptr<const dsl::Definition>> definitions;
  for (const SoakDefinition& definition : catalogue.definitions) {
    auto loaded = dsl::LoadDefinition(definition.yaml);
    REQUIRE(loaded);
    definitions[definition.name] = *loaded;
  }
  std::mt19937_64 random(knobs.seed);
  std::vector<PlannedRun> runs;
  std::vector<SoakRun> expected;
  for (int i = 0; i < knobs.runs; ++i) {
    const SoakDefinition& definition =
        catalogue.definitions[random() % catalogue.definitions.size()];
    runs.push_back({&definition, PlanRun(definition, "soak-" + std::to_string(i), random)});
    expected.insert(expected.end(), runs.back().plan.begin(), runs.back().plan.end());
  }

  const auto began = std::chrono::steady_clock::now();
  // The journal exists before the first driver and the feeder open it.
  REQUIRE(embedded::JournalClient::Open(journal));
  WaveGate gate;
  std::string feed_error;
  std::thread feeder(Feed, journal, std::cref(runs), std::cref(definitions), knobs.in_flight,
                     std::ref(gate), std::ref(feed_error));
  const FeederJoin join_feeder(gate, feeder);

  const std::vector<std::string> argv{WEFT_SOAK_DRIVER, journal, ledger, std::to_string(knobs.seed),
                                      "16"};
  auto observer = embedded::JournalClient::Open(journal);
  REQUIRE(observer);
  const auto unfinished = [&] {
    auto open = observer->journal().UnfinishedRuns();
    return open ? open->size() : 0;
  };
  std::mt19937 kill_random(std::random_device{}());
  const int wave = std::max(1, knobs.runs / std::max(1, knobs.kills));
  int kills = 0;
  int kills_mid_work = 0;
  int starts = 0;
  std::uint64_t woken = 0;  // parked runs rebuilt to go on, over every engine life
  while (kills < knobs.kills) {
    gate.Open((kills + 1) * wave);
    const std::uintmax_t ledger_at_start = LedgerSize(ledger);
    auto driver = testing::ChildProcess::Start(argv);
    ++starts;
    if (kill_random() % 5 == 0) {
      // During recovery, or as the engine opens.
      std::this_thread::sleep_for(std::chrono::milliseconds(kill_random() % 200));
    } else {
      // At a random point of the wave's work, in its first two thirds: while activities run
      // and commits land.
      const std::uintmax_t bytes = WaveLedgerBytes(runs, kills * wave, (kills + 1) * wave);
      WaitUntilLedgerExceeds(ledger, ledger_at_start + kill_random() % (bytes * 2 / 3 + 1), 10s);
    }
    const bool working = unfinished() > 0;
    ::kill(driver->pid(), SIGKILL);
    while (driver->Running()) std::this_thread::sleep_for(1ms);
    woken += LastWoken(driver->LogTail());
    ++kills;
    if (working) ++kills_mid_work;
  }
  gate.Open(knobs.runs);
  auto last = testing::ChildProcess::Start(argv);
  ++starts;
  feeder.join();
  REQUIRE(feed_error == "");
  // Every run closes within minutes of the last kill, or it is stuck.
  const auto deadline = std::chrono::steady_clock::now() + 180s;
  while (unfinished() > 0 && std::chrono::steady_clock::now() < deadline && last->Running()) {
    std::this_thread::sleep_for(200ms);
  }
  INFO(last->LogTail());
  CHECK(last->Running());  // the engine did not give up
  ::kill(last->pid(), SIGKILL);
  while (last->Running()) std::this_thread::sleep_for(1ms);
  woken += LastWoken(last->LogTail());

  SoakEvidence evidence{.expected = expected, .ledger = ReadLedger(ledger)};
  embedded::Journal& j = observer->journal();
  for (const SoakRun& run : expected)
    evidence.final_runs[run.workflow_id] = FinalRunOf(j, run.workflow_id);
  auto all = j.ListRuns(std::numeric_limits<std::int32_t>::max());
  REQUIRE(all);
  for (const embedded::RunRecord& record : *all) {
    auto activations = j.Activations(record.run_id);
    REQUIRE(activations);
    json shaped = json::array();
    for (const auto& activation : *activations) shaped.push_back({{"jobs", activation.jobs}});
    for (RecordedCompletion& completion : RecordedCompletions(shaped)) {
      evidence.recorded.push_back(std::move(completion));
    }
  }
  const auto violations = CheckSoak(evidence);
  const LedgerFigures figures = SummarizeLedger(evidence.ledger);
  std::cout << "embedded soak, seed " << knobs.seed << ": " << knobs.runs << " runs ("
            << expected.size() << " with their children), " << kills << " SIGKILLs ("
            << kills_mid_work << " with runs open), " << starts << " engine starts, " << woken
            << " parked runs woken; " << evidence.recorded.size() << " completions recorded; "
            << FormatLedgerFigures(figures) << "; " << violations.size() << " violations; "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                began)
                   .count()
            << " s" << std::endl;
  // The driver keeps 4 waiting runs resident: the chaos must have met parked runs.
  CHECK(woken > 0);
  for (std::size_t i = 0; i < violations.size() && i < 30; ++i) {
    UNSCOPED_INFO(KindName(violations[i].kind)
                  << ": " << violations[i].subject << ": " << violations[i].detail);
  }
  CHECK(violations.empty());
  // Kills hit a live engine with work (a kill in the first milliseconds may come before the
  // wave's first run): else the soak proves less than it says.
  CHECK(kills_mid_work * 4 >= kills * 3);
  CHECK(figures.unreadable == 0);
  if (violations.empty()) fs::remove_all(dir);
}

}  // namespace
}  // namespace weft::soak
