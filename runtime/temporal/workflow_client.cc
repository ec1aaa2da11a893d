#include "runtime/temporal/workflow_client.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "runtime/run/failure_codec.h"
#include "runtime/run/random_id.h"
#include "runtime/temporal/client_error.h"
#include "runtime/temporal/connection.h"
#include "runtime/temporal/failure.h"
#include "runtime/temporal/grpc_connection.h"
#include "runtime/temporal/history_activations.h"
#include "runtime/temporal/payload.h"
#include "runtime/temporal/proto_time.h"
#include "runtime/temporal/workflow_worker.h"
#include "temporal/api/enums/v1/update.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace weft::temporal {
namespace {

namespace workflowservice = ::temporal::api::workflowservice::v1;
namespace enums = ::temporal::api::enums::v1;
namespace history = ::temporal::api::history::v1;
namespace common = ::temporal::api::common::v1;
using Stub = Connection::WorkflowService::Stub;

common::WorkflowExecution ToProto(const WorkflowExecution& execution) {
  common::WorkflowExecution proto;
  proto.set_workflow_id(execution.workflow_id);
  proto.set_run_id(execution.run_id);
  return proto;
}

std::string NameOf(const WorkflowExecution& execution) {
  return "workflow " + execution.workflow_id +
         (execution.run_id.empty() ? "" : " (run " + execution.run_id + ")");
}

// How the run whose close event this is ended, and the run the server started after it, if
// any (a continue-as-new, a retry, a cron run). A continue-as-new has no outcome of its own.
// The error says what is wrong with the event.
struct Ending {
  std::optional<WorkflowOutcome> outcome;
  std::string next_run_id;
};

std::expected<Ending, std::string> EndingOf(const history::HistoryEvent& event) {
  using Status = WorkflowOutcome::Status;
  Ending ending;
  WorkflowOutcome outcome;
  if (event.has_workflow_execution_completed_event_attributes()) {
    const auto& attributes = event.workflow_execution_completed_event_attributes();
    auto result = FromPayloads(attributes.result());
    if (!result) return std::unexpected(result.error());
    outcome.status = Status::kCompleted;
    outcome.result = std::move(*result);
    ending.next_run_id = attributes.new_execution_run_id();  // a cron run
  } else if (event.has_workflow_execution_failed_event_attributes()) {
    const auto& attributes = event.workflow_execution_failed_event_attributes();
    outcome.status = Status::kFailed;
    outcome.failure = run::FailureToJson(FromTemporalFailure(attributes.failure()));
    ending.next_run_id = attributes.new_execution_run_id();  // retried
  } else if (event.has_workflow_execution_timed_out_event_attributes()) {
    outcome.status = Status::kTimedOut;
    ending.next_run_id =
        event.workflow_execution_timed_out_event_attributes().new_execution_run_id();
  } else if (event.has_workflow_execution_continued_as_new_event_attributes()) {
    ending.next_run_id =
        event.workflow_execution_continued_as_new_event_attributes().new_execution_run_id();
    return ending;
  } else if (event.has_workflow_execution_canceled_event_attributes()) {
    outcome.status = Status::kCancelled;
    const auto& details = event.workflow_execution_canceled_event_attributes().details();
    if (auto value = FromPayloads(details); value) outcome.failure = *value;
  } else if (event.has_workflow_execution_terminated_event_attributes()) {
    outcome.status = Status::kTerminated;
    outcome.failure = {{"reason", event.workflow_execution_terminated_event_attributes().reason()}};
  } else {
    return std::unexpected("unexpected close event " + enums::EventType_Name(event.event_type()));
  }
  ending.outcome = std::move(outcome);
  return ending;
}

ExecutionStatus StatusOf(enums::WorkflowExecutionStatus status) {
  switch (status) {
    case enums::WORKFLOW_EXECUTION_STATUS_COMPLETED:
      return ExecutionStatus::kCompleted;
    case enums::WORKFLOW_EXECUTION_STATUS_FAILED:
      return ExecutionStatus::kFailed;
    case enums::WORKFLOW_EXECUTION_STATUS_CANCELED:
      return ExecutionStatus::kCancelled;
    case enums::WORKFLOW_EXECUTION_STATUS_TERMINATED:
      return ExecutionStatus::kTerminated;
    case enums::WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
      return ExecutionStatus::kContinuedAsNew;
    case enums::WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
      return ExecutionStatus::kTimedOut;
    default:
      return ExecutionStatus::kRunning;
  }
}

ExecutionInfo InfoOf(const ::temporal::api::workflow::v1::WorkflowExecutionInfo& info) {
  return {.execution = {info.execution().workflow_id(), info.execution().run_id()},
          .workflow_type = info.type().name(),
          .status = StatusOf(info.status()),
          .start_ms = ToUnixMillis(info.start_time()),
          .close_ms = ToUnixMillis(info.close_time()),
          .task_queue = info.task_queue(),
          .history_length = info.history_length(),
          .parent = {info.parent_execution().workflow_id(), info.parent_execution().run_id()},
          .memo = DecodeFields(info.memo().fields()),
          .search_attributes = DecodeFields(info.search_attributes().indexed_fields())};
}

// "123" as the number a weft run's activity id is; any other id as it is.
nlohmann::json SequenceOf(const std::string& id) {
  if (id.empty() || id.size() > 9 || id.find_first_not_of("0123456789") != std::string::npos) {
    return id;
  }
  return std::stoi(id);
}

// A string literal of the visibility query language.
std::string Quoted(const std::string& value) {
  const char quote = value.find('\'') == std::string::npos ? '\'' : '"';
  return quote + value + quote;
}

}  // namespace

