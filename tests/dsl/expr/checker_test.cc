// The checker, through Compile(): names resolved against the Scope with candidates for typos,
// types checked where they are known, recorded functions only where allowed, every diagnostic
// reported with its position.
#include <catch2/catch.hpp>
#include <string>

#include "dsl/expr/codes.h"
#include "dsl/expr/expression.h"

namespace weft::dsl::expr {
namespace {

Scope StepScope() {
  Scope scope;
  scope.names["input"] =
      Type::Object({{"order_id", Type::String()},
                    {"total", Type::Double()},
                    {"qty", Type::Int()},
                    {"lines", Type::List(Type::Object({{"sku", Type::String()}}, false))}},
                   false);
  scope.names["vars"] = Type::Dyn();
  scope.names["reservation"] = Type::Dyn();
  scope.names["wf"] = Type::Object({{"id", Type::String()}, {"attempt", Type::Int()}}, true);
  return scope;
}

std::vector<Diagnostic> Errors(const std::string& source, const Scope& scope = StepScope()) {
  auto program = Compile(source, scope);
  if (program) return {};
  return program.error();
}

TEST_CASE("an unknown name is an error that suggests the closest name in scope") {
  auto errors = Errors("inptu.total > 10");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == codes::kUnknownName);
  CHECK(errors[0].offset == 0);
  CHECK(errors[0].length == 5);
  CHECK(errors[0].message == "unknown name `inptu`; did you mean `input`?");
  CHECK(errors[0].hint == "names in scope: `input`, `reservation`, `vars`, `wf`");
}

TEST_CASE("a name far from every candidate lists them without a guess") {
  auto errors = Errors("zzz");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "unknown name `zzz`");
  CHECK(errors[0].hint.find("`input`") != std::string::npos);
}

TEST_CASE("every unknown name is reported, in text order") {
  auto errors = Errors("stgae == 1 || inptu.qty > vars.x || reservaton.id == ''");
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].offset == 0);
  CHECK(errors[1].message == "unknown name `inptu`; did you mean `input`?");
  CHECK(errors[2].message == "unknown name `reservaton`; did you mean `reservation`?");
}

TEST_CASE("loop variables are in scope inside their macro only") {
  CHECK(Errors("input.lines.all(l, l.sku != '')").empty());
  auto errors = Errors("input.lines.all(l, true) && l.sku == ''");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == codes::kUnknownName);
  CHECK(errors[0].offset == 28);
}

TEST_CASE("fields of closed objects are checked, with a suggestion") {
  auto errors = Errors("input.totl > 1");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == codes::kNoSuchField);
  CHECK(errors[0].message.find("did you mean `total`?") != std::string::npos);
  CHECK(Errors("input.lines[0].skew").at(0).code == codes::kNoSuchField);
  CHECK(Errors("input.lines.map(l, l.sku)").empty());
  // Open objects and dyn accept any field.
  CHECK(Errors("wf.run_id == ''").empty());
  CHECK(Errors("vars.anything.at.all").empty());
}

TEST_CASE("operators and functions on known types are checked at compile time") {
  CHECK(Errors("'a' - 1").at(0).code == codes::kOperatorTypes);
  CHECK(Errors("size(1)").at(0).code == codes::kArgumentTypes);
  CHECK(Errors("input.order_id * 2").at(0).code == codes::kOperatorTypes);
  CHECK(Errors("input.qty + input.order_id").at(0).code == codes::kOperatorTypes);
  CHECK(Errors("input.order_id.startsWith(1)").at(0).code == codes::kArgumentTypes);
  CHECK(Errors("input.qty ? 1 : 2").at(0).code == codes::kNotBool);
  CHECK(Errors("input.lines.all(l, l.sku)").at(0).code == codes::kNotBool);
  CHECK(Errors("input.qty.size()").at(0).code == codes::kArgumentTypes);
  CHECK(Errors("input.total % 2").at(0).code == codes::kOperatorTypes);
  CHECK(Errors("size('a', 'b')").at(0).code == codes::kArgumentCount);
  CHECK(Errors("'a'.frobnicate()").at(0).code == codes::kUnknownFunction);
  // Dyn defers the check to run time.
  CHECK(Errors("vars.x - 1").empty());
  CHECK(Errors("size(vars.x)").empty());
}

