// Many runs held at once by the embedded engine (issue 17, point 4): N runs that each made one
// activity call and then wait for a signal (a condition with a 24 h timeout, so a durable timer
// too), held by one engine on one journal. Reports:
//   - memory per waiting run: the process's resident set growth divided by N (the runs'
//     state, the engine's bookkeeping, SQLite's page cache share), and again after
//     malloc_trim gave freed heap back;
//   - the time for a signal to reach one of them: a JournalClient (as `weft signal` does)
//     writes it to the inbox, the engine is told to read its inbox (as the doorbell does), and
//     the clock stops when the signalled run has closed (its activation committed);
//   - start-up: the time to open an engine on the journal with them (its recovery), the runs
//     it replayed, its memory per run (in a process of its own: --reopen), and the signal's
//     time again, to runs no one has touched since.
// Runs are started with at most `window` of them not yet waiting, as a service receives them.
//
// Usage: embedded_waiting_memory_bench [--runs 10000] [--folder ./embedded-memory-bench]
//        [--window 1000] [--signals 100] [--resident N] [--keep | --reopen]
//   --resident  EngineOptions::resident_waiting_runs (default: the engine's)
//   --keep    fill the journal, measure, and leave it (no restart) for a --reopen process
//   --reopen  open the journal a --keep process left: start-up, memory, signals
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/embedded/bench_engine.h"
#include "bench/embedded/quantile.h"
#include "bench/embedded/resident_memory.h"
#include "dsl/loader.h"
#include "runtime/embedded/engine.h"
#include "runtime/embedded/journal_client.h"

namespace {

using namespace weft;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

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

struct Options {
  int runs = 10000;
  std::filesystem::path folder = "embedded-memory-bench";
  int window = 1000;
  int signals = 100;
  std::optional<std::size_t> resident;
  bool keep = false;
  bool reopen = false;
};

std::optional<Options> Parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : "0"; };
    if (arg == "--runs") {
      options.runs = std::stoi(value());
    } else if (arg == "--folder") {
      options.folder = value();
    } else if (arg == "--window") {
      options.window = std::stoi(value());
    } else if (arg == "--signals") {
      options.signals = std::stoi(value());
    } else if (arg == "--resident") {
      options.resident = std::stoul(value());
    } else if (arg == "--keep") {
      options.keep = true;
    } else if (arg == "--reopen") {
      options.reopen = true;
    } else {
      return std::nullopt;
    }
  }
  return options;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double MB(long bytes) { return static_cast<double>(bytes) / 1e6; }

// Resident growth since `before`, per run, now and after malloc_trim.
void PrintMemory(const char* label, long before, std::size_t runs) {
  const long after = bench::ResidentBytes();
  ::malloc_trim(0);
  const long trimmed = bench::ResidentBytes();
  const double n = static_cast<double>(std::max<std::size_t>(runs, 1));
  std::printf("%-34s %.2f KB per run (rss %.1f MB); after malloc_trim %.2f KB (rss %.1f MB)\n",
              label, static_cast<double>(after - before) / n / 1024.0, MB(after),
              static_cast<double>(trimmed - before) / n / 1024.0, MB(trimmed));
}

// Signals `count` of the runs, one after the other, each to a run not signalled before (from
// `offset`, evenly spread), and prints how long each took to close its run.
void MeasureSignals(const char* label, embedded::Engine& engine, embedded::JournalClient& client,
                    const std::vector<std::string>& run_ids, int count, int offset) {
  if (count <= 0 || run_ids.empty()) return;
  std::vector<double> total_ms, send_ms;
  const std::size_t stride = std::max<std::size_t>(run_ids.size() / count, 1);
  for (int i = 0; i < count; ++i) {
    const std::string& run_id = run_ids[(offset + i * stride) % run_ids.size()];
    const auto began = Clock::now();
    if (!client.Send(run_id, "signal", "approve", nullptr)) std::abort();
    send_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - began).count());
    engine.PollInboxNow();
    auto outcome = engine.WaitForRun(run_id, std::chrono::minutes(2));
    if (!outcome || outcome->status != embedded::RunStatus::kCompleted) {
      std::fprintf(stderr, "run %s did not complete after its signal\n", run_id.c_str());
      std::exit(1);
    }
    total_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - began).count());
  }
  std::sort(total_ms.begin(), total_ms.end());
  std::sort(send_ms.begin(), send_ms.end());
  std::printf(
      "%-34s p50 %.2f ms, p95 %.2f ms, max %.2f ms (%d signals; of which the client's inbox "
      "write p50 %.2f ms)\n",
      label, bench::Quantile(total_ms, 0.5), bench::Quantile(total_ms, 0.95), total_ms.back(),
      count, bench::Quantile(send_ms, 0.5));
}

