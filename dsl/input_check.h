// InputCheck: a run's input against its definition's `input` JSON Schema (valijson, draft 7),
// before the run starts. The error names each place that is wrong by JSON Pointer and says
// what is wrong there, e.g. `/items/0/quantity: Value is less than the minimum of 1`.
//
// Both engines check a run's input with it where the run begins. Pure; thread-safe; never
// throws.
#ifndef WEFT_DSL_INPUT_CHECK_H_
#define WEFT_DSL_INPUT_CHECK_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace weft::dsl {

struct InputError {
  std::string pointer;  // "" for the whole input, "/items/0/quantity"
  std::string message;
};

// An input nested deeper than kMaxJsonDepth (json_text.h) is one error where it goes too deep,
// whatever the schema. Empty schema ({}, null): anything else is valid. An unusable schema is
// one error at "".
std::expected<void, std::vector<InputError>> CheckInput(const nlohmann::json& schema,
                                                        const nlohmann::json& input);

// "input /items/0/quantity: ...", one line per error.
std::string DescribeInputErrors(const std::vector<InputError>& errors);

}  // namespace weft::dsl

#endif  // WEFT_DSL_INPUT_CHECK_H_
