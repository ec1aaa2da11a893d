// The compiled form of an expression, shared by every copy of its Program: the source text, the
// checked syntax tree and what the checker learned about it. Immutable once Compile() returns,
// so any number of threads may evaluate it at once.
#ifndef WEFT_DSL_EXPR_PROGRAM_H_
#define WEFT_DSL_EXPR_PROGRAM_H_

#include <memory>
#include <string>
#include <vector>

#include "dsl/expr/ast.h"
#include "dsl/expr/expression.h"

namespace weft::dsl::expr {

struct CompiledProgram {
  std::string source;
  std::unique_ptr<Node> root;
  std::vector<std::string> roots;  // sorted, unique
  int local_slots = 0;             // loop variables alive at once, at most
  bool uses_recorded_functions = false;
};

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_PROGRAM_H_
