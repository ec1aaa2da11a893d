// Durations as the language writes them: one or more integer components with a unit, largest
// unit first, each unit at most once: "30s", "5m", "1h30m", "250ms", "2d". No fractions, no
// signs, no ISO 8601 ("PT1M"): one spelling per value, so that every duration has exactly one
// canonical form (FormatDuration) and the hash of a definition does not depend on how it was
// written. Pure functions; thread-safe.
#ifndef WEFT_DSL_DURATION_H_
#define WEFT_DSL_DURATION_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace weft::dsl {

using Duration = std::chrono::milliseconds;

// The duration `text` denotes, or nullopt when it is not a duration of the language (including
// values above 100 years, which no Temporal timeout can hold).
std::optional<Duration> ParseDuration(std::string_view text);

// The canonical spelling: "1h30m", "250ms", "0s".
std::string FormatDuration(Duration duration);

}  // namespace weft::dsl

#endif  // WEFT_DSL_DURATION_H_
