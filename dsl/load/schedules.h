// The loader's `schedules`: a list of schedules, each with an id unique in the definition, when
// it fires (`cron` and `interval`, each one value or a list), `time_zone`, `jitter`, `overlap`,
// `catchup_window`, `pause_on_failure`, `paused`, and the `input` of its runs, which is checked
// against the definition's input schema here so that a schedule cannot fire runs that fail at
// once. Loaded after `input`.
//
// A free function over a LoaderContext; the loading thread only.
#ifndef WEFT_DSL_LOAD_SCHEDULES_H_
#define WEFT_DSL_LOAD_SCHEDULES_H_

#include "dsl/definition.h"
#include "dsl/load/loader_context.h"
#include "dsl/source_node.h"

namespace weft::dsl::load {

// Adds the schedules under `node` to `definition`.
void LoadSchedules(LoaderContext& loader, const SourceNode& node, Definition& definition);

}  // namespace weft::dsl::load

#endif  // WEFT_DSL_LOAD_SCHEDULES_H_
