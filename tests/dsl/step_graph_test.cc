// StepGraph: a definition's control flow as nodes and edges, one shape per step kind.
#include "dsl/step_graph.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "dsl/loader.h"

using weft::dsl::BuildStepGraph;
using weft::dsl::StepGraph;

namespace {

StepGraph GraphOf(const std::string& yaml) {
  auto loaded = weft::dsl::LoadDefinition(yaml);
  REQUIRE(loaded);
  return BuildStepGraph(**loaded);
}

std::set<std::string> EdgesOf(const StepGraph& graph) {
  std::set<std::string> edges;
  for (const auto& edge : graph.edges) {
    edges.insert(edge.from + "->" + edge.to + (edge.label.empty() ? "" : " " + edge.label) +
                 (edge.dotted ? " (dotted)" : ""));
  }
  return edges;
}

const StepGraph::Node& NodeOf(const StepGraph& graph, const std::string& id) {
  for (const auto& node : graph.nodes) {
    if (node.id == id) return node;
  }
  FAIL("no node " << id);
  throw;
}

constexpr char kHeader[] = "dsl: 1\nname: g\nversion: 2\nvars: {x: 0, y: 0, a: 0, b: 0}\n";

}  // namespace

TEST_CASE("Steps in a line run from start to end") {
  const StepGraph graph = GraphOf(std::string(kHeader) + R"(
steps:
  - {id: a, set: {x: 1}}
  - {id: b, wait: 5s}
)");
  CHECK(NodeOf(graph, "start").label == "g v2");
  CHECK(NodeOf(graph, "s_a").kind == "set");
  CHECK(NodeOf(graph, "s_b").label == "b\nwait 5s");
  CHECK(EdgesOf(graph) == std::set<std::string>{"start->s_a", "s_a->s_b", "s_b->end"});
  CHECK(graph.ToJson()["nodes"].size() == 4);
}

TEST_CASE("A switch fans out, a guarded step can be skipped; both are conditional") {
  const StepGraph graph = GraphOf(std::string(kHeader) + R"(
steps:
  - id: pick
    switch:
      cases:
        - when: ${ true }
          steps: [{id: yes, set: {x: 1}}]
  - {id: maybe, when: '${ false }', set: {y: 2}}
)");
  CHECK(NodeOf(graph, "s_yes").conditional);
  CHECK(NodeOf(graph, "s_maybe").conditional);
  CHECK_FALSE(NodeOf(graph, "s_pick").conditional);
  const auto edges = EdgesOf(graph);
  CHECK(edges.contains("s_pick->s_yes true"));
  CHECK(edges.contains("s_pick->s_maybe"));  // no case held
  CHECK(edges.contains("s_maybe->s_maybe_skip skip unless false (dotted)"));
  CHECK(edges.contains("s_maybe_skip->end"));
}

TEST_CASE(
    "Parallel branches join; a loop's body goes back to the loop; a workflow that always "
    "fails has no end") {
  const StepGraph parallel = GraphOf(std::string(kHeader) + R"(
steps:
  - id: both
    parallel:
      branches:
        - {id: l, steps: [{id: left, set: {a: 1}}]}
        - {id: r, steps: [{id: right, set: {b: 1}}]}
  - id: again
    while:
      condition: ${ false }
      max_iterations: 3
      steps: [{id: inner, wait: 1s}]
  - {id: stop, fail: {type: Stop, message: no}}
)");
  const auto edges = EdgesOf(parallel);
  CHECK(edges.contains("s_both->s_left branch l"));
  CHECK(edges.contains("s_right->s_both_join"));
  CHECK(edges.contains("s_inner->s_again again (dotted)"));
  CHECK(edges.contains("s_stop->failed"));
  CHECK(NodeOf(parallel, "s_left").group == "s_both_l");
  CHECK(NodeOf(parallel, "s_inner").group == "s_again_body");
  REQUIRE(parallel.groups.size() == 3);
  CHECK(parallel.groups[0].label == "branch l");
  CHECK(parallel.groups[0].step == "both");
  CHECK(parallel.groups[2].label == "repeat");
  for (const auto& node : parallel.nodes) CHECK(node.id != "end");
}
