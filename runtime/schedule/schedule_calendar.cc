#include "runtime/schedule/schedule_calendar.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <span>
#include <sstream>
#include <string_view>

#include "runtime/schedule/time_zone.h"

namespace weft::schedule {
namespace {

constexpr std::int64_t kDay = 86400;
// How far before the instant a clock-time search starts in a zone: more than any offset
// change, so that the second of two equal clock times (a repeated hour) is not missed.
constexpr std::int64_t kClockSlack = 3 * 3600;
// A cron string that matches nothing (`0 0 31 2 *`) is searched this far, and no further.
constexpr int kYearsAhead = 400;

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kWeekdayNames = {"sun", "mon", "tue", "wed",
                                                           "thu", "fri", "sat"};

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  return std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} /
                               std::chrono::day{day}}
      .time_since_epoch()
      .count();
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// One field's values as numbers in [low, high]: `*`, `?`, `5`, `MON`, `1-5`, `*/15`, `5/15`,
// `MON-FRI/2`, and lists of these. `names` spell the values from `names_from` on.
std::expected<std::vector<int>, std::string> ParseField(std::string_view text, int low, int high,
                                                        std::span<const std::string_view> names,
                                                        int names_from, std::string_view what) {
  auto value = [&](std::string_view word) -> std::expected<int, std::string> {
    const std::string lower = Lower(word);
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (lower == names[i]) return names_from + static_cast<int>(i);
    }
    int number = 0;
    auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), number);
    if (error != std::errc() || end != word.data() + word.size()) {
      return std::unexpected("`" + std::string(word) + "` is not a " + std::string(what));
    }
    if (number < low || number > high) {
      return std::unexpected("the " + std::string(what) + " " + std::to_string(number) +
                             " is outside " + std::to_string(low) + "-" + std::to_string(high));
    }
    return number;
  };
  std::vector<int> values;
  for (std::string_view item : Split(text, ',')) {
    if (item.empty())
      return std::unexpected("an empty item in the " + std::string(what) + " field");
    int step = 1;
    if (const auto slash = item.find('/'); slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      auto [end, error] =
          std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (error != std::errc() || end != step_text.data() + step_text.size() || step < 1) {
        return std::unexpected("`" + std::string(step_text) + "` is not a step (a whole number)");
      }
      item = item.substr(0, slash);
    }
    int first = low;
    int last = high;
    if (item != "*" && item != "?") {
      const auto dash = item.find('-');
      auto start = value(item.substr(0, dash));
      if (!start) return std::unexpected(start.error());
      first = *start;
      if (dash != std::string_view::npos) {
        auto end = value(item.substr(dash + 1));
        if (!end) return std::unexpected(end.error());
        last = *end;
        if (last < first) {
          return std::unexpected("the range `" + std::string(item) + "` ends before it starts");
        }
      } else if (step == 1) {
        last = first;  // `5` alone; `5/15` runs to the end of the field
      }
    }
    for (int v = first; v <= last; v += step) values.push_back(v);
  }
  return values;
}

template <std::size_t N>
std::expected<std::bitset<N>, std::string> FieldBits(std::string_view text, int low, int high,
                                                     std::span<const std::string_view> names,
                                                     std::string_view what) {
  auto values = ParseField(text, low, high, names, low == 0 ? 0 : 1, what);
  if (!values) return std::unexpected(values.error());
  std::bitset<N> bits;
  for (int v : *values) bits.set(static_cast<std::size_t>(v));
  return bits;
}

std::expected<std::int64_t, std::string> ParseSeconds(std::string_view text) {
  // `90m`, `1h30m`, `2d`: decimal integers, each with a unit.
  if (text.empty()) return std::unexpected(std::string("an empty duration"));
  std::int64_t total = 0;
  while (!text.empty()) {
    std::int64_t number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end == text.data() + text.size()) {
      return std::unexpected("`" + std::string(text) + "` is not a duration like 90m or 1h");
    }
    const char unit = *end;
    const std::int64_t scale = unit == 's'   ? 1
                               : unit == 'm' ? 60
                               : unit == 'h' ? 3600
                               : unit == 'd' ? kDay
                                             : 0;
    if (scale == 0) return std::unexpected("`" + std::string(1, unit) + "` is not s, m, h or d");
    total += number * scale;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()) + 1);
  }
  return total;
}

struct ParsedCron {
  std::optional<CronFields> cron;
  std::optional<IntervalSpec> interval;
};

