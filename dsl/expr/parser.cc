#include "dsl/expr/parser.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "dsl/expr/codes.h"
#include "dsl/expr/lexer.h"

namespace weft::dsl::expr {

namespace {

using NodePtr = std::unique_ptr<Node>;
using ParseResult = std::expected<NodePtr, Diagnostic>;

// Binary operators by precedence, loosest first, as CEL orders them (`??` and `?:` sit above).
struct BinaryOp {
  TokenKind token;
  Op op;
  int precedence;
};
constexpr BinaryOp kBinaryOps[] = {
    {TokenKind::kOrOr, Op::kOr, 1},   {TokenKind::kAndAnd, Op::kAnd, 2},
    {TokenKind::kEq, Op::kEq, 3},     {TokenKind::kNe, Op::kNe, 3},
    {TokenKind::kLt, Op::kLt, 3},     {TokenKind::kLe, Op::kLe, 3},
    {TokenKind::kGt, Op::kGt, 3},     {TokenKind::kGe, Op::kGe, 3},
    {TokenKind::kIn, Op::kIn, 3},     {TokenKind::kPlus, Op::kAdd, 4},
    {TokenKind::kMinus, Op::kSub, 4}, {TokenKind::kStar, Op::kMul, 5},
    {TokenKind::kSlash, Op::kDiv, 5}, {TokenKind::kPercent, Op::kMod, 5},
};

const BinaryOp* FindBinary(TokenKind kind) {
  for (const BinaryOp& op : kBinaryOps) {
    if (op.token == kind) return &op;
  }
  return nullptr;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  ParseResult Run() {
    if (Peek().kind == TokenKind::kEnd) {
      return std::unexpected(
          Diagnostic{codes::kEmpty, 0, 0, "empty expression", "write a value, e.g. `input.name`"});
    }
    auto node = ParseExpr();
    if (!node) return node;
    if (Peek().kind != TokenKind::kEnd) {
      return Unexpected("an operator or the end of the expression");
    }
    return node;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Advance() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool Accept(TokenKind kind) {
    if (Peek().kind != kind) return false;
    Advance();
    return true;
  }

  std::unexpected<Diagnostic> Unexpected(const std::string& expected) const {
    const Token& t = Peek();
    return std::unexpected(Diagnostic{codes::kUnexpectedToken,
                                      t.offset,
                                      t.length,
                                      "expected " + expected + ", found " + DescribeToken(t),
                                      {}});
  }
  std::expected<void, Diagnostic> Expect(TokenKind kind, const char* what) {
    if (Accept(kind)) return {};
    return Unexpected(what);
  }

  // Counts nesting of the parser's own recursion.
  class DepthGuard {
   public:
    explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    int& depth_;
  };
  std::unexpected<Diagnostic> TooDeep(std::size_t offset) const {
    // One byte to point at, except at the end of the text (the kEnd token's offset): a
    // diagnostic never reaches past the expression, or file:line:col would point past it.
    const std::size_t length = offset < tokens_.back().offset ? 1 : 0;
    return std::unexpected(
        Diagnostic{codes::kTooDeep, offset, length,
                   "expression nests more than " + std::to_string(kMaxDepth) + " levels deep",
                   "split it into variables"});
  }

  // Builds a node spanning [start, end) over `children`, enforcing the height limit.
  ParseResult Make(NodeKind kind, std::size_t start, std::size_t end,
                   std::vector<NodePtr> children = {}) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->offset = start;
    node->length = end > start ? end - start : 0;
    int height = 0;
    for (const NodePtr& child : children) height = std::max(height, child->height);
    node->height = height + 1;
    node->children = std::move(children);
    if (node->height > kMaxDepth) return TooDeep(start);
    return node;
  }
  std::size_t LastEnd() const {
    const Token& t = tokens_[pos_ > 0 ? pos_ - 1 : 0];
    return t.offset + t.length;
  }

  ParseResult ParseExpr() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return TooDeep(Peek().offset);
    auto cond = ParseDefault();
    if (!cond) return cond;
    if (!Accept(TokenKind::kQuestion)) return cond;
    auto then = ParseDefault();
    if (!then) return then;
    if (auto ok = Expect(TokenKind::kColon, "`:` of the conditional"); !ok) {
      return std::unexpected(ok.error());
    }
    auto otherwise = ParseExpr();  // right-associative
    if (!otherwise) return otherwise;
    const std::size_t start = (*cond)->offset;
    std::vector<NodePtr> children;
    children.push_back(std::move(*cond));
    children.push_back(std::move(*then));
    children.push_back(std::move(*otherwise));
    return Make(NodeKind::kTernary, start, LastEnd(), std::move(children));
  }

