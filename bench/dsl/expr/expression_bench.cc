// Evaluation and compilation speed of the expression language, on the shapes a workflow step
// uses most: a guard comparing two fields, building a map of arguments, a filter and map over a
// list, string functions, and compiling at load time.
#include <benchmark/benchmark.h>

#include <string>

#include "dsl/expr/expression.h"

namespace weft::dsl::expr {
namespace {

using nlohmann::json;

// A step's view of the world: an order as workflow input, a few variables.
const json& Values() {
  static const json kValues = [] {
    json lines = json::array();
    for (int i = 0; i < 100; ++i) {
      lines.push_back({{"sku", "SKU-" + std::to_string(i)}, {"qty", i % 5}, {"price", 9.5 + i}});
    }
    return json{{"input",
                 {{"order_id", "ORD-2026-0001"},
                  {"customer", {{"id", "C-42"}, {"tier", "gold"}, {"email", "ada@example.com"}}},
                  {"total", 1500.5},
                  {"paid", 1500.5},
                  {"qty", 3},
                  {"currency", "EUR"},
                  {"lines", lines}}},
                {"vars", {{"stage", "charged"}, {"approved", true}, {"attempts", 2}}}};
  }();
  return kValues;
}

Scope BenchScope() {
  Scope scope;
  scope.names["input"] = Type::Dyn();
  scope.names["vars"] = Type::Dyn();
  return scope;
}

void RunEvaluate(benchmark::State& state, const std::string& source) {
  auto program = Compile(source, BenchScope());
  if (!program) {
    state.SkipWithError(program.error().front().message.c_str());
    return;
  }
  EvalContext context;
  context.values = &Values();
  for (auto _ : state) {
    auto result = Evaluate(*program, context);
    benchmark::DoNotOptimize(result);
  }
}

// Bar: <= 200 ns. Two fields of the seven-field order above.
void BM_CompareTwoFields(benchmark::State& state) {
  RunEvaluate(state, "input.total == input.paid");
}
BENCHMARK(BM_CompareTwoFields);

// The same on a two-field input, as in the issue's `input.a == input.b`.
void BM_CompareTwoFieldsSmallInput(benchmark::State& state) {
  const json values = {{"input", {{"a", "gold"}, {"b", "gold"}}}};
  auto program = Compile("input.a == input.b", BenchScope());
  EvalContext context;
  context.values = &values;
  for (auto _ : state) {
    auto result = Evaluate(*program, context);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_CompareTwoFieldsSmallInput);

void BM_CompareNestedFieldWithLiteral(benchmark::State& state) {
  RunEvaluate(state, "input.customer.tier == 'gold' && input.total > 1000");
}
BENCHMARK(BM_CompareNestedFieldWithLiteral);

// Bar: <= 1 us.
void BM_FiveFieldMap(benchmark::State& state) {
  RunEvaluate(state,
              "{'order_id': input.order_id, 'amount': input.total, 'currency': input.currency, "
              "'customer': input.customer.id, 'attempt': vars.attempts}");
}
BENCHMARK(BM_FiveFieldMap);

void BM_StringBuilding(benchmark::State& state) {
  RunEvaluate(state, "'order ' + input.order_id.lowerAscii() + ' for ' + input.customer.email");
}
BENCHMARK(BM_StringBuilding);

void BM_MatchesLiteralRegex(benchmark::State& state) {
  RunEvaluate(state, "input.order_id.matches('^ORD-[0-9]{4}-[0-9]+$')");
}
BENCHMARK(BM_MatchesLiteralRegex);

void BM_FilterMapHundredLines(benchmark::State& state) {
  RunEvaluate(state, "input.lines.filter(l, l.qty > 0).map(l, l.sku)");
}
BENCHMARK(BM_FilterMapHundredLines);

void BM_DefaultForMissingField(benchmark::State& state) {
  RunEvaluate(state, "input.coupon ?? 'none'");
}
BENCHMARK(BM_DefaultForMissingField);

void BM_TimestampArithmetic(benchmark::State& state) {
  RunEvaluate(state,
              "timestamp('2026-01-01T00:00:00Z') + duration('48h') > "
              "timestamp('2026-01-02T00:00:00Z')");
}
BENCHMARK(BM_TimestampArithmetic);

void BM_CompileGuard(benchmark::State& state) {
  const Scope scope = BenchScope();
  for (auto _ : state) {
    auto program = Compile("input.customer.tier == 'gold' && input.total > 1000", scope);
    benchmark::DoNotOptimize(program);
  }
}
BENCHMARK(BM_CompileGuard);

void BM_CompileFiveFieldMap(benchmark::State& state) {
  const Scope scope = BenchScope();
  for (auto _ : state) {
    auto program = Compile(
        "{'order_id': input.order_id, 'amount': input.total, 'currency': input.currency, "
        "'customer': input.customer.id, 'attempt': vars.attempts}",
        scope);
    benchmark::DoNotOptimize(program);
  }
}
BENCHMARK(BM_CompileFiveFieldMap);

}  // namespace
}  // namespace weft::dsl::expr

BENCHMARK_MAIN();
