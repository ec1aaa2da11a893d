// The parser: the tree it builds (precedence, associativity, macros) and its errors, with offsets.
#include "dsl/expr/parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "dsl/expr/codes.h"

namespace weft::dsl::expr {
namespace {

// A fully parenthesized spelling of a tree, to state precedence plainly.
std::string Show(const Node& n) {
  auto child = [&](std::size_t i) { return Show(*n.children[i]); };
  switch (n.kind) {
    case NodeKind::kLiteral:
      return n.literal.dump();
    case NodeKind::kIdent:
      return n.name;
    case NodeKind::kSelect:
      return child(0) + "." + n.name;
    case NodeKind::kIndex:
      return child(0) + "[" + child(1) + "]";
    case NodeKind::kCall: {
      std::string out = n.receiver_call ? child(0) + "." + n.name + "(" : n.name + "(";
      for (std::size_t i = n.receiver_call ? 1 : 0; i < n.children.size(); ++i) {
        out += (i > (n.receiver_call ? 1u : 0u) ? ", " : "") + child(i);
      }
      return out + ")";
    }
    case NodeKind::kList: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.children.size(); ++i) out += (i ? ", " : "") + child(i);
      return out + "]";
    }
    case NodeKind::kMap: {
      std::string out = "{";
      for (std::size_t i = 0; i < n.children.size(); i += 2) {
        out += (i ? ", " : "") + child(i) + ": " + child(i + 1);
      }
      return out + "}";
    }
    case NodeKind::kUnary:
      return std::string(n.op == Op::kNot ? "!" : "-") + child(0);
    case NodeKind::kBinary: {
      static const char* kSpell[] = {"",  "!",  "-",  "||", "&&", "==", "!=", "<", "<=",
                                     ">", ">=", "in", "+",  "-",  "*",  "/",  "%"};
      return "(" + child(0) + " " + kSpell[static_cast<int>(n.op)] + " " + child(1) + ")";
    }
    case NodeKind::kTernary:
      return "(" + child(0) + " ? " + child(1) + " : " + child(2) + ")";
    case NodeKind::kDefault:
      return "(" + child(0) + " ?? " + child(1) + ")";
    case NodeKind::kHas:
      return "has(" + child(0) + "." + n.name + ")";
    case NodeKind::kComprehension: {
      std::string out =
          child(0) + "." + "macro" + std::to_string(static_cast<int>(n.macro)) + "(" + n.name;
      for (std::size_t i = 1; i < n.children.size(); ++i) out += ", " + child(i);
      return out + ")";
    }
  }
  return "?";
}

std::string P(const std::string& source) {
  auto tree = Parse(source);
  if (!tree) return "error " + tree.error().code + " @" + std::to_string(tree.error().offset);
  return Show(**tree);
}

TEST_CASE("operators bind as CEL orders them") {
  CHECK(P("1 + 2 * 3") == "(1 + (2 * 3))");
  CHECK(P("1 - 2 - 3") == "((1 - 2) - 3)");
  CHECK(P("a || b && c") == "(a || (b && c))");
  CHECK(P("a && b || c") == "((a && b) || c)");
  CHECK(P("a == b && c != d") == "((a == b) && (c != d))");
  CHECK(P("1 + 2 < 3 * 4") == "((1 + 2) < (3 * 4))");
  CHECK(P("x in [1] || y") == "((x in [1]) || y)");
  CHECK(P("!a && -b < c") == "(!a && (-b < c))");
  CHECK(P("a ? b : c ? d : e") == "(a ? b : (c ? d : e))");
  CHECK(P("a || b ? c : d") == "((a || b) ? c : d)");
  CHECK(P("a ?? b ?? c") == "(a ?? (b ?? c))");
  CHECK(P("a ?? b || c") == "(a ?? (b || c))");
  CHECK(P("a ?? b ? c : d") == "((a ?? b) ? c : d)");
  CHECK(P("-a.b") == "-a.b");
  CHECK(P("a.b[c].d(e)") == "a.b[c].d(e)");
  CHECK(P("(1 + 2) * 3") == "((1 + 2) * 3)");
}

TEST_CASE("negative integer literals are folded, so the smallest int64 can be written") {
  CHECK(P("-9223372036854775808") == "-9223372036854775808");
  CHECK(P("-1 - -2") == "(-1 - -2)");
  CHECK(P("9223372036854775808") == "error WEFT2004 @0");
}