  // a ?? b ?? c groups to the right: a ?? (b ?? c). Operands are collected in a loop, not by
  // recursion, so long chains cost no stack.
  ParseResult ParseDefault() {
    std::vector<NodePtr> operands;
    auto first = ParseBinary(1);
    if (!first) return first;
    operands.push_back(std::move(*first));
    while (Accept(TokenKind::kQuestionQuestion)) {
      auto next = ParseBinary(1);
      if (!next) return next;
      operands.push_back(std::move(*next));
    }
    NodePtr right = std::move(operands.back());
    operands.pop_back();
    while (!operands.empty()) {
      NodePtr left = std::move(operands.back());
      operands.pop_back();
      const std::size_t start = left->offset;
      const std::size_t end = right->offset + right->length;
      std::vector<NodePtr> children;
      children.push_back(std::move(left));
      children.push_back(std::move(right));
      auto node = Make(NodeKind::kDefault, start, end, std::move(children));
      if (!node) return node;
      right = std::move(*node);
    }
    return right;
  }

  // Precedence climbing: every operator binds at least `min_precedence`; all are
  // left-associative.
  ParseResult ParseBinary(int min_precedence) {
    auto left = ParseUnary();
    if (!left) return left;
    while (true) {
      const BinaryOp* op = FindBinary(Peek().kind);
      if (op == nullptr || op->precedence < min_precedence) return left;
      Advance();
      auto right = ParseBinary(op->precedence + 1);
      if (!right) return right;
      const std::size_t start = (*left)->offset;
      std::vector<NodePtr> children;
      children.push_back(std::move(*left));
      children.push_back(std::move(*right));
      auto node = Make(NodeKind::kBinary, start, LastEnd(), std::move(children));
      if (!node) return node;
      (*node)->op = op->op;
      left = std::move(node);
    }
  }

  ParseResult ParseUnary() {
    const Token& t = Peek();
    const std::size_t start = t.offset;
    if (t.kind == TokenKind::kMinus && Peek(1).kind == TokenKind::kInt) {
      // A negative integer literal, so that the smallest int64 can be written.
      Advance();
      const Token& number = Advance();
      auto node = Make(NodeKind::kLiteral, start, LastEnd());
      if (!node) return node;
      if (number.int_value == (std::uint64_t{1} << 63)) {
        (*node)->literal = std::numeric_limits<std::int64_t>::min();
      } else {
        (*node)->literal = -static_cast<std::int64_t>(number.int_value);
      }
      return ParsePostfix(std::move(*node));
    }
    if (t.kind == TokenKind::kBang || t.kind == TokenKind::kMinus) {
      // Each prefix operator nests one level, like a parenthesis.
      DepthGuard guard(depth_);
      if (depth_ > kMaxDepth) return TooDeep(t.offset);
      const Op op = t.kind == TokenKind::kBang ? Op::kNot : Op::kNeg;
      Advance();
      auto operand = ParseUnary();
      if (!operand) return operand;
      std::vector<NodePtr> children;
      children.push_back(std::move(*operand));
      auto node = Make(NodeKind::kUnary, start, LastEnd(), std::move(children));
      if (!node) return node;
      (*node)->op = op;
      return node;
    }
    auto primary = ParsePrimary();
    if (!primary) return primary;
    return ParsePostfix(std::move(*primary));
  }

