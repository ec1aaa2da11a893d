// Splits a history into logical workflow tasks: the units in which a workflow is activated
// (docs/temporal-protocol.md#logical-workflow-tasks). Each is
//
//   [events to apply] WorkflowTaskStarted [WorkflowTaskCompleted [command events]]
//
// where the events to apply are what happened since the previous task (the start, signals,
// activity and timer outcomes, ...) and the command events are what the worker's commands at
// the end of the task became. A task without WorkflowTaskCompleted is the current one, the
// task the worker is asked to complete now.
//
// Rules, as the SDKs apply them:
//  - A WorkflowTaskStarted followed by WorkflowTaskFailed or WorkflowTaskTimedOut never
//    happened for the workflow: its events carry over to the next attempt.
//  - WorkflowTaskCompleted followed directly by WorkflowTaskScheduled, with no command event
//    between, is a heartbeat of a long task, not a boundary: the next task continues it.
//  - A history given from the middle (a sticky task) starts with the completion of the task
//    the worker answered last: its first LogicalWorkflowTask has command events but no
//    WorkflowTaskStarted (started_event_id == 0).
//
// The events are not copied: the tasks point into the history, which must outlive them.
#ifndef WEFT_RUNTIME_TEMPORAL_WORKFLOW_TASK_SPLITTER_H_
#define WEFT_RUNTIME_TEMPORAL_WORKFLOW_TASK_SPLITTER_H_

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "temporal/api/history/v1/message.pb.h"

namespace weft::temporal {

using HistoryEvent = ::temporal::api::history::v1::HistoryEvent;

struct LogicalWorkflowTask {
  std::vector<const HistoryEvent*> events;          // to apply before the activation
  std::vector<const HistoryEvent*> command_events;  // recorded from the task's commands
  std::int64_t started_event_id = 0;                // 0: no activation in this slice
  std::int64_t now_unix_ms = 0;                     // the WorkflowTaskStarted event's time
  bool suggest_continue_as_new = false;
  bool completed = false;  // its WorkflowTaskCompleted is in history: replayed, not answered
};

// True for the events that record a worker's command
// (docs/temporal-protocol.md#commands-and-events).
bool IsCommandEvent(const HistoryEvent& event);

// Fails on a history whose event ids are not contiguous.
std::expected<std::vector<LogicalWorkflowTask>, std::string> SplitIntoWorkflowTasks(
    const std::vector<const HistoryEvent*>& history);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_WORKFLOW_TASK_SPLITTER_H_
