#include "dsl/expr/lexer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "dsl/expr/codes.h"
#include "dsl/expr/utf8.h"

namespace weft::dsl::expr {

namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// CEL reserves these words; using one as a name is an error rather than a surprise later.
constexpr std::array<std::string_view, 17> kReserved = {
    "as",  "break", "const",   "continue",  "else",   "for", "function", "if",   "import",
    "let", "loop",  "package", "namespace", "return", "var", "void",     "while"};

Diagnostic Error(const char* code, std::size_t offset, std::size_t length, std::string message,
                 std::string hint = {}) {
  return Diagnostic{code, offset, length, std::move(message), std::move(hint)};
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  std::expected<std::vector<Token>, Diagnostic> Run() {
    std::vector<Token> tokens;
    while (true) {
      SkipSpaceAndComments();
      if (pos_ >= src_.size()) break;
      auto token = Next();
      if (!token) return std::unexpected(token.error());
      tokens.push_back(std::move(*token));
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.offset = src_.size();
    tokens.push_back(end);
    return tokens;
  }

 private:
  void SkipSpaceAndComments() {
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '/') {
        while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  Token Make(TokenKind kind, std::size_t start) {
    Token t;
    t.kind = kind;
    t.offset = start;
    t.length = pos_ - start;
    t.text = src_.substr(start, pos_ - start);
    return t;
  }

  std::expected<Token, Diagnostic> Next() {
    const std::size_t start = pos_;
    const char c = src_[pos_];
    if (IsDigit(c)) return Number();
    if (c == '"' || c == '\'') return String(start, false);
    if ((c == 'r' || c == 'R') && pos_ + 1 < src_.size() &&
        (src_[pos_ + 1] == '"' || src_[pos_ + 1] == '\'')) {
      ++pos_;
      return String(start, true);
    }
    if ((c == 'b' || c == 'B') && pos_ + 1 < src_.size() &&
        (src_[pos_ + 1] == '"' || src_[pos_ + 1] == '\'')) {
      return std::unexpected(Error(codes::kReservedWord, start, 2,
                                   "bytes literals are not supported",
                                   "values are JSON; use a string literal"));
    }
    if (IsIdentStart(c)) return Word();
    return Punctuation(start);
  }

  std::expected<Token, Diagnostic> Word() {
    const std::size_t start = pos_;
    while (pos_ < src_.size() && (IsIdentStart(src_[pos_]) || IsDigit(src_[pos_]))) ++pos_;
    Token t = Make(TokenKind::kIdent, start);
    if (t.text == "true") {
      t.kind = TokenKind::kTrue;
    } else if (t.text == "false") {
      t.kind = TokenKind::kFalse;
    } else if (t.text == "null") {
      t.kind = TokenKind::kNull;
    } else if (t.text == "in") {
      t.kind = TokenKind::kIn;
    } else {
      for (std::string_view word : kReserved) {
        if (t.text == word) {
          return std::unexpected(Error(codes::kReservedWord, start, t.length,
                                       "`" + std::string(word) + "` is a reserved word",
                                       "choose another name"));
        }
      }
    }
    return t;
  }

  std::expected<Token, Diagnostic> Number() {
    const std::size_t start = pos_;
    if (src_[pos_] == '0' && pos_ + 1 < src_.size() &&
        (src_[pos_ + 1] == 'x' || src_[pos_ + 1] == 'X')) {
      pos_ += 2;
      const std::size_t digits = pos_;
      while (pos_ < src_.size() && IsHexDigit(src_[pos_])) ++pos_;
      Token t = Make(TokenKind::kInt, start);
      auto [ptr, ec] = std::from_chars(src_.data() + digits, src_.data() + pos_, t.int_value, 16);
      if (digits == pos_ || ec != std::errc() || ptr != src_.data() + pos_) {
        return std::unexpected(
            Error(codes::kInvalidNumber, start, pos_ - start, "invalid hexadecimal literal"));
      }
      return CheckSuffix(std::move(t));
    }
    bool is_double = false;
    while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
    if (pos_ + 1 < src_.size() && src_[pos_] == '.' && IsDigit(src_[pos_ + 1])) {
      is_double = true;
      ++pos_;
      while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
    }
    if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
      std::size_t p = pos_ + 1;
      if (p < src_.size() && (src_[p] == '+' || src_[p] == '-')) ++p;
      if (p < src_.size() && IsDigit(src_[p])) {
        is_double = true;
        pos_ = p;
        while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
      } else {
        return std::unexpected(
            Error(codes::kInvalidNumber, start, p - start, "exponent without digits"));
      }
    }
    Token t = Make(is_double ? TokenKind::kDouble : TokenKind::kInt, start);
    if (is_double) {
      // strtod needs a terminated string; number spellings are short.
      std::string text(t.text);
      char* end = nullptr;
      t.double_value = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size() || std::isinf(t.double_value)) {
        return std::unexpected(
            Error(codes::kInvalidNumber, start, t.length, "double literal out of range"));
      }
    } else {
      auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.int_value);
      // 2^63 is allowed here so that -9223372036854775808 can be written; the parser rejects it
      // without the minus.
      if (ec != std::errc() || t.int_value > (std::uint64_t{1} << 63)) {
        return std::unexpected(Error(codes::kInvalidNumber, start, t.length,
                                     "integer literal out of the int64 range"));
      }
    }
    return CheckSuffix(std::move(t));
  }

