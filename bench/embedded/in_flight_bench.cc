// Throughput as the number of runs in flight grows (issue 17, point 3): for each W given, a
// fresh journal and engine, and `runs` runs of the three-step workflow (three_steps.h) with W
// of them open at any time (a new run starts as soon as one closes). Per W: completed runs per
// second over the middle half of the runs (the ramp up and the drain left out), CPU per run
// of the process and of the engine and journal threads, engine steps per journal transaction
// (each one fsync), and the resident set at the end. These counters say where the curve
// bends: below the knee each commit carries few steps and the runs wait for the disk; above
// it, one of the two threads is saturated and what each run costs it decides.
//
// Usage: embedded_in_flight_bench [runs=20000] [folder=./in-flight-bench] [full|normal] W...
//        (W defaults to 10 100 1000 10000; runs is raised to 4 W when smaller; normal:
//        synchronous=NORMAL, no fsync per commit, to see the engine's own curve)
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "bench/embedded/bench_engine.h"
#include "bench/embedded/resident_memory.h"
#include "bench/embedded/thread_cpu.h"
#include "bench/embedded/three_steps.h"
#include "dsl/loader.h"
#include "runtime/embedded/engine.h"

namespace {

using namespace weft;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Closed runs, counted on the engine thread (its progress callback), awaited by main's.
class Closings {
 public:
  void Add() {
    {
      std::lock_guard lock(mutex_);
      times_.push_back(Clock::now());
    }
    changed_.notify_one();
  }
  // Waits until fewer than `limit` of `started` runs are open.
  void WaitBelow(int started, int limit) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return started - static_cast<int>(times_.size()) < limit; });
  }
  std::vector<Clock::time_point> times() {
    std::lock_guard lock(mutex_);
    return times_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Clock::time_point> times_;
};

struct Cpu {
  double process = 0, engine = 0, journal = 0;
};

Cpu CpuNow() {
  const auto threads = bench::ThreadCpuSeconds();
  auto of = [&threads](const char* name) {
    auto found = threads.find(name);
    return found == threads.end() ? 0.0 : found->second;
  };
  return {bench::ProcessCpuSeconds(), of("weft-engine"), of("weft-journal")};
}

}  // namespace

int main(int argc, char** argv) {
  const int runs_asked = argc > 1 ? std::stoi(argv[1]) : 20000;
  const std::filesystem::path folder = argc > 2 ? argv[2] : "in-flight-bench";
  int first_width = 3;
  bool full = true;
  if (argc > 3 && (std::string(argv[3]) == "normal" || std::string(argv[3]) == "full")) {
    full = std::string(argv[3]) == "full";
    first_width = 4;
  }
  std::vector<int> widths;
  for (int i = first_width; i < argc; ++i) widths.push_back(std::stoi(argv[i]));
  if (widths.empty()) widths = {10, 100, 1000, 10000};
  auto loaded = dsl::LoadDefinition(bench::kThreeSteps);
  if (!loaded) return 1;
  const std::shared_ptr<const dsl::Definition> definition = std::move(*loaded);
  std::printf(
      "three-step runs, W in flight, synchronous=%s, 2 activity threads; runs/s over "
      "the middle half of the runs; CPU per run over all of them\n",
      full ? "FULL" : "NORMAL");
  std::printf("%8s %8s %10s %10s %12s %12s %12s %12s %9s\n", "W", "runs", "runs/s", "wall s",
              "cpu us/run", "engine us", "journal us", "steps/fsync", "rss MB");
  for (const int width : widths) {
    const int runs = std::max(runs_asked, 4 * width);
    Closings closings;
    auto bench = bench::BenchEngine::Open(folder, 2, full, {}, [&](embedded::EngineOptions& o) {
      o.on_progress = [&closings](const embedded::ProgressEvent& event) {
        if (event.kind == embedded::ProgressEvent::Kind::kRunClosed) closings.Add();
      };
    });
    if (!bench) return 1;
    const auto stats_before = bench->engine->stats();
    const Cpu cpu_before = CpuNow();
    const auto start = Clock::now();
    for (int started = 0; started < runs; ++started) {
      closings.WaitBelow(started, width);
      bench->engine->StartRun(definition, json{{"order", started}});
    }
    if (!bench->engine->WaitUntilIdle(std::chrono::minutes(30))) return 1;
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    const Cpu cpu_after = CpuNow();
    const auto stats = bench->engine->stats();
    const long rss = bench::ResidentBytes();
    bench->engine->Stop();
    const auto times = closings.times();
    const std::size_t from = times.size() / 4, to = times.size() * 3 / 4;
    const double middle = std::chrono::duration<double>(times[to] - times[from]).count();
    const double transactions = static_cast<double>(stats.transactions - stats_before.transactions);
    std::printf("%8d %8d %10.0f %10.2f %12.0f %12.0f %12.0f %12.1f %9.1f\n", width, runs,
                static_cast<double>(to - from) / middle, wall,
                (cpu_after.process - cpu_before.process) * 1e6 / runs,
                (cpu_after.engine - cpu_before.engine) * 1e6 / runs,
                (cpu_after.journal - cpu_before.journal) * 1e6 / runs,
                static_cast<double>(stats.batches - stats_before.batches) / transactions,
                static_cast<double>(rss) / 1e6);
    std::fflush(stdout);
  }
  std::filesystem::remove_all(folder);
  return 0;
}
