#include "runtime/activity/activity_registry.h"

#include <exception>
#include <utility>

#include "dsl/expr/utf8.h"
#include "dsl/json_text.h"

namespace weft::activity {

bool IsValidActivityName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  char previous = '\0';
  for (char c : name) {
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-';
    if (!word && c != '.') return false;
    if (c == '.' && previous == '.') return false;
    previous = c;
  }
  return true;
}

std::expected<void, ActivityError> ActivityRegistry::Register(ActivityDefinition definition) {
  if (!IsValidActivityName(definition.name)) {
    return std::unexpected(ActivityError::NonRetryable(
        "InvalidActivityName", "'" + definition.name + "' is not a valid activity name"));
  }
  if (!definition.function) {
    return std::unexpected(ActivityError::NonRetryable(
        "InvalidActivityName", "activity '" + definition.name + "' has no function"));
  }
  if (auto it = activities_.find(definition.name); it != activities_.end()) {
    std::string where = it->second.origin.empty() ? "a built-in" : it->second.origin;
    return std::unexpected(ActivityError::NonRetryable(
        "DuplicateActivity",
        "activity '" + definition.name + "' is already registered (by " + where + ")"));
  }
  std::string name = definition.name;
  activities_.emplace(std::move(name), std::move(definition));
  return {};
}

const ActivityDefinition* ActivityRegistry::Find(std::string_view name) const {
  auto it = activities_.find(name);
  return it == activities_.end() ? nullptr : &it->second;
}

void ActivityRegistry::SetDynamic(std::shared_ptr<const DynamicActivities> dynamic) {
  dynamic_ = std::move(dynamic);
}

bool ActivityRegistry::Serves(std::string_view name) const {
  return Find(name) != nullptr || (dynamic_ != nullptr && dynamic_->Serves(name));
}

namespace {

// What an activity hands back, made fit for the journal, history and logs: any C++ activity can
// build a json holding bytes that are not UTF-8 or a NaN, which nlohmann's serialiser would
// throw on (taking the engine down) or write as null. A result that is not JSON fails the
// attempt for good (the same code returns the same value, as a Lua activity's would); an
// error's text is repaired and details that are not JSON are dropped, with a note, so that the
// error itself still reaches the workflow.
ActivityResult Checked(std::string_view name, ActivityResult result) {
  if (result) {
    auto problem = dsl::InvalidJsonAt(*result);
    if (!problem) return result;
    return std::unexpected(ActivityError::NonRetryable(
        std::string(error_type::kInvalidResult), "activity '" + std::string(name) +
                                                     "' returned what is not JSON: the value at '" +
                                                     problem->pointer + "' " + problem->what));
  }
  ActivityError& error = result.error();
  error.type = dsl::expr::ToValidUtf8(error.type);
  error.message = dsl::expr::ToValidUtf8(error.message);
  error.stack_trace = dsl::expr::ToValidUtf8(error.stack_trace);
  if (auto problem = dsl::InvalidJsonAt(error.details)) {
    error.details = nullptr;
    error.message += " (its details were dropped: the value at '" + problem->pointer + "' " +
                     problem->what + ")";
  }
  return result;
}

}  // namespace

ActivityResult ActivityRegistry::Execute(std::string_view name, const nlohmann::json& input,
                                         ActivityContext& context) const {
  return Checked(name, Dispatch(name, input, context));
}

ActivityResult ActivityRegistry::Dispatch(std::string_view name, const nlohmann::json& input,
                                          ActivityContext& context) const {
  const ActivityDefinition* definition = Find(name);
  if (definition == nullptr && dynamic_ != nullptr && dynamic_->Serves(name)) {
    try {
      return dynamic_->Execute(name, input, context);
    } catch (const std::exception& e) {
      return std::unexpected(
          ActivityError::Retryable(std::string(error_type::kInternal),
                                   "activity '" + std::string(name) + "' threw: " + e.what()));
    }
  }
  if (definition == nullptr) {
    return std::unexpected(
        ActivityError::NonRetryable(std::string(error_type::kActivityNotFound),
                                    "no activity named '" + std::string(name) + "' is registered"));
  }
  try {
    return definition->function(input, context);
  } catch (const std::exception& e) {
    return std::unexpected(
        ActivityError::Retryable(std::string(error_type::kInternal),
                                 "activity '" + definition->name + "' threw: " + e.what()));
  } catch (...) {
    return std::unexpected(ActivityError::Retryable(std::string(error_type::kInternal),
                                                    "activity '" + definition->name + "' threw"));
  }
}

std::vector<const ActivityDefinition*> ActivityRegistry::List() const {
  std::vector<const ActivityDefinition*> list;
  list.reserve(activities_.size());
  for (const auto& [name, definition] : activities_) list.push_back(&definition);
  return list;
}

std::set<std::string> ActivityRegistry::Names() const {
  std::set<std::string> names;
  for (const auto& [name, definition] : activities_) names.insert(name);
  return names;
}

}  // namespace weft::activity
