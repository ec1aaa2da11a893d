#include "runtime/client/temporal_client.h"

#include <optional>

#include "dsl/definition_catalog.h"
#include "runtime/interpreter/failure.h"
#include "runtime/interpreter/workflow_instance.h"
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

RunStatus StatusOf(temporal::ExecutionStatus status) {
  using From = temporal::ExecutionStatus;
  switch (status) {
    case From::kRunning:
      return RunStatus::kRunning;
    case From::kCompleted:
      return RunStatus::kCompleted;
    case From::kFailed:
      return RunStatus::kFailed;
    case From::kCancelled:
      return RunStatus::kCancelled;
    case From::kTerminated:
      return RunStatus::kTerminated;
    case From::kContinuedAsNew:
      return RunStatus::kContinuedAsNew;
    case From::kTimedOut:
      return RunStatus::kTimedOut;
  }
  return RunStatus::kRunning;
}

// The keys of the embedded engine's run record that visibility knows, and Temporal's own.
RunSummary Summary(const temporal::ExecutionInfo& info) {
  const RunStatus status = StatusOf(info.status);
  json details = {{"run_id", info.execution.run_id}, {"workflow_id", info.execution.workflow_id},
                  {"name", info.workflow_type},      {"status", RunStatusName(status)},
                  {"created_ms", info.start_ms},     {"closed_ms", info.close_ms},
                  {"task_queue", info.task_queue},   {"history_length", info.history_length}};
  if (!info.parent.run_id.empty()) details["parent_run_id"] = info.parent.run_id;
  if (!info.search_attributes.empty()) details["search_attributes"] = info.search_attributes;
  if (!info.memo.empty()) details["memo"] = info.memo;
  return {.execution = {info.execution.workflow_id, info.execution.run_id},
          .workflow = info.workflow_type,
          .status = status,
          .created_ms = info.start_ms,
          .closed_ms = info.close_ms,
          .details = std::move(details)};
}

}  // namespace

std::expected<std::unique_ptr<TemporalClient>, ClientError> TemporalClient::Connect(
    const temporal::ConnectionOptions& options) {
  auto client = temporal::WorkflowClient::Connect(options);
  if (!client) return std::unexpected(Converted(client.error()));
  return std::unique_ptr<TemporalClient>(new TemporalClient(std::move(*client)));
}

std::expected<Started, ClientError> TemporalClient::Start(const StartRequest& request) {
  std::string summary = request.summary, details = request.details;
  if (std::error_code missing; (summary.empty() || details.empty()) && !request.workflows.empty() &&
                               std::filesystem::is_directory(request.workflows, missing)) {
    dsl::DefinitionCatalog catalog(request.workflows);
    catalog.Rescan();
    if (auto definition = catalog.Find(request.workflow)) {
      if (summary.empty()) summary = interpreter::RunSummary(*definition);
      if (details.empty()) details = interpreter::RunDetails(*definition);
    }
  }
  auto execution = client_.Start(request.workflow, request.input,
                                 {.workflow_id = request.workflow_id,
                                  .task_queue = request.task_queue,
                                  .summary = summary,
                                  .details = details});
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
  auto description = client_.Describe(Target(execution));
  if (!description) return std::unexpected(Converted(description.error()));
  RunSummary summary = Summary(description->info);
  json& details = summary.details;
  details["input"] = description->input;
  // A weft run names its definition in its pin: the name, version and hash it runs.
  if (const auto& pin = description->definition_pin; pin && pin->contains("sha256")) {
    details["name"] = pin->value("name", description->info.workflow_type);
    details["version"] = pin->value("version", 0);
    details["sha256"] = pin->value("sha256", "");
  }
  if (const auto& outcome = description->outcome) {
    if (outcome->status == Status::kCompleted) {
      details["result"] = outcome->result;
    } else {
      details["failure"] = EndingFailure(*outcome);
    }
  }
  if (!description->continued_from.empty()) details["continued_from"] = description->continued_from;
  if (!description->continued_to.empty()) details["continued_to"] = description->continued_to;
  details["waiting_on"] = description->waiting_on;
  return summary;
}

std::expected<std::vector<RunSummary>, ClientError> TemporalClient::List(const ListFilter& filter) {
  std::optional<temporal::ExecutionStatus> status;
  if (filter.status) {
    using To = temporal::ExecutionStatus;
    switch (*filter.status) {
      case RunStatus::kPending:
        return std::vector<RunSummary>{};  // a Temporal run starts running at once
      case RunStatus::kRunning:
        status = To::kRunning;
        break;
      case RunStatus::kCompleted:
        status = To::kCompleted;
        break;
      case RunStatus::kFailed:
        status = To::kFailed;
        break;
      case RunStatus::kCancelled:
        status = To::kCancelled;
        break;
      case RunStatus::kTerminated:
        status = To::kTerminated;
        break;
      case RunStatus::kTimedOut:
        status = To::kTimedOut;
        break;
      case RunStatus::kContinuedAsNew:
        status = To::kContinuedAsNew;
        break;
    }
  }
  auto runs = client_.List(temporal::VisibilityQuery(filter.workflow, status), filter.limit);
  if (!runs) return std::unexpected(Converted(runs.error()));
  std::vector<RunSummary> summaries;
  for (const auto& info : *runs) summaries.push_back(Summary(info));
  return summaries;
}

std::expected<nlohmann::json, ClientError> TemporalClient::Activations(const Execution& execution) {
  auto activations = client_.Activations(Target(execution));
  if (!activations) return std::unexpected(Converted(activations.error()));
  return std::move(*activations);
}

}  // namespace weft::client
