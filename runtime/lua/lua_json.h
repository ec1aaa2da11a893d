// The bridge between JSON values (nlohmann::json) and Lua values, private to runtime/lua.
//
// JSON -> Lua: null is the light userdata weft.null; arrays are tables carrying the array
// metatable (so that an empty array stays an array on the way back); objects are plain
// tables; integers are lua_Integer, exactly; other numbers are floats.
// Lua -> JSON: nil and weft.null are null; a table with the array metatable, or whose keys are
// exactly 1..n, is an array; an empty plain table is an object; a table with string keys is an
// object; anything else (functions, mixed keys, NaN, invalid UTF-8, cycles) is an error.
// Depth and size are bounded. All functions run on the thread that owns the lua_State.
#ifndef WEFT_RUNTIME_LUA_LUA_JSON_H_
#define WEFT_RUNTIME_LUA_LUA_JSON_H_

#include <cstddef>
#include <expected>
#include <lua.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace weft::lua {

struct JsonLimits {
  int max_depth = 64;
  std::size_t max_bytes = 2 * 1024 * 1024;  // an estimate of the encoded size
};

// The sentinel behind weft.null.
void* NullSentinel();
// Pushes the array metatable (created on first use, kept in the registry).
void PushArrayMetatable(lua_State* L);

// Pushes `value`. Raises a Lua error (so: call it only in protected mode) when the depth
// exceeds limits.max_depth or memory runs out.
void PushJson(lua_State* L, const nlohmann::json& value, const JsonLimits& limits);

// What decoding `text` (weft.json.decode) would cost outside Lua's allocator: an estimate of
// the bytes its nlohmann::json tree takes, found without building it. Errors: not JSON, or
// nested deeper than limits.max_depth (the message says where). The caller refuses a text whose
// tree would not fit in the memory the activity has left, so that a small string of `[` or of
// `1,` cannot take gigabytes outside the sandbox's memory cap.
std::expected<std::size_t, std::string> MeasureJsonText(std::string_view text,
                                                        const JsonLimits& limits);

// Converts the value at `index` without raising Lua errors (raw access only, no
// metamethods); the error string says what and where (e.g. "result.items[3]: a function").
std::expected<nlohmann::json, std::string> ToJson(lua_State* L, int index,
                                                  const JsonLimits& limits);

}  // namespace weft::lua

#endif  // WEFT_RUNTIME_LUA_LUA_JSON_H_
