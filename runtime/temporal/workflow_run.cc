#include "runtime/temporal/workflow_run.h"

#include <algorithm>
#include <charconv>

#include "runtime/interpreter/error_value.h"
#include "runtime/run/command_handler.h"
#include "runtime/run/query_answers.h"
#include "runtime/run/replay_check.h"
#include "runtime/run/run_seed.h"
#include "runtime/temporal/failure.h"
#include "runtime/temporal/payload.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace weft::temporal {
namespace {

namespace enums = ::temporal::api::enums::v1;
using interpreter::ActivityResolution;
using interpreter::Command;
using interpreter::Job;

std::string EventName(const HistoryEvent& event) {
  return enums::EventType_Name(event.event_type());
}

// An event that names an operation the replay never started: the workflow did not produce
// the command that history recorded for it.
ReplayError NonDeterminism(const HistoryEvent* event, std::string message) {
  return ReplayError{ReplayError::Kind::kNonDeterminism, event ? event->event_id() : 0,
                     "[" + std::string(run::kUnproducedCommand) +
                         "] nondeterministic workflow: " + std::move(message),
                     run::kUnproducedCommand};
}

ReplayError FromCheck(const HistoryEvent* event, const run::NonDeterminism& error) {
  return ReplayError{ReplayError::Kind::kNonDeterminism, event ? event->event_id() : 0,
                     error.message, error.code};
}

std::string Where(const HistoryEvent& event) {
  return "event " + std::to_string(event.event_id()) + " (" + EventName(event) + ")";
}

// Timers are named by their seq (command_encoder.h).
std::optional<std::uint32_t> SeqFromId(const std::string& id) {
  std::uint32_t seq = 0;
  auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), seq);
  if (error != std::errc{} || end != id.data() + id.size()) return std::nullopt;
  return seq;
}

// The command a command event records, in the replay check's terms (replay_check.h): its
// kind, and the fields that identify it, named as the check names them.
run::RecordedCommand Recorded(const HistoryEvent& event) {
  run::RecordedCommand recorded{.fields = nlohmann::json::object(), .where = Where(event)};
  auto timer = [&](const std::string& id) {
    auto seq = SeqFromId(id);
    recorded.fields["seq"] = seq ? nlohmann::json(*seq) : nlohmann::json(id);
  };
  switch (event.event_type()) {
    case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
      const auto& attributes = event.activity_task_scheduled_event_attributes();
      recorded.kind = "schedule_activity";
      recorded.fields = {{"activity_id", attributes.activity_id()},
                         {"activity_type", attributes.activity_type().name()}};
      break;
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED:
      recorded.kind = "request_cancel_activity";
      break;
    case enums::EVENT_TYPE_TIMER_STARTED:
      recorded.kind = "start_timer";
      timer(event.timer_started_event_attributes().timer_id());
      break;
    case enums::EVENT_TYPE_TIMER_CANCELED:
      recorded.kind = "cancel_timer";
      timer(event.timer_canceled_event_attributes().timer_id());
      break;
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
      recorded.kind = "start_child_workflow";
      recorded.fields["workflow_type"] =
          event.start_child_workflow_execution_initiated_event_attributes().workflow_type().name();
      break;
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
      recorded.kind = "request_cancel_child_workflow";
      break;
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
      recorded.kind = "signal_external_workflow";
      recorded.fields["signal"] =
          event.signal_external_workflow_execution_initiated_event_attributes().signal_name();
      break;
    case enums::EVENT_TYPE_MARKER_RECORDED:
      recorded.kind = "record_marker";
      recorded.fields["name"] = event.marker_recorded_event_attributes().marker_name();
      break;
    case enums::EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      recorded.kind = "upsert_search_attributes";
      break;
    case enums::EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
      recorded.kind = "upsert_memo";
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
      recorded.kind = "accept_update";
      recorded.fields["id"] = event.workflow_execution_update_accepted_event_attributes()
                                  .accepted_request()
                                  .meta()
                                  .update_id();
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
      recorded.kind = "complete_update";
      recorded.fields["id"] =
          event.workflow_execution_update_completed_event_attributes().meta().update_id();
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      recorded.kind = "complete_workflow";
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      recorded.kind = "fail_workflow";
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      recorded.kind = "cancel_workflow";
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      recorded.kind = "continue_as_new";
      break;
    default:  // no command makes it: it matches none
      recorded.kind = EventName(event);
      break;
  }
  return recorded;
}

