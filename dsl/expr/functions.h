// The built-in functions of the expression language (docs/expressions.md lists them). Each entry
// holds both halves: the static rule the checker applies to argument types and the run-time
// behaviour. Macros (has, all, exists, exists_one, map, filter) are syntax, not functions: see
// dsl/expr/parser.h.
//
// The table is immutable and shared by every thread.
#ifndef WEFT_DSL_EXPR_FUNCTIONS_H_
#define WEFT_DSL_EXPR_FUNCTIONS_H_

#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "dsl/expr/ast.h"
#include "dsl/expr/budget.h"
#include "dsl/expr/expression.h"
#include "dsl/expr/failure.h"
#include "dsl/expr/type.h"
#include "dsl/expr/value.h"

namespace weft::dsl::expr {

// What a function sees when it runs. For a receiver call, args[0] is the receiver.
struct CallArgs {
  std::span<const Value> args;
  const Node& node;  // the call, e.g. for a regular expression compiled by the checker
  const EvalContext& context;
  Budget& budget;
};

struct Function {
  const char* name;
  const char* signature;  // for messages and docs: "string.contains(string) -> bool"
  bool global;            // callable as f(x, ...)
  bool receiver;          // callable as x.f(...)
  int min_args;           // counting the receiver
  int max_args;
  bool recorded;  // its value must be recorded by the engine: now(), uuid(), random()
  std::expected<Type, std::string> (*check)(std::span<const Type> args);
  std::expected<Value, Failure> (*eval)(const CallArgs& call);
};

// The function named `name`, or nullptr.
const Function* FindFunction(std::string_view name);

// Every built-in function, in the order of the reference.
std::span<const Function> AllFunctions();

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_FUNCTIONS_H_
