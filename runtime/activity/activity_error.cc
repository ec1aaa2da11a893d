#include "runtime/activity/activity_error.h"

#include <algorithm>
#include <cstdint>
#include <limits>
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

std::string CapText(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  const std::size_t original = text.size();
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "... (" + std::to_string(original - end) + " more bytes cut)";
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

namespace {

// A JSON number of milliseconds as int64, saturated: converting a float or an unsigned out of
// range would be undefined behaviour, and a huge delay must stay huge.
std::int64_t SaturatedMs(const nlohmann::json& number) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (number.is_number_unsigned()) {
    return number.get<std::uint64_t>() > static_cast<std::uint64_t>(kMax)
               ? kMax
               : number.get<std::int64_t>();
  }
  if (number.is_number_float()) {
    const double value = number.get<double>();
    if (!(value < 9.2e18)) return kMax;  // also NaN
    return static_cast<std::int64_t>(std::max(value, 0.0));
  }
  return number.get<std::int64_t>();
}

}  // namespace

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
  error.type = CapText(string_field("type", "Error"), kMaxTypeBytes);
  error.message = CapText(string_field("message", ""), kMaxMessageBytes);
  error.stack_trace = CapText(string_field("stack_trace", ""), kMaxStackTraceBytes);
  if (auto it = value.find("details"); it != value.end()) error.details = *it;
  if (auto it = value.find("non_retryable"); it != value.end() && it->is_boolean()) {
    error.non_retryable = it->get<bool>();
  }
  if (auto it = value.find("next_retry_delay_ms"); it != value.end() && it->is_number()) {
    error.next_retry_delay = std::chrono::milliseconds(SaturatedMs(*it));
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
