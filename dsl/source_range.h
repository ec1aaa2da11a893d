// Where a node of a definition came from: positions in the YAML text, 1-based, as editors and
// compilers show them. A SourceRange is a plain value; it owns nothing and is safe to copy and
// read from any thread.
#ifndef WEFT_DSL_SOURCE_RANGE_H_
#define WEFT_DSL_SOURCE_RANGE_H_

#include <cstddef>

namespace weft::dsl {

struct SourcePosition {
  int line = 0;            // 1-based; 0 when unknown
  int column = 0;          // 1-based, in bytes of the line
  std::size_t offset = 0;  // bytes from the start of the text
};

// [begin, end): `end` is the position just past the node's last character.
struct SourceRange {
  SourcePosition begin;
  SourcePosition end;
};

}  // namespace weft::dsl

#endif  // WEFT_DSL_SOURCE_RANGE_H_
