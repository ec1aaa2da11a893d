// DefinitionWorker: what `weft worker` runs. A WorkflowWorker whose runs are WorkflowInstances
// of the definitions a catalog serves (definition_interpreter_factory.h), and an ActivityWorker
// with the activity registry, both on one task queue of one connection. It is the Temporal
// engine seen from outside runtime/temporal: neither gRPC nor protobuf shows in this header.
//
// Run() blocks its caller until Stop() is called from any thread (a signal handler's thread,
// a test); then both workers finish what they hold and tell the server (ShutdownWorker). A
// server that goes away is polled again with backoff until it comes back.
#ifndef WEFT_RUNTIME_TEMPORAL_DEFINITION_WORKER_H_
#define WEFT_RUNTIME_TEMPORAL_DEFINITION_WORKER_H_

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "dsl/definition_catalog.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/metrics/metrics_registry.h"
#include "runtime/temporal/connection_options.h"

namespace weft::temporal {

struct DefinitionWorkerOptions {
  ConnectionOptions connection;
  std::string task_queue = "weft";
  // Polls kept out (workflow_worker.h and activity_worker.h say why these many).
  int workflow_pollers = 5;
  int sticky_pollers = 2;
  int activity_pollers = 8;
  int max_cached_runs = 1000;  // 0: every workflow task replays its run from history
  int max_concurrent_activities = 16;
  // How long Stop() lets activities in flight finish before it cancels them.
  std::chrono::milliseconds graceful_shutdown{0};
  // The registry the Temporal SDKs' worker and request metrics go to (sdk_metrics.h); null: one
  // nobody reads.
  std::shared_ptr<metrics::MetricsRegistry> metrics;
};

class DefinitionWorker {
 public:
  // Fails only on connection options that cannot work (unreadable TLS files); the server is
  // reached when Run() polls. `catalog` and `registry` must outlive the worker.
  static std::expected<std::unique_ptr<DefinitionWorker>, std::string> Create(
      DefinitionWorkerOptions options, std::shared_ptr<const dsl::DefinitionCatalog> catalog,
      const activity::ActivityRegistry& registry);

  ~DefinitionWorker();

  void Run();
  void Stop();

  // Nothing while it polls on a live connection to its server; else why not ("not connected
  // to the Temporal server at ..."). For the readiness probe; any thread.
  std::expected<void, std::string> Readiness() const;

  // Workflow tasks answered so far, and how many replayed their run from the first event.
  std::uint64_t workflow_tasks_handled() const;
  std::uint64_t full_replays() const;

 private:
  struct Workers;
  explicit DefinitionWorker(std::unique_ptr<Workers> workers);
  std::unique_ptr<Workers> workers_;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_DEFINITION_WORKER_H_
