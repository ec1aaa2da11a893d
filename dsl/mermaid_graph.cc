#include "dsl/mermaid_graph.h"

#include <cctype>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace weft::dsl {
namespace {

// Mermaid labels are quoted; quotes and angle brackets inside become entities.
std::string Escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  if (out.size() > 60) out = out.substr(0, 57) + "...";
  return out;
}

// Handler names may hold `.` and `-`, which Mermaid ids may not.
std::string NodeId(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  for (const char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return out;
}

std::string SourceOf(const Expression& expression) {
  std::string text(expression.program.source());
  const std::size_t begin = text.find_first_not_of(' ');
  const std::size_t end = text.find_last_not_of(' ');
  return begin == std::string::npos ? text : text.substr(begin, end - begin + 1);
}

class Drawer {
 public:
  std::string Draw(const Definition& definition);

 private:
  // Draws `block`, entered from `from` (with an edge label); returns the nodes whose control
  // flows on to what follows the block (empty when every path ends the workflow).
  std::vector<std::string> DrawBlock(const Block& block, std::vector<std::string> from,
                                     const std::string& label);
  std::vector<std::string> DrawStep(const Step& step);
  void Edge(const std::string& from, const std::string& to, const std::string& label = {},
            bool dotted = false) {
    if (dotted) {
      out_ += "  " + from + " -.";
      if (!label.empty()) out_ += " \"" + Escape(label) + "\" .";
      out_ += "-> " + to + "\n";
    } else {
      out_ += "  " + from + " -->";
      if (!label.empty()) out_ += "|\"" + Escape(label) + "\"|";
      out_ += " " + to + "\n";
    }
  }
  void Node(const std::string& id, const std::string& open, const std::string& label,
            const std::string& close) {
    out_ += "  " + id + open + "\"" + label + "\"" + close + "\n";
  }

  std::string out_;
  bool uses_failed_ = false;
  std::vector<std::pair<std::string, std::string>> signal_edges_;  // await node, signal name
};

std::vector<std::string> Drawer::DrawBlock(const Block& block, std::vector<std::string> from,
                                           const std::string& label) {
  std::string pending_label = label;
  for (const Step& step : block) {
    const std::string id = "s_" + step.id;
    std::vector<std::string> exits = DrawStep(step);
    for (const std::string& source : from) Edge(source, id, pending_label);
    pending_label.clear();
    if (step.when) {
      // A skipped step passes control straight on.
      exits.push_back(id + "_skip");
      out_ += "  " + id + "_skip(( ))\n";
      Edge(id, id + "_skip", "skip unless " + SourceOf(*step.when), true);
    }
    from = std::move(exits);
  }
  return from;
}

std::vector<std::string> Drawer::DrawStep(const Step& step) {
  const std::string id = "s_" + step.id;
  const std::string name = Escape(step.id);
  return std::visit(
      [&](const auto& body) -> std::vector<std::string> {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, CallStep>) {
          Node(id, "[", name + "<br/>call " + Escape(body.call.activity), "]");
          if (body.compensate) {
            Node(id + "_undo", "[/",
                 "undo " + name + "<br/>call " + Escape(body.compensate->activity), "/]");
            Edge(id, id + "_undo", "compensate", true);
          }
          return {id};
        } else if constexpr (std::is_same_v<T, SetStep>) {
          std::string vars;
          for (const Assignment& assignment : body.assignments) {
            vars += (vars.empty() ? "" : ", ") + assignment.variable;
          }
          Node(id, "[", name + "<br/>set " + Escape(vars), "]");
          return {id};
        } else if constexpr (std::is_same_v<T, SwitchStep>) {
          Node(id, "{", name + "<br/>switch", "}");
          std::vector<std::string> exits;
          for (const SwitchCase& branch : body.cases) {
            for (auto& exit : DrawBlock(branch.steps, {id}, SourceOf(branch.when))) {
              exits.push_back(exit);
            }
          }
          if (body.default_steps.empty()) {
            exits.push_back(id);  // no case holds: go on
          } else {
            for (auto& exit : DrawBlock(body.default_steps, {id}, "default")) exits.push_back(exit);
          }
          return exits;
        } else if constexpr (std::is_same_v<T, ParallelStep>) {
          const bool any = body.mode == ParallelStep::Mode::kAny;
          Node(id, "[[", name + "<br/>parallel " + (any ? "any" : "all"), "]]");
          Node(id + "_join", "[[", std::string(any ? "first of " : "join ") + name, "]]");
          for (const ParallelBranch& branch : body.branches) {
            out_ +=
                "  subgraph " + id + "_" + branch.id + " [\"branch " + Escape(branch.id) + "\"]\n";
            const auto exits = DrawBlock(branch.steps, {id}, "");
            out_ += "  end\n";
            for (const std::string& exit : exits) Edge(exit, id + "_join");
          }
          return {id + "_join"};
        } else if constexpr (std::is_same_v<T, ForeachStep>) {
          Node(id, "{{",
               name + "<br/>foreach " + Escape(body.as) + " in " + Escape(SourceOf(body.in)) +
                   (body.concurrency > 1 ? ", " + std::to_string(body.concurrency) + " at a time"
                                         : ""),
               "}}");
          out_ += "  subgraph " + id + "_body [\"each " + Escape(body.as) + "\"]\n";
          const auto exits = DrawBlock(body.steps, {id}, "");
          out_ += "  end\n";
          for (const std::string& exit : exits) Edge(exit, id, "next");
          return {id};
        } else if constexpr (std::is_same_v<T, WhileStep>) {
          Node(id, "{{",
               name + "<br/>while " + Escape(SourceOf(body.condition)) + "<br/>at most " +
                   std::to_string(body.max_iterations),
               "}}");
          out_ += "  subgraph " + id + "_body [\"repeat\"]\n";
          const auto exits = DrawBlock(body.steps, {id}, "");
          out_ += "  end\n";
          for (const std::string& exit : exits) Edge(exit, id, "again");
          return {id};
        } else if constexpr (std::is_same_v<T, WaitStep>) {
          std::string what = body.duration ? FormatDuration(*body.duration)
                             : body.until  ? "until " + SourceOf(*body.until)
                                           : SourceOf(*body.duration_expression);
          Node(id, "(", name + "<br/>wait " + Escape(what), ")");
          return {id};
        } else if constexpr (std::is_same_v<T, AwaitStep>) {
          std::string what = body.signal ? "signal " + *body.signal : SourceOf(*body.condition);
          if (body.timeout) what += ", timeout " + FormatDuration(*body.timeout);
          Node(id, "(", name + "<br/>await " + Escape(what), ")");
          if (body.signal) signal_edges_.emplace_back(id, *body.signal);
          return {id};
        } else if constexpr (std::is_same_v<T, ChildWorkflowStep>) {
          Node(id, "[[",
               name + "<br/>workflow " + Escape(body.name) + (body.wait ? "" : " (start)"), "]]");
          return {id};
        } else if constexpr (std::is_same_v<T, TryStep>) {
          Node(id, "[/", name + "<br/>try", "/]");
          out_ += "  subgraph " + id + "_body [\"try " + name + "\"]\n";
          std::vector<std::string> exits = DrawBlock(body.steps, {id}, "");
          out_ += "  end\n";
          for (std::size_t i = 0; i < body.catches.size(); ++i) {
            const CatchClause& clause = body.catches[i];
            std::string types;
            for (const std::string& type : clause.errors)
              types += (types.empty() ? "" : ", ") + type;
            const std::string label = "catch " + (types.empty() ? std::string("any error") : types);
            const std::string catch_id = id + "_catch" + std::to_string(i);
            Node(catch_id, "[/", Escape(label) + (clause.compensate ? "<br/>compensate" : ""),
                 "\\]");
            Edge(id, catch_id, "error", true);
            for (auto& exit : DrawBlock(clause.steps, {catch_id}, "")) exits.push_back(exit);
          }
          if (!body.finally_steps.empty()) {
            Node(id + "_finally", "[\\", "finally " + name, "/]");
            for (const std::string& exit : exits) Edge(exit, id + "_finally");
            return DrawBlock(body.finally_steps, {id + "_finally"}, "");
          }
          return exits;
        } else if constexpr (std::is_same_v<T, FailStep>) {
          Node(id, "[", name + "<br/>fail " + Escape(body.type), "]");
          uses_failed_ = true;
          Edge(id, "failed");
          return {};
        } else {
          // A new step kind (dsl/step_kinds.h) needs its drawing here.
          static_assert(std::is_same_v<T, ReturnStep>, "every step kind is drawn");
          Node(id, "[",
               name + (body.continue_as_new_input ? "<br/>continue as new" : "<br/>return"), "]");
          Edge(id, body.continue_as_new_input ? "restart" : "finish");
          if (body.continue_as_new_input) out_ += "  restart([continue as new])\n";
          return {};
        }
      },
      step.body);
}

