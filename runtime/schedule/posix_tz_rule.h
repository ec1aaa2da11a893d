// PosixTzRule: the rule a POSIX TZ string states (`CET-1CEST,M3.5.0,M10.5.0/3`): a standard UTC
// offset and, when the zone has daylight saving, a second offset and the two yearly changes
// between them. The footer of a TZif file holds one (time_zone.h); it gives the offset of every
// instant after the file's last transition, so that a zone's future needs no table.
//
// The grammar is POSIX's (`std offset [dst [offset] ,start[/time],end[/time]]`, dates `Jn`, `n`
// and `Mm.w.d`, names of letters or quoted as `<+0330>`) with the extensions RFC 8536 allows a
// TZif footer: a change's time of day may be negative and up to 167 hours, and daylight saving
// all year is written as a start on January 1 at 00:00 and an end on December 31 at 24:00 plus
// the saving. A daylight-saving name without its two changes, whose rule POSIX leaves to the
// implementation, is an error; no TZif file has one.
//
// A rule is an immutable value; any thread may call it.
#ifndef WEFT_RUNTIME_SCHEDULE_POSIX_TZ_RULE_H_
#define WEFT_RUNTIME_SCHEDULE_POSIX_TZ_RULE_H_

#include <cstdint>
#include <expected>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace weft::schedule {

// Times are Unix seconds (no leap seconds); offsets are seconds east of UTC.
inline constexpr std::int64_t kDistantPast = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kDistantFuture = std::numeric_limits<std::int64_t>::max();

// Instants further than this from 1970 (about 17,000 years) count as this far: the calendar
// arithmetic of a rule stays within std::chrono::year, and adding an offset cannot overflow.
inline constexpr std::int64_t kFarthestInstant = std::int64_t{1} << 39;

// A stretch of time [begin, end) with one UTC offset; kDistantPast or kDistantFuture where no
// change bounds it. Two periods in a row may have the same offset (a change of name only).
struct OffsetPeriod {
  std::int64_t begin = kDistantPast;
  std::int64_t end = kDistantFuture;
  std::int32_t offset = 0;
};

class PosixTzRule {
 public:
  // An error quotes the string and says what is wrong with it.
  static std::expected<PosixTzRule, std::string> Parse(std::string_view text);

  // The period that holds `instant`, bounded by the rule's changes (finite whenever the rule
  // has daylight saving).
  OffsetPeriod PeriodAt(std::int64_t instant) const;

  // The bound of every offset, a rule's and a TZif file's: |offset| stays under 26 hours (RFC
  // 8536 asks for -24:59:59 to +25:59:59), so that a clock time is never further than that from
  // the instants it names.
  static constexpr std::int32_t kMaxOffset = 26 * 3600 - 1;

 private:
  // One of the two yearly changes: a day (one of three forms) and a time of day, in the clock
  // time in force before the change.
  struct Change {
    enum class Form {
      kJulian,     // Jn: day n of 1-365, February 29 never counted
      kZeroBased,  // n: day n of 0-365, February 29 counted in leap years
      kMonthWeek,  // Mm.w.d: weekday d (0 Sunday) of week w (5: the last) of month m
    };
    Form form = Form::kMonthWeek;
    int day = 0;  // Jn and n
    int month = 0;
    int week = 0;
    int weekday = 0;
    std::int32_t time = 2 * 3600;

    // Seconds from the Unix epoch to the change in `year`, read as a clock time.
    std::int64_t ClockSecondsIn(int year) const;
  };

  std::int32_t standard_offset_ = 0;
  std::int32_t daylight_offset_ = 0;
  std::optional<Change> start_;  // both or neither: the zone has daylight saving
  std::optional<Change> end_;
};

}  // namespace weft::schedule

#endif  // WEFT_RUNTIME_SCHEDULE_POSIX_TZ_RULE_H_
