#include "runtime/temporal/folder_worker.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "runtime/temporal/schedule_sync.h"

namespace weft::temporal {

std::expected<std::unique_ptr<FolderWorker>, std::string> FolderWorker::Create(
    FolderWorkerOptions options, const activity::ActivityRegistry& registry) {
  if (std::error_code failed; !std::filesystem::is_directory(options.workflows, failed)) {
    return std::unexpected("no workflows folder at " + options.workflows.string() +
                           " (give one with --workflows)");
  }
  auto catalog = std::make_shared<dsl::DefinitionCatalog>(
      options.workflows, dsl::LoadOptions{.known_activities = registry.Names(),
                                          .serves_activity = [&registry](std::string_view name) {
                                            return registry.Serves(name);
                                          }});
  // weft's own metrics beside the SDKs', in the one registry of the worker.
  if (!options.worker.metrics)
    options.worker.metrics = std::make_shared<metrics::MetricsRegistry>();
  auto catalog_metrics = std::make_unique<metrics::CatalogMetrics>(*options.worker.metrics);
  const auto scan = catalog->Rescan();
  catalog_metrics->RecordScan(scan, catalog->List().size(), /*first=*/true);
  auto worker = DefinitionWorker::Create(options.worker, catalog, registry);
  if (!worker) return std::unexpected(worker.error());
  std::optional<ScheduleClient> schedules;
  if (options.sync_schedules) {
    auto client = WorkflowClient::Connect(options.worker.connection);
    if (!client) return std::unexpected(client.error().message);
    schedules.emplace(*client);
  }
  std::unique_ptr<FolderWorker> folder_worker(
      new FolderWorker(std::move(options), std::move(catalog), std::move(catalog_metrics),
                       std::move(*worker), std::move(schedules)));
  folder_worker->SyncSchedules();
  return folder_worker;
}

FolderWorker::FolderWorker(FolderWorkerOptions options,
                           std::shared_ptr<dsl::DefinitionCatalog> catalog,
                           std::unique_ptr<metrics::CatalogMetrics> catalog_metrics,
                           std::unique_ptr<DefinitionWorker> worker,
                           std::optional<ScheduleClient> schedules)
    : options_(std::move(options)),
      catalog_(std::move(catalog)),
      catalog_metrics_(std::move(catalog_metrics)),
      worker_(std::move(worker)),
      schedules_(std::move(schedules)) {}

void FolderWorker::SyncSchedules() {
  if (!schedules_) return;
  const ScheduleSyncReport report = temporal::SyncSchedules(
      *schedules_, schedule::WorkflowSchedules(catalog_->List()), options_.worker.task_queue);
  for (const auto& id : report.created) spdlog::info("schedule {} created", id);
  for (const auto& id : report.updated) spdlog::info("schedule {} updated", id);
  for (const auto& id : report.deleted) spdlog::info("schedule {} deleted", id);
  for (const auto& error : report.errors) spdlog::warn("schedules: {}", error);
  if (report.created.empty() && report.updated.empty() && report.deleted.empty() &&
      report.errors.empty()) {
    spdlog::info("schedules in sync ({} declared)", report.unchanged.size());
  }
}

void FolderWorker::Run() {
  std::thread rescans([this] { RescanUntilStopped(); });
  worker_->Run();
  {
    // Should the worker ever return without Stop(), the rescans must not outlive it.
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  stopped_changed_.notify_all();
  rescans.join();
}

void FolderWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  stopped_changed_.notify_all();
  worker_->Stop();
}

void FolderWorker::Serve(std::stop_token stop, service::ServiceReadiness& readiness) {
  readiness.Set([this] { return worker_->Readiness(); });
  {
    std::stop_callback stopping(stop, [this] { Stop(); });
    Run();
  }
  readiness.Set(nullptr);
}

void FolderWorker::RescanUntilStopped() {
  std::unique_lock lock(mutex_);
  while (!stopped_changed_.wait_for(lock, options_.rescan_interval, [this] { return stopped_; })) {
    // Not under the lock: a slow scan must not hold up Stop().
    lock.unlock();
    const auto scan = catalog_->Rescan();
    catalog_metrics_->RecordScan(scan, catalog_->List().size(), /*first=*/false);
    if (!scan.changed.empty() || !scan.removed.empty()) SyncSchedules();
    lock.lock();
  }
}

}  // namespace weft::temporal
