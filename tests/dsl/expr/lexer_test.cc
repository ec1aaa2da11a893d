// The lexer: token kinds, offsets, decoded literals and lexical errors with their positions.
#include "dsl/expr/lexer.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "dsl/expr/codes.h"

namespace weft::dsl::expr {
namespace {

std::vector<TokenKind> Kinds(const std::string& source) {
  auto tokens = Lex(source);
  REQUIRE(tokens.has_value());
  std::vector<TokenKind> kinds;
  for (const Token& t : *tokens) kinds.push_back(t.kind);
  return kinds;
}

TEST_CASE("operators are split into tokens, longest match first") {
  using K = TokenKind;
  CHECK(Kinds("a.b[0] ?? c") == std::vector<K>{K::kIdent, K::kDot, K::kIdent, K::kLBracket, K::kInt,
                                               K::kRBracket, K::kQuestionQuestion, K::kIdent,
                                               K::kEnd});
  CHECK(Kinds("<= >= == != < > ! && ||") == std::vector<K>{K::kLe, K::kGe, K::kEq, K::kNe, K::kLt,
                                                           K::kGt, K::kBang, K::kAndAnd, K::kOrOr,
                                                           K::kEnd});
  CHECK(Kinds("x ? y : z") ==
        std::vector<K>{K::kIdent, K::kQuestion, K::kIdent, K::kColon, K::kIdent, K::kEnd});
  CHECK(Kinds("true false null in inner") ==
        std::vector<K>{K::kTrue, K::kFalse, K::kNull, K::kIn, K::kIdent, K::kEnd});
}

TEST_CASE("tokens carry their byte offset and length") {
  auto tokens = Lex("  input.total >= 10");
  REQUIRE(tokens.has_value());
  REQUIRE(tokens->size() == 6);
  CHECK((*tokens)[0].offset == 2);
  CHECK((*tokens)[0].length == 5);
  CHECK((*tokens)[2].text == "total");
  CHECK((*tokens)[3].offset == 14);
  CHECK((*tokens)[3].length == 2);
  CHECK((*tokens)[4].int_value == 10);
  CHECK((*tokens)[5].offset == 19);  // the end token sits at the end of the text
}

TEST_CASE("numbers: decimal, hexadecimal, doubles with exponents") {
  auto tokens = Lex("0x1f 12 3.25 1e3 2.5E-2");
  REQUIRE(tokens.has_value());
  CHECK((*tokens)[0].int_value == 31);
  CHECK((*tokens)[1].int_value == 12);
  CHECK((*tokens)[2].kind == TokenKind::kDouble);
  CHECK((*tokens)[2].double_value == 3.25);
  CHECK((*tokens)[3].double_value == 1000.0);
  CHECK((*tokens)[4].double_value == 0.025);
}

TEST_CASE("string literals are decoded: escapes, raw strings, triple quotes") {
  auto tokens = Lex(R"("a\n\"b\"" 'c\'' r"\d+" """x"y""" "\u00e9\x41\101")");
  REQUIRE(tokens.has_value());
  CHECK((*tokens)[0].string_value == "a\n\"b\"");
  CHECK((*tokens)[1].string_value == "c'");
  CHECK((*tokens)[2].string_value == "\\d+");
  CHECK((*tokens)[3].string_value == "x\"y");
  CHECK((*tokens)[4].string_value ==
        "\xc3\xa9"
        "AA");
}

TEST_CASE("comments run to the end of the line") {
  using K = TokenKind;
  CHECK(Kinds("1 // one\n+ 2") == std::vector<K>{K::kInt, K::kPlus, K::kInt, K::kEnd});
}

TEST_CASE("lexical errors name the code and point at the offending text") {
  struct Case {
    std::string source;
    std::string code;
    std::size_t offset;
  };
  const std::vector<Case> cases = {
      {"a = 1", codes::kUnexpectedCharacter, 2},
      {"a & b", codes::kUnexpectedCharacter, 2},
      {"x @ y", codes::kUnexpectedCharacter, 2},
      {"'open", codes::kUnterminatedString, 0},
      {"\"line\nbreak\"", codes::kUnterminatedString, 0},
      {"\"\\q\"", codes::kInvalidEscape, 1},
      {"\"\\u12\"", codes::kInvalidEscape, 1},
      {"\"\\ud800\"", codes::kInvalidEscape, 1},
      {"1e", codes::kInvalidNumber, 0},
      {"12abc", codes::kInvalidNumber, 0},
      {"18446744073709551616", codes::kInvalidNumber, 0},
      {"3u", codes::kInvalidNumber, 0},
      {"x + while", codes::kReservedWord, 4},
      {"b'x'", codes::kReservedWord, 0},
      {std::string("ok \xff"), codes::kInvalidUtf8, 3},
      {std::string("\xc0\x80"), codes::kInvalidUtf8, 0},
  };
  for (const Case& c : cases) {
    INFO(c.source);
    auto tokens = Lex(c.source);
    REQUIRE_FALSE(tokens.has_value());
    CHECK(tokens.error().code == c.code);
    CHECK(tokens.error().offset == c.offset);
    CHECK_FALSE(tokens.error().message.empty());
  }
}

TEST_CASE("an unexpected non-ASCII character is reported whole") {
  auto tokens = Lex("a \xe2\x82\xac b");  // the euro sign
  REQUIRE_FALSE(tokens.has_value());
  CHECK(tokens.error().offset == 2);
  CHECK(tokens.error().length == 3);
}

TEST_CASE("texts beyond the length limit are refused before lexing") {
  auto tokens = Lex(std::string(kMaxSourceBytes + 1, 'a'));
  REQUIRE_FALSE(tokens.has_value());
  CHECK(tokens.error().code == codes::kTooLong);
}

}  // namespace
}  // namespace weft::dsl::expr
