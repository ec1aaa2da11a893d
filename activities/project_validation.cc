#include "activities/project_validation.h"

#include <utility>

namespace weft::activities {

std::expected<dsl::ValidationReport, activity::ActivityError> ValidateProjectDefinitions(
    const std::vector<std::string>& paths, const RegistryOptions& registry) {
  auto known = ListKnownActivities(registry);
  if (!known) return std::unexpected(known.error());
  return dsl::ValidateDefinitions(paths,
                                  {.known_activities = std::move(known->names),
                                   .broken_activity_modules = std::move(known->broken_modules)});
}

}  // namespace weft::activities
