// The loader's `handlers`: queries (an expression over the state, evaluated outside history),
// signals (assignments to variables) and updates (a validator, assignments and a result). A
// handler's name is unique across the three kinds. Loaded before the steps, so that `await`
// knows the signals (Declarations::signals).
//
// A free function over a LoaderContext; the loading thread only.
#ifndef WEFT_DSL_LOAD_HANDLERS_H_
#define WEFT_DSL_LOAD_HANDLERS_H_

#include "dsl/definition.h"
#include "dsl/load/loader_context.h"
#include "dsl/source_node.h"

namespace weft::dsl::load {

// Adds the handlers under `node` to `definition`, and their signals to the declarations.
void LoadHandlers(LoaderContext& loader, const SourceNode& node, Definition& definition);

}  // namespace weft::dsl::load

#endif  // WEFT_DSL_LOAD_HANDLERS_H_
