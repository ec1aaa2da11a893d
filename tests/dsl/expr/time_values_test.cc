// Durations and timestamps: parsing, formatting, and the round trip through their JSON spelling.
#include "dsl/expr/time_values.h"

#include <catch2/catch.hpp>
#include <string>

namespace weft::dsl::expr {
namespace {

constexpr std::int64_t kS = 1'000'000'000;

TEST_CASE("durations parse Go-style spellings") {
  CHECK(ParseDuration("30s")->nanos == 30 * kS);
  CHECK(ParseDuration("5m")->nanos == 300 * kS);
  CHECK(ParseDuration("1h30m")->nanos == 5400 * kS);
  CHECK(ParseDuration("1.5h")->nanos == 5400 * kS);
  CHECK(ParseDuration("250ms")->nanos == kS / 4);
  CHECK(ParseDuration("10us")->nanos == 10'000);
  CHECK(ParseDuration("10\u00b5s")->nanos == 10'000);
  CHECK(ParseDuration("7ns")->nanos == 7);
  CHECK(ParseDuration("-2m")->nanos == -120 * kS);
  CHECK(ParseDuration("+1s")->nanos == kS);
  CHECK(ParseDuration("0")->nanos == 0);
  CHECK(ParseDuration("2d")->nanos == 48 * 3600 * kS);
  CHECK(ParseDuration("1s500ms")->nanos == 1500 * kS / 1000);
  CHECK(ParseDuration("0.000000001s")->nanos == 1);
  for (const char* bad :
       {"", "s", "1", "1x", "1h30", "h1", "--1s", "1 h", "99999999999999999999h", "3000000h"}) {
    INFO(bad);
    CHECK_FALSE(ParseDuration(bad).has_value());
  }
}

TEST_CASE("durations format as whole components, largest first, as dsl/duration.h does") {
  CHECK(FormatDuration(Duration{0}) == "0s");
  CHECK(FormatDuration(Duration{5400 * kS}) == "1h30m");
  CHECK(FormatDuration(Duration{3600 * kS + 1}) == "1h1ns");
  CHECK(FormatDuration(Duration{kS / 4}) == "250ms");
  CHECK(FormatDuration(Duration{1500'000'000}) == "1s500ms");
  CHECK(FormatDuration(Duration{50 * 3600 * kS}) == "2d2h");
  CHECK(FormatDuration(Duration{-90 * kS}) == "-1m30s");
  CHECK(FormatDuration(Duration{10'000}) == "10us");
  CHECK(FormatDuration(Duration{7}) == "7ns");
  CHECK(FormatDuration(Duration{std::numeric_limits<std::int64_t>::min()}) ==
        "-106751d23h47m16s854ms775us808ns");
}

TEST_CASE("formatting then parsing a duration gives it back") {
  for (std::int64_t n :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{999}, kS, 61 * kS + 5, -3601 * kS - 7,
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min() + 1}) {
    INFO(n);
    auto back = ParseDuration(FormatDuration(Duration{n}));
    REQUIRE(back.has_value());
    CHECK(back->nanos == n);
  }
}

TEST_CASE("timestamps parse RFC 3339 with offsets and fractions") {
  CHECK(ParseTimestamp("1970-01-01T00:00:00Z")->nanos == 0);
  CHECK(ParseTimestamp("2026-01-01T00:00:00Z")->nanos == 1767225600 * kS);
  CHECK(ParseTimestamp("2026-01-01T01:00:00+01:00")->nanos == 1767225600 * kS);
  CHECK(ParseTimestamp("2025-12-31T19:00:00-05:00")->nanos == 1767225600 * kS);
  CHECK(ParseTimestamp("1969-12-31T23:59:59.5Z")->nanos == -kS / 2);
  CHECK(ParseTimestamp("2026-01-01t00:00:00z").has_value());
  CHECK(ParseTimestamp("2024-02-29T12:00:00Z").has_value());
  for (const char* bad :
       {"", "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-1-01T00:00:00Z", "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00+0100", "2026-01-01T00:00:00Zjunk", "3000-01-01T00:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(ParseTimestamp(bad).has_value());
  }
}

TEST_CASE("timestamps format as RFC 3339 in UTC and round-trip") {
  CHECK(FormatTimestamp(Timestamp{0}) == "1970-01-01T00:00:00Z");
  CHECK(FormatTimestamp(Timestamp{-kS / 2}) == "1969-12-31T23:59:59.500Z");
  CHECK(FormatTimestamp(Timestamp{1767225600 * kS + 1}) == "2026-01-01T00:00:00.000000001Z");
  CHECK(FormatTimestamp(Timestamp{1767225600 * kS + 1000}) == "2026-01-01T00:00:00.000001Z");
  for (std::int64_t n :
       {std::int64_t{0}, std::int64_t{-1}, 951782400 * kS + 123,
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    INFO(n);
    auto back = ParseTimestamp(FormatTimestamp(Timestamp{n}));
    REQUIRE(back.has_value());
    CHECK(back->nanos == n);
  }
}

}  // namespace
}  // namespace weft::dsl::expr
