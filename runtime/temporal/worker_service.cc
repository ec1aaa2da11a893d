#include "runtime/temporal/worker_service.h"

#include <spdlog/spdlog.h>

#include "runtime/service/run_service.h"

namespace weft::temporal {

std::expected<void, std::string> RunWorkerService(WorkerServiceOptions options,
                                                  const BuildActivityRegistry& build_registry) {
  auto metrics = std::make_shared<metrics::MetricsRegistry>();
  options.worker.worker.connection = ToConnectionOptions(options.connection);
  options.worker.worker.metrics = metrics;
  auto served = service::RunService(
      {.metrics_address = options.metrics_address, .metrics = metrics},
      [&](std::stop_token stop,
          service::ServiceReadiness& readiness) -> std::expected<void, std::string> {
        auto registry = build_registry();
        if (!registry) return std::unexpected(registry.error().message);
        auto worker = FolderWorker::Create(options.worker, **registry);
        if (!worker) return std::unexpected(worker.error());
        spdlog::info(
            "weft worker on task queue {} at {} (namespace {}): {} workflows, {} activities",
            options.worker.worker.task_queue, options.connection.address,
            options.connection.namespace_name, (*worker)->workflows(), (*registry)->List().size());
        (*worker)->Serve(stop, readiness);
        return {};
      });
  if (served) spdlog::info("weft worker stopped");
  return served;
}

}  // namespace weft::temporal
