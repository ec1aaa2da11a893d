#include "runtime/activity/activity_error.h"

#include <utility>

namespace weft::activity {

ActivityError ActivityError::Retryable(std::string type, std::string message,
                                       nlohmann::json details) {
  return {.type = std::move(type), .message = std::move(message), .details = std::move(details)};
}

ActivityError ActivityError::NonRetryable(std::string type, std::string message,
                                          nlohmann::json details) {
  return {.type = std::move(type),
          .message = std::move(message),
          .details = std::move(details),
          .non_retryable = true};
}

ActivityError ActivityError::InvalidInput(std::string message) {
  return NonRetryable(std::string(error_type::kInvalidInput), std::move(message));
}

ActivityError ActivityError::Cancelled(std::string message) {
  return {.category = ErrorCategory::kCancelled,
          .type = std::string(error_type::kCancelled),
          .message = std::move(message),
          .non_retryable = true};
}

ActivityError ActivityError::Timeout(std::string message) {
  return {.category = ErrorCategory::kTimeout,
          .type = std::string(error_type::kTimeout),
          .message = std::move(message)};
}

std::string_view CategoryName(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::kApplication:
      return "application";
    case ErrorCategory::kTimeout:
      return "timeout";
    case ErrorCategory::kCancelled:
      return "cancelled";
  }
  return "application";
}

nlohmann::json ActivityError::ToJson() const {
  nlohmann::json value = {{"type", type},
                          {"message", message},
                          {"details", details},
                          {"non_retryable", non_retryable},
                          {"category", CategoryName(category)}};
  if (next_retry_delay) value["next_retry_delay_ms"] = next_retry_delay->count();
  if (!stack_trace.empty()) value["stack_trace"] = stack_trace;
  return value;
}

ActivityError ActivityError::FromJson(const nlohmann::json& value) {
  ActivityError error;
  if (!value.is_object()) {
    error.type = "Error";
    error.message = value.is_string() ? value.get<std::string>() : value.dump();
    return error;
  }
  auto string_field = [&](const char* key, std::string fallback) {
    auto it = value.find(key);
    return it != value.end() && it->is_string() ? it->get<std::string>() : fallback;
  };
  error.type = string_field("type", "Error");
  error.message = string_field("message", "");
  error.stack_trace = string_field("stack_trace", "");
  if (auto it = value.find("details"); it != value.end()) error.details = *it;
  if (auto it = value.find("non_retryable"); it != value.end() && it->is_boolean()) {
    error.non_retryable = it->get<bool>();
  }
  if (auto it = value.find("next_retry_delay_ms"); it != value.end() && it->is_number()) {
    error.next_retry_delay = std::chrono::milliseconds(it->get<std::int64_t>());
  }
  std::string category = string_field("category", "application");
  if (category == "timeout") error.category = ErrorCategory::kTimeout;
  if (category == "cancelled") error.category = ErrorCategory::kCancelled;
  return error;
}

std::string ActivityError::Describe() const {
  return message.empty() ? type : type + ": " + message;
}

}  // namespace weft::activity
