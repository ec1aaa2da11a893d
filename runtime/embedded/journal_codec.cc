#include "runtime/embedded/journal_codec.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/interpreter/workflow_instance.h"
#include "runtime/run/command_handler.h"
#include "runtime/run/failure_codec.h"

namespace weft::embedded {
namespace {

using ResolutionStatus = interpreter::ActivityResolution::Status;
using nlohmann::json;
using run::FailureFromJson;
using run::FailureToJson;

std::string_view StatusName(ResolutionStatus status) {
  switch (status) {
    case ResolutionStatus::kCompleted:
      return "completed";
    case ResolutionStatus::kFailed:
      return "failed";
    case ResolutionStatus::kCancelled:
      return "cancelled";
  }
  return "completed";
}

ResolutionStatus StatusFromName(std::string_view name) {
  if (name == "failed") return ResolutionStatus::kFailed;
  if (name == "cancelled") return ResolutionStatus::kCancelled;
  return ResolutionStatus::kCompleted;
}

json MillisOrNull(const std::optional<interpreter::Milliseconds>& value) {
  return value ? json(value->count()) : json(nullptr);
}

std::optional<interpreter::Milliseconds> MillisFrom(const json& value) {
  if (!value.is_number_integer()) return std::nullopt;
  return interpreter::Milliseconds(value.get<std::int64_t>());
}

json OptionalString(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

std::optional<std::string> OptionalStringFrom(const json& value) {
  if (!value.is_string()) return std::nullopt;
  return value.get<std::string>();
}

struct JobEncoder {
  json operator()(const interpreter::StartWorkflow& job) const {
    return {{"job", "start_workflow"},
            {"workflow_type", job.workflow_type},
            {"workflow_id", job.workflow_id},
            {"run_id", job.run_id},
            {"task_queue", job.task_queue},
            {"input", job.input},
            {"attempt", job.attempt},
            {"memo", job.memo},
            {"search_attributes", job.search_attributes},
            {"continued_from_run_id", OptionalString(job.continued_from_run_id)},
            // As text: a uint64 does not survive every JSON reader.
            {"random_seed", std::to_string(job.random_seed)},
            {"resume", job.resume}};
  }
  json operator()(const interpreter::ResolveActivity& job) const {
    json out = {{"job", "resolve_activity"},
                {"seq", job.seq},
                {"status", StatusName(job.resolution.status)}};
    if (job.resolution.status == ResolutionStatus::kCompleted) {
      out["result"] = job.resolution.result;
    } else {
      out["failure"] = FailureToJson(job.resolution.failure);
    }
    return out;
  }
  json operator()(const interpreter::FireTimer& job) const {
    return {{"job", "fire_timer"}, {"seq", job.seq}};
  }
  json operator()(const interpreter::SignalWorkflow& job) const {
    return {{"job", "signal"}, {"name", job.name}, {"payload", job.payload}};
  }
  json operator()(const interpreter::DoUpdate& job) const {
    return {{"job", "update"},
            {"id", job.id},
            {"name", job.name},
            {"payload", job.payload},
            {"run_validator", job.run_validator}};
  }
  json operator()(const interpreter::QueryWorkflow& job) const {
    return {{"job", "query"}, {"id", job.id}, {"name", job.name}, {"payload", job.payload}};
  }
  json operator()(const interpreter::CancelWorkflow& job) const {
    return {{"job", "cancel"}, {"reason", job.reason}};
  }
  json operator()(const interpreter::ResolveChildWorkflowStart& job) const {
    json out = {{"job", "resolve_child_start"},
                {"seq", job.seq},
                {"started", job.started},
                {"run_id", job.run_id}};
    if (!job.started) out["failure"] = FailureToJson(job.failure);
    return out;
  }
  json operator()(const interpreter::ResolveChildWorkflow& job) const {
    json out = {{"job", "resolve_child"}, {"seq", job.seq}, {"status", StatusName(job.status)}};
    if (job.status == ResolutionStatus::kCompleted) {
      out["result"] = job.result;
    } else {
      out["failure"] = FailureToJson(job.failure);
    }
    return out;
  }
  json operator()(const interpreter::ResolveSignalExternalWorkflow& job) const {
    json out = {{"job", "resolve_signal_external"}, {"seq", job.seq}};
    if (job.failure) out["failure"] = FailureToJson(*job.failure);
    return out;
  }
  json operator()(const interpreter::MarkerRecorded& job) const {
    return {{"job", "marker"}, {"name", job.name}, {"data", job.data}};
  }
};

json TimeoutsToJson(const interpreter::ActivityTimeouts& timeouts) {
  return {{"start_to_close", MillisOrNull(timeouts.start_to_close)},
          {"schedule_to_close", MillisOrNull(timeouts.schedule_to_close)},
          {"schedule_to_start", MillisOrNull(timeouts.schedule_to_start)},
          {"heartbeat", MillisOrNull(timeouts.heartbeat)}};
}

json RetryToJson(const interpreter::RetryPolicy& retry) {
  return {{"initial_interval", MillisOrNull(retry.initial_interval)},
          {"backoff_coefficient",
           retry.backoff_coefficient ? json(*retry.backoff_coefficient) : json(nullptr)},
          {"maximum_interval", MillisOrNull(retry.maximum_interval)},
          {"maximum_attempts", retry.maximum_attempts},
          {"non_retryable_error_types", retry.non_retryable_error_types}};
}

struct CommandEncoder {
  json operator()(const interpreter::ScheduleActivity& command) const {
    return {{"command", "schedule_activity"},
            {"seq", command.seq},
            {"activity_id", command.activity_id},
            {"activity_type", command.activity_type},
            {"input", command.input},
            {"task_queue", OptionalString(command.task_queue)},
            {"timeouts", TimeoutsToJson(command.timeouts)},
            {"retry", RetryToJson(command.retry)},
            {"step_path", command.step_path},
            {"step_label", command.step_label}};
  }
  json operator()(const interpreter::RequestCancelActivity& command) const {
    return {{"command", "request_cancel_activity"}, {"seq", command.seq}};
  }
  json operator()(const interpreter::StartTimer& command) const {
    return {{"command", "start_timer"},
            {"seq", command.seq},
            {"duration_ms", command.duration.count()},
            {"step_label", command.step_label}};
  }
  json operator()(const interpreter::CancelTimer& command) const {
    return {{"command", "cancel_timer"}, {"seq", command.seq}};
  }
  json operator()(const interpreter::StartChildWorkflow& command) const {
    return {{"command", "start_child_workflow"},
            {"seq", command.seq},
            {"workflow_type", command.workflow_type},
            {"workflow_id", command.workflow_id},
            {"input", command.input},
            {"task_queue", OptionalString(command.task_queue)},
            {"parent_close_policy", ParentClosePolicyName(command.parent_close_policy)},
            {"version", command.version ? json(*command.version) : json(nullptr)},
            {"step_label", command.step_label}};
  }
  json operator()(const interpreter::RequestCancelChildWorkflow& command) const {
    return {{"command", "request_cancel_child_workflow"}, {"seq", command.seq}};
  }
  json operator()(const interpreter::SignalExternalWorkflow& command) const {
    return {{"command", "signal_external_workflow"},
            {"seq", command.seq},
            {"workflow_id", command.workflow_id},
            {"run_id", command.run_id},
            {"signal", command.signal},
            {"payload", command.payload}};
  }
  json operator()(const interpreter::RecordMarker& command) const {
    return {{"command", "record_marker"}, {"name", command.name}, {"data", command.data}};
  }
  json operator()(const interpreter::UpsertSearchAttributes& command) const {
    return {{"command", "upsert_search_attributes"}, {"attributes", command.attributes}};
  }
  json operator()(const interpreter::UpsertMemo& command) const {
    return {{"command", "upsert_memo"}, {"memo", command.memo}};
  }
  json operator()(const interpreter::AcceptUpdate& command) const {
    return {{"command", "accept_update"}, {"id", command.id}};
  }
  json operator()(const interpreter::RejectUpdate& command) const {
    return {{"command", "reject_update"},
            {"id", command.id},
            {"failure", FailureToJson(command.failure)}};
  }
  json operator()(const interpreter::CompleteUpdate& command) const {
    json out = {{"command", "complete_update"}, {"id", command.id}};
    if (command.result) out["result"] = *command.result;
    if (command.failure) out["failure"] = FailureToJson(*command.failure);
    return out;
  }
  json operator()(const interpreter::RespondToQuery& command) const {
    json out = {{"command", "respond_to_query"}, {"id", command.id}};
    if (command.result) out["result"] = *command.result;
    if (command.failure) out["failure"] = FailureToJson(*command.failure);
    return out;
  }
  json operator()(const interpreter::CompleteWorkflow& command) const {
    return {{"command", "complete_workflow"}, {"result", command.result}};
  }
  json operator()(const interpreter::FailWorkflow& command) const {
    return {{"command", "fail_workflow"}, {"failure", FailureToJson(command.failure)}};
  }
  json operator()(const interpreter::CancelWorkflowExecution&) const {
    return {{"command", "cancel_workflow"}};
  }
  json operator()(const interpreter::ContinueAsNew& command) const {
    return {{"command", "continue_as_new"},
            {"input", command.input},
            {"workflow_type", OptionalString(command.workflow_type)},
            {"resume", command.resume}};
  }
};

// An integer field of a journaled row. A damaged row may hold anything there: nlohmann's
// get<> would convert 1e300 or -1.5 to an integer type, which is undefined behaviour for a
// double out of range, and wrap -1 to a huge seq; such a row is malformed instead.
template <class Int>
Int IntegerField(const json& row, const char* key) {
  const json& value = row.at(key);
  if (value.is_number_unsigned() && std::in_range<Int>(value.get<std::uint64_t>())) {
    return static_cast<Int>(value.get<std::uint64_t>());
  }
  if (value.is_number_integer() && !value.is_number_unsigned() &&
      std::in_range<Int>(value.get<std::int64_t>())) {
    return static_cast<Int>(value.get<std::int64_t>());
  }
  throw std::invalid_argument(std::string("\"") + key + "\" is not an integer in range: " +
                              value.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::uint32_t Seq(const json& value) { return IntegerField<std::uint32_t>(value, "seq"); }

interpreter::Job DecodeJob(const json& value) {
  const std::string name = value.at("job").get<std::string>();
  if (name == "start_workflow") {
    interpreter::StartWorkflow job;
    job.workflow_type = value.at("workflow_type").get<std::string>();
    job.workflow_id = value.at("workflow_id").get<std::string>();
    job.run_id = value.at("run_id").get<std::string>();
    job.task_queue = value.value("task_queue", "");
    job.input = value.at("input");
    job.attempt = value.contains("attempt") ? IntegerField<std::int32_t>(value, "attempt") : 1;
    job.memo = value.value("memo", json::object());
    job.search_attributes = value.value("search_attributes", json::object());
    job.continued_from_run_id = OptionalStringFrom(value.value("continued_from_run_id", json()));
    job.random_seed = std::stoull(value.at("random_seed").get<std::string>());
    job.resume = value.value("resume", json());
    return job;
  }
  if (name == "resolve_activity") {
    interpreter::ResolveActivity job{.seq = Seq(value)};
    job.resolution.status = StatusFromName(value.at("status").get<std::string>());
    if (job.resolution.status == ResolutionStatus::kCompleted) {
      job.resolution.result = value.value("result", json());
    } else {
      job.resolution.failure = FailureFromJson(value.at("failure"));
    }
    return job;
  }
  if (name == "fire_timer") return interpreter::FireTimer{.seq = Seq(value)};
  if (name == "signal") {
    return interpreter::SignalWorkflow{.name = value.at("name").get<std::string>(),
                                       .payload = value.value("payload", json())};
  }
  if (name == "update") {
    return interpreter::DoUpdate{.id = value.at("id").get<std::string>(),
                                 .name = value.at("name").get<std::string>(),
                                 .payload = value.value("payload", json()),
                                 .run_validator = value.value("run_validator", true)};
  }
  if (name == "query") {
    return interpreter::QueryWorkflow{.id = value.at("id").get<std::string>(),
                                      .name = value.at("name").get<std::string>(),
                                      .payload = value.value("payload", json())};
  }
  if (name == "cancel") return interpreter::CancelWorkflow{.reason = value.value("reason", "")};
  if (name == "resolve_child_start") {
    interpreter::ResolveChildWorkflowStart job{.seq = Seq(value),
                                               .started = value.at("started").get<bool>(),
                                               .run_id = value.value("run_id", "")};
    if (!job.started) job.failure = FailureFromJson(value.at("failure"));
    return job;
  }
  if (name == "resolve_child") {
    interpreter::ResolveChildWorkflow job{.seq = Seq(value)};
    job.status = StatusFromName(value.at("status").get<std::string>());
    if (job.status == ResolutionStatus::kCompleted) {
      job.result = value.value("result", json());
    } else {
      job.failure = FailureFromJson(value.at("failure"));
    }
    return job;
  }
  if (name == "resolve_signal_external") {
    interpreter::ResolveSignalExternalWorkflow job{.seq = Seq(value)};
    if (value.contains("failure")) job.failure = FailureFromJson(value.at("failure"));
    return job;
  }
  if (name == "marker") {
    return interpreter::MarkerRecorded{.name = value.at("name").get<std::string>(),
                                       .data = value.value("data", json())};
  }
  throw std::invalid_argument("unknown job \"" + name + "\"");
}

}  // namespace

std::string_view ParentClosePolicyName(interpreter::StartChildWorkflow::ParentClosePolicy policy) {
  using Policy = interpreter::StartChildWorkflow::ParentClosePolicy;
  switch (policy) {
    case Policy::kTerminate:
      return "terminate";
    case Policy::kRequestCancel:
      return "request_cancel";
    case Policy::kAbandon:
      return "abandon";
  }
  return "terminate";
}

interpreter::StartChildWorkflow::ParentClosePolicy ParentClosePolicyFromName(
    std::string_view name) {
  using Policy = interpreter::StartChildWorkflow::ParentClosePolicy;
  if (name == "request_cancel") return Policy::kRequestCancel;
  if (name == "abandon") return Policy::kAbandon;
  return Policy::kTerminate;
}

json JobToJson(const interpreter::Job& job) { return std::visit(JobEncoder{}, job); }

std::expected<interpreter::Job, std::string> JobFromJson(const json& value) {
  try {
    return DecodeJob(value);
  } catch (const std::exception& error) {
    return std::unexpected(std::string("malformed journaled job: ") + error.what());
  }
}

json JobsToJson(const std::vector<interpreter::Job>& jobs) {
  json out = json::array();
  for (const auto& job : jobs) out.push_back(JobToJson(job));
  return out;
}

std::expected<std::vector<interpreter::Job>, std::string> JobsFromJson(const json& value) {
  if (!value.is_array()) return std::unexpected("malformed journaled jobs: not an array");
  std::vector<interpreter::Job> jobs;
  jobs.reserve(value.size());
  for (const auto& item : value) {
    auto job = JobFromJson(item);
    if (!job) return std::unexpected(job.error());
    jobs.push_back(std::move(*job));
  }
  return jobs;
}

json CommandToJson(const interpreter::Command& command) {
  return std::visit(CommandEncoder{}, command);
}

std::expected<interpreter::ScheduleActivity, std::string> ScheduleActivityFromJson(
    const json& value) {
  try {
    interpreter::ScheduleActivity command;
    command.seq = Seq(value);
    command.activity_id = value.at("activity_id").get<std::string>();
    command.activity_type = value.at("activity_type").get<std::string>();
    command.input = value.value("input", json());
    command.task_queue = OptionalStringFrom(value.value("task_queue", json()));
    const json& timeouts = value.at("timeouts");
    command.timeouts.start_to_close = MillisFrom(timeouts.value("start_to_close", json()));
    command.timeouts.schedule_to_close = MillisFrom(timeouts.value("schedule_to_close", json()));
    command.timeouts.schedule_to_start = MillisFrom(timeouts.value("schedule_to_start", json()));
    command.timeouts.heartbeat = MillisFrom(timeouts.value("heartbeat", json()));
    const json& retry = value.at("retry");
    command.retry.initial_interval = MillisFrom(retry.value("initial_interval", json()));
    if (retry.contains("backoff_coefficient") && retry["backoff_coefficient"].is_number()) {
      command.retry.backoff_coefficient = retry["backoff_coefficient"].get<double>();
    }
    command.retry.maximum_interval = MillisFrom(retry.value("maximum_interval", json()));
    command.retry.maximum_attempts = retry.contains("maximum_attempts")
                                         ? IntegerField<std::int64_t>(retry, "maximum_attempts")
                                         : 0;
    command.retry.non_retryable_error_types =
        retry.value("non_retryable_error_types", std::vector<std::string>{});
    command.step_path = value.value("step_path", "");
    command.step_label = value.value("step_label", "");  // absent in older journals
    return command;
  } catch (const std::exception& error) {
    return std::unexpected(std::string("malformed journaled activity: ") + error.what());
  }
}

json JournaledCommands(const std::vector<interpreter::Command>& commands) {
  json out = json::array();
  for (const auto& command : commands) {
    if (std::holds_alternative<interpreter::RespondToQuery>(command)) continue;
    const auto* marker = std::get_if<interpreter::RecordMarker>(&command);
    if (marker != nullptr && marker->name == interpreter::kDefinitionMarker &&
        marker->data.is_object()) {
      // The run's row holds the whole pin; the journal keeps its identity, which replay
      // compares like any other command.
      out.push_back({{"command", "record_marker"},
                     {"name", marker->name},
                     {"data",
                      {{"name", marker->data.value("name", "")},
                       {"version", marker->data.value("version", 0)},
                       {"sha256", marker->data.value("sha256", "")}}}});
      continue;
    }
    out.push_back(CommandToJson(command));
  }
  return out;
}

}  // namespace weft::embedded
