// ScheduleCalendar: the times a declared schedule (`schedules:` of a definition, dsl/definition.h)
// matches, read as Temporal's schedule service reads a ScheduleSpec, so that a schedule fires
// at the same instants on the embedded engine as on a Temporal server:
//
//   - cron strings of 5 fields (minute hour day-of-month month day-of-week), 6 (a year last) or
//     7 (a second first, a year last); `*`, `?`, lists, ranges and `/step`; month and weekday
//     names; weekday 7 is Sunday; day-of-month and day-of-week must both match (no "or" rule);
//     `@yearly` `@annually` `@monthly` `@weekly` `@daily` `@midnight` `@hourly`; `@every
//     <n><s|m|h|d>[/<phase>]` is an interval; `CRON_TZ=<zone>` or `TZ=<zone>` first, and a
//     `# comment` last, are accepted;
//   - intervals: the instants epoch + n * interval (+ phase), whole seconds;
//   - a time zone (IANA, from the system's tz database: time_zone.h; default UTC) for the
//     calendar fields, matched as clock time: a clock time that a daylight-saving change skips
//     does not fire that day, and one it repeats fires twice.
//
// The union of every cron string and interval is the schedule's set of nominal times. Jitter
// is the caller's (schedule_runner.h). A calendar is immutable once made; any thread may call it.
#ifndef WEFT_RUNTIME_SCHEDULE_SCHEDULE_CALENDAR_H_
#define WEFT_RUNTIME_SCHEDULE_SCHEDULE_CALENDAR_H_

#include <bitset>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "dsl/definition.h"

namespace weft::schedule {

class TimeZone;

// One cron string's fields, each as the set of values it matches.
struct CronFields {
  std::bitset<60> seconds;
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;           // 1-31
  std::bitset<13> months;                  // 1-12
  std::bitset<7> days_of_week;             // 0 (Sunday) - 6
  std::vector<std::pair<int, int>> years;  // inclusive ranges; empty: every year
  const TimeZone* zone = nullptr;          // CRON_TZ= of this string; null: the schedule's
};

struct IntervalSpec {
  std::int64_t every_s = 0;
  std::int64_t phase_s = 0;
};

class ScheduleCalendar {
 public:
  // An error names the cron string or time zone and what is wrong with it.
  static std::expected<ScheduleCalendar, std::string> Make(const dsl::DeclaredSchedule& schedule);

  // The first nominal time strictly after `after_ms` (Unix milliseconds); none when the spec
  // matches no later time (a cron string limited to past years).
  std::optional<std::int64_t> Next(std::int64_t after_ms) const;

 private:
  std::optional<std::int64_t> NextOfCron(const CronFields& cron, std::int64_t after_s) const;

  std::vector<CronFields> crons_;
  std::vector<IntervalSpec> intervals_;
  const TimeZone* zone_ = nullptr;  // the schedule's time zone; null: UTC
};

// "Europe/Berlin" to the system's zone; an error for a name the tz database does not hold.
std::expected<const TimeZone*, std::string> FindTimeZone(const std::string& name);

}  // namespace weft::schedule

#endif  // WEFT_RUNTIME_SCHEDULE_SCHEDULE_CALENDAR_H_
