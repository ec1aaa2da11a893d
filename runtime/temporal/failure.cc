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

namespace weft::temporal {
namespace {

using Kind = interpreter::Failure::Kind;

nlohmann::json DetailsValue(const Payloads& payloads) {
  nlohmann::json details = DetailsToJson(payloads);
  // The SDKs write one payload per detail; weft's details are one value.
  return details.size() == 1 ? details[0] : details;
}

enums::TimeoutType TimeoutTypeFromName(const std::string& name) {
  enums::TimeoutType type = enums::TIMEOUT_TYPE_UNSPECIFIED;
  enums::TimeoutType_Parse("TIMEOUT_TYPE_" + name, &type);
  return type;
}

}  // namespace

Failure ToTemporalFailure(const interpreter::Failure& failure) {
  Failure proto;
  proto.set_message(failure.message);
  proto.set_source("weft");
  proto.set_stack_trace(failure.stack_trace);
  switch (failure.kind) {
    case Kind::kApplication:
    case Kind::kNonDeterminism: {
      auto* info = proto.mutable_application_failure_info();
      info->set_type(failure.type);
      info->set_non_retryable(failure.non_retryable);
      if (!failure.details.is_null()) *info->mutable_details() = ToPayloads(failure.details);
      break;
    }
    case Kind::kTimeout:
      proto.mutable_timeout_failure_info()->set_timeout_type(
          TimeoutTypeFromName(failure.info.value("timeout_type", "")));
      break;
    case Kind::kCancelled:
      proto.mutable_canceled_failure_info();
      if (!failure.details.is_null()) {
        *proto.mutable_canceled_failure_info()->mutable_details() = ToPayloads(failure.details);
      }
      break;
    case Kind::kTerminated:
      proto.mutable_terminated_failure_info();
      break;
    case Kind::kActivity: {
      auto* info = proto.mutable_activity_failure_info();
      info->mutable_activity_type()->set_name(failure.info.value("activity_type", ""));
      info->set_activity_id(failure.info.value("activity_id", ""));
      break;
    }
    case Kind::kChildWorkflow: {
      auto* info = proto.mutable_child_workflow_execution_failure_info();
      info->mutable_workflow_type()->set_name(failure.info.value("workflow_type", ""));
      info->mutable_workflow_execution()->set_workflow_id(failure.info.value("workflow_id", ""));
      info->mutable_workflow_execution()->set_run_id(failure.info.value("run_id", ""));
      break;
    }
  }
  if (failure.cause) *proto.mutable_cause() = ToTemporalFailure(*failure.cause);
  return proto;
}

interpreter::Failure FromTemporalFailure(const Failure& proto) {
  interpreter::Failure failure;
  failure.message = proto.message();
  failure.stack_trace = proto.stack_trace();
  switch (proto.failure_info_case()) {
    case Failure::kApplicationFailureInfo: {
      const auto& info = proto.application_failure_info();
      failure.kind = Kind::kApplication;
      failure.type = info.type();
      failure.non_retryable = info.non_retryable();
      if (info.has_details()) failure.details = DetailsValue(info.details());
      break;
    }
    case Failure::kTimeoutFailureInfo:
      failure.kind = Kind::kTimeout;
      failure.type = "Timeout";
      failure.info = {
          {"timeout_type",
           WithoutPrefix(enums::TimeoutType_Name(proto.timeout_failure_info().timeout_type()),
                         "TIMEOUT_TYPE_")}};
      break;
    case Failure::kCanceledFailureInfo:
      failure.kind = Kind::kCancelled;
      failure.type = "Cancelled";
      if (proto.canceled_failure_info().has_details()) {
        failure.details = DetailsValue(proto.canceled_failure_info().details());
      }
      break;
    case Failure::kTerminatedFailureInfo:
      failure.kind = Kind::kTerminated;
      failure.type = "Terminated";
      break;
    case Failure::kActivityFailureInfo: {
      const auto& info = proto.activity_failure_info();
      failure.kind = Kind::kActivity;
      failure.info = {{"activity_type", info.activity_type().name()},
                      {"activity_id", info.activity_id()}};
      break;
    }
    case Failure::kChildWorkflowExecutionFailureInfo: {
      const auto& info = proto.child_workflow_execution_failure_info();
      failure.kind = Kind::kChildWorkflow;
      failure.info = {{"workflow_type", info.workflow_type().name()},
                      {"workflow_id", info.workflow_execution().workflow_id()},
                      {"run_id", info.workflow_execution().run_id()}};
      break;
    }
    default:
      // Server and reset failures, Nexus: an application failure by another name.
      failure.kind = Kind::kApplication;
      failure.type = "ServerError";
  }
  if (proto.has_cause()) {
    failure.cause = std::make_shared<interpreter::Failure>(FromTemporalFailure(proto.cause()));
    // A wrapper carries the type of what it wraps, so that `catch: [CardDeclined]` matches an
    // activity that raised CardDeclined.
    if (failure.type.empty()) failure.type = failure.cause->type;
  }
  return failure;
}

}  // namespace weft::temporal