TEST_CASE("literals, lists and maps with trailing commas") {
  CHECK(P("[1, 'a', null, true, 1.5,]") == "[1, \"a\", null, true, 1.5]");
  CHECK(P("{'a': 1, b: [2],}") == "{\"a\": 1, b: [2]}");
  CHECK(P("[]") == "[]");
  CHECK(P("{}") == "{}");
}

TEST_CASE("macros become their own nodes") {
  CHECK(P("has(a.b)") == "has(a.b)");
  CHECK(P("l.all(x, x > 0)") == "l.macro0(x, (x > 0))");
  CHECK(P("l.exists_one(x, x)") == "l.macro2(x, x)");
  CHECK(P("l.map(x, x * 2)") == "l.macro3(x, (x * 2))");
  CHECK(P("l.map(x, x > 0, x)") == "l.macro4(x, (x > 0), x)");
  CHECK(P("l.filter(x, x)") == "l.macro5(x, x)");
  CHECK(P("map(a, b)") == "map(a, b)");  // not a receiver call: an ordinary (unknown) function
  CHECK(P("has(a)") == "error WEFT2011 @0");
  CHECK(P("l.all(1, x)") == "error WEFT2011 @6");
  CHECK(P("l.exists(x)") == "error WEFT2011 @0");
}

TEST_CASE("syntax errors point at the offending token") {
  CHECK(P("") == "error WEFT2008 @0");
  CHECK(P("   ") == "error WEFT2008 @0");
  CHECK(P("1 +") == "error WEFT2005 @3");
  CHECK(P("(1") == "error WEFT2005 @2");
  CHECK(P("a b") == "error WEFT2005 @2");
  CHECK(P("[1 2]") == "error WEFT2005 @3");
  CHECK(P("{'a' 1}") == "error WEFT2005 @5");
  CHECK(P("a ? b") == "error WEFT2005 @5");
  CHECK(P("a.") == "error WEFT2005 @2");
  CHECK(P("a.1") == "error WEFT2005 @2");
  CHECK(P("f(1,,2)") == "error WEFT2005 @4");
  CHECK(P(")") == "error WEFT2005 @0");
}

TEST_CASE("node offsets and lengths cover their source text") {
  auto tree = Parse("input.a + size(x)");
  REQUIRE(tree.has_value());
  const Node& sum = **tree;
  CHECK(sum.offset == 0);
  CHECK(sum.length == 17);
  CHECK(sum.children[0]->offset == 0);
  CHECK(sum.children[0]->length == 7);
  CHECK(sum.children[1]->offset == 10);
  CHECK(sum.children[1]->length == 7);
}

TEST_CASE("nesting is limited, in parentheses, prefixes, and chains alike") {
  const int deep = kMaxDepth + 10;
  CHECK(P(std::string(deep, '(') + "1" + std::string(deep, ')')).starts_with("error WEFT2006"));
  CHECK(P(std::string(deep, '[') + std::string(deep, ']')).starts_with("error WEFT2006"));
  CHECK(P(std::string(deep, '!') + "true").starts_with("error WEFT2006"));
  std::string chain = "1";
  for (int i = 0; i < deep; ++i) chain += " + 1";
  CHECK(P(chain).starts_with("error WEFT2006"));
  std::string fields = "a";
  for (int i = 0; i < deep; ++i) fields += ".b";
  CHECK(P(fields).starts_with("error WEFT2006"));
  std::string defaults = "a";
  for (int i = 0; i < deep; ++i) defaults += " ?? a";
  CHECK(P(defaults).starts_with("error WEFT2006"));
  // Just inside the limit is fine.
  CHECK(P(std::string(60, '(') + "1" + std::string(60, ')')) == "1");
}

TEST_CASE("a nesting error at the end of the text stays inside the text") {
  // Found by tests/fuzz (expression): the limit was reached at the kEnd token, and the
  // diagnostic spanned one byte past the expression's last.
  const std::string open = std::string(kMaxDepth, '(');
  auto tree = Parse(open);
  REQUIRE_FALSE(tree.has_value());
  CHECK(tree.error().code == codes::kTooDeep);
  CHECK(tree.error().offset + tree.error().length <= open.size());
}

TEST_CASE("very deep input fails fast, without exhausting the stack") {
  const std::string hostile = std::string(30000, '(') + std::string(30000, '[');
  CHECK(P(hostile).starts_with("error WEFT2006"));
}

}  // namespace
}  // namespace weft::dsl::expr