nlohmann::json Decode(const Payloads& payloads) {
  auto value = FromPayloads(payloads);
  return value ? *value : nlohmann::json{{"undecoded", value.error()}};
}

// Which child ended, as the parent's failure info says it (SDKs' ChildWorkflowExecutionError).
template <typename Attributes>
nlohmann::json ChildInfo(const Attributes& attributes, std::int64_t started_event_id,
                         std::optional<enums::RetryState> retry_state) {
  nlohmann::json info = {{"workflow_type", attributes.workflow_type().name()},
                         {"workflow_id", attributes.workflow_execution().workflow_id()},
                         {"run_id", attributes.workflow_execution().run_id()},
                         {"initiated_event_id", attributes.initiated_event_id()},
                         {"started_event_id", started_event_id}};
  if (retry_state) info["retry_state"] = RetryStateName(*retry_state);
  return info;
}

}  // namespace

WorkflowRun::WorkflowRun(Interpreter interpreter, std::string workflow_id, std::string run_id,
                         std::string task_queue)
    : interpreter_(std::move(interpreter)),
      workflow_id_(std::move(workflow_id)),
      run_id_(std::move(run_id)) {
  encode_context_.task_queue = std::move(task_queue);
}

std::expected<std::vector<Command>, ReplayError> WorkflowRun::Apply(const LogicalWorkflowTask& task,
                                                                    std::vector<Job> extra_jobs) {
  // Applying an event twice would double what it did (a signal counted twice): refuse.
  for (const auto* events : {&task.events, &task.command_events}) {
    for (const HistoryEvent* event : *events) {
      if (event->event_id() <= last_event_id_) {
        return std::unexpected(ReplayError{
            ReplayError::Kind::kRepeatedEvent, event->event_id(),
            "event " + std::to_string(event->event_id()) + " was already applied to this run"});
      }
    }
  }
  for (const auto* events : {&task.events, &task.command_events}) {
    if (!events->empty()) last_event_id_ = std::max(last_event_id_, events->back()->event_id());
  }
  last_event_id_ = std::max(last_event_id_, task.started_event_id);
  std::vector<Command> produced;
  issued_.clear();
  if (task.started_event_id != 0) {
    if (!unmatched_.empty()) {
      return std::unexpected(
          FromCheck(nullptr, run::UnrecordedCommand(unmatched_.front(), "the task's history")));
    }
    now_unix_ms_ = task.now_unix_ms;
    interpreter::Activation activation{.now_unix_ms = task.now_unix_ms,
                                       .is_replaying = task.completed,
                                       .continue_as_new_suggested = task.suggest_continue_as_new};
    for (const HistoryEvent* event : task.events) {
      if (auto added = AddJob(*event, activation.jobs); !added) {
        return std::unexpected(added.error());
      }
    }
    // An update accepted by this task reached the workflow with it: history records the request
    // only in the acceptance, after the task.
    for (const HistoryEvent* event : task.command_events) {
      if (event->event_type() != enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) continue;
      const auto& request =
          event->workflow_execution_update_accepted_event_attributes().accepted_request();
      activation.jobs.push_back(interpreter::DoUpdate{.id = request.meta().update_id(),
                                                      .name = request.input().name(),
                                                      .payload = Decode(request.input().args()),
                                                      .run_validator = false});
    }
    for (Job& job : extra_jobs) activation.jobs.push_back(std::move(job));
    if (activation.jobs.empty() && task.completed) {
      // A task that only answered queries, or a heartbeat: nothing reached the workflow.
    } else {
      produced = Activate(activation);
    }
  }

  for (const HistoryEvent* event : task.command_events) {
    if (auto matched = Match(*event); !matched) return std::unexpected(matched.error());
  }
  if (task.completed && !unmatched_.empty()) {
    return std::unexpected(
        FromCheck(nullptr, run::UnrecordedCommand(unmatched_.front(), "the task's history")));
  }
  if (task.completed) return std::vector<Command>{};
  return produced;
}

