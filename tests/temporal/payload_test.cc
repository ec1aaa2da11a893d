// Payloads as the SDKs write them: the bytes must match, since other SDKs decode what weft
// encodes and weft decodes what they encode.

#include "runtime/temporal/payload.h"

#include <catch2/catch.hpp>

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

TEST_CASE("a payload from any client is read with weft's bounds: depth, range, keys twice") {
  auto with_data = [](const std::string& data) {
    Payload payload;
    (*payload.mutable_metadata())["encoding"] = "json/plain";
    payload.set_data(data);
    return FromPayload(payload);
  };
  auto deep = with_data(std::string(100000, '[') + std::string(100000, ']'));
  REQUIRE_FALSE(deep);
  CHECK_THAT(deep.error(), Catch::Contains("json/plain payload"));
  CHECK_THAT(deep.error(), Catch::Contains("nested deeper than 256 levels"));
  auto huge = with_data(R"({"n": 1e999})");
  REQUIRE_FALSE(huge);
  CHECK_THAT(huge.error(), Catch::Contains("1e999"));
  auto twice = with_data(R"({"k": 1, "k": 2})");
  REQUIRE_FALSE(twice);
  CHECK_THAT(twice.error(), Catch::Contains(R"(the key "k" appears twice)"));
}
