#include "runtime/interpreter/error_value.h"

namespace weft::interpreter {

const Failure& RootCause(const Failure& failure) {
  const Failure* current = &failure;
  while ((current->kind == Failure::Kind::kActivity ||
          current->kind == Failure::Kind::kChildWorkflow) &&
         current->cause != nullptr) {
    current = current->cause.get();
  }
  return *current;
}

std::string ErrorType(const Failure& failure) {
  const Failure& cause = RootCause(failure);
  switch (cause.kind) {
    case Failure::Kind::kTimeout:
      return std::string(kTimeoutError);
    case Failure::Kind::kCancelled:
      return std::string(kCancelledError);
    case Failure::Kind::kTerminated:
      return std::string(kTerminatedError);
    default:
      return cause.type.empty() ? "Error" : cause.type;
  }
}

Failure ActivityFailure(Failure cause, nlohmann::json info) {
  Failure failure;
  failure.kind = Failure::Kind::kActivity;
  const std::string activity_type =
      info.is_object() ? info.value("activity_type", std::string("?")) : std::string("?");
  failure.message = "activity " + activity_type + " failed: " + cause.message;
  failure.type = cause.type;
  failure.info = std::move(info);
  failure.cause = std::make_shared<const Failure>(std::move(cause));
  return failure;
}

Failure ChildWorkflowFailure(Failure cause, std::string_view outcome, nlohmann::json info) {
  Failure failure;
  failure.kind = Failure::Kind::kChildWorkflow;
  const std::string workflow_type =
      info.is_object() ? info.value("workflow_type", std::string("?")) : std::string("?");
  failure.message =
      "child workflow " + workflow_type + " " + std::string(outcome) + ": " + cause.message;
  failure.type = cause.type;
  failure.info = std::move(info);
  failure.cause = std::make_shared<const Failure>(std::move(cause));
  return failure;
}

nlohmann::json ErrorObject(const Failure& failure, const std::string& step) {
  const Failure& cause = RootCause(failure);
  return {{"type", ErrorType(failure)},
          {"message", cause.message},
          {"details", cause.details},
          {"retryable", !cause.non_retryable},
          {"step", step}};
}

}  // namespace weft::interpreter