std::string VisibilityQuery(const std::string& workflow_type,
                            std::optional<ExecutionStatus> status) {
  std::string query;
  if (!workflow_type.empty()) query = "WorkflowType = " + Quoted(workflow_type);
  if (status) {
    static constexpr const char* kNames[] = {"Running",    "Completed",      "Failed",  "Canceled",
                                             "Terminated", "ContinuedAsNew", "TimedOut"};
    query += (query.empty() ? "" : " AND ") + std::string("ExecutionStatus = '") +
             kNames[static_cast<int>(*status)] + "'";
  }
  return query;
}

std::string_view StatusName(WorkflowOutcome::Status status) {
  switch (status) {
    case WorkflowOutcome::Status::kCompleted:
      return "completed";
    case WorkflowOutcome::Status::kFailed:
      return "failed";
    case WorkflowOutcome::Status::kCancelled:
      return "cancelled";
    case WorkflowOutcome::Status::kTerminated:
      return "terminated";
    case WorkflowOutcome::Status::kTimedOut:
      return "timed out";
  }
  return "unknown";
}

std::expected<WorkflowClient, ClientError> WorkflowClient::Connect(
    const ConnectionOptions& options) {
  auto connection = GrpcConnection::Open(options);
  if (!connection) return std::unexpected(FromRpc(connection.error(), "connect"));
  if (auto reachable = (*connection)->CheckServer(); !reachable) {
    ClientError error = FromRpc(reachable.error(), "connect");
    error.message = reachable.error().message;  // it names the flag to fix
    return std::unexpected(std::move(error));
  }
  return WorkflowClient(std::move(*connection));
}

