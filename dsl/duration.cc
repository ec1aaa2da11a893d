#include "dsl/duration.h"

#include <array>
#include <cstdint>

namespace weft::dsl {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t milliseconds;
};

// Largest first: the order components must appear in.
constexpr std::array<Unit, 5> kUnits{
    {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};

constexpr std::int64_t kMaxMilliseconds = 100LL * 366 * 86'400'000;

}  // namespace

std::optional<Duration> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // units before this index were used or skipped
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t value = 0;
    const std::size_t digits_begin = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      if (value > kMaxMilliseconds) return std::nullopt;
      ++i;
    }
    if (i == digits_begin || i - digits_begin > 12) return std::nullopt;
    const std::size_t unit_begin = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    const std::string_view unit = text.substr(unit_begin, i - unit_begin);
    std::size_t found = next_unit;
    while (found < kUnits.size() && kUnits[found].name != unit) ++found;
    if (found == kUnits.size()) return std::nullopt;
    total += value * kUnits[found].milliseconds;
    if (total > kMaxMilliseconds) return std::nullopt;
    next_unit = found + 1;
  }
  return Duration(total);
}

std::string FormatDuration(Duration duration) {
  std::int64_t rest = duration.count();
  if (rest <= 0) return "0s";
  std::string out;
  for (const Unit& unit : kUnits) {
    if (rest >= unit.milliseconds) {
      out += std::to_string(rest / unit.milliseconds);
      out += unit.name;
      rest %= unit.milliseconds;
    }
  }
  return out;
}

}  // namespace weft::dsl
