// The soak's checker on hand-made evidence: a clean soak has no violation, and each kind of
// violation is found when the evidence holds it (so that a soak that breaks weft fails).
#include "tests/soak/soak_checker.h"

#include <catch2/catch.hpp>

namespace weft::soak {
namespace {

using nlohmann::json;
using Kind = Violation::Kind;

// One run, "w1", that needs activities w1#a and w1#b and outputs {"value": 7}.
SoakEvidence CleanEvidence() {
  SoakEvidence evidence;
  evidence.expected = {{.workflow_id = "w1",
                        .workflow_type = "soak-0",
                        .input = {{"n", 1}},
                        .expected_output = {{"value", 7}},
                        .activities = {"w1#a", "w1#b"}}};
  evidence.final_runs["w1"] = {.status = FinalRun::Status::kCompleted, .output = {{"value", 7}}};
  // w1#a ran twice: a kill caught its first execution (t1) before the engine recorded it; the
  // engine recorded the second (t2). Allowed.
  evidence.ledger = ParseLedger(
      "start t1 1 w1#a\n"
      "end t1 1 w1#a ok\n"
      "start t2 1 w1#a\n"
      "end t2 1 w1#a ok\n"
      "start t3 1 w1#b\n"
      "end t3 1 w1#b ok\n");
  evidence.recorded = {{"w1#a", "t2"}, {"w1#b", "t3"}};
  return evidence;
}

std::vector<Kind> KindsOf(const std::vector<Violation>& violations) {
  std::vector<Kind> kinds;
  for (const Violation& violation : violations) kinds.push_back(violation.kind);
  return kinds;
}

TEST_CASE("a clean soak has no violation, an execution redone before its record included") {
  CHECK(CheckSoak(CleanEvidence()).empty());
}

TEST_CASE("a run the engine does not know is lost") {
  SoakEvidence evidence = CleanEvidence();
  evidence.final_runs.clear();
  CHECK(KindsOf(CheckSoak(evidence)) == std::vector{Kind::kLostRun});
}

TEST_CASE("a run still open is stuck") {
  SoakEvidence evidence = CleanEvidence();
  evidence.final_runs["w1"].status = FinalRun::Status::kOpen;
  CHECK(KindsOf(CheckSoak(evidence)) == std::vector{Kind::kStuckRun});
}

TEST_CASE("another output, or a failure, is a wrong output") {
  SoakEvidence evidence = CleanEvidence();
  evidence.final_runs["w1"].output = {{"value", 8}};
  const auto violations = CheckSoak(evidence);
  REQUIRE(KindsOf(violations) == std::vector{Kind::kWrongOutput});
  CHECK(violations[0].detail == R"({"value":8}, expected {"value":7})");

  evidence.final_runs["w1"] = {.status = FinalRun::Status::kFailed, .failure = "Timeout"};
  CHECK(KindsOf(CheckSoak(evidence)) == std::vector{Kind::kWrongOutput});
}

TEST_CASE("a non-determinism error in a run's record is found, even when the run completed") {
  SoakEvidence evidence = CleanEvidence();
  evidence.final_runs["w1"].non_determinism_errors = 1;
  CHECK(KindsOf(CheckSoak(evidence)) == std::vector{Kind::kNonDeterminism});
}

TEST_CASE("an execution that starts after the recorded completion is found") {
  SoakEvidence evidence = CleanEvidence();
  evidence.recorded = {{"w1#a", "t1"}, {"w1#b", "t3"}};  // t2 started after t1 was recorded
  const auto violations = CheckSoak(evidence);
  REQUIRE(KindsOf(violations) == std::vector{Kind::kExecutedAfterCompletion});
  CHECK(violations[0].subject == "w1#a");

  // A completion recorded twice is the same fault.
  evidence.recorded = {{"w1#a", "t2"}, {"w1#b", "t3"}, {"w1#b", "t3"}};
  CHECK(KindsOf(CheckSoak(evidence)) == std::vector{Kind::kExecutedAfterCompletion});
}

TEST_CASE("a recorded completion the ledger never saw start is found") {
  SoakEvidence evidence = CleanEvidence();
  evidence.recorded.push_back({"w1#c", "t9"});
  CHECK(KindsOf(CheckSoak(evidence)) == std::vector{Kind::kCompletionNotInLedger});
}

TEST_CASE("an activity that never ended well, a compensation say, is missing") {
  SoakEvidence evidence = CleanEvidence();
  evidence.ledger = ParseLedger(
      "start t2 1 w1#a\n"
      "end t2 1 w1#a ok\n"
      "start t3 1 w1#b\n"
      "end t3 1 w1#b error\n");
  evidence.recorded = {{"w1#a", "t2"}};
  CHECK(KindsOf(CheckSoak(evidence)) == std::vector{Kind::kMissingActivity});
}

TEST_CASE("the ledger's figures: executions, kills in flight, activities run again") {
  const Ledger ledger = ParseLedger(
      "start t1 1 w1#a\n"
      "start t2 1 w1#a\n"
      "end t2 1 w1#a ok\n"
      "start t3 1 w1#b\n"
      "end t3 1 w1#b error\n"
      "start t4 2 w1#b\n"
      "end t4 2 w1#b ok\n"
      "half a line\n");
  const LedgerFigures figures = SummarizeLedger(ledger);
  CHECK(figures.starts == 4);
  CHECK(figures.ends_ok == 2);
  CHECK(figures.ends_error == 1);
  CHECK(figures.cut_short == 1);
  CHECK(figures.activities == 2);
  CHECK(figures.ran_again == 2);
  CHECK(figures.unreadable == 1);
}

TEST_CASE("recorded completions are read from activations in the journal's shape") {
  const json activations = json::parse(R"([
    {"seq": 1, "jobs": [{"job": "start_workflow"}]},
    {"seq": 2, "jobs": [
      {"job": "resolve_activity", "seq": 1, "status": "completed",
       "result": {"value": 3, "token": "t1", "id": "w1#a"}},
      {"job": "resolve_activity", "seq": 2, "status": "failed", "failure": {}},
      {"job": "resolve_activity", "seq": 3, "status": "completed", "result": 5}]}])");
  const auto recorded = RecordedCompletions(activations);
  REQUIRE(recorded.size() == 1);
  CHECK(recorded[0].activity == "w1#a");
  CHECK(recorded[0].token == "t1");
}

}  // namespace
}  // namespace weft::soak
