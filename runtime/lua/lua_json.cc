#include "runtime/lua/lua_json.h"

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

namespace weft::lua {
namespace {

char null_sentinel;
char array_metatable_key;

// Lua strings are bytes; JSON strings are UTF-8 (nlohmann refuses to dump anything else).
bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  while (i < n) {
    unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) low = 0xA0;   // no overlong forms
      if (c == 0xED) high = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (n - i <= extra) return false;
    if (byte(i + 1) < low || byte(i + 1) > high) return false;
    for (std::size_t k = 2; k <= extra; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

class Converter {
 public:
  Converter(lua_State* L, const JsonLimits& limits) : L_(L), limits_(limits) {}

  std::expected<nlohmann::json, std::string> Convert(int index, int depth) {
    index = lua_absindex(L_, index);
    switch (lua_type(L_, index)) {
      case LUA_TNIL:
        bytes_ += 4;
        return nullptr;
      case LUA_TBOOLEAN:
        bytes_ += 5;
        return lua_toboolean(L_, index) != 0;
      case LUA_TNUMBER: {
        bytes_ += 8;
        if (lua_isinteger(L_, index)) return static_cast<std::int64_t>(lua_tointeger(L_, index));
        double number = lua_tonumber(L_, index);
        if (!std::isfinite(number)) return std::unexpected(Path() + ": " + "NaN or infinity");
        return number;
      }
      case LUA_TSTRING: {
        std::size_t size = 0;
        const char* data = lua_tolstring(L_, index, &size);
        bytes_ += size + 2;
        if (bytes_ > limits_.max_bytes) return TooLarge();
        std::string_view text(data, size);
        if (!IsValidUtf8(text)) return std::unexpected(Path() + ": a string that is not UTF-8");
        return std::string(text);
      }
      case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L_, index) == NullSentinel()) {
          bytes_ += 4;
          return nullptr;
        }
        return std::unexpected(Path() + ": a userdata");
      case LUA_TTABLE:
        return Table(index, depth);
      default:
        return std::unexpected(Path() + ": a " + lua_typename(L_, lua_type(L_, index)));
    }
  }

 private:
  // Where the converter is, e.g. "value.items[3]"; built only for an error message.
  std::string Path() const {
    std::string path = "value";
    for (const auto& segment : segments_) path += segment;
    return path;
  }

  // Converts the value on top of the stack, at `segment` below the current path.
  std::expected<nlohmann::json, std::string> Child(int depth, std::string segment) {
    segments_.push_back(std::move(segment));
    auto item = Convert(-1, depth);
    segments_.pop_back();
    return item;
  }

  std::unexpected<std::string> TooLarge() {
    return std::unexpected(Path() + ": larger than " + std::to_string(limits_.max_bytes) +
                           " bytes (too large)");
  }

  bool HasArrayMetatable(int index) {
    if (!lua_getmetatable(L_, index)) return false;
    PushArrayMetatable(L_);
    bool is_array = lua_rawequal(L_, -1, -2) != 0;
    lua_pop(L_, 2);
    return is_array;
  }

  std::expected<nlohmann::json, std::string> Table(int index, int depth) {
    if (depth >= limits_.max_depth) {
      return std::unexpected(Path() + ": nested deeper than " + std::to_string(limits_.max_depth) +
                             " levels (or a cycle)");
    }
    if (!lua_checkstack(L_, 4)) return std::unexpected(Path() + ": out of Lua stack");
    bytes_ += 2;
    lua_Unsigned length = lua_rawlen(L_, index);
    // Count the keys: an array's keys are exactly 1..length.
    std::size_t keys = 0;
    bool all_strings = true;
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      ++keys;
      if (lua_type(L_, -2) != LUA_TSTRING) all_strings = false;
      lua_pop(L_, 1);
    }
    bool is_array = HasArrayMetatable(index) || (keys > 0 && keys == length && !all_strings);
    if (is_array) {
      if (keys != length) {
        return std::unexpected(Path() + ": an array with holes or non-integer keys");
      }
      nlohmann::json array = nlohmann::json::array();
      for (lua_Unsigned i = 1; i <= length; ++i) {
        lua_rawgeti(L_, index, static_cast<lua_Integer>(i));
        auto item = Child(depth + 1, "[" + std::to_string(i) + "]");
        lua_pop(L_, 1);
        if (!item) return item;
        array.push_back(std::move(*item));
        if (bytes_ > limits_.max_bytes) return TooLarge();
      }
      return array;
    }
    if (!all_strings)
      return std::unexpected(Path() + ": a table that mixes keys that are not strings");
    nlohmann::json object = nlohmann::json::object();
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      std::size_t size = 0;
      const char* data = lua_tolstring(L_, -2, &size);  // a string key: no conversion in place
      std::string key(data, size);
      bytes_ += size + 3;
      if (!IsValidUtf8(key)) {
        lua_pop(L_, 2);
        return std::unexpected(Path() + ": a key that is not UTF-8");
      }
      auto item = Child(depth + 1, "." + key);
      lua_pop(L_, 1);
      if (!item) {
        lua_pop(L_, 1);
        return item;
      }
      object.emplace(std::move(key), std::move(*item));
      if (bytes_ > limits_.max_bytes) {
        lua_pop(L_, 1);
        return TooLarge();
      }
    }
    return object;
  }

  lua_State* L_;
  const JsonLimits& limits_;
  std::vector<std::string> segments_;
  std::size_t bytes_ = 0;
};

