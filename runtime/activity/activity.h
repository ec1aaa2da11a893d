// Activity: one unit of work that an engine runs by name, with a JSON input and an
// ActivityContext, and that returns a JSON result or an ActivityError. Whatever language the
// activity is written in (C++, a plugin, Lua), the engine sees only this. Retries are the
// engine's business: it reads ActivityError::non_retryable and next_retry_delay.
#ifndef WEFT_RUNTIME_ACTIVITY_ACTIVITY_H_
#define WEFT_RUNTIME_ACTIVITY_ACTIVITY_H_

#include <expected>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runtime/activity/activity_context.h"
#include "runtime/activity/activity_error.h"

namespace weft::activity {

using ActivityResult = std::expected<nlohmann::json, ActivityError>;

// May be called from several threads at once with different contexts; an activity that keeps
// state must guard it. Should not throw (the registry turns an exception into an
// InternalError, but a well-behaved activity returns its errors).
using ActivityFunction =
    std::function<ActivityResult(const nlohmann::json& input, ActivityContext&)>;

// Where an activity comes from, for listings.
enum class ActivitySource { kBuiltin, kPlugin, kLua };

struct ActivityDefinition {
  std::string name;  // "<group>.<name>", e.g. "http.request", "text.slug"
  std::string description;
  std::optional<nlohmann::json> input_schema;  // a JSON Schema, when the activity declares one
  ActivitySource source = ActivitySource::kBuiltin;
  std::string origin;  // the plugin's or Lua module's file, empty for built-ins
  ActivityFunction function;
};

}  // namespace weft::activity

#endif  // WEFT_RUNTIME_ACTIVITY_ACTIVITY_H_
