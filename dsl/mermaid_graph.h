// A definition drawn as a Mermaid flowchart (`weft graph`), rendered from its StepGraph
// (step_graph.h), so that the page and the text show one shape: steps in order, switch cases
// and parallel branches fanning out and joining, loops with their back edge, try blocks with
// their catch and finally paths, compensations, and the handlers a client can call. Pure
// function of the definition; thread-safe.
#ifndef WEFT_DSL_MERMAID_GRAPH_H_
#define WEFT_DSL_MERMAID_GRAPH_H_

#include <string>

#include "dsl/definition.h"

namespace weft::dsl {

std::string MermaidGraph(const Definition& definition);

}  // namespace weft::dsl

#endif  // WEFT_DSL_MERMAID_GRAPH_H_
