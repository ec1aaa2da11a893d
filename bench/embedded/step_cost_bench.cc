// The cost of one step as a run grows (issue 17, point 3): one run of a `while` loop whose
// every iteration calls `bench.step` once (one activation, one journal commit per iteration),
// alone on the embedded engine. The activity notes, at each call, the wall clock and the CPU
// clocks of the process, the engine thread and the journal thread; the cost of a step at step
// k is the difference over the `half`-wide window on either side of k divided by its steps.
// An engine that replays a run's history at each step gets slower as k grows; this one must
// stay flat. Each repetition is a fresh journal; the table gives the median of the
// repetitions and their range.
//
// Usage: embedded_step_cost_bench [steps=1100] [repeat=5] [folder=./step-cost-bench]
//        [sync=full|normal] [half=5]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/embedded/bench_engine.h"
#include "bench/embedded/quantile.h"
#include "bench/embedded/thread_cpu.h"
#include "dsl/loader.h"
#include "runtime/embedded/engine.h"

namespace {

using namespace weft;
using nlohmann::json;

constexpr const char* kLoop = R"(dsl: 1
name: long-loop
input: {type: object}
vars: {i: 0}
steps:
  - id: loop
    while:
      condition: ${ vars.i < input.steps }
      max_iterations: 1000000
      steps:
        - id: step
          call: bench.step
          args: {i: '${ vars.i }'}
          timeouts: {start_to_close: 30s}
          result: last
        - id: next
          set: {i: '${ vars.last.i + 1 }'}
output: ${ vars.i }
)";

// What the clocks read when step `i` called its activity.
struct Sample {
  std::int64_t wall_ns = 0;
  std::int64_t process_ns = 0;
  std::int64_t engine_ns = 0;
  std::int64_t journal_ns = 0;
};

std::int64_t WallNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Recorder {
  std::vector<Sample> samples;
  clockid_t engine_clock = CLOCK_PROCESS_CPUTIME_ID;
  clockid_t journal_clock = CLOCK_PROCESS_CPUTIME_ID;
  std::atomic<bool> ready{false};  // the clocks are found; before, calls are not noted

  void Note(std::int64_t i) {
    if (!ready.load() || i < 0 || i >= static_cast<std::int64_t>(samples.size())) return;
    samples[static_cast<std::size_t>(i)] = {
        .wall_ns = WallNanoseconds(),
        .process_ns = bench::CpuNanoseconds(CLOCK_PROCESS_CPUTIME_ID),
        .engine_ns = bench::CpuNanoseconds(engine_clock),
        .journal_ns = bench::CpuNanoseconds(journal_clock)};
  }
};

// Microseconds per step over [k - half, k + half) of one repetition.
struct Window {
  double wall = 0, process = 0, engine = 0, journal = 0;
};

Window Around(const std::vector<Sample>& s, int k, int half) {
  const Sample& a = s[static_cast<std::size_t>(k - half)];
  const Sample& b = s[static_cast<std::size_t>(k + half)];
  const double steps = 2.0 * half * 1000.0;  // ns to us, per step
  return {.wall = static_cast<double>(b.wall_ns - a.wall_ns) / steps,
          .process = static_cast<double>(b.process_ns - a.process_ns) / steps,
          .engine = static_cast<double>(b.engine_ns - a.engine_ns) / steps,
          .journal = static_cast<double>(b.journal_ns - a.journal_ns) / steps};
}

std::string MedianAndRange(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  char text[64];
  std::snprintf(text, sizeof(text), "%.0f (%.0f-%.0f)", bench::Quantile(values, 0.5),
                values.front(), values.back());
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::stoi(argv[1]) : 1100;
  const int repeat = argc > 2 ? std::stoi(argv[2]) : 5;
  const std::filesystem::path folder = argc > 3 ? argv[3] : "step-cost-bench";
  const bool full = argc > 4 ? std::string(argv[4]) != "normal" : true;
  const int half = argc > 5 ? std::stoi(argv[5]) : 5;
  auto definition = dsl::LoadDefinition(kLoop);
  if (!definition) return 1;
  std::vector<int> at;
  for (int k : {10, 100, 1000, 10000}) {
    if (k - half >= 0 && k + half < steps) at.push_back(k);
  }
  std::vector<std::vector<Window>> windows(at.size());
  for (int r = 0; r < repeat; ++r) {
    Recorder recorder;
    recorder.samples.resize(static_cast<std::size_t>(steps));
    auto bench = bench::BenchEngine::Open(
        folder, 2, full, [&recorder](activity::ActivityRegistry& registry) {
          return registry
              .Register({.name = "bench.step",
                         .function = [&recorder](const json& input, activity::ActivityContext&)
                             -> activity::ActivityResult {
                           recorder.Note(input.at("i").get<std::int64_t>());
                           return input;
                         }})
              .has_value();
        });
    if (!bench) return 1;
    // The threads name themselves once they run.
    std::optional<clockid_t> engine_clock, journal_clock;
    for (int tries = 0; tries < 100 && (!engine_clock || !journal_clock); ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      engine_clock = bench::ThreadCpuClock("weft-engine");
      journal_clock = bench::ThreadCpuClock("weft-journal");
    }
    if (!engine_clock || !journal_clock) {
      std::fprintf(stderr, "cannot find the engine's threads\n");
      return 1;
    }
    recorder.engine_clock = *engine_clock;
    recorder.journal_clock = *journal_clock;
    recorder.ready = true;
    const std::string run_id = bench->engine->StartRun(*definition, json{{"steps", steps}});
    auto outcome = bench->engine->WaitForRun(run_id, std::chrono::minutes(30));
    if (!outcome || outcome->status != embedded::RunStatus::kCompleted) {
      std::fprintf(stderr, "the run did not complete\n");
      return 1;
    }
    bench->engine->Stop();
    for (std::size_t w = 0; w < at.size(); ++w) {
      windows[w].push_back(Around(recorder.samples, at[w], half));
    }
  }
  std::printf(
      "one run of %d loop steps (one activity call, one commit each), synchronous=%s; "
      "%d repetitions, us per step over steps k-%d..k+%d: median (min-max)\n",
      steps, full ? "FULL" : "NORMAL", repeat, half, half);
  std::printf("%-8s %-22s %-22s %-22s %-22s\n", "step k", "wall", "cpu process",
              "cpu engine thread", "cpu journal thread");
  for (std::size_t w = 0; w < at.size(); ++w) {
    std::vector<double> wall, process, engine, journal;
    for (const Window& window : windows[w]) {
      wall.push_back(window.wall);
      process.push_back(window.process);
      engine.push_back(window.engine);
      journal.push_back(window.journal);
    }
    std::printf("%-8d %-22s %-22s %-22s %-22s\n", at[w], MedianAndRange(wall).c_str(),
                MedianAndRange(process).c_str(), MedianAndRange(engine).c_str(),
                MedianAndRange(journal).c_str());
  }
  std::filesystem::remove_all(folder);
  return 0;
}
