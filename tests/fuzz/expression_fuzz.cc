// Fuzz target: the expression language (dsl/expr), compiled and evaluated. The input is the
// text inside `${ ... }` (seeds: every case of tests/dsl/expr/cases.txt and every expression of
// workflows/ and docs/). The names in scope are those of a definition's steps, with values of
// every JSON kind, and the recorded functions are allowed, so that everything the language
// has is reachable.
//
// Checked besides memory safety: diagnostics and evaluation errors carry a code and point
// inside the text; evaluation stays within its step budget (it returns, with a value or
// WEFT23xx); a result prints as JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dsl/expr/expression.h"

namespace {

namespace expr = weft::dsl::expr;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

const expr::Scope& FuzzScope() {
  static const expr::Scope kScope = [] {
    expr::Scope scope;
    scope.names["input"] = expr::Type::Dyn();
    scope.names["vars"] = expr::Type::Dyn();
    scope.names["steps"] = expr::Type::Dyn();
    scope.names["item"] = expr::Type::Dyn();
    scope.names["index"] = expr::Type::Int();
    scope.names["error"] = expr::Type::Dyn();
    scope.names["workflow"] = expr::Type::Dyn();
    scope.allow_recorded_functions = true;
    return scope;
  }();
  return kScope;
}

const nlohmann::json& FuzzValues() {
  static const nlohmann::json kValues = nlohmann::json::parse(R"({
    "input": {"name": "Ada", "amount": 12.5, "count": 3, "items": [1, 2.5, "x", null, true,
              {"k": [1]}], "flags": {"a": true, "b": false}, "when": "2026-01-01T00:00:00Z",
              "big": 9223372036854775807, "small": -9223372036854775808, "empty": "",
              "nested": {"a": {"b": {"c": [[], {}]}}}, "unicode": "h\u00e9llo \ud83d\ude00"},
    "vars": {"total": 0, "list": [], "text": "a,b,c", "timeout": "1h30m"},
    "steps": {"charge": {"result": {"id": "c-1", "ok": true}}, "wait": {"result": null}},
    "item": {"sku": "A-1", "qty": 2},
    "index": 0,
    "error": {"type": "Declined", "message": "no", "details": {}},
    "workflow": {"id": "w-1", "run_id": "r-1", "name": "fuzz", "attempt": 1}
  })");
  return kValues;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  auto program = expr::Compile(source, FuzzScope());
  if (!program) {
    for (const expr::Diagnostic& diagnostic : program.error()) {
      Check(!diagnostic.code.empty());
      Check(diagnostic.offset <= source.size());
      Check(diagnostic.length <= source.size() - diagnostic.offset);
    }
    return 0;
  }
  expr::EvalContext context;
  context.values = &FuzzValues();
  context.now_unix_ms = [] { return std::int64_t{1767225600000}; };
  context.uuid = [] { return std::string("00000000-0000-4000-8000-000000000000"); };
  context.random = [] { return 0.25; };
  // Smaller than the engines' budget so that each input stays fast; the bound is what matters.
  context.limits.max_steps = 20000;
  context.limits.max_bytes = 1 << 18;
  auto result = expr::Evaluate(*program, context);
  if (result) {
    (void)result->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    Check(!result.error().code.empty());
    Check(result.error().offset <= source.size());
  }
  return 0;
}
