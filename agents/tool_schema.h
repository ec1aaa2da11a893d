// The pieces of a tool's inputSchema (JSON Schema) that the tools of weft mcp are written with:
// an object of named properties that refuses any other (tool_arguments.h holds calls to it),
// and its properties. Pure; any thread.
#ifndef WEFT_AGENTS_TOOL_SCHEMA_H_
#define WEFT_AGENTS_TOOL_SCHEMA_H_

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace weft::agents {

inline nlohmann::json ObjectSchema(nlohmann::json properties,
                                   std::vector<std::string> required = {}) {
  nlohmann::json schema = {
      {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

inline nlohmann::json Property(const std::string& type, const std::string& description) {
  return {{"type", type}, {"description", description}};
}

inline nlohmann::json StringProperty(const std::string& description) {
  return Property("string", description);
}

}  // namespace weft::agents

#endif  // WEFT_AGENTS_TOOL_SCHEMA_H_
