#include "runtime/temporal/worker_shutdown.h"

#include <spdlog/spdlog.h>

namespace weft::temporal {

void AnnounceShutdown(const Connection& connection, const std::string& task_queue,
                      const std::string& worker_instance_key, const std::string& sticky_queue) {
  ::temporal::api::workflowservice::v1::ShutdownWorkerRequest shutdown;
  shutdown.set_namespace_(connection.options().namespace_name);
  shutdown.set_identity(connection.options().identity);
  shutdown.set_reason("graceful shutdown");
  shutdown.set_worker_instance_key(worker_instance_key);
  shutdown.set_task_queue(task_queue);
  shutdown.set_sticky_task_queue(sticky_queue);
  auto done = connection.Call(&Connection::WorkflowService::Stub::ShutdownWorker, "ShutdownWorker",
                              shutdown, std::chrono::seconds(5));
  if (!done && done.error().code != grpc::StatusCode::UNIMPLEMENTED) {
    spdlog::warn("{}", done.error().ToString());
  }
}

}  // namespace weft::temporal
