// What awaiting runs costs the embedded engine: the same runs of a three-step durable workflow,
// with `in_flight` of them open at any time, awaited either by one client thread or by
// `in_flight` client threads each starting a run and awaiting it (Engine::WaitForRun), as a
// server that answers each request when its run closes does. Issue 20: with one condition
// variable shared by every waiter, each closed run woke all 200 threads, and throughput fell
// 3-4x. The two ways take turns in one process, `repeat` times each, on a fresh journal each.
//
// A plain timed driver, not a Google Benchmark: the quantity is one burst's wall and CPU time.
// Usage: embedded_await_bench [runs=4000] [in_flight=200] [repeat=3] [folder=./await-bench]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/embedded/bench_engine.h"
#include "bench/embedded/three_steps.h"
#include "dsl/loader.h"
#include "runtime/embedded/engine.h"

namespace {

using namespace weft;
using nlohmann::json;

struct Usage {
  double cpu_seconds = 0;
  long context_switches = 0;  // voluntary and involuntary
};

Usage Now() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return {static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
              static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6,
          usage.ru_nvcsw + usage.ru_nivcsw};
}

// One client thread: keeps `in_flight` runs open, awaiting the oldest before starting the next.
void OneWaiter(embedded::Engine& engine, const std::shared_ptr<const dsl::Definition>& definition,
               int runs, int in_flight) {
  std::deque<std::string> open;
  int started = 0;
  while (started < runs || !open.empty()) {
    while (started < runs && static_cast<int>(open.size()) < in_flight) {
      open.push_back(engine.StartRun(definition, json{{"order", started++}}));
    }
    if (!engine.WaitForRun(open.front(), std::chrono::minutes(5))) std::abort();
    open.pop_front();
  }
}

// `in_flight` client threads, each starting one run and awaiting it, until `runs` are done.
void ThreadPerRun(embedded::Engine& engine,
                  const std::shared_ptr<const dsl::Definition>& definition, int runs,
                  int in_flight) {
  std::atomic<int> next{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < in_flight; ++t) {
    clients.emplace_back([&] {
      for (int order = next++; order < runs; order = next++) {
        const std::string run = engine.StartRun(definition, json{{"order", order}});
        if (!engine.WaitForRun(run, std::chrono::minutes(5))) std::abort();
      }
    });
  }
  for (auto& client : clients) client.join();
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::stoi(argv[1]) : 4000;
  const int in_flight = argc > 2 ? std::stoi(argv[2]) : 200;
  const int repeat = argc > 3 ? std::stoi(argv[3]) : 3;
  const std::filesystem::path folder = argc > 4 ? argv[4] : "await-bench";
  auto loaded = dsl::LoadDefinition(bench::kThreeSteps);
  if (!loaded) return 1;
  const std::shared_ptr<const dsl::Definition> definition = std::move(*loaded);
  std::printf("%d runs of three steps, %d in flight, synchronous=FULL, 2 activity threads\n", runs,
              in_flight);
  std::printf("%-22s %8s %10s %14s %18s\n", "awaited by", "wall s", "runs/s", "cpu us/run",
              "ctx switches/run");
  for (int round = 0; round < repeat; ++round) {
    for (const bool per_run : {false, true}) {
      auto bench = bench::BenchEngine::Open(folder, 2);
      if (!bench) return 1;
      const Usage before = Now();
      const auto start = std::chrono::steady_clock::now();
      if (per_run) {
        ThreadPerRun(*bench->engine, definition, runs, in_flight);
      } else {
        OneWaiter(*bench->engine, definition, runs, in_flight);
      }
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const Usage after = Now();
      bench->engine->Stop();
      const std::string who = per_run ? std::to_string(in_flight) + " threads" : "1 thread";
      std::printf("%-22s %8.2f %10.0f %14.0f %18.1f\n", who.c_str(), wall, runs / wall,
                  (after.cpu_seconds - before.cpu_seconds) * 1e6 / runs,
                  static_cast<double>(after.context_switches - before.context_switches) / runs);
      std::fflush(stdout);
    }
  }
  std::filesystem::remove_all(folder);
  return 0;
}
