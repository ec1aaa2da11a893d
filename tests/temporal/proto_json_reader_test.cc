// ReadProtoJson reads proto3 JSON as protobuf's own parser does: what protobuf's printer writes
// comes back equal, the spellings other tools write are accepted, and what it does not cover or
// cannot read goes to protobuf's parser (which reads it, or says what is wrong).

#include "runtime/temporal/proto_json_reader.h"

#include <google/protobuf/any.pb.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include <catch2/catch.hpp>
#include <string>

#include "temporal/api/history/v1/message.pb.h"

namespace {

namespace enums = ::temporal::api::enums::v1;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using ::temporal::api::history::v1::History;
using ::temporal::api::history::v1::HistoryEvent;
using weft::temporal::ReadProtoJson;

History Read(const std::string& text) {
  History history;
  auto read = ReadProtoJson(text, history);
  INFO(text);
  REQUIRE(read);
  return history;
}

// Every kind of field a history holds: 64-bit ids, enums, timestamps and durations, bytes that
// are not text, maps of messages, repeated strings, doubles, nested failures, a oneof.
History RichHistory() {
  History history;
  HistoryEvent& started = *history.add_events();
  started.set_event_id(1);
  started.set_event_type(enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  *started.mutable_event_time() = TimeUtil::NanosecondsToTimestamp(1'795'000'000'123'456'789);
  started.set_task_id(9'007'199'254'740'993);  // above 2^53: must not pass through a double
  auto& attributes = *started.mutable_workflow_execution_started_event_attributes();
  attributes.mutable_workflow_type()->set_name("order");
  attributes.mutable_task_queue()->set_name("weft");
  attributes.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  auto& payload = *attributes.mutable_input()->add_payloads();
  (*payload.mutable_metadata())["encoding"] = "json/plain";
  payload.set_data(std::string("{\"n\":1}\0\xff\xfe", 10));
  (*attributes.mutable_memo()->mutable_fields())["owner"].set_data("\"ada\"");
  *attributes.mutable_workflow_run_timeout() = TimeUtil::MillisecondsToDuration(-1500);
  *attributes.mutable_workflow_task_timeout() = TimeUtil::SecondsToDuration(10);
  attributes.set_attempt(1);
  attributes.set_original_execution_run_id("3f1c");

  HistoryEvent& scheduled = *history.add_events();
  scheduled.set_event_id(5);
  scheduled.set_event_type(enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  auto& activity = *scheduled.mutable_activity_task_scheduled_event_attributes();
  activity.set_activity_id("1");
  activity.mutable_activity_type()->set_name("bench.step");
  activity.set_workflow_task_completed_event_id(4);
  activity.mutable_retry_policy()->set_backoff_coefficient(2.5);
  activity.mutable_retry_policy()->add_non_retryable_error_types("InvalidInput");
  activity.mutable_retry_policy()->add_non_retryable_error_types("Fatal");

  HistoryEvent& failed = *history.add_events();
  failed.set_event_id(7);
  failed.set_event_type(enums::EVENT_TYPE_ACTIVITY_TASK_FAILED);
  auto& failure = *failed.mutable_activity_task_failed_event_attributes()->mutable_failure();
  failure.set_message("outer");
  failure.mutable_application_failure_info()->set_type("Boom");
  failure.mutable_application_failure_info()->set_non_retryable(true);
  failure.mutable_cause()->set_message("inner");
  failure.mutable_cause()->mutable_timeout_failure_info()->set_timeout_type(
      enums::TIMEOUT_TYPE_START_TO_CLOSE);
  failed.mutable_activity_task_failed_event_attributes()->set_retry_state(
      enums::RETRY_STATE_NON_RETRYABLE_FAILURE);
  return history;
}

TEST_CASE("what protobuf's printer writes reads back equal, and as protobuf's parser reads it") {
  const History original = RichHistory();
  std::string text;
  REQUIRE(google::protobuf::util::MessageToJsonString(original, &text).ok());
  const History read = Read(text);
  CHECK(MessageDifferencer::Equals(read, original));

  History by_protobuf;
  REQUIRE(google::protobuf::util::JsonStringToMessage(text, &by_protobuf).ok());
  CHECK(MessageDifferencer::Equals(read, by_protobuf));
}

TEST_CASE("enum values spelled the Go way, proto field names, numbers for 64-bit integers") {
  const History history = Read(R"({"events": [
    {"event_id": 1, "eventType": "WorkflowExecutionStarted",
     "eventTime": "2026-11-22T03:00:00.5+01:00"},
    {"eventId": "2", "eventType": "WorkflowTaskFailed",
     "workflowTaskFailedEventAttributes": {"cause": "WorkflowWorkerUnhandledFailure"}},
    {"eventId": "3", "eventType": 10}]})");
  REQUIRE(history.events_size() == 3);
  CHECK(history.events(0).event_id() == 1);
  CHECK(history.events(0).event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  CHECK(history.events(0).event_time().seconds() == 1'795'316'400 - 3600);
  CHECK(history.events(0).event_time().nanos() == 500'000'000);
  CHECK(history.events(1).workflow_task_failed_event_attributes().cause() ==
        enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
  CHECK(history.events(2).event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
}

TEST_CASE("unknown fields and enum values, and nulls, are skipped; base64 in either alphabet") {
  const History history = Read(R"({"events": [
    {"eventId": "1", "eventType": "EVENT_TYPE_FROM_A_NEWER_SERVER", "fieldOfTheFuture": {"a": [1, {"b": [[]]}], "c": null},
     "taskId": null,
     "workflowExecutionStartedEventAttributes": {"input": {"payloads": [
       {"metadata": {"encoding": "YmluYXJ5L3BsYWlu"}, "data": "_-8"}]}}}]})");
  const HistoryEvent& event = history.events(0);
  CHECK(event.event_type() == enums::EVENT_TYPE_UNSPECIFIED);
  CHECK(event.task_id() == 0);
  const auto& payload = event.workflow_execution_started_event_attributes().input().payloads(0);
  CHECK(payload.metadata().at("encoding") == "binary/plain");
  CHECK(payload.data() == "\xff\xef");
}

TEST_CASE("a value of the wrong shape gets protobuf's error, which names the field") {
  for (const char* text :
       {R"({"events": [{"eventId": "one"}]})", R"({"events": [{"eventTime": 5}]})",
        R"({"events": [{"eventTime": "yesterday"}]})",
        R"({"events": [{"eventId": "1", "eventType": 2.5}]})"}) {
    History history;
    auto read = ReadProtoJson(text, history);
    INFO(text);
    REQUIRE_FALSE(read);
    CHECK_FALSE(read.error().empty());
  }
}

TEST_CASE("two members of one oneof are refused, as protobuf's parser refuses them") {
  History history;
  auto read = ReadProtoJson(R"({"events": [{"eventId": "1",
      "workflowTaskStartedEventAttributes": {}, "workflowTaskCompletedEventAttributes": {}}]})",
                            history);
  REQUIRE_FALSE(read);
  CHECK(read.error().find("oneof") != std::string::npos);
}

TEST_CASE("google.protobuf.Any, which the reader does not cover, is read by protobuf's parser") {
  google::protobuf::Any any;
  auto read = ReadProtoJson(
      R"({"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1.5s"})", any);
  REQUIRE(read);
  google::protobuf::Duration duration;
  REQUIRE(any.UnpackTo(&duration));
  CHECK(duration.seconds() == 1);
  CHECK(duration.nanos() == 500'000'000);
}

}  // namespace
