// ActivityWorker: polls a task queue for activity tasks and runs each with the registered
// activity of its type (runtime/activity), reporting the outcome as the official SDKs do:
// a result as one json/plain payload; an ActivityError as a Failure with
// ApplicationFailureInfo (type, non_retryable, details, next_retry_delay) so that a Go or
// Python workflow sees an ActivityError wrapping an ApplicationError of that type; a
// cancellation as RespondActivityTaskCanceled. Retries are the server's: each attempt is a
// new task (docs/temporal-protocol.md#activity-tasks).
//
// Heartbeats go to the server at most every 80% of the heartbeat timeout (30 s without one);
// its answer is how cancellation reaches a running activity, and a heartbeat the server no
// longer knows (the attempt timed out) cancels it too.
//
// Run() blocks and runs at most `max_concurrent` activities at once until Stop(); then it lets
// running activities finish (they see IsCancelled()) and calls ShutdownWorker. Activities run on
// executor threads started as they are first needed and kept until the worker stops, so a Lua
// activity finds its thread's sandbox already loaded. It keeps up to `pollers` polls out, one
// per free slot (each poll takes its slot first);
// a workflow worker in the same process can take slots too, for the tasks the server hands it
// eagerly (EagerActivities).
#ifndef WEFT_RUNTIME_TEMPORAL_ACTIVITY_WORKER_H_
#define WEFT_RUNTIME_TEMPORAL_ACTIVITY_WORKER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "runtime/activity/activity_registry.h"
#include "runtime/metrics/sdk_metrics.h"
#include "runtime/temporal/connection.h"
#include "runtime/temporal/eager_activities.h"
#include "runtime/temporal/poll_backoff.h"

namespace weft::temporal {

struct ActivityWorkerOptions {
  std::string task_queue;
  int max_concurrent = 16;
  // Polls kept out at once, each holding a slot. The server splits a task queue into
  // partitions (four by default) and holds a task in the partition it landed on until a poll
  // reaches that partition: with one poll, a task could wait seconds for it. Eight, two per
  // default partition, so that each keeps a poll while another is being renewed: measured by
  // tests/temporal/task_queue_partitions_test, five (sdk-core's default) still left 3 of 80
  // runs waiting 2 s for an activity, eight none.
  int pollers = 8;
  // Stop() lets the activities in flight run this long before it cancels them (the SDKs'
  // graceful shutdown timeout; 0, their default too: cancelled at once).
  std::chrono::milliseconds graceful_shutdown{0};
  // Where the SDKs' worker metrics go (sdk_metrics.h); null: a registry nobody reads.
  std::shared_ptr<metrics::SdkMetrics> metrics;
};

class ActivityWorker final : public EagerActivities {
 public:
  ActivityWorker(std::shared_ptr<Connection> connection, ActivityWorkerOptions options,
                 const activity::ActivityRegistry& registry);

  void Run();
  // Stops polling, waits up to graceful_shutdown for the activities in flight, then cancels
  // the rest. Blocks its caller that long at most.
  void Stop();

  bool Serves(std::string_view task_queue, std::string_view activity_type) const override;
  bool TryReserveSlot() override;
  void ReleaseSlots(int count) override;
  void RunInReservedSlot(ActivityTask task) override;

  // Tasks started so far, and how many of them came eagerly, for tests and logs.
  std::uint64_t tasks_started() const { return tasks_started_.load(); }
  std::uint64_t eager_tasks_started() const { return eager_tasks_started_.load(); }

 private:
  class Context;
  // Starts polls until `pollers` are out or every slot is taken; called again whenever a slot
  // frees. Polls complete on the connection's loop (OnPolled).
  // Counts one more poll out and its slot taken, if a poll may go out now. Under mutex_.
  bool TakePollSlotLocked();
  void PollIfSlotFree();
  void StartPoll();
  void OnPolled(grpc::ClientContext* poll, std::expected<ActivityTask, RpcError> polled);
  void PollAgain();
  // Reports the slots to the metrics; called with mutex_ held after they change.
  void ReportSlots();
  // Wakes Run() and a graceful Stop() once the worker is stopping; called with mutex_ held after
  // a count they wait on (polls, slots, answers, running activities) falls.
  void NotifyIfStoppingLocked();
  // Queues a task in a slot already taken, starting an executor if none is idle.
  void Enqueue(ActivityTask task);
  void ExecutorLoop();
  void Execute(ActivityTask task);
  // Sends a task's outcome without waiting for the answer; Run() waits for it before it returns.
  template <typename Request, typename Response>
  void Answer(CallLoop::PrepareMethod<Connection::WorkflowService::Stub, Request, Response> method,
              std::string_view method_name, const Request& request, std::string about);

  std::shared_ptr<Connection> connection_;
  ActivityWorkerOptions options_;
  std::shared_ptr<metrics::SdkMetrics> metrics_;
  const activity::ActivityRegistry& registry_;
  std::string worker_instance_key_;
  std::atomic<bool> stopping_{false};

  std::atomic<std::uint64_t> tasks_started_{0};
  std::atomic<std::uint64_t> eager_tasks_started_{0};

  std::mutex mutex_;
  std::condition_variable stopped_;  // Run() and Stop() wait on it (NotifyIfStoppingLocked)
  std::condition_variable tasks_queued_;
  int slots_taken_ = 0;       // by the poll, tasks queued or running, and reservations not yet used
  int polls_out_ = 0;         // polls out, or waiting out a backoff
  PollBackoff poll_backoff_;  // used on the loop thread only
  int answers_in_flight_ = 0;
  bool executors_exit_ = false;
  int idle_executors_ = 0;
  std::deque<ActivityTask> queue_;
  std::vector<std::thread> executors_;
  std::set<Context*> contexts_;           // of running activities, cancelled by Stop()
  std::set<grpc::ClientContext*> polls_;  // in flight, cancelled by Stop()
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_ACTIVITY_WORKER_H_
