// Fuzz target: the bridge between JSON and Lua values (runtime/lua/lua_json.h), through the
// sandbox as a Lua activity meets it. The first byte picks what the rest is:
//
//   '0'  JSON text, the input of an activity that returns it unchanged: JSON -> Lua -> JSON,
//        which must give back the same value (an activity's input must reach it exactly);
//   '1'  text given to weft.json.decode, whose value the activity returns;
//   '2'  a Lua chunk, run as an inline activity: whatever it returns (cycles, functions, NaN,
//        mixed tables, metatables, huge integers) meets the Lua -> JSON conversion, which must
//        refuse what is not JSON with an error and never crash or hang.
//
// Seeds: the repository's JSON files (as '0' and '1') and its Lua activities and the Lua of
// its docs (as '2'), gathered by scripts/fuzz. One sandbox serves every input, as a worker
// thread's does, with limits small enough to keep each input fast.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "runtime/activity/activity_context.h"
#include "runtime/lua/lua_sandbox.h"

namespace {

using nlohmann::json;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

weft::lua::LuaSandbox& Sandbox() {
  static weft::lua::LuaSandbox sandbox(
      {.limits = {
           .memory_bytes = 16 * 1024 * 1024, .instructions = 200'000, .result_bytes = 256 * 1024}});
  return sandbox;
}

// A u64 above int64's range becomes a Lua float: the one change the trip is allowed to make.
bool HasUnsignedBeyondInt64(const json& value) {
  if (value.is_number_unsigned()) {
    return value.get<std::uint64_t>() >
           static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  }
  if (value.is_structured()) {
    for (const json& child : value) {
      if (HasUnsignedBeyondInt64(child)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  weft::activity::LocalActivityContext context;
  switch (data[0]) {
    case '0': {
      const json input = json::parse(rest, nullptr, /*allow_exceptions=*/false);
      if (input.is_discarded()) return 0;
      auto echoed = Sandbox().RunSource("return input", "echo", input, context);
      if (echoed && !HasUnsignedBeyondInt64(input)) Check(*echoed == input);
      break;
    }
    case '1': {
      auto decoded = Sandbox().RunSource("return weft.json.decode(input)", "decode",
                                         json(std::string(rest)), context);
      (void)decoded;
      break;
    }
    case '2': {
      auto value = Sandbox().RunSource(rest, "chunk", nullptr, context);
      if (!value) Check(!value.error().type.empty());
      break;
    }
    default:
      break;
  }
  return 0;
}
