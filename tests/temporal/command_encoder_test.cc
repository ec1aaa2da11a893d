// The interpreter's commands as Temporal commands: every field the server and the SDKs read.

#include "runtime/temporal/command_encoder.h"

#include <catch2/catch.hpp>

#include "runtime/temporal/failure.h"
#include "runtime/temporal/payload.h"
#include "temporal/api/enums/v1/command_type.pb.h"

namespace {

namespace enums = ::temporal::api::enums::v1;
namespace interpreter = weft::interpreter;
using nlohmann::json;
using weft::temporal::EncodeCommand;
using weft::temporal::EncodeContext;
using namespace std::chrono_literals;

const EncodeContext kContext{.task_queue = "weft"};

}  // namespace

TEST_CASE("ScheduleActivity carries the id, type, input, queue, timeouts and retry policy") {
  interpreter::ScheduleActivity schedule{.seq = 3,
                                         .activity_id = "3",
                                         .activity_type = "payments.charge",
                                         .input = {{"amount", 42}},
                                         .timeouts = {.start_to_close = 30s, .heartbeat = 1500ms},
                                         .retry = {.initial_interval = 1s,
                                                   .backoff_coefficient = 2.0,
                                                   .maximum_attempts = 5,
                                                   .non_retryable_error_types = {"CardDeclined"}},
                                         .step_path = "/steps/1/foreach/steps/0",
                                         .step_label = "charge[2]"};
  auto command = EncodeCommand(schedule, kContext);
  REQUIRE(command);
  CHECK(command->command_type() == enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
  const auto& attributes = command->schedule_activity_task_command_attributes();
  CHECK(attributes.activity_id() == "3");
  CHECK(attributes.activity_type().name() == "payments.charge");
  CHECK(attributes.task_queue().name() == "weft");
  CHECK(*weft::temporal::FromPayloads(attributes.input()) == json{{"amount", 42}});
  CHECK(attributes.start_to_close_timeout().seconds() == 30);
  CHECK(attributes.heartbeat_timeout().seconds() == 1);
  CHECK(attributes.heartbeat_timeout().nanos() == 500'000'000);
  CHECK_FALSE(attributes.has_schedule_to_close_timeout());
  CHECK(attributes.retry_policy().maximum_attempts() == 5);
  CHECK(attributes.retry_policy().backoff_coefficient() == 2.0);
  CHECK(attributes.retry_policy().non_retryable_error_types(0) == "CardDeclined");
  // The UI shows the summary beside the activity: the step, not its path in the document.
  CHECK(*weft::temporal::FromPayload(command->user_metadata().summary()) == "charge[2]");

  schedule.task_queue = "python-activities";
  CHECK(EncodeCommand(schedule, kContext)
            ->schedule_activity_task_command_attributes()
            .task_queue()
            .name() == "python-activities");
}

TEST_CASE("timers are named by their seq and summarised by their step") {
  auto start = EncodeCommand(
      interpreter::StartTimer{.seq = 7, .duration = 90s, .step_label = "cool_off"}, kContext);
  REQUIRE(start);
  CHECK(start->command_type() == enums::COMMAND_TYPE_START_TIMER);
  CHECK(start->start_timer_command_attributes().timer_id() == "7");
  CHECK(start->start_timer_command_attributes().start_to_fire_timeout().seconds() == 90);
  CHECK(*weft::temporal::FromPayload(start->user_metadata().summary()) == "cool_off");
  CHECK_FALSE(EncodeCommand(interpreter::StartTimer{.seq = 8, .duration = 1s}, kContext)
                  ->has_user_metadata());

  auto cancel = EncodeCommand(interpreter::CancelTimer{.seq = 7}, kContext);
  REQUIRE(cancel);
  CHECK(cancel->cancel_timer_command_attributes().timer_id() == "7");
}

TEST_CASE("cancelling an activity names its scheduled event, when there is one") {
  EncodeContext context = kContext;
  CHECK_FALSE(EncodeCommand(interpreter::RequestCancelActivity{.seq = 2}, context));
  context.activity_scheduled_event_ids[2] = 11;
  auto cancel = EncodeCommand(interpreter::RequestCancelActivity{.seq = 2}, context);
  REQUIRE(cancel);
  CHECK(cancel->request_cancel_activity_task_command_attributes().scheduled_event_id() == 11);
}

TEST_CASE("close commands carry the result or the failure") {
  auto complete = EncodeCommand(interpreter::CompleteWorkflow{.result = {{"ok", true}}}, kContext);
  REQUIRE(complete);
  CHECK(complete->command_type() == enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
  CHECK(*weft::temporal::FromPayloads(
            complete->complete_workflow_execution_command_attributes().result()) ==
        json{{"ok", true}});

  interpreter::Failure failure{.type = "OutOfStock",
                               .message = "no jackets left",
                               .details = {{"item", "jacket"}},
                               .non_retryable = true};
  auto fail = EncodeCommand(interpreter::FailWorkflow{.failure = failure}, kContext);
  REQUIRE(fail);
  const auto& proto = fail->fail_workflow_execution_command_attributes().failure();
  CHECK(proto.message() == "no jackets left");
  CHECK(proto.source() == "weft");
  CHECK(proto.application_failure_info().type() == "OutOfStock");
  CHECK(proto.application_failure_info().non_retryable());

  auto next = EncodeCommand(interpreter::ContinueAsNew{.input = {{"page", 2}}}, kContext);
  REQUIRE(next);
  CHECK(next->continue_as_new_workflow_execution_command_attributes().task_queue().name() ==
        "weft");
}

TEST_CASE("continue-as-new carries the resume state in its header, never in the input") {
  auto plain = EncodeCommand(interpreter::ContinueAsNew{.input = {{"page", 2}}}, kContext);
  REQUIRE(plain);
  CHECK(plain->continue_as_new_workflow_execution_command_attributes().header().fields().empty());

  const json resume = {{"step", "/steps/1"}, {"vars", {{"count", 4096}}}};
  auto next =
      EncodeCommand(interpreter::ContinueAsNew{.input = {{"page", 2}}, .resume = resume}, kContext);
  REQUIRE(next);
  const auto& attributes = next->continue_as_new_workflow_execution_command_attributes();
  CHECK(*weft::temporal::FromPayloads(attributes.input()) == json{{"page", 2}});
  const auto& fields = attributes.header().fields();
  REQUIRE(fields.contains("weft-resume"));
  CHECK(fields.at("weft-resume").metadata().at("encoding") == "json/plain");
  CHECK(*weft::temporal::FromPayload(fields.at("weft-resume")) == resume);
}

TEST_CASE("updates and queries are not commands") {
  CHECK_FALSE(EncodeCommand(interpreter::AcceptUpdate{.id = "u"}, kContext));
  CHECK_FALSE(EncodeCommand(interpreter::RespondToQuery{.id = "q", .result = 1}, kContext));
}

TEST_CASE("a failure survives the trip to Temporal and back") {
  auto cause =
      std::make_shared<interpreter::Failure>(interpreter::Failure{.type = "CardDeclined",
                                                                  .message = "declined",
                                                                  .details = {{"card", "visa"}},
                                                                  .non_retryable = true});
  interpreter::Failure activity{.kind = interpreter::Failure::Kind::kActivity,
                                .message = "Activity task failed",
                                .cause = cause,
                                .info = {{"activity_type", "charge"}, {"activity_id", "1"}}};
  interpreter::Failure back =
      weft::temporal::FromTemporalFailure(weft::temporal::ToTemporalFailure(activity));
  CHECK(back.kind == interpreter::Failure::Kind::kActivity);
  CHECK(back.info["activity_type"] == "charge");
  // The wrapper takes the type of what it wraps, so that `catch: [CardDeclined]` matches.
  CHECK(back.type == "CardDeclined");
  REQUIRE(back.cause);
  CHECK(back.cause->type == "CardDeclined");
  CHECK(back.cause->non_retryable);
  CHECK(back.cause->details == json{{"card", "visa"}});

  interpreter::Failure timeout{.kind = interpreter::Failure::Kind::kTimeout,
                               .message = "activity timed out",
                               .info = {{"timeout_type", "HEARTBEAT"}}};
  back = weft::temporal::FromTemporalFailure(weft::temporal::ToTemporalFailure(timeout));
  CHECK(back.kind == interpreter::Failure::Kind::kTimeout);
  CHECK(back.info["timeout_type"] == "HEARTBEAT");
}
