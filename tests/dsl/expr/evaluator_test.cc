// The evaluator, through Evaluate(): budgets, errors with their positions, recorded functions,
// and sharing one Program between threads. The operator-by-operator and function-by-function
// behaviour is the table in cases.txt.
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "dsl/expr/codes.h"
#include "dsl/expr/expression.h"

namespace weft::dsl::expr {
namespace {

using nlohmann::json;

Scope DynScope(std::initializer_list<const char*> names, bool recorded = false) {
  Scope scope;
  for (const char* name : names) scope.names[name] = Type::Dyn();
  scope.allow_recorded_functions = recorded;
  return scope;
}

Program MustCompile(const std::string& source, const Scope& scope) {
  auto program = Compile(source, scope);
  if (!program) FAIL("compile failed: " << program.error().front().message);
  return *program;
}

TEST_CASE("values are read from the context by root name") {
  const json values = {{"input", {{"a", 2}, {"b", 2}}}, {"vars", {{"n", 40}}}};
  EvalContext context;
  context.values = &values;
  auto program =
      MustCompile("input.a == input.b && vars.n + input.a == 42", DynScope({"input", "vars"}));
  auto result = Evaluate(program, context);
  REQUIRE(result.has_value());
  CHECK(*result == true);
}

TEST_CASE("a name in scope without a value at run time is an error, not a crash") {
  auto program = MustCompile("input.a", DynScope({"input"}));
  EvalContext no_values;
  auto result = Evaluate(program, no_values);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == codes::kUnboundName);
  const json values = json::object();
  EvalContext empty;
  empty.values = &values;
  CHECK(Evaluate(program, empty).error().code == codes::kUnboundName);
}

TEST_CASE("errors point at the sub-expression that failed") {
  const json values = {{"input", {{"a", 1}, {"zero", 0}}}};
  EvalContext context;
  context.values = &values;
  const std::string source = "input.a + input.a / input.zero";
  auto result = Evaluate(MustCompile(source, DynScope({"input"})), context);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == codes::kDivisionByZero);
  CHECK(source.substr(result.error().offset, result.error().length) == "input.a / input.zero");

  const std::string missing = "input.a + input.nope";
  result = Evaluate(MustCompile(missing, DynScope({"input"})), context);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == codes::kMissingField);
  CHECK(missing.substr(result.error().offset, result.error().length) == "input.nope");
  CHECK(result.error().message.find("`a`") != std::string::npos);  // lists what is there
}

TEST_CASE("the step budget stops long evaluations") {
  json list = json::array();
  for (int i = 0; i < 1000; ++i) list.push_back(i);
  const json values = {{"input", {{"list", list}}}};
  EvalContext context;
  context.values = &values;
  context.limits.max_steps = 5000;
  auto program = MustCompile("input.list.map(x, input.list.map(y, x * y))", DynScope({"input"}));
  auto result = Evaluate(program, context);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == codes::kStepBudget);
  // The same program fits a larger budget.
  context.limits.max_steps = 10'000'000;
  context.limits.max_bytes = 100 << 20;
  REQUIRE(Evaluate(program, context).has_value());
}

TEST_CASE("the size budget stops values from growing without bound") {
  const json values = {{"input", {{"text", std::string(10000, 'x')}}}};
  EvalContext context;
  context.values = &values;
  context.limits.max_bytes = 64 * 1024;
  auto concat = MustCompile("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(i, input.text + input.text)",
                            DynScope({"input"}));
  auto result = Evaluate(concat, context);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == codes::kSizeBudget);

  // Copying large borrowed values into new ones counts too.
  auto copies =
      MustCompile("[input, input, input, input, input, input, input]", DynScope({"input"}));
  CHECK(Evaluate(copies, context).error().code == codes::kSizeBudget);
  auto replace = MustCompile("input.text.replace('x', 'xxxxxxxx')", DynScope({"input"}));
  CHECK(Evaluate(replace, context).error().code == codes::kSizeBudget);
  auto split = MustCompile("input.text.split('')", DynScope({"input"}));
  CHECK(Evaluate(split, context).error().code == codes::kSizeBudget);
}

TEST_CASE("nesting up to the limit evaluates; beyond it, compiling fails instead") {
  auto nested = [](int depth) {
    std::string source;
    for (int i = 0; i < depth; ++i) source += "[";
    source += "1";
    for (int i = 0; i < depth; ++i) source += "]";
    return source;
  };
  auto program = Compile(nested(100), DynScope({}));
  REQUIRE(program.has_value());
  auto result = Evaluate(*program, EvalContext{});
  REQUIRE(result.has_value());
  const json* inner = &*result;
  int depth = 0;
  while (inner->is_array()) inner = &(*inner)[0], ++depth;
  CHECK(depth == 100);
  auto too_deep = Compile(nested(1000), DynScope({}));
  REQUIRE_FALSE(too_deep.has_value());
  CHECK(too_deep.error().front().code == codes::kTooDeep);
}