  ParseResult ParsePostfix(NodePtr node) {
    while (true) {
      const std::size_t start = node->offset;
      if (Accept(TokenKind::kDot)) {
        const Token& name = Peek();
        if (name.kind != TokenKind::kIdent) return Unexpected("a field name after `.`");
        Advance();
        if (Peek().kind == TokenKind::kLParen) {
          Advance();
          std::vector<NodePtr> args;
          args.push_back(std::move(node));
          if (auto ok = ParseList(TokenKind::kRParen, "`)`", args); !ok) {
            return std::unexpected(ok.error());
          }
          auto call = MakeCall(std::string(name.text), true, start, std::move(args));
          if (!call) return call;
          node = std::move(*call);
        } else {
          std::vector<NodePtr> children;
          children.push_back(std::move(node));
          auto select = Make(NodeKind::kSelect, start, LastEnd(), std::move(children));
          if (!select) return select;
          (*select)->name = std::string(name.text);
          node = std::move(*select);
        }
      } else if (Peek().kind == TokenKind::kLBracket) {
        Advance();
        auto index = ParseExpr();
        if (!index) return index;
        if (auto ok = Expect(TokenKind::kRBracket, "`]`"); !ok) return std::unexpected(ok.error());
        std::vector<NodePtr> children;
        children.push_back(std::move(node));
        children.push_back(std::move(*index));
        auto indexed = Make(NodeKind::kIndex, start, LastEnd(), std::move(children));
        if (!indexed) return indexed;
        node = std::move(*indexed);
      } else {
        return node;
      }
    }
  }

  // Parses `expr, expr, ...` up to `close`, allowing a trailing comma.
  std::expected<void, Diagnostic> ParseList(TokenKind close, const char* what,
                                            std::vector<NodePtr>& out) {
    while (!Accept(close)) {
      auto item = ParseExpr();
      if (!item) return std::unexpected(item.error());
      out.push_back(std::move(*item));
      if (Accept(close)) return {};
      if (!Accept(TokenKind::kComma)) return Unexpected(std::string("`,` or ") + what);
    }
    return {};
  }

  ParseResult ParsePrimary() {
    const Token& t = Peek();
    const std::size_t start = t.offset;
    switch (t.kind) {
      case TokenKind::kNull:
      case TokenKind::kTrue:
      case TokenKind::kFalse:
      case TokenKind::kDouble:
      case TokenKind::kString:
      case TokenKind::kInt: {
        const Token& token = Advance();
        auto node = Make(NodeKind::kLiteral, start, LastEnd());
        if (!node) return node;
        switch (token.kind) {
          case TokenKind::kNull:
            (*node)->literal = nullptr;
            break;
          case TokenKind::kTrue:
            (*node)->literal = true;
            break;
          case TokenKind::kFalse:
            (*node)->literal = false;
            break;
          case TokenKind::kDouble:
            (*node)->literal = token.double_value;
            break;
          case TokenKind::kString:
            (*node)->literal = token.string_value;
            break;
          default:
            if (token.int_value >
                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
              return std::unexpected(Diagnostic{codes::kInvalidNumber,
                                                token.offset,
                                                token.length,
                                                "integer literal out of the int64 range",
                                                {}});
            }
            (*node)->literal = static_cast<std::int64_t>(token.int_value);
        }
        return node;
      }
      case TokenKind::kIdent: {
        const Token& name = Advance();
        if (Accept(TokenKind::kLParen)) {
          std::vector<NodePtr> args;
          if (auto ok = ParseList(TokenKind::kRParen, "`)`", args); !ok) {
            return std::unexpected(ok.error());
          }
          return MakeCall(std::string(name.text), false, start, std::move(args));
        }
        auto node = Make(NodeKind::kIdent, start, LastEnd());
        if (!node) return node;
        (*node)->name = std::string(name.text);
        return node;
      }
      case TokenKind::kLParen: {
        Advance();
        auto inner = ParseExpr();
        if (!inner) return inner;
        if (auto ok = Expect(TokenKind::kRParen, "`)`"); !ok) return std::unexpected(ok.error());
        return inner;
      }
      case TokenKind::kLBracket: {
        Advance();
        std::vector<NodePtr> items;
        if (auto ok = ParseList(TokenKind::kRBracket, "`]`", items); !ok) {
          return std::unexpected(ok.error());
        }
        return Make(NodeKind::kList, start, LastEnd(), std::move(items));
      }
      case TokenKind::kLBrace: {
        Advance();
        std::vector<NodePtr> entries;
        while (!Accept(TokenKind::kRBrace)) {
          auto key = ParseExpr();
          if (!key) return key;
          if (auto ok = Expect(TokenKind::kColon, "`:` after a map key"); !ok) {
            return std::unexpected(ok.error());
          }
          auto value = ParseExpr();
          if (!value) return value;
          entries.push_back(std::move(*key));
          entries.push_back(std::move(*value));
          if (Accept(TokenKind::kRBrace)) break;
          if (!Accept(TokenKind::kComma)) return Unexpected("`,` or `}`");
        }
        return Make(NodeKind::kMap, start, LastEnd(), std::move(entries));
      }
      default:
        return Unexpected("a value");
    }
  }

