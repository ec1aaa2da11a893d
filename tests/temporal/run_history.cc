#include "tests/temporal/run_history.h"

#include <stdexcept>

#include "runtime/temporal/payload.h"
#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "temporal/api/protocol/v1/message.pb.h"
#include "temporal/api/update/v1/message.pb.h"

namespace weft::testing {
namespace {

namespace enums = ::temporal::api::enums::v1;
namespace update = ::temporal::api::update::v1;

constexpr std::int64_t kFirstEventSeconds = 1'700'000'000;

}  // namespace

RunHistory::RunHistory(std::string workflow_id, std::string run_id, std::string workflow_type,
                       const nlohmann::json& input)
    : workflow_id_(std::move(workflow_id)),
      run_id_(std::move(run_id)),
      workflow_type_(std::move(workflow_type)) {
  auto& started = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
                       .mutable_workflow_execution_started_event_attributes();
  started.mutable_workflow_type()->set_name(workflow_type_);
  *started.mutable_input() = temporal::ToPayloads(input);
  started.set_original_execution_run_id(run_id_);
  started.set_attempt(1);
  ScheduleTask();
}

RunHistory::Event& RunHistory::Add(enums::EventType type) {
  Event& event = *history_.add_events();
  event.set_event_id(history_.events_size());
  event.set_event_type(type);
  event.mutable_event_time()->set_seconds(kFirstEventSeconds + event.event_id());
  return event;
}

void RunHistory::ScheduleTask() {
  if (task_scheduled_) return;
  Add(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  task_scheduled_ = true;
}

void RunHistory::Signal(const std::string& name, const nlohmann::json& payload) {
  auto& signaled = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                        .mutable_workflow_execution_signaled_event_attributes();
  signaled.set_signal_name(name);
  *signaled.mutable_input() = temporal::ToPayloads(payload);
  ScheduleTask();
}

void RunHistory::TimerFired(const std::string& timer_id) {
  Add(enums::EVENT_TYPE_TIMER_FIRED).mutable_timer_fired_event_attributes()->set_timer_id(timer_id);
  ScheduleTask();
}

RunHistory::WorkflowTask RunHistory::FullTask() { return Start(/*sticky=*/false); }

RunHistory::WorkflowTask RunHistory::StickyTask() { return Start(/*sticky=*/true); }

RunHistory::WorkflowTask RunHistory::Start(bool sticky) {
  ScheduleTask();
  started_event_id_ = Add(enums::EVENT_TYPE_WORKFLOW_TASK_STARTED).event_id();
  task_scheduled_ = false;
  WorkflowTask task = Task(sticky ? previous_started_event_id_ : 0);
  task.set_started_event_id(started_event_id_);
  return task;
}

RunHistory::WorkflowTask RunHistory::QueryTask(const std::string& query_type,
                                               const nlohmann::json& argument, bool sticky) {
  WorkflowTask task = Task(sticky ? answered_through_event_id_ : 0);
  task.set_started_event_id(0);  // no workflow task runs for a legacy query
  task.mutable_query()->set_query_type(query_type);
  *task.mutable_query()->mutable_query_args() = temporal::ToPayloads(argument);
  return task;
}

RunHistory::WorkflowTask RunHistory::Task(std::int64_t after_event_id) {
  WorkflowTask task;
  task.set_task_token("token-" + std::to_string(++tasks_handed_out_));
  task.mutable_workflow_execution()->set_workflow_id(workflow_id_);
  task.mutable_workflow_execution()->set_run_id(run_id_);
  task.mutable_workflow_type()->set_name(workflow_type_);
  task.set_previous_started_event_id(previous_started_event_id_);
  task.set_attempt(1);
  for (const Event& event : history_.events()) {
    if (event.event_id() > after_event_id) *task.mutable_history()->add_events() = event;
  }
  return task;
}

void RunHistory::AddUpdate(WorkflowTask& task, const std::string& update_id,
                           const std::string& name, const nlohmann::json& argument) {
  update::Request request;
  request.mutable_meta()->set_update_id(update_id);
  request.mutable_meta()->set_identity("a client");
  request.mutable_input()->set_name(name);
  *request.mutable_input()->mutable_args() = temporal::ToPayloads(argument);
  auto& message = *task.add_messages();
  message.set_id(update_id + "/request");
  message.set_protocol_instance_id(update_id);
  message.set_event_id(task.started_event_id() - 1);  // the task's WorkflowTaskScheduled
  message.mutable_body()->PackFrom(request);
}

void RunHistory::TaskFailed(enums::WorkflowTaskFailedCause cause) {
  auto& failed =
      *Add(enums::EVENT_TYPE_WORKFLOW_TASK_FAILED).mutable_workflow_task_failed_event_attributes();
  failed.set_scheduled_event_id(started_event_id_ - 1);
  failed.set_started_event_id(started_event_id_);
  failed.set_cause(cause);
  ScheduleTask();
}

void RunHistory::Complete(const Answer& answer) {
  auto& completed = *Add(enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
                         .mutable_workflow_task_completed_event_attributes();
  completed.set_scheduled_event_id(started_event_id_ - 1);
  completed.set_started_event_id(started_event_id_);
  completed.set_identity(answer.identity());
  *completed.mutable_sdk_metadata() = answer.sdk_metadata();
  const std::int64_t completed_event_id = history_.events_size();
  previous_started_event_id_ = started_event_id_;

  auto message_body = [&](const std::string& message_id) -> const google::protobuf::Any& {
    for (const auto& message : answer.messages()) {
      if (message.id() == message_id) return message.body();
    }
    throw std::runtime_error("the answer's protocol message command names no message " +
                             message_id);
  };
  for (const auto& command : answer.commands()) {
    switch (command.command_type()) {
      case enums::COMMAND_TYPE_START_TIMER: {
        const auto& timer = command.start_timer_command_attributes();
        auto& started =
            *Add(enums::EVENT_TYPE_TIMER_STARTED).mutable_timer_started_event_attributes();
        started.set_timer_id(timer.timer_id());
        *started.mutable_start_to_fire_timeout() = timer.start_to_fire_timeout();
        started.set_workflow_task_completed_event_id(completed_event_id);
        break;
      }
      case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const auto& activity = command.schedule_activity_task_command_attributes();
        auto& scheduled = *Add(enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
                               .mutable_activity_task_scheduled_event_attributes();
        scheduled.set_activity_id(activity.activity_id());
        *scheduled.mutable_activity_type() = activity.activity_type();
        *scheduled.mutable_task_queue() = activity.task_queue();
        *scheduled.mutable_input() = activity.input();
        scheduled.set_workflow_task_completed_event_id(completed_event_id);
        break;
      }
      case enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION: {
        auto& done = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
                          .mutable_workflow_execution_completed_event_attributes();
        *done.mutable_result() = command.complete_workflow_execution_command_attributes().result();
        done.set_workflow_task_completed_event_id(completed_event_id);
        break;
      }
      case enums::COMMAND_TYPE_PROTOCOL_MESSAGE: {
        const std::string& message_id = command.protocol_message_command_attributes().message_id();
        const google::protobuf::Any& body = message_body(message_id);
        if (update::Acceptance acceptance; body.UnpackTo(&acceptance)) {
          auto& accepted = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
                                .mutable_workflow_execution_update_accepted_event_attributes();
          accepted.set_protocol_instance_id(acceptance.accepted_request().meta().update_id());
          accepted.set_accepted_request_message_id(acceptance.accepted_request_message_id());
          accepted.set_accepted_request_sequencing_event_id(
              acceptance.accepted_request_sequencing_event_id());
          *accepted.mutable_accepted_request() = acceptance.accepted_request();
        } else if (update::Response response; body.UnpackTo(&response)) {
          auto& done = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
                            .mutable_workflow_execution_update_completed_event_attributes();
          *done.mutable_meta() = response.meta();
          *done.mutable_outcome() = response.outcome();
        } else {
          // A rejection leaves no trace in history (docs/temporal-protocol.md#updates).
          throw std::runtime_error("a ProtocolMessage command names " + message_id + ", a " +
                                   body.type_url() +
                                   ": only an acceptance or a completion becomes an event");
        }
        break;
      }
      default:
        throw std::runtime_error("RunHistory turns no " +
                                 enums::CommandType_Name(command.command_type()) +
                                 " command into an event");
    }
  }
  answered_through_event_id_ = history_.events_size();
}

}  // namespace weft::testing
