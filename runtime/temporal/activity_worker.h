// ActivityWorker: polls a task queue for activity tasks and runs each with the registered
// activity of its type (runtime/activity), reporting the outcome as the official SDKs do:
// a result as one json/plain payload; an ActivityError as a Failure with
// ApplicationFailureInfo (type, non_retryable, details, next_retry_delay) so that a Go or
// Python workflow sees an ActivityError wrapping an ApplicationError of that type; a
// cancellation as RespondActivityTaskCanceled. Retries are the server's: each attempt is a
// new task (research/temporal-protocol.md §3, §13).
//
// Heartbeats go to the server at most every 80% of the heartbeat timeout (30 s without one);
// its answer is how cancellation reaches a running activity, and a heartbeat the server no
// longer knows (the attempt timed out) cancels it too.
//
// Run() blocks and runs at most `max_concurrent` activities at once, each on its own thread,
// until Stop(); then it lets running activities finish (they see IsCancelled()) and calls
// ShutdownWorker.
#ifndef WEFT_RUNTIME_TEMPORAL_ACTIVITY_WORKER_H_
#define WEFT_RUNTIME_TEMPORAL_ACTIVITY_WORKER_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "runtime/activity/activity_registry.h"
#include "runtime/temporal/connection.h"

namespace weft::temporal {

struct ActivityWorkerOptions {
  std::string task_queue;
  int max_concurrent = 16;
};

class ActivityWorker {
 public:
  ActivityWorker(std::shared_ptr<Connection> connection, ActivityWorkerOptions options,
                 const activity::ActivityRegistry& registry);

  void Run();
  void Stop();

 private:
  class Context;
  void Execute(::temporal::api::workflowservice::v1::PollActivityTaskQueueResponse task);

  std::shared_ptr<Connection> connection_;
  ActivityWorkerOptions options_;
  const activity::ActivityRegistry& registry_;
  std::string worker_instance_key_;
  std::atomic<bool> stopping_{false};

  std::mutex mutex_;
  std::condition_variable slots_changed_;
  int running_ = 0;
  std::set<Context*> contexts_;          // of running activities, cancelled by Stop()
  grpc::ClientContext* poll_ = nullptr;  // in flight, cancelled by Stop()
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_ACTIVITY_WORKER_H_
