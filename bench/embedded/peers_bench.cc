// The embedded engine's rows of bench/peers/embedded_peers.py: one workflow definition (the
// peers' three-step workflow) run in this process, measured as the peers are:
//  1. throughput: `runs` runs, at most `in_flight` open at once, either from one client thread
//     keeping a window (Engine::StartRun, the oldest awaited before the next starts) or from
//     `in_flight` client threads each starting a run and awaiting it (Engine::WaitForRun);
//  2. latency: `sequential` runs one after the other, each timed from start to result.
// Prints one line of JSON: runs/s, CPU ms per run (getrusage: the whole process, client
// included), CPU µs per run of each engine thread, p50/p95 latency, and group commit's effect
// (engine steps and activations per journal transaction, each one fsync).
//
// `bench.step` is either the C++ function below or the Lua module of --lua-dir (the same
// addition: {value, step} -> {value + step, step}). The journal is synchronous=FULL.
//
// Usage: embedded_peers_bench WORKFLOW.yaml [--lua-dir DIR] [--threads] [--runs 2000]
//        [--in-flight 200] [--sequential 100] [--folder ./peers-bench] [--activity-threads 2]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/embedded/bench_engine.h"
#include "bench/embedded/quantile.h"
#include "bench/embedded/thread_cpu.h"
#include "dsl/loader.h"
#include "runtime/embedded/engine.h"
#include "runtime/lua/lua_activities.h"

