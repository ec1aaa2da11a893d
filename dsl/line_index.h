// Maps byte offsets of a text to 1-based line and column numbers. Built once per file in O(n);
// each lookup is a binary search. Borrows nothing after construction; immutable; thread-safe.
#ifndef WEFT_DSL_LINE_INDEX_H_
#define WEFT_DSL_LINE_INDEX_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "dsl/source_range.h"

namespace weft::dsl {

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  SourcePosition PositionOf(std::size_t offset) const;

 private:
  std::vector<std::size_t> line_starts_;
  std::size_t size_ = 0;
};

}  // namespace weft::dsl

#endif  // WEFT_DSL_LINE_INDEX_H_
