#include "runtime/temporal/command_encoder.h"

#include "runtime/temporal/failure.h"
#include "runtime/temporal/payload.h"
#include "runtime/temporal/proto_time.h"
#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace weft::temporal {
namespace {

namespace enums = ::temporal::api::enums::v1;
namespace command = ::temporal::api::command::v1;
using interpreter::Milliseconds;

void SetTaskQueue(::temporal::api::taskqueue::v1::TaskQueue* queue,
                  const std::optional<std::string>& requested, const EncodeContext& context) {
  queue->set_name(requested.value_or(context.task_queue));
  queue->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
}

struct Encoder {
  const EncodeContext& context;

  std::optional<TemporalCommand> operator()(const interpreter::ScheduleActivity& schedule) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
    auto& attributes = *out.mutable_schedule_activity_task_command_attributes();
    attributes.set_activity_id(schedule.activity_id);
    attributes.mutable_activity_type()->set_name(schedule.activity_type);
    SetTaskQueue(attributes.mutable_task_queue(), schedule.task_queue, context);
    *attributes.mutable_input() = ToPayloads(schedule.input);
    const interpreter::ActivityTimeouts& timeouts = schedule.timeouts;
    if (timeouts.start_to_close) {
      SetDuration(attributes.mutable_start_to_close_timeout(), *timeouts.start_to_close);
    }
    if (timeouts.schedule_to_close) {
      SetDuration(attributes.mutable_schedule_to_close_timeout(), *timeouts.schedule_to_close);
    }
    if (timeouts.schedule_to_start) {
      SetDuration(attributes.mutable_schedule_to_start_timeout(), *timeouts.schedule_to_start);
    }
    if (timeouts.heartbeat) {
      SetDuration(attributes.mutable_heartbeat_timeout(), *timeouts.heartbeat);
    }
    auto& retry = *attributes.mutable_retry_policy();
    if (schedule.retry.initial_interval) {
      SetDuration(retry.mutable_initial_interval(), *schedule.retry.initial_interval);
    }
    if (schedule.retry.backoff_coefficient) {
      retry.set_backoff_coefficient(*schedule.retry.backoff_coefficient);
    }
    if (schedule.retry.maximum_interval) {
      SetDuration(retry.mutable_maximum_interval(), *schedule.retry.maximum_interval);
    }
    retry.set_maximum_attempts(static_cast<std::int32_t>(schedule.retry.maximum_attempts));
    for (const std::string& type : schedule.retry.non_retryable_error_types) {
      retry.add_non_retryable_error_types(type);
    }
    // The UI shows the summary beside the activity: say which step it is.
    if (!schedule.step_path.empty()) {
      *out.mutable_user_metadata()->mutable_summary() = ToPayload(schedule.step_path);
    }
    return out;
  }

