// Fuzz target: dsl::ParseJsonText, the strict reading of JSON that comes from outside weft
// (`--input`, MCP messages, the web UI's requests). Seeds: the JSON files of the repository.
//
// Checked besides memory safety: what it accepts is JSON that nlohmann accepts too, nested no
// deeper than kMaxJsonDepth, and prints and reads back to the same value (a run's input is
// journaled as that text and read again on every replay).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dsl/json_text.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

int Depth(const nlohmann::json& value) {
  int deepest = 0;
  if (value.is_structured()) {
    for (const nlohmann::json& child : value) deepest = std::max(deepest, Depth(child));
    return deepest + 1;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = weft::dsl::ParseJsonText(text, "the fuzz input");
  if (!parsed) {
    Check(!parsed.error().empty());
    return 0;
  }
  Check(nlohmann::json::accept(text));
  Check(Depth(*parsed) <= weft::dsl::kMaxJsonDepth + 1);
  const std::string printed =
      parsed->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto again = weft::dsl::ParseJsonText(printed, "the printed value");
  Check(again.has_value());
  // JSON text holds no NaN and nlohmann prints doubles with every digit: equality is exact.
  Check(*again == *parsed);
  return 0;
}
