// CheckArguments: a tool call's arguments held to the tool's own inputSchema, as the MCP server
// does before any tool runs: an argument the tool does not take, of the wrong type, outside its
// enum, or missing, is refused with a message that names it and lists what the tool takes.
#include "agents/tool_arguments.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;
using weft::agents::CheckArguments;
using weft::agents::Tool;

Tool Validate() {
  return {.name = "validate_workflow",
          .input_schema = {{"type", "object"},
                           {"properties",
                            {{"path", {{"type", "string"}}},
                             {"name", {{"type", "string"}}},
                             {"mode", {{"type", "string"}, {"enum", {"fast", "full"}}}},
                             {"limit", {{"type", "integer"}}},
                             {"ratio", {{"type", "number"}}},
                             {"input", {{"description", "anything"}}}}},
                           {"required", {"name"}},
                           {"additionalProperties", false}}};
}

}  // namespace

TEST_CASE("arguments the schema allows pass, whatever their order") {
  CHECK(CheckArguments(Validate(), {{"name", "hello"}}));
  CHECK(CheckArguments(Validate(), {{"name", "hello"},
                                    {"path", "workflows"},
                                    {"mode", "full"},
                                    {"limit", 3},
                                    {"ratio", 2},  // an integer is a number
                                    {"input", {{"any", {1, 2}}}}}));
}

TEST_CASE("an unknown argument is refused, named, with the accepted ones listed") {
  auto checked = CheckArguments(Validate(), {{"name", "hello"}, {"yaml", "dsl: 1"}});
  REQUIRE_FALSE(checked);
  CHECK(checked.error().argument == "yaml");
  const json reply = checked.error().ToJson();
  CHECK(reply["argument"] == "yaml");
  const std::string error = reply["error"];
  CHECK_THAT(error, Catch::Contains("unknown argument `yaml` of validate_workflow"));
  CHECK_THAT(error, Catch::Contains("path (string)"));
  CHECK_THAT(error, Catch::Contains("name (string, required)"));
  CHECK(reply["accepted"].size() == 6);
}

TEST_CASE("an argument of the wrong type, or outside its enum, is refused") {
  auto number = CheckArguments(Validate(), {{"name", 5}});
  REQUIRE_FALSE(number);
  CHECK(number.error().argument == "name");
  CHECK_THAT(number.error().message, Catch::Contains("must be string, not integer (5)"));
  auto fraction = CheckArguments(Validate(), {{"name", "a"}, {"limit", 1.5}});
  REQUIRE_FALSE(fraction);
  CHECK(fraction.error().argument == "limit");
  auto mode = CheckArguments(Validate(), {{"name", "a"}, {"mode", "slow"}});
  REQUIRE_FALSE(mode);
  CHECK_THAT(mode.error().message, Catch::Contains("not one of [\"fast\",\"full\"]"));
}

TEST_CASE("a missing required argument is refused") {
  auto checked = CheckArguments(Validate(), json::object());
  REQUIRE_FALSE(checked);
  CHECK(checked.error().argument == "name");
  CHECK_THAT(checked.error().message, Catch::Contains("missing argument `name`"));
}

TEST_CASE("a schema open to more properties (a workflow's input) takes unknown ones") {
  Tool open{.name = "hello",
            .input_schema = {{"type", "object"}, {"properties", {{"name", {{"type", "string"}}}}}}};
  CHECK(CheckArguments(open, {{"name", "Ada"}, {"extra", true}}));
  CHECK_FALSE(CheckArguments(open, {{"name", 1}}));
}
