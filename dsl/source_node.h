// A YAML document as the loader reads it: JSON-typed values (YAML 1.2 core schema), mapping
// entries in document order, and the source range of every node and key. Aliases are already
// expanded (within the reader's node budget), duplicate keys already reported. Owned by value;
// immutable once built; safe to read from any thread.
#ifndef WEFT_DSL_SOURCE_NODE_H_
#define WEFT_DSL_SOURCE_NODE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "dsl/source_range.h"

namespace weft::dsl {

struct SourceNode {
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kSequence, kMapping };

  struct Entry;

  Kind kind = Kind::kNull;
  nlohmann::json scalar;  // the value of a scalar node (null for collections)
  bool quoted = false;    // a quoted or block scalar: always a string
  SourceRange range;
  std::string path;               // JSON Pointer of the node in the document
  std::vector<SourceNode> items;  // kSequence
  std::vector<Entry> entries;     // kMapping, in document order, without duplicates

  bool is_scalar() const { return kind != Kind::kSequence && kind != Kind::kMapping; }
  bool is_string() const { return kind == Kind::kString; }
  const std::string& string() const { return scalar.get_ref<const std::string&>(); }
  // The entry named `key`, or nullptr.
  const SourceNode* Find(std::string_view key) const;
  // The plain JSON value of the node and everything under it.
  nlohmann::json ToJson() const;
};

struct SourceNode::Entry {
  std::string key;
  SourceRange key_range;
  SourceNode value;
};

// "sequence", "mapping", "string", "integer", "number", "boolean", "null": for messages.
const char* KindName(SourceNode::Kind kind);

}  // namespace weft::dsl

#endif  // WEFT_DSL_SOURCE_NODE_H_
