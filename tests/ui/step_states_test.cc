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

TEST_CASE("A parallel step counts its branches: done, running, failed, of all") {
  auto loaded = weft::dsl::LoadDefinition(R"(dsl: 1
name: fan
version: 1
steps:
  - id: fan
    parallel:
      branches:
        - id: a
          steps:
            - {id: a1, call: log, timeouts: {start_to_close: 5s}}
            - {id: a2, call: log, timeouts: {start_to_close: 5s}}
        - id: b
          steps: [{id: b1, call: log, timeouts: {start_to_close: 5s}}]
        - id: c
          steps: [{id: c1, call: log, timeouts: {start_to_close: 5s}}]
        - id: d
          steps: [{id: d1, wait: 1h}]
  - {id: after, call: log, timeouts: {start_to_close: 5s}}
)");
  REQUIRE(loaded);
  const weft::dsl::StepGraph graph = weft::dsl::BuildStepGraph(**loaded);
  // a: a1 done, a2 running; b done; c failed; d not begun.
  const json running = {
      {"status", "running"},
      {"operations",
       {{{"kind", "activity"}, {"seq", 1}, {"step", "a/a1"}, {"status", "completed"}},
        {{"kind", "activity"}, {"seq", 2}, {"step", "b/b1"}, {"status", "completed"}},
        {{"kind", "activity"}, {"seq", 3}, {"step", "c/c1"}, {"status", "failed"}},
        {{"kind", "activity"}, {"seq", 4}, {"step", "a/a2"}, {"status", "started"}}}}};
  json states = StepStates(graph, running);
  CHECK(states["fan"]["branches"] ==
        json{{"done", 1}, {"running", 1}, {"failed", 1}, {"total", 4}});
  CHECK(StateOf(states, "fan") == "running");

  // Every branch ran to its end, and the step after the parallel one was reached.
  const json joined = {
      {"status", "running"},
      {"operations",
       {{{"kind", "activity"}, {"seq", 1}, {"step", "a/a1"}, {"status", "completed"}},
        {{"kind", "activity"}, {"seq", 2}, {"step", "b/b1"}, {"status", "completed"}},
        {{"kind", "activity"}, {"seq", 3}, {"step", "c/c1"}, {"status", "completed"}},
        {{"kind", "timer"}, {"seq", 4}, {"step", "d/d1"}, {"status", "fired"}},
        {{"kind", "activity"}, {"seq", 5}, {"step", "a/a2"}, {"status", "completed"}},
        {{"kind", "activity"}, {"seq", 6}, {"step", "after"}, {"status", "started"}}}}};
  states = StepStates(graph, joined);
  CHECK(states["fan"]["branches"] ==
        json{{"done", 4}, {"running", 0}, {"failed", 0}, {"total", 4}});
  CHECK(StateOf(states, "fan") == "completed");
}
