// ShutdownWorker, as both workers end: the server completes this worker's outstanding polls
// and unloads its sticky queue, so that cached runs move back to the normal queue at once
// (docs/temporal-protocol.md#worker-shutdown). A server without the RPC is not an error.
#ifndef WEFT_RUNTIME_TEMPORAL_WORKER_SHUTDOWN_H_
#define WEFT_RUNTIME_TEMPORAL_WORKER_SHUTDOWN_H_

#include <string>

#include "runtime/temporal/connection.h"

namespace weft::temporal {

// Logs, and otherwise ignores, a failure: the worker is going away either way.
void AnnounceShutdown(const Connection& connection, const std::string& task_queue,
                      const std::string& worker_instance_key, const std::string& sticky_queue = "");

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_WORKER_SHUTDOWN_H_
