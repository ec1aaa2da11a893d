#include "dsl/input_check.h"

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