std::vector<Command> WorkflowRun::Activate(const interpreter::Activation& activation) {
  std::vector<Command> to_send;
  for (Command& command : interpreter_(activation)) {
    issued_.push_back(command);
    if (auto* schedule = std::get_if<interpreter::ScheduleActivity>(&command);
        schedule && schedule->local) {
      pending_locals_[schedule->seq] = std::move(*schedule);
      continue;
    }
    // Cancelling a local activity is the worker's business: the server never saw it, and the
    // workflow does not wait for it once cancelled (an outcome that still comes is dropped).
    if (auto* cancel = std::get_if<interpreter::RequestCancelActivity>(&command);
        cancel && pending_locals_.erase(cancel->seq) > 0) {
      continue;
    }
    if (run::LeavesRecord(command)) unmatched_.push_back(command);
    to_send.push_back(std::move(command));
  }
  return to_send;
}

std::vector<Command> WorkflowRun::ResolveLocal(const LocalActivityOutcome& outcome) {
  if (pending_locals_.erase(outcome.seq) == 0) return {};
  interpreter::RecordMarker marker = ToMarker(outcome);
  unmatched_.push_back(marker);
  std::vector<Command> commands{std::move(marker)};
  interpreter::Activation activation{
      .now_unix_ms = now_unix_ms_,
      .jobs = {interpreter::ResolveActivity{.seq = outcome.seq, .resolution = outcome.resolution}}};
  for (Command& command : Activate(activation)) commands.push_back(std::move(command));
  return commands;
}

std::expected<void, ReplayError> WorkflowRun::ReplayLocalOutcome(const HistoryEvent& event) {
  const auto& attributes = event.marker_recorded_event_attributes();
  auto data = attributes.details().find("data");
  auto decoded = data == attributes.details().end()
                     ? std::expected<nlohmann::json, std::string>(std::unexpected("no data"))
                     : FromPayloads(data->second);
  auto outcome = decoded ? FromMarkerData(*decoded)
                         : std::unexpected(std::string(kLocalActivityMarker) +
                                           " marker: its data does not decode: " + decoded.error());
  if (!outcome) {
    return std::unexpected(ReplayError{ReplayError::Kind::kUnsupportedEvent, event.event_id(),
                                       Where(event) + ": " + outcome.error()});
  }
  // The marker stands for the activity's command: it must be one the workflow scheduled.
  const run::RecordedCommand recorded{
      .kind = "schedule_activity",
      .fields = {{"activity_id", outcome->activity_id}, {"activity_type", outcome->activity_type}},
      .where = Where(event)};
  auto pending = pending_locals_.find(outcome->seq);
  if (pending == pending_locals_.end()) {
    return std::unexpected(FromCheck(&event, run::UnproducedCommand(recorded)));
  }
  if (auto same = run::CheckReplayed(recorded, pending->second); !same) {
    return std::unexpected(FromCheck(&event, same.error()));
  }
  pending_locals_.erase(pending);
  interpreter::Activation activation{
      .now_unix_ms = now_unix_ms_,
      .is_replaying = true,
      .jobs = {interpreter::ResolveActivity{.seq = outcome->seq,
                                            .resolution = std::move(outcome->resolution)}}};
  // What the workflow did next was recorded after the marker: it waits to be matched.
  Activate(activation);
  return {};
}

std::vector<interpreter::RespondToQuery> WorkflowRun::Answer(
    const std::vector<interpreter::QueryWorkflow>& queries) {
  return run::AnswerQueries(interpreter_, now_unix_ms_, queries);
}

