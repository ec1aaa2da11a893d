// Runs as text: the table of `weft list` and the description of `weft show`, from the client's
// one shape, with the sections an engine does not report left out.
#include "runtime/client/run_text.h"

#include <catch2/catch.hpp>

namespace {

using nlohmann::json;
using weft::client::OutcomeText;
using weft::client::RunDescriptionText;
using weft::client::RunListJson;
using weft::client::RunListText;
using weft::client::RunStatus;
using weft::client::UtcTimestamp;

// 2026-01-01 00:00:00 UTC.
constexpr std::int64_t kNewYear = 1'767'225'600'000;

}  // namespace

TEST_CASE("times are UTC, and an unset time is a dash") {
  CHECK(UtcTimestamp(kNewYear) == "2026-01-01 00:00:00");
  CHECK(UtcTimestamp(0) == "-");
}

TEST_CASE("the list is a table, one run a row") {
  const std::string text = RunListText({{.execution = {"order-1", "run-1"},
                                         .workflow = "order",
                                         .status = RunStatus::kTimedOut,
                                         .created_ms = kNewYear}});
  CHECK(text ==
        "RUN ID                                WORKFLOW ID                   NAME                "
        "STATUS            STARTED (UTC)\n"
        "run-1                                 order-1                       order               "
        "timed_out         2026-01-01 00:00:00\n");
}

TEST_CASE("a run's description: identity, history, what it waits on, its result") {
  const json run = {
      {"run_id", "run-1"},
      {"workflow_id", "order-1"},
      {"name", "order"},
      {"version", 2},
      {"sha256", "0123456789abcdef"},
      {"status", "completed"},
      {"created_ms", kNewYear},
      {"closed_ms", kNewYear + 61'000},
      {"continued_from", "run-0"},
      {"activations",
       {{{"seq", 1},
         {"time_ms", kNewYear},
         {"jobs", {{{"job", "start_workflow"}, {"input", {{"n", 1}}}}}},
         {"commands",
          {{{"command", "schedule_activity"},
            {"activity_type", "charge"},
            {"step_path", "/steps/0"},
            {"step_label", "charge"},
            {"seq", 1}},
           {{"command", "start_timer"}, {"step_label", "cool_off"}, {"duration_ms", 1500}}}}},
        // A journal written before step labels were recorded: the path stands in.
        {{"seq", 2},
         {"time_ms", kNewYear + 1000},
         {"jobs", {{{"job", "fire_timer"}, {"seq", 2}}}},
         {"commands",
          {{{"command", "schedule_activity"},
            {"activity_type", "ship"},
            {"step_path", "/steps/2"},
            {"seq", 3}}}}}}},
      {"waiting_on", {{{"kind", "activity"}, {"seq", 1}, {"attempt", 2}, {"due_ms", 0}}}},
      {"result", {{"ok", true}}}};
  CHECK(RunDescriptionText(run) ==
        "run       run-1\n"
        "workflow  order-1\n"
        "name      order v2 (sha256 0123456789ab)\n"
        "status    completed\n"
        "started   2026-01-01 00:00:00 UTC\n"
        "closed    2026-01-01 00:01:01 UTC\n"
        "continues run-0\n"
        "\nhistory\n"
        "  #1  2026-01-01 00:00:00  start {\"n\":1}\n"
        "        → charge: schedule charge (seq 1); cool_off: timer 1.5s\n"
        "  #2  2026-01-01 00:00:01  timer 2 fired\n"
        "        → /steps/2: schedule ship (seq 3)\n"
        "\nwaiting on\n"
        "  activity 1 attempt 2\n"
        "\nresult\n{\n  \"ok\": true\n}\n");
}

TEST_CASE("what an engine does not report is left out") {
  // A run of another SDK on Temporal: no pinned definition, no activations.
  const json run = {{"run_id", "run-1"},          {"workflow_id", "py-1"},  {"name", "py-echo"},
                    {"status", "running"},        {"created_ms", kNewYear}, {"closed_ms", 0},
                    {"waiting_on", json::array()}};
  CHECK(RunDescriptionText(run) ==
        "run       run-1\n"
        "workflow  py-1\n"
        "name      py-echo\n"
        "status    running\n"
        "started   2026-01-01 00:00:00 UTC\n");
}

TEST_CASE("the list as JSON is every run's details, in the order listed") {
  const json runs =
      RunListJson({{.execution = {"order-2", "run-2"}, .details = {{"run_id", "run-2"}}},
                   {.execution = {"order-1", "run-1"}, .details = {{"run_id", "run-1"}}}});
  CHECK(runs == json::array({{{"run_id", "run-2"}}, {{"run_id", "run-1"}}}));
  CHECK(RunListJson({}) == json::array());
}

TEST_CASE(
    "a run that did not complete, in one line: which run, its status, the failure's message") {
  CHECK(OutcomeText({.status = RunStatus::kFailed,
                     .failure = {{"message", "card declined"}, {"type", "PaymentError"}},
                     .execution = {"order-1", "run-1"}}) ==
        "run run-1 (order-1) failed: card declined");
  CHECK(OutcomeText({.status = RunStatus::kTerminated, .execution = {"order-1", "run-1"}}) ==
        "run run-1 (order-1) terminated");
}
