// Random ids: version-4 UUIDs, never repeated; time-ordered version-7 UUIDs for run ids; the
// short suffix of default workflow ids.
#include "runtime/run/random_id.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <regex>
#include <set>

namespace weft::run {
namespace {

TEST_CASE("ids are version-4 UUIDs and do not repeat") {
  const std::regex uuid4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 100'000; ++i) {
    const std::string id = NewUuid();
    REQUIRE(std::regex_match(id, uuid4));
    REQUIRE(seen.insert(id).second);
  }
}

TEST_CASE("time-ordered ids are version-7 UUIDs that sort by the time they were made") {
  const std::regex uuid7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const std::int64_t before = now_ms();
  const std::string first = NewTimeOrderedUuid();
  // Its first 48 bits are the Unix time in milliseconds.
  const std::string hex = first.substr(0, 8) + first.substr(9, 4);
  const std::int64_t stamp = std::stoll(hex, nullptr, 16);
  CHECK(stamp >= before);
  CHECK(stamp <= now_ms());
  std::set<std::string> seen{first};
  std::string previous = first;
  for (int i = 0; i < 100'000; ++i) {
    const std::string id = NewTimeOrderedUuid();
    REQUIRE(std::regex_match(id, uuid7));
    REQUIRE(seen.insert(id).second);
    // Ids of later milliseconds sort after earlier ones (within one millisecond the order is
    // random: the rest is random bits).
    REQUIRE(id.substr(0, 13) >= previous.substr(0, 13));
    previous = id;
  }
}

TEST_CASE("short ids are eight hex digits and differ for ids made at the same moment") {
  const std::regex short_id("[0-9a-f]{8}");
  std::set<std::string> seen;
  for (int i = 0; i < 1'000; ++i) {
    const std::string id = NewShortId();
    REQUIRE(std::regex_match(id, short_id));
    seen.insert(id);
  }
  // 1,000 draws from 2^32: a repeat is a one-in-8,600 event, ten would mean no randomness.
  CHECK(seen.size() >= 990);
}

}  // namespace
}  // namespace weft::run
