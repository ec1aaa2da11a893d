// RunCase as a specification of retries: each mock answers one attempt, and the step's retry
// policy decides on virtual time, as the engines decide (run::DecideRetry): maximum attempts,
// backoff coefficient, maximum interval, non-retryable types and errors; a policy that would
// retry forever stops the case with the fix; a case asserts attempts and virtual time.
#include "runtime/dry_run/dry_run.h"

#include <catch2/catch.hpp>
#include <string>

#include "dsl/loader.h"
#include "runtime/dry_run/test_case.h"

namespace {

using nlohmann::json;
using weft::dry_run::CaseResult;

// One `charge` step with the given retry policy (YAML flow mapping, or "" for none).
std::shared_ptr<const weft::dsl::Definition> Charge(const std::string& retry) {
  std::string yaml = R"(dsl: 1
name: charge
steps:
  - id: charge
    call: payments.charge
    timeouts: {start_to_close: 10s}
)";
  if (!retry.empty()) yaml += "    retry: " + retry + "\n";
  yaml += "    result: charge\noutput: ${ vars.charge }\n";
  auto loaded = weft::dsl::LoadDefinition(yaml, {.file = "charge.yaml"});
  REQUIRE(loaded);
  return *loaded;
}

// The case's mocks and expectations, as a test file writes them.
CaseResult Run(const std::string& retry, const std::string& the_case) {
  auto file = weft::dry_run::ParseTestFile("workflow: charge\ncases:\n" + the_case, "t.test.yaml");
  if (!file) {
    for (const auto& diagnostic : file.error()) FAIL_CHECK(diagnostic.message);
  }
  REQUIRE(file);
  REQUIRE(file->cases.size() == 1);
  return weft::dry_run::RunCase(Charge(retry), file->cases[0]);
}

json OnlyCall(const CaseResult& result) {
  REQUIRE(result.activities.size() == 1);
  return result.activities[0].ToJson();
}

}  // namespace

TEST_CASE("a retryable error is retried up to maximum_attempts, backing off on virtual time") {
  const CaseResult result = Run("{maximum_attempts: 3}", R"(
  - name: flaky
    mocks: {charge: {error: {type: Timeout}}}
    expect: {error: Timeout, attempts: {charge: 3}, virtual_time: 3s}
)");
  INFO(result.ToJson().dump(2));
  CHECK(result.passed);
  CHECK(result.status == "failed");
  // The server's defaults: 1 s, doubling.
  CHECK(result.virtual_time_ms == 3000);
  CHECK(OnlyCall(result) == json{{"step", "charge"},
                                 {"activity", "payments.charge"},
                                 {"attempts", 3},
                                 {"outcome", "failed"},
                                 {"retry_state", "MAXIMUM_ATTEMPTS_REACHED"},
                                 {"virtual_time_ms", 3000}});
  // The failure reads as the engines' does: the attempt that failed for good.
  CHECK(result.error["failure"]["info"]["attempt"] == 3);
  CHECK(result.error["failure"]["info"]["retry_state"] == "MAXIMUM_ATTEMPTS_REACHED");
}

TEST_CASE("the backoff grows by its coefficient up to the maximum interval") {
  // Delays 2 s, 6 s capped at 5 s, 5 s.
  const CaseResult result = Run(
      "{initial_interval: 2s, backoff_coefficient: 3, maximum_interval: 5s, maximum_attempts: 4}",
      R"(
  - name: slow
    mocks: {charge: [{error: {type: Timeout}}, {error: {type: Timeout}}, {error: {type: Timeout}}, {result: ok}]}
    expect: {output: ok}
)");
  INFO(result.ToJson().dump(2));
  CHECK(result.passed);
  CHECK(result.virtual_time_ms == 12000);
  CHECK(OnlyCall(result)["attempts"] == 4);
  CHECK(OnlyCall(result)["outcome"] == "completed");
}

TEST_CASE("a non-retryable type or error fails at the first attempt") {
  SECTION("listed in non_retryable_error_types") {
    const CaseResult result = Run("{maximum_attempts: 5, non_retryable_error_types: [Declined]}",
                                  R"(
  - name: declined
    mocks: {charge: {error: {type: Declined}}}
    expect: {error: Declined, attempts: {charge: 1}, virtual_time: 0s}
)");
    CHECK(result.passed);
    CHECK(OnlyCall(result)["retry_state"] == "NON_RETRYABLE_FAILURE");
  }
  SECTION("marked so by the mock") {
    const CaseResult result = Run("", R"(
  - name: declined
    mocks: {charge: {error: {type: Declined, non_retryable: true}}}
    expect: {error: Declined, attempts: {charge: 1}}
)");
    CHECK(result.passed);
    CHECK(OnlyCall(result)["retry_state"] == "NON_RETRYABLE_FAILURE");
  }
}

TEST_CASE("a policy that would retry a failing mock forever stops the case with the fix") {
  const CaseResult result = Run("", R"(
  - name: forever
    mocks: {charge: {error: {type: Timeout}}}
    expect: {error: Timeout}
)");
  CHECK_FALSE(result.passed);
  CHECK(result.status == "aborted");
  REQUIRE_FALSE(result.failures.empty());
  CHECK(result.failures[0].what == "limit");
  CHECK(result.failures[0].step == "charge");
  CHECK_THAT(result.failures[0].message, Catch::Contains("100 attempts") &&
                                             Catch::Contains("maximum_attempts") &&
                                             Catch::Contains("non_retryable: true"));
}

TEST_CASE("wrong attempts and virtual time fail the case with expected and actual") {
  const CaseResult result = Run("{maximum_attempts: 2}", R"(
  - name: miscounted
    mocks: {charge: [{error: {type: Timeout}}, {result: ok}]}
    expect: {output: ok, attempts: {charge: 1}, virtual_time: 5s}
)");
  CHECK_FALSE(result.passed);
  REQUIRE(result.failures.size() == 2);
  CHECK(result.failures[0].what == "attempts");
  CHECK(result.failures[0].expected == 1);
  CHECK(result.failures[0].actual == 2);
  CHECK(result.failures[1].what == "virtual_time");
  CHECK(result.failures[1].expected == 5000);
  CHECK(result.failures[1].actual == 1000);
}
