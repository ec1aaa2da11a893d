// Types: their spelling, equality, and what a JSON Schema says about them.
#include "dsl/expr/type.h"

#include <catch2/catch.hpp>

namespace weft::dsl::expr {
namespace {

using nlohmann::json;

std::string FromSchema(const char* schema) {
  return TypeFromJsonSchema(json::parse(schema)).ToString();
}

TEST_CASE("types spell themselves") {
  CHECK(Type().ToString() == "dyn");
  CHECK(Type::List(Type::Int()).ToString() == "list<int>");
  CHECK(Type::Map(Type::String()).ToString() == "map<string, string>");
  CHECK(Type::Object({{"a", Type::Int()}}, false).ToString() == "object{a: int}");
  CHECK(Type::Object({{"a", Type::Int()}}, true).ToString() == "object{a: int, ...}");
}

TEST_CASE("types compare structurally") {
  CHECK(Type::List(Type::Int()) == Type::List(Type::Int()));
  CHECK_FALSE(Type::List(Type::Int()) == Type::List(Type::String()));
  CHECK_FALSE(Type::Object({}, true) == Type::Object({}, false));
  CHECK(Type::Dyn() == Type());
}

TEST_CASE("JSON Schema maps onto types") {
  CHECK(FromSchema(R"({"type": "integer"})") == "int");
  CHECK(FromSchema(R"({"type": "number"})") == "double");
  CHECK(FromSchema(R"({"type": "string", "format": "date-time"})") == "string");
  CHECK(FromSchema(R"({"type": "boolean"})") == "bool");
  CHECK(FromSchema(R"({"type": ["string", "null"]})") == "string");
  CHECK(FromSchema(R"({"type": ["string", "integer"]})") == "dyn");
  CHECK(FromSchema(R"({"type": "array", "items": {"type": "string"}})") == "list<string>");
  CHECK(FromSchema(R"({"type": "array"})") == "list<dyn>");
  CHECK(FromSchema(R"({"type": "object"})") == "map<string, dyn>");
  CHECK(FromSchema(R"({"type": "object", "additionalProperties": {"type": "integer"}})") ==
        "map<string, int>");
  CHECK(FromSchema(R"({"type": "object", "properties": {"a": {"type": "integer"}}})") ==
        "object{a: int, ...}");
  CHECK(FromSchema(R"({"type": "object", "additionalProperties": false,
                       "properties": {"a": {}}})") == "object{a: dyn}");
  CHECK(FromSchema(R"({"enum": ["a", "b"]})") == "string");
  CHECK(FromSchema(R"({"enum": ["a", 1]})") == "dyn");
  CHECK(FromSchema(R"({"const": 3})") == "int");
  CHECK(FromSchema(R"({"oneOf": [{"type": "string"}]})") == "dyn");
  CHECK(FromSchema(R"(true)") == "dyn");
}

TEST_CASE("deeply nested schemas are described to a bounded depth") {
  json schema = {{"type", "string"}};
  for (int i = 0; i < 1000; ++i) schema = {{"type", "array"}, {"items", schema}};
  const std::string spelled = TypeFromJsonSchema(schema).ToString();
  CHECK(spelled.find("dyn") != std::string::npos);
}

}  // namespace
}  // namespace weft::dsl::expr
