// The loader's waiting steps: `wait` (a duration or a moment), `await` (a signal or a condition)
// and `workflow` (a child workflow, whose result the parent may wait for) (dsl/load/steps.h).
#include <string>
#include <vector>

#include "dsl/codes.h"
#include "dsl/load/steps.h"
#include "dsl/spelling.h"

namespace weft::dsl::load {

using Kind = SourceNode::Kind;
using expr::Type;

std::optional<StepBody> LoadWait(LoaderContext& loader, const SourceNode& /*step*/,
                                 const SourceNode& value, const Visible& visible) {
  WaitStep out;
  if (value.kind == Kind::kString && value.string().find("${") != std::string::npos) {
    out.duration_expression = loader.ExpressionOf(&value, visible, "`wait`");
    return out;
  }
  if (value.kind != Kind::kMapping) {
    out.duration = loader.DurationOf(&value);
    return out;
  }
  loader.CheckKeys(value, {"for", "until"}, "`wait`");
  const SourceNode* for_node = value.Find("for");
  const SourceNode* until = value.Find("until");
  if ((for_node == nullptr) == (until == nullptr)) {
    loader.Error(codes::kConflictingKeys, value, "`wait` takes exactly one of `for` and `until`",
                 "`wait: 5m`, `wait: {for: ${ duration(input.delay) }}` or "
                 "`wait: {until: ${ timestamp(input.deadline) }}`");
    return out;
  }
  if (for_node != nullptr) {
    if (for_node->is_string() && for_node->string().find("${") != std::string::npos) {
      out.duration_expression = loader.ExpressionOf(for_node, visible, "`for`");
    } else {
      out.duration = loader.DurationOf(for_node);
    }
  } else {
    out.until = loader.ExpressionOf(until, visible, "`until`");
  }
  return out;
}

std::optional<StepBody> LoadAwait(LoaderContext& loader, const SourceNode& /*step*/,
                                  const SourceNode& value, const Visible& visible) {
  AwaitStep out;
  if (!loader.ExpectMapping(value, "`await`")) return std::nullopt;
  loader.CheckKeys(value, {"signal", "condition", "timeout"}, "`await`");
  const SourceNode* signal = value.Find("signal");
  const SourceNode* condition = value.Find("condition");
  if ((signal == nullptr) == (condition == nullptr)) {
    loader.Error(codes::kConflictingKeys, value,
                 "`await` takes exactly one of `signal` and `condition`",
                 "`await: {signal: approve, timeout: 48h}` or "
                 "`await: {condition: ${ vars.approved }, timeout: 48h}`");
  }
  if (signal != nullptr) {
    if (auto name = loader.Name(signal, ExternalNamePattern(), "signal", "")) {
      out.signal = name;
      if (!loader.declarations().signals.contains(*name)) {
        std::vector<std::string_view> candidates(loader.declarations().signals.begin(),
                                                 loader.declarations().signals.end());
        auto suggestion = ClosestSpelling(*name, candidates);
        loader.Error(codes::kUnknownSignal, *signal, "unknown signal `" + *name + "`",
                     suggestion ? "did you mean `" + *suggestion + "`?"
                                : "declare it under `handlers: {signals: {" + *name + ": {}}}`");
      }
    }
  }
  if (condition != nullptr) out.condition = loader.Condition(condition, visible, "`condition`");
  if (const SourceNode* timeout = value.Find("timeout")) out.timeout = loader.DurationOf(timeout);
  return out;
}

std::optional<StepBody> LoadChildWorkflow(LoaderContext& loader, const SourceNode& /*step*/,
                                          const SourceNode& value, const Visible& visible) {
  ChildWorkflowStep out;
  if (!loader.ExpectMapping(value, "`workflow`")) return std::nullopt;
  loader.CheckKeys(value, {"name", "version", "input", "id", "task_queue", "wait", "parent_close"},
                   "`workflow`");
  out.name = loader
                 .Name(loader.Required(value, "name", "`workflow`"), WorkflowNamePattern(),
                       "workflow name", "workflow names are lowercase words joined by `-`")
                 .value_or("");
  if (const SourceNode* version = value.Find("version")) {
    out.version = loader.Integer(version, "`version`", 1);
  }
  if (const SourceNode* input = value.Find("input")) out.input = loader.TemplateOf(*input, visible);
  if (const SourceNode* id = value.Find("id")) out.workflow_id = loader.TemplateOf(*id, visible);
  if (const SourceNode* queue = value.Find("task_queue")) {
    out.task_queue = loader.Name(queue, ExternalNamePattern(), "task queue", "");
  }
  if (auto wait = loader.Boolean(value.Find("wait"), "`wait`")) out.wait = *wait;
  if (const SourceNode* policy = value.Find("parent_close")) {
    if (auto text = loader.String(policy, "`parent_close`")) {
      if (*text == "terminate") {
        out.parent_close = ChildWorkflowStep::ParentClose::kTerminate;
      } else if (*text == "request_cancel") {
        out.parent_close = ChildWorkflowStep::ParentClose::kRequestCancel;
      } else if (*text == "abandon") {
        out.parent_close = ChildWorkflowStep::ParentClose::kAbandon;
      } else {
        loader.Error(
            codes::kInvalidValue, *policy,
            "`parent_close` is `terminate`, `request_cancel` or `abandon`, not `" + *text + "`");
      }
    }
  }
  return out;
}

}  // namespace weft::dsl::load
