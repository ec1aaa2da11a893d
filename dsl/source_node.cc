#include "dsl/source_node.h"

namespace weft::dsl {

const SourceNode* SourceNode::Find(std::string_view key) const {
  for (const Entry& entry : entries) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

nlohmann::json SourceNode::ToJson() const {
  switch (kind) {
    case Kind::kSequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const SourceNode& item : items) out.push_back(item.ToJson());
      return out;
    }
    case Kind::kMapping: {
      nlohmann::json out = nlohmann::json::object();
      for (const Entry& entry : entries) out[entry.key] = entry.value.ToJson();
      return out;
    }
    default:
      return scalar;
  }
}

const char* KindName(SourceNode::Kind kind) {
  switch (kind) {
    case SourceNode::Kind::kNull:
      return "null";
    case SourceNode::Kind::kBool:
      return "boolean";
    case SourceNode::Kind::kInt:
      return "integer";
    case SourceNode::Kind::kDouble:
      return "number";
    case SourceNode::Kind::kString:
      return "string";
    case SourceNode::Kind::kSequence:
      return "list";
    case SourceNode::Kind::kMapping:
      return "mapping";
  }
  return "value";
}

}  // namespace weft::dsl
