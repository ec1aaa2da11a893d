// ValidateProjectDefinitions: `weft validate` as a function. It validates the definition files
// the paths name (dsl::ValidateDefinitions) with every `call` checked against what a worker
// started with `registry` would run (ListKnownActivities): a name no one registered is an
// error, and a call into a Lua module that does not load says so, with the module's error.
//
// Loads the plugins and Lua modules in this process and drops them before it returns; reads
// files only otherwise. Any thread may call it; the report is the caller's.
#ifndef WEFT_ACTIVITIES_PROJECT_VALIDATION_H_
#define WEFT_ACTIVITIES_PROJECT_VALIDATION_H_

#include <expected>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "dsl/validation_report.h"
#include "runtime/activity/activity_error.h"

namespace weft::activities {

// The error is the registry's: a plugin that does not load, a Lua folder that cannot be read.
std::expected<dsl::ValidationReport, activity::ActivityError> ValidateProjectDefinitions(
    const std::vector<std::string>& paths, const RegistryOptions& registry);

}  // namespace weft::activities

#endif  // WEFT_ACTIVITIES_PROJECT_VALIDATION_H_
