// The language's step kinds, one row each: the key that names the kind, the keys its step takes
// besides the common ones, whether it has a result to keep, whether it ends its block, and the
// function that loads its body. This is the one list of the kinds: the loader's key checks, its
// hints, its `result` rule and its unreachable-step check read it, and so does StepKindName.
//
// Adding a step kind takes a row here (in StepBody's order, dsl/definition.h), its load function
// (dsl/load/steps.h) and its case in the interpreter (runtime/interpreter).
//
// Immutable; any thread may read it.
#ifndef WEFT_DSL_STEP_KINDS_H_
#define WEFT_DSL_STEP_KINDS_H_

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "dsl/definition.h"
#include "dsl/source_node.h"

namespace weft::dsl {

namespace load {
class LoaderContext;
struct Visible;
}  // namespace load

// Loads the body of `step`, whose kind key holds `value`, with the names `visible` there;
// nullopt (with diagnostics in `loader`) when the body cannot be built.
using LoadStepBody = std::optional<StepBody> (*)(load::LoaderContext& loader,
                                                 const SourceNode& step, const SourceNode& value,
                                                 const load::Visible& visible);

struct StepKindSpec {
  StepKind kind;
  std::string_view name;                   // the kind key: "call", "set", ...
  std::span<const std::string_view> keys;  // the step's own keys beside kCommonStepKeys and name
  bool has_result = false;                 // `result` may keep it in a variable
  bool ends_block = false;  // unless skipped by `when`, a step after it in its block never runs
  LoadStepBody load = nullptr;
};

// The keys every step takes, whatever its kind.
inline constexpr std::array<std::string_view, 4> kCommonStepKeys = {"id", "description", "when",
                                                                    "result"};

// Every kind, in StepBody's order: row i describes StepKind(i).
std::span<const StepKindSpec> StepKinds();

// The row of the kind whose key is `name`, or nullptr.
const StepKindSpec* FindStepKind(std::string_view name);

// The row of `kind`.
const StepKindSpec& StepKindOf(StepKind kind);

}  // namespace weft::dsl

#endif  // WEFT_DSL_STEP_KINDS_H_
