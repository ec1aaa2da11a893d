#include "runtime/temporal/definition_worker.h"

#include <atomic>
#include <thread>

#include "runtime/temporal/activity_worker.h"
#include "runtime/temporal/connection.h"
#include "runtime/temporal/definition_interpreter_factory.h"
#include "runtime/temporal/grpc_connection.h"
#include "runtime/temporal/search_attribute_check.h"
#include "runtime/temporal/workflow_worker.h"

namespace weft::temporal {

struct DefinitionWorker::Workers {
  Workers(std::shared_ptr<GrpcConnection> grpc, std::shared_ptr<metrics::SdkMetrics> sdk_metrics,
          const DefinitionWorkerOptions& options,
          std::shared_ptr<const dsl::DefinitionCatalog> catalog,
          const activity::ActivityRegistry& registry)
      : connection(std::move(grpc)),
        activities(connection,
                   ActivityWorkerOptions{.task_queue = options.task_queue,
                                         .max_concurrent = options.max_concurrent_activities,
                                         .pollers = options.activity_pollers,
                                         .graceful_shutdown = options.graceful_shutdown,
                                         .metrics = sdk_metrics},
                   registry),
        local_activities(registry, options.max_concurrent_activities),
        workflows(connection,
                  WorkflowWorkerOptions{.task_queue = options.task_queue,
                                        .pollers = options.workflow_pollers,
                                        .sticky_pollers = options.sticky_pollers,
                                        .max_cached_runs = options.max_cached_runs,
                                        .metrics = sdk_metrics},
                  DefinitionInterpreterFactory(std::move(catalog)), &activities,
                  &local_activities) {}

  std::shared_ptr<GrpcConnection> connection;
  std::atomic<bool> running{false};  // between Run() and Stop()

  // The workflow worker hands eager activity tasks to the activity worker and runs local
  // activities on the local executor: both built first, gone last.
  ActivityWorker activities;
  LocalActivities local_activities;
  WorkflowWorker workflows;
};

std::expected<std::unique_ptr<DefinitionWorker>, std::string> DefinitionWorker::Create(
    DefinitionWorkerOptions options, std::shared_ptr<const dsl::DefinitionCatalog> catalog,
    const activity::ActivityRegistry& registry) {
  auto connection = GrpcConnection::Open(options.connection);
  // Open() fails only on options it cannot use (a file, a flag); its message says which.
  if (!connection) return std::unexpected(connection.error().message);
  // As the SDKs do, a worker that cannot reach its server and namespace says so and stops,
  // rather than polling for ever.
  if (auto reachable = (*connection)->CheckServer(); !reachable) {
    return std::unexpected(reachable.error().message);
  }
  // Runs of a definition that sets a search attribute the namespace lacks would fail every
  // workflow task; say so once, now.
  WarnAboutMissingSearchAttributes(**connection, catalog->List());
  (*connection)->WatchConnectivity();
  auto sdk_metrics = std::make_shared<metrics::SdkMetrics>(
      options.metrics ? options.metrics : std::make_shared<metrics::MetricsRegistry>(),
      options.connection.namespace_name, options.task_queue);
  (*connection)->set_request_metrics(sdk_metrics);
  return std::unique_ptr<DefinitionWorker>(new DefinitionWorker(std::make_unique<Workers>(
      *connection, std::move(sdk_metrics), options, std::move(catalog), registry)));
}

DefinitionWorker::DefinitionWorker(std::unique_ptr<Workers> workers)
    : workers_(std::move(workers)) {}

DefinitionWorker::~DefinitionWorker() = default;

void DefinitionWorker::Run() {
  workers_->running = true;
  std::thread activities([this] { workers_->activities.Run(); });
  workers_->workflows.Run();
  activities.join();
}

void DefinitionWorker::Stop() {
  workers_->running = false;
  workers_->workflows.Stop();
  workers_->activities.Stop();
}

std::expected<void, std::string> DefinitionWorker::Readiness() const {
  if (!workers_->running) return std::unexpected(std::string("the worker is not running"));
  if (!workers_->connection->Connected()) {
    return std::unexpected("not connected to the Temporal server at " +
                           workers_->connection->options().address);
  }
  if (workers_->workflows.polls_in_flight() == 0) {
    return std::unexpected(std::string("no workflow task poll is out"));
  }
  return {};
}

std::uint64_t DefinitionWorker::workflow_tasks_handled() const {
  return workers_->workflows.tasks_handled();
}

std::uint64_t DefinitionWorker::full_replays() const { return workers_->workflows.full_replays(); }

}  // namespace weft::temporal
