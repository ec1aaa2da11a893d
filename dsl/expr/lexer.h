// The lexer of the expression language: expression text to a flat list of tokens, each with its
// byte offset and length in the text. String literals are decoded here (escapes, raw and
// triple-quoted forms), so the parser sees values, not spellings.
//
// Stateless; Lex() may be called from any thread.
#ifndef WEFT_DSL_EXPR_LEXER_H_
#define WEFT_DSL_EXPR_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/expr/expression.h"

namespace weft::dsl::expr {

enum class TokenKind {
  kEnd,
  kIdent,
  kInt,  // `int_value` holds the magnitude; the parser applies a leading minus
  kDouble,
  kString,  // `string_value` holds the decoded text
  kTrue,
  kFalse,
  kNull,
  kIn,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kDot,
  kComma,
  kColon,
  kQuestion,
  kQuestionQuestion,  // ??
  kOrOr,
  kAndAnd,
  kBang,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string_view text;  // the spelling, a view into the source
  std::uint64_t int_value = 0;
  double double_value = 0;
  std::string string_value;
};

// The longest expression text accepted, in bytes.
inline constexpr std::size_t kMaxSourceBytes = 64 * 1024;

// A spelling for messages: "`==`", "end of expression".
std::string DescribeToken(const Token& token);

// Splits `source` into tokens ending with a kEnd token, or returns the first lexical error.
std::expected<std::vector<Token>, Diagnostic> Lex(std::string_view source);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_LEXER_H_
