// ScheduleListText and ScheduleListJson: `weft schedule list` for people and for machines
// (runtime/client/schedule_list.h).
#include "runtime/client/schedule_list.h"

#include <catch2/catch.hpp>

namespace weft::client {
namespace {

const std::vector<temporal::ScheduleSummary> kSchedules = {
    {.id = "nightly",
     .workflow_type = "hello",
     .paused = true,
     .note = "holiday",
     .next_ms = {1'767'225'600'000, 1'767'312'000'000}},  // 2026-01-01 and 2026-01-02, 00:00
    {.id = "idle", .workflow_type = "w"}};

TEST_CASE("the table has a header, a line per schedule, the next firing or -") {
  CHECK(ScheduleListText(kSchedules) ==
        "SCHEDULE ID                   WORKFLOW TYPE             PAUSED  NEXT (UTC)\n"
        "nightly                       hello                     yes     2026-01-01 00:00:00\n"
        "idle                          w                         no      -\n");
  CHECK(ScheduleListText({}) ==
        "SCHEDULE ID                   WORKFLOW TYPE             PAUSED  NEXT (UTC)\n");
}

TEST_CASE("as JSON, every schedule with all its next firings") {
  const auto json = ScheduleListJson(kSchedules);
  REQUIRE(json.size() == 2);
  CHECK(json[0]["id"] == "nightly");
  CHECK(json[0]["paused"] == true);
  CHECK(json[0]["note"] == "holiday");
  CHECK(json[0]["next"] == nlohmann::json::array({"2026-01-01 00:00:00", "2026-01-02 00:00:00"}));
  CHECK(json[1]["next"] == nlohmann::json::array());
  CHECK(json[1]["memo"] == nlohmann::json::object());
  CHECK(ScheduleListJson({}) == nlohmann::json::array());
}

}  // namespace
}  // namespace weft::client