std::expected<WorkflowExecution, ClientError> WorkflowClient::Start(
    const std::string& workflow_type, const nlohmann::json& input,
    const StartOptions& options) const {
  if (options.task_queue.empty()) {
    return std::unexpected(ClientError{ClientError::Kind::kInvalidArgument,
                                       "start " + workflow_type + ": a task queue is required",
                                       nullptr});
  }
  workflowservice::StartWorkflowExecutionRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  request.set_workflow_id(options.workflow_id.empty() ? run::NewUuid() : options.workflow_id);
  request.mutable_workflow_type()->set_name(workflow_type);
  request.mutable_task_queue()->set_name(options.task_queue);
  *request.mutable_input() = ToPayloads(input);
  if (options.execution_timeout) {
    SetDuration(request.mutable_workflow_execution_timeout(), *options.execution_timeout);
  }
  if (options.run_timeout)
    SetDuration(request.mutable_workflow_run_timeout(), *options.run_timeout);
  if (options.task_timeout) {
    SetDuration(request.mutable_workflow_task_timeout(), *options.task_timeout);
  }
  switch (options.id_conflict_policy) {
    case IdConflictPolicy::kFail:
      request.set_workflow_id_conflict_policy(enums::WORKFLOW_ID_CONFLICT_POLICY_FAIL);
      break;
    case IdConflictPolicy::kUseExisting:
      request.set_workflow_id_conflict_policy(enums::WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING);
      break;
    case IdConflictPolicy::kTerminateExisting:
      request.set_workflow_id_conflict_policy(
          enums::WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING);
      break;
  }
  if (!options.summary.empty()) {
    *request.mutable_user_metadata()->mutable_summary() = ToPayload(options.summary);
  }
  if (!options.details.empty()) {
    *request.mutable_user_metadata()->mutable_details() = ToPayload(options.details);
  }
  for (const auto& [key, value] : options.memo.items()) {
    (*request.mutable_memo()->mutable_fields())[key] = ToPayload(value);
  }
  request.set_identity(connection_->options().identity);
  request.set_request_id(run::NewUuid());

  auto response =
      connection_->Call(&Stub::StartWorkflowExecution, "StartWorkflowExecution", request);
  if (!response) {
    return std::unexpected(
        FromRpc(response.error(), "start " + workflow_type + " as " + request.workflow_id()));
  }
  return WorkflowExecution{request.workflow_id(), response->run_id()};
}

std::expected<void, ClientError> WorkflowClient::Signal(const WorkflowExecution& execution,
                                                        const std::string& signal,
                                                        const nlohmann::json& argument) const {
  workflowservice::SignalWorkflowExecutionRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  *request.mutable_workflow_execution() = ToProto(execution);
  request.set_signal_name(signal);
  *request.mutable_input() = ToPayloads(argument);
  request.set_identity(connection_->options().identity);
  request.set_request_id(run::NewUuid());
  auto response =
      connection_->Call(&Stub::SignalWorkflowExecution, "SignalWorkflowExecution", request);
  if (!response) {
    return std::unexpected(
        FromRpc(response.error(), "signal " + signal + " to " + NameOf(execution)));
  }
  return {};
}

std::expected<nlohmann::json, ClientError> WorkflowClient::Query(
    const WorkflowExecution& execution, const std::string& query,
    const nlohmann::json& argument) const {
  workflowservice::QueryWorkflowRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  *request.mutable_execution() = ToProto(execution);
  request.mutable_query()->set_query_type(query);
  *request.mutable_query()->mutable_query_args() = ToPayloads(argument);
  auto response = connection_->Call(&Stub::QueryWorkflow, "QueryWorkflow", request);
  const std::string what = "query " + query + " of " + NameOf(execution);
  if (!response) {
    ClientError error = FromRpc(response.error(), what);
    // A handler that throws, or an unknown query type, comes back as a failed call.
    if (error.kind == ClientError::Kind::kInvalidArgument)
      error.kind = ClientError::Kind::kQueryFailed;
    return std::unexpected(std::move(error));
  }
  if (response->has_query_rejected()) {
    return std::unexpected(
        ClientError{ClientError::Kind::kQueryFailed,
                    what + ": rejected, the workflow is " +
                        enums::WorkflowExecutionStatus_Name(response->query_rejected().status()),
                    nullptr});
  }
  auto value = FromPayloads(response->query_result());
  if (!value) {
    return std::unexpected(
        ClientError{ClientError::Kind::kOther, what + ": " + value.error(), nullptr});
  }
  return *value;
}

