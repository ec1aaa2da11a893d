// JSON given on the command line: inline (`--input '{"name":"Ada"}'`), from a file
// (`--input @order.json`) or from stdin (`--input @-`). A parse error names the flag, the
// source and the position.
#ifndef WEFT_CMD_WEFT_JSON_ARGUMENT_H_
#define WEFT_CMD_WEFT_JSON_ARGUMENT_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <string>

namespace weft::cli {

std::expected<nlohmann::json, std::string> ParseJsonArgument(const std::string& text,
                                                             const std::string& flag);

}  // namespace weft::cli

#endif  // WEFT_CMD_WEFT_JSON_ARGUMENT_H_
