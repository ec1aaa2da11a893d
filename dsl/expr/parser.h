// The parser of the expression language: tokens to a syntax tree (dsl/expr/ast.h), by explicit
// precedence climbing. It also expands the macros that are syntax rather than functions (has(),
// all, exists, exists_one, map, filter) into their own nodes.
//
// Nesting is bounded (kMaxDepth) both in the parser's own recursion and in the height of the tree
// it builds, so hostile input fails with WEFT2006 instead of overflowing the stack. Stateless;
// Parse() may be called from any thread.
#ifndef WEFT_DSL_EXPR_PARSER_H_
#define WEFT_DSL_EXPR_PARSER_H_

#include <expected>
#include <memory>
#include <string_view>

#include "dsl/expr/ast.h"
#include "dsl/expr/expression.h"

namespace weft::dsl::expr {

// Lexes and parses `source`; the first syntax error ends parsing.
std::expected<std::unique_ptr<Node>, Diagnostic> Parse(std::string_view source);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_PARSER_H_
