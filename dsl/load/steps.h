// The loader's steps: a block, the part every step shares (its one kind key, id, description,
// `when` and `result`, and which keys it takes, from dsl/step_kinds.h), and one function per
// kind that loads the kind's body (the `load` of its row). The bodies are grouped by theme:
// calls (dsl/load/steps_call.cc), control flow (steps_control.cc: switch, parallel, foreach,
// while, try), waiting (steps_wait.cc: wait, await, workflow) and values (steps_values.cc: set,
// fail, return).
//
// Free functions over a LoaderContext; the loading thread only.
#ifndef WEFT_DSL_LOAD_STEPS_H_
#define WEFT_DSL_LOAD_STEPS_H_

#include <optional>
#include <string_view>

#include "dsl/definition.h"
#include "dsl/load/loader_context.h"
#include "dsl/source_node.h"

namespace weft::dsl::load {

// The steps of the sequence `node` (nullptr: an empty block, already reported as missing). A
// step sees the steps before it in the block, and what `visible` holds.
Block LoadBlock(LoaderContext& loader, const SourceNode* node, Visible visible,
                std::string_view what);

// One step; nullopt when it has no kind, is not a mapping or its body cannot be built.
std::optional<Step> LoadStep(LoaderContext& loader, const SourceNode& node, const Visible& visible);

// `defaults`: what every call takes when it does not say.
CallDefaults LoadCallDefaults(LoaderContext& loader, const SourceNode* node);

// The body of each kind (LoadStepBody, dsl/step_kinds.h).
std::optional<StepBody> LoadCall(LoaderContext& loader, const SourceNode& step,
                                 const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadSet(LoaderContext& loader, const SourceNode& step,
                                const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadSwitch(LoaderContext& loader, const SourceNode& step,
                                   const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadParallel(LoaderContext& loader, const SourceNode& step,
                                     const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadForeach(LoaderContext& loader, const SourceNode& step,
                                    const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadWhile(LoaderContext& loader, const SourceNode& step,
                                  const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadWait(LoaderContext& loader, const SourceNode& step,
                                 const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadAwait(LoaderContext& loader, const SourceNode& step,
                                  const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadChildWorkflow(LoaderContext& loader, const SourceNode& step,
                                          const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadTry(LoaderContext& loader, const SourceNode& step,
                                const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadFail(LoaderContext& loader, const SourceNode& step,
                                 const SourceNode& value, const Visible& visible);
std::optional<StepBody> LoadReturn(LoaderContext& loader, const SourceNode& step,
                                   const SourceNode& value, const Visible& visible);

}  // namespace weft::dsl::load

#endif  // WEFT_DSL_LOAD_STEPS_H_
