// DynamicActivities: activities whose set changes while a worker runs, so that a registry filled
// once at start still serves them: a folder of Lua modules, where a module added, edited or fixed
// after the start is served by its next call (docs/activities.md, "A Lua activity"). The registry
// asks it only for names it does not hold itself (ActivityRegistry::SetDynamic).
//
// Implementations are called from any number of threads at once.
#ifndef WEFT_RUNTIME_ACTIVITY_DYNAMIC_ACTIVITIES_H_
#define WEFT_RUNTIME_ACTIVITY_DYNAMIC_ACTIVITIES_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "runtime/activity/activity.h"

namespace weft::activity {

class DynamicActivities {
 public:
  virtual ~DynamicActivities() = default;

  // Whether `name` is one of these activities as things stand now (its module exists, whether
  // or not it loads: a module that does not load fails the call with its error, which names
  // the file and line, rather than with ActivityNotFound).
  virtual bool Serves(std::string_view name) const = 0;

  virtual ActivityResult Execute(std::string_view name, const nlohmann::json& input,
                                 ActivityContext& context) const = 0;
};

}  // namespace weft::activity

#endif  // WEFT_RUNTIME_ACTIVITY_DYNAMIC_ACTIVITIES_H_
