// The first stage of loading: YAML text to a SourceNode tree, hardened against hostile input.
// Before yaml-cpp sees a byte, the text is checked for size, UTF-8 validity and tabs used as
// indentation; while the parsed document is walked, depth and the total number of nodes (aliases
// counted each time they are expanded) are bounded, so that nesting bombs and "billion laughs"
// end in a diagnostic in bounded time and memory. yaml-cpp's own DepthGuard bounds its recursive
// parser. Scalars are typed by the YAML 1.2 core schema (no yes/no/on/off booleans).
//
// Stateless; thread-safe. yaml-cpp stays private to dsl/: no yaml-cpp type appears here.
#ifndef WEFT_DSL_YAML_READER_H_
#define WEFT_DSL_YAML_READER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/diagnostic.h"
#include "dsl/source_node.h"

namespace weft::dsl {

struct ReadLimits {
  std::size_t max_bytes = 1 << 20;  // a definition is pinned into history: keep it small
  int max_depth = 64;               // real definitions nest a dozen levels
  std::size_t max_nodes = 100'000;  // after alias expansion

  bool operator==(const ReadLimits&) const = default;
};

struct ReadResult {
  std::optional<SourceNode> root;       // absent when the text could not be read at all
  std::vector<Diagnostic> diagnostics;  // may be non-empty even with a root (duplicate keys)
};

ReadResult ReadYaml(std::string_view text, std::string_view file, const ReadLimits& limits = {});

}  // namespace weft::dsl

#endif  // WEFT_DSL_YAML_READER_H_
