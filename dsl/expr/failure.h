// Why an evaluation step failed: a stable code (dsl/expr/codes.h) and a message. Operators and
// built-in functions return a Failure; the evaluator adds where in the text it happened.
#ifndef WEFT_DSL_EXPR_FAILURE_H_
#define WEFT_DSL_EXPR_FAILURE_H_

#include <string>

namespace weft::dsl::expr {

struct Failure {
  const char* code;
  std::string message;
};

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_FAILURE_H_
