// EncodeMessage and DecodeMessage on messages the worker sends and receives: every payload at
// any depth is encrypted (maps, oneofs, inside an Any), search attributes stay as they are,
// failure messages move into their encoded attributes, and all of it reads back; a payload
// that does not decode is named by its path in the message.

#include "runtime/temporal/message_codec.h"

#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>

#include "runtime/temporal/encryption_codec.h"
#include "runtime/temporal/failure.h"
#include "runtime/temporal/payload.h"
#include "temporal/api/update/v1/message.pb.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

using nlohmann::json;
using weft::temporal::DecodeMessage;
using weft::temporal::EncodeMessage;
using weft::temporal::EncryptionCodec;
using weft::temporal::EncryptionKeys;
using weft::temporal::FromPayload;
using weft::temporal::ToPayload;
using weft::temporal::ToPayloads;
namespace api = ::temporal::api;

namespace {

EncryptionCodec Codec(const std::string& text) {
  auto keys = EncryptionKeys::Parse(text, "keys.txt");
  if (!keys) FAIL(keys.error());
  return EncryptionCodec(std::move(*keys));
}

const EncryptionCodec& K1() {
  static const EncryptionCodec codec = Codec("k1 YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=");
  return codec;
}

// A workflow task's answer with a payload in every kind of place.
api::workflowservice::v1::RespondWorkflowTaskCompletedRequest Answer() {
  api::workflowservice::v1::RespondWorkflowTaskCompletedRequest answer;
  answer.set_namespace_("default");
  auto& schedule = *answer.add_commands()->mutable_schedule_activity_task_command_attributes();
  schedule.mutable_activity_type()->set_name("charge");
  *schedule.mutable_input() = ToPayloads(json{{"card", "secret-card"}});
  (*schedule.mutable_header()->mutable_fields())["weft-resume"] = ToPayload("secret-header");
  auto& memo = *answer.add_commands()->mutable_modify_workflow_properties_command_attributes();
  (*memo.mutable_upserted_memo()->mutable_fields())["note"] = ToPayload("secret-memo");
  auto& search =
      *answer.add_commands()->mutable_upsert_workflow_search_attributes_command_attributes();
  (*search.mutable_search_attributes()->mutable_indexed_fields())["CustomerId"] =
      ToPayload("indexed-in-clear");
  *answer.add_commands()
       ->mutable_complete_workflow_execution_command_attributes()
       ->mutable_result() = ToPayloads(json{{"receipt", "secret-result"}});
  // An update's completion rides in an Any.
  api::update::v1::Response response;
  response.mutable_meta()->set_update_id("u1");
  *response.mutable_outcome()->mutable_success() = ToPayloads("secret-update");
  answer.add_messages()->mutable_body()->PackFrom(response);
  return answer;
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

}  // namespace

TEST_CASE("Every payload of a message is encrypted, search attributes excepted, and reads back") {
  const auto original = Answer();
  auto message = original;
  REQUIRE(EncodeMessage(K1(), message));

  const std::string wire = message.SerializeAsString();
  CHECK(wire.find("secret") == std::string::npos);
  CHECK(wire.find("indexed-in-clear") != std::string::npos);
  const auto& input = message.commands(0).schedule_activity_task_command_attributes().input();
  CHECK(input.payloads(0).metadata().at("encoding") == "binary/encrypted");
  CHECK(message.commands(2)
            .upsert_workflow_search_attributes_command_attributes()
            .search_attributes()
            .indexed_fields()
            .at("CustomerId")
            .metadata()
            .at("encoding") == "json/plain");

  // Encoding again wraps nothing twice.
  auto twice = message;
  REQUIRE(EncodeMessage(K1(), twice));
  CHECK(Same(twice, message));

  REQUIRE(DecodeMessage(K1(), message));
  CHECK(Same(message, original));
}

TEST_CASE("A failure's message and stack trace are encrypted in its encoded attributes") {
  api::workflowservice::v1::RespondWorkflowTaskCompletedRequest answer;
  auto& fail = *answer.add_commands()->mutable_fail_workflow_execution_command_attributes();
  *fail.mutable_failure() = weft::temporal::ToTemporalFailure(weft::interpreter::Failure{
      .type = "CardDeclined",
      .message = "card secret-4111 declined",
      .details = json{{"secret", "details"}},
      .stack_trace = "at charge (secret-trace)",
      .cause = std::make_shared<weft::interpreter::Failure>(
          weft::interpreter::Failure{.type = "Http", .message = "secret-cause"}),
      .step = "charge"});
  const auto original = answer;
  REQUIRE(EncodeMessage(K1(), answer));

  const auto& failure = answer.commands(0).fail_workflow_execution_command_attributes().failure();
  CHECK(failure.message() == "Encoded failure");
  CHECK(failure.stack_trace().empty());
  CHECK(failure.encoded_attributes().metadata().at("encoding") == "binary/encrypted");
  CHECK(failure.cause().message() == "Encoded failure");
  CHECK(answer.SerializeAsString().find("secret") == std::string::npos);

  REQUIRE(DecodeMessage(K1(), answer));
  const auto& decoded = answer.commands(0).fail_workflow_execution_command_attributes().failure();
  CHECK(decoded.message() == "card secret-4111 declined");
  CHECK(decoded.stack_trace() == "at charge (secret-trace)");
  CHECK(decoded.cause().message() == "secret-cause");
  // weft's own attributes survive beside them.
  const auto back = weft::temporal::FromTemporalFailure(decoded);
  CHECK(back.step == "charge");
  CHECK(back.details == json{{"secret", "details"}});
  CHECK(back.message == "card secret-4111 declined");
}

TEST_CASE("A payload that does not decode is named by where it is in the message") {
  auto message = Answer();
  REQUIRE(EncodeMessage(K1(), message));
  const EncryptionCodec other = Codec("k2 YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI=");
  auto decoded = DecodeMessage(other, message);
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error() ==
        "commands[0].schedule_activity_task_command_attributes.header.fields[\"weft-resume\"]: a "
        "payload is encrypted with the key `k1`, which keys.txt does not hold (it holds k2); add "
        "that key below the first one");
}

TEST_CASE("Payloads from SDKs without the codec read as they are") {
  auto plain = Answer();
  const auto original = plain;
  REQUIRE(DecodeMessage(K1(), plain));
  CHECK(Same(plain, original));
}
