#include "runtime/temporal/failure.h"

#include <string>

#include "runtime/temporal/payload.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace weft::temporal {
namespace {

namespace enums = ::temporal::api::enums::v1;

// "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED" -> "MAXIMUM_ATTEMPTS_REACHED".
std::string WithoutPrefix(const std::string& name, std::string_view prefix) {
  return name.starts_with(prefix) ? name.substr(prefix.size()) : name;
}

nlohmann::json DetailsToJson(const Payloads& payloads) {
  nlohmann::json details = nlohmann::json::array();
  for (const Payload& payload : payloads.payloads()) {
    auto value = FromPayload(payload);
    details.push_back(value ? *value : nlohmann::json{{"undecoded", value.error()}});
  }
  return details;
}

std::string RetryState(enums::RetryState state) {
  return WithoutPrefix(enums::RetryState_Name(state), "RETRY_STATE_");
}

}  // namespace

nlohmann::json FailureToJson(const Failure& failure) {
  nlohmann::json json = nlohmann::json::object();
  json["message"] = failure.message();
  if (!failure.source().empty()) json["source"] = failure.source();
  if (!failure.stack_trace().empty()) json["stack_trace"] = failure.stack_trace();

  switch (failure.failure_info_case()) {
    case Failure::kApplicationFailureInfo: {
      const auto& info = failure.application_failure_info();
      json["kind"] = "application";
      json["type"] = info.type();
      json["non_retryable"] = info.non_retryable();
      if (info.has_details()) json["details"] = DetailsToJson(info.details());
      if (info.has_next_retry_delay()) {
        json["next_retry_delay_ms"] =
            info.next_retry_delay().seconds() * 1000 + info.next_retry_delay().nanos() / 1'000'000;
      }
      break;
    }
    case Failure::kTimeoutFailureInfo:
      json["kind"] = "timeout";
      json["timeout_type"] = WithoutPrefix(
          enums::TimeoutType_Name(failure.timeout_failure_info().timeout_type()), "TIMEOUT_TYPE_");
      break;
    case Failure::kCanceledFailureInfo:
      json["kind"] = "cancelled";
      if (failure.canceled_failure_info().has_details()) {
        json["details"] = DetailsToJson(failure.canceled_failure_info().details());
      }
      break;
    case Failure::kTerminatedFailureInfo:
      json["kind"] = "terminated";
      break;
    case Failure::kServerFailureInfo:
      json["kind"] = "server";
      json["non_retryable"] = failure.server_failure_info().non_retryable();
      break;
    case Failure::kResetWorkflowFailureInfo:
      json["kind"] = "reset";
      break;
    case Failure::kActivityFailureInfo: {
      const auto& info = failure.activity_failure_info();
      json["kind"] = "activity";
      json["activity_type"] = info.activity_type().name();
      json["activity_id"] = info.activity_id();
      json["retry_state"] = RetryState(info.retry_state());
      break;
    }
    case Failure::kChildWorkflowExecutionFailureInfo: {
      const auto& info = failure.child_workflow_execution_failure_info();
      json["kind"] = "child_workflow";
      json["workflow_type"] = info.workflow_type().name();
      json["workflow_id"] = info.workflow_execution().workflow_id();
      json["run_id"] = info.workflow_execution().run_id();
      json["retry_state"] = RetryState(info.retry_state());
      break;
    }
    default:
      json["kind"] = "other";
  }
  if (failure.has_cause()) json["cause"] = FailureToJson(failure.cause());
  return json;
}

}  // namespace weft::temporal
