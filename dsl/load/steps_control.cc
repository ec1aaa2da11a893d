// The loader's control-flow steps: `switch`, `parallel`, `foreach`, `while` and `try`, each a
// step that holds blocks of steps (dsl/load/steps.h).
#include <set>
#include <string>

#include "dsl/codes.h"
#include "dsl/load/steps.h"

namespace weft::dsl::load {

using Kind = SourceNode::Kind;
using expr::Type;

std::optional<StepBody> LoadSwitch(LoaderContext& loader, const SourceNode& /*step*/,
                                   const SourceNode& value, const Visible& visible) {
  SwitchStep out;
  if (!loader.ExpectMapping(value, "`switch`")) return std::nullopt;
  loader.CheckKeys(value, {"cases", "default"}, "`switch`");
  const SourceNode* cases = loader.Required(value, "cases", "`switch`");
  if (cases != nullptr && loader.ExpectKind(*cases, Kind::kSequence, "`cases`")) {
    for (const SourceNode& item : cases->items) {
      if (!loader.ExpectMapping(item, "a case")) continue;
      loader.CheckKeys(item, {"when", "steps"}, "a case");
      auto when = loader.Condition(loader.Required(item, "when", "a case"), visible, "`when`");
      Block steps = LoadBlock(loader, loader.Required(item, "steps", "a case"), visible, "`steps`");
      if (when) {
        out.cases.push_back(SwitchCase{.when = std::move(*when), .steps = std::move(steps)});
      }
    }
  }
  if (const SourceNode* fallback = value.Find("default")) {
    out.default_steps = LoadBlock(loader, fallback, visible, "`default`");
  }
  return out;
}

std::optional<StepBody> LoadParallel(LoaderContext& loader, const SourceNode& /*step*/,
                                     const SourceNode& value, const Visible& visible) {
  ParallelStep out;
  if (!loader.ExpectMapping(value, "`parallel`")) return std::nullopt;
  loader.CheckKeys(value, {"mode", "branches"}, "`parallel`");
  if (const SourceNode* mode = value.Find("mode")) {
    if (auto text = loader.String(mode, "`mode`")) {
      if (*text == "any") {
        out.mode = ParallelStep::Mode::kAny;
      } else if (*text != "all") {
        loader.Error(codes::kInvalidValue, *mode, "`mode` is `all` or `any`, not `" + *text + "`",
                     "all: wait for every branch; any: the first to finish wins");
      }
    }
  }
  const SourceNode* branches = loader.Required(value, "branches", "`parallel`");
  if (branches != nullptr && loader.ExpectKind(*branches, Kind::kSequence, "`branches`")) {
    std::set<std::string> ids;
    for (const SourceNode& item : branches->items) {
      if (!loader.ExpectMapping(item, "a branch")) continue;
      loader.CheckKeys(item, {"id", "steps"}, "a branch");
      ParallelBranch branch;
      if (auto id = loader.Name(loader.Required(item, "id", "a branch"), IdentifierPattern(),
                                "branch id", "branch ids are lowercase identifiers")) {
        branch.id = *id;
        if (!ids.insert(*id).second) {
          loader.Error(codes::kDuplicateBranchId, *item.Find("id"),
                       "duplicate branch id `" + *id + "`");
        }
      }
      branch.steps =
          LoadBlock(loader, loader.Required(item, "steps", "a branch"), visible, "`steps`");
      out.branches.push_back(std::move(branch));
    }
    if (branches->items.size() < 2) {
      loader.Error(codes::kInvalidValue, *branches, "`parallel` needs at least two branches");
    }
  }
  return out;
}

std::optional<StepBody> LoadForeach(LoaderContext& loader, const SourceNode& /*step*/,
                                    const SourceNode& value, const Visible& visible) {
  if (!loader.ExpectMapping(value, "`foreach`")) return std::nullopt;
  loader.CheckKeys(value, {"in", "as", "index", "concurrency", "steps", "collect"}, "`foreach`");
  auto in = loader.ExpressionOf(loader.Required(value, "in", "`foreach`"), visible, "`in`");
  if (in) {
    const Type& type = in->program.result_type();
    if (type.kind() != Type::Kind::kList && !type.is_dyn()) {
      loader.Error(codes::kNotList, *value.Find("in"),
                   "`in` must be a list, but this expression is " + type.ToString());
    }
  }
  const std::string as = loader.LocalName(value.Find("as"), "item", "`as`");
  const std::string index = loader.LocalName(value.Find("index"), "index", "`index`");
  if (as == index) {
    loader.Error(codes::kInvalidValue, value, "`as` and `index` name the same variable");
  }
  std::int64_t concurrency = 1;
  if (auto n = loader.Integer(value.Find("concurrency"), "`concurrency`", 1)) concurrency = *n;
  Visible inner = visible;
  inner.locals[as] = in ? in->program.result_type().element() : Type::Dyn();
  inner.locals[index] = Type::Int();
  Block steps = LoadBlock(loader, loader.Required(value, "steps", "`foreach`"), inner, "`steps`");
  std::optional<Expression> collect;
  if (const SourceNode* collect_node = value.Find("collect")) {
    Visible after = inner;
    for (const Step& s : steps) after.steps[s.id] = Type::Object({{"result", Type::Dyn()}}, false);
    collect = loader.ExpressionOf(collect_node, after, "`collect`");
  }
  if (!in) return std::nullopt;
  return ForeachStep{.in = std::move(*in),
                     .as = as,
                     .index = index,
                     .concurrency = concurrency,
                     .steps = std::move(steps),
                     .collect = std::move(collect)};
}

std::optional<StepBody> LoadWhile(LoaderContext& loader, const SourceNode& /*step*/,
                                  const SourceNode& value, const Visible& visible) {
  if (!loader.ExpectMapping(value, "`while`")) return std::nullopt;
  loader.CheckKeys(value, {"condition", "max_iterations", "steps"}, "`while`");
  auto condition =
      loader.Condition(loader.Required(value, "condition", "`while`"), visible, "`condition`");
  std::int64_t max_iterations = 0;
  if (const SourceNode* max = value.Find("max_iterations")) {
    max_iterations = loader.Integer(max, "`max_iterations`", 1).value_or(0);
  } else {
    loader.Error(codes::kMissingMaxIterations, value, "`while` needs `max_iterations`",
                 "bound every loop, e.g. `max_iterations: 100`; a loop that reaches it fails");
  }
  Block steps = LoadBlock(loader, loader.Required(value, "steps", "`while`"), visible, "`steps`");
  if (!condition) return std::nullopt;
  return WhileStep{.condition = std::move(*condition),
                   .max_iterations = max_iterations,
                   .steps = std::move(steps)};
}

std::optional<StepBody> LoadTry(LoaderContext& loader, const SourceNode& /*step*/,
                                const SourceNode& value, const Visible& visible) {
  TryStep out;
  if (!loader.ExpectMapping(value, "`try`")) return std::nullopt;
  loader.CheckKeys(value, {"steps", "catch", "finally"}, "`try`");
  out.steps = LoadBlock(loader, loader.Required(value, "steps", "`try`"), visible, "`steps`");
  const SourceNode* catches = value.Find("catch");
  const SourceNode* finally = value.Find("finally");
  if (catches == nullptr && finally == nullptr) {
    loader.Error(codes::kMissingKey, value, "`try` needs `catch`, `finally` or both");
  }
  if (catches != nullptr && loader.ExpectKind(*catches, Kind::kSequence, "`catch`")) {
    for (const SourceNode& item : catches->items) {
      if (!loader.ExpectMapping(item, "a catch clause")) continue;
      loader.CheckKeys(item, {"errors", "when", "as", "compensate", "steps"}, "a catch clause");
      CatchClause clause;
      if (const SourceNode* errors = item.Find("errors");
          errors != nullptr && loader.ExpectKind(*errors, Kind::kSequence, "`errors`")) {
        for (const SourceNode& type : errors->items) {
          if (auto name = loader.Name(&type, ExternalNamePattern(), "error type", "")) {
            clause.errors.push_back(*name);
          }
        }
      }
      clause.as = loader.LocalName(item.Find("as"), "error", "`as`");
      Visible inner = visible;
      inner.locals[clause.as] = Type::Object({{"type", Type::String()},
                                              {"message", Type::String()},
                                              {"details", Type::Dyn()},
                                              {"retryable", Type::Bool()},
                                              {"step", Type::String()}},
                                             /*open=*/false);
      if (const SourceNode* when = item.Find("when")) {
        clause.when = loader.Condition(when, inner, "`when`");
      }
      if (auto compensate = loader.Boolean(item.Find("compensate"), "`compensate`")) {
        clause.compensate = *compensate;
      }
      if (const SourceNode* steps = item.Find("steps")) {
        clause.steps = LoadBlock(loader, steps, inner, "`steps`");
      } else if (!clause.compensate) {
        loader.Error(codes::kMissingKey, item,
                     "a catch clause needs `steps` or `compensate: true`");
      }
      out.catches.push_back(std::move(clause));
    }
  }
  if (finally != nullptr) out.finally_steps = LoadBlock(loader, finally, visible, "`finally`");
  return out;
}

}  // namespace weft::dsl::load
