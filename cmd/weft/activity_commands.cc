// activities: lists the activity registry a worker would have (built-ins, --plugin libraries,
// the Lua modules of --lua-dir), with descriptions and input schemas.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "cmd/weft/commands.h"
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
  activity::ActivityRegistry registry;
  if (auto registered = activities::RegisterAll(
          activities::ProjectRegistryOptions(options.plugins, options.lua_dir), registry);
      !registered) {
    std::cerr << "weft activities: " << registered.error().message << "\n";
    throw CLI::RuntimeError(1);
  }
  if (options.json) {
    std::cout << activity::ActivityListingJson(registry).dump(
                     2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
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
  command->add_option("--plugin", options->plugins, "Load an activity plugin (a .so); repeatable");
  command
      ->add_option("--lua-dir", options->lua_dir,
                   "Directory of Lua activity modules (default: ./activities if present)")
      ->envname("WEFT_LUA_DIR");
  command->callback([options] { RunActivities(*options); });
}

}  // namespace weft::cli
