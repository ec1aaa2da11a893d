#include "runtime/schedule/posix_tz_rule.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace weft::schedule {
namespace {

namespace chrono = std::chrono;

constexpr std::int64_t kSecondsPerDay = 86400;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Reads a TZ string from left to right; every method that fails says what it expected and
// where, and the caller quotes the whole string.
class TzStringReader {
 public:
  explicit TzStringReader(std::string_view text) : text_(text) {}

  bool Done() const { return at_ == text_.size(); }
  bool Take(char c) {
    if (Done() || text_[at_] != c) return false;
    ++at_;
    return true;
  }
  bool NextIsDigit() const { return !Done() && IsDigit(text_[at_]); }
  bool NextIsSign() const { return !Done() && (text_[at_] == '+' || text_[at_] == '-'); }

  // What is left, for an error: "at `...`" or "at the end".
  std::string Where() const {
    return Done() ? std::string("at the end") : "at `" + std::string(text_.substr(at_)) + "`";
  }

  // A zone's name, `CET` or `<+0330>`: three or more letters, or three or more letters, digits,
  // `+` and `-` between angle brackets.
  std::expected<void, std::string> Name(std::string_view what) {
    const std::string where = Where();
    const bool quoted = Take('<');
    const std::size_t start = at_;
    while (!Done() &&
           (IsLetter(text_[at_]) ||
            (quoted && (IsDigit(text_[at_]) || text_[at_] == '+' || text_[at_] == '-')))) {
      ++at_;
    }
    const std::size_t length = at_ - start;
    if ((quoted && !Take('>')) || length < 3) {
      return std::unexpected("expected the name of the " + std::string(what) + " " + where +
                             " (three or more letters, or <...> of letters, digits, + and -)");
    }
    return {};
  }

  // `[+|-]hh[:mm[:ss]]` as seconds, the hours at most `max_hours`.
  std::expected<std::int32_t, std::string> Duration(std::string_view what, int max_hours) {
    const std::string where = Where();
    const bool negative = Take('-');
    if (!negative) Take('+');
    auto fail = [&](const std::string& why) {
      return std::unexpected("expected " + std::string(what) + " ([+|-]hh[:mm[:ss]]) " + where +
                             why);
    };
    const std::optional<int> hours = Number(3);
    if (!hours) return fail("");
    if (*hours > max_hours) {
      return fail(": the hours are at most " + std::to_string(max_hours));
    }
    std::int32_t seconds = *hours * 3600;
    for (const int scale : {60, 1}) {
      if (!Take(':')) break;
      const std::optional<int> part = Number(2);
      if (!part || *part > 59) return fail(": minutes and seconds are 00-59");
      seconds += *part * scale;
    }
    return negative ? -seconds : seconds;
  }