// The runs the journal holds open, as a restarted engine finds them.
std::vector<std::string> OpenRunIds(embedded::JournalClient& client) {
  std::vector<std::string> ids;
  auto read = client.journal().ForEachUnfinishedRun(
      [&ids](const embedded::UnfinishedRun& run) { ids.emplace_back(run.run_id); });
  if (!read) std::abort();
  return ids;
}

void PrintOpen(const bench::BenchEngine& bench, double seconds, std::size_t runs) {
  std::printf("%-34s %.2f s for %zu open runs (%.1f us per run); runs replayed %llu\n",
              "start-up (Engine::Open)", seconds, runs, seconds * 1e6 / static_cast<double>(runs),
              static_cast<unsigned long long>(bench.engine->stats().replayed_runs));
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = Parse(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: embedded_waiting_memory_bench [--runs N] [--folder DIR] [--window N] "
                 "[--signals N] [--resident N] [--keep | --reopen]\n");
    return 2;
  }
  auto definition = dsl::LoadDefinition(kWaiting);
  if (!definition) return 1;
  const auto journal = options->folder / "journal.db";
  const auto configure = [&options](embedded::EngineOptions& engine) {
    if (options->resident) engine.resident_waiting_runs = *options->resident;
  };

  if (options->reopen) {
    const long before = bench::ResidentBytes();
    const auto began = Clock::now();
    auto bench = bench::BenchEngine::OpenExisting(options->folder, 2, true, {}, configure);
    if (!bench) return 1;
    const double open_seconds = Seconds(began);
    const std::size_t open_runs = bench->engine->OpenRuns();
    PrintOpen(*bench, open_seconds, open_runs);
    PrintMemory("memory after start-up", before, open_runs);
    auto client = embedded::JournalClient::Open(journal);
    if (!client) return 1;
    const std::vector<std::string> run_ids = OpenRunIds(*client);
    MeasureSignals("signal to an untouched run", *bench->engine, *client, run_ids, options->signals,
                   0);
    bench->engine->Stop();
    return 0;
  }

  auto bench = bench::BenchEngine::Open(options->folder, 2, true, {}, configure);
  if (!bench) return 1;
  embedded::Engine* engine = bench->engine.get();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const long before = bench::ResidentBytes();
  const auto began = Clock::now();
  std::vector<std::string> run_ids;
  run_ids.reserve(options->runs);
  // Each run is waiting once its second activation (the activity's result) is journaled.
  auto waiting = [engine] { return static_cast<int>(engine->stats().activations / 2); };
  for (int i = 0; i < options->runs; ++i) {
    while (i - waiting() >= options->window)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    run_ids.push_back(engine->StartRun(*definition, json{{"order", i}}));
  }
  while (engine->stats().activations < static_cast<std::uint64_t>(2 * options->runs)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double fill_seconds = Seconds(began);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::printf(
      "waiting runs                       %d (one activity done, awaiting a signal, "
      "24h timeout), started %d at a time: %.1f s\n",
      options->runs, options->window, fill_seconds);
  PrintMemory("memory per waiting run", before, run_ids.size());
  auto client = embedded::JournalClient::Open(journal);
  if (!client) return 1;
  MeasureSignals("signal to a waiting run", *engine, *client, run_ids, options->signals, 0);
  if (options->keep) {
    engine->Stop();
    return 0;
  }
  const auto restart = Clock::now();
  if (!bench->Restart()) return 1;
  PrintOpen(*bench, Seconds(restart), bench->engine->OpenRuns());
  MeasureSignals("signal after the restart", *bench->engine, *client, run_ids, options->signals, 1);
  bench->engine->Stop();
  std::filesystem::remove_all(options->folder);
  return 0;
}
