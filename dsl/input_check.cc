#include "dsl/input_check.h"

#include <optional>
#include <string_view>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "dsl/json_text.h"

namespace weft::dsl {
namespace {

// valijson's context is {"<root>", "[items]", "[0]", ...}; a JSON Pointer escapes ~ and /.
std::string Pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    if (part == "<root>") continue;
    std::string token = part;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
      if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
        token = token.substr(1, token.size() - 2);
      }
    }
    pointer += '/';
    for (char c : token) {
      if (c == '~') {
        pointer += "~0";
      } else if (c == '/') {
        pointer += "~1";
      } else {
        pointer += c;
      }
    }
  }
  return pointer;
}

// std::regex, which valijson compiles `pattern` and `patternProperties` with, makes a copy of
// the repeated atom for every count of a counted repetition (`a{100000000}` is that many
// states), and libstdc++ 12 overflows a signed integer reading a count of 19 digits or more:
// a schema's counts are checked here before any regex sees them.
constexpr std::size_t kMaxPatternCount = 1000;

// Why `pattern` cannot be used, or nullopt. A brace after a backslash or inside a bracket
// expression is literal.
std::optional<std::string> UnusablePattern(std::string_view pattern) {
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // "[]...]": ']' first is literal
    } else if (c == '{') {
      // Checked at every digit, so the count itself never overflows.
      std::size_t count = 0;
      for (std::size_t j = i + 1; j < pattern.size(); ++j) {
        const char d = pattern[j];
        if (d >= '0' && d <= '9') {
          count = count * 10 + static_cast<std::size_t>(d - '0');
          if (count > kMaxPatternCount) {
            return "a repetition count over " + std::to_string(kMaxPatternCount);
          }
        } else if (d == ',') {
          count = 0;
        } else {
          break;
        }
      }
    }
  }
  return std::nullopt;
}

// The first pattern of `schema` that cannot be used, as "<JSON Pointer>: why".
std::optional<std::string> UnusablePatternIn(const nlohmann::json& schema,
                                             const std::string& pointer) {
  const auto check = [](const nlohmann::json& value,
                        const std::string& at) -> std::optional<std::string> {
    if (!value.is_string()) return std::nullopt;
    if (auto why = UnusablePattern(value.get_ref<const std::string&>())) return at + ": " + *why;
    return std::nullopt;
  };
  if (schema.is_object()) {
    for (const auto& [key, value] : schema.items()) {
      const std::string at = pointer + "/" + key;
      if (key == "pattern") {
        if (auto why = check(value, at)) return why;
      } else if (key == "patternProperties" && value.is_object()) {
        for (const auto& [name, ignored] : value.items()) {
          if (auto why = check(name, at + "/" + name)) return why;
        }
      }
      if (auto why = UnusablePatternIn(value, at)) return why;
    }
  } else if (schema.is_array()) {
    for (std::size_t i = 0; i < schema.size(); ++i) {
      if (auto why = UnusablePatternIn(schema[i], pointer + "/" + std::to_string(i))) return why;
    }
  }
  return std::nullopt;
}

}  // namespace

std::expected<void, std::vector<InputError>> CheckInput(const nlohmann::json& schema,
                                                        const nlohmann::json& input) {
  // Before anything walks it recursively or writes it (valijson, the journal, the interpreter),
  // whatever the schema: a program that builds its input in memory never passed it through
  // ParseJsonText.
  if (auto problem = InvalidJsonAt(input)) {
    return std::unexpected(
        std::vector<InputError>{{problem->pointer, "the input " + problem->what + " here"}});
  }
  if (schema.is_null() || (schema.is_object() && schema.empty())) return {};
  if (auto why = UnusablePatternIn(schema, "")) {
    return std::unexpected(std::vector<InputError>{
        {"", "the definition's input schema cannot be used: its pattern at " + *why}});
  }
  valijson::Schema parsed;
  try {
    valijson::adapters::NlohmannJsonAdapter schema_adapter(schema);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    parser.populateSchema(schema_adapter, parsed);
  } catch (const std::exception& error) {
    return std::unexpected(std::vector<InputError>{
        {"", std::string("the definition's input schema cannot be used: ") + error.what()}});
  }
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(input);
  try {
    if (validator.validate(parsed, adapter, &results)) return {};
  } catch (const std::exception& error) {
    // valijson compiles a `pattern` only when a value reaches it, so a pattern that is no
    // regular expression ("a{2,1}") throws here, not when the schema is parsed.
    return std::unexpected(std::vector<InputError>{
        {"", std::string("the definition's input schema cannot be used: ") + error.what()}});
  }
  std::vector<InputError> errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    errors.push_back({Pointer(error.context), error.description});
  }
  // valijson reports the enclosing objects too ("Failed to validate against schema associated
  // with property name 'items'"); the innermost errors say what is wrong, so keep those.
  std::vector<InputError> innermost;
  for (const InputError& candidate : errors) {
    bool has_deeper = false;
    for (const InputError& other : errors) {
      if (other.pointer.size() > candidate.pointer.size() &&
          other.pointer.starts_with(candidate.pointer + "/")) {
        has_deeper = true;
        break;
      }
    }
    if (!has_deeper) innermost.push_back(candidate);
  }
  if (innermost.empty()) innermost.push_back({"", "does not match the input schema"});
  return std::unexpected(std::move(innermost));
}

std::string DescribeInputErrors(const std::vector<InputError>& errors) {
  std::string text;
  for (const InputError& error : errors) {
    if (!text.empty()) text += '\n';
    text += "input " + (error.pointer.empty() ? std::string("(the whole value)") : error.pointer) +
            ": " + error.message;
  }
  return text;
}

}  // namespace weft::dsl
