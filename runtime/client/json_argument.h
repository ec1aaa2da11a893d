// JSON given on the command line, as the input or the argument of a request: inline
// (`--input '{"name":"Ada"}'`), from a file (`--input @order.json`) or from stdin
// (`--input @-`). A parse error names the flag, the source and the position.
//
// Reads std::cin for `@-`: call it from one thread, once per command.
#ifndef WEFT_RUNTIME_CLIENT_JSON_ARGUMENT_H_
#define WEFT_RUNTIME_CLIENT_JSON_ARGUMENT_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <string>

namespace weft::client {

// `absent` when `text` is empty: the flag was not given.
std::expected<nlohmann::json, std::string> ParseJsonArgument(const std::string& text,
                                                             const std::string& flag,
                                                             nlohmann::json absent = nullptr);

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_JSON_ARGUMENT_H_
