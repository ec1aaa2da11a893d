// TimeZone: one zone of the tz database ("Europe/Berlin"), read from the system's compiled file
// of it (TZif, RFC 8536): the UTC offset at any instant, and what a clock time in the zone
// names. Times are Unix seconds (no leap seconds); offsets are seconds east of UTC.
//
// Files come from $TZDIR, else /usr/share/zoneinfo. Of a file of version 2 or later the block
// of 64-bit times is read (a version 1 file's block of 32-bit ones when it has no other), and
// instants after the last transition follow the footer's TZ string (posix_tz_rule.h): Debian's
// "slim" files end their table where that rule takes over, "fat" ones in 2037. Instants before
// the first transition have time type 0, as RFC 8536 says. A file is checked before it is
// believed: a truncated or inconsistent one is an error naming the file and what is wrong.
// Files with leap seconds (right/...) are refused: their times are not Unix seconds.
//
// Find keeps every zone it loaded until the process ends, so the pointer it returns stays
// valid; a zone is immutable, so any thread may call Find and use a zone.
#ifndef WEFT_RUNTIME_SCHEDULE_TIME_ZONE_H_
#define WEFT_RUNTIME_SCHEDULE_TIME_ZONE_H_

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/schedule/posix_tz_rule.h"

namespace weft::schedule {

// What a clock time in a zone names: one instant, two (a repeated hour: `first` is the offset
// of the earlier instant) or none (a skipped hour: `first` is the offset before the gap,
// `second` the one after). A unique time has first == second.
struct LocalTimeOffsets {
  enum class Kind { kUnique, kAmbiguous, kNonexistent };
  Kind kind = Kind::kUnique;
  std::int32_t first = 0;
  std::int32_t second = 0;
};

class TimeZone {
 public:
  // The zone of an IANA name, loaded on first use. Errors: a name the database does not hold,
  // a name that leads out of its folder (`../x`, `/etc/x`), a file that cannot be read or is
  // not valid TZif.
  static std::expected<const TimeZone*, std::string> Find(std::string_view name);

  // The zone a TZif file's bytes describe; `file` names it in errors.
  static std::expected<TimeZone, std::string> FromTzif(std::string_view bytes,
                                                       std::string_view file);

  std::int32_t OffsetAt(std::int64_t instant) const { return PeriodAt(instant).offset; }

  // The period that holds `instant`: between two transitions of the file, or of the footer's
  // rule after the last one.
  OffsetPeriod PeriodAt(std::int64_t instant) const;

  // `local` is a clock time as seconds since 1970-01-01 00:00 on that clock.
  LocalTimeOffsets OffsetsAtLocal(std::int64_t local) const;

 private:
  std::vector<std::int64_t> transitions_;  // ascending
  std::vector<std::int32_t> offsets_;      // offsets_[i]: from transitions_[i] on
  std::int32_t initial_offset_ = 0;        // before the first transition: time type 0's
  std::optional<PosixTzRule> rule_;        // after the last transition, when the footer has one
};

}  // namespace weft::schedule

#endif  // WEFT_RUNTIME_SCHEDULE_TIME_ZONE_H_