std::expected<void, ReplayError> WorkflowRun::Match(const HistoryEvent& event) {
  // A local activity's marker is the run's own (ResolveLocal) when a marker command of this
  // worker waits for it; otherwise history resolves the activity now.
  if (event.event_type() == enums::EVENT_TYPE_MARKER_RECORDED &&
      event.marker_recorded_event_attributes().marker_name() == kLocalActivityMarker) {
    const auto* marker =
        unmatched_.empty() ? nullptr : std::get_if<interpreter::RecordMarker>(&unmatched_.front());
    if (marker == nullptr || marker->name != kLocalActivityMarker) return ReplayLocalOutcome(event);
  }
  const run::RecordedCommand recorded = Recorded(event);
  if (unmatched_.empty()) {
    return std::unexpected(FromCheck(&event, run::UnproducedCommand(recorded)));
  }
  const Command command = unmatched_.front();
  if (auto same = run::CheckReplayed(recorded, command); !same) {
    return std::unexpected(FromCheck(&event, same.error()));
  }
  // The command is the event's: bind its seq to the event, which later events name.
  if (const auto* schedule = std::get_if<interpreter::ScheduleActivity>(&command)) {
    activity_by_scheduled_event_[event.event_id()] = schedule->seq;
    activity_type_by_scheduled_event_[event.event_id()] = schedule->activity_type;
    encode_context_.activity_scheduled_event_ids[schedule->seq] = event.event_id();
  } else if (const auto* child = std::get_if<interpreter::StartChildWorkflow>(&command)) {
    child_by_initiated_event_[event.event_id()] = child->seq;
    encode_context_.child_workflow_ids[child->seq] =
        event.start_child_workflow_execution_initiated_event_attributes().workflow_id();
  } else if (const auto* signal = std::get_if<interpreter::SignalExternalWorkflow>(&command)) {
    signal_by_initiated_event_[event.event_id()] = signal->seq;
  }
  unmatched_.pop_front();
  return {};
}

