// RunHistory: the history of one run as a Temporal server keeps it, and the workflow tasks it
// hands out, for unit tests that play the server with FakeConnection. The test appends what
// happens to the run (a signal, a timer that fires); each answer of the worker appends its
// WorkflowTaskCompleted and the events of its commands, as the server writes them
// (docs/temporal-protocol.md#commands-and-events); and each task handed out is a poll response
// carrying the whole history (the normal queue) or only the events since the task the worker
// answered last (its sticky queue, docs/temporal-protocol.md#sticky-queues).
//
// Event times are fixed (one second apart from 2023-11-14), so histories are the same on every
// run. Only the commands the tests use become events; any other is an error that names it.
//
// Not thread-safe: the test thread owns it.
#ifndef WEFT_TESTS_TEMPORAL_RUN_HISTORY_H_
#define WEFT_TESTS_TEMPORAL_RUN_HISTORY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "temporal/api/enums/v1/failed_cause.pb.h"
#include "temporal/api/history/v1/message.pb.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace weft::testing {

class RunHistory {
 public:
  using WorkflowTask = ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse;
  using Answer = ::temporal::api::workflowservice::v1::RespondWorkflowTaskCompletedRequest;
  using Event = ::temporal::api::history::v1::HistoryEvent;

  // A run just started with `input`: WorkflowExecutionStarted, and its first task scheduled.
  RunHistory(std::string workflow_id, std::string run_id, std::string workflow_type,
             const nlohmann::json& input);

  // What happened to the run since; each schedules a workflow task unless one is scheduled.
  void Signal(const std::string& name, const nlohmann::json& payload);
  void TimerFired(const std::string& timer_id);

  // Starts the scheduled workflow task and hands it out with the whole history.
  WorkflowTask FullTask();
  // Starts the scheduled workflow task and hands it out with the events after the started event
  // of the task answered last, as the worker's sticky queue receives it.
  WorkflowTask StickyTask();
  // A query task (a legacy query: no workflow task runs), with the whole history or, sticky,
  // with only the events after the last answer's (none when nothing happened since).
  WorkflowTask QueryTask(const std::string& query_type, const nlohmann::json& argument,
                         bool sticky = false);
  // An update request riding on `task`, as the server delivers it in `messages`.
  static void AddUpdate(WorkflowTask& task, const std::string& update_id, const std::string& name,
                        const nlohmann::json& argument);

  // The worker's answer to the task started last: WorkflowTaskCompleted, then one event per
  // command in order (an update's acceptance and completion from the answer's messages).
  void Complete(const Answer& answer);
  // The server refused the answer to the task started last: WorkflowTaskFailed, and a new
  // task scheduled, as the server does. The sticky queue still gets the events since the task
  // answered last.
  void TaskFailed(::temporal::api::enums::v1::WorkflowTaskFailedCause cause);

  const ::temporal::api::history::v1::History& history() const { return history_; }
  // For a test that alters an event as another client would have written it (an encrypted
  // payload).
  ::temporal::api::history::v1::History& mutable_history() { return history_; }
  const std::string& run_id() const { return run_id_; }

 private:
  Event& Add(::temporal::api::enums::v1::EventType type);
  void ScheduleTask();
  WorkflowTask Start(bool sticky);
  WorkflowTask Task(std::int64_t after_event_id);

  std::string workflow_id_;
  std::string run_id_;
  std::string workflow_type_;
  ::temporal::api::history::v1::History history_;
  bool task_scheduled_ = false;
  std::int64_t started_event_id_ = 0;           // of the task handed out last
  std::int64_t previous_started_event_id_ = 0;  // of the task answered last
  std::int64_t answered_through_event_id_ = 0;  // the last event of the last answer
  int tasks_handed_out_ = 0;                    // numbers the task tokens
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_TEMPORAL_RUN_HISTORY_H_
