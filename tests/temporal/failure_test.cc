// Failures between Temporal's Failure proto and the interpreter's form: what other SDKs read
// of the ones weft writes, and what weft reads of theirs and of its own.

#include "runtime/temporal/failure.h"

#include <catch2/catch.hpp>

#include "runtime/run/failure_codec.h"
#include "runtime/temporal/payload.h"

using nlohmann::json;
using weft::interpreter::Failure;
using weft::temporal::FromPayload;
using weft::temporal::FromTemporalFailure;
using weft::temporal::ToPayload;
using weft::temporal::ToTemporalFailure;

namespace {

// A run that failed at `charge` after its activity's third attempt, with one compensation run.
Failure ChargeFailed() {
  auto cause = std::make_shared<Failure>(Failure{.type = "CardDeclined",
                                                 .message = "card declined",
                                                 .details = {{"card", "visa"}},
                                                 .non_retryable = true});
  return Failure{.kind = Failure::Kind::kActivity,
                 .type = "CardDeclined",
                 .message = "activity payments.charge failed",
                 .cause = cause,
                 .info = {{"activity_type", "payments.charge"},
                          {"activity_id", "2"},
                          {"retry_state", "MAXIMUM_ATTEMPTS_REACHED"},
                          {"attempt", 3}},
                 .step = "charge",
                 .compensations = {"compensate reserve"}};
}

}  // namespace

TEST_CASE("a failure chain becomes nested JSON with the fields that are set") {
  weft::temporal::Failure activity;
  activity.set_message("Activity task failed");
  activity.mutable_activity_failure_info()->mutable_activity_type()->set_name("charge");
  activity.mutable_activity_failure_info()->set_activity_id("3");
  activity.mutable_activity_failure_info()->set_retry_state(
      ::temporal::api::enums::v1::RETRY_STATE_NON_RETRYABLE_FAILURE);
  auto* cause = activity.mutable_cause();
  cause->set_message("card declined");
  cause->mutable_application_failure_info()->set_type("CardDeclined");
  cause->mutable_application_failure_info()->set_non_retryable(true);
  *cause->mutable_application_failure_info()->mutable_details()->add_payloads() =
      ToPayload(json{{"card", "visa"}});

  json failure = weft::run::FailureToJson(weft::temporal::FromTemporalFailure(activity));
  CHECK(failure["kind"] == "activity");
  CHECK(failure["info"]["activity_type"] == "charge");
  CHECK(failure["info"]["retry_state"] == "NON_RETRYABLE_FAILURE");
  CHECK(failure["type"] == "CardDeclined");
  CHECK(failure["cause"]["kind"] == "application");
  CHECK(failure["cause"]["type"] == "CardDeclined");
  CHECK(failure["cause"]["non_retryable"] == true);
  // One payload of details is the value itself, as weft writes its details.
  CHECK(failure["cause"]["details"] == json{{"card", "visa"}});
  CHECK_FALSE(failure.contains("source"));
}

TEST_CASE("a run failure's step, compensations and attempt survive the Failure proto") {
  const Failure failure = ChargeFailed();
  json read = weft::run::FailureToJson(FromTemporalFailure(ToTemporalFailure(failure)));
  json written = weft::run::FailureToJson(failure);
  // The proto says who raised it; weft's own failures say "weft".
  CHECK(read["source"] == "weft");
  CHECK(read["cause"]["source"] == "weft");
  read.erase("source");
  read["cause"].erase("source");
  CHECK(read == written);
  CHECK(read["step"] == "charge");
  CHECK(read["compensations"] == json::array({"compensate reserve"}));
  CHECK(read["info"]["attempt"] == 3);
}

TEST_CASE("other SDKs read a weft failure's fields as they are, message and stack trace alike") {
  Failure failure = ChargeFailed();
  failure.stack_trace = "at charge";
  const weft::temporal::Failure proto = ToTemporalFailure(failure);
  // The fields an SDK reads first are unchanged...
  CHECK(proto.message() == "activity payments.charge failed");
  CHECK(proto.stack_trace() == "at charge");
  CHECK(proto.activity_failure_info().activity_type().name() == "payments.charge");
  CHECK(proto.cause().application_failure_info().type() == "CardDeclined");
  // ...and the encoded attributes, from which the Go and Python SDKs take the message and the
  // stack trace when they are there, hold the same two, so that neither is lost.
  REQUIRE(proto.has_encoded_attributes());
  auto attributes = FromPayload(proto.encoded_attributes());
  REQUIRE(attributes);
  CHECK((*attributes)["message"] == proto.message());
  CHECK((*attributes)["stack_trace"] == proto.stack_trace());
  CHECK((*attributes)["weft"] ==
        json{{"step", "charge"}, {"compensations", {"compensate reserve"}}, {"attempt", 3}});
  // A cause with nothing the proto cannot hold is written as before.
  CHECK_FALSE(proto.cause().has_encoded_attributes());
}

TEST_CASE("an SDK's encoded message and stack trace are read back") {
  weft::temporal::Failure proto;
  proto.set_message("Encoded failure");
  proto.mutable_application_failure_info()->set_type("Secret");
  *proto.mutable_encoded_attributes() =
      ToPayload(json{{"message", "the real message"}, {"stack_trace", "at secret()"}});
  const Failure failure = FromTemporalFailure(proto);
  CHECK(failure.message == "the real message");
  CHECK(failure.stack_trace == "at secret()");
  CHECK(failure.step.empty());

  // Attributes that do not decode (a codec's, say) leave the fields as they are.
  (*proto.mutable_encoded_attributes()->mutable_metadata())["encoding"] = "binary/encrypted";
  CHECK(FromTemporalFailure(proto).message == "Encoded failure");
}
