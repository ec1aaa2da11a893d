// RunWorkerService: `weft worker` as a function: a FolderWorker (folder_worker.h) serving a
// workflows folder and an activity registry on a Temporal task queue, for the lifetime of a
// long-running command (runtime/service/run_service.h: until SIGINT or SIGTERM, then a graceful
// shutdown), with the SDKs' metrics and the operations endpoint at `metrics_address`.
//
// The registry is built by the caller's function (the project's rule is in activities/, a
// component beside this one), on the serving thread: after the stop signals are blocked, since
// a plugin may start threads of its own. It lives as long as the worker.
//
// Call it on the main thread before any other thread starts (as RunService). Blocks until the
// worker stopped; logs when it starts serving and when it stopped (spdlog).
#ifndef WEFT_RUNTIME_TEMPORAL_WORKER_SERVICE_H_
#define WEFT_RUNTIME_TEMPORAL_WORKER_SERVICE_H_

#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "runtime/activity/activity_registry.h"
#include "runtime/temporal/connection_arguments.h"
#include "runtime/temporal/folder_worker.h"

namespace weft::temporal {

struct WorkerServiceOptions {
  ConnectionArguments connection;  // becomes worker.worker.connection
  FolderWorkerOptions worker;      // its metrics registry is made here
  std::string metrics_address;     // --metrics-address; empty: no endpoint
};

using BuildActivityRegistry = std::function<
    std::expected<std::unique_ptr<activity::ActivityRegistry>, activity::ActivityError>()>;

// The registry's error, FolderWorker::Create's (no folder, no server, no namespace), or the
// endpoint's.
std::expected<void, std::string> RunWorkerService(WorkerServiceOptions options,
                                                  const BuildActivityRegistry& build_registry);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_WORKER_SERVICE_H_
