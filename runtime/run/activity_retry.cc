#include "runtime/run/activity_retry.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "runtime/interpreter/error_value.h"

namespace weft::run {
namespace {

using interpreter::Failure;

constexpr std::int64_t kDefaultInitialIntervalMs = 1000;
constexpr double kDefaultBackoff = 2.0;

Failure CauseOf(const AttemptFailure& failure) {
  Failure cause;
  if (failure.timeout) {
    cause.kind = Failure::Kind::kTimeout;
    cause.type = "Timeout";
    cause.message = std::string("activity ") + TimeoutTypeName(*failure.timeout) + " timeout";
    cause.info = {{"timeout_type", TimeoutTypeName(*failure.timeout)}};
    return cause;
  }
  const activity::ActivityError& error = failure.error;
  switch (error.category) {
    case activity::ErrorCategory::kApplication:
      cause.kind = Failure::Kind::kApplication;
      break;
    case activity::ErrorCategory::kTimeout:
      cause.kind = Failure::Kind::kTimeout;
      cause.info = {{"timeout_type", "START_TO_CLOSE"}};
      break;
    case activity::ErrorCategory::kCancelled:
      cause.kind = Failure::Kind::kCancelled;
      break;
  }
  cause.type = error.type;
  cause.message = error.message;
  cause.details = error.details;
  cause.non_retryable = error.non_retryable;
  cause.stack_trace = error.stack_trace;
  return cause;
}

bool NeverRetried(const interpreter::ScheduleActivity& activity, const AttemptFailure& failure) {
  if (failure.timeout) {
    return *failure.timeout == TimeoutType::kScheduleToClose ||
           *failure.timeout == TimeoutType::kScheduleToStart;
  }
  if (failure.error.non_retryable) return true;
  const auto& types = activity.retry.non_retryable_error_types;
  return std::find(types.begin(), types.end(), failure.error.type) != types.end();
}

std::int64_t BackoffMs(const interpreter::RetryPolicy& retry, std::int32_t attempt) {
  const std::int64_t initial =
      retry.initial_interval ? retry.initial_interval->count() : kDefaultInitialIntervalMs;
  const double coefficient = retry.backoff_coefficient.value_or(kDefaultBackoff);
  const std::int64_t maximum =
      retry.maximum_interval ? retry.maximum_interval->count() : initial * 100;
  const double delay = static_cast<double>(initial) * std::pow(coefficient, attempt - 1);
  if (!std::isfinite(delay) || delay > static_cast<double>(maximum)) return maximum;
  return static_cast<std::int64_t>(delay);
}

}  // namespace

const char* TimeoutTypeName(TimeoutType type) {
  switch (type) {
    case TimeoutType::kStartToClose:
      return "START_TO_CLOSE";
    case TimeoutType::kScheduleToClose:
      return "SCHEDULE_TO_CLOSE";
    case TimeoutType::kScheduleToStart:
      return "SCHEDULE_TO_START";
    case TimeoutType::kHeartbeat:
      return "HEARTBEAT";
  }
  return "START_TO_CLOSE";
}

namespace {

RetryDecision Decide(const interpreter::ScheduleActivity& activity, std::int32_t attempt,
                     const AttemptFailure& failure, std::int64_t scheduled_at_ms,
                     std::int64_t now_ms) {
  if (NeverRetried(activity, failure)) {
    return {.failure = ActivityFailure(activity, failure, "NON_RETRYABLE_FAILURE")};
  }
  if (activity.retry.maximum_attempts > 0 && attempt >= activity.retry.maximum_attempts) {
    return {.failure = ActivityFailure(activity, failure, "MAXIMUM_ATTEMPTS_REACHED")};
  }
  // An activity may ask for any delay (error({next_retry_delay_ms = math.maxinteger}) in Lua):
  // held to ten years, so that the sum below cannot overflow into "at once".
  constexpr std::int64_t kLongestDelayMs = 10LL * 365 * 24 * 3600 * 1000;
  const std::int64_t delay = !failure.timeout && failure.error.next_retry_delay
                                 ? failure.error.next_retry_delay->count()
                                 : BackoffMs(activity.retry, attempt);
  const std::int64_t next = now_ms + std::clamp<std::int64_t>(delay, 0, kLongestDelayMs);
  if (activity.timeouts.schedule_to_close &&
      next >= scheduled_at_ms + activity.timeouts.schedule_to_close->count()) {
    return {.failure = ActivityFailure(activity, failure, "TIMEOUT")};
  }
  return {.retry = true, .next_attempt_at_ms = next};
}

// The decision, with the final failure saying which attempt failed for good.
RetryDecision WithAttempt(RetryDecision decision, std::int32_t attempt) {
  if (!decision.retry && decision.failure.info.is_object()) {
    decision.failure.info["attempt"] = attempt;
  }
  return decision;
}

}  // namespace

RetryDecision DecideRetry(const interpreter::ScheduleActivity& activity, std::int32_t attempt,
                          const AttemptFailure& failure, std::int64_t scheduled_at_ms,
                          std::int64_t now_ms) {
  return WithAttempt(Decide(activity, attempt, failure, scheduled_at_ms, now_ms), attempt);
}

Failure ActivityFailure(const interpreter::ScheduleActivity& activity,
                        const AttemptFailure& failure, const char* retry_state) {
  return interpreter::ActivityFailure(CauseOf(failure), {{"activity_type", activity.activity_type},
                                                         {"activity_id", activity.activity_id},
                                                         {"retry_state", retry_state}});
}

Failure ActivityCancelledFailure(const interpreter::ScheduleActivity& activity) {
  AttemptFailure cancelled{.error = activity::ActivityError::Cancelled()};
  return ActivityFailure(activity, cancelled, "CANCEL_REQUESTED");
}

}  // namespace weft::run
