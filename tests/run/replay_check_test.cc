// The replay check as a specification: which recorded and produced commands agree, and the
// typed error (code, place, both commands) when they do not.
#include "runtime/run/replay_check.h"

#include <catch2/catch.hpp>

#include "runtime/run/command_handler.h"

namespace weft::run {
namespace {

namespace ij = interpreter;
using nlohmann::json;
using std::chrono::seconds;

ij::ScheduleActivity Charge() {
  return ij::ScheduleActivity{
      .seq = 1, .activity_id = "1", .activity_type = "payments.charge", .input = {{"amount", 5}}};
}

RecordedCommand RecordedCharge() {
  return {.kind = "schedule_activity",
          .fields = {{"activity_id", "1"}, {"activity_type", "payments.charge"}},
          .where = "event 5 (EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)"};
}

TEST_CASE("a command matches its record by kind and identity, not by its inputs") {
  CHECK(CheckReplayed(RecordedCharge(), Charge()));
  ij::ScheduleActivity other_input = Charge();
  other_input.input = {{"amount", 6}};
  CHECK(CheckReplayed(RecordedCharge(), other_input));
  // A journaled command holds more fields than its identity: they are not compared.
  RecordedCommand journaled = RecordedCharge();
  journaled.fields["input"] = {{"amount", 99}};
  CHECK(CheckReplayed(journaled, Charge()));
}

TEST_CASE("another activity type, or another kind, is WEFT3001 naming both commands") {
  ij::ScheduleActivity refund = Charge();
  refund.activity_type = "payments.refund";
  auto differs = CheckReplayed(RecordedCharge(), refund);
  REQUIRE_FALSE(differs);
  CHECK(differs.error().code == "WEFT3001");
  CHECK(differs.error().where == "event 5 (EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)");
  CHECK_THAT(differs.error().recorded, Catch::Contains("payments.charge"));
  CHECK_THAT(differs.error().produced, Catch::Contains("payments.refund"));
  CHECK_THAT(differs.error().message, Catch::StartsWith("[WEFT3001] nondeterministic workflow"));

  auto timer = CheckReplayed(RecordedCharge(), ij::StartTimer{.seq = 1, .duration = seconds(1)});
  REQUIRE_FALSE(timer);
  CHECK(timer.error().code == "WEFT3001");
  CHECK_THAT(timer.error().produced, Catch::StartsWith("start_timer"));
}

TEST_CASE("a batch: extra produced commands are WEFT3002, missing ones WEFT3003") {
  const std::vector<RecordedCommand> recorded = {RecordedCharge()};
  std::vector<ij::Command> produced = {Charge(), ij::StartTimer{.seq = 1, .duration = seconds(1)}};
  auto extra = CheckReplayedAll(recorded, produced, "activation 2");
  REQUIRE_FALSE(extra);
  CHECK(extra.error().code == "WEFT3002");
  CHECK(extra.error().where == "activation 2");

  auto missing = CheckReplayedAll(recorded, {}, "activation 2");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "WEFT3003");
  CHECK(missing.error().produced.empty());
}

TEST_CASE("query answers and update rejections leave no record and are never compared") {
  std::vector<ij::Command> produced = {Charge(), ij::RespondToQuery{.id = "q"},
                                       ij::RejectUpdate{.id = "u"}};
  std::vector<RecordedCommand> recorded = {
      RecordedCharge(), {.kind = "reject_update", .fields = {{"id", "u"}}, .where = "x"}};
  CHECK(CheckReplayedAll(recorded, produced, "activation 1"));
  CHECK_FALSE(LeavesRecord(ij::RespondToQuery{}));
  CHECK(LeavesRecord(ij::CompleteUpdate{}));
}

TEST_CASE("the failure of a divergence is non-determinism, never caught, with its details") {
  auto differs = CheckReplayed(RecordedCharge(), ij::CancelWorkflowExecution{});
  REQUIRE_FALSE(differs);
  const ij::Failure failure = differs.error().ToFailure();
  CHECK(failure.kind == ij::Failure::Kind::kNonDeterminism);
  CHECK(failure.type == "NonDeterminism");
  CHECK(failure.non_retryable);
  CHECK(failure.details["code"] == "WEFT3001");
  CHECK(failure.details["produced"] == "cancel_workflow");
}

}  // namespace
}  // namespace weft::run
