// Hostile activities beside a well-behaved run (issue 18, point 4): for each hostile activity
// (tests/lua/modules/hostile.lua, and C++ activities that throw, hang past their timeout or
// return what is not JSON), one run calls it while a well-behaved run of one C++ step is started
// and awaited again and again beside it. Prints, per hostile activity: how its run ended (the
// failure's type), how long it took, the well-behaved run's p50 and worst latency meanwhile
// against the same run on an idle engine, and the process's resident memory after the hostile
// run closed against before it started.
//
// It is also a check (`--check`, run by CTest with few repetitions): it exits 1 when a hostile
// run does not fail with the expected error type, when a well-behaved run fails or does not
// close within the hostile run's own timeout, or when memory does not come back (more than
// 64 MiB kept after a hostile run). Timing figures are printed, never asserted.
//
// Usage: embedded_hostile_neighbours_bench [--check] [quick runs per hostile run=50] [folder]
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/embedded/bench_engine.h"
#include "dsl/loader.h"
#include "runtime/lua/lua_activities.h"

namespace {

using namespace weft;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Hostile {
  std::string activity;       // what the hostile run calls
  std::string expected_type;  // the failure type its run must end with; "" completes
};

// Each is called once, without retries, with a 5 s start-to-close timeout.
const std::vector<Hostile> kHostile = {
    {"hostile.loop", "LuaInstructionLimit"},
    {"hostile.loop_in_coroutine", "LuaInstructionLimit"},
    {"hostile.loop_in_pcall", "LuaInstructionLimit"},
    {"hostile.loop_in_xpcall_handler", "LuaInstructionLimit"},
    {"hostile.loop_in_finalizer", "LuaError"},
    {"hostile.memory_bomb", "LuaMemoryLimit"},
    {"hostile.memory_bomb_kept", "LuaMemoryLimit"},
    {"hostile.string_bomb", "LuaMemoryLimit"},
    {"hostile.empty_rep", ""},
    {"hostile.table_move", "LuaError"},
    {"hostile.pattern_gsub", "LuaInstructionLimit"},
    {"hostile.pattern_long_backreference", "LuaInstructionLimit"},
    {"hostile.deep_recursion", "LuaMemoryLimit"},
    {"hostile.json_decode_wide", "LuaMemoryLimit"},
    {"hostile.io", "LuaError"},
    {"hostile.load_bytecode", "LuaError"},
    {"hostile.cyclic_result", "LuaInvalidResult"},
    {"hostile.function_result", "LuaInvalidResult"},
    {"hostile.huge_result", "LuaResultTooLarge"},
    {"cpp.throws", "InternalError"},
    {"cpp.hangs", "Timeout"},
    {"cpp.not_utf8", "InvalidResult"},
    {"cpp.nan", "InvalidResult"},
};

long ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

// The allocator's free pages given back to the system now, as it would do by itself a few
// seconds later: jemalloc's (cmake/WeftAllocator.cmake) purges dirty pages after 10 s, glibc's
// keeps them until trimmed.
extern "C" int mallctl(const char*, void*, std::size_t*, void*, std::size_t) __attribute__((weak));
void ReturnFreeMemory() {
  if (mallctl != nullptr) mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // all arenas
  ::malloc_trim(0);
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::shared_ptr<const dsl::Definition> Definition(const std::string& yaml) {
  auto loaded = dsl::LoadDefinition(yaml);
  if (!loaded) {
    std::fprintf(stderr, "a benchmark definition does not load:\n%s", yaml.c_str());
    std::exit(2);
  }
  return *loaded;
}

// The failure's type as the run's failure JSON (run::FailureToJson) carries it: the activity
// failure's own type, or the timeout's ("Timeout").
std::string FailureType(const json& failure) {
  const auto type = failure.find("type");
  return type != failure.end() && type->is_string() ? type->get<std::string>() : failure.dump();
}

struct Latencies {
  double p50 = 0, worst = 0;
  bool all_completed = true;
};

Latencies QuickRuns(embedded::Engine& engine, const std::shared_ptr<const dsl::Definition>& quick,
                    int count) {
  std::vector<double> ms;
  Latencies latencies;
  for (int i = 0; i < count; ++i) {
    const auto start = Clock::now();
    const std::string run = engine.StartRun(quick, json{{"n", i}});
    const auto outcome = engine.WaitForRun(run, std::chrono::seconds(5));
    ms.push_back(Ms(Clock::now() - start));
    if (!outcome || outcome->status != embedded::RunStatus::kCompleted)
      latencies.all_completed = false;
  }
  std::sort(ms.begin(), ms.end());
  latencies.p50 = ms[ms.size() / 2];
  latencies.worst = ms.back();
  return latencies;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool check = !args.empty() && args.front() == "--check";
  if (check) args.erase(args.begin());
  const int quick_runs = !args.empty() ? std::stoi(args[0]) : 50;
  const std::filesystem::path folder = args.size() > 1 ? args[1] : "hostile-neighbours-bench";

  std::atomic<bool> release_hung{false};
  auto bench = bench::BenchEngine::Open(
      folder, /*activity_threads=*/2, /*synchronous_full=*/true,
      [&](activity::ActivityRegistry& registry) {
        using activity::ActivityContext;
        using activity::ActivityResult;
        auto add = [&](std::string name, activity::ActivityFunction function) {
          return registry.Register({.name = std::move(name), .function = std::move(function)})
              .has_value();
        };
        const bool cpp =
            add("quick.step",
                [](const json& input, ActivityContext&) -> ActivityResult { return input; }) &&
            add("cpp.throws",
                [](const json&, ActivityContext&) -> ActivityResult {
                  throw std::runtime_error("a C++ activity that throws");
                }) &&
            // Ignores cancellation, like a C call that cannot be interrupted.
            add("cpp.hangs",
                [&release_hung](const json&, ActivityContext&) -> ActivityResult {
                  while (!release_hung) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                  return json("late");
                }) &&
            add("cpp.not_utf8",
                [](const json&, ActivityContext&) -> ActivityResult {
                  return json("\xff\xfe not UTF-8");
                }) &&
            add("cpp.nan", [](const json&, ActivityContext&) -> ActivityResult {
              return json{{"value", std::nan("")}};
            });
        if (!cpp) return false;
        auto lua = lua::LuaActivities::Create(
            {.module_dir = std::string(WEFT_SOURCE_DIR) + "/tests/lua/modules",
             .limits = {.memory_bytes = 32 * 1024 * 1024,
                        .instructions = 20'000'000,
                        .result_bytes = 2 * 1024 * 1024}});
        auto registered = lua->RegisterAll(registry);
        if (!registered) std::fprintf(stderr, "%s\n", registered.error().message.c_str());
        return registered.has_value();
      });
  if (!bench) return 2;
  embedded::Engine& engine = *bench->engine;

  const auto quick = Definition(R"(dsl: 1
name: quick
input: {type: object}
steps:
  - id: step
    call: quick.step
    args: {n: '${ input.n }'}
    timeouts: {start_to_close: 5s}
    result: value
output: ${ vars.value }
)");

  const Latencies idle = QuickRuns(engine, quick, quick_runs);
  std::printf("Well-behaved run alone: p50 %.2f ms, worst %.2f ms (%d runs)\n\n", idle.p50,
              idle.worst, quick_runs);
  std::printf("| hostile activity | its run ended | after | beside it: p50 | worst | RSS kept |\n");
  std::printf("|---|---|---|---|---|---|\n");
  bool ok = idle.all_completed;
  for (const Hostile& hostile : kHostile) {
    ReturnFreeMemory();
    const long rss_before = ResidentBytes();
    const auto definition =
        Definition("dsl: 1\nname: hostile\nsteps:\n  - id: attack\n    call: " + hostile.activity +
                   "\n    timeouts: {start_to_close: 5s}\n"
                   "    retry: {maximum_attempts: 1}\n");
    const auto start = Clock::now();
    const std::string run = engine.StartRun(definition, json::object());
    // Awaited on a thread of its own, so that its time is its own, not the quick runs'.
    std::optional<embedded::RunOutcome> outcome;
    double took = 0;
    std::thread waiter([&] {
      outcome = engine.WaitForRun(run, std::chrono::seconds(30));
      took = Ms(Clock::now() - start);
    });
    const Latencies beside = QuickRuns(engine, quick, quick_runs);
    waiter.join();
    ReturnFreeMemory();
    const double kept_mib = static_cast<double>(ResidentBytes() - rss_before) / (1 << 20);
    const std::string ended = !outcome ? "(still open)"
                              : outcome->status == embedded::RunStatus::kFailed
                                  ? FailureType(outcome->failure)
                              : outcome->status == embedded::RunStatus::kCompleted ? ""
                                                                                   : "not failed";
    std::printf("| %s | %s | %.0f ms | %.2f ms | %.2f ms | %+.1f MiB |\n", hostile.activity.c_str(),
                ended.empty() ? "completed" : ended.c_str(), took, beside.p50, beside.worst,
                kept_mib);
    std::fflush(stdout);
    const bool this_ok = ended == hostile.expected_type && beside.all_completed && kept_mib < 64;
    if (!this_ok) {
      std::fprintf(stderr, "%s: expected %s, got %s%s%s\n", hostile.activity.c_str(),
                   hostile.expected_type.c_str(), ended.c_str(),
                   beside.all_completed ? "" : "; a well-behaved run did not complete",
                   kept_mib < 64 ? "" : "; memory was not given back");
      if (outcome) std::fprintf(stderr, "  failure: %s\n", outcome->failure.dump().c_str());
    }
    ok = ok && this_ok;
  }
  release_hung = true;
  engine.Stop();
  std::filesystem::remove_all(folder);
  if (check && !ok) return 1;
  return 0;
}
