#include "dsl/step_kinds.h"

#include <cstddef>
#include <variant>

#include "dsl/load/steps.h"

namespace weft::dsl {
namespace {

constexpr std::array<std::string_view, 6> kCallKeys = {"args",       "timeouts", "retry",
                                                       "task_queue", "local",    "compensate"};

constexpr std::array<StepKindSpec, 12> kStepKinds = {{
    {.kind = StepKind::kCall,
     .name = "call",
     .keys = kCallKeys,
     .has_result = true,
     .load = load::LoadCall},
    {.kind = StepKind::kSet, .name = "set", .load = load::LoadSet},
    {.kind = StepKind::kSwitch, .name = "switch", .load = load::LoadSwitch},
    {.kind = StepKind::kParallel,
     .name = "parallel",
     .has_result = true,
     .load = load::LoadParallel},
    {.kind = StepKind::kForeach, .name = "foreach", .has_result = true, .load = load::LoadForeach},
    {.kind = StepKind::kWhile, .name = "while", .load = load::LoadWhile},
    {.kind = StepKind::kWait, .name = "wait", .load = load::LoadWait},
    {.kind = StepKind::kAwait, .name = "await", .has_result = true, .load = load::LoadAwait},
    {.kind = StepKind::kWorkflow,
     .name = "workflow",
     .has_result = true,
     .load = load::LoadChildWorkflow},
    {.kind = StepKind::kTry, .name = "try", .load = load::LoadTry},
    {.kind = StepKind::kFail, .name = "fail", .ends_block = true, .load = load::LoadFail},
    {.kind = StepKind::kReturn, .name = "return", .ends_block = true, .load = load::LoadReturn},
}};

constexpr bool InStepBodyOrder() {
  for (std::size_t i = 0; i < kStepKinds.size(); ++i) {
    if (static_cast<std::size_t>(kStepKinds[i].kind) != i) return false;
  }
  return kStepKinds.size() == std::variant_size_v<StepBody>;
}
static_assert(InStepBodyOrder(), "one row per alternative of StepBody, in its order");

}  // namespace

std::span<const StepKindSpec> StepKinds() { return kStepKinds; }

const StepKindSpec* FindStepKind(std::string_view name) {
  for (const StepKindSpec& spec : kStepKinds) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

const StepKindSpec& StepKindOf(StepKind kind) { return kStepKinds[static_cast<std::size_t>(kind)]; }

// The names are string literals, so their views end in a NUL.
const char* StepKindName(StepKind kind) { return StepKindOf(kind).name.data(); }

}  // namespace weft::dsl
