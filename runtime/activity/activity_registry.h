// ActivityRegistry: every activity a worker can run, by name. Filled once at start (built-ins,
// plugins, Lua modules), then only read: after the last Register or SetDynamic call,
// Find/Serves/Execute/List may be called from any number of threads at once. Names it does not
// hold are asked of its DynamicActivities, if any (the Lua modules of a folder, which change
// while the worker runs). Not copyable; it owns the definitions, and
// each definition's function owns whatever it needs (a Lua module set, a plugin library).
#ifndef WEFT_RUNTIME_ACTIVITY_ACTIVITY_REGISTRY_H_
#define WEFT_RUNTIME_ACTIVITY_ACTIVITY_REGISTRY_H_

#include <expected>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/activity/activity.h"
#include "runtime/activity/dynamic_activities.h"

namespace weft::activity {

class ActivityRegistry {
 public:
  ActivityRegistry() = default;
  ActivityRegistry(const ActivityRegistry&) = delete;
  ActivityRegistry& operator=(const ActivityRegistry&) = delete;

  // Fails (type "DuplicateActivity" or "InvalidActivityName") when the name is taken or is
  // not dotted identifiers ("http.request"); the registry is unchanged then.
  std::expected<void, ActivityError> Register(ActivityDefinition definition);

  // Where names not registered here are looked up next; set once, at start.
  void SetDynamic(std::shared_ptr<const DynamicActivities> dynamic);

  // nullptr when not registered here (a dynamic activity has no definition to point at).
  const ActivityDefinition* Find(std::string_view name) const;
  // Whether Execute(name) reaches an activity: registered, or served dynamically now.
  bool Serves(std::string_view name) const;

  // Runs the activity on the calling thread. An unknown name is a non-retryable
  // "ActivityNotFound"; an exception escaping the activity becomes an "InternalError"; a result
  // that is not JSON (a string that is not UTF-8, a NaN) a non-retryable "InvalidResult".
  ActivityResult Execute(std::string_view name, const nlohmann::json& input,
                         ActivityContext& context) const;

  // Sorted by name.
  std::vector<const ActivityDefinition*> List() const;
  // The registered names, for `weft validate` to report a call of an unknown activity.
  std::set<std::string> Names() const;

 private:
  // Execute before its result is checked.
  ActivityResult Dispatch(std::string_view name, const nlohmann::json& input,
                          ActivityContext& context) const;

  std::map<std::string, ActivityDefinition, std::less<>> activities_;
  std::shared_ptr<const DynamicActivities> dynamic_;
};

// True for dotted identifiers: "http.request", "my_module.do_it" (letters, digits, '_', '-').
bool IsValidActivityName(std::string_view name);

}  // namespace weft::activity

#endif  // WEFT_RUNTIME_ACTIVITY_ACTIVITY_REGISTRY_H_
