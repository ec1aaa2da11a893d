#include "runtime/schedule/time_zone.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>

namespace weft::schedule {
namespace {

// The 44-byte header before each data block: magic, version, 15 unused bytes, six counts.
constexpr std::size_t kTzifHeaderSize = 44;

std::uint32_t BigEndian32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
  }
  return value;
}

std::uint64_t BigEndian64(std::string_view bytes, std::size_t at) {
  return std::uint64_t{BigEndian32(bytes, at)} << 32 | BigEndian32(bytes, at + 4);
}

struct TzifHeader {
  char version = 0;  // '\0' for version 1, else '2', '3' or '4'
  std::uint32_t isut_count = 0;
  std::uint32_t isstd_count = 0;
  std::uint32_t leap_count = 0;
  std::uint32_t time_count = 0;
  std::uint32_t type_count = 0;
  std::uint32_t char_count = 0;

  // The bytes of the data block after this header, whose times take `time_size` bytes. The
  // counts are below 2^32, so the sum cannot overflow.
  std::uint64_t DataSize(std::uint64_t time_size) const {
    return std::uint64_t{time_count} * (time_size + 1) + std::uint64_t{type_count} * 6 +
           char_count + std::uint64_t{leap_count} * (time_size + 4) + isstd_count + isut_count;
  }
};

std::expected<TzifHeader, std::string> ReadTzifHeader(std::string_view bytes, std::size_t at) {
  if (bytes.size() - at < kTzifHeaderSize) {
    return std::unexpected("it ends inside a header (" + std::to_string(bytes.size() - at) +
                           " of 44 bytes)");
  }
  if (bytes.substr(at, 4) != "TZif") {
    return std::unexpected(std::string("a header does not start with `TZif`"));
  }
  TzifHeader header;
  header.version = bytes[at + 4];
  if (header.version != '\0' && (header.version < '2' || header.version > '4')) {
    return std::unexpected("its version byte " +
                           std::to_string(static_cast<unsigned char>(header.version)) +
                           " is none of 0 (version 1), `2`, `3` or `4`");
  }
  header.isut_count = BigEndian32(bytes, at + 20);
  header.isstd_count = BigEndian32(bytes, at + 24);
  header.leap_count = BigEndian32(bytes, at + 28);
  header.time_count = BigEndian32(bytes, at + 32);
  header.type_count = BigEndian32(bytes, at + 36);
  header.char_count = BigEndian32(bytes, at + 40);
  return header;
}

// A zone's name is a relative path whose parts are letters, digits and `_+-.`; `..`, or a `/`
// first, would read a file outside the database's folder.
enum class ZoneName { kValid, kLeavesFolder, kMalformed };

ZoneName CheckZoneName(std::string_view name) {
  if (name.starts_with('/')) return ZoneName::kLeavesFolder;
  ZoneName verdict = ZoneName::kValid;
  while (true) {
    const std::size_t slash = name.find('/');
    const std::string_view part = name.substr(0, slash);
    if (part == "..") return ZoneName::kLeavesFolder;
    const bool plain = std::ranges::all_of(part, [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '+' || c == '-' || c == '.';
    });
    if (part.empty() || part == "." || !plain) verdict = ZoneName::kMalformed;
    if (slash == std::string_view::npos) return verdict;
    name.remove_prefix(slash + 1);
  }
}

// Every zone Find loaded, by the path of its file (a test may point $TZDIR elsewhere), never
// freed: the pointers Find hands out live as long as the process.
struct LoadedZones {
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<const TimeZone>> by_path;
};

}  // namespace

