#include "agents/polytope_file.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "dsl/diagnostic.h"
#include "dsl/yaml_reader.h"

namespace weft::agents {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kToolName = "add-temporal-workflow";

// Keys at column 3 (two spaces); Reindent moves it under any other indentation.
constexpr std::string_view kBlock = R"(  add-temporal-workflow:
    info: |
      Scaffolds a weft workflow (weft new): workflows/<name>.yaml with an input schema, a call
      step and an output, which validates as written; the Lua activity it calls
      (activities/<module>.lua); dry-run cases (tests/workflows/<name>.test.yaml). Never
      overwrites. The running weft worker serves the new workflow without a restart. Then edit
      it, and call validate-workflows, test-workflows and start-workflow.
    params:
      - id: name
        info: The workflow name, kebab-case, e.g. order-clothes.
        type: str
      - id: description
        info: What the workflow does.
        type: [default, str, ""]
    run:
      - tool: weft
        args:
          id: weft-add-temporal-workflow
          cmd: [weft, new, "{pt.param name}", --description, "{pt.param description}",
                --activity, lua, --test]
)";

std::string Reindent(std::string_view block, int indent) {
  std::string out;
  std::size_t at = 0;
  while (at < block.size()) {
    std::size_t end = block.find('\n', at);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(at, end - at);
    if (!line.empty()) {
      out.append(static_cast<std::size_t>(indent), ' ');
      out.append(line.substr(2));
    }
    out.push_back('\n');
    at = end + 1;
  }
  return out;
}

std::string FirstProblem(const dsl::ReadResult& read, std::string_view text) {
  if (!read.diagnostics.empty()) return dsl::FormatDiagnostic(read.diagnostics.front(), text);
  return "the file could not be read as YAML";
}

bool IsBlankOrComment(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \r");
  return first == std::string_view::npos || line[first] == '#';
}

// Where a block goes that must come before the line starting at `line_start`: above the
// blank and comment lines just over that line, which belong to what follows.
std::size_t InsertionPoint(std::string_view text, std::size_t line_start) {
  while (line_start > 0) {
    const std::size_t end = line_start - 1;  // the previous line's '\n'
    const std::size_t newline = end == 0 ? std::string_view::npos : text.rfind('\n', end - 1);
    const std::size_t begin = newline == std::string_view::npos ? 0 : newline + 1;
    if (!IsBlankOrComment(text.substr(begin, end - begin))) break;
    line_start = begin;
  }
  return line_start;
}

}  // namespace

std::string_view WorkflowToolBlock() { return kBlock; }

std::expected<std::string, std::string> AddWorkflowToolToText(std::string_view text,
                                                              std::string_view file) {
  const dsl::ReadLimits limits{.max_bytes = 4 << 20, .max_depth = 64, .max_nodes = 200'000};
  // Only comments (or nothing): the reader calls that an empty document; here it is a file
  // without tools yet.
  bool blank = true;
  for (std::size_t at = 0; blank && at <= text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    blank = IsBlankOrComment(text.substr(at, end - at));
    at = end + 1;
  }
  if (blank) {
    std::string edited(text);
    if (!edited.empty() && edited.back() != '\n') edited.push_back('\n');
    return edited + "tools:\n" + Reindent(kBlock, 2);
  }
  const dsl::ReadResult read = dsl::ReadYaml(text, file, limits);
  if (!read.root || !read.diagnostics.empty()) return std::unexpected(FirstProblem(read, text));
  const dsl::SourceNode& root = *read.root;
  std::string prefix(text);
  if (!prefix.empty() && prefix.back() != '\n') prefix.push_back('\n');

  std::string edited;
  if (root.kind == dsl::SourceNode::Kind::kNull) {
    edited = prefix + "tools:\n" + Reindent(kBlock, 2);
  } else if (root.kind != dsl::SourceNode::Kind::kMapping) {
    return std::unexpected(std::string(file) +
                           ":1:1: the root of a polytope file must be a "
                           "mapping (instructions, include, tools), not a " +
                           dsl::KindName(root.kind));
  } else {
    std::size_t index = 0;
    while (index < root.entries.size() && root.entries[index].key != "tools") ++index;
    if (index == root.entries.size()) {
      edited = prefix + "\ntools:\n" + Reindent(kBlock, 2);
    } else {
      const dsl::SourceNode::Entry& tools = root.entries[index];
      const auto where = [&](const dsl::SourcePosition& at) {
        return std::string(file) + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
               ": ";
      };
      int indent = 0;
      if (tools.value.kind == dsl::SourceNode::Kind::kMapping) {
        if (tools.value.Find(kToolName) != nullptr) return std::string(text);
        if (tools.value.entries.empty() || text[tools.value.range.begin.offset] == '{') {
          return std::unexpected(where(tools.value.range.begin) +
                                 "`tools` is a flow mapping ({...}); write it in block style "
                                 "so that a tool can be added");
        }
        indent = tools.value.entries.front().key_range.begin.column - 1;
      } else if (tools.value.kind == dsl::SourceNode::Kind::kNull) {
        indent = tools.key_range.begin.column - 1 + 2;
      } else {
        return std::unexpected(where(tools.value.range.begin) + "`tools` is a " +
                               dsl::KindName(tools.value.kind) + ", not a mapping of tools");
      }
      std::size_t insert_at = prefix.size();
      if (index + 1 < root.entries.size()) {
        const dsl::SourcePosition next = root.entries[index + 1].key_range.begin;
        insert_at = InsertionPoint(prefix, next.offset - static_cast<std::size_t>(next.column - 1));
      }
      edited =
          prefix.substr(0, insert_at) + "\n" + Reindent(kBlock, indent) + prefix.substr(insert_at);
    }
  }

  // The edit must leave a file that parses, with the tool under `tools`.
  const dsl::ReadResult check = dsl::ReadYaml(edited, file, limits);
  const dsl::SourceNode* tools =
      check.root && check.diagnostics.empty() ? check.root->Find("tools") : nullptr;
  if (tools == nullptr || tools->Find(kToolName) == nullptr) {
    return std::unexpected(std::string(file) +
                           ": adding the tool would not leave valid YAML here (" +
                           (check.root ? FirstProblem(check, edited) : "unreadable") +
                           "); add it by hand:\n" + std::string(kBlock));
  }
  return edited;
}

std::expected<ToolRegistration, std::string> AddWorkflowTool(const fs::path& path) {
  std::string text;
  std::error_code error;
  if (fs::exists(path, error)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in) return std::unexpected("cannot read " + path.string());
    text = buffer.str();
  }
  auto edited = AddWorkflowToolToText(text, path.string());
  if (!edited) return std::unexpected(edited.error());
  if (*edited == text) return ToolRegistration::kAlreadyThere;

  const fs::path temporary =
      path.parent_path() / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << *edited;
    out.flush();
    if (!out) {
      fs::remove(temporary, error);
      return std::unexpected("cannot write " + temporary.string());
    }
  }
  fs::rename(temporary, path, error);
  if (error) {
    fs::remove(temporary, error);
    return std::unexpected("cannot replace " + path.string() + ": " + error.message());
  }
  return ToolRegistration::kAdded;
}

}  // namespace weft::agents
