// PosixTzRule: TZ strings as TZif footers write them, each change worked out by hand from a
// calendar (2026-03-29 and 2026-10-25 are the last Sundays of their months, 2100-03-28 and
// 2100-10-31 those of 2100), and strings that are wrong, each with what is wrong.
#include "runtime/schedule/posix_tz_rule.h"

#include <catch2/catch.hpp>
#include <ctime>
#include <string>

namespace weft::schedule {
namespace {

// "2026-03-29T01:00:00Z" as Unix seconds.
std::int64_t At(const std::string& text) {
  std::tm tm{};
  REQUIRE(strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr);
  return static_cast<std::int64_t>(timegm(&tm));
}

PosixTzRule Rule(const std::string& text) {
  auto rule = PosixTzRule::Parse(text);
  INFO((rule ? std::string() : rule.error()));
  REQUIRE(rule);
  return *rule;
}

std::string ErrorOf(const std::string& text) {
  auto rule = PosixTzRule::Parse(text);
  REQUIRE_FALSE(rule);
  return rule.error();
}

constexpr std::int32_t kHour = 3600;

TEST_CASE("a rule without daylight saving is one offset for ever, east positive") {
  for (const auto& [text, offset] :
       {std::pair{"<+0330>-3:30", 3 * kHour + 1800}, std::pair{"<-03>3", -3 * kHour},
        std::pair{"UTC0", 0}, std::pair{"JST-9", 9 * kHour},
        std::pair{"<+0545>-5:45:00", 5 * kHour + 45 * 60}}) {
    INFO(text);
    const OffsetPeriod period = Rule(text).PeriodAt(At("2100-07-01T00:00:00Z"));
    CHECK(period.offset == offset);
    CHECK(period.begin == kDistantPast);
    CHECK(period.end == kDistantFuture);
  }
}

TEST_CASE("Mm.w.d: week 5 is the last, and a change's time is the clock time before it") {
  // Berlin: summer time from the last Sunday of March, 02:00 CET, to the last Sunday of
  // October, 03:00 CEST; both 01:00 UTC.
  const PosixTzRule berlin = Rule("CET-1CEST,M3.5.0,M10.5.0/3");
  const OffsetPeriod summer = berlin.PeriodAt(At("2100-07-01T00:00:00Z"));
  CHECK(summer.offset == 2 * kHour);
  CHECK(summer.begin == At("2100-03-28T01:00:00Z"));
  CHECK(summer.end == At("2100-10-31T01:00:00Z"));
  CHECK(berlin.PeriodAt(At("2100-03-28T00:59:59Z")).offset == kHour);
  CHECK(berlin.PeriodAt(At("2100-10-31T01:00:00Z")).offset == kHour);
  const OffsetPeriod winter = berlin.PeriodAt(At("2026-12-01T00:00:00Z"));
  CHECK(winter.begin == At("2026-10-25T01:00:00Z"));
  CHECK(winter.end == At("2027-03-28T01:00:00Z"));
  // New York: the second Sunday of March to the first of November, 02:00 local.
  const PosixTzRule new_york = Rule("EST5EDT,M3.2.0,M11.1.0");
  const OffsetPeriod daylight = new_york.PeriodAt(At("2026-07-01T00:00:00Z"));
  CHECK(daylight.offset == -4 * kHour);
  CHECK(daylight.begin == At("2026-03-08T07:00:00Z"));
  CHECK(daylight.end == At("2026-11-01T06:00:00Z"));
  CHECK(new_york.PeriodAt(At("2100-01-15T12:00:00Z")).offset == -5 * kHour);
}

TEST_CASE("southern zones save across the new year; Dublin saves in winter") {
  // Lord Howe: +10:30, and +11 from the first Sunday of October to the first of April.
  const PosixTzRule lord_howe = Rule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  const OffsetPeriod summer = lord_howe.PeriodAt(At("2026-01-15T00:00:00Z"));
  CHECK(summer.offset == 11 * kHour);
  CHECK(summer.end == At("2026-04-04T15:00:00Z"));  // 2026-04-05 02:00 at +11
  const OffsetPeriod winter = lord_howe.PeriodAt(At("2026-07-01T00:00:00Z"));
  CHECK(winter.offset == 10 * kHour + 1800);
  CHECK(winter.begin == At("2026-04-04T15:00:00Z"));
  CHECK(winter.end == At("2026-10-03T15:30:00Z"));  // 2026-10-04 02:00 at +10:30
  // Dublin's "daylight saving" is GMT in winter, an hour behind its standard IST.
  const PosixTzRule dublin = Rule("IST-1GMT0,M10.5.0,M3.5.0/1");
  CHECK(dublin.PeriodAt(At("2026-01-15T00:00:00Z")).offset == 0);
  CHECK(dublin.PeriodAt(At("2026-07-01T00:00:00Z")).offset == kHour);
  CHECK(dublin.PeriodAt(At("2026-10-25T00:59:59Z")).offset == kHour);
  CHECK(dublin.PeriodAt(At("2026-10-25T01:00:00Z")).offset == 0);
}

TEST_CASE("Jn never counts February 29, n does") {
  // Daylight saving (+1, the default) from day 60 (J) or 59 (zero-based) at midnight.
  const PosixTzRule julian = Rule("AAA0BBB,J60/0,J300/0");
  CHECK(julian.PeriodAt(At("2024-06-01T00:00:00Z")).begin == At("2024-03-01T00:00:00Z"));
  CHECK(julian.PeriodAt(At("2023-06-01T00:00:00Z")).begin == At("2023-03-01T00:00:00Z"));
  CHECK(julian.PeriodAt(At("2023-06-01T00:00:00Z")).offset == kHour);
  const PosixTzRule zero_based = Rule("AAA0BBB,59/0,299/0");
  CHECK(zero_based.PeriodAt(At("2024-06-01T00:00:00Z")).begin == At("2024-02-29T00:00:00Z"));
  CHECK(zero_based.PeriodAt(At("2023-06-01T00:00:00Z")).begin == At("2023-03-01T00:00:00Z"));
  // The end, at midnight daylight-saving time: 23:00 UTC the day before.
  CHECK(zero_based.PeriodAt(At("2024-06-01T00:00:00Z")).end == At("2024-10-25T23:00:00Z"));
}

TEST_CASE("RFC 8536's extensions: negative times, up to 167 hours, daylight saving all year") {
  // Nuuk: summer time from 22:00 local (-1:00 counted from Sunday) the Saturday before the
  // last Sunday of March, to midnight before the last Sunday of October.
  const PosixTzRule nuuk = Rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  const OffsetPeriod summer = nuuk.PeriodAt(At("2026-07-01T00:00:00Z"));
  CHECK(summer.offset == -kHour);
  CHECK(summer.begin == At("2026-03-29T01:00:00Z"));
  CHECK(summer.end == At("2026-10-25T01:00:00Z"));
  // Israel: the Friday before the last Sunday of March, 02:00, written from the Thursday.
  CHECK(Rule("IST-2IDT,M3.4.4/26,M10.5.0").PeriodAt(At("2026-06-01T00:00:00Z")).begin ==
        At("2026-03-27T00:00:00Z"));
  // 167 hours either way: a week after the first Sunday of January, a week before the last of
  // December.
  const OffsetPeriod week =
      Rule("AAA0BBB,M1.1.0/167,M12.5.0/-167").PeriodAt(At("2026-06-01T00:00:00Z"));
  CHECK(week.begin == At("2026-01-10T23:00:00Z"));
  CHECK(week.end == At("2026-12-20T00:00:00Z"));
  // Daylight saving all year: from January 1 at 00:00 to December 31 at 24:00 + 1 hour, which is
  // the next January 1 at 00:00; no instant, the new year's included, is standard time.
  const PosixTzRule always = Rule("EST5EDT,0/0,J365/25");
  for (const char* text : {"2026-01-01T04:59:59Z", "2026-01-01T05:00:00Z", "2026-06-01T00:00:00Z",
                           "2026-12-31T23:59:59Z", "2027-01-01T05:00:00Z"}) {
    INFO(text);
    CHECK(always.PeriodAt(At(text)).offset == -4 * kHour);
  }
}

TEST_CASE("instants far beyond any calendar count as the farthest one") {
  const PosixTzRule berlin = Rule("CET-1CEST,M3.5.0,M10.5.0/3");
  const std::int32_t offset = berlin.PeriodAt(kDistantFuture).offset;
  CHECK((offset == kHour || offset == 2 * kHour));
  CHECK(berlin.PeriodAt(kDistantPast).begin < berlin.PeriodAt(kDistantPast).end);
}

TEST_CASE("a wrong TZ string says what it expected and where") {
  CHECK_THAT(ErrorOf(""), Catch::Equals("TZ string ``: expected the name of the standard time at "
                                        "the end (three or more letters, or <...> of letters, "
                                        "digits, + and -)"));
  CHECK_THAT(ErrorOf("CE-1"), Catch::Contains("expected the name of the standard time at `CE-1`"));
  CHECK_THAT(ErrorOf("<+03"), Catch::Contains("expected the name of the standard time"));
  CHECK_THAT(ErrorOf("<+0>0"), Catch::Contains("expected the name of the standard time"));
  CHECK_THAT(ErrorOf("CET"), Catch::Contains("expected the standard time's offset "
                                             "([+|-]hh[:mm[:ss]]) at the end"));
  CHECK_THAT(ErrorOf("CET-25"), Catch::Contains("at `-25`: the hours are at most 24"));
  CHECK_THAT(ErrorOf("CET-1:60"), Catch::Contains("minutes and seconds are 00-59"));
  CHECK_THAT(ErrorOf("CET-1 x"), Catch::Contains("the name of the daylight-saving time at ` x`"));
  CHECK_THAT(ErrorOf("CET-1CEST"),
             Catch::Contains("expected `,` and the date daylight saving starts at the end"));
  CHECK_THAT(ErrorOf("CET-1CEST,M3.5.0"),
             Catch::Contains("expected `,` and the date daylight saving ends at the end"));
  CHECK_THAT(ErrorOf("CET-1CEST,M13.5.0,M10.5.0/3"),
             Catch::Contains("at `M13.5.0,M10.5.0/3` (Jn, n or Mm.w.d): the month is 1-12"));
  CHECK_THAT(ErrorOf("CET-1CEST,M3.6.0,M10.5.0"), Catch::Contains("the week 1-5"));
  CHECK_THAT(ErrorOf("CET-1CEST,M3.5.7,M10.5.0"), Catch::Contains("the weekday 0-6"));
  CHECK_THAT(ErrorOf("CET-1CEST,M3.5,M10.5.0"), Catch::Contains("(Jn, n or Mm.w.d)"));
  CHECK_THAT(ErrorOf("CET-1CEST,J0,J100"), Catch::Contains("Jn is J1-J365"));
  CHECK_THAT(ErrorOf("CET-1CEST,J60,J366"), Catch::Contains("daylight saving ends at `J366`"));
  CHECK_THAT(ErrorOf("CET-1CEST,366,100"), Catch::Contains("n is 0-365"));
  CHECK_THAT(ErrorOf("CET-1CEST,M3.5.0/168,M10.5.0"),
             Catch::Contains("expected the time of day daylight saving starts ([+|-]hh[:mm[:ss]]) "
                             "at `168,M10.5.0`: the hours are at most 167"));
  CHECK_THAT(ErrorOf("CET-1CEST,M3.5.0/,M10.5.0"), Catch::Contains("the time of day"));
  CHECK_THAT(ErrorOf("CET-1CEST,M3.5.0,M10.5.0/3x"), Catch::EndsWith("unexpected at `x`"));
  // The whole string is quoted first.
  CHECK_THAT(ErrorOf("CET-25"), Catch::StartsWith("TZ string `CET-25`: "));
}

}  // namespace
}  // namespace weft::schedule
