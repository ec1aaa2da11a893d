// Memory of a waiting run, the interpreter's share: 20,000 runs of expense-approval started
// and left waiting for their decision (a timer and a signal outstanding), measured as the
// growth of the process's resident memory divided by the runs. The engine's own bookkeeping
// per run comes on top and is measured with it (bench/embedded).
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>
#include <vector>

#include "dsl/loader.h"
#include "runtime/interpreter/workflow_instance.h"

namespace weft::interpreter {
namespace {

long ResidentKilobytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

void BM_WaitingRunMemory(benchmark::State& state) {
  auto definition =
      dsl::LoadDefinitionFile(std::string(WEFT_SOURCE_DIR) + "/workflows/expense-approval.yaml");
  if (!definition) {
    state.SkipWithError("workflows/expense-approval.yaml does not load");
    return;
  }
  const int runs = static_cast<int>(state.range(0));
  for (auto _ : state) {
    std::vector<WorkflowInstance> waiting;
    waiting.reserve(static_cast<std::size_t>(runs));
    const long before = ResidentKilobytes();
    for (int i = 0; i < runs; ++i) {
      WorkflowInstance& run = waiting.emplace_back(*definition);
      run.Activate({.now_unix_ms = 1'767'225'600'000,
                    .jobs = {StartWorkflow{.workflow_type = "expense-approval",
                                           .workflow_id = "e-" + std::to_string(i),
                                           .run_id = "r-" + std::to_string(i),
                                           .input = {{"request_id", std::to_string(i)},
                                                     {"amount", 120},
                                                     {"requester", "sam"}}}}});
      run.Activate({.now_unix_ms = 1'767'225'601'000,
                    .jobs = {ResolveActivity{1, {.result = {{"sent", true}}}}}});
    }
    const long after = ResidentKilobytes();
    state.counters["bytes/run"] = static_cast<double>(after - before) * 1024.0 / runs;
  }
}
BENCHMARK(BM_WaitingRunMemory)->Arg(20000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weft::interpreter

BENCHMARK_MAIN();
