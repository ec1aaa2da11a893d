// The static checker: resolves every name of a parsed expression against a Scope (loop variables
// of the macros shadow it), infers types as far as they are known, and reports what can never
// work: unknown names (with the closest candidates), operators and functions applied to the wrong
// types, fields that a closed object does not have, invalid literal patterns, durations and
// timestamps, and recorded functions where the engine cannot record them.
//
// It annotates the tree in place (Node::type, slot, function, regex); the caller owns the tree.
// Stateless; Check() may be called from any thread on distinct trees.
#ifndef WEFT_DSL_EXPR_CHECKER_H_
#define WEFT_DSL_EXPR_CHECKER_H_

#include <string>
#include <vector>

#include "dsl/expr/ast.h"
#include "dsl/expr/expression.h"

namespace weft::dsl::expr {

struct CheckResult {
  std::vector<Diagnostic> diagnostics;  // empty when the expression is well-typed
  std::vector<std::string> roots;       // Scope names read, sorted, unique
  int local_slots = 0;
  bool uses_recorded_functions = false;
};

CheckResult Check(Node& root, const Scope& scope);

// The candidates closest to `name` (edit distance), best first; empty when none is close.
std::vector<std::string> ClosestNames(const std::string& name,
                                      const std::vector<std::string>& candidates);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_CHECKER_H_