std::expected<nlohmann::json, ClientError> WorkflowClient::Update(
    const WorkflowExecution& execution, const std::string& update,
    const nlohmann::json& argument) const {
  const std::string what = "update " + update + " of " + NameOf(execution);
  workflowservice::UpdateWorkflowExecutionRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  *request.mutable_workflow_execution() = ToProto(execution);
  request.mutable_wait_policy()->set_lifecycle_stage(
      enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
  request.mutable_request()->mutable_meta()->set_update_id(run::NewUuid());
  request.mutable_request()->mutable_meta()->set_identity(connection_->options().identity);
  request.mutable_request()->mutable_input()->set_name(update);
  *request.mutable_request()->mutable_input()->mutable_args() = ToPayloads(argument);

  auto response = connection_->Call(&Stub::UpdateWorkflowExecution, "UpdateWorkflowExecution",
                                    request, kLongPollTimeout);
  if (!response) return std::unexpected(FromRpc(response.error(), what));
  ::temporal::api::update::v1::Outcome outcome = response->outcome();

  // The server answers before completion when its own long poll ends first: poll until done.
  while (!outcome.has_success() && !outcome.has_failure()) {
    workflowservice::PollWorkflowExecutionUpdateRequest poll;
    poll.set_namespace_(connection_->options().namespace_name);
    *poll.mutable_update_ref() = response->update_ref();
    poll.set_identity(connection_->options().identity);
    poll.mutable_wait_policy()->set_lifecycle_stage(
        enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
    auto polled = connection_->Call(&Stub::PollWorkflowExecutionUpdate,
                                    "PollWorkflowExecutionUpdate", poll, kLongPollTimeout);
    if (!polled) return std::unexpected(FromRpc(polled.error(), what));
    outcome = polled->outcome();
  }
  if (outcome.has_failure()) {
    nlohmann::json failure = run::FailureToJson(FromTemporalFailure(outcome.failure()));
    return std::unexpected(ClientError{ClientError::Kind::kUpdateFailed,
                                       what + ": " + failure.value("message", "failed"), failure});
  }
  auto value = FromPayloads(outcome.success());
  if (!value) {
    return std::unexpected(
        ClientError{ClientError::Kind::kOther, what + ": " + value.error(), nullptr});
  }
  return *value;
}

std::expected<void, ClientError> WorkflowClient::Cancel(const WorkflowExecution& execution,
                                                        const std::string& reason) const {
  workflowservice::RequestCancelWorkflowExecutionRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  *request.mutable_workflow_execution() = ToProto(execution);
  request.set_identity(connection_->options().identity);
  request.set_request_id(run::NewUuid());
  request.set_reason(reason);
  auto response = connection_->Call(&Stub::RequestCancelWorkflowExecution,
                                    "RequestCancelWorkflowExecution", request);
  if (!response) return std::unexpected(FromRpc(response.error(), "cancel " + NameOf(execution)));
  return {};
}

std::expected<void, ClientError> WorkflowClient::Terminate(const WorkflowExecution& execution,
                                                           const std::string& reason) const {
  workflowservice::TerminateWorkflowExecutionRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  *request.mutable_workflow_execution() = ToProto(execution);
  request.set_identity(connection_->options().identity);
  request.set_reason(reason);
  auto response =
      connection_->Call(&Stub::TerminateWorkflowExecution, "TerminateWorkflowExecution", request);
  if (!response) {
    return std::unexpected(FromRpc(response.error(), "terminate " + NameOf(execution)));
  }
  return {};
}

std::expected<WorkflowOutcome, ClientError> WorkflowClient::Result(
    const WorkflowExecution& execution) const {
  WorkflowExecution current = execution;
  if (current.run_id.empty()) {
    // The latest run, named: the close event does not say which run it closed, and the result
    // should (`weft result` prints it), and a run started later under the same id is not this.
    workflowservice::DescribeWorkflowExecutionRequest request;
    request.set_namespace_(connection_->options().namespace_name);
    *request.mutable_execution() = ToProto(current);
    auto described =
        connection_->Call(&Stub::DescribeWorkflowExecution, "DescribeWorkflowExecution", request);
    if (!described) {
      return std::unexpected(FromRpc(described.error(), "result of " + NameOf(execution)));
    }
    current.run_id = described->workflow_execution_info().execution().run_id();
  }
  std::string page_token;
  while (true) {
    workflowservice::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(connection_->options().namespace_name);
    *request.mutable_execution() = ToProto(current);
    request.set_wait_new_event(true);
    request.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
    request.set_skip_archival(true);
    request.set_next_page_token(page_token);
    auto response = connection_->Call(&Stub::GetWorkflowExecutionHistory,
                                      "GetWorkflowExecutionHistory", request, kLongPollTimeout);
    if (!response) {
      return std::unexpected(FromRpc(response.error(), "result of " + NameOf(current)));
    }
    if (response->history().events_size() == 0) {
      // The server's long poll ended before the run did: ask again from where it left off.
      page_token = response->next_page_token();
      continue;
    }
    page_token.clear();
    auto ending = EndingOf(response->history().events(0));
    if (!ending) {
      return std::unexpected(ClientError{ClientError::Kind::kOther,
                                         "result of " + NameOf(execution) + ": " + ending.error(),
                                         nullptr});
    }
    // A continue-as-new, a retry or a cron run: the result is the last run's.
    if (!ending->outcome || !ending->next_run_id.empty()) {
      current.run_id = ending->next_run_id;
      continue;
    }
    ending->outcome->run_id = current.run_id;
    return std::move(*ending->outcome);
  }
}

std::expected<ExecutionDescription, ClientError> WorkflowClient::Describe(
    const WorkflowExecution& execution) const {
  const std::string what = "describe " + NameOf(execution);
  workflowservice::DescribeWorkflowExecutionRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  *request.mutable_execution() = ToProto(execution);
  auto response =
      connection_->Call(&Stub::DescribeWorkflowExecution, "DescribeWorkflowExecution", request);
  if (!response) return std::unexpected(FromRpc(response.error(), what));
  ExecutionDescription description{.info = InfoOf(response->workflow_execution_info())};
  for (const auto& activity : response->pending_activities()) {
    description.waiting_on.push_back(
        {{"kind", "activity"},
         {"seq", SequenceOf(activity.activity_id())},
         {"activity_type", activity.activity_type().name()},
         {"attempt", activity.attempt()},
         {"state", enums::PendingActivityState_Name(activity.state())}});
  }
  for (const auto& child : response->pending_children()) {
    description.waiting_on.push_back({{"kind", "child"},
                                      {"seq", child.initiated_id()},
                                      {"workflow_id", child.workflow_id()},
                                      {"workflow_type", child.workflow_type_name()}});
  }

  // The first workflow task holds the start event and the pin; the events after it are not
  // read, so that describing a long run costs what describing a short one does.
  const WorkflowExecution run = description.info.execution;
  std::vector<history::HistoryEvent> first;
  std::string page_token;
  do {
    workflowservice::GetWorkflowExecutionHistoryRequest page;
    page.set_namespace_(connection_->options().namespace_name);
    *page.mutable_execution() = ToProto(run);
    page.set_maximum_page_size(100);
    page.set_next_page_token(page_token);
    auto events =
        connection_->Call(&Stub::GetWorkflowExecutionHistory, "GetWorkflowExecutionHistory", page);
    if (!events) return std::unexpected(FromRpc(events.error(), what));
    for (auto& event : *events->mutable_history()->mutable_events())
      first.push_back(std::move(event));
    page_token = events->next_page_token();
    const auto tasks_started = std::ranges::count_if(first, [](const auto& event) {
      return event.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_STARTED;
    });
    if (tasks_started >= 2) break;
  } while (!page_token.empty());
  if (!first.empty() && first.front().has_workflow_execution_started_event_attributes()) {
    const auto& started = first.front().workflow_execution_started_event_attributes();
    if (auto input = FromPayloads(started.input()); input) description.input = std::move(*input);
    description.continued_from = started.continued_execution_run_id();
  }
  std::vector<const history::HistoryEvent*> events;
  for (const auto& event : first) events.push_back(&event);
  description.definition_pin = FindDefinitionPin(events);

  if (description.info.status != ExecutionStatus::kRunning) {
    workflowservice::GetWorkflowExecutionHistoryRequest close;
    close.set_namespace_(connection_->options().namespace_name);
    *close.mutable_execution() = ToProto(run);
    close.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
    auto closed =
        connection_->Call(&Stub::GetWorkflowExecutionHistory, "GetWorkflowExecutionHistory", close);
    if (!closed) return std::unexpected(FromRpc(closed.error(), what));
    if (closed->history().events_size() > 0) {
      auto ending = EndingOf(closed->history().events(0));
      if (!ending) {
        return std::unexpected(
            ClientError{ClientError::Kind::kOther, what + ": " + ending.error(), nullptr});
      }
      if (ending->outcome) {
        description.outcome = std::move(ending->outcome);
        description.outcome->run_id = run.run_id;
      } else {
        description.continued_to = ending->next_run_id;
      }
    }
  }
  return description;
}

std::expected<std::vector<ExecutionInfo>, ClientError> WorkflowClient::List(
    const std::string& query, std::int64_t limit) const {
  std::vector<ExecutionInfo> runs;
  std::string page_token;
  do {
    workflowservice::ListWorkflowExecutionsRequest request;
    request.set_namespace_(connection_->options().namespace_name);
    request.set_page_size(static_cast<std::int32_t>(std::min<std::int64_t>(limit, 1000)));
    request.set_next_page_token(page_token);
    request.set_query(query);
    auto response =
        connection_->Call(&Stub::ListWorkflowExecutions, "ListWorkflowExecutions", request);
    if (!response) {
      return std::unexpected(
          FromRpc(response.error(), "list workflows" + (query.empty() ? "" : " where " + query)));
    }
    for (const auto& info : response->executions()) {
      if (static_cast<std::int64_t>(runs.size()) >= limit) break;
      runs.push_back(InfoOf(info));
    }
    page_token = response->next_page_token();
  } while (!page_token.empty() && static_cast<std::int64_t>(runs.size()) < limit);
  return runs;
}

namespace {

// Every event of the run's history, page after page.
std::expected<std::vector<history::HistoryEvent>, ClientError> AllEvents(
    Connection& connection, const WorkflowExecution& execution) {
  std::vector<history::HistoryEvent> events;
  std::string page_token;
  do {
    workflowservice::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(connection.options().namespace_name);
    *request.mutable_execution() = ToProto(execution);
    request.set_next_page_token(page_token);
    auto response =
        connection.Call(&Stub::GetWorkflowExecutionHistory, "GetWorkflowExecutionHistory", request);
    if (!response) {
      return std::unexpected(FromRpc(response.error(), "history of " + NameOf(execution)));
    }
    for (auto& event : *response->mutable_history()->mutable_events()) {
      events.push_back(std::move(event));
    }
    page_token = response->next_page_token();
  } while (!page_token.empty());
  return events;
}

}  // namespace

std::expected<nlohmann::json, ClientError> WorkflowClient::Activations(
    const WorkflowExecution& execution) const {
  auto events = AllEvents(*connection_, execution);
  if (!events) return std::unexpected(events.error());
  return HistoryActivations(*events);
}

std::expected<std::string, ClientError> WorkflowClient::HistoryJson(
    const WorkflowExecution& execution) const {
  auto events = AllEvents(*connection_, execution);
  if (!events) return std::unexpected(events.error());
  history::History all;
  for (auto& event : *events) *all.add_events() = std::move(event);

  // Proto3 JSON with camelCase names, int64 as strings and enum names, as the Temporal CLI and
  // UI export it, so that `weft replay` and the SDKs' replayers read either.
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(all, &json, print);
  if (!status.ok()) {
    return std::unexpected(ClientError{
        ClientError::Kind::kOther,
        "history of " + NameOf(execution) + ": " + std::string(status.message()), nullptr});
  }
  return json;
}

}  // namespace weft::temporal
