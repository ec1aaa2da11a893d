// ToSchedule: a schedule from `weft schedule create`'s flags, and the usage errors that name
// the flag (runtime/temporal/schedule_arguments.h).
#include "runtime/temporal/schedule_arguments.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace weft::temporal {
namespace {

using std::chrono::milliseconds;

TEST_CASE("flags become the schedule they describe") {
  auto schedule = ToSchedule({.crons = {"0 9 * * MON-FRI"},
                              .intervals = {"1h30m", "45s"},
                              .time_zone = "Europe/Paris",
                              .jitter = "5m",
                              .catchup_window = "2d",
                              .overlap = "buffer_one",
                              .workflow_type = "hello",
                              .task_queue = "q",
                              .input = {{"name", "Ada"}},
                              .paused = true});
  REQUIRE(schedule.has_value());
  CHECK(schedule->crons == std::vector<std::string>{"0 9 * * MON-FRI"});
  CHECK(schedule->intervals ==
        std::vector<milliseconds>{milliseconds(5'400'000), milliseconds(45'000)});
  CHECK(schedule->jitter == milliseconds(300'000));
  CHECK(schedule->catchup_window == milliseconds(172'800'000));
  CHECK(schedule->overlap == OverlapPolicy::kBufferOne);
  CHECK(schedule->input == nlohmann::json{{"name", "Ada"}});
  CHECK(schedule->paused);
}

TEST_CASE("without jitter, window or policy, the schedule keeps the defaults") {
  auto schedule = ToSchedule({.intervals = {"1m"}, .workflow_type = "hello"});
  REQUIRE(schedule.has_value());
  CHECK(schedule->jitter == milliseconds(0));
  CHECK_FALSE(schedule->catchup_window.has_value());
  CHECK(schedule->overlap == OverlapPolicy::kSkip);
}

TEST_CASE("a bad flag is an error that names it") {
  CHECK(ToSchedule({.workflow_type = "w"}).error() ==
        "schedule create needs --cron or --interval (or both)");
  CHECK(ToSchedule({.intervals = {"soon"}}).error() ==
        "--interval soon is no duration (30s, 5m, 1h30m, 2d)");
  CHECK(ToSchedule({.intervals = {"1h"}, .jitter = "x"}).error().starts_with("--jitter x"));
  CHECK(ToSchedule({.intervals = {"1h"}, .catchup_window = "y"})
            .error()
            .starts_with("--catchup-window y"));
  CHECK(ToSchedule({.intervals = {"1h"}, .overlap = "never"}).error() ==
        "--overlap never is no policy");
}

TEST_CASE("every overlap policy has a name the parser reads back") {
  const auto names = OverlapPolicyNames();
  CHECK(names.size() == std::size(kOverlapPolicies));
  for (const auto& name : names) CHECK(ParseOverlapPolicy(name).has_value());
}

}  // namespace
}  // namespace weft::temporal
