// Jobs read back exactly as they were journaled (a run is rebuilt from them), and the failure
// shape survives the round trip with its cause.
#include "runtime/embedded/journal_codec.h"

#include <catch2/catch.hpp>

namespace {

using namespace weft::embedded;
namespace ij = weft::interpreter;
using nlohmann::json;

TEST_CASE("every job kind survives a round trip") {
  ij::Failure cause{.kind = ij::Failure::Kind::kApplication,
                    .type = "CardDeclined",
                    .message = "declined",
                    .details = {{"code", 51}},
                    .non_retryable = true};
  ij::Failure wrapper{.kind = ij::Failure::Kind::kActivity,
                      .type = "CardDeclined",
                      .message = "activity failed",
                      .cause = std::make_shared<ij::Failure>(cause),
                      .info = {{"activity_type", "payments.charge"}}};
  std::vector<ij::Job> jobs{
      ij::StartWorkflow{.workflow_type = "hello",
                        .workflow_id = "w",
                        .run_id = "r",
                        .input = {{"name", "Ada"}},
                        .continued_from_run_id = "r0",
                        .random_seed = 18446744073709551615ull,
                        .resume = {{"at", "/steps/0"}}},
      ij::ResolveActivity{
          .seq = 3,
          .resolution = {.status = ij::ActivityResolution::Status::kFailed, .failure = wrapper}},
      ij::ResolveActivity{.seq = 4, .resolution = {.result = {1, 2}}},
      ij::FireTimer{.seq = 5},
      ij::SignalWorkflow{.name = "approve", .payload = {{"approver", "bob"}}},
      ij::DoUpdate{.id = "7", .name = "comment", .payload = {{"text", "hi"}}},
      ij::CancelWorkflow{.reason = "why"},
      ij::ResolveChildWorkflowStart{.seq = 1, .started = true, .run_id = "c"},
      ij::ResolveChildWorkflow{.seq = 1, .result = "done"},
      ij::ResolveSignalExternalWorkflow{.seq = 2},
      ij::MarkerRecorded{.name = "weft.value", .data = 7},
  };
  json encoded = JobsToJson(jobs);
  auto decoded = JobsFromJson(json::parse(encoded.dump()));
  REQUIRE(decoded);
  REQUIRE(decoded->size() == jobs.size());
  CHECK(JobsToJson(*decoded) == encoded);
  const auto& start = std::get<ij::StartWorkflow>((*decoded)[0]);
  CHECK(start.random_seed == 18446744073709551615ull);
  const auto& failed = std::get<ij::ResolveActivity>((*decoded)[1]);
  REQUIRE(failed.resolution.failure.cause);
  CHECK(failed.resolution.failure.cause->type == "CardDeclined");
  CHECK(failed.resolution.failure.cause->non_retryable);
}

TEST_CASE("a malformed job is an error naming what is wrong") {
  auto decoded = JobFromJson(json{{"job", "teleport"}});
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().find("teleport") != std::string::npos);
  CHECK_FALSE(JobFromJson(json{{"job", "fire_timer"}}));
}

TEST_CASE("a number out of its field's range is a malformed row, not a conversion") {
  // Found by tests/fuzz (journal_codec): a damaged row's seq 92233720368547758081 (a double)
  // was converted to uint32 (undefined behaviour, which UBSan reports); -1 wrapped to
  // 4294967295.
  for (const json& seq : {json(1e300), json(-1), json(4294967296LL), json(1.5), json("1")}) {
    auto decoded = JobFromJson(json{{"job", "fire_timer"}, {"seq", seq}});
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().find("\"seq\" is not an integer in range") != std::string::npos);
  }
  CHECK_FALSE(JobFromJson(json{{"job", "start_workflow"},
                               {"workflow_type", "t"},
                               {"workflow_id", "w"},
                               {"run_id", "r"},
                               {"input", nullptr},
                               {"attempt", 1e100},
                               {"random_seed", "1"}}));
  auto fired = JobFromJson(json{{"job", "fire_timer"}, {"seq", 4294967295LL}});
  REQUIRE(fired);
  CHECK(std::get<ij::FireTimer>(*fired).seq == 4294967295U);
}

TEST_CASE("a scheduled activity reads back for re-arming after a restart") {
  ij::ScheduleActivity command{
      .seq = 2,
      .activity_id = "2",
      .activity_type = "payments.charge",
      .input = {{"amount", 10}},
      .timeouts = {.start_to_close = ij::Milliseconds(30000), .heartbeat = ij::Milliseconds(2000)},
      .retry = {.initial_interval = ij::Milliseconds(1000),
                .backoff_coefficient = 2.0,
                .maximum_attempts = 3,
                .non_retryable_error_types = {"CardDeclined"}},
      .step_path = "/steps/0/foreach/steps/0",
      .step_label = "charge[2]"};
  auto decoded = ScheduleActivityFromJson(CommandToJson(command));
  REQUIRE(decoded);
  CHECK(decoded->step_label == "charge[2]");  // what weft show and describe_run print
  CHECK(CommandToJson(*decoded) == CommandToJson(command));
  // A journal written before step labels were kept still reads, with none.
  json older = CommandToJson(command);
  older.erase("step_label");
  auto old = ScheduleActivityFromJson(older);
  REQUIRE(old);
  CHECK(old->step_label.empty());
}

TEST_CASE("query answers are not journaled") {
  std::vector<ij::Command> commands{ij::RespondToQuery{.id = "1", .result = 1},
                                    ij::StartTimer{.seq = 1, .duration = ij::Milliseconds(5)}};
  json journaled = JournaledCommands(commands);
  REQUIRE(journaled.size() == 1);
  CHECK(journaled[0]["command"] == "start_timer");
}

}  // namespace
