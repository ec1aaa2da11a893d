#include "dsl/step_graph.h"

#include <type_traits>
#include <utility>
#include <variant>

#include "dsl/duration.h"

namespace weft::dsl {
namespace {

std::string SourceOf(const Expression& expression) {
  std::string text(expression.program.source());
  const std::size_t begin = text.find_first_not_of(' ');
  const std::size_t end = text.find_last_not_of(' ');
  return begin == std::string::npos ? text : text.substr(begin, end - begin + 1);
}

class Builder {
 public:
  StepGraph Build(const Definition& definition);

 private:
  // Adds `block`, entered from `from` (the first edge labelled `label`); returns the nodes whose
  // control flows on to what follows it (empty when every path ends the workflow).
  std::vector<std::string> AddBlock(const Block& block, std::vector<std::string> from,
                                    const std::string& label, const std::string& group,
                                    bool conditional);
  std::vector<std::string> AddStep(const Step& step, const std::string& group, bool conditional);

  void Node(std::string id, std::string step, std::string kind, std::string label,
            const std::string& group, bool conditional) {
    graph_.nodes.push_back({.id = std::move(id),
                            .step = std::move(step),
                            .kind = std::move(kind),
                            .label = std::move(label),
                            .group = group,
                            .conditional = conditional});
  }
  void Edge(std::string from, std::string to, std::string label = {}, bool dotted = false) {
    graph_.edges.push_back({.from = std::move(from),
                            .to = std::move(to),
                            .label = std::move(label),
                            .dotted = dotted});
  }

  // Opens the group `id` for a block of `step`, inside `parent`; returns its id.
  std::string Group(std::string id, const std::string& step, std::string label,
                    const std::string& parent) {
    graph_.groups.push_back({.id = id, .step = step, .label = std::move(label), .parent = parent});
    return id;
  }

