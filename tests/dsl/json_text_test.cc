// ParseJsonText: JSON from outside is refused where it enters, with what is wrong and where it
// came from (defects D6 and D7 of the reliability issue: `1e999` aborted every command that
// takes --input; 100,000 levels of nesting crashed `weft run`; a key given twice was silently
// dropped).
#include "dsl/json_text.h"

#include <catch2/catch.hpp>
#include <string>

namespace weft::dsl {
namespace {

std::string Refusal(const std::string& text) {
  auto parsed = ParseJsonText(text, "the value of --input");
  REQUIRE_FALSE(parsed);
  return parsed.error();
}

TEST_CASE("good JSON is read as it is") {
  auto parsed = ParseJsonText(R"({"a": [1, 2.5, "x", null], "b": {"c": true}})", "test");
  REQUIRE(parsed);
  CHECK((*parsed)["a"][0].is_number_integer());
  CHECK((*parsed)["b"]["c"] == true);
  // The same key in two objects is two keys.
  CHECK(ParseJsonText(R"({"a": {"k": 1}, "b": {"k": 2}})", "test"));
}

TEST_CASE("what is refused, and the message that says why") {
  CHECK_THAT(Refusal(R"({"name": 1e999})"),
             Catch::StartsWith("invalid JSON in the value of --input: ") &&
                 Catch::Contains("number overflow parsing '1e999'"));
  CHECK_THAT(Refusal(R"({"name": "a", "name": "b"})"),
             Catch::Contains("the key \"name\" appears twice in one object"));
  CHECK_THAT(Refusal(R"({"a": )"), Catch::Contains("parse error"));
  const int too_deep = kMaxJsonDepth + 1;
  CHECK_THAT(Refusal(std::string(too_deep, '[') + std::string(too_deep, ']')),
             Catch::Contains("nested deeper than 256 levels"));
  // 100,000 levels: refused at the limit, without walking the rest.
  CHECK_THAT(Refusal(std::string(100000, '[') + std::string(100000, ']')),
             Catch::Contains("nested deeper"));
  // At the limit itself, accepted.
  const int deepest = kMaxJsonDepth;
  CHECK(ParseJsonText(std::string(deepest, '[') + std::string(deepest, ']'), "test"));
}

}  // namespace
}  // namespace weft::dsl
