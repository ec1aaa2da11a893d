// UTF-8 helpers for the expression language, whose strings are sequences of Unicode code points
// (size(), substring() and indexOf() count code points, as CEL does). Pure functions.
#ifndef WEFT_DSL_EXPR_UTF8_H_
#define WEFT_DSL_EXPR_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace weft::dsl::expr {

// Whether `text` is well-formed UTF-8; if not, `*bad_offset` is the first offending byte.
bool IsValidUtf8(std::string_view text, std::size_t* bad_offset = nullptr);

// `text` with each byte that does not start a well-formed sequence replaced by U+FFFD, for
// text that must be shown or stored whatever its origin (an activity's error message).
std::string ToValidUtf8(std::string_view text);

// Appends the UTF-8 encoding of `code_point`; false for surrogates or values above U+10FFFF.
bool AppendUtf8(std::string& out, char32_t code_point);

// The number of code points of valid UTF-8 text.
std::size_t CodePointCount(std::string_view text);

// The byte offset of code point `index` in valid UTF-8 text (text.size() when index equals the
// count); npos when index is beyond the end.
std::size_t CodePointOffset(std::string_view text, std::size_t index);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_UTF8_H_