std::expected<TimeZone, std::string> TimeZone::FromTzif(std::string_view bytes,
                                                        std::string_view file) {
  auto fail = [&](const std::string& why) {
    return std::unexpected("time zone file " + std::string(file) + ": " + why);
  };
  auto header = ReadTzifHeader(bytes, 0);
  if (!header) return fail(header.error());
  std::size_t at = kTzifHeaderSize;
  std::size_t time_size = 4;
  if (header->version != '\0') {
    // Version 2 and later repeat the data with 64-bit times after the version 1 block.
    const std::uint64_t skipped = header->DataSize(4);
    if (bytes.size() - at < skipped) {
      return fail("it ends inside its version 1 data block (" + std::to_string(skipped) +
                  " bytes by its header, " + std::to_string(bytes.size() - at) + " left)");
    }
    at += skipped;
    header = ReadTzifHeader(bytes, at);
    if (!header) return fail("its second header: " + header.error());
    if (header->version == '\0') return fail("its second header says version 1");
    at += kTzifHeaderSize;
    time_size = 8;
  }
  const TzifHeader& counts = *header;
  const std::uint64_t size = counts.DataSize(time_size);
  if (bytes.size() - at < size) {
    return fail("it ends inside its data block (" + std::to_string(size) +
                " bytes by its header, " + std::to_string(bytes.size() - at) + " left)");
  }
  if (counts.type_count == 0) return fail("it has no local time types");
  if (counts.char_count == 0) return fail("it has no time zone designations");
  if (counts.isstd_count != 0 && counts.isstd_count != counts.type_count) {
    return fail("its standard/wall indicators are neither 0 nor one per local time type");
  }
  if (counts.isut_count != 0 && counts.isut_count != counts.type_count) {
    return fail("its UT/local indicators are neither 0 nor one per local time type");
  }
  if (counts.leap_count != 0) {
    return fail("it has leap seconds (a right/ zone), whose times are not Unix seconds");
  }

  const std::size_t times_at = at;
  const std::size_t indexes_at = times_at + std::size_t{counts.time_count} * time_size;
  const std::size_t types_at = indexes_at + counts.time_count;
  std::vector<std::int32_t> type_offsets(counts.type_count);
  for (std::uint32_t i = 0; i < counts.type_count; ++i) {
    const std::size_t type_at = types_at + std::size_t{i} * 6;
    const auto offset = static_cast<std::int32_t>(BigEndian32(bytes, type_at));
    const auto is_dst = static_cast<unsigned char>(bytes[type_at + 4]);
    const auto designation = static_cast<unsigned char>(bytes[type_at + 5]);
    const std::string type = "local time type " + std::to_string(i);
    if (offset < -PosixTzRule::kMaxOffset || offset > PosixTzRule::kMaxOffset) {
      return fail(type + " has the UTC offset " + std::to_string(offset) + " s, beyond 26 hours");
    }
    if (is_dst > 1) return fail(type + " has a daylight-saving flag that is neither 0 nor 1");
    if (designation >= counts.char_count) {
      return fail(type + "'s designation starts beyond the designations");
    }
    type_offsets[i] = offset;
  }

  TimeZone zone;
  zone.initial_offset_ = type_offsets[0];
  zone.transitions_.reserve(counts.time_count);
  zone.offsets_.reserve(counts.time_count);
  for (std::uint32_t i = 0; i < counts.time_count; ++i) {
    const std::size_t time_at = times_at + std::size_t{i} * time_size;
    const std::int64_t time = time_size == 8
                                  ? static_cast<std::int64_t>(BigEndian64(bytes, time_at))
                                  : static_cast<std::int32_t>(BigEndian32(bytes, time_at));
    const auto type = static_cast<unsigned char>(bytes[indexes_at + i]);
    if (!zone.transitions_.empty() && time <= zone.transitions_.back()) {
      return fail("transition " + std::to_string(i) + " is not later than the one before it");
    }
    if (type >= counts.type_count) {
      return fail("transition " + std::to_string(i) + " names local time type " +
                  std::to_string(type) + " of " + std::to_string(counts.type_count));
    }
    zone.transitions_.push_back(time);
    zone.offsets_.push_back(type_offsets[type]);
  }

  if (time_size == 8) {
    // The footer: a newline, a TZ string (perhaps empty: no rule), a newline.
    at += size;
    if (at == bytes.size() || bytes[at] != '\n') {
      return fail("its footer (a TZ string between newlines) is missing");
    }
    const std::size_t close = bytes.find('\n', at + 1);
    if (close == std::string_view::npos) return fail("its footer does not end with a newline");
    const std::string_view tz_string = bytes.substr(at + 1, close - at - 1);
    if (!tz_string.empty()) {
      auto rule = PosixTzRule::Parse(tz_string);
      if (!rule) return fail("its footer's " + rule.error());
      zone.rule_ = std::move(*rule);
    }
  }
  return zone;
}