  std::optional<TemporalCommand> operator()(
      const interpreter::RequestCancelActivity& cancel) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK);
    auto event = context.activity_scheduled_event_ids.find(cancel.seq);
    if (event == context.activity_scheduled_event_ids.end()) return {};
    out.mutable_request_cancel_activity_task_command_attributes()->set_scheduled_event_id(
        event->second);
    return out;
  }

  std::optional<TemporalCommand> operator()(const interpreter::StartTimer& timer) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_START_TIMER);
    auto& attributes = *out.mutable_start_timer_command_attributes();
    attributes.set_timer_id(std::to_string(timer.seq));
    SetDuration(attributes.mutable_start_to_fire_timeout(), timer.duration);
    return out;
  }

  std::optional<TemporalCommand> operator()(const interpreter::CancelTimer& timer) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_CANCEL_TIMER);
    out.mutable_cancel_timer_command_attributes()->set_timer_id(std::to_string(timer.seq));
    return out;
  }

  std::optional<TemporalCommand> operator()(const interpreter::StartChildWorkflow& child) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION);
    auto& attributes = *out.mutable_start_child_workflow_execution_command_attributes();
    attributes.set_workflow_id(child.workflow_id);
    attributes.mutable_workflow_type()->set_name(child.workflow_type);
    SetTaskQueue(attributes.mutable_task_queue(), child.task_queue, context);
    *attributes.mutable_input() = ToPayloads(child.input);
    switch (child.parent_close_policy) {
      case interpreter::StartChildWorkflow::ParentClosePolicy::kTerminate:
        attributes.set_parent_close_policy(enums::PARENT_CLOSE_POLICY_TERMINATE);
        break;
      case interpreter::StartChildWorkflow::ParentClosePolicy::kRequestCancel:
        attributes.set_parent_close_policy(enums::PARENT_CLOSE_POLICY_REQUEST_CANCEL);
        break;
      case interpreter::StartChildWorkflow::ParentClosePolicy::kAbandon:
        attributes.set_parent_close_policy(enums::PARENT_CLOSE_POLICY_ABANDON);
        break;
    }
    return out;
  }

  std::optional<TemporalCommand> operator()(
      const interpreter::RequestCancelChildWorkflow& cancel) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION);
    auto& attributes = *out.mutable_request_cancel_external_workflow_execution_command_attributes();
    auto child = context.child_workflow_ids.find(cancel.seq);
    if (child == context.child_workflow_ids.end()) return {};
    attributes.set_workflow_id(child->second);
    attributes.set_child_workflow_only(true);
    return out;
  }

  std::optional<TemporalCommand> operator()(
      const interpreter::SignalExternalWorkflow& signal) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION);
    auto& attributes = *out.mutable_signal_external_workflow_execution_command_attributes();
    attributes.mutable_execution()->set_workflow_id(signal.workflow_id);
    attributes.mutable_execution()->set_run_id(signal.run_id);
    attributes.set_signal_name(signal.signal);
    *attributes.mutable_input() = ToPayloads(signal.payload);
    return out;
  }

  std::optional<TemporalCommand> operator()(const interpreter::RecordMarker& marker) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_RECORD_MARKER);
    auto& attributes = *out.mutable_record_marker_command_attributes();
    attributes.set_marker_name(marker.name);
    (*attributes.mutable_details())["data"] = ToPayloads(marker.data);
    return out;
  }

  std::optional<TemporalCommand> operator()(
      const interpreter::UpsertSearchAttributes& upsert) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
    auto& fields = *out.mutable_upsert_workflow_search_attributes_command_attributes()
                        ->mutable_search_attributes()
                        ->mutable_indexed_fields();
    for (const auto& [name, value] : upsert.attributes.items()) fields[name] = ToPayload(value);
    return out;
  }

  std::optional<TemporalCommand> operator()(const interpreter::UpsertMemo& upsert) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES);
    auto& fields = *out.mutable_modify_workflow_properties_command_attributes()
                        ->mutable_upserted_memo()
                        ->mutable_fields();
    for (const auto& [name, value] : upsert.memo.items()) fields[name] = ToPayload(value);
    return out;
  }

  // Protocol messages and query answers, not commands.
  std::optional<TemporalCommand> operator()(const interpreter::AcceptUpdate&) const { return {}; }
  std::optional<TemporalCommand> operator()(const interpreter::RejectUpdate&) const { return {}; }
  std::optional<TemporalCommand> operator()(const interpreter::CompleteUpdate&) const { return {}; }
  std::optional<TemporalCommand> operator()(const interpreter::RespondToQuery&) const { return {}; }

  std::optional<TemporalCommand> operator()(const interpreter::CompleteWorkflow& complete) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
    *out.mutable_complete_workflow_execution_command_attributes()->mutable_result() =
        ToPayloads(complete.result);
    return out;
  }

  std::optional<TemporalCommand> operator()(const interpreter::FailWorkflow& fail) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
    *out.mutable_fail_workflow_execution_command_attributes()->mutable_failure() =
        ToTemporalFailure(fail.failure);
    return out;
  }

  std::optional<TemporalCommand> operator()(const interpreter::CancelWorkflowExecution&) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
    out.mutable_cancel_workflow_execution_command_attributes();
    return out;
  }

  std::optional<TemporalCommand> operator()(const interpreter::ContinueAsNew& next) const {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION);
    auto& attributes = *out.mutable_continue_as_new_workflow_execution_command_attributes();
    if (next.workflow_type) attributes.mutable_workflow_type()->set_name(*next.workflow_type);
    attributes.mutable_task_queue()->set_name(context.task_queue);
    *attributes.mutable_input() = ToPayloads(next.input);
    // Beside the input, never in it: any SDK's client may start the workflow with the same input.
    if (!next.resume.is_null()) {
      (*attributes.mutable_header()->mutable_fields())[std::string(kResumeHeader)] =
          ToPayload(next.resume);
    }
    return out;
  }
};

}  // namespace

std::optional<TemporalCommand> EncodeCommand(const interpreter::Command& command,
                                             const EncodeContext& context) {
  return std::visit(Encoder{context}, command);
}

}  // namespace weft::temporal
