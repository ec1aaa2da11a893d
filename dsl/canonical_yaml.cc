#include "dsl/canonical_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <regex>
#include <string_view>
#include <vector>

namespace weft::dsl {
namespace {

// The reading order of the language's keys; other keys (inside input schemas, args...) follow
// in alphabetical order.
constexpr std::array<std::string_view, 51> kKeyOrder = {"dsl",
                                                        "name",
                                                        "id",
                                                        "version",
                                                        "description",
                                                        "when",
                                                        "call",
                                                        "set",
                                                        "switch",
                                                        "parallel",
                                                        "foreach",
                                                        "while",
                                                        "wait",
                                                        "await",
                                                        "workflow",
                                                        "try",
                                                        "fail",
                                                        "return",
                                                        "type",
                                                        "message",
                                                        "details",
                                                        "retryable",
                                                        "input",
                                                        "vars",
                                                        "defaults",
                                                        "handlers",
                                                        "queries",
                                                        "signals",
                                                        "updates",
                                                        "validate",
                                                        "value",
                                                        "in",
                                                        "as",
                                                        "index",
                                                        "concurrency",
                                                        "condition",
                                                        "max_iterations",
                                                        "mode",
                                                        "branches",
                                                        "cases",
                                                        "steps",
                                                        "collect",
                                                        "catch",
                                                        "finally",
                                                        "default",
                                                        "args",
                                                        "timeouts",
                                                        "retry",
                                                        "result",
                                                        "compensate",
                                                        "output"};

std::size_t Rank(const std::string& key) {
  const auto* found = std::find(kKeyOrder.begin(), kKeyOrder.end(), key);
  return static_cast<std::size_t>(found - kKeyOrder.begin());  // kKeyOrder.size() when absent
}

// Whether a plain scalar with this text would read back as something other than this string
// (YAML 1.2 core schema, and the 1.1 words some readers still honour).
bool NeedsQuotes(const std::string& text) {
  if (text.empty()) return true;
  static const std::array<std::string_view, 22> kWords = {
      "null", "Null", "NULL", "~",  "true", "True", "TRUE", "false", "False", "FALSE", "yes",
      "Yes",  "YES",  "no",   "No", "NO",   "on",   "On",   "ON",    "off",   "Off",   "OFF"};
  if (std::find(kWords.begin(), kWords.end(), text) != kWords.end()) return true;
  static const std::regex kNumber(
      "^[-+]?(0x[0-9a-fA-F]+|0o[0-7]+|(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|\\.(inf|Inf|"
      "INF|nan|NaN|NAN))$");
  return std::regex_match(text, kNumber);
}

void Emit(YAML::Emitter& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      std::vector<std::string> keys;
      for (const auto& [key, item] : value.items()) keys.push_back(key);
      std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
        return Rank(a) < Rank(b);
      });
      if (keys.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      out << YAML::BeginMap;
      for (const std::string& key : keys) {
        out << YAML::Key;
        if (NeedsQuotes(key)) out << YAML::DoubleQuoted;
        out << key << YAML::Value;
        Emit(out, value[key]);
      }
      out << YAML::EndMap;
      return;
    }
    case nlohmann::json::value_t::array:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const nlohmann::json& item : value) Emit(out, item);
      out << YAML::EndSeq;
      return;
    case nlohmann::json::value_t::string: {
      const std::string& text = value.get_ref<const std::string&>();
      if (NeedsQuotes(text)) out << YAML::DoubleQuoted;
      out << text;
      return;
    }
    case nlohmann::json::value_t::boolean:
      out << (value.get<bool>() ? "true" : "false");
      return;
    case nlohmann::json::value_t::null:
      out << YAML::Null;
      return;
    default:  // numbers, in JSON's spelling, which YAML reads back the same
      out << value.dump();
      return;
  }
}

}  // namespace

std::string CanonicalYaml(const Definition& definition) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  Emit(out, definition.canonical);
  return std::string(out.c_str()) + "\n";
}

}  // namespace weft::dsl
