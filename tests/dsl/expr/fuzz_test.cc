// Property tests: whatever the text, Compile() and Evaluate() return a value or an error, never
// crash, hang or run away with memory. Random bytes exercise the lexer; random soups of the
// language's own tokens get past it and exercise the parser, checker and evaluator. The seeds
// are fixed, so a failure reproduces.
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "dsl/expr/expression.h"

namespace weft::dsl::expr {
namespace {

using Clock = std::chrono::steady_clock;

// Longer than any one expression's work may take on a loaded machine, far shorter than a hang.
constexpr auto kRunaway = std::chrono::seconds(2);

Scope FuzzScope() {
  Scope scope;
  scope.names["input"] = Type::Dyn();
  scope.names["x"] = Type::Int();
  scope.names["s"] = Type::String();
  scope.allow_recorded_functions = true;
  return scope;
}

const nlohmann::json& FuzzValues() {
  static const nlohmann::json kValues = {
      {"input", {{"a", 1}, {"b", "text"}, {"l", {1, 2, 3}}, {"m", {{"k", nullptr}}}}},
      {"x", 7},
      {"s", "hello"}};
  return kValues;
}

// Compiles and, when that works, evaluates; returns how long it took.
Clock::duration Exercise(const std::string& source) {
  const auto start = Clock::now();
  auto program = Compile(source, FuzzScope());
  if (program) {
    EvalContext context;
    context.values = &FuzzValues();
    context.now_unix_ms = [] { return std::int64_t{0}; };
    context.uuid = [] { return std::string("u"); };
    context.random = [] { return 0.5; };
    context.limits.max_steps = 20000;
    context.limits.max_bytes = 1 << 20;
    auto result = Evaluate(*program, context);
    (void)result;
  } else {
    for (const Diagnostic& d : program.error()) {
      // Positions always fall inside the text.
      REQUIRE(d.offset <= source.size());
      REQUIRE(d.offset + d.length <= source.size());
      REQUIRE_FALSE(d.code.empty());
    }
  }
  return Clock::now() - start;
}

TEST_CASE("random bytes never crash the compiler") {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  for (int i = 0; i < 20000; ++i) {
    std::string source;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) source.push_back(static_cast<char>(byte(rng)));
    Exercise(source);
  }
}

TEST_CASE("random token soups never crash and finish quickly") {
  const std::vector<std::string> pieces = {"input",      "x",
                                           "s",          ".",
                                           "a",          "b",
                                           "l",          "m",
                                           "k",          "[",
                                           "]",          "(",
                                           ")",          "{",
                                           "}",          ",",
                                           ":",          "?",
                                           "??",         "||",
                                           "&&",         "!",
                                           "==",         "!=",
                                           "<",          "<=",
                                           ">",          ">=",
                                           "+",          "-",
                                           "*",          "/",
                                           "%",          "in",
                                           "0",          "1",
                                           "-1",         "9223372036854775807",
                                           "2.5",        "'str'",
                                           "\"\"",       "null",
                                           "true",       "false",
                                           "size",       "has",
                                           "all",        "exists",
                                           "exists_one", "map",
                                           "filter",     "contains",
                                           "matches",    "'a+'",
                                           "split",      "join",
                                           "replace",    "substring",
                                           "indexOf",    "int",
                                           "double",     "string",
                                           "bool",       "type",
                                           "duration",   "'1h'",
                                           "timestamp",  "'2026-01-01T00:00:00Z'",
                                           "now",        "uuid",
                                           "random",     "keys",
                                           "lowerAscii", "trim",
                                           " "};
  std::mt19937 rng(42);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 40);
  Clock::duration slowest{};
  int compiled = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string source;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) source += pieces[pick(rng)];
    const auto took = Exercise(source);
    slowest = std::max(slowest, took);
    if (Compile(source, FuzzScope())) ++compiled;
  }
  // Bounded work per expression: nothing approaches a workflow task's deadline. The bound
  // catches a hang or a runaway, not slowness: an expression takes microseconds, and a
  // machine loaded by parallel builds has stalled one for over 100 ms.
  CHECK(slowest < kRunaway);
  // The soup is not all rejected by the lexer: some of it gets through to evaluation.
  CHECK(compiled > 100);
}

TEST_CASE("well-formed expressions built at random evaluate within their budgets") {
  // Grows expressions from smaller ones, so most compile and reach the evaluator.
  const std::vector<std::string> leaves = {
      "1", "x", "2.5", "'ab'", "s", "input.l", "input.a", "[1, 2]", "{'k': 1}", "true", "null"};
  const std::vector<std::string> shapes = {"(%1 + %2)",      "(%1 * %2)",        "(%1 == %2)",
                                           "(%1 ? %1 : %2)", "[%1, %2]",         "{'a': %1}",
                                           "%1.map(v, %2)",  "%1.filter(v, %2)", "(%1 ?? %2)",
                                           "size(%1)",       "string(%1)",       "(%1 / %2)",
                                           "(%1 < %2)",      "%1.exists(v, %2)", "(%1 - %2)",
                                           "(%1 in %2)",     "%1[%2]",           "(!%1)",
                                           "int(%1)",        "(%1 && %2)"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> leaf(0, leaves.size() - 1);
  std::uniform_int_distribution<std::size_t> shape(0, shapes.size() - 1);
  for (int i = 0; i < 5000; ++i) {
    std::vector<std::string> pool = leaves;
    std::string expr;
    for (int depth = 0; depth < 6; ++depth) {
      std::string s = shapes[shape(rng)];
      const std::string a =
          pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)];
      const std::string b = leaves[leaf(rng)];
      for (std::size_t p; (p = s.find("%1")) != std::string::npos;) s.replace(p, 2, a);
      for (std::size_t p; (p = s.find("%2")) != std::string::npos;) s.replace(p, 2, b);
      pool.push_back(s);
      expr = s;
    }
    const auto took = Exercise(expr);
    CHECK(took < kRunaway);
  }
}

}  // namespace
}  // namespace weft::dsl::expr
