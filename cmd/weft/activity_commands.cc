// activities: lists the activity registry a worker would have (built-ins, --plugin libraries,
// the Lua modules of --lua-dir), with descriptions and input schemas.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/activity/activity_listing.h"
#include "runtime/activity/activity_registry.h"

namespace weft::cli {
namespace {

struct ActivitiesOptions {
  bool json = false;
  std::vector<std::string> plugins;
  std::string lua_dir;
};

void RunActivities(const ActivitiesOptions& options) {
  auto registry = activities::BuildProjectRegistry(options.plugins, options.lua_dir);
  if (!registry) CommandFailed("activities", registry.error().message);
  if (options.json) {
    PrintJson(activity::ActivityListingJson(**registry));
  } else {
    std::cout << activity::ActivityListingText(**registry);
  }
}

}  // namespace

void AddActivityCommands(CLI::App& app) {
  auto options = std::make_shared<ActivitiesOptions>();
  CLI::App* command = app.add_subcommand(
      "activities", "List the registered activities: built-ins, plugins and Lua modules");
  command->add_flag("--json", options->json, "One JSON array, for machines");
  AddActivityFlags(*command, options->plugins, options->lua_dir);
  command->callback([options] { RunActivities(*options); });
}

}  // namespace weft::cli
