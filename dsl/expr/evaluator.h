// The evaluator: walks a checked syntax tree over the JSON values of an EvalContext. The tree's
// height is bounded by the parser (kMaxDepth), which bounds this walk's recursion; the Budget
// bounds its time and the memory of the values it builds.
//
// Deterministic: the same tree, values and recorded callbacks give the same result. Values of
// the context are borrowed, not copied, until a result needs its own copy. One evaluation per
// call; any number of threads may evaluate the same tree at once.
#ifndef WEFT_DSL_EXPR_EVALUATOR_H_
#define WEFT_DSL_EXPR_EVALUATOR_H_

#include <expected>
#include <nlohmann/json.hpp>

#include "dsl/expr/expression.h"
#include "dsl/expr/program.h"

namespace weft::dsl::expr {

std::expected<nlohmann::json, EvalError> EvaluateTree(const CompiledProgram& program,
                                                      const EvalContext& context);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_EVALUATOR_H_
