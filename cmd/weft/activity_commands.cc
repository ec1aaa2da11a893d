// activities: lists the activity registry a worker would have (built-ins, --plugin libraries,
// the Lua modules of --lua-dir), with descriptions and input schemas.
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "cmd/weft/commands.h"
#include "runtime/activity/activity_registry.h"

namespace weft::cli {
namespace {

struct ActivitiesOptions {
  bool json = false;
  std::vector<std::string> plugins;
  std::string lua_dir;
};

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

void RunActivities(const ActivitiesOptions& options) {
  const activities::RegistryOptions registry_options =
      activities::ProjectRegistryOptions(options.plugins, options.lua_dir);
  activity::ActivityRegistry registry;
  if (auto registered = activities::RegisterAll(registry_options, registry); !registered) {
    std::cerr << "weft activities: " << registered.error().message << "\n";
    throw CLI::RuntimeError(1);
  }
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto* definition : registry.List()) {
      nlohmann::json item = {{"name", definition->name},
                             {"description", definition->description},
                             {"source", SourceName(definition->source)}};
      if (!definition->origin.empty()) item["origin"] = definition->origin;
      if (definition->input_schema) item["input_schema"] = *definition->input_schema;
      list.push_back(std::move(item));
    }
    std::cout << list.dump(2) << "\n";
    return;
  }
  std::size_t width = 0;
  for (const auto* definition : registry.List()) width = std::max(width, definition->name.size());
  for (const auto* definition : registry.List()) {
    std::cout << definition->name << std::string(width + 2 - definition->name.size(), ' ')
              << SourceName(definition->source)
              << std::string(9 - SourceName(definition->source).size(), ' ')
              << definition->description << "\n";
    if (definition->input_schema) {
      std::cout << std::string(width + 2, ' ') << "input: " << definition->input_schema->dump()
                << "\n";
    }
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