void Push(lua_State* L, const nlohmann::json& value, const JsonLimits& limits, int depth) {
  if (depth > limits.max_depth) {
    luaL_error(L, "JSON nested deeper than %d levels", limits.max_depth);
  }
  luaL_checkstack(L, 3, "JSON value too deep");
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      lua_pushlightuserdata(L, NullSentinel());
      return;
    case nlohmann::json::value_t::boolean:
      lua_pushboolean(L, value.get<bool>() ? 1 : 0);
      return;
    case nlohmann::json::value_t::number_integer:
      lua_pushinteger(L, static_cast<lua_Integer>(value.get<std::int64_t>()));
      return;
    case nlohmann::json::value_t::number_unsigned: {
      auto number = value.get<std::uint64_t>();
      if (number <= static_cast<std::uint64_t>(INT64_MAX)) {
        lua_pushinteger(L, static_cast<lua_Integer>(number));
      } else {
        lua_pushnumber(L, static_cast<lua_Number>(number));
      }
      return;
    }
    case nlohmann::json::value_t::number_float:
      lua_pushnumber(L, value.get<double>());
      return;
    case nlohmann::json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      lua_pushlstring(L, text.data(), text.size());
      return;
    }
    case nlohmann::json::value_t::binary:
      lua_pushlightuserdata(L, NullSentinel());
      return;
    case nlohmann::json::value_t::array: {
      lua_createtable(L, static_cast<int>(value.size()), 0);
      lua_Integer i = 1;
      for (const auto& item : value) {
        Push(L, item, limits, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      PushArrayMetatable(L);
      lua_setmetatable(L, -2);
      return;
    }
    case nlohmann::json::value_t::object: {
      lua_createtable(L, 0, static_cast<int>(value.size()));
      for (const auto& [key, item] : value.items()) {
        lua_pushlstring(L, key.data(), key.size());
        Push(L, item, limits, depth + 1);
        lua_rawset(L, -3);
      }
      return;
    }
  }
}

}  // namespace

void* NullSentinel() { return &null_sentinel; }

void PushArrayMetatable(lua_State* L) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &array_metatable_key) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, 0, 2);
  // Hidden from getmetatable, so that no script can change what "array" means for others.
  lua_pushliteral(L, "weft.array");
  lua_setfield(L, -2, "__metatable");
  lua_pushliteral(L, "weft.array");
  lua_setfield(L, -2, "__name");
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &array_metatable_key);
}

void PushJson(lua_State* L, const nlohmann::json& value, const JsonLimits& limits) {
  Push(L, value, limits, 0);
}

namespace {

// A SAX pass that builds nothing: it counts what the tree would allocate and stops at the
// depth limit. The sizes are libstdc++'s (a std::string's heap beyond its 15 inline bytes, a
// std::map node, a vector's slot with its growth); an estimate, on the generous side.
class TreeMeasure : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit TreeMeasure(int max_depth) : max_depth_(max_depth) {}

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t& text) override { return Value() && Text(text); }
  bool binary(binary_t& bytes) override { return Value() && (bytes_ += 64 + bytes.size(), true); }
  bool start_object(std::size_t) override { return Open(48); }
  bool key(string_t& text) override { return (bytes_ += 48, Text(text)); }  // the map's node
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(24); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& error) override {
    error_ = error.what();
    return false;
  }

  std::size_t bytes() const { return bytes_; }
  const std::string& error() const { return error_; }

 private:
  // A value's own slot: 16 bytes, twice over in an array that grew by doubling.
  bool Value() {
    bytes_ += 32;
    return true;
  }
  bool Text(const string_t& text) {
    if (text.size() > 15) bytes_ += text.size() + 1;
    return true;
  }
  bool Open(std::size_t container) {
    Value();
    bytes_ += container;
    if (++depth_ > max_depth_) {
      error_ = "nested deeper than " + std::to_string(max_depth_) + " levels";
      return false;
    }
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }

  int max_depth_;
  int depth_ = 0;
  std::size_t bytes_ = 0;
  std::string error_;
};

}  // namespace

std::expected<std::size_t, std::string> MeasureJsonText(std::string_view text,
                                                        const JsonLimits& limits) {
  TreeMeasure measure(limits.max_depth);
  try {
    if (!nlohmann::json::sax_parse(text, &measure)) return std::unexpected(measure.error());
  } catch (const std::exception& e) {
    return std::unexpected(std::string(e.what()));
  }
  return measure.bytes();
}

std::expected<nlohmann::json, std::string> ToJson(lua_State* L, int index,
                                                  const JsonLimits& limits) {
  try {
    return Converter(L, limits).Convert(index, 0);
  } catch (const std::exception& e) {
    return std::unexpected(std::string("cannot convert to JSON: ") + e.what());
  }
}

}  // namespace weft::lua