  // A call, or one of the macros that look like calls.
  ParseResult MakeCall(std::string name, bool receiver, std::size_t start,
                       std::vector<NodePtr> args) {
    const std::size_t end = LastEnd();
    auto macro_error = [&](std::string message) {
      return std::unexpected(
          Diagnostic{codes::kInvalidMacro, start, end - start, std::move(message), {}});
    };
    if (!receiver && name == "has") {
      if (args.size() != 1 || args[0]->kind != NodeKind::kSelect) {
        return macro_error("has() takes one field selection, e.g. has(input.name)");
      }
      NodePtr select = std::move(args[0]);
      std::vector<NodePtr> children;
      children.push_back(std::move(select->children[0]));
      auto node = Make(NodeKind::kHas, start, end, std::move(children));
      if (!node) return node;
      (*node)->name = std::move(select->name);
      return node;
    }
    if (receiver) {
      static constexpr std::pair<const char*, Macro> kMacros[] = {
          {"all", Macro::kAll}, {"exists", Macro::kExists}, {"exists_one", Macro::kExistsOne},
          {"map", Macro::kMap}, {"filter", Macro::kFilter},
      };
      for (const auto& [macro_name, macro] : kMacros) {
        if (name != macro_name) continue;
        // args holds the receiver, the variable and one body (two for map with a filter).
        const bool map_filter = macro == Macro::kMap && args.size() == 4;
        if (args.size() != 3 && !map_filter) {
          return macro_error(name + "() takes a variable name and " +
                             (macro == Macro::kMap ? "an expression (or a predicate and an "
                                                     "expression)"
                                                   : "a predicate") +
                             ", e.g. items." + name + "(x, x > 0)");
        }
        if (args[1]->kind != NodeKind::kIdent) {
          return std::unexpected(
              Diagnostic{codes::kInvalidMacro,
                         args[1]->offset,
                         args[1]->length,
                         "the first argument of " + name + "() must be a variable name",
                         {}});
        }
        std::string var = args[1]->name;
        std::vector<NodePtr> children;
        children.push_back(std::move(args[0]));
        for (std::size_t i = 2; i < args.size(); ++i) children.push_back(std::move(args[i]));
        auto node = Make(NodeKind::kComprehension, start, end, std::move(children));
        if (!node) return node;
        (*node)->name = std::move(var);
        (*node)->macro = map_filter ? Macro::kMapFilter : macro;
        return node;
      }
    }
    auto node = Make(NodeKind::kCall, start, end, std::move(args));
    if (!node) return node;
    (*node)->name = std::move(name);
    (*node)->receiver_call = receiver;
    return node;
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

std::expected<std::unique_ptr<Node>, Diagnostic> Parse(std::string_view source) {
  auto tokens = Lex(source);
  if (!tokens) return std::unexpected(tokens.error());
  return Parser(std::move(*tokens)).Run();
}

}  // namespace weft::dsl::expr
