#include "agents/tool_arguments.h"

#include <set>

namespace weft::agents {
namespace {

using nlohmann::json;

// JSON Schema's name for the type of `value` ("integer" for whole numbers).
std::string TypeOf(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer() || value.is_number_unsigned()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  if (value.is_array()) return "array";
  return "object";
}

bool HasType(const json& value, const std::string& type) {
  const std::string actual = TypeOf(value);
  return actual == type || (type == "number" && actual == "integer");
}

// "string", "string or null"; empty when the schema says nothing about the type.
std::string TypeText(const json& schema) {
  if (!schema.is_object() || !schema.contains("type")) return "";
  const json& type = schema["type"];
  if (type.is_string()) return type.get<std::string>();
  std::string text;
  for (const json& each : type) {
    if (!each.is_string()) continue;
    text += (text.empty() ? "" : " or ") + each.get<std::string>();
  }
  return text;
}

bool TypeMatches(const json& value, const json& schema) {
  if (!schema.is_object() || !schema.contains("type")) return true;
  const json& type = schema["type"];
  if (type.is_string()) return HasType(value, type.get<std::string>());
  if (!type.is_array()) return true;
  for (const json& each : type) {
    if (each.is_string() && HasType(value, each.get<std::string>())) return true;
  }
  return false;
}

std::vector<std::string> Accepted(const json& schema) {
  std::vector<std::string> accepted;
  std::set<std::string> required;
  if (schema.contains("required") && schema["required"].is_array()) {
    for (const json& name : schema["required"]) {
      if (name.is_string()) required.insert(name.get<std::string>());
    }
  }
  if (!schema.contains("properties") || !schema["properties"].is_object()) return accepted;
  for (const auto& [name, property] : schema["properties"].items()) {
    std::string text = name;
    const std::string type = TypeText(property);
    std::string notes = type;
    if (required.contains(name)) notes += std::string(notes.empty() ? "" : ", ") + "required";
    if (!notes.empty()) text += " (" + notes + ")";
    accepted.push_back(std::move(text));
  }
  return accepted;
}

}  // namespace

json ArgumentProblem::ToJson() const {
  std::string list;
  for (const std::string& each : accepted) list += (list.empty() ? "" : ", ") + each;
  return {{"error", message + "; " + tool + " takes " + (list.empty() ? "no arguments" : list)},
          {"argument", argument},
          {"accepted", accepted}};
}

std::expected<void, ArgumentProblem> CheckArguments(const Tool& tool, const json& arguments) {
  const json& schema = tool.input_schema;
  auto problem = [&](const std::string& argument, const std::string& message) {
    return std::unexpected(ArgumentProblem{
        .tool = tool.name, .argument = argument, .message = message, .accepted = Accepted(schema)});
  };
  if (!arguments.is_object()) return problem("", "the arguments must be an object");
  const json properties = schema.contains("properties") && schema["properties"].is_object()
                              ? schema["properties"]
                              : json::object();
  const bool closed = schema.value("additionalProperties", json(true)) == json(false);
  for (const auto& [name, value] : arguments.items()) {
    const auto property = properties.find(name);
    if (property == properties.end()) {
      if (closed) return problem(name, "unknown argument `" + name + "` of " + tool.name);
      continue;
    }
    if (!TypeMatches(value, *property)) {
      return problem(
          name, "argument `" + name + "` must be " + TypeText(*property) + ", not " +
                    TypeOf(value) + " (" +
                    value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + ")");
    }
    if (property->is_object() && property->contains("enum") && (*property)["enum"].is_array()) {
      bool listed = false;
      for (const json& allowed : (*property)["enum"]) listed = listed || allowed == value;
      if (!listed) {
        return problem(
            name,
            "argument `" + name + "` is " +
                value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                ", not one of " +
                (*property)["enum"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
    }
  }
  if (schema.contains("required") && schema["required"].is_array()) {
    for (const json& name : schema["required"]) {
      if (!name.is_string()) continue;
      const std::string missing = name.get<std::string>();
      if (!arguments.contains(missing)) {
        return problem(missing, "missing argument `" + missing + "` of " + tool.name);
      }
    }
  }
  return {};
}

}  // namespace weft::agents
