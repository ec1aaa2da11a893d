// The loader's blocks, and what every step shares (dsl/load/steps.h). The kind's own body is
// left to the load function of its row in dsl/step_kinds.h.
#include "dsl/load/steps.h"

#include <algorithm>
#include <string>
#include <vector>

#include "dsl/codes.h"
#include "dsl/spelling.h"
#include "dsl/step_kinds.h"

namespace weft::dsl::load {
namespace {

using Kind = SourceNode::Kind;
using expr::Type;

std::string Join(const std::vector<std::string_view>& words, std::string_view separator) {
  std::string out;
  for (const std::string_view word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

}  // namespace

Block LoadBlock(LoaderContext& loader, const SourceNode* node, Visible visible,
                std::string_view what) {
  Block block;
  if (node == nullptr || !loader.ExpectKind(*node, Kind::kSequence, what)) return block;
  if (node->items.empty()) {
    loader.Error(codes::kInvalidValue, *node, std::string(what) + " is empty",
                 "a block needs at least one step");
  }
  bool ended = false;
  for (const SourceNode& item : node->items) {
    if (ended) {
      loader.Error(codes::kUnreachableStep, item,
                   "this step can never run: the step before it always ends the block",
                   "remove it, or guard the step before with `when`");
      ended = false;  // once per block
    }
    auto step = LoadStep(loader, item, visible);
    if (!step) continue;
    visible.steps[step->id] = Type::Object({{"result", Type::Dyn()}}, /*open=*/false);
    if (StepKindOf(step->kind()).ends_block && !step->when) ended = true;
    block.push_back(std::move(*step));
  }
  return block;
}

std::optional<Step> LoadStep(LoaderContext& loader, const SourceNode& node,
                             const Visible& visible) {
  if (!loader.ExpectMapping(node, "a step")) return std::nullopt;
  Step step;
  step.range = node.range;
  step.path = node.path;
  // The kind: exactly one of the kind keys.
  const SourceNode::Entry* kind_entry = nullptr;
  const StepKindSpec* kind = nullptr;
  for (const SourceNode::Entry& entry : node.entries) {
    const StepKindSpec* spec = FindStepKind(entry.key);
    if (spec == nullptr) continue;
    if (kind_entry != nullptr) {
      loader.ErrorAtKey(codes::kStepKind, entry,
                        "a step has exactly one kind, but this one has `" + kind_entry->key +
                            "` and `" + entry.key + "`",
                        "split it into two steps");
      continue;
    }
    kind_entry = &entry;
    kind = spec;
  }
  const SourceNode* id = node.Find("id");
  if (id == nullptr) {
    loader.Error(codes::kMissingKey, node, "a step needs an `id`",
                 "ids are lowercase identifiers, unique in the definition: `id: charge_card`");
  } else if (auto name =
                 loader.Name(id, IdentifierPattern(), "step id",
                             "step ids are lowercase identifiers (letters, digits, `_`), so "
                             "that `steps.<id>.result` reads in expressions")) {
    step.id = *name;
    if (auto previous = loader.ClaimStepId(*name, id->range.begin)) {
      loader.Error(codes::kDuplicateStepId, *id, "duplicate step id `" + *name + "`",
                   "the first is at line " + std::to_string(previous->line) +
                       "; ids are unique in the whole definition");
    }
  }
  if (kind == nullptr) {
    std::vector<std::string_view> names;
    for (const StepKindSpec& spec : StepKinds()) names.push_back(spec.name);
    std::string hint = "add one of " + Join(names, ", ");
    for (const SourceNode::Entry& entry : node.entries) {
      if (auto foreign = ForeignSpellings().find(entry.key); foreign != ForeignSpellings().end()) {
        const std::string& target = foreign->second;
        const std::string head = target.substr(0, target.find(':'));
        if (FindStepKind(head) != nullptr) {
          hint = "`" + entry.key + "` is not a step kind; weft writes it `" + target + "`";
        }
      } else if (auto close = ClosestSpelling(entry.key, names)) {
        hint = "did you mean `" + *close + "`?";
      }
    }
    loader.Error(codes::kStepKind, node, "the step has no kind", hint);
    return std::nullopt;
  }
  // Unknown keys (with the kind's own keys allowed; a second kind key is reported above).
  std::vector<std::string_view> allowed(kCommonStepKeys.begin(), kCommonStepKeys.end());
  allowed.push_back(kind->name);
  allowed.insert(allowed.end(), kind->keys.begin(), kind->keys.end());
  for (const SourceNode::Entry& entry : node.entries) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
    if (FindStepKind(entry.key) != nullptr) continue;
    std::string hint;
    if (auto suggestion = ClosestSpelling(entry.key, allowed)) {
      hint = "did you mean `" + *suggestion + "`?";
    } else if (auto foreign = ForeignSpellings().find(entry.key);
               foreign != ForeignSpellings().end() &&
               std::find(allowed.begin(), allowed.end(), foreign->second) != allowed.end()) {
      hint = "weft writes this `" + foreign->second + "`";
    } else {
      hint = "a `" + kind_entry->key + "` step takes: " + Join(allowed, ", ");
    }
    loader.ErrorAtKey(codes::kUnknownKey, entry,
                      "unknown key `" + entry.key + "` in a `" + kind_entry->key + "` step", hint);
  }
  if (const SourceNode* description = node.Find("description")) {
    step.description = loader.String(description, "`description`").value_or("");
  }
  if (const SourceNode* when = node.Find("when")) {
    step.when = loader.Condition(when, visible, "`when`");
  }
  if (const SourceNode* result = node.Find("result")) {
    if (!kind->has_result) {
      std::vector<std::string_view> with_result;
      for (const StepKindSpec& spec : StepKinds()) {
        if (spec.has_result) with_result.push_back(spec.name);
      }
      const std::string last(with_result.back());
      with_result.pop_back();
      loader.Error(codes::kInvalidValue, *result,
                   "a `" + kind_entry->key + "` step has no result to keep",
                   "`result` is for " + Join(with_result, ", ") + " and " + last + " steps");
    } else {
      step.result = loader.Name(result, IdentifierPattern(), "variable",
                                "variables are lowercase identifiers: letters, digits and `_`");
    }
  }
  auto body = kind->load(loader, node, kind_entry->value, visible);
  if (!body) return std::nullopt;
  step.body = std::move(*body);
  return step;
}

}  // namespace weft::dsl::load
