// Input schemas: valid input passes; invalid input is reported by JSON Pointer, innermost
// first, with what is wrong.
#include "dsl/input_check.h"

#include <catch2/catch.hpp>

namespace {

using namespace weft::dsl;
using nlohmann::json;

const json kSchema = json::parse(R"({
  "type": "object",
  "required": ["order_id", "items"],
  "properties": {
    "order_id": {"type": "string"},
    "items": {"type": "array", "items": {"type": "object",
              "properties": {"quantity": {"type": "integer", "minimum": 1}}}}
  }
})");

TEST_CASE("valid input and empty schemas pass") {
  CHECK(CheckInput(kSchema, json::parse(R"({"order_id": "1", "items": [{"quantity": 2}]})")));
  CHECK(CheckInput(json::object(), 42));
  CHECK(CheckInput(nullptr, "anything"));
}

TEST_CASE("a wrong value is reported where it is") {
  auto checked =
      CheckInput(kSchema, json::parse(R"({"order_id": "1", "items": [{"quantity": 0}]})"));
  REQUIRE_FALSE(checked);
  REQUIRE(checked.error().size() == 1);
  CHECK(checked.error()[0].pointer == "/items/0/quantity");
  CHECK(DescribeInputErrors(checked.error()).starts_with("input /items/0/quantity: "));
}

TEST_CASE("a missing property is reported at its object") {
  auto checked = CheckInput(kSchema, json::parse(R"({"items": []})"));
  REQUIRE_FALSE(checked);
  CHECK(checked.error()[0].pointer == "");
  CHECK(checked.error()[0].message.find("order_id") != std::string::npos);
}

}  // namespace

TEST_CASE(
    "an input built too deep in memory is refused where it goes too deep, whatever the schema") {
  json deep = 1;
  for (int i = 0; i < 300; ++i) deep = json::array({deep});
  auto checked = weft::dsl::CheckInput(json::object(), {{"a/b", deep}});
  REQUIRE_FALSE(checked);
  REQUIRE(checked.error().size() == 1);
  // 256 containers deep are allowed: the input object, "a/b", then 254 arrays.
  std::string pointer = "/a~1b";
  for (int i = 0; i < 255; ++i) pointer += "/0";
  CHECK(checked.error()[0].pointer == pointer);
  CHECK_THAT(checked.error()[0].message, Catch::Contains("nested deeper than 256 levels"));
  json fine = 1;
  for (int i = 0; i < 200; ++i) fine = json::array({fine});
  CHECK(weft::dsl::CheckInput(json::object(), {{"a", fine}}));
}

TEST_CASE("a pattern that is no regular expression is an error of the schema, not a crash") {
  // Found by the input_check fuzz target: valijson compiles a pattern when a value reaches it.
  const json schema = json::parse(
      R"({"type": "object", "properties": {"code": {"type": "string", "pattern": "a{2,1}"}}})");
  auto checked = weft::dsl::CheckInput(schema, {{"code", "aa"}});
  REQUIRE_FALSE(checked);
  REQUIRE(checked.error().size() == 1);
  CHECK(checked.error()[0].pointer == "");
  CHECK_THAT(checked.error()[0].message,
             Catch::Contains("the definition's input schema cannot be used"));
  // No value reaches the pattern: nothing to check, nothing thrown.
  CHECK(weft::dsl::CheckInput(schema, json::object()));
}

TEST_CASE("a counted repetition over 1000 in a pattern is refused before any regex sees it") {
  // Found by the input_check fuzz target: libstdc++'s regex overflows reading a count of 19
  // digits, and expands a large count into that many states.
  for (const std::string pattern : {"a{0,184467440737095516161}", "a{1001}", "(ab){2,5000}"}) {
    const json schema = {{"type", "object"},
                         {"properties", {{"code", {{"type", "string"}, {"pattern", pattern}}}}}};
    auto checked = weft::dsl::CheckInput(schema, {{"code", "aa"}});
    INFO(pattern);
    REQUIRE_FALSE(checked);
    REQUIRE(checked.error().size() == 1);
    CHECK_THAT(checked.error()[0].message,
               Catch::Contains("its pattern at /properties/code/pattern") &&
                   Catch::Contains("repetition count"));
  }
  const json keyed = {{"type", "object"},
                      {"patternProperties", {{"^x{2000}$", {{"type", "integer"}}}}}};
  auto refused = weft::dsl::CheckInput(keyed, {{"y", 1}});
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error()[0].message, Catch::Contains("/patternProperties/^x{2000}$"));
  // Counts within the bound, and braces that are literal, still work as patterns.
  const json fine = {
      {"type", "object"},
      {"properties",
       {{"code", {{"type", "string"}, {"pattern", "^a{2,1000}\\{99999\\}[{0-9}]$"}}}}}};
  CHECK(weft::dsl::CheckInput(fine, {{"code", "aa{99999}7"}}));
  CHECK_FALSE(weft::dsl::CheckInput(fine, {{"code", "a{99999}7"}}));
}
