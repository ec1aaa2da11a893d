#include "runtime/temporal/command_encoder.h"

#include "runtime/run/command_handler.h"
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

// The Temporal UI shows a command's summary in place of its id (an activity's `1`, a timer's
// `1 (1d)`): the step it belongs to says what it is. The SDKs write it as one payload, a JSON
// string.
void Summarize(TemporalCommand& command, const std::string& step_label) {
  if (step_label.empty()) return;
  *command.mutable_user_metadata()->mutable_summary() = ToPayload(step_label);
}

// Updates and queries are answered by the worker itself (they are protocol messages and query
// results on the wire): they encode to nothing.
class Encoder final : public run::CommandHandler {
 public:
  explicit Encoder(const EncodeContext& encode_context) : context(encode_context) {}

  const EncodeContext& context;
  std::optional<TemporalCommand> encoded;

  void On(const interpreter::ScheduleActivity& schedule) override {
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
    Summarize(out, schedule.step_label);
    encoded = std::move(out);
  }

  void On(const interpreter::RequestCancelActivity& cancel) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK);
    auto event = context.activity_scheduled_event_ids.find(cancel.seq);
    if (event == context.activity_scheduled_event_ids.end()) return;
    out.mutable_request_cancel_activity_task_command_attributes()->set_scheduled_event_id(
        event->second);
    encoded = std::move(out);
  }

  void On(const interpreter::StartTimer& timer) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_START_TIMER);
    auto& attributes = *out.mutable_start_timer_command_attributes();
    attributes.set_timer_id(std::to_string(timer.seq));
    SetDuration(attributes.mutable_start_to_fire_timeout(), timer.duration);
    Summarize(out, timer.step_label);
    encoded = std::move(out);
  }

  void On(const interpreter::CancelTimer& timer) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_CANCEL_TIMER);
    out.mutable_cancel_timer_command_attributes()->set_timer_id(std::to_string(timer.seq));
    encoded = std::move(out);
  }

  void On(const interpreter::StartChildWorkflow& child) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION);
    auto& attributes = *out.mutable_start_child_workflow_execution_command_attributes();
    attributes.set_workflow_id(child.workflow_id);
    attributes.mutable_workflow_type()->set_name(child.workflow_type);
    SetTaskQueue(attributes.mutable_task_queue(), child.task_queue, context);
    *attributes.mutable_input() = ToPayloads(child.input);
    if (child.version) {
      (*attributes.mutable_header()->mutable_fields())[std::string(kVersionHeader)] =
          ToPayload(*child.version);
    }
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
    Summarize(out, child.step_label);
    encoded = std::move(out);
  }

  void On(const interpreter::RequestCancelChildWorkflow& cancel) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION);
    auto& attributes = *out.mutable_request_cancel_external_workflow_execution_command_attributes();
    auto child = context.child_workflow_ids.find(cancel.seq);
    if (child == context.child_workflow_ids.end()) return;
    attributes.set_workflow_id(child->second);
    attributes.set_child_workflow_only(true);
    encoded = std::move(out);
  }

  void On(const interpreter::SignalExternalWorkflow& signal) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION);
    auto& attributes = *out.mutable_signal_external_workflow_execution_command_attributes();
    attributes.mutable_execution()->set_workflow_id(signal.workflow_id);
    attributes.mutable_execution()->set_run_id(signal.run_id);
    attributes.set_signal_name(signal.signal);
    *attributes.mutable_input() = ToPayloads(signal.payload);
    encoded = std::move(out);
  }

  void On(const interpreter::RecordMarker& marker) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_RECORD_MARKER);
    auto& attributes = *out.mutable_record_marker_command_attributes();
    attributes.set_marker_name(marker.name);
    (*attributes.mutable_details())["data"] = ToPayloads(marker.data);
    encoded = std::move(out);
  }

  void On(const interpreter::UpsertSearchAttributes& upsert) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
    auto& fields = *out.mutable_upsert_workflow_search_attributes_command_attributes()
                        ->mutable_search_attributes()
                        ->mutable_indexed_fields();
    for (const auto& [name, value] : upsert.attributes.items()) fields[name] = ToPayload(value);
    encoded = std::move(out);
  }

  void On(const interpreter::UpsertMemo& upsert) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES);
    auto& fields = *out.mutable_modify_workflow_properties_command_attributes()
                        ->mutable_upserted_memo()
                        ->mutable_fields();
    for (const auto& [name, value] : upsert.memo.items()) fields[name] = ToPayload(value);
    encoded = std::move(out);
  }

  // Protocol messages and query answers, not commands.
  void On(const interpreter::AcceptUpdate&) override {}
  void On(const interpreter::RejectUpdate&) override {}
  void On(const interpreter::CompleteUpdate&) override {}
  void On(const interpreter::RespondToQuery&) override {}

  void On(const interpreter::CompleteWorkflow& complete) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
    *out.mutable_complete_workflow_execution_command_attributes()->mutable_result() =
        ToPayloads(complete.result);
    encoded = std::move(out);
  }

  void On(const interpreter::FailWorkflow& fail) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
    *out.mutable_fail_workflow_execution_command_attributes()->mutable_failure() =
        ToTemporalFailure(fail.failure);
    encoded = std::move(out);
  }

  void On(const interpreter::CancelWorkflowExecution&) override {
    TemporalCommand out;
    out.set_command_type(enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
    out.mutable_cancel_workflow_execution_command_attributes();
    encoded = std::move(out);
  }

  void On(const interpreter::ContinueAsNew& next) override {
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
    encoded = std::move(out);
  }
};

}  // namespace

std::optional<TemporalCommand> EncodeCommand(const interpreter::Command& command,
                                             const EncodeContext& context) {
  Encoder encoder(context);
  run::Dispatch(command, encoder);
  return std::move(encoder.encoded);
}

}  // namespace weft::temporal
