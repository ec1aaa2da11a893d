// Failure: an error as the interpreter sees it and as `catch` exposes it to a definition. It is
// the engine-neutral shape of Temporal's Failure proto (docs/internals/temporal-protocol.md,
// failures): the embedded engine builds it from an ActivityError, the Temporal engine from the
// Failure in a history event, and both turn the interpreter's own failures back into their form.
//
// Plain value; copyable; safe to share between threads.
#ifndef WEFT_RUNTIME_INTERPRETER_FAILURE_H_
#define WEFT_RUNTIME_INTERPRETER_FAILURE_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace weft::interpreter {

struct Failure {
  // What failed, which decides how an SDK client shows it.
  enum class Kind {
    kApplication,     // an activity, a child or the workflow raised it (`fail` step, Lua error)
    kTimeout,         // an activity, a child or an `await` ran out of time
    kCancelled,       // cancellation reached it
    kTerminated,      // a child was terminated
    kActivity,        // wraps `cause`: which activity failed (Temporal's ActivityFailureInfo)
    kChildWorkflow,   // wraps `cause`: which child failed
    kNonDeterminism,  // replay diverged from history: never caught by `catch`
  };
  Kind kind = Kind::kApplication;
  std::string type;  // matched by `catch` and non_retryable_error_types; e.g. "CardDeclined"
  std::string message;
  nlohmann::json details;  // null when none
  bool non_retryable = false;
  std::string stack_trace;
  // The failure this one wraps; for kActivity and kChildWorkflow always set.
  std::shared_ptr<const Failure> cause;
  // kActivity: {"activity_type", "activity_id"}; kChildWorkflow: {"workflow_type",
  // "workflow_id", "run_id"}; kTimeout: {"timeout_type": "START_TO_CLOSE" | ...}.
  nlohmann::json info;
  // Who raised it, as Temporal's Failure.source says ("GoSDK", "weft"); nullopt when the
  // failure was raised here. Kept as it came, so that a cause keeps its origin, even when that
  // origin wrote none (the Python SDK leaves it empty).
  std::optional<std::string> source;
  // Set on a run's own failure (FailWorkflow) only, by the interpreter that knows the run: the
  // step that raised it as a person reads it ("charge_payment", "resize[3]"), and the
  // compensations that ran before the run failed, in the order they ran ("compensate
  // charge_payment"). A person or an agent reading a failed run learns where it failed and
  // what was undone without reading its history.
  std::string step;
  std::vector<std::string> compensations;
};

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_FAILURE_H_
