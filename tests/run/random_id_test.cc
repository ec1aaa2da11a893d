// Random ids: version-4 UUIDs, never repeated.
#include "runtime/run/random_id.h"

#include <catch2/catch.hpp>
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

}  // namespace
}  // namespace weft::run
