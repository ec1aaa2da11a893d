#include "runtime/client/temporal_client.h"

#include "runtime/interpreter/failure.h"
#include "runtime/run/failure_codec.h"

namespace weft::client {
namespace {

using nlohmann::json;
using Status = temporal::WorkflowOutcome::Status;

ClientError Converted(const temporal::ClientError& error) {
  using From = temporal::ClientError::Kind;
  ClientError::Kind kind = ClientError::Kind::kOther;
  switch (error.kind) {
    case From::kUnavailable:
      kind = ClientError::Kind::kUnavailable;
      break;
    case From::kNotFound:
      kind = ClientError::Kind::kNotFound;
      break;
    case From::kAlreadyStarted:
      kind = ClientError::Kind::kAlreadyStarted;
      break;
    case From::kInvalidArgument:
      kind = ClientError::Kind::kInvalidArgument;
      break;
    case From::kQueryFailed:
    case From::kUpdateFailed:
      kind = ClientError::Kind::kRejected;
      break;
    case From::kOther:
      break;
  }
  return {kind, error.message, error.failure};
}

temporal::WorkflowExecution Target(const Execution& execution) {
  return {execution.workflow_id, execution.run_id};
}

template <typename T>
std::expected<T, ClientError> Convert(std::expected<T, temporal::ClientError> value) {
  if (!value) return std::unexpected(Converted(value.error()));
  return std::move(*value);
}

std::expected<Sent, ClientError> Accepted(std::expected<void, temporal::ClientError> value) {
  if (!value) return std::unexpected(Converted(value.error()));
  return Sent{};
}

// The server closes a run as cancelled, terminated or timed out without a Failure: write the
// one the embedded engine journals for the same end.
json EndingFailure(const temporal::WorkflowOutcome& outcome) {
  using Kind = interpreter::Failure::Kind;
  switch (outcome.status) {
    case Status::kCompleted:
    case Status::kFailed:
      return outcome.failure;
    case Status::kCancelled:
      return run::FailureToJson({.kind = Kind::kCancelled,
                                 .type = "Cancelled",
                                 .message = "workflow cancelled",
                                 .details = outcome.failure});
    case Status::kTerminated:
      return run::FailureToJson({.kind = Kind::kTerminated,
                                 .type = "Terminated",
                                 .message = outcome.failure.value("reason", "")});
    case Status::kTimedOut:
      return run::FailureToJson(
          {.kind = Kind::kTimeout, .type = "Timeout", .message = "workflow timed out"});
  }
  return outcome.failure;
}

RunStatus StatusOf(Status status) {
  switch (status) {
    case Status::kCompleted:
      return RunStatus::kCompleted;
    case Status::kFailed:
      return RunStatus::kFailed;
    case Status::kCancelled:
      return RunStatus::kCancelled;
    case Status::kTerminated:
      return RunStatus::kTerminated;
    case Status::kTimedOut:
      return RunStatus::kTimedOut;
  }
  return RunStatus::kFailed;
}

}  // namespace

std::expected<std::unique_ptr<TemporalClient>, ClientError> TemporalClient::Connect(
    const temporal::ConnectionOptions& options) {
  auto client = temporal::WorkflowClient::Connect(options);
  if (!client) return std::unexpected(Converted(client.error()));
  return std::unique_ptr<TemporalClient>(new TemporalClient(std::move(*client)));
}

std::expected<Started, ClientError> TemporalClient::Start(const StartRequest& request) {
  auto execution = client_.Start(request.workflow, request.input,
                                 {.workflow_id = request.workflow_id,
                                  .task_queue = request.task_queue,
                                  .summary = request.summary,
                                  .details = request.details});
  if (!execution) return std::unexpected(Converted(execution.error()));
  return Started{.execution = {execution->workflow_id, execution->run_id}};
}

std::expected<Sent, ClientError> TemporalClient::Signal(const Execution& execution,
                                                        const std::string& signal,
                                                        const json& argument) {
  return Accepted(client_.Signal(Target(execution), signal, argument));
}

std::expected<json, ClientError> TemporalClient::Query(const Execution& execution,
                                                       const std::string& query,
                                                       const json& argument) {
  return Convert(client_.Query(Target(execution), query, argument));
}

std::expected<json, ClientError> TemporalClient::Update(const Execution& execution,
                                                        const std::string& update,
                                                        const json& argument) {
  return Convert(client_.Update(Target(execution), update, argument));
}

std::expected<Sent, ClientError> TemporalClient::Cancel(const Execution& execution,
                                                        const std::string& reason) {
  return Accepted(client_.Cancel(Target(execution), reason));
}

std::expected<Sent, ClientError> TemporalClient::Terminate(const Execution& execution,
                                                           const std::string& reason) {
  return Accepted(client_.Terminate(Target(execution), reason));
}

std::expected<Outcome, ClientError> TemporalClient::Result(const Execution& execution) {
  auto outcome = client_.Result(Target(execution));
  if (!outcome) return std::unexpected(Converted(outcome.error()));
  return Outcome{.status = StatusOf(outcome->status),
                 .result = outcome->result,
                 .failure = EndingFailure(*outcome),
                 .execution = {execution.workflow_id, outcome->run_id}};
}

std::expected<RunSummary, ClientError> TemporalClient::Describe(const Execution& execution) {
  return std::unexpected(ClientError{ClientError::Kind::kUnsupported,
                                     "describing " + execution.workflow_id +
                                         " on Temporal is not supported yet; `weft history` "
                                         "prints its history"});
}

std::expected<std::vector<RunSummary>, ClientError> TemporalClient::List(std::int64_t) {
  return std::unexpected(ClientError{ClientError::Kind::kUnsupported,
                                     "listing workflows on Temporal is not supported yet"});
}

}  // namespace weft::client
