// Memory per waiting run of the embedded engine: N runs that each made one activity call and
// then wait for a signal, held by one engine. Reports the process's resident set growth
// divided by N (the instance, its journal bookkeeping and SQLite's page cache share).
//
// Usage: embedded_waiting_memory_bench [runs=10000] [journal folder=./embedded-memory-bench]
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "bench/embedded/bench_engine.h"
#include "dsl/loader.h"
#include "runtime/embedded/engine.h"

namespace {

using namespace weft;
using nlohmann::json;

constexpr const char* kWaiting = R"(dsl: 1
name: waiting
input: {type: object}
vars: {approved: false}
handlers:
  signals:
    approve:
      set: {approved: true}
steps:
  - id: notify
    call: bench.step
    args: {order: '${ input.order }'}
    timeouts: {start_to_close: 30s}
  - id: approval
    await:
      condition: ${ vars.approved }
      timeout: 24h
output: done
)";

long ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::stoi(argv[1]) : 10000;
  const std::filesystem::path folder = argc > 2 ? argv[2] : "embedded-memory-bench";
  auto definition = dsl::LoadDefinition(kWaiting);
  if (!definition) return 1;
  auto bench = bench::BenchEngine::Open(folder, 2);
  if (!bench) return 1;
  embedded::Engine* engine = bench->engine.get();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const long before = ResidentBytes();
  for (int i = 0; i < runs; ++i) engine->StartRun(*definition, json{{"order", i}});
  // Each run is waiting once its second activation (the activity's result) is journaled.
  while (engine->stats().activations < static_cast<std::uint64_t>(2 * runs)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long after = ResidentBytes();
  // The burst of starts leaves freed heap that glibc keeps mapped; what the waiting runs
  // hold is what remains once it is given back.
  ::malloc_trim(0);
  const long trimmed = ResidentBytes();
  std::printf("waiting runs         %d (one activity done, awaiting a signal, 24h timeout)\n",
              runs);
  std::printf("open runs            %zu\n", engine->OpenRuns());
  std::printf("rss before           %.1f MB\n", static_cast<double>(before) / 1e6);
  std::printf("rss after            %.1f MB\n", static_cast<double>(after) / 1e6);
  std::printf("per waiting run      %.1f KB (%.1f KB after malloc_trim: %.1f MB)\n",
              static_cast<double>(after - before) / runs / 1024.0,
              static_cast<double>(trimmed - before) / runs / 1024.0,
              static_cast<double>(trimmed) / 1e6);
  engine->Stop();
  std::filesystem::remove_all(folder);
  return 0;
}
