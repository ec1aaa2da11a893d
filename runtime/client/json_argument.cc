#include "runtime/client/json_argument.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "dsl/json_text.h"

namespace weft::client {

std::expected<nlohmann::json, std::string> ParseJsonArgument(const std::string& text,
                                                             const std::string& flag,
                                                             nlohmann::json absent) {
  if (text.empty()) return absent;
  std::string source = "the value of " + flag;
  std::string json = text;
  if (text.starts_with("@")) {
    const std::string path = text.substr(1);
    if (path == "-") {
      source = "stdin (" + flag + " @-)";
      json.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) return std::unexpected(flag + ": cannot read " + path);
      std::ostringstream content;
      content << in.rdbuf();
      json = content.str();
      source = path + " (" + flag + ")";
    }
  }
  return dsl::ParseJsonText(json, source);
}

}  // namespace weft::client
