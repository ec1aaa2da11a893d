// The small built-ins: log, sleep (heartbeating, cancellable) and the JSON helpers
// json.parse, json.stringify, json.merge. Inputs and outputs are in docs/activities.md.
// All are thread-safe.
#ifndef WEFT_ACTIVITIES_BASIC_ACTIVITIES_H_
#define WEFT_ACTIVITIES_BASIC_ACTIVITIES_H_

#include <vector>

#include "runtime/activity/activity.h"

namespace weft::activities {

std::vector<activity::ActivityDefinition> BasicActivities();

}  // namespace weft::activities

#endif  // WEFT_ACTIVITIES_BASIC_ACTIVITIES_H_
