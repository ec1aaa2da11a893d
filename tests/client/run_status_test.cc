// A run's status has one name on both engines, and the names parse back.
#include <catch2/catch.hpp>

#include "runtime/client/workflow_client.h"

using weft::client::ParseRunStatus;
using weft::client::RunStatus;
using weft::client::RunStatusName;
using weft::client::RunStatusNames;

TEST_CASE("every status has a name, in declaration order, and each name parses back") {
  const std::vector<std::string> names = RunStatusNames();
  CHECK(names == std::vector<std::string>{"pending", "running", "completed", "failed", "cancelled",
                                          "terminated", "timed_out", "continued_as_new"});
  for (const std::string& name : names) {
    const auto status = ParseRunStatus(name);
    REQUIRE(status);
    CHECK(RunStatusName(*status) == name);
  }
  CHECK_FALSE(ParseRunStatus("done"));
  CHECK(RunStatusName(RunStatus::kTimedOut) == "timed_out");
}