std::expected<const TimeZone*, std::string> TimeZone::Find(std::string_view name) {
  const char* tzdir = std::getenv("TZDIR");
  const std::string folder = tzdir != nullptr && *tzdir != '\0' ? tzdir : "/usr/share/zoneinfo";
  const std::string unknown = "`" + std::string(name) +
                              "` is not a time zone of the tz database (an IANA name such as "
                              "Europe/Berlin)";
  switch (CheckZoneName(name)) {
    case ZoneName::kValid:
      break;
    case ZoneName::kLeavesFolder:
      return std::unexpected("`" + std::string(name) +
                             "` is not a time zone name: it leads out of the tz database's "
                             "folder (" +
                             folder + ")");
    case ZoneName::kMalformed:
      return std::unexpected(unknown);
  }
  const std::string path = folder + "/" + std::string(name);

  static auto* const loaded = new LoadedZones;
  // Loading under the lock makes a second caller wait for the first's file rather than read it
  // again; a zone is loaded once per process, so the wait is rare and short.
  std::lock_guard lock(loaded->mutex);
  if (const auto found = loaded->by_path.find(path); found != loaded->by_path.end()) {
    return found->second.get();
  }
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::unexpected(unknown);
  std::ifstream in(path, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad() || !in.is_open()) {
    return std::unexpected("cannot read time zone file " + path + ": " + std::strerror(errno));
  }
  // A file of the folder that is no zone (zone.tab, tzdata.zi) is named as an unknown zone.
  if (!bytes.starts_with("TZif")) {
    return std::unexpected(unknown + ": " + path + " is no TZif file");
  }
  auto zone = FromTzif(bytes, path);
  if (!zone) return std::unexpected(zone.error());
  const auto added =
      loaded->by_path.emplace(path, std::make_unique<const TimeZone>(std::move(*zone))).first;
  return added->second.get();
}

OffsetPeriod TimeZone::PeriodAt(std::int64_t instant) const {
  instant = std::clamp(instant, -kFarthestInstant, kFarthestInstant);
  const auto next = std::ranges::upper_bound(transitions_, instant);
  const auto index = static_cast<std::size_t>(next - transitions_.begin());
  if (index < transitions_.size()) {
    if (index == 0) return {.end = transitions_[0], .offset = initial_offset_};
    return {.begin = transitions_[index - 1],
            .end = transitions_[index],
            .offset = offsets_[index - 1]};
  }
  // At or after the last transition: the footer's rule, else the last transition's type.
  if (rule_) {
    OffsetPeriod period = rule_->PeriodAt(instant);
    if (!transitions_.empty()) period.begin = std::max(period.begin, transitions_.back());
    return period;
  }
  if (transitions_.empty()) return {.offset = initial_offset_};
  return {.begin = transitions_.back(), .offset = offsets_.back()};
}

LocalTimeOffsets TimeZone::OffsetsAtLocal(std::int64_t local) const {
  // Inside PeriodAt's range by more than any offset, so that it clamps no instant below.
  constexpr std::int64_t kFarthestLocal = kFarthestInstant - 4 * PosixTzRule::kMaxOffset;
  local = std::clamp(local, -kFarthestLocal, kFarthestLocal);
  // Every instant `local` may name lies within kMaxOffset of it: walk the periods there in
  // order, keeping those whose offset maps one of their instants to `local`. Periods tile time,
  // so when none does, `local` falls in the forward jump between two of them.
  std::array<std::int32_t, 2> matches{};
  std::size_t match_count = 0;
  LocalTimeOffsets skipped{.kind = LocalTimeOffsets::Kind::kNonexistent};
  std::optional<OffsetPeriod> previous;
  for (OffsetPeriod period = PeriodAt(local - PosixTzRule::kMaxOffset);;
       period = PeriodAt(period.end)) {
    const std::int64_t instant = local - period.offset;
    if (period.begin <= instant && instant < period.end && match_count < matches.size()) {
      matches[match_count++] = period.offset;
    }
    // Between two periods the clock jumps from end + offset before to begin + offset after.
    if (previous && previous->end + previous->offset <= local &&
        local < period.begin + period.offset) {
      skipped.first = previous->offset;
      skipped.second = period.offset;
    }
    if (period.end > local + PosixTzRule::kMaxOffset) break;
    previous = period;
  }
  if (match_count == 2) {
    return {.kind = LocalTimeOffsets::Kind::kAmbiguous, .first = matches[0], .second = matches[1]};
  }
  if (match_count == 1) return {.first = matches[0], .second = matches[0]};
  return skipped;
}

}  // namespace weft::schedule