std::expected<void, ReplayError> WorkflowRun::AddJob(const HistoryEvent& event,
                                                     std::vector<Job>& jobs) {
  auto unknown_operation = [&](const std::string& what) {
    return std::unexpected(
        NonDeterminism(&event, EventName(event) + " (event " + std::to_string(event.event_id()) +
                                   ") refers to " + what + " that the workflow never started"));
  };
  auto activity = [&](std::int64_t scheduled_event_id)
      -> std::expected<std::pair<std::uint32_t, nlohmann::json>, ReplayError> {
    auto seq = activity_by_scheduled_event_.find(scheduled_event_id);
    if (seq == activity_by_scheduled_event_.end()) {
      return unknown_operation("activity event " + std::to_string(scheduled_event_id));
    }
    nlohmann::json info = {{"activity_type", activity_type_by_scheduled_event_[scheduled_event_id]},
                           {"activity_id", std::to_string(seq->second)}};
    return std::pair{seq->second, std::move(info)};
  };
  // A failed or timed-out activity, as SDKs show it: an activity failure wrapping the cause.
  // What the server recorded of the failed attempt goes along, as the SDKs' ActivityError
  // carries it.
  auto activity_failed = [&](std::int64_t scheduled_event_id, std::int64_t started_event_id,
                             const std::string& identity, enums::RetryState retry_state,
                             const Failure& cause) -> std::expected<void, ReplayError> {
    auto found = activity(scheduled_event_id);
    if (!found) return std::unexpected(found.error());
    found->second["scheduled_event_id"] = scheduled_event_id;
    found->second["started_event_id"] = started_event_id;
    found->second["identity"] = identity;
    const std::string state = enums::RetryState_Name(retry_state);
    found->second["retry_state"] = state.starts_with("RETRY_STATE_") ? state.substr(12) : state;
    // Not started (a schedule-to-start timeout): no attempt ran, so none is named.
    if (auto attempt = activity_attempt_by_scheduled_event_.find(scheduled_event_id);
        attempt != activity_attempt_by_scheduled_event_.end()) {
      found->second["attempt"] = attempt->second;
    }
    jobs.push_back(interpreter::ResolveActivity{
        .seq = found->first,
        .resolution = {
            .status = ActivityResolution::Status::kFailed,
            .failure = interpreter::ActivityFailure(FromTemporalFailure(cause), found->second)}});
    return {};
  };
  auto child = [&](std::int64_t initiated_event_id) -> std::expected<std::uint32_t, ReplayError> {
    auto seq = child_by_initiated_event_.find(initiated_event_id);
    if (seq == child_by_initiated_event_.end()) {
      return unknown_operation("child workflow event " + std::to_string(initiated_event_id));
    }
    return seq->second;
  };

  // A child that ended otherwise than completed: the parent sees its end wrapped as the SDKs'
  // ChildWorkflowExecutionError (interpreter::ChildWorkflowFailure), on every end event alike.
  auto child_ended =
      [&](const auto& attributes, ActivityResolution::Status status, interpreter::Failure cause,
          std::string_view outcome,
          std::optional<enums::RetryState> retry_state) -> std::expected<void, ReplayError> {
    auto seq = child(attributes.initiated_event_id());
    if (!seq) return std::unexpected(seq.error());
    jobs.push_back(interpreter::ResolveChildWorkflow{
        .seq = *seq,
        .status = status,
        .failure = interpreter::ChildWorkflowFailure(
            std::move(cause), outcome,
            ChildInfo(attributes, attributes.started_event_id(), retry_state))});
    return {};
  };

  switch (event.event_type()) {
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
      const auto& attributes = event.workflow_execution_started_event_attributes();
      interpreter::StartWorkflow start{
          .workflow_type = attributes.workflow_type().name(),
          .workflow_id = workflow_id_,
          .run_id = run_id_,
          .input = Decode(attributes.input()),
          .attempt = attributes.attempt(),
          .random_seed = run::RunSeed(attributes.original_execution_run_id())};
      for (const auto& [name, payload] : attributes.memo().fields()) {
        auto value = FromPayload(payload);
        start.memo[name] = value ? *value : nullptr;
      }
      for (const auto& [name, payload] : attributes.search_attributes().indexed_fields()) {
        auto value = FromPayload(payload);
        start.search_attributes[name] = value ? *value : nullptr;
      }
      start.task_queue = attributes.task_queue().name();
      const auto& header = attributes.header().fields();
      if (auto resume = header.find(std::string(kResumeHeader)); resume != header.end()) {
        auto value = FromPayload(resume->second);
        if (!value) {
          return std::unexpected(ReplayError{
              ReplayError::Kind::kUnsupportedEvent, event.event_id(),
              "the " + std::string(kResumeHeader) + " header of " + EventName(event) + " (event " +
                  std::to_string(event.event_id()) + ") does not decode: " + value.error()});
        }
        start.resume = std::move(*value);
      }
      if (!attributes.continued_execution_run_id().empty()) {
        start.continued_from_run_id = attributes.continued_execution_run_id();
      }
      jobs.push_back(std::move(start));
      return {};
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_STARTED: {  // written together with its outcome
      const auto& attributes = event.activity_task_started_event_attributes();
      activity_attempt_by_scheduled_event_[attributes.scheduled_event_id()] = attributes.attempt();
      return {};
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
      const auto& attributes = event.activity_task_completed_event_attributes();
      auto found = activity(attributes.scheduled_event_id());
      if (!found) return std::unexpected(found.error());
      jobs.push_back(interpreter::ResolveActivity{
          .seq = found->first,
          .resolution = {.status = ActivityResolution::Status::kCompleted,
                         .result = Decode(attributes.result())}});
      return {};
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_FAILED: {
      const auto& attributes = event.activity_task_failed_event_attributes();
      return activity_failed(attributes.scheduled_event_id(), attributes.started_event_id(),
                             attributes.identity(), attributes.retry_state(), attributes.failure());
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
      const auto& attributes = event.activity_task_timed_out_event_attributes();
      return activity_failed(attributes.scheduled_event_id(), attributes.started_event_id(), "",
                             attributes.retry_state(), attributes.failure());
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
      const auto& attributes = event.activity_task_canceled_event_attributes();
      auto found = activity(attributes.scheduled_event_id());
      if (!found) return std::unexpected(found.error());
      interpreter::Failure cancelled{.kind = interpreter::Failure::Kind::kCancelled,
                                     .type = "Cancelled",
                                     .message = "Activity cancelled",
                                     .info = found->second};
      if (attributes.has_details()) cancelled.details = Decode(attributes.details());
      jobs.push_back(interpreter::ResolveActivity{
          .seq = found->first,
          .resolution = {.status = ActivityResolution::Status::kCancelled, .failure = cancelled}});
      return {};
    }
    case enums::EVENT_TYPE_TIMER_FIRED: {
      const std::string& id = event.timer_fired_event_attributes().timer_id();
      auto seq = SeqFromId(id);
      if (!seq) return unknown_operation("timer " + id);
      jobs.push_back(interpreter::FireTimer{.seq = *seq});
      return {};
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
      const auto& attributes = event.workflow_execution_signaled_event_attributes();
      jobs.push_back(interpreter::SignalWorkflow{.name = attributes.signal_name(),
                                                 .payload = Decode(attributes.input())});
      return {};
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      jobs.push_back(interpreter::CancelWorkflow{
          .reason = event.workflow_execution_cancel_requested_event_attributes().cause()});
      return {};
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
      const auto& attributes = event.child_workflow_execution_started_event_attributes();
      auto seq = child(attributes.initiated_event_id());
      if (!seq) return std::unexpected(seq.error());
      jobs.push_back(interpreter::ResolveChildWorkflowStart{
          .seq = *seq, .started = true, .run_id = attributes.workflow_execution().run_id()});
      return {};
    }
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED: {
      const auto& attributes = event.start_child_workflow_execution_failed_event_attributes();
      auto seq = child(attributes.initiated_event_id());
      if (!seq) return std::unexpected(seq.error());
      jobs.push_back(interpreter::ResolveChildWorkflowStart{
          .seq = *seq,
          .started = false,
          .failure = {.type = "WorkflowAlreadyStarted",
                      .message = "child workflow " + attributes.workflow_id() +
                                 " could not start: it is already running"}});
      return {};
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED: {
      const auto& attributes = event.child_workflow_execution_completed_event_attributes();
      auto seq = child(attributes.initiated_event_id());
      if (!seq) return std::unexpected(seq.error());
      jobs.push_back(
          interpreter::ResolveChildWorkflow{.seq = *seq, .result = Decode(attributes.result())});
      return {};
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED: {
      const auto& attributes = event.child_workflow_execution_failed_event_attributes();
      return child_ended(attributes, ActivityResolution::Status::kFailed,
                         FromTemporalFailure(attributes.failure()), "failed",
                         attributes.retry_state());
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED: {
      const auto& attributes = event.child_workflow_execution_canceled_event_attributes();
      interpreter::Failure cancelled{.kind = interpreter::Failure::Kind::kCancelled,
                                     .type = "Cancelled",
                                     .message = "workflow cancelled"};
      if (attributes.has_details()) cancelled.details = Decode(attributes.details());
      return child_ended(attributes, ActivityResolution::Status::kCancelled, std::move(cancelled),
                         "cancelled", std::nullopt);
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT: {
      const auto& attributes = event.child_workflow_execution_timed_out_event_attributes();
      return child_ended(attributes, ActivityResolution::Status::kFailed,
                         interpreter::Failure{.kind = interpreter::Failure::Kind::kTimeout,
                                              .type = "Timeout",
                                              .message = "workflow timed out",
                                              .info = {{"timeout_type", "START_TO_CLOSE"}}},
                         "timed out", attributes.retry_state());
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED: {
      const auto& attributes = event.child_workflow_execution_terminated_event_attributes();
      return child_ended(attributes, ActivityResolution::Status::kFailed,
                         interpreter::Failure{.kind = interpreter::Failure::Kind::kTerminated,
                                              .type = "Terminated",
                                              .message = "workflow terminated"},
                         "terminated", std::nullopt);
    }
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: {
      const bool failed =
          event.event_type() == enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED;
      const std::int64_t initiated =
          failed
              ? event.signal_external_workflow_execution_failed_event_attributes()
                    .initiated_event_id()
              : event.external_workflow_execution_signaled_event_attributes().initiated_event_id();
      auto seq = signal_by_initiated_event_.find(initiated);
      if (seq == signal_by_initiated_event_.end()) {
        return unknown_operation("signal event " + std::to_string(initiated));
      }
      interpreter::ResolveSignalExternalWorkflow resolved{.seq = seq->second};
      if (failed) {
        resolved.failure = interpreter::Failure{.type = "ExternalWorkflowNotFound",
                                                .message = "the workflow to signal was not found"};
      }
      jobs.push_back(std::move(resolved));
      return {};
    }
    // Events that change nothing the workflow sees.
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED:
      return {};
    default:
      if (event.worker_may_ignore()) return {};
      return std::unexpected(ReplayError{ReplayError::Kind::kUnsupportedEvent, event.event_id(),
                                         "weft does not support " + EventName(event) + " (event " +
                                             std::to_string(event.event_id()) + ")"});
  }
}

}  // namespace weft::temporal
