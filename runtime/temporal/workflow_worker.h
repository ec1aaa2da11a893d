// WorkflowWorker: polls a task queue for workflow tasks and answers them by replaying each
// run's history through its interpreter (workflow_run.h). Runs it answered stay in an LRU
// cache and their next tasks come to this worker's sticky queue with only the new events; a
// task the cache cannot continue (a new run, another worker's, a gap, an eviction) is replayed
// from the first event (docs/temporal-protocol.md#workflow-cache). With max_cached_runs = 0 every
// task is a full replay and no sticky queue is used.
//
// Queries are answered after the task's events in both forms (a query task of its own, and
// queries riding on a workflow task); updates become jobs of the task they arrive with and
// their acceptance, rejection and completion go back as protocol messages.
//
// Non-determinism and unknown workflow types fail the workflow task (the server retries it
// until a fixed worker answers); a failed RespondWorkflowTaskCompleted is logged and left to
// the server, which has already failed the task. Polls wait for a server that went away and go
// out again as soon as it is back (poll_backoff.h).
//
// Local activities (`local: true`) run in this process while their task stays open
// (local_activities.h): each outcome is delivered to the run as it comes and recorded as a
// marker. A task whose local activities outlast 80% of the workflow task timeout is answered
// with what it has and asks the server for a new task at once (force_create_new_workflow_task),
// as the SDKs heartbeat a workflow task; the activities go on and the next task picks up their
// outcomes.
//
// Activities that the task schedules on this worker's queue, of types the process runs, are
// asked for eagerly when an EagerActivities executor is given and has free slots: the server
// hands them back with the task's completion (eager_activities.h).
//
// Run() blocks its caller and keeps `pollers` polls of the task queue and `sticky_pollers` of
// the sticky queue out until Stop() is called from any thread;
// in-flight polls are cancelled and ShutdownWorker tells the server. Polls, answers and the
// handling of tasks run on the connection's CallLoop thread (call_loop.h): one thread runs
// every interpreter, so a run's state is never touched by two at once. A task that must read
// history from the server (a cache miss) reads it with blocking calls on that thread.
#ifndef WEFT_RUNTIME_TEMPORAL_WORKFLOW_WORKER_H_
#define WEFT_RUNTIME_TEMPORAL_WORKFLOW_WORKER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <expected>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/metrics/sdk_metrics.h"
#include "runtime/temporal/connection.h"
#include "runtime/temporal/eager_activities.h"
#include "runtime/temporal/local_activities.h"
#include "runtime/temporal/poll_backoff.h"
#include "runtime/temporal/workflow_run.h"

namespace weft::temporal {

struct WorkflowWorkerOptions {
  std::string task_queue;
  // Polls of the task queue. The server splits it into partitions (four by default) and a
  // task waits in its partition until a poll reaches it: five, as sdk-core polls, cover them.
  int pollers = 5;
  // Polls of this worker's sticky queue (one partition), with a cache.
  int sticky_pollers = 2;
  int max_cached_runs = 1000;
  std::chrono::seconds sticky_schedule_to_start{10};
  // Where the SDKs' worker metrics go (sdk_metrics.h); null: a registry nobody reads.
  std::shared_ptr<metrics::SdkMetrics> metrics;
};

// What a worker knows of a run before it creates the run's interpreter.
struct RunOrigin {
  std::string workflow_type;
  // The data of the definition marker (interpreter::kDefinitionMarker) that the run's first
  // workflow task recorded, when history has it: a replay must execute that definition, not
  // whatever the workflows folder holds now (docs/temporal.md). Absent for a new run.
  std::optional<nlohmann::json> definition_pin;
  // The version a parent's `workflow` step asked for (kVersionHeader); absent: the newest.
  std::optional<std::int64_t> version;
};

// Creates the interpreter of a run, or says why it cannot (an unknown workflow type, a pin
// that does not load).
using InterpreterFactory =
    std::function<std::expected<WorkflowRun::Interpreter, std::string>(const RunOrigin& origin)>;

// The data of the definition marker among the command events of the first completed workflow
// task of `history`, if there is one.
std::optional<nlohmann::json> FindDefinitionPin(const std::vector<const HistoryEvent*>& history);

// The definition version the run's start asked for (kVersionHeader), if it asked.
std::optional<std::int64_t> FindRequestedVersion(const std::vector<const HistoryEvent*>& history);

class WorkflowWorker {
 public:
  // `eager_activities` and `local_activities`, if not null, must outlive the worker. Without
  // `local_activities`, a local activity fails (ActivityNotRegistered, non-retryable).
  WorkflowWorker(std::shared_ptr<Connection> connection, WorkflowWorkerOptions options,
                 InterpreterFactory factory, EagerActivities* eager_activities = nullptr,
                 LocalActivities* local_activities = nullptr);

  void Run();
  void Stop();

  // Tasks answered so far (completed or failed), and how many of them replayed their run
  // from the first event, for tests and logs.
  std::uint64_t tasks_handled() const { return tasks_handled_.load(); }
  std::uint64_t full_replays() const { return full_replays_.load(); }
  // Polls out now: whether the worker is polling, for the process's readiness.
  std::size_t polls_in_flight() const;

