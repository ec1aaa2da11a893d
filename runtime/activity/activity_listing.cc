#include "runtime/activity/activity_listing.h"

#include <algorithm>

namespace weft::activity {

std::string_view ActivitySourceName(ActivitySource source) {
  switch (source) {
    case ActivitySource::kBuiltin:
      return "builtin";
    case ActivitySource::kPlugin:
      return "plugin";
    case ActivitySource::kLua:
      return "lua";
  }
  return "builtin";
}

nlohmann::json ActivityListingJson(const ActivityRegistry& registry) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto* definition : registry.List()) {
    nlohmann::json item = {{"name", definition->name},
                           {"description", definition->description},
                           {"source", ActivitySourceName(definition->source)}};
    if (!definition->origin.empty()) item["origin"] = definition->origin;
    if (definition->input_schema) item["input_schema"] = *definition->input_schema;
    list.push_back(std::move(item));
  }
  return list;
}

std::string ActivityListingText(const ActivityRegistry& registry) {
  std::size_t width = 0;
  for (const auto* definition : registry.List()) width = std::max(width, definition->name.size());
  std::string text;
  for (const auto* definition : registry.List()) {
    const std::string_view source = ActivitySourceName(definition->source);
    // The longest source name, "builtin", and two spaces: the descriptions line up.
    text += definition->name + std::string(width + 2 - definition->name.size(), ' ') +
            std::string(source) + std::string(9 - source.size(), ' ') + definition->description +
            "\n";
    if (definition->input_schema) {
      text += std::string(width + 2, ' ') + "input: " + definition->input_schema->dump() + "\n";
    }
  }
  return text;
}

}  // namespace weft::activity
