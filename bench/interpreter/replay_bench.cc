// Replay speed of the interpreter: a run rebuilt from its recorded activations by a fresh
// WorkflowInstance, as an engine does after a cache miss or a restart.
//
// The run is a polling loop, one activity per iteration, with 1,666 iterations: on Temporal
// its history has 10,000 events (started; per iteration a workflow task's three events and
// the activity's scheduled, started and completed; the final task and completion). Items per
// second are those history events; the activations per second are 1/6 of that. What is
// measured is the interpreter's share of replay (jobs applied, expressions evaluated, commands
// built); turning history protos into activations is the Temporal engine's and is measured
// with it (bench/temporal).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "dsl/loader.h"
#include "runtime/interpreter/workflow_instance.h"

namespace weft::interpreter {
namespace {

constexpr int kIterations = 1666;
constexpr int kHistoryEvents = 6 * kIterations + 4;  // 10,000

const char* kPollingLoop = R"(
dsl: 1
name: poll
input:
  type: object
  properties: {job: {type: string}}
vars: {done: false, seen: 0, cursor: ""}
steps:
  - id: poll
    while:
      condition: ${ !vars.done }
      max_iterations: 100000
      steps:
        - id: check
          call: jobs.status
          args: {job: '${ input.job }', cursor: '${ vars.cursor }'}
          timeouts: {start_to_close: 30s}
          retry: {maximum_attempts: 5}
          result: status
        - id: note
          set:
            done: ${ vars.status.finished }
            seen: ${ vars.seen + 1 }
            cursor: ${ vars.status.cursor }
output: {seen: '${ vars.seen }'}
)";

std::vector<Activation> RecordedActivations() {
  std::vector<Activation> activations;
  activations.push_back({.now_unix_ms = 1'767'225'600'000,
                         .is_replaying = true,
                         .jobs = {StartWorkflow{.workflow_type = "poll",
                                                .workflow_id = "w",
                                                .run_id = "r",
                                                .input = {{"job", "j-1"}}}}});
  for (int i = 1; i <= kIterations; ++i) {
    nlohmann::json result = {
        {"finished", i == kIterations}, {"cursor", "c" + std::to_string(i)}, {"progress", i}};
    activations.push_back(
        {.now_unix_ms = 1'767'225'600'000 + i * 1000,
         .is_replaying = true,
         .jobs = {ResolveActivity{static_cast<std::uint32_t>(i), {.result = std::move(result)}}}});
  }
  return activations;
}

void BM_ReplayTenThousandEventHistory(benchmark::State& state) {
  auto definition = dsl::LoadDefinition(kPollingLoop);
  if (!definition) {
    state.SkipWithError("the benchmark's definition does not load");
    return;
  }
  const std::vector<Activation> activations = RecordedActivations();
  std::size_t commands = 0;
  for (auto _ : state) {
    WorkflowInstance instance(*definition);
    for (const Activation& activation : activations) {
      commands += instance.Activate(activation).size();
    }
    if (!instance.finished()) state.SkipWithError("the replayed run did not finish");
  }
  benchmark::DoNotOptimize(commands);
  state.SetItemsProcessed(state.iterations() * kHistoryEvents);
  state.counters["activations/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * activations.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReplayTenThousandEventHistory)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weft::interpreter

BENCHMARK_MAIN();
