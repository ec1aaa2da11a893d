// WorkflowWorker: polls a task queue for workflow tasks and answers them by replaying each
// run's history through its interpreter (workflow_run.h). Every task is replayed from the
// first event: no run is cached between tasks and no sticky queue is used yet, which the SDKs
// document as fully correct, only slower (research/temporal-protocol.md §10).
//
// Queries are answered after the task's events in both forms (a query task of its own, and
// queries riding on a workflow task); updates become jobs of the task they arrive with and
// their acceptance, rejection and completion go back as protocol messages. Not yet: the
// sticky cache.
//
// Non-determinism and unknown workflow types fail the workflow task (the server retries it
// until a fixed worker answers); a failed RespondWorkflowTaskCompleted is logged and left to
// the server, which has already failed the task. Connection errors back off exponentially and
// polling goes on when the server comes back.
//
// Run() blocks its caller and polls from `pollers` threads until Stop() is called from any
// thread; in-flight polls are cancelled and ShutdownWorker tells the server.
#ifndef WEFT_RUNTIME_TEMPORAL_WORKFLOW_WORKER_H_
#define WEFT_RUNTIME_TEMPORAL_WORKFLOW_WORKER_H_

#include <atomic>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "runtime/temporal/connection.h"
#include "runtime/temporal/workflow_run.h"

namespace weft::temporal {

struct WorkflowWorkerOptions {
  std::string task_queue;
  int pollers = 2;
};

// Creates the interpreter of a run, or says why it cannot (an unknown workflow type).
using InterpreterFactory = std::function<std::expected<WorkflowRun::Interpreter, std::string>(
    const std::string& workflow_type)>;

class WorkflowWorker {
 public:
  WorkflowWorker(std::shared_ptr<Connection> connection, WorkflowWorkerOptions options,
                 InterpreterFactory factory);

  void Run();
  void Stop();

  // Tasks answered so far (completed or failed), for tests and logs.
  std::uint64_t tasks_handled() const { return tasks_handled_.load(); }

 private:
  void PollLoop();
  void Handle(const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task);

  std::shared_ptr<Connection> connection_;
  WorkflowWorkerOptions options_;
  InterpreterFactory factory_;
  std::string worker_instance_key_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> tasks_handled_{0};
  std::mutex polls_mutex_;
  std::set<grpc::ClientContext*> polls_;  // in flight, cancelled by Stop()
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_WORKFLOW_WORKER_H_
