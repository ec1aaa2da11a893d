// StepStates: what happened to each step of a run, for drawing the run on its definition's
// graph. Read from the run's description (runtime/client/run_description.h, with its
// operations), so the page and describe_run never disagree on where a run stands.
//
//   {"<step id>": {state, attempt?, last_failure?, due_ms?, signal?, failure?,
//                  iterations?: {done, running, failed},
//                  branches?: {done, running, failed, total}}}
//
// state is one of: running, retrying (attempt, last_failure), waiting (a timer; due_ms),
// awaiting (a signal or a condition; signal), completed, failed (failure), compensated,
// skipped (by its `when`: known for steps that leave a command, once the run passed them),
// cancelled. A foreach or loop step counts its iterations; a parallel step its branches. A
// step with no entry was not reached, as far as the run's record tells: steps
// that leave no command (set, switch, an await on a condition) are known to have passed only
// when a later step was reached, or the run completed and they sat on its only path.
//
// Pure; thread-safe.
#ifndef WEFT_UI_STEP_STATES_H_
#define WEFT_UI_STEP_STATES_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "dsl/step_graph.h"

namespace weft::ui {

nlohmann::json StepStates(const dsl::StepGraph& graph, const nlohmann::json& description);

// The step id a label of a command or of the stack names: "resize" for "thumbs/resize[3]",
// "decided" for "decided timeout", "reserve" for "compensate reserve".
std::string StepIdOfLabel(std::string_view label);

}  // namespace weft::ui

#endif  // WEFT_UI_STEP_STATES_H_