namespace {

using namespace weft;
using nlohmann::json;
using Definition = std::shared_ptr<const dsl::Definition>;

struct Options {
  std::filesystem::path workflow;
  std::filesystem::path lua_dir;  // empty: the C++ activity
  bool threads = false;
  int runs = 2000;
  int in_flight = 200;
  int sequential = 100;
  std::filesystem::path folder = "peers-bench";
  int activity_threads = 2;
};

bool RegisterCppStep(activity::ActivityRegistry& registry) {
  auto registered = registry.Register(
      {.name = "bench.step",
       .function = [](const json& input, activity::ActivityContext&) -> activity::ActivityResult {
         return json{{"value",
                      input.at("value").get<std::int64_t>() + input.at("step").get<std::int64_t>()},
                     {"step", input.at("step")}};
       }});
  return registered.has_value();
}

bench::BenchEngine::RegisterActivities LuaSteps(const std::filesystem::path& dir) {
  return [dir](activity::ActivityRegistry& registry) {
    auto lua = lua::LuaActivities::Create({.module_dir = dir});
    auto registered = lua->RegisterAll(registry);
    if (!registered || !registered->broken.empty()) {
      std::fprintf(stderr, "cannot load the Lua activities of %s\n", dir.c_str());
      return false;
    }
    return true;
  };
}

void AwaitRun(embedded::Engine& engine, const std::string& run_id) {
  auto outcome = engine.WaitForRun(run_id, std::chrono::minutes(5));
  if (!outcome || outcome->status != embedded::RunStatus::kCompleted) {
    std::fprintf(stderr, "run %s did not complete\n", run_id.c_str());
    std::exit(1);
  }
}

void Window(embedded::Engine& engine, const Definition& definition, int runs, int in_flight) {
  std::deque<std::string> open;
  for (int n = 0; n < runs; ++n) {
    if (static_cast<int>(open.size()) >= in_flight) {
      AwaitRun(engine, open.front());
      open.pop_front();
    }
    open.push_back(engine.StartRun(definition, json{{"n", n}}));
  }
  for (const auto& run : open) AwaitRun(engine, run);
}

void ThreadPerRun(embedded::Engine& engine, const Definition& definition, int runs, int in_flight) {
  std::atomic<int> next{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < in_flight; ++t) {
    clients.emplace_back([&] {
      for (int n = next++; n < runs; n = next++) {
        AwaitRun(engine, engine.StartRun(definition, json{{"n", n}}));
      }
    });
  }
  for (auto& client : clients) client.join();
}

std::optional<Options> Parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--lua-dir") {
      options.lua_dir = value();
    } else if (arg == "--threads") {
      options.threads = true;
    } else if (arg == "--runs") {
      options.runs = std::stoi(value());
    } else if (arg == "--in-flight") {
      options.in_flight = std::stoi(value());
    } else if (arg == "--sequential") {
      options.sequential = std::stoi(value());
    } else if (arg == "--folder") {
      options.folder = value();
    } else if (arg == "--activity-threads") {
      options.activity_threads = std::stoi(value());
    } else if (options.workflow.empty() && !arg.starts_with("--")) {
      options.workflow = arg;
    } else {
      return std::nullopt;
    }
  }
  if (options.workflow.empty()) return std::nullopt;
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = Parse(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: embedded_peers_bench WORKFLOW.yaml [--lua-dir DIR] [--threads] "
                 "[--runs N] [--in-flight N] [--sequential N] [--folder DIR] "
                 "[--activity-threads N]\n");
    return 2;
  }
  auto loaded = dsl::LoadDefinitionFile(options->workflow);
  if (!loaded) {
    std::fprintf(stderr, "%s\n",
                 dsl::FormatFileDiagnostics(options->workflow, loaded.error()).c_str());
    return 1;
  }
  const Definition definition = std::move(*loaded);
  auto bench = bench::BenchEngine::Open(
      options->folder, options->activity_threads, /*synchronous_full=*/true,
      options->lua_dir.empty() ? RegisterCppStep : LuaSteps(options->lua_dir));
  if (!bench) return 1;
  embedded::Engine& engine = *bench->engine;
  // Warm-up, as the peers' drivers do: the first run loads the Lua module on a thread.
  AwaitRun(engine, engine.StartRun(definition, json{{"n", -1}}));

  const auto stats_before = engine.stats();
  const auto threads_before = bench::ThreadCpuSeconds();
  const double cpu_before = bench::ProcessCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  if (options->threads) {
    ThreadPerRun(engine, definition, options->runs, options->in_flight);
  } else {
    Window(engine, definition, options->runs, options->in_flight);
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = bench::ProcessCpuSeconds() - cpu_before;
  const auto stats = engine.stats();
  auto threads_after = bench::ThreadCpuSeconds();

  std::vector<double> latencies_ms;
  for (int n = 0; n < options->sequential; ++n) {
    const auto began = std::chrono::steady_clock::now();
    AwaitRun(engine, engine.StartRun(definition, json{{"n", options->runs + n}}));
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began)
            .count());
  }
  engine.Stop();
  std::sort(latencies_ms.begin(), latencies_ms.end());

  const double transactions = static_cast<double>(stats.transactions - stats_before.transactions);
  json thread_us_per_run = json::object();
  for (const auto& [name, seconds] : threads_after) {
    if (!name.starts_with("weft-")) continue;  // the client threads and main are the rest
    const auto before = threads_before.find(name);
    const double used = seconds - (before == threads_before.end() ? 0 : before->second);
    thread_us_per_run[name] = used * 1e6 / options->runs;
  }
  const json line = {
      {"runs", options->runs},
      {"in_flight", options->in_flight},
      {"clients", options->threads ? "threads" : "window"},
      {"activity", options->lua_dir.empty() ? "cpp" : "lua"},
      {"runs_per_s", options->runs / wall},
      {"cpu_ms_per_run", cpu * 1e3 / options->runs},
      {"thread_cpu_us_per_run", thread_us_per_run},
      {"p50_ms", bench::Quantile(latencies_ms, 0.5)},
      {"p95_ms", bench::Quantile(latencies_ms, 0.95)},
      {"transactions", transactions},
      {"steps", stats.batches - stats_before.batches},
      {"activations", stats.activations - stats_before.activations},
      {"steps_per_fsync", static_cast<double>(stats.batches - stats_before.batches) / transactions},
      {"activations_per_fsync",
       static_cast<double>(stats.activations - stats_before.activations) / transactions},
      {"durability", "WAL, synchronous=FULL, group commit: fsync per journal transaction"},
  };
  std::printf("%s\n", line.dump().c_str());
  std::filesystem::remove_all(options->folder);
  return 0;
}
