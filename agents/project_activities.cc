#include "agents/project_activities.h"

#include "activities/builtin_activities.h"
#include "runtime/activity/activity_listing.h"
#include "runtime/activity/activity_registry.h"

namespace weft::agents {

std::expected<ProjectActivities, std::string> ListProjectActivities(
    const std::filesystem::path& activities_dir) {
  activities::RegistryOptions options;
  std::error_code failed;
  if (std::filesystem::is_directory(activities_dir, failed)) options.lua_dir = activities_dir;
  activity::ActivityRegistry registry;
  auto registered = activities::RegisterAll(options, registry);
  if (!registered) return std::unexpected(registered.error().message);
  ProjectActivities listed{.activities = activity::ActivityListingJson(registry),
                           .names = registry.Names()};
  for (const auto& broken : registered->broken_lua_modules) {
    listed.broken.push_back({{"module", broken.module},
                             {"file", broken.file.string()},
                             {"error", broken.error.ToJson()}});
  }
  return listed;
}

}  // namespace weft::agents
