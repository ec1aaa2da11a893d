// Durations and timestamps of the expression language, and their spellings. Both are int64
// nanoseconds (timestamps since the Unix epoch, UTC), which bounds timestamps to the years
// 1678-2262 and durations to about ±292 years; results outside are evaluation errors.
//
// Spellings are what evaluated values are stored as in JSON: durations as whole components,
// largest first ("1h30m", "1s500ms", "2d", "-250ms"; the canonical form of dsl/duration.h,
// extended with us, ns and a sign), timestamps as RFC 3339 in UTC ("2026-01-01T00:00:00Z").
// Formatting then parsing gives back the same value. Pure functions.
#ifndef WEFT_DSL_EXPR_TIME_VALUES_H_
#define WEFT_DSL_EXPR_TIME_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weft::dsl::expr {

struct Duration {
  std::int64_t nanos = 0;
  friend auto operator<=>(const Duration&, const Duration&) = default;
};

struct Timestamp {
  std::int64_t nanos = 0;  // since 1970-01-01T00:00:00Z
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// "1h30m", "90s", "1.5h", "250ms", "10us", "5ns", "-2m", "2d", "0"; units d, h, m, s, ms,
// us, ns, in any order, fractions allowed (Go's syntax, plus days).
std::optional<Duration> ParseDuration(std::string_view text);
std::string FormatDuration(Duration d);

// RFC 3339: "2026-01-01T00:00:00Z", "2026-01-01T01:00:00.5+01:00" (a `t` or space for `T` and
// a lowercase `z` are accepted).
std::optional<Timestamp> ParseTimestamp(std::string_view text);
std::string FormatTimestamp(Timestamp t);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_TIME_VALUES_H_
