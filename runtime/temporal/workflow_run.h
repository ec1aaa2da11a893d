// WorkflowRun: one run of a workflow as a worker holds it between tasks. It turns each logical
// workflow task (workflow_task_splitter.h) into an activation for the interpreter, and checks
// the commands the interpreter answers against the command events history recorded for them:
// replay is where non-determinism is detected, through the one check both engines share
// (runtime/run/replay_check.h).
//
// Commands are matched to command events one by one, in order. A matched event binds the
// command's seq to the event's id, so that later events (ActivityTaskCompleted names its
// ActivityTaskScheduled by event id) resolve the right operation. Commands of the current task
// stay unmatched until their events come back at the start of the next (sticky) task.
//
// Local activities (`local: true`) leave no command: the worker runs them (pending_locals())
// and hands each outcome to ResolveLocal, which records it as a marker and lets the workflow
// go on. On replay such a marker resolves its activity where it stands in history, whatever
// task it ended in (local_activity_marker.h). An activity still pending when history ends is
// run again by the worker that holds the run: at least once, as with the SDKs.
//
// Not thread-safe: a run is driven by one task at a time.
#ifndef WEFT_RUNTIME_TEMPORAL_WORKFLOW_RUN_H_
#define WEFT_RUNTIME_TEMPORAL_WORKFLOW_RUN_H_

#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "runtime/interpreter/activation.h"
#include "runtime/interpreter/command.h"
#include "runtime/run/query_answers.h"
#include "runtime/temporal/command_encoder.h"
#include "runtime/temporal/local_activity_marker.h"
#include "runtime/temporal/workflow_task_splitter.h"

namespace weft::temporal {

// Replay diverged from history, or history cannot be read. Temporal's SDKs fail the workflow
// task with cause NON_DETERMINISTIC_ERROR; so does the worker.
struct ReplayError {
  enum class Kind {
    kNonDeterminism,    // the interpreter's commands do not match the recorded events
    kUnsupportedEvent,  // an event weft does not know and may not ignore
    kRepeatedEvent,     // an event this run already applied: a worker bug, never silent
  };
  Kind kind = Kind::kNonDeterminism;
  std::int64_t event_id = 0;  // the event where it was found; 0 when at the end of a task
  std::string message;
  std::string code;  // kNonDeterminism: runtime/run/replay_check.h's WEFT3xxx
};

class WorkflowRun {
 public:
  using Interpreter = run::Interpret;

  WorkflowRun(Interpreter interpreter, std::string workflow_id, std::string run_id,
              std::string task_queue);

  // Applies one logical task. For a replayed task (task.completed) the interpreter's commands
  // must match the task's command events; for the current task they are returned, to be sent.
  // `extra_jobs` are what the current task delivers outside history: update requests and
  // queries from the poll response.
  std::expected<std::vector<interpreter::Command>, ReplayError> Apply(
      const LogicalWorkflowTask& task, std::vector<interpreter::Job> extra_jobs = {});

  // Answers queries against the state the applied tasks left: one activation holding only the
  // queries, which history never records. Each query gets the interpreter's RespondToQuery,
  // or a failure when it gave none.
  std::vector<interpreter::RespondToQuery> Answer(
      const std::vector<interpreter::QueryWorkflow>& queries);

  // The local activities the workflow waits for, by seq: those scheduled and not yet resolved
  // by a marker or by ResolveLocal, nor cancelled. The worker runs each one it is not running.
  const std::map<std::uint32_t, interpreter::ScheduleActivity>& pending_locals() const {
    return pending_locals_;
  }

  // Delivers a local activity's outcome in the current task: returns its marker followed by
  // what the workflow commands next. Nothing when the activity is no longer pending (the
  // workflow cancelled it meanwhile).
  std::vector<interpreter::Command> ResolveLocal(const LocalActivityOutcome& outcome);

  // The commands the interpreter issued since the last Apply began, as it issued them: local
  // activities included, their markers not (the worker writes those). For the command trace
  // (runtime/trace), which must read the same on both engines.
  std::vector<interpreter::Command> TakeIssued() { return std::exchange(issued_, {}); }

  // What encoding this run's commands needs from history (scheduled event ids, child ids).
  const EncodeContext& encode_context() const { return encode_context_; }

 private:
  std::expected<void, ReplayError> AddJob(const HistoryEvent& event,
                                          std::vector<interpreter::Job>& jobs);
  std::expected<void, ReplayError> Match(const HistoryEvent& event);
  // A local activity marker that no command of this task stands for: history resolving one of
  // pending_locals_ (replay).
  std::expected<void, ReplayError> ReplayLocalOutcome(const HistoryEvent& event);
  // Runs one activation and keeps what it commands: local activities become pending, their
  // cancellations end them, and commands that leave a record wait for their events. Returns
  // the commands to send.
  std::vector<interpreter::Command> Activate(const interpreter::Activation& activation);

  Interpreter interpreter_;
  std::int64_t now_unix_ms_ = 0;    // of the last applied task
  std::int64_t last_event_id_ = 0;  // the newest event applied or matched
  std::string workflow_id_;
  std::string run_id_;
  EncodeContext encode_context_;
  // Commands whose events history has not shown yet, oldest first.
  std::deque<interpreter::Command> unmatched_;
  std::map<std::uint32_t, interpreter::ScheduleActivity> pending_locals_;
  std::vector<interpreter::Command> issued_;
  std::map<std::int64_t, std::uint32_t> activity_by_scheduled_event_;
  std::map<std::int64_t, std::string> activity_type_by_scheduled_event_;
  // The attempt each ActivityTaskStarted event names (the server writes it with the outcome, for
  // the last attempt): a final failure says which attempt it was, as on the embedded engine.
  std::map<std::int64_t, std::int32_t> activity_attempt_by_scheduled_event_;
  std::map<std::int64_t, std::uint32_t> child_by_initiated_event_;
  std::map<std::int64_t, std::uint32_t> signal_by_initiated_event_;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_WORKFLOW_RUN_H_
