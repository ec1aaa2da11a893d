// StepGraph: a definition's control flow as plain nodes, edges and groups, the one walk of a
// definition's shape: the web UI (ui/) draws it itself, `weft graph` renders it as Mermaid
// (mermaid_graph.h). One node per step, named by the step's id, plus the points where control
// starts, ends, fails, joins parallel branches, and enters a catch or finally path; edges in the
// order control takes them, dotted where control only sometimes goes (a skipped `when`, an error, a
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
    std::string id;      // unique in the graph: "s_charge" for the step `charge`, "start", ...
    std::string step;    // the step's id; empty for the other points
    std::string kind;    // a step kind ("call", "await", ...) or start, end, failed, join, skip,
                         // undo, catch, finally, restart
    std::string label;   // one line per '\n'
    std::string group;   // the Group it sits in; empty at the top level
    std::string signal;  // an `await` of a signal: its name
    bool conditional = false;
  };
  // A block drawn as one box: a parallel branch, a loop's body, a try's body. Groups nest.
  struct Group {
    std::string id;      // "s_fan_left" for the branch `left` of the step `fan`, "s_loop_body"
    std::string step;    // the step that owns the block
    std::string label;   // "branch left", "each item", "repeat", "try guarded"
    std::string parent;  // the group it sits in; empty at the top level
  };
  struct Edge {
    std::string from, to, label;
    bool dotted = false;
  };
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<Group> groups;  // each before the groups inside it

  // {"nodes": [{id, step, kind, label, group, conditional, signal?}], "edges": [{from, to,
  // label, dotted}], "groups": [{id, step, label, parent}]}
  nlohmann::json ToJson() const;
};

StepGraph BuildStepGraph(const Definition& definition);

}  // namespace weft::dsl

#endif  // WEFT_DSL_STEP_GRAPH_H_
