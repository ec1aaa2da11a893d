// worker: serves every definition of a workflows folder, and the activity registry, on a
// Temporal task queue (runtime/temporal/folder_worker.h: the serving and the rescanning). Here:
// the flags, the registry, the metrics and health endpoint (--metrics-address), and SIGINT and
// SIGTERM, which shut the worker down gracefully.
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cmd/weft/activity_flags.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/connection_flags.h"
#include "cmd/weft/metrics_flag.h"
#include "cmd/weft/output.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/service/stop_signals.h"
#include "runtime/temporal/folder_worker.h"

namespace weft::cli {
namespace {

struct WorkerOptions {
  ConnectionFlags connection;
  std::string task_queue = "weft";
  std::string workflows_dir = "workflows";
  ActivityFlags activities;
  int workflow_pollers = 5;
  int sticky_pollers = 2;
  int activity_pollers = 8;
  int max_cached_runs = 1000;
  int max_concurrent_activities = 16;
  double rescan_seconds = 1.0;
  double graceful_shutdown_seconds = 0;
  bool sync_schedules = false;
  MetricsFlag metrics;
};

void RunWorker(const WorkerOptions& options) {
  service::BlockStopSignals();

  // The endpoint listens before the worker connects: a taken port fails at once, and /healthz
  // answers while the worker starts (/readyz says it is starting).
  auto metrics_registry = std::make_shared<metrics::MetricsRegistry>();
  std::atomic<const temporal::FolderWorker*> serving_worker{nullptr};
  const std::unique_ptr<http::HttpServer> endpoint =
      options.metrics.Start("worker", metrics_registry, [&]() -> std::expected<void, std::string> {
        const temporal::FolderWorker* worker = serving_worker.load();
        if (worker == nullptr) return std::unexpected(std::string("starting"));
        return worker->worker().Readiness();
      });

  activity::ActivityRegistry registry;
  if (auto registered = activities::RegisterAll(options.activities.Registry(), registry);
      !registered) {
    CommandFailed("worker", registered.error().message);
  }
  auto worker = temporal::FolderWorker::Create(
      {.worker = {.connection = options.connection.Options(),
                  .task_queue = options.task_queue,
                  .workflow_pollers = options.workflow_pollers,
                  .sticky_pollers = options.sticky_pollers,
                  .activity_pollers = options.activity_pollers,
                  .max_cached_runs = options.max_cached_runs,
                  .max_concurrent_activities = options.max_concurrent_activities,
                  .graceful_shutdown = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::duration<double>(options.graceful_shutdown_seconds)),
                  .metrics = metrics_registry},
       .workflows = options.workflows_dir,
       .rescan_interval = std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::duration<double>(options.rescan_seconds)),
       .sync_schedules = options.sync_schedules},
      registry);
  if (!worker) CommandFailed("worker", worker.error());
  serving_worker = worker->get();

  std::thread serving([&] { (*worker)->Run(); });
  spdlog::info("weft worker on task queue {} at {} (namespace {}): {} workflows, {} activities",
               options.task_queue, options.connection.address, options.connection.namespace_name,
               (*worker)->workflows(), registry.List().size());
  spdlog::info("{}: shutting down", service::WaitForStopSignal());
  (*worker)->Stop();
  serving.join();
  // The endpoint's readiness check reads the worker: it stops first.
  if (endpoint) endpoint->Stop();
  serving_worker = nullptr;
  spdlog::info("weft worker stopped");
}

}  // namespace

void AddWorkerCommand(CLI::App& app) {
  auto options = std::make_shared<WorkerOptions>();
  CLI::App* command = app.add_subcommand(
      "worker", "Serve the workflows folder and the activities on a Temporal task queue");
  options->connection.AddTo(*command);
  command->add_option("--task-queue,-q", options->task_queue, "Task queue to poll")
      ->capture_default_str();
  command
      ->add_option("--workflows", options->workflows_dir,
                   "Folder of workflow definitions, rescanned every second")
      ->capture_default_str();
  options->activities.Add(*command);
  // Enough for the server's default four partitions of a task queue (docs/temporal.md).
  command
      ->add_option("--workflow-pollers", options->workflow_pollers,
                   "Workflow task polls of the task queue kept out")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command
      ->add_option("--sticky-pollers", options->sticky_pollers,
                   "Workflow task polls of this worker's sticky queue kept out")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command
      ->add_option("--activity-pollers", options->activity_pollers,
                   "Activity task polls kept out (each holds an activity slot)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command
      ->add_option("--max-cached-runs", options->max_cached_runs,
                   "Runs kept in memory between tasks (0: replay every task from history)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1'000'000));
  command
      ->add_option("--max-concurrent-activities", options->max_concurrent_activities,
                   "Activities run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  command
      ->add_option("--graceful-shutdown-timeout", options->graceful_shutdown_seconds,
                   "Seconds activities in flight may take to finish after SIGTERM before they "
                   "are cancelled")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  command->add_option("--rescan-seconds", options->rescan_seconds, "How often workflows/ is read")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  options->metrics.Add(*command);
  command->add_flag("--sync-schedules", options->sync_schedules,
                    "Create, update and delete the Temporal schedules the definitions declare "
                    "(`schedules:`), and only those");
  command->callback([options] { RunWorker(*options); });
}

}  // namespace weft::cli
