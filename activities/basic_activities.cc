#include "activities/basic_activities.h"

#include <algorithm>
#include <chrono>

namespace weft::activities {
namespace {

using activity::ActivityContext;
using activity::ActivityError;
using activity::ActivityResult;
using nlohmann::json;

ActivityResult Log(const json& input, ActivityContext& context) {
  if (!input.is_object() || !input.contains("message")) {
    return std::unexpected(ActivityError::InvalidInput("log: `message` is required"));
  }
  std::string level = input.value("level", std::string("info"));
  auto log_level = level == "debug"   ? activity::LogLevel::kDebug
                   : level == "warn"  ? activity::LogLevel::kWarn
                   : level == "error" ? activity::LogLevel::kError
                                      : activity::LogLevel::kInfo;
  const json& message = input["message"];
  std::string text = message.is_string()
                         ? message.get<std::string>()
                         : message.dump(-1, ' ', false, json::error_handler_t::replace);
  if (auto fields = input.find("fields"); fields != input.end()) {
    text += " " + fields->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  context.Log(log_level, text);
  return nullptr;
}

ActivityResult Sleep(const json& input, ActivityContext& context) {
  if (!input.is_object() || !input.contains("seconds") || !input["seconds"].is_number() ||
      input["seconds"].get<double>() < 0) {
    return std::unexpected(ActivityError::InvalidInput("sleep: `seconds` (>= 0) is required"));
  }
  using std::chrono::milliseconds;
  auto total = milliseconds(static_cast<std::int64_t>(input["seconds"].get<double>() * 1000));
  auto heartbeat_every =
      milliseconds(static_cast<std::int64_t>(input.value("heartbeat_seconds", 1.0) * 1000));
  heartbeat_every = std::max(heartbeat_every, milliseconds(10));
  auto start = std::chrono::steady_clock::now();
  auto end = start + total;
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (now >= end) break;
    auto remaining = std::chrono::duration_cast<milliseconds>(end - now);
    if (context.WaitForCancel(std::min(remaining, heartbeat_every))) {
      return std::unexpected(ActivityError::Cancelled("sleep cancelled"));
    }
    auto left = std::chrono::duration_cast<milliseconds>(end - std::chrono::steady_clock::now());
    context.Heartbeat({{"remaining_ms", std::max<std::int64_t>(0, left.count())}});
  }
  auto slept = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  return json{{"slept_ms", slept.count()}};
}

ActivityResult Parse(const json& input, ActivityContext&) {
  if (!input.is_object() || !input.contains("text") || !input["text"].is_string()) {
    return std::unexpected(
        ActivityError::InvalidInput("json.parse: `text` (a string) is required"));
  }
  try {
    return json::parse(input["text"].get_ref<const std::string&>());
  } catch (const json::parse_error& e) {
    return std::unexpected(
        ActivityError::NonRetryable("JsonParseError", e.what(), {{"byte", e.byte}}));
  }
}

ActivityResult Stringify(const json& input, ActivityContext&) {
  if (!input.is_object() || !input.contains("value")) {
    return std::unexpected(ActivityError::InvalidInput("json.stringify: `value` is required"));
  }
  int indent = input.value("indent", -1);
  return input["value"].dump(indent, ' ', false, json::error_handler_t::replace);
}

// Objects merge key by key, recursively; anything else is replaced by the later value.
void DeepMerge(json& into, const json& from) {
  if (!into.is_object() || !from.is_object()) {
    into = from;
    return;
  }
  for (const auto& [key, value] : from.items()) DeepMerge(into[key], value);
}

ActivityResult Merge(const json& input, ActivityContext&) {
  if (!input.is_object() || !input.contains("values") || !input["values"].is_array()) {
    return std::unexpected(
        ActivityError::InvalidInput("json.merge: `values` (an array of objects) is required"));
  }
  json merged = json::object();
  for (const auto& value : input["values"]) {
    if (!value.is_object()) {
      return std::unexpected(
          ActivityError::InvalidInput("json.merge: every value must be an object"));
    }
    DeepMerge(merged, value);
  }
  return merged;
}

}  // namespace

std::vector<activity::ActivityDefinition> BasicActivities() {
  return {
      {.name = "log",
       .description = "Writes a line to the worker's log",
       .input_schema = json::parse(R"({"type": "object", "required": ["message"],
          "properties": {"message": {}, "level": {"enum": ["debug", "info", "warn", "error"]},
                         "fields": {"type": "object"}}})"),
       .function = Log},
      {.name = "sleep",
       .description = "Waits, heartbeating; cancellable",
       .input_schema = json::parse(R"({"type": "object", "required": ["seconds"],
          "properties": {"seconds": {"type": "number", "minimum": 0},
                         "heartbeat_seconds": {"type": "number", "default": 1}}})"),
       .function = Sleep},
      {.name = "json.parse",
       .description = "Parses JSON text",
       .input_schema = json::parse(R"({"type": "object", "required": ["text"],
          "properties": {"text": {"type": "string"}}})"),
       .function = Parse},
      {.name = "json.stringify",
       .description = "Writes a value as JSON text",
       .input_schema = json::parse(R"({"type": "object", "required": ["value"],
          "properties": {"value": {}, "indent": {"type": "integer"}}})"),
       .function = Stringify},
      {.name = "json.merge",
       .description = "Deep-merges objects, later ones winning",
       .input_schema = json::parse(R"({"type": "object", "required": ["values"],
          "properties": {"values": {"type": "array", "items": {"type": "object"}}}})"),
       .function = Merge},
  };
}

}  // namespace weft::activities
