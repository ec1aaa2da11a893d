// FolderWorker: `weft worker` without its signal handling: every definition of a workflows
// folder served on a Temporal task queue, with an activity registry (definition_worker.h). The
// folder is read again every rescan interval: new and changed definitions serve new runs at
// once, runs in flight keep the definition pinned in their history, and a file that stops
// loading leaves its last good version served. What each scan changed is logged (spdlog), a
// definition that does not load with its diagnostics. With sync_schedules, the schedules the
// definitions declare are kept so on the server (schedule_sync.h), from the rescanning thread.
//
// Owns the catalog, the DefinitionWorker and the rescanning thread; the registry is the
// caller's and must outlive the worker. Run() blocks the calling thread until Stop(), which
// any thread may call (the CLI's signal-waiting thread, a test); Serve() is the same as the
// body of a long-running service (runtime/service/run_service.h: `weft worker`).
#ifndef WEFT_RUNTIME_TEMPORAL_FOLDER_WORKER_H_
#define WEFT_RUNTIME_TEMPORAL_FOLDER_WORKER_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "dsl/definition_catalog.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/metrics/catalog_metrics.h"
#include "runtime/service/service_readiness.h"
#include "runtime/temporal/definition_worker.h"
#include "runtime/temporal/schedule_client.h"

namespace weft::temporal {

struct FolderWorkerOptions {
  DefinitionWorkerOptions worker;
  std::filesystem::path workflows = "workflows";
  std::chrono::milliseconds rescan_interval{1000};
  // Make the namespace's schedules what the definitions declare (schedule_sync.h), at start
  // and after every scan that changed a definition.
  bool sync_schedules = false;
};

class FolderWorker {
 public:
  // Scans the folder once (`call`s are checked against the registry's activities) and creates
  // the worker. Fails when the folder does not exist, or as DefinitionWorker::Create does (no
  // server, bad credentials, no such namespace).
  static std::expected<std::unique_ptr<FolderWorker>, std::string> Create(
      FolderWorkerOptions options, const activity::ActivityRegistry& registry);

  // Polls the task queue and rescans the folder until Stop(); then the workers finish what
  // they hold and tell the server (ShutdownWorker).
  void Run();
  void Stop();
  // Run() until `stop` is requested; meanwhile `readiness` asks the worker's Readiness() (the
  // endpoint's /readyz), and once this returns, no longer.
  void Serve(std::stop_token stop, service::ServiceReadiness& readiness);

  // The definitions served now (every version of every name).
  std::size_t workflows() const { return catalog_->List().size(); }
  const DefinitionWorker& worker() const { return *worker_; }

 private:
  FolderWorker(FolderWorkerOptions options, std::shared_ptr<dsl::DefinitionCatalog> catalog,
               std::unique_ptr<metrics::CatalogMetrics> catalog_metrics,
               std::unique_ptr<DefinitionWorker> worker, std::optional<ScheduleClient> schedules);
  void RescanUntilStopped();
  void SyncSchedules();

  FolderWorkerOptions options_;
  std::shared_ptr<dsl::DefinitionCatalog> catalog_;
  std::unique_ptr<metrics::CatalogMetrics> catalog_metrics_;  // in options_.worker.metrics
  std::unique_ptr<DefinitionWorker> worker_;
  std::optional<ScheduleClient> schedules_;  // with sync_schedules
  std::mutex mutex_;
  std::condition_variable stopped_changed_;
  bool stopped_ = false;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_FOLDER_WORKER_H_
