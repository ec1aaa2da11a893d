// Temporal's retry semantics, row by row: defaults, backoff, cap, attempts, non-retryable
// errors, next_retry_delay, and the timeouts that are never retried.
#include "runtime/run/activity_retry.h"

#include <catch2/catch.hpp>
#include <limits>

namespace {

using namespace weft::run;
namespace ij = weft::interpreter;
using weft::activity::ActivityError;
using ms = std::chrono::milliseconds;

ij::ScheduleActivity Activity(ij::RetryPolicy retry = {}, ij::ActivityTimeouts timeouts = {}) {
  return {.seq = 1,
          .activity_id = "1",
          .activity_type = "payments.charge",
          .timeouts = timeouts,
          .retry = std::move(retry)};
}

AttemptFailure Error(std::string type = "Boom") {
  return {.error = ActivityError::Retryable(std::move(type), "it broke")};
}

TEST_CASE("the server's defaults: 1s, doubling, capped at 100x, unlimited attempts") {
  auto activity = Activity();
  CHECK(DecideRetry(activity, 1, Error(), 0, 0).next_attempt_at_ms == 1000);
  CHECK(DecideRetry(activity, 2, Error(), 0, 0).next_attempt_at_ms == 2000);
  CHECK(DecideRetry(activity, 3, Error(), 0, 0).next_attempt_at_ms == 4000);
  CHECK(DecideRetry(activity, 40, Error(), 0, 0).next_attempt_at_ms == 100000);
  CHECK(DecideRetry(activity, 1000, Error(), 0, 0).retry);
}

TEST_CASE("maximum_attempts ends the retries with the last failure as the cause") {
  auto activity = Activity({.maximum_attempts = 3});
  CHECK(DecideRetry(activity, 2, Error(), 0, 0).retry);
  RetryDecision last = DecideRetry(activity, 3, Error("Boom"), 0, 0);
  REQUIRE_FALSE(last.retry);
  CHECK(last.failure.kind == ij::Failure::Kind::kActivity);
  CHECK(last.failure.type == "Boom");
  REQUIRE(last.failure.cause);
  CHECK(last.failure.cause->kind == ij::Failure::Kind::kApplication);
  CHECK(last.failure.cause->message == "it broke");
  CHECK(last.failure.info["retry_state"] == "MAXIMUM_ATTEMPTS_REACHED");
  CHECK(last.failure.info["activity_type"] == "payments.charge");
  CHECK(last.failure.info["attempt"] == 3);  // which attempt failed for good
}

TEST_CASE("non-retryable by flag or by type") {
  auto activity = Activity({.non_retryable_error_types = {"CardDeclined"}});
  CHECK_FALSE(DecideRetry(activity, 1, Error("CardDeclined"), 0, 0).retry);
  AttemptFailure flagged{.error = ActivityError::NonRetryable("Other", "no")};
  RetryDecision decision = DecideRetry(activity, 1, flagged, 0, 0);
  CHECK_FALSE(decision.retry);
  CHECK(decision.failure.cause->non_retryable);
  CHECK(DecideRetry(activity, 1, Error("Other"), 0, 0).retry);
}

TEST_CASE("next_retry_delay replaces the backoff") {
  AttemptFailure failure = Error();
  failure.error.next_retry_delay = ms(7);
  CHECK(DecideRetry(Activity(), 5, failure, 0, 100).next_attempt_at_ms == 107);
}

TEST_CASE("a next_retry_delay too long to add is held to ten years, never to at once") {
  AttemptFailure failure = Error();
  failure.error.next_retry_delay = ms(std::numeric_limits<std::int64_t>::max());
  const auto decision = DecideRetry(Activity(), 1, failure, 0, 1'000'000);
  CHECK(decision.retry);
  CHECK(decision.next_attempt_at_ms == 1'000'000 + 10LL * 365 * 24 * 3600 * 1000);
  failure.error.next_retry_delay = ms(-5);
  CHECK(DecideRetry(Activity(), 1, failure, 0, 100).next_attempt_at_ms == 100);
}

TEST_CASE("custom interval, coefficient and maximum") {
  auto activity = Activity(
      {.initial_interval = ms(10), .backoff_coefficient = 3.0, .maximum_interval = ms(50)});
  CHECK(DecideRetry(activity, 1, Error(), 0, 0).next_attempt_at_ms == 10);
  CHECK(DecideRetry(activity, 2, Error(), 0, 0).next_attempt_at_ms == 30);
  CHECK(DecideRetry(activity, 3, Error(), 0, 0).next_attempt_at_ms == 50);
}

TEST_CASE("timeouts: start-to-close and heartbeat retry, schedule-to-* do not") {
  auto activity = Activity({.maximum_attempts = 2});
  AttemptFailure start_to_close{.timeout = TimeoutType::kStartToClose};
  CHECK(DecideRetry(activity, 1, start_to_close, 0, 0).retry);
  RetryDecision last = DecideRetry(activity, 2, {.timeout = TimeoutType::kHeartbeat}, 0, 0);
  REQUIRE_FALSE(last.retry);
  CHECK(last.failure.cause->kind == ij::Failure::Kind::kTimeout);
  CHECK(last.failure.cause->info["timeout_type"] == "HEARTBEAT");
  CHECK_FALSE(DecideRetry(activity, 1, {.timeout = TimeoutType::kScheduleToClose}, 0, 0).retry);
  CHECK_FALSE(DecideRetry(activity, 1, {.timeout = TimeoutType::kScheduleToStart}, 0, 0).retry);
}

TEST_CASE("no retry that would begin after the schedule-to-close deadline") {
  auto activity = Activity({}, {.schedule_to_close = ms(1500)});
  CHECK(DecideRetry(activity, 1, Error(), 0, 0).retry);          // at 1000
  RetryDecision late = DecideRetry(activity, 2, Error(), 0, 0);  // at 2000
  REQUIRE_FALSE(late.retry);
  CHECK(late.failure.info["retry_state"] == "TIMEOUT");
}

}  // namespace
