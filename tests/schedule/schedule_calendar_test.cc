// ScheduleCalendar: the nominal times of cron strings and intervals, as Temporal's ScheduleSpec
// defines them, worked out by hand from a calendar (2026-12-05 is a Saturday).
#include "runtime/schedule/schedule_calendar.h"

#include <catch2/catch.hpp>
#include <ctime>
#include <string>
#include <vector>

namespace weft::schedule {
namespace {

// "2026-12-05T10:00:00Z" as Unix milliseconds.
std::int64_t At(const std::string& text) {
  std::tm tm{};
  REQUIRE(strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr);
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

ScheduleCalendar Calendar(std::vector<std::string> crons, std::string zone = "",
                          std::vector<dsl::Duration> intervals = {}) {
  dsl::DeclaredSchedule declared{.id = "test",
                                 .crons = std::move(crons),
                                 .intervals = std::move(intervals),
                                 .time_zone = std::move(zone)};
  auto calendar = ScheduleCalendar::Make(declared);
  INFO((calendar ? std::string() : calendar.error()));
  REQUIRE(calendar);
  return *calendar;
}

std::string ErrorOf(std::string cron, std::string zone = "") {
  auto calendar = ScheduleCalendar::Make({.id = "test", .crons = {cron}, .time_zone = zone});
  REQUIRE_FALSE(calendar);
  return calendar.error();
}

TEST_CASE("five fields: minute hour day month weekday, names and ranges") {
  const auto weekdays = Calendar({"0 9 * * MON-FRI"});
  CHECK(weekdays.Next(At("2026-12-05T10:00:00Z")) == At("2026-12-07T09:00:00Z"));
  CHECK(weekdays.Next(At("2026-12-07T09:00:00Z")) == At("2026-12-08T09:00:00Z"));
  const auto quarters = Calendar({"*/15 * * * *"});
  CHECK(quarters.Next(At("2026-12-05T10:07:30Z")) == At("2026-12-05T10:15:00Z"));
  CHECK(quarters.Next(At("2026-12-05T10:45:00Z")) == At("2026-12-05T11:00:00Z"));
  // 7 is Sunday too; and both day fields must match (no cron "or" rule).
  CHECK(Calendar({"0 0 * * 7"}).Next(At("2026-12-05T10:00:00Z")) == At("2026-12-06T00:00:00Z"));
  CHECK(Calendar({"0 0 13 * FRI"}).Next(At("2026-12-05T10:00:00Z")) == At("2027-08-13T00:00:00Z"));
  CHECK(Calendar({"5/20 8-9 * jan,DEC *"}).Next(At("2026-12-05T08:50:00Z")) ==
        At("2026-12-05T09:05:00Z"));
}

TEST_CASE("six fields end with a year, seven begin with a second") {
  CHECK(Calendar({"0 12 * * * 2031"}).Next(At("2026-12-05T10:00:00Z")) ==
        At("2031-01-01T12:00:00Z"));
  CHECK(Calendar({"30 0 12 1 1 * 2030"}).Next(At("2026-12-05T10:00:00Z")) ==
        At("2030-01-01T12:00:30Z"));
  // Only past years, or a date that never comes: no next time.
  CHECK_FALSE(Calendar({"0 0 1 1 * 2020"}).Next(At("2026-12-05T10:00:00Z")));
  CHECK_FALSE(Calendar({"0 0 31 2 *"}).Next(At("2026-12-05T10:00:00Z")));
}

TEST_CASE("shorthands, @every with a phase, and intervals") {
  CHECK(Calendar({"@daily"}).Next(At("2026-12-05T10:00:00Z")) == At("2026-12-06T00:00:00Z"));
  CHECK(Calendar({"@hourly"}).Next(At("2026-12-05T10:00:00Z")) == At("2026-12-05T11:00:00Z"));
  CHECK(Calendar({"@weekly"}).Next(At("2026-12-05T10:00:00Z")) == At("2026-12-06T00:00:00Z"));
  CHECK(Calendar({"@every 1h/15m"}).Next(At("2026-12-05T10:20:00Z")) == At("2026-12-05T11:15:00Z"));
  // Intervals count from the epoch: 90 minutes divides a day, so midnight is one of them.
  CHECK(Calendar({"@every 90m"}).Next(At("2026-12-05T23:00:00Z")) == At("2026-12-06T00:00:00Z"));
  const auto six_hourly = Calendar({}, "", {dsl::Duration(6 * 3600 * 1000)});
  CHECK(six_hourly.Next(At("2026-12-05T10:00:00Z")) == At("2026-12-05T12:00:00Z"));
  // Strictly after: a time is never its own next.
  CHECK(six_hourly.Next(At("2026-12-05T12:00:00Z")) == At("2026-12-05T18:00:00Z"));
  // The union of every spec.
  const auto both = Calendar({"30 10 * * *"}, "", {dsl::Duration(6 * 3600 * 1000)});
  CHECK(both.Next(At("2026-12-05T10:00:00Z")) == At("2026-12-05T10:30:00Z"));
  CHECK(both.Next(At("2026-12-05T10:30:00Z")) == At("2026-12-05T12:00:00Z"));
}

TEST_CASE("a time zone's clock, across daylight-saving changes") {
  const auto berlin = Calendar({"30 2 * * *"}, "Europe/Berlin");
  // In winter Berlin is UTC+1.
  CHECK(berlin.Next(At("2026-12-05T10:00:00Z")) == At("2026-12-06T01:30:00Z"));
  // 2027-03-28 has no 02:30 (02:00 jumps to 03:00): that day does not fire.
  CHECK(berlin.Next(At("2027-03-27T12:00:00Z")) == At("2027-03-29T00:30:00Z"));
  // 2026-10-25 has two 02:30s (03:00 goes back to 02:00): both fire.
  CHECK(berlin.Next(At("2026-10-24T12:00:00Z")) == At("2026-10-25T00:30:00Z"));
  CHECK(berlin.Next(At("2026-10-25T00:30:00Z")) == At("2026-10-25T01:30:00Z"));
  CHECK(berlin.Next(At("2026-10-25T01:30:00Z")) == At("2026-10-26T01:30:00Z"));
  // Past the zone file's table (2037 at most) its footer's rule keeps summer time going.
  CHECK(berlin.Next(At("2100-07-01T12:00:00Z")) == At("2100-07-02T00:30:00Z"));
  // CRON_TZ= names the zone of one string.
  CHECK(
      Calendar({"CRON_TZ=America/New_York 0 9 * * * # opening"}).Next(At("2026-12-05T10:00:00Z")) ==
      At("2026-12-05T14:00:00Z"));
}

TEST_CASE("a cron string or a zone that is wrong says what and where") {
  CHECK_THAT(ErrorOf("61 * * * *"), Catch::Contains("minute 61 is outside 0-59"));
  CHECK_THAT(ErrorOf("0 9 * * FUNDAY"), Catch::Contains("`FUNDAY` is not a day of the week"));
  CHECK_THAT(ErrorOf("0 9 * *"), Catch::Contains("5, 6 or 7 fields, not 4"));
  CHECK_THAT(ErrorOf("5-1 * * * *"), Catch::Contains("`5-1` ends before it starts"));
  CHECK_THAT(ErrorOf("@fortnightly"), Catch::Contains("`@fortnightly` is not"));
  CHECK_THAT(ErrorOf("@every 0s"), Catch::Contains("at least 1s"));
  CHECK_THAT(ErrorOf("0 9 * * *", "Mars/Olympus"),
             Catch::Contains("`Mars/Olympus` is not a time zone"));
  // The error names the string it is about.
  CHECK_THAT(ErrorOf("61 * * * *"), Catch::StartsWith("cron `61 * * * *`: "));
}

}  // namespace
}  // namespace weft::schedule
