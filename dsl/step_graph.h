// StepGraph: a definition's control flow as plain nodes and edges, for a program that draws it
// itself (the web UI, ui/) rather than through Mermaid (mermaid_graph.h draws the same shape as
// text). One node per step, named by the step's id, plus the points where control starts, ends,
// fails, joins parallel branches, and enters a catch or finally path; edges in the order control
// takes them, dotted where control only sometimes goes (a skipped `when`, an error, a
// compensation). A node inside a switch case, a catch, a `when`-guarded step or a branch of a
// first-wins `parallel` is `conditional`: a run that completed did not necessarily pass it.
//
// Pure function of the definition; thread-safe.
#ifndef WEFT_DSL_STEP_GRAPH_H_
#define WEFT_DSL_STEP_GRAPH_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dsl/definition.h"

namespace weft::dsl {

struct StepGraph {
  struct Node {
    std::string id;     // unique in the graph: "s_charge" for the step `charge`, "start", ...
    std::string step;   // the step's id; empty for the other points
    std::string kind;   // a step kind ("call", "await", ...) or start, end, failed, join, skip,
                        // undo, catch, finally, restart
    std::string label;  // one line per '\n'
    std::string group;  // the step id of the loop, branch or try body it sits in; empty at top
    bool conditional = false;
  };
  struct Edge {
    std::string from, to, label;
    bool dotted = false;
  };
  std::vector<Node> nodes;
  std::vector<Edge> edges;

  // {"nodes": [{id, step, kind, label, group, conditional}], "edges": [{from, to, label,
  // dotted}]}
  nlohmann::json ToJson() const;
};

StepGraph BuildStepGraph(const Definition& definition);

}  // namespace weft::dsl

#endif  // WEFT_DSL_STEP_GRAPH_H_