  StepGraph graph_;
  bool uses_failed_ = false;
  bool uses_restart_ = false;
  bool uses_end_ = false;  // a path reaches the end: not so when every path fails
};

std::vector<std::string> Builder::AddBlock(const Block& block, std::vector<std::string> from,
                                           const std::string& label, const std::string& group,
                                           bool conditional) {
  std::string pending_label = label;
  for (const Step& step : block) {
    const std::string id = "s_" + step.id;
    std::vector<std::string> exits = AddStep(step, group, conditional || step.when.has_value());
    for (const std::string& source : from) Edge(source, id, pending_label);
    pending_label.clear();
    if (step.when) {
      // A skipped step passes control straight on.
      Node(id + "_skip", "", "skip", "", group, conditional);
      Edge(id, id + "_skip", "skip unless " + SourceOf(*step.when), true);
      exits.push_back(id + "_skip");
    }
    from = std::move(exits);
  }
  return from;
}

std::vector<std::string> Builder::AddStep(const Step& step, const std::string& group,
                                          bool conditional) {
  const std::string id = "s_" + step.id;
  const std::string kind = StepKindName(step.kind());
  auto node = [&](std::string detail) {
    Node(id, step.id, kind, step.id + "\n" + std::move(detail), group, conditional);
  };
  return std::visit(
      [&](const auto& body) -> std::vector<std::string> {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, CallStep>) {
          node("call " + body.call.activity);
          if (body.compensate) {
            Node(id + "_undo", step.id, "undo",
                 "undo " + step.id + "\ncall " + body.compensate->activity, group, true);
            Edge(id, id + "_undo", "compensate", true);
          }
          return {id};
        } else if constexpr (std::is_same_v<T, SetStep>) {
          std::string vars;
          for (const Assignment& assignment : body.assignments) {
            vars += (vars.empty() ? "" : ", ") + assignment.variable;
          }
          node("set " + vars);
          return {id};
        } else if constexpr (std::is_same_v<T, SwitchStep>) {
          node("switch");
          std::vector<std::string> exits;
          for (const SwitchCase& branch : body.cases) {
            for (auto& exit : AddBlock(branch.steps, {id}, SourceOf(branch.when), group, true)) {
              exits.push_back(std::move(exit));
            }
          }
          if (body.default_steps.empty()) {
            exits.push_back(id);  // no case holds: go on
          } else {
            for (auto& exit : AddBlock(body.default_steps, {id}, "default", group, true)) {
              exits.push_back(std::move(exit));
            }
          }
          return exits;
        } else if constexpr (std::is_same_v<T, ParallelStep>) {
          const bool any = body.mode == ParallelStep::Mode::kAny;
          node(std::string("parallel ") + (any ? "any" : "all"));
          Node(id + "_join", step.id, "join", std::string(any ? "first of " : "join ") + step.id,
               group, conditional);
          for (const ParallelBranch& branch : body.branches) {
            const std::string inner =
                Group(id + "_" + branch.id, step.id, "branch " + branch.id, group);
            for (const std::string& exit :
                 AddBlock(branch.steps, {id}, "branch " + branch.id, inner, conditional || any)) {
              Edge(exit, id + "_join");
            }
          }
          return {id + "_join"};
        } else if constexpr (std::is_same_v<T, ForeachStep>) {
          node(
              "foreach " + body.as + " in " + SourceOf(body.in) +
              (body.concurrency > 1 ? ", " + std::to_string(body.concurrency) + " at a time" : ""));
          // An empty list runs no iteration: the body is conditional.
          const std::string inner = Group(id + "_body", step.id, "each " + body.as, group);
          for (const std::string& exit : AddBlock(body.steps, {id}, "", inner, true)) {
            Edge(exit, id, "next", true);
          }
          return {id};
        } else if constexpr (std::is_same_v<T, WhileStep>) {
          node("while " + SourceOf(body.condition) + "\nat most " +
               std::to_string(body.max_iterations));
          const std::string inner = Group(id + "_body", step.id, "repeat", group);
          for (const std::string& exit : AddBlock(body.steps, {id}, "", inner, true)) {
            Edge(exit, id, "again", true);
          }
          return {id};
        } else if constexpr (std::is_same_v<T, WaitStep>) {
          node("wait " + (body.duration ? FormatDuration(*body.duration)
                          : body.until  ? "until " + SourceOf(*body.until)
                                        : SourceOf(*body.duration_expression)));
          return {id};
        } else if constexpr (std::is_same_v<T, AwaitStep>) {
          std::string what = body.signal ? "signal " + *body.signal : SourceOf(*body.condition);
          if (body.timeout) what += ", timeout " + FormatDuration(*body.timeout);
          node("await " + what);
          if (body.signal) graph_.nodes.back().signal = *body.signal;
          return {id};
        } else if constexpr (std::is_same_v<T, ChildWorkflowStep>) {
          node("workflow " + body.name + (body.wait ? "" : " (start)"));
          return {id};
        } else if constexpr (std::is_same_v<T, TryStep>) {
          node("try");
          // The catch and finally paths sit beside the body, in the try's own group.
          const std::string inner = Group(id + "_body", step.id, "try " + step.id, group);
          std::vector<std::string> exits = AddBlock(body.steps, {id}, "", inner, conditional);
          for (std::size_t i = 0; i < body.catches.size(); ++i) {
            const CatchClause& clause = body.catches[i];
            std::string types;
            for (const std::string& type : clause.errors) {
              types += (types.empty() ? "" : ", ") + type;
            }
            const std::string catch_id = id + "_catch" + std::to_string(i);
            Node(catch_id, step.id, "catch",
                 "catch " + (types.empty() ? std::string("any error") : types) +
                     (clause.compensate ? "\ncompensate" : ""),
                 group, true);
            Edge(id, catch_id, "error", true);
            for (auto& exit : AddBlock(clause.steps, {catch_id}, "", group, true)) {
              exits.push_back(std::move(exit));
            }
          }
          if (!body.finally_steps.empty()) {
            Node(id + "_finally", step.id, "finally", "finally " + step.id, group, conditional);
            for (const std::string& exit : exits) Edge(exit, id + "_finally");
            return AddBlock(body.finally_steps, {id + "_finally"}, "", group, conditional);
          }
          return exits;
        } else if constexpr (std::is_same_v<T, FailStep>) {
          node("fail " + body.type);
          uses_failed_ = true;
          Edge(id, "failed");
          return {};
        } else {
          static_assert(std::is_same_v<T, ReturnStep>, "every step kind is drawn");
          node(body.continue_as_new_input ? "continue as new" : "return");
          if (body.continue_as_new_input) uses_restart_ = true;
          Edge(id, body.continue_as_new_input ? "restart" : "end");
          if (!body.continue_as_new_input) uses_end_ = true;
          return {};
        }
      },
      step.body);
}

StepGraph Builder::Build(const Definition& definition) {
  Node("start", "", "start", definition.name + " v" + std::to_string(definition.version), "",
       false);
  const auto exits = AddBlock(definition.steps, {"start"}, "", "", false);
  for (const std::string& exit : exits) Edge(exit, "end");
  if (uses_end_ || !exits.empty()) Node("end", "", "end", "end", "", false);
  if (uses_failed_) Node("failed", "", "failed", "failed", "", true);
  if (uses_restart_) Node("restart", "", "restart", "continue as new", "", true);
  return std::move(graph_);
}

}  // namespace

nlohmann::json StepGraph::ToJson() const {
  nlohmann::json out = {{"nodes", nlohmann::json::array()},
                        {"edges", nlohmann::json::array()},
                        {"groups", nlohmann::json::array()}};
  for (const Node& node : nodes) {
    nlohmann::json& json =
        out["nodes"].emplace_back(nlohmann::json{{"id", node.id},
                                                 {"step", node.step},
                                                 {"kind", node.kind},
                                                 {"label", node.label},
                                                 {"group", node.group},
                                                 {"conditional", node.conditional}});
    if (!node.signal.empty()) json["signal"] = node.signal;
  }
  for (const Group& group : groups) {
    out["groups"].push_back(
        {{"id", group.id}, {"step", group.step}, {"label", group.label}, {"parent", group.parent}});
  }
  for (const Edge& edge : edges) {
    out["edges"].push_back(
        {{"from", edge.from}, {"to", edge.to}, {"label", edge.label}, {"dotted", edge.dotted}});
  }
  return out;
}

StepGraph BuildStepGraph(const Definition& definition) { return Builder().Build(definition); }

}  // namespace weft::dsl
