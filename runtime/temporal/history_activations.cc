#include "runtime/temporal/history_activations.h"

#include <cstdint>
#include <map>
#include <string>

#include "runtime/run/failure_codec.h"
#include "runtime/temporal/failure.h"
#include "runtime/temporal/payload.h"
#include "runtime/temporal/proto_time.h"

namespace weft::temporal {
namespace {

using nlohmann::json;
using ::temporal::api::history::v1::HistoryEvent;
namespace enums = ::temporal::api::enums::v1;

// "3" as the number a weft run's activity and timer ids are; any other id as it is.
json Sequence(const std::string& id) {
  if (id.empty() || id.size() > 9 || id.find_first_not_of("0123456789") != std::string::npos) {
    return id;
  }
  return std::stoi(id);
}

json Decoded(const ::temporal::api::common::v1::Payloads& payloads) {
  auto value = FromPayloads(payloads);
  return value ? *value : json{{"undecoded", value.error()}};
}

json FailureJson(const ::temporal::api::failure::v1::Failure& failure) {
  return run::FailureToJson(FromTemporalFailure(failure));
}

// The step a command's event names: the summary the worker gave the command.
std::string StepLabel(const HistoryEvent& event) {
  if (!event.has_user_metadata() || !event.user_metadata().has_summary()) return "";
  auto summary = FromPayload(event.user_metadata().summary());
  return summary && summary->is_string() ? summary->get<std::string>() : "";
}

}  // namespace

json HistoryActivations(const std::vector<HistoryEvent>& events) {
  json activations = json::array();
  json current = {{"jobs", json::array()}, {"commands", json::array()}};
  bool answered = false;  // the current task completed: the next job opens another
  std::map<std::int64_t, json> activity_seq;  // scheduled event id → seq
  std::map<std::int64_t, json> child_seq;     // initiated event id → seq
  auto flush = [&] {
    if (current["jobs"].empty() && current["commands"].empty()) return;
    current["seq"] = activations.size() + 1;
    activations.push_back(std::move(current));
    current = {{"jobs", json::array()}, {"commands", json::array()}};
  };
  auto job = [&](const HistoryEvent& event, json value) {
    if (answered) {
      flush();
      answered = false;
    }
    if (!current.contains("time_ms")) current["time_ms"] = ToUnixMillis(event.event_time());
    current["jobs"].push_back(std::move(value));
  };
  auto command = [&](json value) { current["commands"].push_back(std::move(value)); };

  for (const HistoryEvent& event : events) {
    switch (event.event_type()) {
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        job(event, {{"job", "start_workflow"}});
        break;
      case enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        answered = true;
        break;
      case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const auto& scheduled = event.activity_task_scheduled_event_attributes();
        const json seq = Sequence(scheduled.activity_id());
        activity_seq[event.event_id()] = seq;
        command({{"command", "schedule_activity"},
                 {"seq", seq},
                 {"step_label", StepLabel(event)},
                 {"activity_type", scheduled.activity_type().name()},
                 {"input", Decoded(scheduled.input())}});
        break;
      }
      case enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const auto& completed = event.activity_task_completed_event_attributes();
        job(event, {{"job", "resolve_activity"},
                    {"seq", activity_seq[completed.scheduled_event_id()]},
                    {"status", "completed"},
                    {"result", Decoded(completed.result())}});
        break;
      }
      case enums::EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const auto& failed = event.activity_task_failed_event_attributes();
        job(event, {{"job", "resolve_activity"},
                    {"seq", activity_seq[failed.scheduled_event_id()]},
                    {"status", "failed"},
                    {"failure", FailureJson(failed.failure())}});
        break;
      }
      case enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const auto& timed_out = event.activity_task_timed_out_event_attributes();
        job(event, {{"job", "resolve_activity"},
                    {"seq", activity_seq[timed_out.scheduled_event_id()]},
                    {"status", "failed"},
                    {"failure", FailureJson(timed_out.failure())}});
        break;
      }
      case enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const auto& cancelled = event.activity_task_canceled_event_attributes();
        job(event, {{"job", "resolve_activity"},
                    {"seq", activity_seq[cancelled.scheduled_event_id()]},
                    {"status", "cancelled"}});
        break;
      }
      case enums::EVENT_TYPE_TIMER_STARTED: {
        const auto& started = event.timer_started_event_attributes();
        command({{"command", "start_timer"},
                 {"seq", Sequence(started.timer_id())},
                 {"step_label", StepLabel(event)},
                 {"duration_ms", started.start_to_fire_timeout().seconds() * 1000 +
                                     started.start_to_fire_timeout().nanos() / 1'000'000}});
        break;
      }
      case enums::EVENT_TYPE_TIMER_FIRED:
        job(event, {{"job", "fire_timer"},
                    {"seq", Sequence(event.timer_fired_event_attributes().timer_id())}});
        break;
      case enums::EVENT_TYPE_TIMER_CANCELED:
        command({{"command", "cancel_timer"},
                 {"seq", Sequence(event.timer_canceled_event_attributes().timer_id())}});
        break;
      case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
        const auto& initiated = event.start_child_workflow_execution_initiated_event_attributes();
        child_seq[event.event_id()] = event.event_id();
        command({{"command", "start_child_workflow"},
                 {"seq", event.event_id()},
                 {"step_label", StepLabel(event)},
                 {"workflow_type", initiated.workflow_type().name()},
                 {"input", Decoded(initiated.input())}});
        break;
      }
      case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED: {
        const auto& completed = event.child_workflow_execution_completed_event_attributes();
        job(event, {{"job", "resolve_child"},
                    {"seq", child_seq[completed.initiated_event_id()]},
                    {"status", "completed"},
                    {"result", Decoded(completed.result())}});
        break;
      }
      case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED: {
        const auto& failed = event.child_workflow_execution_failed_event_attributes();
        job(event, {{"job", "resolve_child"},
                    {"seq", child_seq[failed.initiated_event_id()]},
                    {"status", "failed"},
                    {"failure", FailureJson(failed.failure())}});
        break;
      }
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        job(event, {{"job", "signal"},
                    {"name", event.workflow_execution_signaled_event_attributes().signal_name()}});
        break;
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
        job(event, {{"job", "cancel"}});
        break;
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        command(
            {{"command", "complete_workflow"},
             {"result", Decoded(event.workflow_execution_completed_event_attributes().result())}});
        break;
      case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        command({{"command", "fail_workflow"},
                 {"failure",
                  FailureJson(event.workflow_execution_failed_event_attributes().failure())}});
        break;
      default:
        break;  // workflow task bookkeeping, markers, activity starts: nothing a step shows
    }
  }
  flush();
  return activations;
}

}  // namespace weft::temporal
