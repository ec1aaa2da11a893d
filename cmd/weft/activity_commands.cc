// activities: lists the activity registry a worker would have (built-ins, --plugin libraries,
// the Lua modules of --lua-dir), with descriptions and input schemas.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cmd/weft/activity_flags.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/output.h"
#include "runtime/activity/activity_listing.h"
#include "runtime/activity/activity_registry.h"

namespace weft::cli {
namespace {

struct ActivitiesOptions {
  bool json = false;
  ActivityFlags activities;
};

void RunActivities(const ActivitiesOptions& options) {
  activity::ActivityRegistry registry;
  if (auto registered = activities::RegisterAll(options.activities.Registry(), registry);
      !registered) {
    CommandFailed("activities", registered.error().message);
  }
  if (options.json) {
    PrintJson(activity::ActivityListingJson(registry));
  } else {
    std::cout << activity::ActivityListingText(registry);
  }
}

}  // namespace

void AddActivityCommands(CLI::App& app) {
  auto options = std::make_shared<ActivitiesOptions>();
  CLI::App* command = app.add_subcommand(
      "activities", "List the registered activities: built-ins, plugins and Lua modules");
  command->add_flag("--json", options->json, "One JSON array, for machines");
  options->activities.Add(*command);
  command->callback([options] { RunActivities(*options); });
}

}  // namespace weft::cli
