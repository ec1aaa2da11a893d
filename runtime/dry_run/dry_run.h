// DryRun: one test case (test_case.h) executed on the pure interpreter with no engine at all:
// the driver answers the interpreter's commands itself, resolving each ScheduleActivity from
// the case's mocks (found by the step the activity belongs to, via its step_path), delivering
// the scripted signals, updates and queries when their triggers hold, and keeping a virtual
// clock that jumps straight to the next timer whenever the run waits with nothing else to do.
// So a workflow with a 48-hour timeout is checked in microseconds, and no activity runs.
// Each mock answers one attempt: a failed attempt goes to the step's retry policy, decided by
// run::DecideRetry as on both engines (attempts, backoff coefficient, maximum interval,
// non-retryable types), and the next attempt waits out its backoff on the virtual clock. The
// report says how many attempts each call made and how much virtual time it took. Activity
// timeouts do not expire: a mock answers at once.
//
// The verdict compares what happened with the case's expectations and says precisely what
// differs: which step had no mock, which expectation failed, the expected and the actual value
// (with the JSON path of the first difference).
//
// Pure and deterministic (fixed start time 2026-01-01T00:00:00Z, fixed random seed);
// thread-safe: each call owns its run.
#ifndef WEFT_RUNTIME_DRY_RUN_DRY_RUN_H_
#define WEFT_RUNTIME_DRY_RUN_DRY_RUN_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dsl/definition.h"
#include "runtime/dry_run/test_case.h"

namespace weft::dry_run {

struct CaseFailure {
  // "input", "output", "error", "continue_as_new", "steps", "attempts", "virtual_time", "mock",
  // "event", "stuck", "limit"
  std::string what;
  std::string step;  // the step concerned, when there is one
  std::string message;
  nlohmann::json expected;
  nlohmann::json actual;
  nlohmann::json ToJson() const;
};

// One activity call of the run as the report shows it: how many attempts it made, how it
// ended, and the virtual time from its scheduling to its end (its backoffs).
struct ActivityAttempts {
  std::string step;
  std::string activity;
  std::int32_t attempts = 0;
  std::string outcome;      // "completed", "failed", "cancelled"
  std::string retry_state;  // failed: "NON_RETRYABLE_FAILURE", "MAXIMUM_ATTEMPTS_REACHED", ...
  std::int64_t virtual_time_ms = 0;
  nlohmann::json ToJson() const;
};

struct CaseResult {
  std::string name;
  int line = 0;
  bool passed = false;
  std::string status;                // "completed", "failed", "cancelled", "continued_as_new",
                                     // "waiting" (blocked when the script ran out), "aborted",
                                     // "rejected" (the input did not match the schema)
  nlohmann::json output;             // completed: the result; continued_as_new: the new input
  nlohmann::json error;              // failed: {"type", "message", "cause"?}
  std::vector<std::string> steps;    // the call steps, in the order their activities were scheduled
  std::int64_t virtual_time_ms = 0;  // how far the clock moved
  std::vector<ActivityAttempts> activities;  // each call that ended, in the order it ended
  std::vector<CaseFailure> failures;
  nlohmann::json ToJson() const;
};

CaseResult RunCase(std::shared_ptr<const dsl::Definition> definition, const TestCase& test_case);

}  // namespace weft::dry_run

#endif  // WEFT_RUNTIME_DRY_RUN_DRY_RUN_H_
