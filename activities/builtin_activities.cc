#include "activities/builtin_activities.h"

#include <spdlog/spdlog.h>

#include "activities/basic_activities.h"
#include "activities/http_request.h"
#include "activities/llm_chat.h"
#include "runtime/activity/plugin_loader.h"
#include "runtime/lua/lua_activities.h"

namespace weft::activities {

std::expected<void, activity::ActivityError> RegisterBuiltins(
    activity::ActivityRegistry& registry) {
  std::vector<activity::ActivityDefinition> definitions = BasicActivities();
  definitions.push_back(HttpRequestActivity());
  definitions.push_back(LlmChatActivity());
  for (auto& definition : definitions) {
    if (auto registered = registry.Register(std::move(definition)); !registered) {
      return registered;
    }
  }
  return {};
}

RegistryOptions ProjectRegistryOptions(const std::vector<std::string>& plugins,
                                       const std::string& lua_dir) {
  RegistryOptions options;
  for (const auto& plugin : plugins) options.plugins.emplace_back(plugin);
  if (!lua_dir.empty()) {
    options.lua_dir = lua_dir;
  } else if (std::error_code failed; std::filesystem::is_directory("activities", failed)) {
    options.lua_dir = "activities";  // run from a project: its activities/*.lua
  }
  return options;
}

std::expected<RegistryReport, activity::ActivityError> RegisterAll(
    const RegistryOptions& options, activity::ActivityRegistry& registry) {
  if (auto builtins = RegisterBuiltins(registry); !builtins) {
    return std::unexpected(builtins.error());
  }
  for (const auto& plugin : options.plugins) {
    if (auto loaded = activity::LoadPlugin(plugin, registry); !loaded) {
      return std::unexpected(loaded.error());
    }
  }
  auto lua = lua::LuaActivities::Create({.module_dir = options.lua_dir.value_or(""),
                                         .limits = options.lua_limits,
                                         .reload_check_interval = options.lua_reload_check_interval,
                                         .registry = &registry});
  auto registered = lua->RegisterAll(registry);
  if (!registered) return std::unexpected(registered.error());
  RegistryReport report{.broken_lua_modules = std::move(registered->broken)};
  for (const auto& broken : report.broken_lua_modules) {
    spdlog::warn("{} does not load, and its activities fail until it is fixed: {}",
                 broken.file.string(), broken.error.message);
  }
  return report;
}

std::expected<std::unique_ptr<activity::ActivityRegistry>, activity::ActivityError>
BuildProjectRegistry(const std::vector<std::string>& plugins, const std::string& lua_dir) {
  auto registry = std::make_unique<activity::ActivityRegistry>();
  auto registered = RegisterAll(ProjectRegistryOptions(plugins, lua_dir), *registry);
  if (!registered) return std::unexpected(registered.error());
  return registry;
}

std::expected<KnownActivities, activity::ActivityError> ListKnownActivities(
    const RegistryOptions& options) {
  activity::ActivityRegistry registry;
  auto registered = RegisterAll(options, registry);
  if (!registered) return std::unexpected(registered.error());
  KnownActivities known{.names = registry.Names()};
  for (const auto& broken : registered->broken_lua_modules) {
    known.broken_modules[broken.module] = broken.file.string() + ": " + broken.error.message;
  }
  return known;
}

}  // namespace weft::activities
