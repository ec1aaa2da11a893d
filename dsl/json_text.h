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

// For JSON built in memory rather than read by ParseJsonText (an embedding program's StartRun,
// a decoded payload): the JSON Pointer of the first container nested deeper than
// kMaxJsonDepth, nothing when the value is within bounds. Walks without recursion, so any
// depth is safe to ask about.
std::optional<std::string> TooDeepAt(const nlohmann::json& value);

}  // namespace weft::dsl

#endif  // WEFT_DSL_JSON_TEXT_H_
