// LoadPlugin: opens an activity plugin (a shared library speaking plugin_abi.h) and registers
// its activities. Called at start, before the registry is shared with workers. A loaded
// plugin stays loaded for the life of the process (its functions are in the registry).
#ifndef WEFT_RUNTIME_ACTIVITY_PLUGIN_LOADER_H_
#define WEFT_RUNTIME_ACTIVITY_PLUGIN_LOADER_H_

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/activity/activity_error.h"
#include "runtime/activity/activity_registry.h"

namespace weft::activity {

// Returns the names it registered. Errors (type "PluginError", non-retryable) say which file
// and why: cannot be opened (not a shared library, missing), a missing entry point, an ABI
// version that differs from WEFT_PLUGIN_ABI_VERSION, a refused registration, a duplicate name.
// On error, activities registered before the failure stay registered.
std::expected<std::vector<std::string>, ActivityError> LoadPlugin(const std::filesystem::path& path,
                                                                  ActivityRegistry& registry);

}  // namespace weft::activity

#endif  // WEFT_RUNTIME_ACTIVITY_PLUGIN_LOADER_H_
