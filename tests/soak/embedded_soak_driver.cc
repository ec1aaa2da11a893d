// The engine under the embedded soak (embedded_soak_test.cc): takes the journal's lease, opens
// the embedded engine on it (recovering every unfinished run) with soak.step registered in
// this process, prints "ready", and executes whatever the test creates and signals through the
// journal until it is killed. The test kills it with SIGKILL at random moments and starts it
// again; it never stops by itself, except when the engine does (then it exits 1, saying why).
//
// The catalogue is rebuilt from the seed the test gives, so that a child workflow step finds
// soak-child (the parents are pinned in their rows).
//
// Usage: embedded_soak_driver <journal> <ledger> <catalogue seed> <activity threads>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "dsl/loader.h"
#include "runtime/embedded/engine.h"
#include "tests/embedded/wait_for_lease.h"
#include "tests/soak/soak_step.h"
#include "tests/soak/soak_workflow.h"

using namespace weft;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: embedded_soak_driver <journal> <ledger> <seed> <activity threads>\n";
    return 2;
  }
  const std::string journal_path = argv[1];
  soak::LedgerWriter ledger(argv[2]);
  const soak::SoakCatalogue catalogue = soak::GenerateCatalogue(std::stoull(argv[3]));
  auto child = dsl::LoadDefinition(catalogue.child_yaml);
  if (!child) return 1;

  auto lease = testing::WaitForLease(journal_path);
  if (!lease) {
    std::cerr << lease.error() << "\n";
    return 1;
  }

  activity::ActivityRegistry registry;
  (void)registry.Register(
      {.name = soak::kSoakStepName,
       .function = [&](const nlohmann::json& input,
                       activity::ActivityContext& context) -> activity::ActivityResult {
         auto done = soak::RunSoakStep(input, context.Info().attempt, ledger);
         if (done.ok) return done.result;
         return std::unexpected(
             done.retryable ? activity::ActivityError::Retryable(done.error_type, done.message)
                            : activity::ActivityError::NonRetryable(done.error_type, done.message));
       }});

  embedded::EngineOptions options;
  options.journal_path = journal_path;
  options.registry = &registry;
  options.activity_threads = std::stoi(argv[4]);
  // Far below the default (1,000), so that most runs waiting on a timer or a signal are parked
  // out of memory and rebuilt from the journal when woken: the kills land on parked runs, on
  // runs being woken and on runs registered parked at start-up.
  options.resident_waiting_runs = 4;
  options.find_definition = [&](std::string_view name, std::optional<std::int64_t>) {
    return name == soak::kChildName ? *child : nullptr;
  };
  auto engine = embedded::Engine::Open(std::move(options));
  if (!engine) {
    std::cerr << engine.error() << "\n";
    return 1;
  }
  std::cout << "ready" << std::endl;
  // The engine works on its own threads; this one only notices if the engine gave up (the
  // engine has no wait for that but its waits' early return, and it may be idle for a while).
  // Now and then it says how many runs it parked and woke (so far in this life), which shows
  // that the kills met parked runs.
  std::uint64_t woken = 0;
  while (!(*engine)->Failure()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto stats = (*engine)->stats();
    if (stats.woken_runs != woken) {
      woken = stats.woken_runs;
      std::cerr << "parked " << stats.parked_runs << ", woken " << woken << "\n";
    }
  }
  std::cerr << "the engine stopped: " << *(*engine)->Failure() << "\n";
  return 1;
}
