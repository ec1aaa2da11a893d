// The loader's value steps, which evaluate templates and call nothing: `set` (variables), `fail`
// (an error) and `return` (the output, or the input of the next run) (dsl/load/steps.h).
#include <string>

#include "dsl/codes.h"
#include "dsl/load/steps.h"

namespace weft::dsl::load {

using Kind = SourceNode::Kind;
using expr::Type;

std::optional<StepBody> LoadSet(LoaderContext& loader, const SourceNode& /*step*/,
                                const SourceNode& value, const Visible& visible) {
  SetStep set;
  set.assignments = loader.Assignments(value, visible);
  if (value.kind == Kind::kMapping && value.entries.empty()) {
    loader.Error(codes::kInvalidValue, value, "`set` assigns nothing");
  }
  return set;
}

std::optional<StepBody> LoadFail(LoaderContext& loader, const SourceNode& /*step*/,
                                 const SourceNode& value, const Visible& visible) {
  FailStep out;
  if (!loader.ExpectMapping(value, "`fail`")) return std::nullopt;
  loader.CheckKeys(value, {"type", "message", "details", "retryable"}, "`fail`");
  out.type =
      loader
          .Name(loader.Required(value, "type", "`fail`", "the error type that `catch` matches"),
                ExternalNamePattern(), "error type", "error types are names like `Rejected`")
          .value_or("");
  if (const SourceNode* message = value.Find("message")) {
    out.message = loader.TemplateOf(*message, visible);
  }
  if (const SourceNode* details = value.Find("details")) {
    out.details = loader.TemplateOf(*details, visible);
  }
  if (auto retryable = loader.Boolean(value.Find("retryable"), "`retryable`")) {
    out.retryable = *retryable;
  }
  return out;
}

std::optional<StepBody> LoadReturn(LoaderContext& loader, const SourceNode& /*step*/,
                                   const SourceNode& value, const Visible& visible) {
  ReturnStep out;
  if (value.kind != Kind::kMapping) {
    out.output = loader.TemplateOf(value, visible);
    return out;
  }
  loader.CheckKeys(value, {"output", "continue_as_new"}, "`return`");
  const SourceNode* output = value.Find("output");
  const SourceNode* next = value.Find("continue_as_new");
  if ((output == nullptr) == (next == nullptr)) {
    loader.Error(codes::kConflictingKeys, value,
                 "`return` takes exactly one of `output` and `continue_as_new`",
                 "`return: ${ vars.total }`, `return: {output: {ok: true}}` or "
                 "`return: {continue_as_new: {input: ${ input }}}`");
    return out;
  }
  if (output != nullptr) {
    out.output = loader.TemplateOf(*output, visible);
  } else if (loader.ExpectMapping(*next, "`continue_as_new`")) {
    loader.CheckKeys(*next, {"input"}, "`continue_as_new`");
    const SourceNode* input = next->Find("input");
    out.continue_as_new_input = input ? loader.TemplateOf(*input, visible) : Template();
  }
  return out;
}

}  // namespace weft::dsl::load
