// worker: serves every definition of a workflows folder, and the activity registry, on a
// Temporal task queue (runtime/temporal/folder_worker.h: the serving and the rescanning), for
// the lifetime of runtime/service/run_service.h (SIGINT and SIGTERM shut it down gracefully;
// --metrics-address). Here: the flags, and the worker in the service's body.
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/service/run_service.h"
#include "runtime/temporal/folder_worker.h"

namespace weft::cli {
namespace {

struct WorkerOptions {
  temporal::ConnectionArguments connection;
  std::vector<std::string> plugins;
  std::string lua_dir;
  temporal::FolderWorkerOptions worker;
  double rescan_seconds = 1.0;
  double graceful_shutdown_seconds = 0;
  std::string metrics_address;
};

std::expected<void, std::string> ServeWorker(WorkerOptions options, std::stop_token stop,
                                             service::ServiceReadiness& readiness) {
  auto registry = activities::BuildProjectRegistry(options.plugins, options.lua_dir);
  if (!registry) return std::unexpected(registry.error().message);
  auto worker = temporal::FolderWorker::Create(options.worker, **registry);
  if (!worker) return std::unexpected(worker.error());
  spdlog::info("weft worker on task queue {} at {} (namespace {}): {} workflows, {} activities",
               options.worker.worker.task_queue, options.connection.address,
               options.connection.namespace_name, (*worker)->workflows(),
               (*registry)->List().size());
  (*worker)->Serve(stop, readiness);
  return {};
}

void RunWorker(WorkerOptions options) {
  auto metrics = std::make_shared<metrics::MetricsRegistry>();
  options.worker.worker.connection = temporal::ToConnectionOptions(options.connection);
  options.worker.worker.metrics = metrics;
  options.worker.worker.graceful_shutdown = Seconds(options.graceful_shutdown_seconds);
  options.worker.rescan_interval = Seconds(options.rescan_seconds);
  const auto served =
      service::RunService({.metrics_address = options.metrics_address, .metrics = metrics},
                          [&options](std::stop_token stop, service::ServiceReadiness& readiness) {
                            return ServeWorker(options, stop, readiness);
                          });
  if (!served) CommandFailed("worker", served.error());
  spdlog::info("weft worker stopped");
}

}  // namespace

void AddWorkerCommand(CLI::App& app) {
  auto options = std::make_shared<WorkerOptions>();
  CLI::App* command = app.add_subcommand(
      "worker", "Serve the workflows folder and the activities on a Temporal task queue");
  AddConnectionFlags(*command, options->connection);
  command->add_option("--task-queue,-q", options->worker.worker.task_queue, "Task queue to poll")
      ->capture_default_str();
  command
      ->add_option("--workflows", options->worker.workflows,
                   "Folder of workflow definitions, rescanned every second")
      ->capture_default_str();
  AddActivityFlags(*command, options->plugins, options->lua_dir);
  // Enough for the server's default four partitions of a task queue (docs/temporal.md).
  command
      ->add_option("--workflow-pollers", options->worker.worker.workflow_pollers,
                   "Workflow task polls of the task queue kept out")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command
      ->add_option("--sticky-pollers", options->worker.worker.sticky_pollers,
                   "Workflow task polls of this worker's sticky queue kept out")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command
      ->add_option("--activity-pollers", options->worker.worker.activity_pollers,
                   "Activity task polls kept out (each holds an activity slot)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command
      ->add_option("--max-cached-runs", options->worker.worker.max_cached_runs,
                   "Runs kept in memory between tasks (0: replay every task from history)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1'000'000));
  command
      ->add_option("--max-concurrent-activities", options->worker.worker.max_concurrent_activities,
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
  AddMetricsFlag(*command, options->metrics_address);
  command->add_flag("--sync-schedules", options->worker.sync_schedules,
                    "Create, update and delete the Temporal schedules the definitions declare "
                    "(`schedules:`), and only those");
  command->callback([options] { RunWorker(*options); });
}

}  // namespace weft::cli
