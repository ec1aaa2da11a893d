// How a Failure looks to a definition: the error type `catch` and non_retryable_error_types
// match, and the object a catch clause binds ({type, message, details, retryable, step}).
//
// A failure that wraps another (an activity's or a child's) is matched by what it wraps: an
// activity that raised CardDeclined is caught by `errors: [CardDeclined]`, and one that ran out
// of time by `errors: [Timeout]`. Pure functions.
#ifndef WEFT_RUNTIME_INTERPRETER_ERROR_VALUE_H_
#define WEFT_RUNTIME_INTERPRETER_ERROR_VALUE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runtime/interpreter/failure.h"

namespace weft::interpreter {

// The error types the interpreter itself raises.
inline constexpr std::string_view kTimeoutError = "Timeout";
inline constexpr std::string_view kCancelledError = "Cancelled";
inline constexpr std::string_view kTerminatedError = "Terminated";
inline constexpr std::string_view kExpressionError = "ExpressionError";
inline constexpr std::string_view kMaxIterationsError = "MaxIterationsExceeded";

// The innermost failure: what the error is, under the activity or child that carried it.
const Failure& RootCause(const Failure& failure);

// The type `catch` matches: the root cause's type, or Timeout, Cancelled, Terminated for those
// kinds; "Error" when an application failure has no type.
std::string ErrorType(const Failure& failure);

// An activity's failure as both engines hand it to a run: kActivity wrapping what the activity
// (or its timeout) raised, typed by it, saying which activity failed and why. `info` holds
// activity_type, activity_id and, where known, retry_state.
Failure ActivityFailure(Failure cause, nlohmann::json info);

// A child workflow's end, other than completion, as both engines hand it to its parent:
// kChildWorkflow wrapping what ended the child (its failure, or a cancellation, termination or
// timeout), typed by it, as the SDKs' ChildWorkflowExecutionError wraps its cause. `outcome`
// is "failed", "cancelled", "terminated" or "timed out"; `info` holds workflow_type,
// workflow_id, run_id and, where known, retry_state.
Failure ChildWorkflowFailure(Failure cause, std::string_view outcome, nlohmann::json info);

// {type, message, details, retryable, step}, as a catch clause's `error` sees it.
nlohmann::json ErrorObject(const Failure& failure, const std::string& step);

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_ERROR_VALUE_H_