  std::expected<Token, Diagnostic> CheckSuffix(Token t) {
    if (pos_ < src_.size() && (src_[pos_] == 'u' || src_[pos_] == 'U')) {
      return std::unexpected(Error(codes::kInvalidNumber, t.offset, t.length + 1,
                                   "unsigned literals are not supported",
                                   "integers are int64; drop the `u`"));
    }
    if (pos_ < src_.size() && (IsIdentStart(src_[pos_]) || IsDigit(src_[pos_]))) {
      return std::unexpected(
          Error(codes::kInvalidNumber, t.offset, t.length + 1, "invalid number literal"));
    }
    return t;
  }

  std::expected<Token, Diagnostic> String(std::size_t start, bool raw) {
    const char quote = src_[pos_];
    bool triple = pos_ + 2 < src_.size() && src_[pos_ + 1] == quote && src_[pos_ + 2] == quote;
    pos_ += triple ? 3 : 1;
    std::string value;
    while (true) {
      if (pos_ >= src_.size()) {
        return std::unexpected(Error(codes::kUnterminatedString, start, src_.size() - start,
                                     "unterminated string literal",
                                     std::string("close it with ") + quote));
      }
      const char c = src_[pos_];
      if (triple) {
        if (c == quote && pos_ + 2 < src_.size() && src_[pos_ + 1] == quote &&
            src_[pos_ + 2] == quote) {
          pos_ += 3;
          break;
        }
      } else {
        if (c == quote) {
          ++pos_;
          break;
        }
        if (c == '\n' || c == '\r') {
          return std::unexpected(Error(codes::kUnterminatedString, start, pos_ - start,
                                       "line break inside a string literal",
                                       "write \\n, or use a triple-quoted string"));
        }
      }
      if (c == '\\' && !raw) {
        auto escape = Escape(value);
        if (!escape) return std::unexpected(escape.error());
        continue;
      }
      value.push_back(c);
      ++pos_;
    }
    Token t = Make(TokenKind::kString, start);
    t.string_value = std::move(value);
    return t;
  }

