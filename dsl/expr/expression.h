// The public API of weft's expression language: a small, deterministic subset of CEL evaluated
// over nlohmann::json (docs/expressions.md is the reference).
//
// Compile() parses and statically checks an expression once, against the names visible where it
// is written (a Scope); Evaluate() runs the compiled Program as often as needed against the values
// of those names. Neither throws: errors are values carrying a stable code (WEFT20xx syntax,
// WEFT21xx types, WEFT22xx names and scope, WEFT23xx evaluation; see dsl/expr/codes.h) and an
// offset and length inside the expression text, which the loader maps to file:line:col.
//
// Ownership and threads: a Program is immutable and shares its compiled form through a
// shared_ptr, so it is cheap to copy and may be evaluated from many threads at once. An
// EvalContext borrows the JSON values it points to for the duration of one Evaluate() call.
// Evaluation has no clock or random source of its own: now(), uuid() and random() call the
// callbacks of the EvalContext, so the engine can record what they return.
#ifndef WEFT_DSL_EXPR_EXPRESSION_H_
#define WEFT_DSL_EXPR_EXPRESSION_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/expr/type.h"

namespace weft::dsl::expr {

// A compile-time problem. `offset` and `length` are in bytes of the expression text.
struct Diagnostic {
  std::string code;  // e.g. "WEFT2201"
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string message;
  std::string hint;  // may be empty
};

// The names visible at one place of a definition (input, vars, steps, loop variables, error,
// signal and update payloads, workflow info...), each with what is known of its type (Type::Dyn()
// when nothing is known). Functions whose value must be recorded by the engine (now(), uuid(),
// random()) are compile errors unless allow_recorded_functions is set.
struct Scope {
  std::map<std::string, Type> names;
  bool allow_recorded_functions = false;
};

struct CompiledProgram;  // the checked syntax tree; defined in dsl/expr/program.h

// A compiled, checked expression. Immutable; copies share the compiled form.
class Program {
 public:
  explicit Program(std::shared_ptr<const CompiledProgram> compiled);

  // The statically known type of the value (Type::Dyn() where it depends on data).
  const Type& result_type() const;
  // The expression text as given to Compile().
  std::string_view source() const;
  // The root names of the Scope that the expression reads, sorted, without duplicates.
  std::vector<std::string> referenced_roots() const;
  // Whether the expression calls now(), uuid() or random().
  bool uses_recorded_functions() const;

  const CompiledProgram& compiled() const { return *compiled_; }

 private:
  std::shared_ptr<const CompiledProgram> compiled_;
};

// Parses and checks `source` (the text inside `${ ... }`). All diagnostics found are returned,
// sorted by offset; syntax errors stop before the checker runs.
std::expected<Program, std::vector<Diagnostic>> Compile(std::string_view source,
                                                        const Scope& scope);

// Bounds of one evaluation; exceeding either is an evaluation error, never a hang.
struct Limits {
  std::uint64_t max_steps = 100000;  // nodes evaluated, macro iterations included
  std::size_t max_bytes = 1 << 20;   // approximate bytes of the values built
};

// The run-time values of the Scope's names, and the engine's recorded sources.
struct EvalContext {
  // A JSON object mapping each root name to its value: {"input": ..., "vars": ..., ...}.
  const nlohmann::json* values = nullptr;
  std::function<std::int64_t()> now_unix_ms;  // workflow time, for now()
  std::function<std::string()> uuid;          // for uuid()
  std::function<double()> random;             // for random(), in [0, 1)
  Limits limits;
};

struct EvalError {
  std::string code;  // e.g. "WEFT2301"
  std::string message;
  std::size_t offset = 0;  // of the sub-expression that failed, in the expression text
  std::size_t length = 0;
};

// Evaluates a compiled program. Durations and timestamps in the result are written as strings
// ("1h30m", "2026-01-01T00:00:00Z"), since results are stored as JSON.
std::expected<nlohmann::json, EvalError> Evaluate(const Program& program,
                                                  const EvalContext& context);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_EXPRESSION_H_
