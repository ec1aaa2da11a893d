#include "runtime/temporal/workflow_task_splitter.h"

#include <cstdint>

#include "temporal/api/enums/v1/event_type.pb.h"

namespace weft::temporal {
namespace {

namespace enums = ::temporal::api::enums::v1;

// Saturating: a damaged or forged history may carry any seconds, and an overflow is undefined.
std::int64_t UnixMillis(const google::protobuf::Timestamp& time) {
  std::int64_t ms = 0;
  if (__builtin_mul_overflow(time.seconds(), std::int64_t{1000}, &ms) ||
      __builtin_add_overflow(ms, time.nanos() / 1'000'000, &ms)) {
    return time.seconds() < 0 ? INT64_MIN : INT64_MAX;
  }
  return ms;
}

bool IsFailedAttempt(const HistoryEvent* event) {
  return event != nullptr && (event->event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_FAILED ||
                              event->event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
}

}  // namespace

bool IsCommandEvent(const HistoryEvent& event) {
  switch (event.event_type()) {
    case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED:
    case enums::EVENT_TYPE_TIMER_STARTED:
    case enums::EVENT_TYPE_TIMER_CANCELED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
    case enums::EVENT_TYPE_MARKER_RECORDED:
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
    case enums::EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
    case enums::EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
    case enums::EVENT_TYPE_NEXUS_OPERATION_SCHEDULED:
    case enums::EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED:
      return true;
    default:
      return false;
  }
}

std::expected<std::vector<LogicalWorkflowTask>, std::string> SplitIntoWorkflowTasks(
    const std::vector<const HistoryEvent*>& history) {
  std::vector<LogicalWorkflowTask> tasks;
  LogicalWorkflowTask current;
  const std::size_t size = history.size();
  for (std::size_t i = 0; i < size; ++i) {
    const HistoryEvent& event = *history[i];
    if (i > 0 && event.event_id() != history[i - 1]->event_id() + 1) {
      return std::unexpected("history events are not contiguous: event " +
                             std::to_string(history[i - 1]->event_id()) + " is followed by " +
                             std::to_string(event.event_id()));
    }
    const HistoryEvent* next = i + 1 < size ? history[i + 1] : nullptr;
    switch (event.event_type()) {
      case enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
      case enums::EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        break;
      case enums::EVENT_TYPE_WORKFLOW_TASK_STARTED:
        if (IsFailedAttempt(next)) break;  // that attempt never happened for the workflow
        current.started_event_id = event.event_id();
        current.now_unix_ms = UnixMillis(event.event_time());
        current.suggest_continue_as_new =
            event.workflow_task_started_event_attributes().suggest_continue_as_new();
        if (next == nullptr) {  // the task to answer now
          tasks.push_back(std::move(current));
          current = LogicalWorkflowTask{};
        }
        break;
      case enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        std::size_t j = i + 1;
        while (j < size && IsCommandEvent(*history[j])) {
          current.command_events.push_back(history[j]);
          ++j;
        }
        const bool heartbeat =
            current.command_events.empty() && j < size &&
            history[j]->event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
        if (heartbeat) {
          // The task goes on in the next attempt; its activation is at that attempt's start.
          current.started_event_id = 0;
          break;
        }
        current.completed = true;
        tasks.push_back(std::move(current));
        current = LogicalWorkflowTask{};
        i = j - 1;
        break;
      }
      default:
        if (IsCommandEvent(event)) {
          return std::unexpected("event " + std::to_string(event.event_id()) + " (" +
                                 enums::EventType_Name(event.event_type()) +
                                 ") records a command but follows no completed workflow task");
        }
        current.events.push_back(&event);
    }
  }
  // Events after the last task, such as a termination: applied, never activated.
  if (!current.events.empty()) tasks.push_back(std::move(current));
  return tasks;
}

}  // namespace weft::temporal
