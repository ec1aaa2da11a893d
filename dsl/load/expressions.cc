// The loader's expressions and templates: LoaderContext's members that compile the `${ ... }` of
// a node against what is visible there (dsl/load/loader_context.h).
#include <string>

#include "dsl/codes.h"
#include "dsl/expr/codes.h"
#include "dsl/load/loader_context.h"
#include "dsl/spelling.h"

namespace weft::dsl::load {
namespace {

using Kind = SourceNode::Kind;
using expr::Type;

std::string Trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

expr::Scope LoaderContext::ScopeFor(const Visible& visible) const {
  expr::Scope scope;
  scope.names["input"] = declarations_.input;
  scope.names["vars"] = declarations_.vars;
  scope.names["workflow"] = declarations_.workflow;
  scope.names["steps"] = Type::Object(visible.steps, /*open=*/false);
  for (const auto& [name, type] : visible.locals) scope.names[name] = type;
  scope.allow_recorded_functions = visible.recorded;
  return scope;
}

SourcePosition LoaderContext::PositionInScalar(const SourceNode& node, std::size_t index) const {
  const std::string& value = node.string();
  std::size_t start = node.range.begin.offset;
  if (start < text_.size() && (text_[start] == '"' || text_[start] == '\'')) ++start;
  if (text_.substr(start, value.size()) != value) return node.range.begin;  // escapes, folding
  SourcePosition position = node.range.begin;
  for (std::size_t i = node.range.begin.offset; i < start + index && i < text_.size(); ++i) {
    if (text_[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  position.offset = start + index;
  return position;
}

// The `${ ... }` of a scalar; nullopt (with a diagnostic) when the string is not exactly one.
std::optional<Expression> LoaderContext::CompileExpression(const SourceNode& node,
                                                           const Visible& visible) {
  const std::string& value = node.string();
  const std::size_t open = value.find("${");
  const std::size_t close = value.rfind('}');
  const std::size_t inner_begin = open + 2;
  const std::string inner = value.substr(inner_begin, close - inner_begin);
  auto program = expr::Compile(inner, ScopeFor(visible));
  if (!program) {
    for (const expr::Diagnostic& problem : program.error()) {
      std::string message = problem.message;
      std::string hint = problem.hint;
      std::string code = problem.code;
      if (problem.code == expr::codes::kNoSuchField &&
          problem.offset + problem.length <= inner.size()) {
        // The checker points at the whole selection (`steps.late`) or at the field alone.
        // Steps and variables are the document's own names: say so in the document's words.
        std::string field = inner.substr(problem.offset, problem.length);
        std::string root;
        for (const char* prefix : {"steps.", "vars."}) {
          const std::size_t size = std::string_view(prefix).size();
          if (field.starts_with(prefix)) {
            root = prefix;
            field = field.substr(size);
          } else if (problem.offset >= size &&
                     inner.compare(problem.offset - size, size, prefix) == 0) {
            root = prefix;
          }
        }
        if (root == "steps." && !visible.steps.contains(field)) {
          code = codes::kUnknownStep;
          if (declarations_.all_step_ids.contains(field)) {
            message = "step `" + field + "` is not visible here";
            hint =
                "a step sees the results of the steps before it in its own block and in the "
                "blocks around it; not those inside other blocks, nor later ones";
          } else {
            message = "unknown step `" + field + "`";
            std::vector<std::string_view> visible_ids;
            for (const auto& [id, type] : visible.steps) visible_ids.push_back(id);
            if (auto suggestion = ClosestSpelling(field, visible_ids)) {
              hint = "did you mean `" + *suggestion + "`?";
            } else {
              std::string list;
              for (const std::string_view id : visible_ids) {
                list += (list.empty() ? "" : ", ") + std::string(id);
              }
              hint = visible_ids.empty() ? "no step has completed here yet"
                                         : "steps visible here: " + list;
            }
          }
        } else if (root == "vars." && !declarations_.variables.contains(field)) {
          code = codes::kUnknownVariable;
          message = "unknown variable `" + field + "`";
          std::vector<std::string_view> candidates(declarations_.variables.begin(),
                                                   declarations_.variables.end());
          hint = "declare it under `vars`, or bind it with a step's `result`";
          if (auto suggestion = ClosestSpelling(field, candidates)) {
            hint = "did you mean `" + *suggestion + "`?";
          }
        }
      }
      diagnostics_.push_back(
          Diagnostic{.code = code,
                     .file = options_.file,
                     .position = PositionInScalar(node, inner_begin + problem.offset),
                     .path = node.path,
                     .message = std::move(message),
                     .hint = std::move(hint)});
    }
    return std::nullopt;
  }
  std::string trimmed = inner;
  trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
  trimmed.erase(trimmed.find_last_not_of(" \t\r\n") + 1);
  canonical_rewrites_.emplace_back(node.path, "${ " + trimmed + " }");
  expression_positions_[node.path] = node.range.begin;
  return Expression{.program = std::move(*program), .range = node.range, .path = node.path};
}

std::optional<Expression> LoaderContext::ExpressionOf(const SourceNode* node,
                                                      const Visible& visible,
                                                      std::string_view what) {
  if (node == nullptr) return std::nullopt;
  if (node->kind == Kind::kString) {
    const std::string& value = node->string();
    const std::size_t begin = value.find_first_not_of(" \t\r\n");
    const std::size_t end = value.find_last_not_of(" \t\r\n");
    if (begin != std::string::npos && value.compare(begin, 2, "${") == 0 && value[end] == '}' &&
        value.find("${", begin + 2) == std::string::npos) {
      return CompileExpression(*node, visible);
    }
  }
  Error(codes::kWrongType, *node, std::string(what) + " must be an expression `${ ... }`",
        node->kind == Kind::kString ? "write `${ " + node->string() + " }`" : "");
  return std::nullopt;
}

std::optional<Expression> LoaderContext::Condition(const SourceNode* node, const Visible& visible,
                                                   std::string_view what) {
  auto expression = ExpressionOf(node, visible, what);
  if (!expression) return std::nullopt;
  const Type& type = expression->program.result_type();
  if (type.kind() != Type::Kind::kBool && !type.is_dyn()) {
    Error(codes::kNotBool, *node,
          std::string(what) + " must be a bool, but this expression is " + type.ToString(),
          "compare it: `${ x != null }`, `${ size(x) > 0 }`");
    return std::nullopt;
  }
  return expression;
}

Template LoaderContext::TemplateOf(const SourceNode& node, const Visible& visible) {
  switch (node.kind) {
    case Kind::kSequence: {
      std::vector<Template> items;
      for (const SourceNode& item : node.items) items.push_back(TemplateOf(item, visible));
      return Template::Array(std::move(items));
    }
    case Kind::kMapping: {
      std::map<std::string, Template> fields;
      for (const SourceNode::Entry& entry : node.entries) {
        fields.emplace(entry.key, TemplateOf(entry.value, visible));
      }
      return Template::Object(std::move(fields));
    }
    case Kind::kString:
      break;
    default:
      return Template::Literal(node.scalar);
  }
  const std::string& value = node.string();
  const std::size_t begin = value.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return Template::Literal(value);
  const std::size_t end = value.find_last_not_of(" \t\r\n");
  const std::string_view trimmed = std::string_view(value).substr(begin, end - begin + 1);
  if (trimmed.starts_with("{{") && trimmed.ends_with("}}")) {
    Error(codes::kForeignExpressionSyntax, node, "`{{ ... }}` is not weft's expression syntax",
          "write `${ " + Trim(trimmed.substr(2, trimmed.size() - 4)) + " }`");
    return Template::Literal(value);
  }
  if (trimmed.starts_with("${{") && trimmed.ends_with("}}")) {
    Error(codes::kForeignExpressionSyntax, node, "`${{ ... }}` is not weft's expression syntax",
          "write `${ " + Trim(trimmed.substr(3, trimmed.size() - 5)) + " }`");
    return Template::Literal(value);
  }
  // Find markers; `$${` is an escaped literal `${`.
  std::string literal;
  bool has_marker = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value.compare(i, 3, "$${") == 0) {
      literal += "${";
      i += 2;
    } else if (value.compare(i, 2, "${") == 0) {
      has_marker = true;
      literal += "${";
      ++i;
    } else {
      literal += value[i];
    }
  }
  if (!has_marker) {
    if (literal != value) canonical_rewrites_.emplace_back(node.path, value);
    return Template::Literal(literal);
  }
  const std::size_t open = value.find("${", begin);
  const bool whole =
      open == begin && trimmed.ends_with('}') && value.find("${", begin + 2) == std::string::npos;
  if (!whole || (begin > 0 && value[begin - 1] == '$')) {
    Error(codes::kSplicedExpression, node,
          "an expression must be the whole string; weft does not splice `${ ... }` into text",
          "build the string inside one expression: `${ \"order \" + input.id }`; write a "
          "literal `${` as `$${`");
    return Template::Literal(value);
  }
  if (auto expression = CompileExpression(node, visible)) {
    return Template::FromExpression(std::move(*expression));
  }
  return Template::Literal(nullptr);
}

std::vector<Assignment> LoaderContext::Assignments(const SourceNode& node, const Visible& visible) {
  std::vector<Assignment> out;
  if (!ExpectMapping(node, "`set`")) return out;
  for (const SourceNode::Entry& entry : node.entries) {
    if (!declarations_.variables.contains(entry.key)) {
      std::vector<std::string_view> candidates(declarations_.variables.begin(),
                                               declarations_.variables.end());
      std::string hint = "declare it under `vars` with its initial value";
      if (auto suggestion = ClosestSpelling(entry.key, candidates)) {
        hint = "did you mean `" + *suggestion + "`? Otherwise " + hint;
      }
      ErrorAtKey(codes::kUnknownVariable, entry, "unknown variable `" + entry.key + "`", hint);
      continue;
    }
    out.push_back(Assignment{.variable = entry.key, .value = TemplateOf(entry.value, visible)});
  }
  return out;
}

}  // namespace weft::dsl::load