TEST_CASE("result types are inferred") {
  auto type = [](const std::string& source) {
    auto program = Compile(source, StepScope());
    REQUIRE(program.has_value());
    return program->result_type().ToString();
  };
  CHECK(type("input.qty + 1") == "int");
  CHECK(type("input.qty + 1.5") == "double");
  CHECK(type("input.order_id + '-x'") == "string");
  CHECK(type("input.qty > 1") == "bool");
  CHECK(type("input.lines.map(l, l.sku)") == "list<string>");
  CHECK(type("[1, 2]") == "list<int>");
  CHECK(type("[1, 'a']") == "list<dyn>");
  CHECK(type("{'a': 1}") == "object{a: int}");
  CHECK(type("duration('1h') + duration('1m')") == "duration");
  CHECK(type("vars.x") == "dyn");
  CHECK(type("vars.x ?? 'none'") == "dyn");
  CHECK(type("true ? 1 : 2") == "int");
  CHECK(type("int('1')") == "int");
}

TEST_CASE("recorded functions are errors unless the scope allows them") {
  for (const char* source : {"now()", "uuid()", "random() < 0.5"}) {
    INFO(source);
    auto errors = Errors(source);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == codes::kRecordedNotAllowed);
    CHECK_FALSE(errors[0].hint.empty());
  }
  Scope allowed = StepScope();
  allowed.allow_recorded_functions = true;
  auto program = Compile("{'id': uuid(), 'at': now()}", allowed);
  REQUIRE(program.has_value());
  CHECK(program->uses_recorded_functions());
  CHECK_FALSE(Compile("input.qty", allowed)->uses_recorded_functions());
}

TEST_CASE("literal patterns, durations and timestamps are validated when compiled") {
  CHECK(Errors("input.order_id.matches('[a-')").at(0).code == codes::kInvalidRegex);
  CHECK(Errors("duration('5 minutes')").at(0).code == codes::kInvalidLiteral);
  CHECK(Errors("timestamp('2026-01-32T00:00:00Z')").at(0).code == codes::kInvalidLiteral);
  CHECK(Errors("input.order_id.matches('^[A-Z]+-[0-9]+$')").empty());
  auto errors = Errors("duration('5 minutes')");
  CHECK(errors[0].offset == 9);
  CHECK(errors[0].length == 11);
}

TEST_CASE("referenced roots are the scope names read, sorted and unique") {
  auto program = Compile(
      "input.qty > 0 && wf.attempt < 3 && input.total > 0 && "
      "input.lines.all(vars, vars.sku != '')",
      StepScope());
  REQUIRE(program.has_value());
  CHECK(program->referenced_roots() == std::vector<std::string>{"input", "wf"});
  CHECK(program->source().starts_with("input.qty"));
}

TEST_CASE("types come from JSON Schema") {
  Scope scope;
  scope.names["input"] = TypeFromJsonSchema(nlohmann::json::parse(R"({
    "type": "object", "additionalProperties": false,
    "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}
  })"));
  CHECK(Errors("input.sku + input.qty", scope).at(0).code == codes::kOperatorTypes);
  CHECK(Errors("input.skus", scope).at(0).code == codes::kNoSuchField);
  CHECK(Errors("input.qty * 2 > 4", scope).empty());
}

TEST_CASE("syntax errors stop before checking and come alone") {
  auto errors = Errors("unknown_a + (");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == codes::kUnexpectedToken);
}

}  // namespace
}  // namespace weft::dsl::expr
