// ActivityRetry: what happens after an activity attempt fails, with Temporal's semantics, and
// the Failure the interpreter then sees. Pure: the caller passes the clock in. Both engines'
// own attempts use it: the embedded engine's activities, and the local activities a Temporal
// worker runs inside a workflow task (the server retries the other activities itself).
//
// The policy's defaults are the server's: initial_interval 1 s, backoff_coefficient 2.0,
// maximum_interval 100 x initial_interval, maximum_attempts 0 (unlimited). An attempt is not
// retried when the error is non-retryable (ActivityError::non_retryable, or its type is in
// non_retryable_error_types), when maximum_attempts is reached, when it timed out
// schedule-to-start or schedule-to-close, or when the next attempt would begin after the
// schedule-to-close deadline. ActivityError::next_retry_delay replaces the backoff.
//
// Thread-safe (no state).
#ifndef WEFT_RUNTIME_RUN_ACTIVITY_RETRY_H_
#define WEFT_RUNTIME_RUN_ACTIVITY_RETRY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/activity/activity_error.h"
#include "runtime/interpreter/command.h"
#include "runtime/interpreter/failure.h"

namespace weft::run {

// Which of Temporal's four activity timeouts expired.
enum class TimeoutType { kStartToClose, kScheduleToClose, kScheduleToStart, kHeartbeat };

// "START_TO_CLOSE", ... as Temporal names them in TimeoutFailureInfo.
const char* TimeoutTypeName(TimeoutType type);

// An attempt's failure: what the activity returned, or a timeout the engine observed.
struct AttemptFailure {
  activity::ActivityError error;       // when !timeout
  std::optional<TimeoutType> timeout;  // set: the attempt ran out of time
};

struct RetryDecision {
  bool retry = false;
  std::int64_t next_attempt_at_ms = 0;  // when retry
  // When !retry: the failure to deliver (kActivity wrapping the cause).
  interpreter::Failure failure;
};

// `attempt` is the attempt that just failed (1 for the first); `scheduled_at_ms` is when the
// activity was first scheduled (schedule-to-close counts from there).
RetryDecision DecideRetry(const interpreter::ScheduleActivity& activity, std::int32_t attempt,
                          const AttemptFailure& failure, std::int64_t scheduled_at_ms,
                          std::int64_t now_ms);

// The interpreter's Failure for an activity that ends with `failure` (Temporal's
// ActivityFailureInfo around an ApplicationFailureInfo or a TimeoutFailureInfo). The wrapper
// carries the cause's type, so that `catch: [CardDeclined]` matches.
interpreter::Failure ActivityFailure(const interpreter::ScheduleActivity& activity,
                                     const AttemptFailure& failure, const char* retry_state);

// The failure of an activity cancelled at the workflow's request.
interpreter::Failure ActivityCancelledFailure(const interpreter::ScheduleActivity& activity);

}  // namespace weft::run

#endif  // WEFT_RUNTIME_RUN_ACTIVITY_RETRY_H_