std::expected<ParsedCron, std::string> ParseCron(std::string text) {
  if (const auto hash = text.find('#'); hash != std::string::npos) text.resize(hash);
  std::istringstream words(text);
  std::vector<std::string> fields;
  for (std::string word; words >> word;) fields.push_back(word);
  const TimeZone* zone = nullptr;
  if (!fields.empty() && (fields[0].starts_with("CRON_TZ=") || fields[0].starts_with("TZ="))) {
    auto found = FindTimeZone(fields[0].substr(fields[0].find('=') + 1));
    if (!found) return std::unexpected(found.error());
    zone = *found;
    fields.erase(fields.begin());
  }
  if (fields.empty()) return std::unexpected(std::string("an empty cron string"));
  if (fields[0].starts_with("@")) {
    const std::string shorthand = Lower(fields[0]);
    if (shorthand == "@every") {
      if (fields.size() != 2) return std::unexpected(std::string("`@every` takes one duration"));
      const auto parts = Split(fields[1], '/');
      if (parts.size() > 2) return std::unexpected(std::string("`@every` takes one phase"));
      auto every = ParseSeconds(parts[0]);
      if (!every) return std::unexpected(every.error());
      if (*every < 1) return std::unexpected(std::string("an interval is at least 1s"));
      IntervalSpec interval{.every_s = *every};
      if (parts.size() == 2) {
        auto phase = ParseSeconds(parts[1]);
        if (!phase) return std::unexpected(phase.error());
        interval.phase_s = *phase;
      }
      return ParsedCron{.interval = interval};
    }
    static const std::array<std::pair<std::string_view, std::string_view>, 7> kShorthands = {{
        {"@yearly", "0 0 1 1 *"},
        {"@annually", "0 0 1 1 *"},
        {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"},
        {"@daily", "0 0 * * *"},
        {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"},
    }};
    const auto known = std::ranges::find(kShorthands, shorthand, [](auto& s) { return s.first; });
    if (known == kShorthands.end() || fields.size() != 1) {
      return std::unexpected("`" + fields[0] +
                             "` is not @yearly, @monthly, @weekly, @daily, @hourly or @every");
    }
    std::istringstream expanded{std::string(known->second)};
    fields.clear();
    for (std::string word; expanded >> word;) fields.push_back(word);
  }
  if (fields.size() < 5 || fields.size() > 7) {
    return std::unexpected("a cron string has 5, 6 or 7 fields, not " +
                           std::to_string(fields.size()));
  }
  // 5: minute hour day month weekday; 6: and a year; 7: a second first, and a year.
  const bool has_seconds = fields.size() == 7;
  const bool has_year = fields.size() >= 6;
  const std::size_t first = has_seconds ? 1 : 0;
  CronFields cron;
  cron.zone = zone;
  auto fail = [](const std::string& error) { return std::unexpected(error); };
  if (has_seconds) {
    auto seconds = FieldBits<60>(fields[0], 0, 59, {}, "second");
    if (!seconds) return fail(seconds.error());
    cron.seconds = *seconds;
  } else {
    cron.seconds.set(0);
  }
  auto minutes = FieldBits<60>(fields[first], 0, 59, {}, "minute");
  if (!minutes) return fail(minutes.error());
  auto hours = FieldBits<24>(fields[first + 1], 0, 23, {}, "hour");
  if (!hours) return fail(hours.error());
  auto days = FieldBits<32>(fields[first + 2], 1, 31, {}, "day of the month");
  if (!days) return fail(days.error());
  auto months = FieldBits<13>(fields[first + 3], 1, 12, kMonthNames, "month");
  if (!months) return fail(months.error());
  auto weekdays = ParseField(fields[first + 4], 0, 7, kWeekdayNames, 0, "day of the week");
  if (!weekdays) return fail(weekdays.error());
  cron.minutes = *minutes;
  cron.hours = *hours;
  cron.days_of_month = *days;
  cron.months = *months;
  for (int weekday : *weekdays) cron.days_of_week.set(static_cast<std::size_t>(weekday % 7));
  if (has_year && fields[first + 5] != "*") {
    auto years = ParseField(fields[first + 5], 1970, 2999, {}, 0, "year");
    if (!years) return fail(years.error());
    for (int year : *years) cron.years.emplace_back(year, year);
    std::ranges::sort(cron.years);
  }
  return ParsedCron{.cron = std::move(cron)};
}

// The year itself when `cron` matches it, else the next one it matches; none after the last.
std::optional<int> MatchingYear(const CronFields& cron, int year) {
  if (cron.years.empty()) return year;
  for (const auto& [first, last] : cron.years) {
    if (year <= last) return std::max(year, first);
  }
  return std::nullopt;
}

}  // namespace

std::expected<const TimeZone*, std::string> FindTimeZone(const std::string& name) {
  if (name.empty() || name == "UTC") return nullptr;
  return TimeZone::Find(name);
}

std::expected<ScheduleCalendar, std::string> ScheduleCalendar::Make(
    const dsl::DeclaredSchedule& schedule) {
  ScheduleCalendar calendar;
  auto zone = FindTimeZone(schedule.time_zone);
  if (!zone) return std::unexpected(zone.error());
  calendar.zone_ = *zone;
  for (const std::string& text : schedule.crons) {
    auto parsed = ParseCron(text);
    if (!parsed) return std::unexpected("cron `" + text + "`: " + parsed.error());
    if (parsed->cron) calendar.crons_.push_back(std::move(*parsed->cron));
    if (parsed->interval) calendar.intervals_.push_back(*parsed->interval);
  }
  for (const dsl::Duration& every : schedule.intervals) {
    // Whole seconds, as Temporal truncates them.
    const std::int64_t seconds = every.count() / 1000;
    if (seconds < 1) return std::unexpected(std::string("an interval is at least 1s"));
    calendar.intervals_.push_back({.every_s = seconds});
  }
  return calendar;
}

std::optional<std::int64_t> ScheduleCalendar::NextOfCron(const CronFields& cron,
                                                         std::int64_t after_s) const {
  const TimeZone* zone = cron.zone != nullptr ? cron.zone : zone_;
  auto to_local = [&](std::int64_t utc) {
    return zone == nullptr ? utc : utc + zone->OffsetAt(utc);
  };
  // Clock time, searched field by field from the largest: a field that does not match moves
  // the search to the start of that field's next value.
  std::int64_t clock = zone == nullptr ? after_s + 1 : to_local(after_s) - kClockSlack;
  const std::chrono::sys_days first_day{std::chrono::days{FloorDiv(clock, kDay)}};
  const int last_year =
      static_cast<int>(std::chrono::year_month_day{first_day}.year()) + kYearsAhead;
  while (true) {
    const std::int64_t days = FloorDiv(clock, kDay);
    const std::int64_t second_of_day = clock - days * kDay;
    const std::chrono::sys_days day{std::chrono::days{days}};
    const std::chrono::year_month_day ymd{day};
    const int year = static_cast<int>(ymd.year());
    const auto month = static_cast<unsigned>(ymd.month());
    if (year > last_year) return std::nullopt;
    const std::optional<int> matching_year = MatchingYear(cron, year);
    if (!matching_year) return std::nullopt;
    if (*matching_year != year) {
      clock = DaysFromCivil(*matching_year, 1, 1) * kDay;
      continue;
    }
    if (!cron.months[month]) {
      clock =
          (month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1)) * kDay;
      continue;
    }
    const auto weekday = std::chrono::weekday{day}.c_encoding();
    if (!cron.days_of_month[static_cast<unsigned>(ymd.day())] || !cron.days_of_week[weekday]) {
      clock = (days + 1) * kDay;
      continue;
    }
    const auto hour = static_cast<std::size_t>(second_of_day / 3600);
    const auto minute = static_cast<std::size_t>(second_of_day / 60 % 60);
    const auto second = static_cast<std::size_t>(second_of_day % 60);
    if (!cron.hours[hour]) {
      clock = days * kDay + static_cast<std::int64_t>(hour + 1) * 3600;
      continue;
    }
    if (!cron.minutes[minute]) {
      clock = days * kDay + static_cast<std::int64_t>(hour) * 3600 +
              static_cast<std::int64_t>(minute + 1) * 60;
      continue;
    }
    if (!cron.seconds[second]) {
      clock += 1;
      continue;
    }
    // A matching clock time: the instants it names (none in a skipped hour, two in a repeated
    // one), the first of them after `after_s`.
    std::vector<std::int64_t> instants;
    if (zone == nullptr) {
      instants.push_back(clock);
    } else {
      const LocalTimeOffsets offsets = zone->OffsetsAtLocal(clock);
      if (offsets.kind != LocalTimeOffsets::Kind::kNonexistent) {
        instants.push_back(clock - offsets.first);
      }
      if (offsets.kind == LocalTimeOffsets::Kind::kAmbiguous) {
        instants.push_back(clock - offsets.second);
      }
    }
    for (std::int64_t instant : instants) {
      if (instant > after_s) return instant;
    }
    clock += 1;
  }
}

std::optional<std::int64_t> ScheduleCalendar::Next(std::int64_t after_ms) const {
  const std::int64_t after_s = FloorDiv(after_ms, 1000);
  std::optional<std::int64_t> next;
  auto consider = [&](std::optional<std::int64_t> instant) {
    if (instant && (!next || *instant < *next)) next = instant;
  };
  for (const CronFields& cron : crons_) consider(NextOfCron(cron, after_s));
  for (const IntervalSpec& interval : intervals_) {
    const std::int64_t n = FloorDiv(after_s - interval.phase_s, interval.every_s) + 1;
    consider(interval.phase_s + n * interval.every_s);
  }
  if (!next) return std::nullopt;
  return *next * 1000;
}

}  // namespace weft::schedule
