// Fuzz target: a run's input against its definition's input schema (dsl::CheckInput, valijson
// draft 7). The input is one JSON array [schema, input]: the schema as a definition's `input:`
// holds it, the input as any client sends it (read strictly, as the engines read it). Seeds:
// the input schemas of workflows/ with inputs from their tests and docs.
//
// Checked besides memory safety: CheckInput never throws, an unusable schema is one error
// value, and every error points into the input with a JSON Pointer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dsl/input_check.h"
#include "dsl/json_text.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pair = weft::dsl::ParseJsonText(text, "the fuzz input");
  if (!pair || !pair->is_array() || pair->size() != 2) return 0;
  const nlohmann::json& schema = (*pair)[0];
  const nlohmann::json& input = (*pair)[1];
  auto checked = weft::dsl::CheckInput(schema, input);
  if (!checked) {
    Check(!checked.error().empty());
    for (const weft::dsl::InputError& error : checked.error()) {
      Check(error.pointer.empty() || error.pointer.front() == '/');
    }
    (void)weft::dsl::DescribeInputErrors(checked.error());
  }
  return 0;
}
