// The operators of the expression language, both halves of each: the static rule the checker
// applies to operand types, and the run-time behaviour the evaluator applies to values. Keeping
// them side by side is what keeps the checker and the evaluator in agreement.
//
// Numbers: int64 arithmetic is exact and overflow is an error; an int and a double together are
// computed as doubles (JSON does not say reliably whether 2 or 2.0 was meant); results that are
// not finite are errors because JSON cannot hold them. && and || are in the evaluator (they
// short-circuit). Pure functions.
#ifndef WEFT_DSL_EXPR_OPERATORS_H_
#define WEFT_DSL_EXPR_OPERATORS_H_

#include <expected>
#include <optional>
#include <string>

#include "dsl/expr/ast.h"
#include "dsl/expr/failure.h"
#include "dsl/expr/type.h"
#include "dsl/expr/value.h"

namespace weft::dsl::expr {

// "==", "+", "!" ...
const char* OpSpelling(Op op);

// The result type of `a op b` (or `op a` for unary operators, with `b` ignored), or why the
// operand types can never work. Dyn operands are accepted wherever some type would be.
std::expected<Type, std::string> CheckOperator(Op op, const Type& a, const Type& b);

// The type of a value kept in JSON: durations and timestamps become strings.
Type StoredType(const Type& type);
// The common type of two branches: the same type, or dyn.
Type JoinTypes(const Type& a, const Type& b);

// An int64 view of a JSON integer, if it is one that fits.
std::optional<std::int64_t> AsInt(const nlohmann::json& json);

bool Equal(const Value& a, const Value& b);
// + - * / % of two values.
std::expected<Value, Failure> Arithmetic(Op op, const Value& a, const Value& b);
// Unary minus.
std::expected<Value, Failure> Negate(const Value& a);
// < <= > >=.
std::expected<bool, Failure> Compare(Op op, const Value& a, const Value& b);
// `element in container`: membership in a list, or a key of a map.
std::expected<bool, Failure> In(const Value& element, const Value& container);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_OPERATORS_H_
