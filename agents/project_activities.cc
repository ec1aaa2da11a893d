#include "agents/project_activities.h"

#include <string_view>

#include "activities/builtin_activities.h"
#include "runtime/activity/activity_registry.h"

namespace weft::agents {
namespace {

std::string_view SourceName(activity::ActivitySource source) {
  switch (source) {
    case activity::ActivitySource::kBuiltin:
      return "builtin";
    case activity::ActivitySource::kPlugin:
      return "plugin";
    case activity::ActivitySource::kLua:
      return "lua";
  }
  return "builtin";
}

}  // namespace

std::expected<ProjectActivities, std::string> ListProjectActivities(
    const std::filesystem::path& activities_dir) {
  activities::RegistryOptions options;
  std::error_code failed;
  if (std::filesystem::is_directory(activities_dir, failed)) options.lua_dir = activities_dir;
  activity::ActivityRegistry registry;
  auto registered = activities::RegisterAll(options, registry);
  if (!registered) return std::unexpected(registered.error().message);
  ProjectActivities listed;
  for (const auto* definition : registry.List()) {
    nlohmann::json item = {{"name", definition->name},
                           {"description", definition->description},
                           {"source", SourceName(definition->source)}};
    if (!definition->origin.empty()) item["origin"] = definition->origin;
    if (definition->input_schema) item["input_schema"] = *definition->input_schema;
    listed.activities.push_back(std::move(item));
    listed.names.insert(definition->name);
  }
  for (const auto& broken : registered->broken_lua_modules) {
    listed.broken.push_back({{"module", broken.module},
                             {"file", broken.file.string()},
                             {"error", broken.error.ToJson()}});
  }
  return listed;
}

}  // namespace weft::agents
