#include "dsl/json_text.h"

#include <cmath>
#include <set>
#include <vector>

#include "dsl/expr/utf8.h"

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

std::optional<JsonProblem> InvalidJsonAt(const json& value) {
  // What is wrong with one value, its children aside.
  auto problem_of = [](const json& node) -> const char* {
    if (node.is_string() && !expr::IsValidUtf8(node.get_ref<const std::string&>())) {
      return "is a string that is not UTF-8";
    }
    if (node.is_number_float() && !std::isfinite(node.get<double>())) {
      return "is a number that is not finite";
    }
    return nullptr;
  };
  struct Frame {
    const json* container;
    json::const_iterator next;
    std::size_t index = 0;
    std::string token;  // of the child being walked
  };
  std::vector<Frame> frames;
  auto pointer = [&frames] {
    std::string text;
    for (const Frame& outer : frames) {
      text += '/';
      for (const char c : outer.token) {
        text += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
      }
    }
    return text;
  };
  if (const char* what = problem_of(value)) return JsonProblem{"", what};
  if (!value.is_structured()) return std::nullopt;
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
    if (frame.container->is_object() && !expr::IsValidUtf8(frame.token)) {
      frame.token = "?";  // the pointer itself must be printable
      return JsonProblem{pointer(), "has a key that is not UTF-8"};
    }
    if (const char* what = problem_of(child)) return JsonProblem{pointer(), what};
    if (!child.is_structured()) continue;
    if (frames.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
      return JsonProblem{pointer(),
                         "is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
    }
    frames.push_back({&child, child.cbegin()});
  }
  return std::nullopt;
}

}  // namespace weft::dsl