  // An unsigned decimal number of 1 to `max_digits` digits.
  std::optional<int> Number(int max_digits) {
    int value = 0;
    int digits = 0;
    while (NextIsDigit() && digits < max_digits) {
      value = value * 10 + (text_[at_] - '0');
      ++at_;
      ++digits;
    }
    if (digits == 0 || NextIsDigit()) return std::nullopt;
    return value;
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::expected<PosixTzRule, std::string> PosixTzRule::Parse(std::string_view text) {
  auto fail = [&](const std::string& why) {
    return std::unexpected("TZ string `" + std::string(text) + "`: " + why);
  };
  TzStringReader reader(text);
  PosixTzRule rule;
  // POSIX counts hours west of Greenwich; an offset here is east of it.
  if (auto name = reader.Name("standard time"); !name) return fail(name.error());
  auto standard = reader.Duration("the standard time's offset", 24);
  if (!standard) return fail(standard.error());
  rule.standard_offset_ = -*standard;
  if (reader.Done()) return rule;
  if (auto name = reader.Name("daylight-saving time"); !name) return fail(name.error());
  rule.daylight_offset_ = rule.standard_offset_ + 3600;
  if (reader.NextIsDigit() || reader.NextIsSign()) {
    auto daylight = reader.Duration("the daylight-saving time's offset", 24);
    if (!daylight) return fail(daylight.error());
    rule.daylight_offset_ = -*daylight;
  }
  auto change = [&](std::string_view what) -> std::expected<Change, std::string> {
    if (!reader.Take(',')) {
      return std::unexpected("expected `,` and the date daylight saving " + std::string(what) +
                             " " + reader.Where());
    }
    const std::string where = reader.Where();
    auto bad_date = [&](const std::string& why) {
      return std::unexpected("expected the date daylight saving " + std::string(what) + " " +
                             where + " (Jn, n or Mm.w.d)" + why);
    };
    Change parsed;
    if (reader.Take('J')) {
      parsed.form = Change::Form::kJulian;
      const std::optional<int> day = reader.Number(3);
      if (!day || *day < 1 || *day > 365) return bad_date(": Jn is J1-J365");
      parsed.day = *day;
    } else if (reader.Take('M')) {
      parsed.form = Change::Form::kMonthWeek;
      std::array<int, 3> parts{};  // month, week, weekday
      for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::optional<int> part =
            i == 0 || reader.Take('.') ? reader.Number(2) : std::nullopt;
        if (!part) return bad_date("");
        parts[i] = *part;
      }
      const auto [month, week, weekday] = parts;
      if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) {
        return bad_date(": the month is 1-12, the week 1-5, the weekday 0-6");
      }
      parsed.month = month;
      parsed.week = week;
      parsed.weekday = weekday;
    } else {
      parsed.form = Change::Form::kZeroBased;
      const std::optional<int> day = reader.Number(3);
      if (!day || *day > 365) return bad_date(day ? ": n is 0-365" : "");
      parsed.day = *day;
    }
    if (reader.Take('/')) {
      auto time = reader.Duration("the time of day daylight saving " + std::string(what), 167);
      if (!time) return std::unexpected(time.error());
      parsed.time = *time;
    }
    return parsed;
  };
  auto start = change("starts");
  if (!start) return fail(start.error());
  auto end = change("ends");
  if (!end) return fail(end.error());
  if (!reader.Done()) return fail("unexpected " + reader.Where());
  rule.start_ = *start;
  rule.end_ = *end;
  return rule;
}

std::int64_t PosixTzRule::Change::ClockSecondsIn(int year) const {
  const chrono::year y{year};
  chrono::sys_days date{y / chrono::January / 1};
  switch (form) {
    case Form::kJulian:
      // J60 is March 1 in every year: a leap year's February 29 is stepped over.
      date += chrono::days{day - 1 + (y.is_leap() && day >= 60 ? 1 : 0)};
      break;
    case Form::kZeroBased:
      date += chrono::days{day};
      break;
    case Form::kMonthWeek: {
      const chrono::year_month year_month = y / chrono::month{static_cast<unsigned>(month)};
      const chrono::sys_days first{year_month / 1};
      const auto first_weekday = static_cast<int>(chrono::weekday{first}.c_encoding());
      int day_of_month = 1 + (weekday - first_weekday + 7) % 7 + 7 * (week - 1);
      // Week 5 is the last such weekday, which may be the fourth.
      const unsigned days_in_month{(year_month / chrono::last).day()};
      if (day_of_month > static_cast<int>(days_in_month)) day_of_month -= 7;
      date = first + chrono::days{day_of_month - 1};
      break;
    }
  }
  return date.time_since_epoch().count() * kSecondsPerDay + time;
}

OffsetPeriod PosixTzRule::PeriodAt(std::int64_t instant) const {
  if (!start_) return {.offset = standard_offset_};
  instant = std::clamp(instant, -kFarthestInstant, kFarthestInstant);
  const auto day = chrono::floor<chrono::days>(chrono::sys_seconds{chrono::seconds{instant}});
  const int year = static_cast<int>(chrono::year_month_day{day}.year());
  // The changes of five years around the instant's, as instants: a change's time of day may
  // move it up to a week into the year before or after, so two years either side hold the
  // change before the instant and the one after it for certain.
  struct Event {
    std::int64_t at;
    bool starts_daylight;
  };
  std::array<Event, 10> events;
  for (int i = 0; i < 5; ++i) {
    const int y = year - 2 + i;
    events[2 * i] = {start_->ClockSecondsIn(y) - standard_offset_, true};
    events[2 * i + 1] = {end_->ClockSecondsIn(y) - daylight_offset_, false};
  }
  // An end and a start at the same instant leave daylight saving on: that is how RFC 8536
  // writes daylight saving all year (`EST5EDT,0/0,J365/25`).
  std::ranges::sort(events, [](const Event& a, const Event& b) {
    return a.at != b.at ? a.at < b.at : !a.starts_daylight && b.starts_daylight;
  });
  const auto after = std::ranges::upper_bound(events, instant, {}, &Event::at);
  const Event& last = *(after - 1);
  return {.begin = last.at,
          .end = after->at,
          .offset = last.starts_daylight ? daylight_offset_ : standard_offset_};
}

}  // namespace weft::schedule
