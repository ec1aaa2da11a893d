// Durations: the one spelling the language accepts, and its canonical form.
#include "dsl/duration.h"

#include <catch2/catch.hpp>

using weft::dsl::Duration;
using weft::dsl::FormatDuration;
using weft::dsl::ParseDuration;

TEST_CASE("durations are integer components with units, largest first") {
  CHECK(ParseDuration("30s") == Duration(30'000));
  CHECK(ParseDuration("5m") == Duration(300'000));
  CHECK(ParseDuration("1h30m") == Duration(5'400'000));
  CHECK(ParseDuration("250ms") == Duration(250));
  CHECK(ParseDuration("2d") == Duration(172'800'000));
  CHECK(ParseDuration("1m30s500ms") == Duration(90'500));
  CHECK(ParseDuration("0s") == Duration(0));
  CHECK(ParseDuration("90s") == Duration(90'000));
}

TEST_CASE("anything else is not a duration") {
  for (const char* text : {"", "30", "s", "1.5s", "-1s", "PT1M", "30 s", "1s1h", "1m1m", "5sec",
                           "1h 30m", "99999999999999999d", "1y"}) {
    INFO(text);
    CHECK_FALSE(ParseDuration(text).has_value());
  }
}

TEST_CASE("every duration has one canonical spelling") {
  CHECK(FormatDuration(Duration(90'000)) == "1m30s");
  CHECK(FormatDuration(Duration(5'400'000)) == "1h30m");
  CHECK(FormatDuration(Duration(0)) == "0s");
  CHECK(FormatDuration(Duration(86'400'250)) == "1d250ms");
  for (const char* text : {"30s", "1h30m", "2d", "250ms", "1d2h3m4s5ms"}) {
    CHECK(FormatDuration(*ParseDuration(text)) == text);
  }
}