  // Decodes the escape at pos_ (a backslash) into `out`.
  std::expected<void, Diagnostic> Escape(std::string& out) {
    const std::size_t start = pos_;
    if (pos_ + 1 >= src_.size()) {
      return std::unexpected(Error(codes::kInvalidEscape, start, 1, "incomplete escape"));
    }
    const char e = src_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case 'a':
        out.push_back('\a');
        return {};
      case 'b':
        out.push_back('\b');
        return {};
      case 'f':
        out.push_back('\f');
        return {};
      case 'n':
        out.push_back('\n');
        return {};
      case 'r':
        out.push_back('\r');
        return {};
      case 't':
        out.push_back('\t');
        return {};
      case 'v':
        out.push_back('\v');
        return {};
      case '\\':
      case '\'':
      case '"':
      case '`':
      case '?':
        out.push_back(e);
        return {};
      case 'x':
      case 'X':
      case 'u':
      case 'U': {
        const std::size_t digits = (e == 'x' || e == 'X') ? 2 : (e == 'u' ? 4 : 8);
        char32_t cp = 0;
        for (std::size_t k = 0; k < digits; ++k) {
          if (pos_ >= src_.size() || !IsHexDigit(src_[pos_])) {
            return std::unexpected(
                Error(codes::kInvalidEscape, start, pos_ - start,
                      "escape needs " + std::to_string(digits) + " hexadecimal digits"));
          }
          cp = cp * 16 + static_cast<char32_t>(HexValue(src_[pos_++]));
        }
        if (!AppendUtf8(out, cp)) {
          return std::unexpected(Error(codes::kInvalidEscape, start, pos_ - start,
                                       "escape is not a Unicode scalar value"));
        }
        return {};
      }
      default:
        break;
    }
    if (e >= '0' && e <= '3') {
      char32_t cp = static_cast<char32_t>(e - '0');
      for (int k = 0; k < 2; ++k) {
        if (pos_ >= src_.size() || src_[pos_] < '0' || src_[pos_] > '7') {
          return std::unexpected(
              Error(codes::kInvalidEscape, start, pos_ - start, "octal escape needs 3 digits"));
        }
        cp = cp * 8 + static_cast<char32_t>(src_[pos_++] - '0');
      }
      AppendUtf8(out, cp);
      return {};
    }
    return std::unexpected(Error(codes::kInvalidEscape, start, 2,
                                 "unknown escape `\\" + std::string(1, e) + "`",
                                 "write `\\\\` for a backslash"));
  }

  std::expected<Token, Diagnostic> Punctuation(std::size_t start) {
    const char c = src_[pos_];
    const char n = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    auto one = [&](TokenKind kind) {
      pos_ += 1;
      return Make(kind, start);
    };
    auto two = [&](TokenKind kind) {
      pos_ += 2;
      return Make(kind, start);
    };
    switch (c) {
      case '(':
        return one(TokenKind::kLParen);
      case ')':
        return one(TokenKind::kRParen);
      case '[':
        return one(TokenKind::kLBracket);
      case ']':
        return one(TokenKind::kRBracket);
      case '{':
        return one(TokenKind::kLBrace);
      case '}':
        return one(TokenKind::kRBrace);
      case '.':
        return one(TokenKind::kDot);
      case ',':
        return one(TokenKind::kComma);
      case ':':
        return one(TokenKind::kColon);
      case '+':
        return one(TokenKind::kPlus);
      case '-':
        return one(TokenKind::kMinus);
      case '*':
        return one(TokenKind::kStar);
      case '/':
        return one(TokenKind::kSlash);
      case '%':
        return one(TokenKind::kPercent);
      case '?':
        return n == '?' ? two(TokenKind::kQuestionQuestion) : one(TokenKind::kQuestion);
      case '!':
        return n == '=' ? two(TokenKind::kNe) : one(TokenKind::kBang);
      case '<':
        return n == '=' ? two(TokenKind::kLe) : one(TokenKind::kLt);
      case '>':
        return n == '=' ? two(TokenKind::kGe) : one(TokenKind::kGt);
      case '=':
        if (n == '=') return two(TokenKind::kEq);
        return std::unexpected(Error(codes::kUnexpectedCharacter, start, 1,
                                     "`=` is not an operator", "compare with `==`"));
      case '|':
        if (n == '|') return two(TokenKind::kOrOr);
        return std::unexpected(
            Error(codes::kUnexpectedCharacter, start, 1, "`|` is not an operator", "use `||`"));
      case '&':
        if (n == '&') return two(TokenKind::kAndAnd);
        return std::unexpected(
            Error(codes::kUnexpectedCharacter, start, 1, "`&` is not an operator", "use `&&`"));
      default:
        break;
    }
    // Report the whole code point, not one byte of it.
    std::size_t length = 1;
    while (start + length < src_.size() &&
           (static_cast<unsigned char>(src_[start + length]) & 0xC0) == 0x80) {
      ++length;
    }
    std::string hint;
    if (c == '$') hint = "write the expression without `$`; `${ ... }` only marks it in YAML";
    return std::unexpected(Error(
        codes::kUnexpectedCharacter, start, length,
        "unexpected character `" + std::string(src_.substr(start, length)) + "`", std::move(hint)));
  }

  std::string_view src_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string DescribeToken(const Token& token) {
  if (token.kind == TokenKind::kEnd) return "end of expression";
  return "`" + std::string(token.text) + "`";
}

std::expected<std::vector<Token>, Diagnostic> Lex(std::string_view source) {
  if (source.size() > kMaxSourceBytes) {
    return std::unexpected(
        Error(codes::kTooLong, 0, source.size(),
              "expression is longer than " + std::to_string(kMaxSourceBytes) + " bytes",
              "split it into steps or variables"));
  }
  std::size_t bad = 0;
  if (!IsValidUtf8(source, &bad)) {
    return std::unexpected(Error(codes::kInvalidUtf8, bad, 1, "expression is not valid UTF-8"));
  }
  return Lexer(source).Run();
}

}  // namespace weft::dsl::expr
