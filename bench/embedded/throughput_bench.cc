// Throughput of the embedded engine: N runs of a three-step durable workflow (three activity
// calls, each journaled with synchronous=FULL on disk), all started at once, until the last one
// completes. Reports completed runs per second and group commit's effect: engine steps (journal
// batches) and activations per transaction, where each transaction is one fsync.
//
// A plain timed driver, not a Google Benchmark: the quantity is the wall time of one burst.
// Usage: embedded_throughput_bench [runs=20000] [journal folder=./embedded-bench]
//        [activity threads=2] [sync=full|normal]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/embedded/bench_engine.h"
#include "bench/embedded/thread_cpu.h"
#include "bench/embedded/three_steps.h"
#include "dsl/loader.h"
#include "runtime/embedded/engine.h"

namespace {

using namespace weft;
using nlohmann::json;

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::stoi(argv[1]) : 20000;
  const std::filesystem::path folder = argc > 2 ? argv[2] : "embedded-bench";
  const int threads = argc > 3 ? std::stoi(argv[3]) : 2;
  const bool full = argc > 4 ? std::string(argv[4]) != "normal" : true;
  auto definition = dsl::LoadDefinition(bench::kThreeSteps);
  if (!definition) return 1;
  auto bench = bench::BenchEngine::Open(folder, threads, full);
  if (!bench) return 1;
  embedded::Engine* engine = bench->engine.get();
  const double cpu_start = bench::ProcessCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i) {
    engine->StartRun(*definition, json{{"order", i}});
  }
  if (!engine->WaitUntilIdle(std::chrono::minutes(30))) return 1;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = bench::ProcessCpuSeconds() - cpu_start;
  const auto stats = engine->stats();
  const auto thread_cpu = bench::ThreadCpuSeconds();
  engine->Stop();
  std::printf("runs                 %d (3 activity steps each, synchronous=%s)\n", runs,
              full ? "FULL" : "NORMAL");
  std::printf("wall                 %.2f s\n", seconds);
  std::printf("cpu (user+sys)       %.2f s\n", cpu);
  std::printf("completed runs/s     %.0f\n", runs / seconds);
  std::printf("activations          %llu (%.0f /s)\n",
              static_cast<unsigned long long>(stats.activations), stats.activations / seconds);
  std::printf("journal batches      %llu\n", static_cast<unsigned long long>(stats.batches));
  std::printf("transactions (fsync) %llu\n", static_cast<unsigned long long>(stats.transactions));
  std::printf("batches per fsync    %.1f\n",
              static_cast<double>(stats.batches) / static_cast<double>(stats.transactions));
  std::printf("activations per fsync %.1f\n",
              static_cast<double>(stats.activations) / static_cast<double>(stats.transactions));
  for (const auto& [name, cpu_seconds] : thread_cpu) {
    std::printf("cpu %-16s %.2f s (%.0f us per run; alone on a core: %.0f runs/s)\n", name.c_str(),
                cpu_seconds, cpu_seconds * 1e6 / runs, runs / cpu_seconds);
  }
  std::filesystem::remove_all(folder);
  return 0;
}
