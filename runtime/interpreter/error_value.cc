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

nlohmann::json ErrorObject(const Failure& failure, const std::string& step) {
  const Failure& cause = RootCause(failure);
  return {{"type", ErrorType(failure)},
          {"message", cause.message},
          {"details", cause.details},
          {"retryable", !cause.non_retryable},
          {"step", step}};
}

}  // namespace weft::interpreter
