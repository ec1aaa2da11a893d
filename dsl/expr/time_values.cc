#include "dsl/expr/time_values.h"

#include <cstdio>
#include <limits>
#include <utility>

namespace weft::dsl::expr {

namespace {

// Intermediate sums may pass int64 before they are range-checked.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool ReadDigits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!IsDigit(s[pos + i])) return false;
    out = out * 10 + (s[pos + i] - '0');
  }
  pos += n;
  return true;
}

}  // namespace

std::optional<Duration> ParseDuration(std::string_view s) {
  std::size_t pos = 0;
  bool negative = false;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) negative = s[pos++] == '-';
  if (s.substr(pos) == "0") return Duration{0};
  if (pos >= s.size()) return std::nullopt;
  // Exact integer arithmetic: fractions are scaled, never rounded through a double.
  Int128 total = 0;
  while (pos < s.size()) {
    Int128 whole = 0;
    std::size_t digits = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      whole = whole * 10 + (s[pos++] - '0');
      if (whole > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
      ++digits;
    }
    Int128 frac = 0;
    Int128 frac_scale = 1;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && IsDigit(s[pos])) {
        if (frac_scale < 1'000'000'000'000'000'000) {
          frac = frac * 10 + (s[pos] - '0');
          frac_scale *= 10;
        }
        ++pos;
        ++digits;
      }
    }
    if (digits == 0) return std::nullopt;
    std::int64_t unit = 0;
    if (s.substr(pos, 1) == "d") {
      unit = 24 * kHour, pos += 1;
    } else if (s.substr(pos, 2) == "ns") {
      unit = 1, pos += 2;
    } else if (s.substr(pos, 2) == "us") {
      unit = 1000, pos += 2;
    } else if (s.substr(pos, 3) == "\u00b5s") {
      unit = 1000, pos += 3;
    } else if (s.substr(pos, 2) == "ms") {
      unit = 1'000'000, pos += 2;
    } else if (s.substr(pos, 1) == "s") {
      unit = kSecond, pos += 1;
    } else if (s.substr(pos, 1) == "m") {
      unit = kMinute, pos += 1;
    } else if (s.substr(pos, 1) == "h") {
      unit = kHour, pos += 1;
    } else {
      return std::nullopt;
    }
    total += whole * unit + frac * unit / frac_scale;
    if (total > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
  }
  return Duration{static_cast<std::int64_t>(negative ? -total : total)};
}

std::string FormatDuration(Duration d) {
  if (d.nanos == 0) return "0s";
  // Whole components, largest first, each once: the canonical spelling of dsl/duration.h
  // ("1d2h", "1s500ms"), extended below the millisecond, so the loader reads what this writes.
  static constexpr std::pair<const char*, std::int64_t> kUnits[] = {
      {"d", 24 * kHour}, {"h", kHour},  {"m", kMinute}, {"s", kSecond},
      {"ms", 1'000'000}, {"us", 1'000}, {"ns", 1}};
  std::string out = d.nanos < 0 ? "-" : "";
  // Unsigned magnitude, so that the smallest int64 has one too.
  UInt128 rest = d.nanos < 0 ? static_cast<UInt128>(-static_cast<Int128>(d.nanos))
                             : static_cast<UInt128>(d.nanos);
  for (const auto& [name, size] : kUnits) {
    const auto unit = static_cast<UInt128>(size);
    if (rest >= unit) {
      out += std::to_string(static_cast<std::uint64_t>(rest / unit)) + name;
      rest %= unit;
    }
  }
  return out;
}

std::optional<Timestamp> ParseTimestamp(std::string_view s) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  auto expect = [&](char c) {
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  };
  if (!ReadDigits(s, pos, 4, year) || !expect('-') || !ReadDigits(s, pos, 2, month) ||
      !expect('-') || !ReadDigits(s, pos, 2, day)) {
    return std::nullopt;
  }
  if (!(expect('T') || expect('t') || expect(' '))) return std::nullopt;
  if (!ReadDigits(s, pos, 2, hour) || !expect(':') || !ReadDigits(s, pos, 2, minute) ||
      !expect(':') || !ReadDigits(s, pos, 2, second)) {
    return std::nullopt;
  }
  std::int64_t nanos = 0;
  if (expect('.')) {
    std::int64_t scale = 100'000'000;
    std::size_t digits = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (digits < 9) nanos += (s[pos] - '0') * scale, scale /= 10;
      ++pos, ++digits;
    }
    if (digits == 0) return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  if (!(expect('Z') || expect('z'))) {
    const bool plus = expect('+');
    if (!plus && !expect('-')) return std::nullopt;
    int oh = 0, om = 0;
    if (!ReadDigits(s, pos, 2, oh) || !expect(':') || !ReadDigits(s, pos, 2, om) || oh > 23 ||
        om > 59) {
      return std::nullopt;
    }
    offset_seconds = (oh * 3600 + om * 60) * (plus ? 1 : -1);
  }
  if (pos != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month)) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  const std::int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const Int128 total =
      (static_cast<Int128>(days) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds) *
          kSecond +
      nanos;
  if (total > std::numeric_limits<std::int64_t>::max() ||
      total < std::numeric_limits<std::int64_t>::min()) {
    return std::nullopt;
  }
  return Timestamp{static_cast<std::int64_t>(total)};
}

std::string FormatTimestamp(Timestamp t) {
  std::int64_t seconds = t.nanos / kSecond;
  std::int64_t nanos = t.nanos % kSecond;
  if (nanos < 0) nanos += kSecond, seconds -= 1;
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) rest += 86400, days -= 1;
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  CivilFromDays(days, year, month, day);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                static_cast<long long>(year), month, day, static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  std::string out = buffer;
  if (nanos > 0) {
    std::snprintf(buffer, sizeof buffer, ".%09lld", static_cast<long long>(nanos));
    std::string digits = buffer;
    // Three, six or nine digits, as RFC 3339 writers usually do.
    while (digits.size() > 4 && digits.substr(digits.size() - 3) == "000") {
      digits.resize(digits.size() - 3);
    }
    out += digits;
  }
  return out + "Z";
}

}  // namespace weft::dsl::expr
