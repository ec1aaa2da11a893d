// BenchEngine: what the embedded-engine benchmark drivers start from: a fresh journal folder
// (emptied first), its lease, an activity registry with `bench.step` (by default a C++
// function returning its input; a driver may register its own), and an engine on them. Owns
// all of it; one per process, used from main's thread. OpenExisting() and Restart() open an
// engine on a journal that already holds runs, as a restarted process would.
#ifndef WEFT_BENCH_EMBEDDED_BENCH_ENGINE_H_
#define WEFT_BENCH_EMBEDDED_BENCH_ENGINE_H_

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "runtime/activity/activity_registry.h"
#include "runtime/embedded/engine.h"
#include "runtime/embedded/journal_lease.h"

namespace weft::bench {

struct BenchEngine {
  activity::ActivityRegistry registry;
  std::optional<embedded::JournalLease> lease;
  std::unique_ptr<embedded::Engine> engine;
  embedded::EngineOptions options;  // what `engine` was opened with

  // Fills the registry before the engine opens; false, with the reason on stderr, fails Open.
  using RegisterActivities = std::function<bool(activity::ActivityRegistry&)>;

  // Null, with the reason on stderr, if the engine cannot open. Without `register_activities`,
  // `bench.step` returns its input; `configure` may change the engine's options before it opens.
  static std::unique_ptr<BenchEngine> Open(
      const std::filesystem::path& folder, int activity_threads, bool synchronous_full = true,
      const RegisterActivities& register_activities = {},
      const std::function<void(embedded::EngineOptions&)>& configure = {}) {
    std::filesystem::remove_all(folder);
    return OpenExisting(folder, activity_threads, synchronous_full, register_activities, configure);
  }

  // The same on the journal a previous process left in `folder` (or a new one).
  static std::unique_ptr<BenchEngine> OpenExisting(
      const std::filesystem::path& folder, int activity_threads, bool synchronous_full = true,
      const RegisterActivities& register_activities = {},
      const std::function<void(embedded::EngineOptions&)>& configure = {}) {
    std::filesystem::create_directories(folder);
    const auto journal = folder / "journal.db";
    auto bench = std::make_unique<BenchEngine>();
    if (register_activities) {
      if (!register_activities(bench->registry)) return nullptr;
    } else {
      (void)bench->registry.Register(
          {.name = "bench.step",
           .function = [](const nlohmann::json& input, activity::ActivityContext&)
               -> activity::ActivityResult { return input; }});
    }
    auto lease = embedded::JournalLease::TryAcquire(journal);
    if (!lease || !*lease) {
      std::fprintf(stderr, "cannot take the lease of %s\n", journal.c_str());
      return nullptr;
    }
    bench->lease = std::move(**lease);
    embedded::EngineOptions& options = bench->options;
    options.journal_path = journal;
    options.registry = &bench->registry;
    options.activity_threads = activity_threads;
    options.synchronous_full = synchronous_full;
    if (configure) configure(options);
    if (!bench->OpenEngine()) return nullptr;
    return bench;
  }

  // Stops the engine (what it queued is committed) and opens another on the journal; the
  // new engine's recovery happens inside. False, with the reason on stderr, if it cannot open.
  bool Restart() {
    engine->Stop();
    engine.reset();
    return OpenEngine();
  }

 private:
  bool OpenEngine() {
    auto opened = embedded::Engine::Open(options);
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().c_str());
      return false;
    }
    engine = std::move(*opened);
    return true;
  }
};

}  // namespace weft::bench

#endif  // WEFT_BENCH_EMBEDDED_BENCH_ENGINE_H_