 private:
  using PollResponse = ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse;

  // The local activities this worker runs for a run. It outlives a task, since an activity
  // may end while its run waits in the cache between two tasks; touched on the loop thread
  // only.
  struct RunningLocals {
    std::map<std::uint32_t, LocalActivities::Ticket> running;  // by seq
    std::vector<LocalActivityOutcome> ended;                   // not yet delivered to the run
    std::move_only_function<void()> wake;                      // set while a task waits
  };

  // A run between tasks: its interpreter's state and how far history has reached it.
  struct CachedRun {
    std::unique_ptr<WorkflowRun> run;
    std::int64_t last_started_event_id = 0;
    bool sdk_recorded = false;  // history holds this worker's SDK name and version
    std::chrono::milliseconds task_timeout{10'000};  // the run's workflow task timeout
    std::shared_ptr<RunningLocals> locals = std::make_shared<RunningLocals>();
    std::string workflow_type;                      // for the metrics' labels
    std::chrono::system_clock::time_point started;  // the run's start, by the server's clock
  };

  // A workflow task between its first activation and its answer (workflow_worker.cc).
  struct OpenTask;

  // One of the polls kept out: which queue it takes, and its backoff after errors.
  struct Poller {
    bool sticky = false;
    PollBackoff backoff;  // touched on the loop thread only
  };

  void StartPoll(std::shared_ptr<Poller> poller);
  void OnPolled(std::shared_ptr<Poller> poller, std::expected<PollResponse, RpcError> polled);
  // Sends a call on the loop and counts it until `done` has run; Run() waits for all of them.
  template <typename Request, typename Response, typename Done>
  void Send(CallLoop::PrepareMethod<Connection::WorkflowService::Stub, Request, Response> method,
            std::string_view method_name, const Request& request, Done done);
  void CallDone();
  void Handle(const PollResponse& task);
  // Adds the run's commands to the task's answer.
  void AddCommands(OpenTask& open, std::vector<interpreter::Command> commands);
  // Delivers the local activities that ended, starts those the run now waits for, and answers
  // the task once none is left, or as a heartbeat when its time is up.
  void Advance(std::shared_ptr<OpenTask> open);
  void Answer(std::shared_ptr<OpenTask> open, bool heartbeat);
  // Takes the server's reply to an answer: eager activities, metrics, and the run back into the
  // cache unless it closed or the answer was refused.
  void OnAnswered(
      OpenTask& answered,
      std::expected<::temporal::api::workflowservice::v1::RespondWorkflowTaskCompletedResponse,
                    RpcError>
          sent);
  // Makes the local activities this worker runs for `run` the ones its workflow waits for.
  void SyncLocals(CachedRun& run, const std::string& workflow_id, const std::string& run_id,
                  bool closes);
  // Sets request_eager_execution on a ScheduleActivityTask command when the activity runs here
  // and a slot could be reserved for it; counts the slots in `reserved`.
  void RequestEagerExecution(::temporal::api::command::v1::Command& command, int& reserved);
  // Removes the run from the cache: the task that handles it owns it until it puts it back.
  CachedRun TakeCachedRun(const std::string& run_id);
  void PutCachedRun(const std::string& run_id, CachedRun run);
  // Appends the pages after the poll's to `events`; all of history when `events` is empty.
  bool FetchRestOfHistory(const PollResponse& task,
                          std::vector<::temporal::api::history::v1::HistoryEvent>& events);

  std::shared_ptr<Connection> connection_;
  WorkflowWorkerOptions options_;
  std::shared_ptr<metrics::SdkMetrics> metrics_;
  int open_tasks_ = 0;  // between poll and answer, for the slots metric; on the loop thread
  InterpreterFactory factory_;
  EagerActivities* eager_activities_;
  LocalActivities* local_activities_;
  std::string worker_instance_key_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> tasks_handled_{0};
  std::atomic<std::uint64_t> full_replays_{0};
  std::string sticky_queue_;  // empty without a cache
  struct CacheEntry {
    CachedRun run;
    std::list<std::string>::iterator recency;  // its place in recency_
  };
  // Touched on the loop thread only, where tasks and their answers are handled: no lock.
  std::unordered_map<std::string, CacheEntry> cache_;  // by run id
  std::list<std::string> recency_;                     // run ids, least recently used first
  // Runs whose answer is on its way, with the tasks that came for them meanwhile. The server
  // may hand out a run's next task as soon as it took the answer, before the answer's reply
  // reaches this worker; such a task waits here until the run is back in the cache, instead of
  // replaying the run from its first event and then being overwritten by the older state.
  std::unordered_map<std::string, std::vector<PollResponse>> answering_;  // loop thread only
  mutable std::mutex polls_mutex_;
  std::set<grpc::ClientContext*> polls_;  // in flight, cancelled by Stop()
  int calls_in_flight_ = 0;               // polls, answers and backoff timers
  std::condition_variable calls_done_;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_WORKFLOW_WORKER_H_
