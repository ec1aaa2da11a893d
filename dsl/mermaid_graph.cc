#include "dsl/mermaid_graph.h"

#include <cctype>
#include <map>
#include <string_view>
#include <vector>

#include "dsl/step_graph.h"

namespace weft::dsl {
namespace {

// Mermaid labels are quoted; quotes and angle brackets inside become entities, and a long line
// is cut so that the box stays readable.
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
      default:
        out += c;
    }
  }
  if (out.size() > 60) out = out.substr(0, 57) + "...";
  return out;
}

// One Mermaid line break per line of the graph's label.
std::string Label(std::string_view label) {
  std::string out;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = label.find('\n', begin);
    out += Escape(label.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) return out;
    out += "<br/>";
    begin = end + 1;
  }
}

// Handler names may hold `.` and `-`, which Mermaid ids may not; `end` is a Mermaid keyword.
std::string NodeId(std::string_view prefix, std::string_view name) {
  if (prefix.empty() && name == "end") return "finish";
  std::string out(prefix);
  for (const char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return out;
}

// The box of each kind of node: its opening and closing brackets.
std::pair<std::string_view, std::string_view> ShapeOf(std::string_view kind) {
  static const std::map<std::string_view, std::pair<std::string_view, std::string_view>> kShapes = {
      {"switch", {"{", "}"}},     {"parallel", {"[[", "]]"}}, {"join", {"[[", "]]"}},
      {"workflow", {"[[", "]]"}}, {"foreach", {"{{", "}}"}},  {"while", {"{{", "}}"}},
      {"wait", {"(", ")"}},       {"await", {"(", ")"}},      {"try", {"[/", "/]"}},
      {"undo", {"[/", "/]"}},     {"catch", {"[/", "\\]"}},   {"finally", {"[\\", "/]"}},
      {"start", {"([", "])"}},    {"end", {"([", "])"}},      {"failed", {"([", "])"}},
      {"restart", {"([", "])"}},  {"skip", {"((", "))"}}};
  const auto found = kShapes.find(kind);
  return found == kShapes.end() ? std::pair<std::string_view, std::string_view>{"[", "]"}
                                : found->second;
}

class Renderer {
 public:
  explicit Renderer(const StepGraph& graph) : graph_(graph) {}

  std::string Render(const Definition& definition) {
    out_ = "flowchart TD\n";
    RenderGroup("", "  ");
    for (const StepGraph::Edge& edge : graph_.edges) {
      RenderEdge(NodeId("", edge.from), NodeId("", edge.to), edge.label, edge.dotted);
    }
    RenderHandlers(definition);
    return std::move(out_);
  }

 private:
  // The nodes of the group `id`, then the groups inside it, each as a subgraph.
  void RenderGroup(const std::string& id, const std::string& indent) {
    for (const StepGraph::Node& node : graph_.nodes) {
      if (node.group != id) continue;
      const auto [open, close] = ShapeOf(node.kind);
      out_ += indent + NodeId("", node.id) + std::string(open);
      if (!node.label.empty()) out_ += "\"" + Label(node.label) + "\"";
      if (node.kind == "skip") out_ += " ";  // an empty circle
      out_ += std::string(close) + "\n";
    }
    for (const StepGraph::Group& group : graph_.groups) {
      if (group.parent != id) continue;
      out_ += indent + "subgraph " + group.id + " [\"" + Label(group.label) + "\"]\n";
      RenderGroup(group.id, indent + "  ");
      out_ += indent + "end\n";
    }
  }

  void RenderEdge(const std::string& from, const std::string& to, const std::string& label,
                  bool dotted) {
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

  // What a client can call, and which awaiting step each signal can wake.
  void RenderHandlers(const Definition& definition) {
    if (definition.queries.empty() && definition.signals.empty() && definition.updates.empty()) {
      return;
    }
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
    for (const StepGraph::Node& node : graph_.nodes) {
      if (!node.signal.empty()) RenderEdge(NodeId("g_", node.signal), node.id, "", true);
    }
  }

  const StepGraph& graph_;
  std::string out_;
};

}  // namespace

std::string MermaidGraph(const Definition& definition) {
  const StepGraph graph = BuildStepGraph(definition);
  return Renderer(graph).Render(definition);
}

}  // namespace weft::dsl
