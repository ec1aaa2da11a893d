// TimeZone: real zones read as the C library reads the same files (glibc's localtime_r, which
// follows a footer's TZ string too), 1900 to 2150 and at every transition; "slim" files that zic
// makes from the system's tzdata.zi, the same way; small TZif files written here for
// what the database never holds (a version 1 file, type 0 before the first transition, a rule
// and no table); broken files, which fail naming the file and what is wrong; names the
// database does not hold or that lead out of it; one zone shared by every thread that asks.
#include "runtime/schedule/time_zone.h"

#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace weft::schedule {
namespace {

namespace fs = std::filesystem;

constexpr std::int32_t kHour = 3600;
constexpr std::int64_t kDay = 86400;

// "2026-03-29T01:00:00Z" as Unix seconds, and back.
std::int64_t At(const std::string& text) {
  std::tm tm{};
  REQUIRE(strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr);
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string Iso(std::int64_t instant) {
  const auto time = static_cast<std::time_t>(instant);
  std::tm tm{};
  gmtime_r(&time, &tm);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text.data();
}

constexpr std::int64_t StartOfYear(int year) {
  return std::chrono::sys_days{std::chrono::year{year} / 1 / 1}.time_since_epoch().count() * kDay;
}
constexpr std::int64_t kFrom = StartOfYear(1900);
constexpr std::int64_t kUntil = StartOfYear(2150);

// Zones whose history has something to get wrong: half-hour and 45-minute offsets, daylight
// saving in the southern summer, negative daylight saving (Dublin), 30-minute daylight saving
// (Lord Howe), a skipped day (Apia, Kiritimati), footers with negative and 26- to 50-hour
// change times (Nuuk, Jerusalem, Cairo, Santiago), daylight saving of two hours (Troll), and
// Casablanca's table to 2087.
const std::vector<std::string> kZones = {"UTC",
                                         "Etc/GMT+5",
                                         "Europe/Berlin",
                                         "Europe/Dublin",
                                         "Europe/London",
                                         "Europe/Moscow",
                                         "America/New_York",
                                         "America/St_Johns",
                                         "America/Sao_Paulo",
                                         "America/Santiago",
                                         "America/Nuuk",
                                         "America/Havana",
                                         "Australia/Lord_Howe",
                                         "Australia/Sydney",
                                         "Asia/Kolkata",
                                         "Asia/Kathmandu",
                                         "Asia/Tehran",
                                         "Asia/Jerusalem",
                                         "Pacific/Apia",
                                         "Pacific/Chatham",
                                         "Pacific/Kiritimati",
                                         "Africa/Casablanca",
                                         "Africa/Cairo",
                                         "Antarctica/Troll"};

// Sets $TZDIR for the scope (unsets it for ""), and restores it after.
class ScopedTzdir {
 public:
  explicit ScopedTzdir(const std::string& folder) {
    if (const char* old = std::getenv("TZDIR")) old_ = old;
    folder.empty() ? unsetenv("TZDIR") : setenv("TZDIR", folder.c_str(), 1);
  }
  ~ScopedTzdir() { old_ ? setenv("TZDIR", old_->c_str(), 1) : unsetenv("TZDIR"); }
  ScopedTzdir(const ScopedTzdir&) = delete;
  ScopedTzdir& operator=(const ScopedTzdir&) = delete;

 private:
  std::optional<std::string> old_;
};

// A fresh folder under the system's temporary one, removed with everything in it.
class TempFolder {
 public:
  TempFolder() {
    static int made = 0;
    path_ = fs::temp_directory_path() /
            ("weft-time-zone-test-" + std::to_string(getpid()) + "-" + std::to_string(++made));
    fs::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  std::string path() const { return path_.string(); }
  std::string Write(const std::string& name, const std::string& bytes) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
    return file.string();
  }

 private:
  fs::path path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The C library's reading of a zone's file (the system's, or one in `folder`): $TZ names the
// file while this lives.
class CLibraryZone {
 public:
  explicit CLibraryZone(const std::string& name,
                        const std::string& folder = "/usr/share/zoneinfo") {
    // glibc quietly falls back to UTC for a file it cannot find: make sure it is there.
    const std::string path = folder + "/" + name;
    REQUIRE(fs::is_regular_file(path));
    setenv("TZ", (":" + path).c_str(), 1);
    tzset();
  }
  ~CLibraryZone() {
    unsetenv("TZ");
    tzset();
  }
  CLibraryZone(const CLibraryZone&) = delete;
  CLibraryZone& operator=(const CLibraryZone&) = delete;

  std::int32_t OffsetAt(std::int64_t instant) const {
    const auto time = static_cast<std::time_t>(instant);
    std::tm tm{};
    localtime_r(&time, &tm);
    return static_cast<std::int32_t>(tm.tm_gmtoff);
  }

  // The offsets of the instants a clock time names, earliest first: those of the offsets in
  // force within a day of it that map an instant to it.
  std::vector<std::int32_t> OffsetsAtLocal(std::int64_t local) const {
    std::set<std::int32_t> candidates;
    for (std::int64_t t = local - 26 * kHour; t <= local + 26 * kHour; t += kHour) {
      candidates.insert(OffsetAt(t));
    }
    std::vector<std::int32_t> offsets;
    for (auto o = candidates.rbegin(); o != candidates.rend(); ++o) {  // larger: earlier
      if (OffsetAt(local - *o) == *o) offsets.push_back(*o);
    }
    return offsets;
  }
};

// Mismatches, the first few of them spelled out.
struct Mismatches {
  std::size_t count = 0;
  std::string first;
  void Add(const std::string& what) {
    if (++count <= 10) first += what + "\n";
  }
};

struct Compared {
  std::size_t instants = 0;
  std::size_t at_transitions = 0;
  std::size_t clock_times = 0;
};

void CompareOffsets(const std::string& name, const TimeZone& zone, const CLibraryZone& reference,
                    Compared& compared, Mismatches& mismatches) {
  auto check = [&](std::int64_t instant) {
    ++compared.instants;
    const std::int32_t ours = zone.OffsetAt(instant);
    const std::int32_t theirs = reference.OffsetAt(instant);
    if (ours != theirs) {
      mismatches.Add(name + " at " + Iso(instant) + ": " + std::to_string(ours) +
                     ", the C library " + std::to_string(theirs));
    }
  };
  // A day and an hour apart, so that every time of day comes round; where the C library's
  // offset changes between two of them, its transition is found to the second.
  std::int64_t previous = kFrom;
  std::int32_t previous_offset = reference.OffsetAt(kFrom);
  for (std::int64_t t = kFrom; t < kUntil; t += kDay + kHour + 7) {
    check(t);
    const std::int32_t offset = reference.OffsetAt(t);
    if (offset != previous_offset) {
      std::int64_t before = previous;  // the old offset's
      std::int64_t after = t;          // not the old offset's
      while (after - before > 1) {
        const std::int64_t middle = before + (after - before) / 2;
        if (reference.OffsetAt(middle) == previous_offset) {
          before = middle;
        } else {
          after = middle;
        }
      }
      for (std::int64_t near : {after - 1, after, after + 1}) check(near);
      compared.at_transitions += 3;
    }
    previous = t;
    previous_offset = offset;
  }
  // And at every transition of ours.
  for (OffsetPeriod period = zone.PeriodAt(kFrom); period.end < kUntil;
       period = zone.PeriodAt(period.end)) {
    for (std::int64_t near : {period.end - 1, period.end, period.end + 1}) check(near);
    compared.at_transitions += 3;
  }
}

void CompareClockTimes(const std::string& name, const TimeZone& zone, const CLibraryZone& reference,
                       Compared& compared, Mismatches& mismatches) {
  auto check = [&](std::int64_t local) {
    ++compared.clock_times;
    const LocalTimeOffsets ours = zone.OffsetsAtLocal(local);
    const std::vector<std::int32_t> theirs = reference.OffsetsAtLocal(local);
    bool same = false;
    switch (ours.kind) {
      case LocalTimeOffsets::Kind::kUnique:
        same = theirs.size() == 1 && ours.first == theirs[0] && ours.second == theirs[0];
        break;
      case LocalTimeOffsets::Kind::kAmbiguous:
        same = theirs.size() == 2 && ours.first == theirs[0] && ours.second == theirs[1];
        break;
      case LocalTimeOffsets::Kind::kNonexistent:
        // Skipped: the offset before the gap maps the clock time past the transition, the one
        // after maps it before.
        same = theirs.empty() && ours.first < ours.second &&
               reference.OffsetAt(local - ours.first) == ours.second &&
               reference.OffsetAt(local - ours.second) == ours.first;
        break;
    }
    if (!same) {
      std::string listed;
      for (std::int32_t offset : theirs) listed += " " + std::to_string(offset);
      mismatches.Add(name + " at clock time " + Iso(local) + ": kind " +
                     std::to_string(static_cast<int>(ours.kind)) + " " +
                     std::to_string(ours.first) + " " + std::to_string(ours.second) +
                     ", the C library's offsets" + listed);
    }
  };
  // Around every change of offset: the clock times either side of both clock readings of the
  // transition, and the one between them (in a gap or in the repeated stretch).
  for (OffsetPeriod period = zone.PeriodAt(kFrom); period.end < kUntil;) {
    const OffsetPeriod next = zone.PeriodAt(period.end);
    if (next.offset != period.offset) {
      const std::int64_t transition = period.end;
      for (std::int64_t offset : {period.offset, next.offset}) {
        for (std::int64_t delta : {-1, 0, 1}) check(transition + offset + delta);
      }
      check(transition + (std::int64_t{period.offset} + next.offset) / 2);
    }
    period = next;
  }
  // And a clock time every month or so, wherever it falls.
  for (std::int64_t local = kFrom; local < kUntil; local += 31 * kDay + 3 * kHour + 11) {
    check(local);
  }
}

TEST_CASE("offsets and clock times of real zones are the C library's, 1900 to 2150") {
  const ScopedTzdir system_folder("");
  Compared compared;
  Mismatches mismatches;
  for (const std::string& name : kZones) {
    auto zone = TimeZone::Find(name);
    INFO((zone ? name : zone.error()));
    REQUIRE(zone);
    const CLibraryZone reference(name);
    CompareOffsets(name, **zone, reference, compared, mismatches);
    CompareClockTimes(name, **zone, reference, compared, mismatches);
  }
  INFO(mismatches.first);
  CHECK(mismatches.count == 0);
  CHECK(compared.instants > kZones.size() * 80000);
  std::cout << "time_zone_test: " << kZones.size() << " zones against the C library, "
            << compared.instants << " instants (" << compared.at_transitions
            << " at transitions ±1 s), " << compared.clock_times << " clock times\n";
}

TEST_CASE("the footer's rule decides the far future: 2100 in Berlin and New York") {
  const ScopedTzdir system_folder("");
  const TimeZone& berlin = **TimeZone::Find("Europe/Berlin");
  CHECK(berlin.OffsetAt(At("2100-01-15T12:00:00Z")) == kHour);
  CHECK(berlin.OffsetAt(At("2100-03-28T00:59:59Z")) == kHour);
  CHECK(berlin.OffsetAt(At("2100-03-28T01:00:00Z")) == 2 * kHour);
  CHECK(berlin.OffsetAt(At("2100-07-01T00:00:00Z")) == 2 * kHour);
  CHECK(berlin.OffsetAt(At("2100-10-31T01:00:00Z")) == kHour);
  // 2100-10-31 02:30 comes twice, 2100-03-28 02:30 not at all.
  const std::int64_t repeated = At("2100-10-31T02:30:00Z");
  CHECK(berlin.OffsetsAtLocal(repeated).kind == LocalTimeOffsets::Kind::kAmbiguous);
  CHECK(berlin.OffsetsAtLocal(repeated).first == 2 * kHour);
  const LocalTimeOffsets skipped = berlin.OffsetsAtLocal(At("2100-03-28T02:30:00Z"));
  CHECK(skipped.kind == LocalTimeOffsets::Kind::kNonexistent);
  CHECK(skipped.first == kHour);
  CHECK(skipped.second == 2 * kHour);
  const TimeZone& new_york = **TimeZone::Find("America/New_York");
  CHECK(new_york.OffsetAt(At("2100-01-15T12:00:00Z")) == -5 * kHour);
  CHECK(new_york.OffsetAt(At("2100-07-01T00:00:00Z")) == -4 * kHour);
  CHECK(new_york.OffsetAt(At("2100-03-14T06:59:59Z")) == -5 * kHour);
  CHECK(new_york.OffsetAt(At("2100-03-14T07:00:00Z")) == -4 * kHour);
}

// zic, which compiles the tz database's source: glibc ships it.
std::optional<std::string> Zic() {
  for (const char* path : {"/usr/sbin/zic", "/sbin/zic", "/usr/bin/zic"}) {
    if (fs::is_regular_file(path)) return path;
  }
  return std::nullopt;
}

TEST_CASE("slim files, whose future is the footer's rule alone, are the C library's too") {
  const std::string source = "/usr/share/zoneinfo/tzdata.zi";
  const std::optional<std::string> zic = Zic();
  if (!zic || !fs::is_regular_file(source)) {
    WARN("no zic or no " + source + ": slim files not compared");
    return;
  }
  const TempFolder slim;
  REQUIRE(std::system((*zic + " -b slim -d " + slim.path() + " " + source).c_str()) == 0);
  // Slim indeed: Berlin's table ends in 1996 instead of 2037.
  REQUIRE(fs::file_size(slim.path() + "/Europe/Berlin") <
          fs::file_size("/usr/share/zoneinfo/Europe/Berlin"));
  // Compared with the C library's reading of the same files, not with the system's: a zic older
  // than the system's tzdata may leave transitions out of a slim file (bookworm's drops Gaza's
  // after 2072), which zdump shows too.
  const ScopedTzdir slim_folder(slim.path());
  Compared compared;
  Mismatches mismatches;
  std::size_t zones = 0;
  for (const auto& entry : fs::recursive_directory_iterator(slim.path())) {
    if (!entry.is_regular_file()) continue;
    const std::string name = fs::relative(entry.path(), slim.path()).string();
    auto zone = TimeZone::Find(name);
    INFO((zone ? name : zone.error()));
    REQUIRE(zone);
    ++zones;
    const CLibraryZone reference(name, slim.path());
    for (std::int64_t t = kFrom; t < kUntil; t += 29 * kDay + 5 * kHour + 13) {
      ++compared.instants;
      if ((*zone)->OffsetAt(t) != reference.OffsetAt(t)) {
        mismatches.Add(name + " at " + Iso(t) + ": " + std::to_string((*zone)->OffsetAt(t)) +
                       ", the C library " + std::to_string(reference.OffsetAt(t)));
      }
    }
  }
  // The zones with most to get wrong, as closely as the system's files above.
  for (const std::string& name : kZones) {
    const CLibraryZone reference(name, slim.path());
    CompareOffsets(name, *TimeZone::Find(name).value(), reference, compared, mismatches);
    CompareClockTimes(name, *TimeZone::Find(name).value(), reference, compared, mismatches);
  }
  INFO(mismatches.first);
  CHECK(mismatches.count == 0);
  CHECK(zones > 300);
  std::cout << "time_zone_test: " << zones << " slim zones against the C library, " << kZones.size()
            << " of them closely: " << compared.instants << " instants (" << compared.at_transitions
            << " at transitions ±1 s), " << compared.clock_times << " clock times\n";
}

// A TZif file written field by field, for files that the tz database never holds.
struct TzifFile {
  struct Type {
    std::int32_t offset = 0;
    std::uint8_t is_dst = 0;
    std::uint8_t designation = 0;
  };
  char version = '2';
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> type_of_time;
  std::vector<Type> types = {{}};
  std::string designations{"UTC\0XST\0", 8};
  std::uint32_t leap_count = 0;                     // written as that many zero records
  std::optional<std::uint32_t> isstd_count;         // default: one per type
  std::optional<std::uint32_t> claimed_time_count;  // the last header's, when it lies
  std::string footer = "\n\n";                      // after the second block

  std::string Bytes() const {
    std::string out;
    auto put32 = [&](std::uint32_t value) {
      for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(value >> shift);
    };
    auto block = [&](std::size_t time_size, bool last) {
      out += "TZif";
      out += version;
      out += std::string(15, '\0');
      const auto type_count = static_cast<std::uint32_t>(types.size());
      put32(type_count);                        // isutcnt
      put32(isstd_count.value_or(type_count));  // isstdcnt
      put32(leap_count);
      put32(last && claimed_time_count ? *claimed_time_count
                                       : static_cast<std::uint32_t>(times.size()));
      put32(type_count);
      put32(static_cast<std::uint32_t>(designations.size()));
      for (std::int64_t time : times) {
        if (time_size == 8)
          put32(static_cast<std::uint32_t>(static_cast<std::uint64_t>(time) >> 32));
        put32(static_cast<std::uint32_t>(time));
      }
      for (std::uint8_t type : type_of_time) out += static_cast<char>(type);
      for (const Type& type : types) {
        put32(static_cast<std::uint32_t>(type.offset));
        out += static_cast<char>(type.is_dst);
        out += static_cast<char>(type.designation);
      }
      out += designations;
      out += std::string(leap_count * (time_size + 4), '\0');
      out += std::string(isstd_count.value_or(type_count), '\0');
      out += std::string(type_count, '\0');
    };
    block(4, version == '\0');
    if (version != '\0') {
      block(8, true);
      out += footer;
    }
    return out;
  }
};

std::expected<TimeZone, std::string> Read(const TzifFile& file) {
  return TimeZone::FromTzif(file.Bytes(), "test.tzif");
}

TEST_CASE("a version 1 file: 32-bit times, and the last transition's type after it") {
  TzifFile file;
  file.version = '\0';
  file.types = {{.offset = 0}, {.offset = kHour, .is_dst = 1, .designation = 4}};
  file.times = {-1'000'000'000, At("2000-01-01T00:00:00Z"), At("2000-07-01T00:00:00Z")};
  file.type_of_time = {0, 1, 0};
  auto zone = Read(file);
  INFO((zone ? std::string() : zone.error()));
  REQUIRE(zone);
  CHECK(zone->OffsetAt(At("1901-01-01T00:00:00Z")) == 0);
  CHECK(zone->PeriodAt(At("1950-01-01T00:00:00Z")).begin == -1'000'000'000);
  CHECK(zone->OffsetAt(At("2000-03-01T00:00:00Z")) == kHour);
  CHECK(zone->OffsetAt(At("2100-03-01T00:00:00Z")) == 0);
  // The hour from 00:00 on 2000-01-01 is skipped; the one before 2000-07-01 01:00 repeated.
  CHECK(zone->OffsetsAtLocal(At("2000-01-01T00:30:00Z")).kind ==
        LocalTimeOffsets::Kind::kNonexistent);
  CHECK(zone->OffsetsAtLocal(At("2000-07-01T00:30:00Z")).kind ==
        LocalTimeOffsets::Kind::kAmbiguous);
}

TEST_CASE("before the first transition time type 0 holds, as RFC 8536 says") {
  TzifFile file;
  file.types = {{.offset = 2 * kHour, .is_dst = 1}, {.offset = kHour, .designation = 4}};
  file.times = {At("2000-01-01T00:00:00Z")};
  file.type_of_time = {1};
  auto zone = Read(file);
  REQUIRE(zone);
  CHECK(zone->OffsetAt(At("1999-12-31T23:59:59Z")) == 2 * kHour);
  CHECK(zone->OffsetAt(At("2000-01-01T00:00:00Z")) == kHour);
}

TEST_CASE("a file with no transitions: its footer's rule at all times, else type 0") {
  TzifFile file;
  file.types = {{.offset = kHour}};
  file.footer = "\nCET-1CEST,M3.5.0,M10.5.0/3\n";
  auto ruled = Read(file);
  REQUIRE(ruled);
  CHECK(ruled->OffsetAt(At("1950-07-01T00:00:00Z")) == 2 * kHour);
  CHECK(ruled->OffsetAt(At("2100-12-01T00:00:00Z")) == kHour);
  file.types = {{.offset = -3 * kHour - 1800}};
  file.footer = "\n\n";
  auto fixed = Read(file);
  REQUIRE(fixed);
  CHECK(fixed->OffsetAt(At("2100-07-01T00:00:00Z")) == -3 * kHour - 1800);
  CHECK(fixed->OffsetsAtLocal(0).kind == LocalTimeOffsets::Kind::kUnique);
}

TEST_CASE("a broken file is an error naming it and what is wrong") {
  const TempFolder folder;
  const ScopedTzdir broken_folder(folder.path());
  std::vector<std::pair<TzifFile, std::string>> cases;
  auto add = [&](const std::string& why, auto&& change) {
    TzifFile file;
    file.times = {At("2000-01-01T00:00:00Z")};
    file.type_of_time = {0};
    change(file);
    cases.emplace_back(file, why);
  };
  add("its version byte 55 is none of 0 (version 1), `2`, `3` or `4`",
      [](TzifFile& f) { f.version = '7'; });
  add("it ends inside its data block (61 bytes by its header, 27 left)",
      [](TzifFile& f) { f.claimed_time_count = 5; });
  add("it ends inside its data block (38654705671 bytes by its header",
      [](TzifFile& f) { f.claimed_time_count = 0xFFFFFFFF; });
  add("it has no local time types", [](TzifFile& f) {
    f.types.clear();
    f.times.clear();
    f.type_of_time.clear();
  });
  add("it has no time zone designations", [](TzifFile& f) { f.designations.clear(); });
  add("its standard/wall indicators are neither 0 nor one per local time type",
      [](TzifFile& f) { f.isstd_count = 2; });
  add("it has leap seconds (a right/ zone)", [](TzifFile& f) { f.leap_count = 1; });
  add("transition 1 is not later than the one before it", [](TzifFile& f) {
    f.times = {100, 100};
    f.type_of_time = {0, 0};
  });
  add("transition 0 names local time type 3 of 1", [](TzifFile& f) { f.type_of_time = {3}; });
  add("local time type 0 has the UTC offset 100000 s, beyond 26 hours",
      [](TzifFile& f) { f.types[0].offset = 100000; });
  add("local time type 0 has the UTC offset -2147483648 s",
      [](TzifFile& f) { f.types[0].offset = std::numeric_limits<std::int32_t>::min(); });
  add("local time type 0 has a daylight-saving flag that is neither 0 nor 1",
      [](TzifFile& f) { f.types[0].is_dst = 2; });
  add("local time type 0's designation starts beyond the designations",
      [](TzifFile& f) { f.types[0].designation = 8; });
  add("its footer (a TZ string between newlines) is missing", [](TzifFile& f) { f.footer = ""; });
  add("its footer does not end with a newline", [](TzifFile& f) { f.footer = "\nCET-1"; });
  add("its footer's TZ string `CET-1CEST`: expected `,`",
      [](TzifFile& f) { f.footer = "\nCET-1CEST\n"; });
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& [file, why] = cases[i];
    const std::string name = "Broken/Case" + std::to_string(i);
    const std::string path = folder.Write(name, file.Bytes());
    auto zone = TimeZone::Find(name);
    INFO(why);
    REQUIRE_FALSE(zone);
    CHECK_THAT(zone.error(), Catch::StartsWith("time zone file " + path + ": " + why));
  }
  // A file of the folder that is no TZif file is no zone.
  folder.Write("zone.tab", "# tz zone descriptions\n");
  CHECK(TimeZone::Find("zone.tab").error() ==
        "`zone.tab` is not a time zone of the tz database (an IANA name such as Europe/Berlin): " +
            folder.path() + "/zone.tab is no TZif file");
  folder.Write("Empty", "");
  CHECK_THAT(TimeZone::Find("Empty").error(), Catch::Contains("is no TZif file"));
  folder.Write("Header", std::string("TZif2\0\0\0", 8));
  CHECK_THAT(TimeZone::Find("Header").error(),
             Catch::EndsWith("/Header: it ends inside a header (8 of 44 bytes)"));
}

TEST_CASE("every truncation of a real file fails, and no corruption of one crashes") {
  const std::string bytes = ReadFile("/usr/share/zoneinfo/America/New_York");
  REQUIRE(bytes.size() > 1000);
  std::size_t truncations = 0;
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    auto zone = TimeZone::FromTzif(bytes.substr(0, size), "America/New_York");
    INFO(size);
    REQUIRE_FALSE(zone);
    CHECK_THAT(zone.error(), Catch::StartsWith("time zone file America/New_York: "));
    ++truncations;
  }
  // Every byte set to three other values: an error or a zone, whose every answer is bounded.
  std::size_t corrupted = 0;
  std::size_t still_valid = 0;
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    for (const char value : {'\x00', '\x7f', '\xff'}) {
      std::string changed = bytes;
      changed[at] = value;
      auto zone = TimeZone::FromTzif(changed, "changed");
      ++corrupted;
      if (!zone) continue;
      ++still_valid;
      for (std::int64_t t : {kDistantPast, kFrom, std::int64_t{0}, At("2030-03-10T07:00:00Z"),
                             kUntil, kDistantFuture}) {
        const std::int32_t offset = zone->OffsetAt(t);
        const LocalTimeOffsets local = zone->OffsetsAtLocal(t);
        if (offset < -26 * kHour || offset > 26 * kHour || local.first < -26 * kHour ||
            local.second > 26 * kHour) {
          FAIL("byte " << at << " set to " << int{value} << ": offset " << offset);
        }
      }
    }
  }
  CHECK(truncations == bytes.size());
  CHECK(still_valid < corrupted);
}

TEST_CASE("a name the database does not hold, or one that leads out of it, is an error") {
  const ScopedTzdir system_folder("");
  const std::string unknown =
      "` is not a time zone of the tz database (an IANA name such as Europe/Berlin)";
  CHECK(TimeZone::Find("Mars/Olympus").error() == "`Mars/Olympus" + unknown);
  for (const std::string& name :
       std::vector<std::string>{"", "Europe", "Europe//Berlin", "./Europe/Berlin", "Europe/Berlin ",
                                "europe berlin", std::string("Europe/Berlin\0x", 15)}) {
    INFO(name);
    REQUIRE_FALSE(TimeZone::Find(name));
    CHECK(TimeZone::Find(name).error() == "`" + name + unknown);
  }
  for (const std::string& name :
       std::vector<std::string>{"../../../../etc/passwd", "/etc/passwd", "..",
                                "Europe/../../../../etc/passwd", "Europe/.."}) {
    INFO(name);
    REQUIRE_FALSE(TimeZone::Find(name));
    CHECK(TimeZone::Find(name).error() ==
          "`" + name +
              "` is not a time zone name: it leads out of the tz database's folder "
              "(/usr/share/zoneinfo)");
  }
  if (fs::is_regular_file("/usr/share/zoneinfo/right/Europe/Berlin")) {
    CHECK_THAT(TimeZone::Find("right/Europe/Berlin").error(),
               Catch::Contains("right/Europe/Berlin: it has leap seconds"));
  }
}

TEST_CASE("a zone is loaded once and shared by every thread that asks for it") {
  const ScopedTzdir system_folder("");
  std::array<const TimeZone*, 8> seen{};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      auto zone = TimeZone::Find(i % 2 == 0 ? "Asia/Tokyo" : "America/Chicago");
      seen[i] = zone ? *zone : nullptr;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (std::size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i] != nullptr);
    CHECK(seen[i] == seen[i % 2]);
  }
  CHECK(seen[0] != seen[1]);
  CHECK(*TimeZone::Find("Asia/Tokyo") == seen[0]);
}

}  // namespace
}  // namespace weft::schedule
