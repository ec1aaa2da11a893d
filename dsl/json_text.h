// ParseJsonText: JSON that comes from outside weft (a `--input` flag or file, an MCP message, a
// request to the web UI) read strictly, so that a bad value is refused where it enters with a
// message that says what is wrong, instead of failing later, deep inside an engine:
//
//   - not JSON: nlohmann's message, with the byte position;
//   - a number out of the range of a double (`1e999`);
//   - an object with the same key twice (which one wins differs from tool to tool);
//   - values nested deeper than kMaxJsonDepth (a run's input, its journal row and every copy of
//     it are walked recursively; 100,000 levels would overflow the stack).
//
// Pure; any thread.
#ifndef WEFT_DSL_JSON_TEXT_H_
#define WEFT_DSL_JSON_TEXT_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace weft::dsl {

inline constexpr int kMaxJsonDepth = 256;

// `source` names where the text came from, for the message: "the value of --input".
std::expected<nlohmann::json, std::string> ParseJsonText(std::string_view text,
                                                         std::string_view source);

// What makes a JSON value built in memory (an embedding program's StartRun, an activity's
// result or error, a decoded payload) unfit to be stored or sent: a string or key that is not
// UTF-8 (nlohmann's serialiser would throw), a number that is not finite (it would be written
// as null, silently), or containers nested deeper than kMaxJsonDepth (recursive walks would
// overflow the stack). Walks without recursion, so any value is safe to ask about.
struct JsonProblem {
  std::string pointer;  // JSON Pointer of the bad value ("" for the whole value)
  std::string what;     // "is a string that is not UTF-8", to follow the pointer
};
std::optional<JsonProblem> InvalidJsonAt(const nlohmann::json& value);

}  // namespace weft::dsl

#endif  // WEFT_DSL_JSON_TEXT_H_
