// StepStates: each step's state read from a run's description (run_description.h), on the
// graph of tests/ui/workflows/approval.yaml and rejection.yaml. The descriptions are written by
// hand in the shape DescribeRunStanding gives, each commented with the run it stands for.
#include "ui/step_states.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "dsl/loader.h"
#include "dsl/step_graph.h"

using nlohmann::json;
using weft::ui::StepIdOfLabel;
using weft::ui::StepStates;

namespace {

weft::dsl::StepGraph GraphOf(const std::string& name) {
  auto loaded =
      weft::dsl::LoadDefinitionFile(std::string(WEFT_SOURCE_DIR) + "/tests/ui/workflows/" + name);
  REQUIRE(loaded);
  return weft::dsl::BuildStepGraph(**loaded);
}

std::string StateOf(const json& states, const std::string& step) {
  return states.contains(step) ? states[step].value("state", "") : "not reached";
}

}  // namespace

TEST_CASE("A label names its step: iterations, branches, await deadlines, compensations") {
  CHECK(StepIdOfLabel("charge") == "charge");
  CHECK(StepIdOfLabel("thumbs/resize[3]") == "resize");
  CHECK(StepIdOfLabel("decided timeout") == "decided");
  CHECK(StepIdOfLabel("compensate reserve") == "reserve");
}

TEST_CASE(
    "A run awaiting a signal: the step before it completed, the await awaiting, the rest not "
    "reached") {
  // note's activity completed; the await's 1h deadline timer runs; the stack says approve.
  const json description = {
      {"status", "running"},
      {"operations",
       {{{"kind", "activity"}, {"seq", 1}, {"step", "note"}, {"status", "completed"}},
        {{"kind", "timer"}, {"seq", 1}, {"step", "approve timeout"}, {"status", "started"}}}},
      {"in_progress", {{{"step", "approve"}, {"kind", "await"}, {"signal", "approve"}}}},
      {"timers", {{{"seq", 1}, {"step", "approve timeout"}, {"due_ms", 5000}}}},
      {"pending_activities", json::array()}};
  const json states = StepStates(GraphOf("approval.yaml"), description);
  CHECK(StateOf(states, "note") == "completed");
  CHECK(StateOf(states, "approve") == "awaiting");
  CHECK(states["approve"]["signal"] == "approve");
  CHECK(StateOf(states, "done") == "not reached");
}

TEST_CASE("A completed run: every step on its path completed, the await's deadline forgotten") {
  // The signal came, done's activity completed; the deadline timer was cancelled, never fired.
  const json description = {
      {"status", "completed"},
      {"operations",
       {{{"kind", "activity"}, {"seq", 1}, {"step", "note"}, {"status", "completed"}},
        {{"kind", "timer"}, {"seq", 1}, {"step", "approve timeout"}, {"status", "started"}},
        {{"kind", "activity"}, {"seq", 2}, {"step", "done"}, {"status", "completed"}}}},
      {"history", {{{"events", {"signal approve"}}, {"commands", json::array()}}}}};
  const json states = StepStates(GraphOf("approval.yaml"), description);
  CHECK(StateOf(states, "note") == "completed");
  CHECK(StateOf(states, "approve") == "completed");
  CHECK(StateOf(states, "done") == "completed");
}

TEST_CASE("A retrying activity shows its attempt and last failure") {
  const json failure = {{"type", "Unavailable"}, {"message", "try later"}};
  const json description = {
      {"status", "running"},
      {"operations", {{{"kind", "activity"}, {"seq", 1}, {"step", "note"}, {"status", "started"}}}},
      {"in_progress", {{{"step", "note"}, {"kind", "call"}, {"activity", "log"}}}},
      {"pending_activities",
       {{{"seq", 1}, {"step", "note"}, {"attempt", 3}, {"last_failure", failure}}}}};
  const json states = StepStates(GraphOf("approval.yaml"), description);
  CHECK(StateOf(states, "note") == "retrying");
  CHECK(states["note"]["attempt"] == 3);
  CHECK(states["note"]["last_failure"] == failure);
  CHECK(StateOf(states, "approve") == "not reached");
}

TEST_CASE("A failed run: the failed step with its error, the steps before it completed") {
  const json description = {
      {"status", "failed"},
      {"operations",
       {{{"kind", "activity"}, {"seq", 1}, {"step", "note"}, {"status", "completed"}}}},
      {"failure", {{"type", "Refused"}, {"message", "refused bob"}, {"step", "refuse"}}}};
  const json states = StepStates(GraphOf("rejection.yaml"), description);
  CHECK(StateOf(states, "note") == "completed");
  CHECK(StateOf(states, "refuse") == "failed");
  CHECK(states["refuse"]["failure"]["message"] == "refused bob");
}

TEST_CASE("A cancelled run: what was waiting is cancelled") {
  const json description = {
      {"status", "cancelled"},
      {"operations",
       {{{"kind", "activity"}, {"seq", 1}, {"step", "note"}, {"status", "completed"}},
        {{"kind", "activity"}, {"seq", 2}, {"step", "done"}, {"status", "started"}}}}};
  const json states = StepStates(GraphOf("approval.yaml"), description);
  CHECK(StateOf(states, "note") == "completed");
  CHECK(StateOf(states, "done") == "cancelled");
}

TEST_CASE("Iterations of a step are counted") {
  weft::dsl::StepGraph graph;
  graph.nodes.push_back({.id = "s_resize", .step = "resize", .kind = "call"});
  const json description = {
      {"status", "running"},
      {"operations",
       {{{"kind", "activity"}, {"seq", 1}, {"step", "thumbs/resize[0]"}, {"status", "completed"}},
        {{"kind", "activity"}, {"seq", 2}, {"step", "thumbs/resize[1]"}, {"status", "completed"}},
        {{"kind", "activity"}, {"seq", 3}, {"step", "thumbs/resize[2]"}, {"status", "started"}}}}};
  const json states = StepStates(graph, description);
  CHECK(StateOf(states, "resize") == "running");
  CHECK(states["resize"]["iterations"] == json{{"done", 2}, {"running", 1}, {"failed", 0}});
}

TEST_CASE("A guarded call the run passed without calling was skipped by its `when`") {
  weft::dsl::StepGraph graph;
  graph.nodes.push_back({.id = "s_first", .step = "first", .kind = "call"});
  graph.nodes.push_back({.id = "s_maybe", .step = "maybe", .kind = "call", .conditional = true});
  graph.nodes.push_back({.id = "s_maybe_skip", .kind = "skip"});
  graph.nodes.push_back({.id = "s_last", .step = "last", .kind = "call"});
  const json description = {
      {"status", "completed"},
      {"operations",
       {{{"kind", "activity"}, {"seq", 1}, {"step", "first"}, {"status", "completed"}},
        {{"kind", "activity"}, {"seq", 2}, {"step", "last"}, {"status", "completed"}}}}};
  const json states = StepStates(graph, description);
  CHECK(StateOf(states, "maybe") == "skipped");
  CHECK(StateOf(states, "last") == "completed");
}
