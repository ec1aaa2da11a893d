#include "dsl/json_text.h"

#include <set>
#include <vector>

namespace weft::dsl {
namespace {

using nlohmann::json;

// Thrown from the parser's callback to stop it at the first problem.
struct Refused {
  std::string reason;
};

}  // namespace

std::expected<json, std::string> ParseJsonText(std::string_view text, std::string_view source) {
  // The keys of each object being read, innermost last.
  std::vector<std::set<std::string>> keys;
  auto check = [&keys](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxJsonDepth) {
          throw Refused{"values are nested deeper than " + std::to_string(kMaxJsonDepth) +
                        " levels"};
        }
        if (event == json::parse_event_t::object_start) keys.emplace_back();
        break;
      case json::parse_event_t::key:
        if (!keys.back().insert(parsed.get<std::string>()).second) {
          throw Refused{"the key \"" + parsed.get<std::string>() +
                        "\" appears twice in one object"};
        }
        break;
      case json::parse_event_t::object_end:
        keys.pop_back();
        break;
      default:
        break;
    }
    return true;
  };
  const std::string where = "invalid JSON in " + std::string(source) + ": ";
  try {
    return json::parse(text, check);
  } catch (const Refused& refused) {
    return std::unexpected(where + refused.reason);
  } catch (const json::out_of_range& error) {
    // "number overflow parsing '1e999'"
    return std::unexpected(where + error.what());
  } catch (const json::exception& error) {
    // nlohmann's message ends with the byte position; keep it.
    return std::unexpected(where + error.what());
  }
}

std::optional<std::string> TooDeepAt(const json& value) {
  if (!value.is_structured()) return std::nullopt;
  struct Frame {
    const json* container;
    json::const_iterator next;
    std::size_t index = 0;
    std::string token;  // of the child being walked
  };
  std::vector<Frame> frames;
  frames.push_back({&value, value.cbegin()});
  while (!frames.empty()) {
    Frame& frame = frames.back();
    if (frame.next == frame.container->cend()) {
      frames.pop_back();
      continue;
    }
    const json& child = *frame.next;
    frame.token = frame.container->is_object() ? frame.next.key() : std::to_string(frame.index);
    ++frame.next;
    ++frame.index;
    if (!child.is_structured()) continue;
    if (frames.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
      std::string pointer;
      for (const Frame& outer : frames) {
        pointer += '/';
        for (const char c : outer.token) {
          pointer += c == '~'   ? std::string("~0")
                     : c == '/' ? std::string("~1")
                                : std::string(1, c);
        }
      }
      return pointer;
    }
    frames.push_back({&child, child.cbegin()});
  }
  return std::nullopt;
}

}  // namespace weft::dsl
