#include "runtime/temporal/workflow_client.h"

#include <google/protobuf/util/json_util.h>

#include "runtime/run/failure_codec.h"
#include "runtime/run/random_id.h"
#include "runtime/temporal/connection.h"
#include "runtime/temporal/failure.h"
#include "runtime/temporal/grpc_connection.h"
#include "runtime/temporal/payload.h"
#include "runtime/temporal/proto_time.h"
#include "temporal/api/enums/v1/update.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace weft::temporal {
namespace {

namespace workflowservice = ::temporal::api::workflowservice::v1;
namespace enums = ::temporal::api::enums::v1;
namespace history = ::temporal::api::history::v1;
namespace common = ::temporal::api::common::v1;
using Stub = Connection::WorkflowService::Stub;

ClientError FromRpc(const RpcError& error, std::string_view what) {
  ClientError::Kind kind = ClientError::Kind::kOther;
  switch (error.code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      kind = ClientError::Kind::kUnavailable;
      break;
    case grpc::StatusCode::NOT_FOUND:
      kind = ClientError::Kind::kNotFound;
      break;
    case grpc::StatusCode::ALREADY_EXISTS:
      kind = ClientError::Kind::kAlreadyStarted;
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
      kind = ClientError::Kind::kInvalidArgument;
      break;
    default:
      break;
  }
  std::string message = std::string(what) + ": ";
  if (kind == ClientError::Kind::kUnavailable) {
    message += "the Temporal server does not answer (" + error.ToString() + ")";
  } else {
    message += error.message.empty() ? error.ToString() : error.message;
  }
  return ClientError{kind, std::move(message), nullptr};
}

common::WorkflowExecution ToProto(const WorkflowExecution& execution) {
  common::WorkflowExecution proto;
  proto.set_workflow_id(execution.workflow_id);
  proto.set_run_id(execution.run_id);
  return proto;
}

std::string Describe(const WorkflowExecution& execution) {
  return "workflow " + execution.workflow_id +
         (execution.run_id.empty() ? "" : " (run " + execution.run_id + ")");
}

}  // namespace

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
        FromRpc(response.error(), "signal " + signal + " to " + Describe(execution)));
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
  const std::string what = "query " + query + " of " + Describe(execution);
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
  const std::string what = "update " + update + " of " + Describe(execution);
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
  if (!response) return std::unexpected(FromRpc(response.error(), "cancel " + Describe(execution)));
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
    return std::unexpected(FromRpc(response.error(), "terminate " + Describe(execution)));
  }
  return {};
}

std::expected<WorkflowOutcome, ClientError> WorkflowClient::Result(
    const WorkflowExecution& execution) const {
  WorkflowExecution current = execution;
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
      return std::unexpected(FromRpc(response.error(), "result of " + Describe(current)));
    }
    if (response->history().events_size() == 0) {
      // The server's long poll ended before the run did: ask again from where it left off.
      page_token = response->next_page_token();
      continue;
    }
    page_token.clear();
    const history::HistoryEvent& event = response->history().events(0);
    WorkflowOutcome outcome;
    outcome.run_id = current.run_id;
    auto next_run = [&](const std::string& run_id) {
      current.run_id = run_id;
      return !run_id.empty();
    };
    if (event.has_workflow_execution_completed_event_attributes()) {
      const auto& attributes = event.workflow_execution_completed_event_attributes();
      if (next_run(attributes.new_execution_run_id())) continue;  // a cron run
      auto result = FromPayloads(attributes.result());
      if (!result) {
        return std::unexpected(
            ClientError{ClientError::Kind::kOther,
                        "result of " + Describe(execution) + ": " + result.error(), nullptr});
      }
      outcome.status = WorkflowOutcome::Status::kCompleted;
      outcome.result = std::move(*result);
    } else if (event.has_workflow_execution_failed_event_attributes()) {
      const auto& attributes = event.workflow_execution_failed_event_attributes();
      if (next_run(attributes.new_execution_run_id())) continue;  // retried
      outcome.status = WorkflowOutcome::Status::kFailed;
      outcome.failure = run::FailureToJson(FromTemporalFailure(attributes.failure()));
    } else if (event.has_workflow_execution_timed_out_event_attributes()) {
      if (next_run(event.workflow_execution_timed_out_event_attributes().new_execution_run_id())) {
        continue;
      }
      outcome.status = WorkflowOutcome::Status::kTimedOut;
    } else if (event.has_workflow_execution_continued_as_new_event_attributes()) {
      next_run(event.workflow_execution_continued_as_new_event_attributes().new_execution_run_id());
      continue;
    } else if (event.has_workflow_execution_canceled_event_attributes()) {
      outcome.status = WorkflowOutcome::Status::kCancelled;
      const auto& details = event.workflow_execution_canceled_event_attributes().details();
      if (auto value = FromPayloads(details); value) outcome.failure = *value;
    } else if (event.has_workflow_execution_terminated_event_attributes()) {
      outcome.status = WorkflowOutcome::Status::kTerminated;
      outcome.failure = {
          {"reason", event.workflow_execution_terminated_event_attributes().reason()}};
    } else {
      return std::unexpected(ClientError{ClientError::Kind::kOther,
                                         "result of " + Describe(execution) +
                                             ": unexpected close event " +
                                             enums::EventType_Name(event.event_type()),
                                         nullptr});
    }
    return outcome;
  }
}

std::expected<std::string, ClientError> WorkflowClient::HistoryJson(
    const WorkflowExecution& execution) const {
  history::History all;
  std::string page_token;
  do {
    workflowservice::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(connection_->options().namespace_name);
    *request.mutable_execution() = ToProto(execution);
    request.set_next_page_token(page_token);
    auto response = connection_->Call(&Stub::GetWorkflowExecutionHistory,
                                      "GetWorkflowExecutionHistory", request);
    if (!response) {
      return std::unexpected(FromRpc(response.error(), "history of " + Describe(execution)));
    }
    for (auto& event : *response->mutable_history()->mutable_events()) {
      *all.add_events() = std::move(event);
    }
    page_token = response->next_page_token();
  } while (!page_token.empty());

  // Proto3 JSON with camelCase names, int64 as strings and enum names, as the Temporal CLI and
  // UI export it, so that `weft replay` and the SDKs' replayers read either.
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(all, &json, print);
  if (!status.ok()) {
    return std::unexpected(ClientError{
        ClientError::Kind::kOther,
        "history of " + Describe(execution) + ": " + std::string(status.message()), nullptr});
  }
  return json;
}

}  // namespace weft::temporal
