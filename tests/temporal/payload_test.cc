// Payloads as the SDKs write them: the bytes must match, since other SDKs decode what weft
// encodes and weft decodes what they encode.

#include "runtime/temporal/payload.h"

#include <catch2/catch.hpp>

#include "runtime/run/failure_codec.h"
#include "runtime/temporal/failure.h"

using nlohmann::json;
using weft::temporal::FromPayload;
using weft::temporal::FromPayloads;
using weft::temporal::Payload;
using weft::temporal::Payloads;
using weft::temporal::ToPayload;

TEST_CASE("JSON values become one compact json/plain payload") {
  Payload payload = ToPayload(json{{"name", "Ada"}, {"items", {1, 2}}});
  CHECK(payload.metadata().at("encoding") == "json/plain");
  // Compact and with sorted keys, as Python's json.dumps(separators=(",", ":"), sort_keys=True).
  CHECK(payload.data() == R"({"items":[1,2],"name":"Ada"})");
  CHECK(ToPayload("text").data() == R"("text")");
  CHECK(ToPayload(42).data() == "42");
}

TEST_CASE("null is binary/null with no data") {
  Payload payload = ToPayload(nullptr);
  CHECK(payload.metadata().at("encoding") == "binary/null");
  CHECK(payload.data().empty());
  CHECK(*FromPayload(payload) == nullptr);
}

TEST_CASE("decoding accepts what the SDKs write") {
  Payload spaced;
  (*spaced.mutable_metadata())["encoding"] = "json/plain";
  spaced.set_data("{ \"a\" : [1, 2.5, true] }\n");
  CHECK(*FromPayload(spaced) == json{{"a", {1, 2.5, true}}});

  Payload bytes;
  (*bytes.mutable_metadata())["encoding"] = "binary/plain";
  bytes.set_data("raw");
  CHECK(*FromPayload(bytes) == "raw");

  // Go and Java omit the payload of a void result.
  CHECK(*FromPayloads(Payloads{}) == nullptr);

  // Several positional arguments from an SDK caller.
  Payloads several;
  *several.add_payloads() = ToPayload(1);
  *several.add_payloads() = ToPayload("two");
  CHECK(*FromPayloads(several) == json::array({1, "two"}));
}

TEST_CASE("payloads weft cannot read are errors that name the encoding") {
  Payload encrypted;
  (*encrypted.mutable_metadata())["encoding"] = "binary/encrypted";
  auto value = FromPayload(encrypted);
  REQUIRE_FALSE(value);
  CHECK_THAT(value.error(), Catch::Contains("binary/encrypted"));

  Payload broken;
  (*broken.mutable_metadata())["encoding"] = "json/plain";
  broken.set_data("{not json");
  REQUIRE_FALSE(FromPayload(broken));

  REQUIRE_FALSE(FromPayload(Payload{}));
}

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
