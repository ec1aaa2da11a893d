#include "dsl/line_index.h"

#include <algorithm>

namespace weft::dsl {

LineIndex::LineIndex(std::string_view text) : size_(text.size()) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourcePosition LineIndex::PositionOf(std::size_t offset) const {
  offset = std::min(offset, size_);
  const auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line = static_cast<std::size_t>(next - line_starts_.begin());  // 1-based
  return SourcePosition{.line = static_cast<int>(line),
                        .column = static_cast<int>(offset - line_starts_[line - 1] + 1),
                        .offset = offset};
}

}  // namespace weft::dsl
