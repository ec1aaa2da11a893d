// The syntax tree of an expression. The parser builds it with the source offset and length of
// every node; the checker then annotates it in place (types, resolved names, loop-variable slots,
// chosen functions, compiled regular expressions), after which it is never modified again and
// may be read by many evaluating threads at once.
//
// A Node owns its children. Trees are at most kMaxDepth deep, so recursive walks are safe.
#ifndef WEFT_DSL_EXPR_AST_H_
#define WEFT_DSL_EXPR_AST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dsl/expr/type.h"

namespace re2 {
class RE2;
}

namespace weft::dsl::expr {

// The deepest tree accepted, counting every node on the path from the root.
inline constexpr int kMaxDepth = 128;

struct Function;  // dsl/expr/functions.h

enum class NodeKind {
  kLiteral,        // literal: null, bool, int, double or string
  kIdent,          // name
  kSelect,         // children[0].name
  kIndex,          // children[0][children[1]]
  kCall,           // name(children...), or children[0].name(children[1...]) if receiver_call
  kList,           // [children...]
  kMap,            // {children[0]: children[1], ...}, keys at even positions
  kUnary,          // op children[0]
  kBinary,         // children[0] op children[1]; && and || short-circuit
  kTernary,        // children[0] ? children[1] : children[2]
  kDefault,        // children[0] ?? children[1]
  kHas,            // has(children[0].name): children[0] is the object
  kComprehension,  // children[0].macro(name, children[1...])
};

enum class Op {
  kNone,
  kNot,
  kNeg,
  kOr,
  kAnd,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
};

enum class Macro { kAll, kExists, kExistsOne, kMap, kMapFilter, kFilter };

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  std::size_t offset = 0;
  std::size_t length = 0;

  nlohmann::json literal;  // kLiteral
  std::string name;        // kIdent, kSelect, kHas (field), kCall (function), kComprehension
                           // (loop variable)
  Op op = Op::kNone;       // kUnary, kBinary
  Macro macro = Macro::kAll;
  bool receiver_call = false;
  std::vector<std::unique_ptr<Node>> children;

  int height = 1;  // set by the parser: nodes on the longest path down from here

  // Set by the checker.
  Type type;
  int slot = -1;                          // kIdent: loop-variable slot, or -1 for a Scope root
                                          // kComprehension: the slot its variable occupies
  const Function* function = nullptr;     // kCall
  std::shared_ptr<const re2::RE2> regex;  // kCall of matches() with a literal pattern
  // kCall of duration() or timestamp() with a literal argument: the value, parsed once.
  bool folded = false;
  std::int64_t folded_nanos = 0;
  // kMap whose keys are all distinct string literals: its pairs by key order, so that the
  // evaluator builds the object by appending rather than searching.
  std::vector<std::size_t> sorted_pairs;
};

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_AST_H_