std::string Drawer::Draw(const Definition& definition) {
  out_ = "flowchart TD\n";
  out_ += "  start([\"" + Escape(definition.name) + " v" + std::to_string(definition.version) +
          "\"])\n";
  out_ += "  finish([end])\n";
  const auto exits = DrawBlock(definition.steps, {"start"}, "");
  for (const std::string& exit : exits) Edge(exit, "finish");
  if (uses_failed_) out_ += "  failed([failed])\n";
  if (!definition.queries.empty() || !definition.signals.empty() || !definition.updates.empty()) {
    out_ += "  subgraph handlers [\"handlers\"]\n";
    for (const QueryHandler& query : definition.queries) {
      out_ += "    " + NodeId("q_", query.name) + ">\"query " + Escape(query.name) + "\"]\n";
    }
    for (const SignalHandler& signal : definition.signals) {
      out_ += "    " + NodeId("g_", signal.name) + ">\"signal " + Escape(signal.name) + "\"]\n";
    }
    for (const UpdateHandler& update : definition.updates) {
      out_ += "    " + NodeId("u_", update.name) + ">\"update " + Escape(update.name) + "\"]\n";
    }
    out_ += "  end\n";
  }
  for (const auto& [node, signal] : signal_edges_) Edge(NodeId("g_", signal), node, "", true);
  return out_;
}

}  // namespace

std::string MermaidGraph(const Definition& definition) {
  Drawer drawer;
  return drawer.Draw(definition);
}

}  // namespace weft::dsl
