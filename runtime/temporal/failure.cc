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

using Kind = interpreter::Failure::Kind;

nlohmann::json DetailsValue(const Payloads& payloads) {
  nlohmann::json details = DetailsToJson(payloads);
  // The SDKs write one payload per detail; weft's details are one value.
  return details.size() == 1 ? details[0] : details;
}

// What the server recorded, where it recorded anything: zero ids, an empty identity and an
// unspecified retry state are left out.
void Recorded(nlohmann::json& info, std::int64_t scheduled_event_id, std::int64_t started_event_id,
              const std::string& identity, enums::RetryState retry_state) {
  if (scheduled_event_id != 0) info["scheduled_event_id"] = scheduled_event_id;
  if (started_event_id != 0) info["started_event_id"] = started_event_id;
  if (!identity.empty()) info["identity"] = identity;
  if (retry_state != enums::RETRY_STATE_UNSPECIFIED) {
    info["retry_state"] = WithoutPrefix(enums::RetryState_Name(retry_state), "RETRY_STATE_");
  }
}

enums::RetryState RetryStateFromName(const std::string& name) {
  enums::RetryState state = enums::RETRY_STATE_UNSPECIFIED;
  enums::RetryState_Parse("RETRY_STATE_" + name, &state);
  return state;
}

enums::TimeoutType TimeoutTypeFromName(const std::string& name) {
  enums::TimeoutType type = enums::TIMEOUT_TYPE_UNSPECIFIED;
  enums::TimeoutType_Parse("TIMEOUT_TYPE_" + name, &type);
  return type;
}

// What the proto has no field for: a run failure's step and compensations, an activity
// failure's final attempt (ActivityFailureInfo has none). Empty when there is nothing.
nlohmann::json WeftOnly(const interpreter::Failure& failure) {
  nlohmann::json weft = nlohmann::json::object();
  if (!failure.step.empty()) weft["step"] = failure.step;
  if (!failure.compensations.empty()) weft["compensations"] = failure.compensations;
  if (failure.info.is_object()) {
    if (auto attempt = failure.info.find("attempt"); attempt != failure.info.end()) {
      weft["attempt"] = *attempt;
    }
  }
  return weft;
}

// encoded_attributes is the proto's one place for attributes beyond its fields. The SDKs read
// `message` and `stack_trace` from it when it is there (the Go SDK overwrites both, even with
// nothing), so they go in as well, unchanged, and a Python or Go client sees the failure it
// would see without it; the rest is under "weft", which they ignore.
void EncodeWeftOnly(const interpreter::Failure& failure, Failure& proto) {
  nlohmann::json weft = WeftOnly(failure);
  if (weft.empty()) return;
  *proto.mutable_encoded_attributes() = ToPayload(
      {{"message", failure.message}, {"stack_trace", failure.stack_trace}, {"weft", weft}});
}

// The reverse, read after the failure info (an activity's `info` is built from it first). An
// attribute payload that does not decode, or that another SDK wrote without "weft", leaves the
// failure as the proto's fields say, except for the message and stack trace that SDKs encode.
void DecodeWeftOnly(const Failure& proto, interpreter::Failure& failure) {
  if (!proto.has_encoded_attributes()) return;
  auto attributes = FromPayload(proto.encoded_attributes());
  if (!attributes || !attributes->is_object()) return;
  if (auto message = attributes->find("message");
      message != attributes->end() && message->is_string()) {
    failure.message = *message;
  }
  if (auto trace = attributes->find("stack_trace");
      trace != attributes->end() && trace->is_string()) {
    failure.stack_trace = *trace;
  }
  auto weft = attributes->find("weft");
  if (weft == attributes->end() || !weft->is_object()) return;
  if (auto step = weft->find("step"); step != weft->end() && step->is_string()) {
    failure.step = *step;
  }
  if (auto compensations = weft->find("compensations");
      compensations != weft->end() && compensations->is_array()) {
    for (const nlohmann::json& name : *compensations) {
      if (name.is_string()) failure.compensations.push_back(name);
    }
  }
  if (auto attempt = weft->find("attempt");
      attempt != weft->end() && attempt->is_number_integer()) {
    if (!failure.info.is_object()) failure.info = nlohmann::json::object();
    failure.info["attempt"] = *attempt;
  }
}

}  // namespace

std::string RetryStateName(enums::RetryState state) {
  return WithoutPrefix(enums::RetryState_Name(state), "RETRY_STATE_");
}

Failure ToTemporalFailure(const interpreter::Failure& failure) {
  Failure proto;
  proto.set_message(failure.message);
  // A failure raised elsewhere (a Go or Python activity's) keeps its source on the way through,
  // empty or not.
  proto.set_source(failure.source.value_or("weft"));
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
      info->set_scheduled_event_id(failure.info.value("scheduled_event_id", std::int64_t{0}));
      info->set_started_event_id(failure.info.value("started_event_id", std::int64_t{0}));
      info->set_identity(failure.info.value("identity", ""));
      info->set_retry_state(RetryStateFromName(failure.info.value("retry_state", "")));
      break;
    }
    case Kind::kChildWorkflow: {
      auto* info = proto.mutable_child_workflow_execution_failure_info();
      info->mutable_workflow_type()->set_name(failure.info.value("workflow_type", ""));
      info->mutable_workflow_execution()->set_workflow_id(failure.info.value("workflow_id", ""));
      info->mutable_workflow_execution()->set_run_id(failure.info.value("run_id", ""));
      info->set_initiated_event_id(failure.info.value("initiated_event_id", std::int64_t{0}));
      info->set_started_event_id(failure.info.value("started_event_id", std::int64_t{0}));
      info->set_retry_state(RetryStateFromName(failure.info.value("retry_state", "")));
      break;
    }
  }
  EncodeWeftOnly(failure, proto);
  if (failure.cause) *proto.mutable_cause() = ToTemporalFailure(*failure.cause);
  return proto;
}

interpreter::Failure FromTemporalFailure(const Failure& proto) {
  interpreter::Failure failure;
  failure.message = proto.message();
  failure.source = proto.source();
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
      Recorded(failure.info, info.scheduled_event_id(), info.started_event_id(), info.identity(),
               info.retry_state());
      break;
    }
    case Failure::kChildWorkflowExecutionFailureInfo: {
      const auto& info = proto.child_workflow_execution_failure_info();
      failure.kind = Kind::kChildWorkflow;
      failure.info = {{"workflow_type", info.workflow_type().name()},
                      {"workflow_id", info.workflow_execution().workflow_id()},
                      {"run_id", info.workflow_execution().run_id()}};
      if (info.initiated_event_id() != 0)
        failure.info["initiated_event_id"] = info.initiated_event_id();
      Recorded(failure.info, 0, info.started_event_id(), "", info.retry_state());
      break;
    }
    default:
      // Server and reset failures, Nexus: an application failure by another name.
      failure.kind = Kind::kApplication;
      failure.type = "ServerError";
  }
  DecodeWeftOnly(proto, failure);
  if (proto.has_cause()) {
    failure.cause = std::make_shared<interpreter::Failure>(FromTemporalFailure(proto.cause()));
    // A wrapper carries the type of what it wraps, so that `catch: [CardDeclined]` matches an
    // activity that raised CardDeclined.
    if (failure.type.empty()) failure.type = failure.cause->type;
  }
  return failure;
}

}  // namespace weft::temporal