TEST_CASE("recorded functions call the context's callbacks every time") {
  int calls = 0;
  EvalContext context;
  context.uuid = [&calls] { return "id-" + std::to_string(++calls); };
  context.now_unix_ms = [] { return std::int64_t{1'700'000'000'123}; };
  context.random = [] { return 0.5; };
  auto program = MustCompile("[uuid(), uuid(), string(now()), random()]", DynScope({}, true));
  auto result = Evaluate(program, context);
  REQUIRE(result.has_value());
  CHECK(*result == json::parse(R"(["id-1", "id-2", "2023-11-14T22:13:20.123Z", 0.5])"));
  CHECK(calls == 2);
}

TEST_CASE("a recorded function without a callback is an error, never a guess") {
  auto program = MustCompile("now()", DynScope({}, true));
  auto result = Evaluate(program, EvalContext{});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == codes::kNoRecorder);
}

TEST_CASE("evaluation is deterministic and does not change its inputs") {
  const json values = {{"input", {{"m", {{"b", 1}, {"a", 2}, {"c", 3}}}}}};
  const json before = values;
  EvalContext context;
  context.values = &values;
  auto program =
      MustCompile("{'keys': input.m.map(k, k), 'sum': input.m.a + input.m.b}", DynScope({"input"}));
  auto first = Evaluate(program, context);
  REQUIRE(first.has_value());
  for (int i = 0; i < 10; ++i) CHECK(Evaluate(program, context)->dump() == first->dump());
  CHECK(first->dump() == R"({"keys":["a","b","c"],"sum":3})");
  CHECK(values == before);
}

TEST_CASE("one program is evaluated from several threads at once") {
  auto program =
      MustCompile("input.list.filter(x, x % 2 == 0).map(x, x * input.k)", DynScope({"input"}));
  std::vector<std::thread> threads;
  // A byte per thread: std::vector<bool> packs the four into one word, which the threads would
  // write at once (ThreadSanitizer caught it).
  std::vector<char> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&program, &ok, t] {
      json list = json::array();
      for (int i = 0; i < 100; ++i) list.push_back(i);
      const json values = {{"input", {{"list", list}, {"k", t}}}};
      EvalContext context;
      context.values = &values;
      bool all = true;
      for (int round = 0; round < 200; ++round) {
        auto result = Evaluate(program, context);
        all = all && result.has_value() && result->size() == 50 && (*result)[1] == 2 * t;
      }
      ok[static_cast<std::size_t>(t)] = all;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == std::vector<char>(4, 1));
}

TEST_CASE("copies of a Program share the compiled form and outlive the original") {
  std::optional<Program> copy;
  {
    auto program = MustCompile("1 + 2", DynScope({}));
    copy = program;
  }
  CHECK(*Evaluate(*copy, EvalContext{}) == 3);
}

TEST_CASE("results own their data: borrowed values are copied out") {
  json values = {{"input", {{"list", {1, 2, 3}}}}};
  EvalContext context;
  context.values = &values;
  auto result = Evaluate(MustCompile("input.list", DynScope({"input"})), context);
  values["input"]["list"][0] = 99;
  REQUIRE(result.has_value());
  CHECK(*result == json::parse("[1, 2, 3]"));
}

TEST_CASE("a number typed double by a schema keeps its JSON form and divides as a double") {
  Scope scope;
  scope.names["input"] = TypeFromJsonSchema(
      json::parse(R"({"type": "object", "properties": {"total": {"type": "number"}}})"));
  const json values = {{"input", {{"total", 5}}}};
  EvalContext context;
  context.values = &values;
  CHECK(Evaluate(MustCompile("input.total / 2", scope), context)->dump() == "2.5");
  CHECK(Evaluate(MustCompile("2 / input.total", scope), context)->dump() == "0.4");
  // Passed on, or in arithmetic that is exact on ints, the integer stays an integer.
  CHECK(Evaluate(MustCompile("input.total", scope), context)->dump() == "5");
  CHECK(Evaluate(MustCompile("input", scope), context)->dump() == R"({"total":5})");
  CHECK(Evaluate(MustCompile("[input.total, {'t': input.total}]", scope), context)->dump() ==
        R"([5,{"t":5}])");
  CHECK(Evaluate(MustCompile("input.total * 4000", scope), context)->dump() == "20000");
  CHECK(Evaluate(MustCompile("true ? input.total : 1.5", scope), context)->dump() == "5");
  CHECK(Evaluate(MustCompile("input.total * 4611686018427387904", scope), context)->dump() ==
        "2.305843009213694e+19");
  const json fraction = {{"input", {{"total", 5.5}}}};
  context.values = &fraction;
  CHECK(Evaluate(MustCompile("input.total * 2", scope), context)->dump() == "11.0");
  context.values = &values;
  // Without the schema, JSON's integer stays an integer.
  CHECK(Evaluate(MustCompile("input.total / 2", DynScope({"input"})), context)->dump() == "2");
}

TEST_CASE("large unsigned JSON integers are not silently wrapped") {
  const json values = {{"input", {{"huge", std::uint64_t{18446744073709551615u}}}}};
  EvalContext context;
  context.values = &values;
  auto result = Evaluate(MustCompile("input.huge + 1", DynScope({"input"})), context);
  // Beyond int64 it is computed as a double, never wrapped around.
  REQUIRE(result.has_value());
  CHECK(result->get<double>() > 1.8e19);
  CHECK(Evaluate(MustCompile("int(input.huge)", DynScope({"input"})), context).error().code ==
        codes::kConversion);
}

}  // namespace
}  // namespace weft::dsl::expr
