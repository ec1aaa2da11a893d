#include "dsl/loader.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <utility>

#include "dsl/codes.h"
#include "dsl/expr/codes.h"
#include "dsl/sha256.h"
#include "dsl/spelling.h"

namespace weft::dsl {
namespace {

using Kind = SourceNode::Kind;
using expr::Type;

constexpr std::array<std::string_view, 12> kStepKinds = {"call",     "set",   "switch", "parallel",
                                                         "foreach",  "while", "wait",   "await",
                                                         "workflow", "try",   "fail",   "return"};

// Names every expression may see, which loop variables and `as` names may not take.
constexpr std::array<std::string_view, 7> kRootNames = {"input",  "vars",   "steps", "workflow",
                                                        "signal", "update", "query"};

// The spellings other workflow languages use, mapped to this one's: the hint of an unknown key.
const std::map<std::string, std::string, std::less<>>& ForeignSpellings() {
  static const auto* spellings = new std::map<std::string, std::string, std::less<>>{
      {"do", "steps"},
      {"tasks", "steps"},
      {"fork", "parallel"},
      {"branches", "parallel"},
      {"sleep", "wait"},
      {"delay", "wait"},
      {"listen", "await"},
      {"activity", "call"},
      {"function", "call"},
      {"http", "call: http.request"},
      {"raise", "fail"},
      {"throw", "fail"},
      {"for", "foreach"},
      {"for_each", "foreach"},
      {"if", "when"},
      {"condition", "when"},
      {"timeout", "timeouts"},
      {"arguments", "args"},
      {"input", "args"},
      {"output", "result"},
      {"backoff", "backoff_coefficient"},
      {"max_interval", "maximum_interval"},
      {"max_attempts", "maximum_attempts"},
      {"non_retryable", "non_retryable_error_types"},
      {"start_to_close_timeout", "start_to_close"},
      {"schedule_to_close_timeout", "schedule_to_close"},
      {"heartbeat_timeout", "heartbeat"},
      {"except", "catch"},
      {"rescue", "catch"},
      {"ensure", "finally"},
      {"sub_workflow", "workflow"},
      {"child_workflow", "workflow"},
      {"variables", "vars"},
      {"params", "input"},
  };
  return *spellings;
}

std::string Trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string WithArticle(std::string_view noun) {
  const bool vowel =
      !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

const std::regex& IdentifierPattern() {
  static const std::regex pattern("^[a-z_][a-z0-9_]{0,62}$");
  return pattern;
}

const std::regex& WorkflowNamePattern() {
  static const std::regex pattern("^[a-z][a-z0-9-]{0,62}$");
  return pattern;
}

const std::regex& ExternalNamePattern() {  // activities, handlers, error types, task queues
  static const std::regex pattern("^[A-Za-z_][A-Za-z0-9_.:-]{0,199}$");
  return pattern;
}

// What is visible at one point of the document.
struct Context {
  std::map<std::string, Type> steps;   // step id -> {result}
  std::map<std::string, Type> locals;  // loop variables, caught error, handler payloads
  bool recorded = true;                // now(), uuid(), random() allowed
};

struct CallDefaults {
  Timeouts timeouts;
  RetryPolicy retry;
  bool has_non_retryable = false;
  std::optional<std::string> task_queue;
};

class Loader {
 public:
  Loader(std::string_view text, const LoadOptions& options) : text_(text), options_(options) {}

  LoadResult Load();

 private:
  // Diagnostics.
  void Error(const char* code, const SourceNode& node, std::string message, std::string hint = {}) {
    Error(code, node.range.begin, node.path, std::move(message), std::move(hint));
  }
  void Error(const char* code, SourcePosition position, std::string path, std::string message,
             std::string hint = {}) {
    diagnostics_.push_back(Diagnostic{.code = code,
                                      .file = options_.file,
                                      .position = position,
                                      .path = std::move(path),
                                      .message = std::move(message),
                                      .hint = std::move(hint)});
  }
  void ErrorAtKey(const char* code, const SourceNode::Entry& entry, std::string message,
                  std::string hint = {}) {
    Error(code, entry.key_range.begin, entry.value.path, std::move(message), std::move(hint));
  }

  // Shape.
  bool ExpectKind(const SourceNode& node, Kind kind, std::string_view what);
  bool ExpectMapping(const SourceNode& node, std::string_view what) {
    return ExpectKind(node, Kind::kMapping, what);
  }
  void CheckKeys(const SourceNode& node, std::initializer_list<std::string_view> allowed,
                 std::string_view where);
  const SourceNode* Required(const SourceNode& node, std::string_view key, std::string_view where,
                             std::string hint = {});
  std::optional<std::string> String(const SourceNode* node, std::string_view what);
  std::optional<std::string> Name(const SourceNode* node, const std::regex& pattern,
                                  std::string_view what, std::string_view rule);
  std::optional<std::int64_t> Integer(const SourceNode* node, std::string_view what,
                                      std::int64_t minimum);
  std::optional<bool> Boolean(const SourceNode* node, std::string_view what);
  std::optional<Duration> DurationOf(const SourceNode* node);

  // Expressions and templates.
  expr::Scope ScopeFor(const Context& context) const;
  std::optional<Expression> CompileExpression(const SourceNode& node, const Context& context);
  std::optional<Expression> ExpressionOf(const SourceNode* node, const Context& context,
                                         std::string_view what);
  std::optional<Expression> Condition(const SourceNode* node, const Context& context,
                                      std::string_view what);
  Template TemplateOf(const SourceNode& node, const Context& context);
  std::vector<Assignment> Assignments(const SourceNode& node, const Context& context);
  SourcePosition PositionInScalar(const SourceNode& node, std::size_t index) const;

  // The document.
  void CollectVariablesAndIds(const SourceNode& node);
  void LoadHandlers(const SourceNode& node);
  CallDefaults LoadCallDefaults(const SourceNode* node);
  void LoadTimeouts(const SourceNode* node, Timeouts& timeouts);
  bool LoadRetry(const SourceNode* node, RetryPolicy& retry);
  ActivityCall LoadActivityCall(const SourceNode& step, const SourceNode& name_node,
                                const Context& context);
  Block LoadBlock(const SourceNode* node, Context context, std::string_view what);
  std::optional<Step> LoadStep(const SourceNode& node, const Context& context);
  std::optional<StepBody> LoadBody(std::string_view kind, const SourceNode& step,
                                   const SourceNode& value, const Context& context);
  std::string LocalName(const SourceNode* node, std::string fallback, std::string_view what);

  std::string_view text_;
  const LoadOptions& options_;
  std::vector<Diagnostic> diagnostics_;
  std::shared_ptr<Definition> definition_ = std::make_shared<Definition>();
  Type input_type_;
  Type vars_type_;
  Type workflow_type_;
  std::set<std::string> variables_;
  std::set<std::string> all_step_ids_;
  std::map<std::string, SourcePosition> step_ids_;  // seen so far
  std::set<std::string> signals_;
  CallDefaults call_defaults_;
  // Normalized spellings for the canonical form: JSON Pointer -> canonical value.
  std::vector<std::pair<std::string, nlohmann::json>> canonical_rewrites_;
};

bool Loader::ExpectKind(const SourceNode& node, Kind kind, std::string_view what) {
  if (node.kind == kind) return true;
  Error(codes::kWrongType, node,
        std::string(what) + " must be " + WithArticle(KindName(kind)) + ", not " +
            WithArticle(KindName(node.kind)));
  return false;
}

void Loader::CheckKeys(const SourceNode& node, std::initializer_list<std::string_view> allowed,
                       std::string_view where) {
  for (const SourceNode::Entry& entry : node.entries) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
    std::vector<std::string_view> candidates(allowed.begin(), allowed.end());
    std::string hint;
    if (auto suggestion = ClosestSpelling(entry.key, candidates)) {
      hint = "did you mean `" + *suggestion + "`?";
    } else if (auto foreign = ForeignSpellings().find(entry.key);
               foreign != ForeignSpellings().end()) {
      const std::string_view target = foreign->second;
      const std::string_view head = target.substr(0, target.find(':'));
      if (std::find(allowed.begin(), allowed.end(), head) != allowed.end()) {
        hint = "weft writes this `" + foreign->second + "`";
      }
    }
    if (hint.empty()) {
      std::string list;
      for (const std::string_view key : allowed) {
        list += list.empty() ? "" : ", ";
        list += key;
      }
      hint = "allowed here: " + list;
    }
    ErrorAtKey(codes::kUnknownKey, entry,
               "unknown key `" + entry.key + "` in " + std::string(where), hint);
  }
}

const SourceNode* Loader::Required(const SourceNode& node, std::string_view key,
                                   std::string_view where, std::string hint) {
  if (const SourceNode* value = node.Find(key)) return value;
  Error(codes::kMissingKey, node, std::string(where) + " needs `" + std::string(key) + "`",
        std::move(hint));
  return nullptr;
}

std::optional<std::string> Loader::String(const SourceNode* node, std::string_view what) {
  if (node == nullptr) return std::nullopt;
  if (!ExpectKind(*node, Kind::kString, what)) return std::nullopt;
  return node->string();
}

std::optional<std::string> Loader::Name(const SourceNode* node, const std::regex& pattern,
                                        std::string_view what, std::string_view rule) {
  auto name = String(node, what);
  if (!name) return std::nullopt;
  if (!std::regex_match(*name, pattern)) {
    Error(codes::kInvalidName, *node, std::string(what) + " `" + *name + "` is not a valid name",
          std::string(rule));
    return std::nullopt;
  }
  return name;
}

std::optional<std::int64_t> Loader::Integer(const SourceNode* node, std::string_view what,
                                            std::int64_t minimum) {
  if (node == nullptr) return std::nullopt;
  if (!ExpectKind(*node, Kind::kInt, what)) return std::nullopt;
  const std::int64_t value = node->scalar.get<std::int64_t>();
  if (value < minimum) {
    Error(codes::kInvalidValue, *node,
          std::string(what) + " must be at least " + std::to_string(minimum));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Loader::Boolean(const SourceNode* node, std::string_view what) {
  if (node == nullptr) return std::nullopt;
  if (!ExpectKind(*node, Kind::kBool, what)) return std::nullopt;
  return node->scalar.get<bool>();
}

std::optional<Duration> Loader::DurationOf(const SourceNode* node) {
  if (node == nullptr) return std::nullopt;
  const std::string hint = "write durations like `30s`, `5m`, `1h30m`, `250ms` or `2d`";
  if (node->kind != Kind::kString) {
    Error(codes::kInvalidDuration, *node,
          "a duration must be a string, not " + WithArticle(KindName(node->kind)), hint);
    return std::nullopt;
  }
  auto duration = ParseDuration(node->string());
  if (!duration) {
    Error(codes::kInvalidDuration, *node, "`" + node->string() + "` is not a duration", hint);
    return std::nullopt;
  }
  canonical_rewrites_.emplace_back(node->path, FormatDuration(*duration));
  return duration;
}

expr::Scope Loader::ScopeFor(const Context& context) const {
  expr::Scope scope;
  scope.names["input"] = input_type_;
  scope.names["vars"] = vars_type_;
  scope.names["workflow"] = workflow_type_;
  scope.names["steps"] = Type::Object(context.steps, /*open=*/false);
  for (const auto& [name, type] : context.locals) scope.names[name] = type;
  scope.allow_recorded_functions = context.recorded;
  return scope;
}

SourcePosition Loader::PositionInScalar(const SourceNode& node, std::size_t index) const {
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
std::optional<Expression> Loader::CompileExpression(const SourceNode& node,
                                                    const Context& context) {
  const std::string& value = node.string();
  const std::size_t open = value.find("${");
  const std::size_t close = value.rfind('}');
  const std::size_t inner_begin = open + 2;
  const std::string inner = value.substr(inner_begin, close - inner_begin);
  auto program = expr::Compile(inner, ScopeFor(context));
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
        if (root == "steps." && !context.steps.contains(field)) {
          code = codes::kUnknownStep;
          if (all_step_ids_.contains(field)) {
            message = "step `" + field + "` is not visible here";
            hint =
                "a step sees the results of the steps before it in its own block and in the "
                "blocks around it; not those inside other blocks, nor later ones";
          } else {
            message = "unknown step `" + field + "`";
            std::vector<std::string_view> visible;
            for (const auto& [id, type] : context.steps) visible.push_back(id);
            if (auto suggestion = ClosestSpelling(field, visible)) {
              hint = "did you mean `" + *suggestion + "`?";
            } else {
              std::string list;
              for (const std::string_view id : visible) {
                list += (list.empty() ? "" : ", ") + std::string(id);
              }
              hint = visible.empty() ? "no step has completed here yet"
                                     : "steps visible here: " + list;
            }
          }
        } else if (root == "vars." && !variables_.contains(field)) {
          code = codes::kUnknownVariable;
          message = "unknown variable `" + field + "`";
          std::vector<std::string_view> candidates(variables_.begin(), variables_.end());
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
  return Expression{.program = std::move(*program), .range = node.range, .path = node.path};
}

std::optional<Expression> Loader::ExpressionOf(const SourceNode* node, const Context& context,
                                               std::string_view what) {
  if (node == nullptr) return std::nullopt;
  if (node->kind == Kind::kString) {
    const std::string& value = node->string();
    const std::size_t begin = value.find_first_not_of(" \t\r\n");
    const std::size_t end = value.find_last_not_of(" \t\r\n");
    if (begin != std::string::npos && value.compare(begin, 2, "${") == 0 && value[end] == '}' &&
        value.find("${", begin + 2) == std::string::npos) {
      return CompileExpression(*node, context);
    }
  }
  Error(codes::kWrongType, *node, std::string(what) + " must be an expression `${ ... }`",
        node->kind == Kind::kString ? "write `${ " + node->string() + " }`" : "");
  return std::nullopt;
}

std::optional<Expression> Loader::Condition(const SourceNode* node, const Context& context,
                                            std::string_view what) {
  auto expression = ExpressionOf(node, context, what);
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

Template Loader::TemplateOf(const SourceNode& node, const Context& context) {
  switch (node.kind) {
    case Kind::kSequence: {
      std::vector<Template> items;
      for (const SourceNode& item : node.items) items.push_back(TemplateOf(item, context));
      return Template::Array(std::move(items));
    }
    case Kind::kMapping: {
      std::map<std::string, Template> fields;
      for (const SourceNode::Entry& entry : node.entries) {
        fields.emplace(entry.key, TemplateOf(entry.value, context));
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
  if (auto expression = CompileExpression(node, context)) {
    return Template::FromExpression(std::move(*expression));
  }
  return Template::Literal(nullptr);
}

std::vector<Assignment> Loader::Assignments(const SourceNode& node, const Context& context) {
  std::vector<Assignment> out;
  if (!ExpectMapping(node, "`set`")) return out;
  for (const SourceNode::Entry& entry : node.entries) {
    if (!variables_.contains(entry.key)) {
      std::vector<std::string_view> candidates(variables_.begin(), variables_.end());
      std::string hint = "declare it under `vars` with its initial value";
      if (auto suggestion = ClosestSpelling(entry.key, candidates)) {
        hint = "did you mean `" + *suggestion + "`? Otherwise " + hint;
      }
      ErrorAtKey(codes::kUnknownVariable, entry, "unknown variable `" + entry.key + "`", hint);
      continue;
    }
    out.push_back(Assignment{.variable = entry.key, .value = TemplateOf(entry.value, context)});
  }
  return out;
}

// Pre-pass: the variables that `result` declares anywhere, and every step id (so that a
// reference to a step that exists but is not visible gets a precise message).
void Loader::CollectVariablesAndIds(const SourceNode& node) {
  if (node.kind == Kind::kMapping) {
    const SourceNode* id = node.Find("id");
    if (id != nullptr && id->is_string()) {
      all_step_ids_.insert(id->string());
      const SourceNode* result = node.Find("result");
      if (result != nullptr && result->is_string() &&
          std::regex_match(result->string(), IdentifierPattern())) {
        variables_.insert(result->string());
      }
    }
    for (const SourceNode::Entry& entry : node.entries) CollectVariablesAndIds(entry.value);
  } else if (node.kind == Kind::kSequence) {
    for (const SourceNode& item : node.items) CollectVariablesAndIds(item);
  }
}

void Loader::LoadTimeouts(const SourceNode* node, Timeouts& timeouts) {
  if (node == nullptr || !ExpectMapping(*node, "`timeouts`")) return;
  CheckKeys(*node, {"start_to_close", "schedule_to_close", "schedule_to_start", "heartbeat"},
            "`timeouts`");
  if (auto d = DurationOf(node->Find("start_to_close"))) timeouts.start_to_close = d;
  if (auto d = DurationOf(node->Find("schedule_to_close"))) timeouts.schedule_to_close = d;
  if (auto d = DurationOf(node->Find("schedule_to_start"))) timeouts.schedule_to_start = d;
  if (auto d = DurationOf(node->Find("heartbeat"))) timeouts.heartbeat = d;
}

bool Loader::LoadRetry(const SourceNode* node, RetryPolicy& retry) {
  if (node == nullptr || !ExpectMapping(*node, "`retry`")) return false;
  CheckKeys(*node,
            {"initial_interval", "backoff_coefficient", "maximum_interval", "maximum_attempts",
             "non_retryable_error_types"},
            "`retry`");
  if (auto d = DurationOf(node->Find("initial_interval"))) retry.initial_interval = d;
  if (auto d = DurationOf(node->Find("maximum_interval"))) retry.maximum_interval = d;
  if (const SourceNode* backoff = node->Find("backoff_coefficient")) {
    if (backoff->kind != Kind::kInt && backoff->kind != Kind::kDouble) {
      ExpectKind(*backoff, Kind::kDouble, "`backoff_coefficient`");
    } else if (backoff->scalar.get<double>() < 1.0) {
      Error(codes::kInvalidValue, *backoff, "`backoff_coefficient` must be at least 1");
    } else {
      retry.backoff_coefficient = backoff->scalar.get<double>();
    }
  }
  if (auto attempts = Integer(node->Find("maximum_attempts"), "`maximum_attempts`", 0)) {
    retry.maximum_attempts = attempts;
  }
  const SourceNode* types = node->Find("non_retryable_error_types");
  if (types != nullptr && ExpectKind(*types, Kind::kSequence, "`non_retryable_error_types`")) {
    for (const SourceNode& type : types->items) {
      if (auto name = Name(&type, ExternalNamePattern(), "error type",
                           "error types are names like `CardDeclined`")) {
        retry.non_retryable_error_types.push_back(*name);
      }
    }
    return true;
  }
  return false;
}

CallDefaults Loader::LoadCallDefaults(const SourceNode* node) {
  CallDefaults defaults;
  if (node == nullptr || !ExpectMapping(*node, "`defaults`")) return defaults;
  CheckKeys(*node, {"call"}, "`defaults`");
  const SourceNode* call = node->Find("call");
  if (call == nullptr || !ExpectMapping(*call, "`defaults.call`")) return defaults;
  CheckKeys(*call, {"timeouts", "retry", "task_queue"}, "`defaults.call`");
  LoadTimeouts(call->Find("timeouts"), defaults.timeouts);
  defaults.has_non_retryable = LoadRetry(call->Find("retry"), defaults.retry);
  if (const SourceNode* queue = call->Find("task_queue")) {
    defaults.task_queue = Name(queue, ExternalNamePattern(), "task queue", "");
  }
  return defaults;
}

ActivityCall Loader::LoadActivityCall(const SourceNode& step, const SourceNode& name_node,
                                      const Context& context) {
  ActivityCall call;
  call.range = step.range;
  call.path = step.path;
  if (name_node.kind == Kind::kMapping) {
    // `call: {lua: "..."}`: an inline chunk, run as the built-in activity lua.inline so that its
    // result is recorded in history like any activity's.
    CheckKeys(name_node, {"lua"}, "`call`");
    if (auto source = String(
            Required(name_node, "lua", "`call`", "an inline call is `call: {lua: \"return ...\"}`"),
            "`lua`")) {
      call.activity = std::string(kInlineLuaActivity);
      call.inline_lua = std::move(*source);
    }
  } else if (auto name = Name(&name_node, ExternalNamePattern(), "activity",
                              "activity names look like `payments.charge`")) {
    call.activity = *name;
  }
  if (const SourceNode* args = step.Find("args")) call.args = TemplateOf(*args, context);
  call.timeouts = call_defaults_.timeouts;
  Timeouts own;
  LoadTimeouts(step.Find("timeouts"), own);
  if (own.start_to_close) call.timeouts.start_to_close = own.start_to_close;
  if (own.schedule_to_close) call.timeouts.schedule_to_close = own.schedule_to_close;
  if (own.schedule_to_start) call.timeouts.schedule_to_start = own.schedule_to_start;
  if (own.heartbeat) call.timeouts.heartbeat = own.heartbeat;
  call.retry = call_defaults_.retry;
  RetryPolicy retry;
  const bool has_types = LoadRetry(step.Find("retry"), retry);
  if (retry.initial_interval) call.retry.initial_interval = retry.initial_interval;
  if (retry.backoff_coefficient) call.retry.backoff_coefficient = retry.backoff_coefficient;
  if (retry.maximum_interval) call.retry.maximum_interval = retry.maximum_interval;
  if (retry.maximum_attempts) call.retry.maximum_attempts = retry.maximum_attempts;
  if (has_types) call.retry.non_retryable_error_types = retry.non_retryable_error_types;
  call.task_queue = call_defaults_.task_queue;
  if (const SourceNode* queue = step.Find("task_queue")) {
    if (auto name = Name(queue, ExternalNamePattern(), "task queue", "")) call.task_queue = name;
  }
  // A call routed to another task queue is served by another worker (a Python or Go SDK's,
  // say): its name is that worker's business.
  if (options_.known_activities && !call.activity.empty() && !call.task_queue &&
      !options_.known_activities->contains(call.activity)) {
    std::vector<std::string_view> candidates(options_.known_activities->begin(),
                                             options_.known_activities->end());
    auto suggestion = ClosestSpelling(call.activity, candidates);
    Error(codes::kUnknownActivity, name_node, "unknown activity `" + call.activity + "`",
          suggestion ? "did you mean `" + *suggestion + "`?"
                     : "`weft activities` lists the registered activities; an activity another "
                       "worker serves needs its `task_queue`");
  }
  if (auto local = Boolean(step.Find("local"), "`local`")) call.local = *local;
  if (!call.timeouts.start_to_close && !call.timeouts.schedule_to_close) {
    Error(codes::kMissingTimeout, name_node,
          "the call of `" + call.activity +
              "` has neither a start_to_close nor a "
              "schedule_to_close timeout",
          "add `timeouts: {start_to_close: 30s}` to the step, or set it for every call in "
          "`defaults: {call: {timeouts: {start_to_close: 30s}}}`");
  }
  return call;
}

std::string Loader::LocalName(const SourceNode* node, std::string fallback, std::string_view what) {
  if (node == nullptr) return fallback;
  auto name = Name(node, IdentifierPattern(), what,
                   "names are lowercase identifiers: letters, digits and `_`");
  if (!name) return fallback;
  if (std::find(kRootNames.begin(), kRootNames.end(), *name) != kRootNames.end()) {
    Error(codes::kReservedName, *node, "`" + *name + "` is a name every expression already has",
          "choose another name");
    return fallback;
  }
  return *name;
}

Block Loader::LoadBlock(const SourceNode* node, Context context, std::string_view what) {
  Block block;
  if (node == nullptr || !ExpectKind(*node, Kind::kSequence, what)) return block;
  if (node->items.empty()) {
    Error(codes::kInvalidValue, *node, std::string(what) + " is empty",
          "a block needs at least one step");
  }
  bool ended = false;
  for (const SourceNode& item : node->items) {
    if (ended) {
      Error(codes::kUnreachableStep, item,
            "this step can never run: the step before it always ends the block",
            "remove it, or guard the step before with `when`");
      ended = false;  // once per block
    }
    auto step = LoadStep(item, context);
    if (!step) continue;
    context.steps[step->id] = Type::Object({{"result", Type::Dyn()}}, /*open=*/false);
    const StepKind kind = step->kind();
    if ((kind == StepKind::kReturn || kind == StepKind::kFail) && !step->when) ended = true;
    block.push_back(std::move(*step));
  }
  return block;
}

std::optional<Step> Loader::LoadStep(const SourceNode& node, const Context& context) {
  if (!ExpectMapping(node, "a step")) return std::nullopt;
  Step step;
  step.range = node.range;
  step.path = node.path;
  // The kind: exactly one of the twelve kind keys.
  const SourceNode::Entry* kind_entry = nullptr;
  for (const SourceNode::Entry& entry : node.entries) {
    if (std::find(kStepKinds.begin(), kStepKinds.end(), entry.key) == kStepKinds.end()) continue;
    if (kind_entry != nullptr) {
      ErrorAtKey(codes::kStepKind, entry,
                 "a step has exactly one kind, but this one has `" + kind_entry->key + "` and `" +
                     entry.key + "`",
                 "split it into two steps");
      continue;
    }
    kind_entry = &entry;
  }
  const SourceNode* id = node.Find("id");
  if (id == nullptr) {
    Error(codes::kMissingKey, node, "a step needs an `id`",
          "ids are lowercase identifiers, unique in the definition: `id: charge_card`");
  } else if (auto name = Name(id, IdentifierPattern(), "step id",
                              "step ids are lowercase identifiers (letters, digits, `_`), so "
                              "that `steps.<id>.result` reads in expressions")) {
    step.id = *name;
    if (auto [previous, inserted] = step_ids_.emplace(*name, id->range.begin); !inserted) {
      Error(codes::kDuplicateStepId, *id, "duplicate step id `" + *name + "`",
            "the first is at line " + std::to_string(previous->second.line) +
                "; ids are unique in the whole definition");
    }
  }
  std::vector<std::string_view> allowed = {"id", "description", "when", "result"};
  if (kind_entry != nullptr) allowed.push_back(kind_entry->key);
  if (kind_entry != nullptr && kind_entry->key == "call") {
    for (const auto* key : {"args", "timeouts", "retry", "task_queue", "local", "compensate"}) {
      allowed.push_back(key);
    }
  }
  if (kind_entry == nullptr) {
    std::string hint =
        "add one of call, set, switch, parallel, foreach, while, wait, await, workflow, try, "
        "fail, return";
    for (const SourceNode::Entry& entry : node.entries) {
      if (auto foreign = ForeignSpellings().find(entry.key); foreign != ForeignSpellings().end()) {
        const std::string& target = foreign->second;
        const std::string head = target.substr(0, target.find(':'));
        if (std::find(kStepKinds.begin(), kStepKinds.end(), head) != kStepKinds.end()) {
          hint = "`" + entry.key + "` is not a step kind; weft writes it `" + target + "`";
        }
      } else if (auto close = ClosestSpelling(
                     entry.key,
                     std::vector<std::string_view>(kStepKinds.begin(), kStepKinds.end()))) {
        hint = "did you mean `" + *close + "`?";
      }
    }
    Error(codes::kStepKind, node, "the step has no kind", hint);
    return std::nullopt;
  }
  // Unknown keys (with the kind's own keys allowed).
  for (const SourceNode::Entry& entry : node.entries) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
    if (std::find(kStepKinds.begin(), kStepKinds.end(), entry.key) != kStepKinds.end()) continue;
    std::vector<std::string_view> candidates(allowed.begin(), allowed.end());
    std::string hint;
    if (auto suggestion = ClosestSpelling(entry.key, candidates)) {
      hint = "did you mean `" + *suggestion + "`?";
    } else if (auto foreign = ForeignSpellings().find(entry.key);
               foreign != ForeignSpellings().end() &&
               std::find(allowed.begin(), allowed.end(), foreign->second) != allowed.end()) {
      hint = "weft writes this `" + foreign->second + "`";
    } else {
      std::string list;
      for (const std::string_view key : allowed)
        list += (list.empty() ? "" : ", ") + std::string(key);
      hint = "a `" + kind_entry->key + "` step takes: " + list;
    }
    ErrorAtKey(codes::kUnknownKey, entry,
               "unknown key `" + entry.key + "` in a `" + kind_entry->key + "` step", hint);
  }
  if (const SourceNode* description = node.Find("description")) {
    step.description = String(description, "`description`").value_or("");
  }
  if (const SourceNode* when = node.Find("when")) step.when = Condition(when, context, "`when`");
  if (const SourceNode* result = node.Find("result")) {
    static const std::set<std::string_view> kWithResult = {"call", "parallel", "foreach", "await",
                                                           "workflow"};
    if (!kWithResult.contains(kind_entry->key)) {
      Error(codes::kInvalidValue, *result, "a `" + kind_entry->key + "` step has no result to keep",
            "`result` is for call, parallel, foreach, await and workflow steps");
    } else {
      step.result = Name(result, IdentifierPattern(), "variable",
                         "variables are lowercase identifiers: letters, digits and `_`");
    }
  }
  auto body = LoadBody(kind_entry->key, node, kind_entry->value, context);
  if (!body) return std::nullopt;
  step.body = std::move(*body);
  return step;
}

std::optional<StepBody> Loader::LoadBody(std::string_view kind, const SourceNode& step,
                                         const SourceNode& value, const Context& context) {
  if (kind == "call") {
    CallStep call;
    call.call = LoadActivityCall(step, value, context);
    if (const SourceNode* compensate = step.Find("compensate");
        compensate != nullptr && ExpectMapping(*compensate, "`compensate`")) {
      CheckKeys(*compensate, {"call", "args", "timeouts", "retry", "task_queue", "local"},
                "`compensate`");
      // A compensation runs after this step succeeded: its own result is visible.
      Context after = context;
      if (const SourceNode* id = step.Find("id"); id != nullptr && id->is_string()) {
        after.steps[id->string()] = Type::Object({{"result", Type::Dyn()}}, false);
      }
      if (const SourceNode* name = Required(*compensate, "call", "`compensate`")) {
        call.compensate = LoadActivityCall(*compensate, *name, after);
      }
    }
    return call;
  }
  if (kind == "set") {
    SetStep set;
    set.assignments = Assignments(value, context);
    if (value.kind == Kind::kMapping && value.entries.empty()) {
      Error(codes::kInvalidValue, value, "`set` assigns nothing");
    }
    return set;
  }
  if (kind == "switch") {
    SwitchStep out;
    if (!ExpectMapping(value, "`switch`")) return std::nullopt;
    CheckKeys(value, {"cases", "default"}, "`switch`");
    const SourceNode* cases = Required(value, "cases", "`switch`");
    if (cases != nullptr && ExpectKind(*cases, Kind::kSequence, "`cases`")) {
      for (const SourceNode& item : cases->items) {
        if (!ExpectMapping(item, "a case")) continue;
        CheckKeys(item, {"when", "steps"}, "a case");
        auto when = Condition(Required(item, "when", "a case"), context, "`when`");
        Block steps = LoadBlock(Required(item, "steps", "a case"), context, "`steps`");
        if (when)
          out.cases.push_back(SwitchCase{.when = std::move(*when), .steps = std::move(steps)});
      }
    }
    if (const SourceNode* fallback = value.Find("default")) {
      out.default_steps = LoadBlock(fallback, context, "`default`");
    }
    return out;
  }
  if (kind == "parallel") {
    ParallelStep out;
    if (!ExpectMapping(value, "`parallel`")) return std::nullopt;
    CheckKeys(value, {"mode", "branches"}, "`parallel`");
    if (const SourceNode* mode = value.Find("mode")) {
      if (auto text = String(mode, "`mode`")) {
        if (*text == "any") {
          out.mode = ParallelStep::Mode::kAny;
        } else if (*text != "all") {
          Error(codes::kInvalidValue, *mode, "`mode` is `all` or `any`, not `" + *text + "`",
                "all: wait for every branch; any: the first to finish wins");
        }
      }
    }
    const SourceNode* branches = Required(value, "branches", "`parallel`");
    if (branches != nullptr && ExpectKind(*branches, Kind::kSequence, "`branches`")) {
      std::set<std::string> ids;
      for (const SourceNode& item : branches->items) {
        if (!ExpectMapping(item, "a branch")) continue;
        CheckKeys(item, {"id", "steps"}, "a branch");
        ParallelBranch branch;
        if (auto id = Name(Required(item, "id", "a branch"), IdentifierPattern(), "branch id",
                           "branch ids are lowercase identifiers")) {
          branch.id = *id;
          if (!ids.insert(*id).second) {
            Error(codes::kDuplicateBranchId, *item.Find("id"), "duplicate branch id `" + *id + "`");
          }
        }
        branch.steps = LoadBlock(Required(item, "steps", "a branch"), context, "`steps`");
        out.branches.push_back(std::move(branch));
      }
      if (branches->items.size() < 2) {
        Error(codes::kInvalidValue, *branches, "`parallel` needs at least two branches");
      }
    }
    return out;
  }
  if (kind == "foreach") {
    if (!ExpectMapping(value, "`foreach`")) return std::nullopt;
    CheckKeys(value, {"in", "as", "index", "concurrency", "steps", "collect"}, "`foreach`");
    auto in = ExpressionOf(Required(value, "in", "`foreach`"), context, "`in`");
    if (in) {
      const Type& type = in->program.result_type();
      if (type.kind() != Type::Kind::kList && !type.is_dyn()) {
        Error(codes::kNotList, *value.Find("in"),
              "`in` must be a list, but this expression is " + type.ToString());
      }
    }
    const std::string as = LocalName(value.Find("as"), "item", "`as`");
    const std::string index = LocalName(value.Find("index"), "index", "`index`");
    if (as == index) Error(codes::kInvalidValue, value, "`as` and `index` name the same variable");
    std::int64_t concurrency = 1;
    if (auto n = Integer(value.Find("concurrency"), "`concurrency`", 1)) concurrency = *n;
    Context inner = context;
    inner.locals[as] = in ? in->program.result_type().element() : Type::Dyn();
    inner.locals[index] = Type::Int();
    Block steps = LoadBlock(Required(value, "steps", "`foreach`"), inner, "`steps`");
    std::optional<Expression> collect;
    if (const SourceNode* collect_node = value.Find("collect")) {
      Context after = inner;
      for (const Step& s : steps)
        after.steps[s.id] = Type::Object({{"result", Type::Dyn()}}, false);
      collect = ExpressionOf(collect_node, after, "`collect`");
    }
    if (!in) return std::nullopt;
    return ForeachStep{.in = std::move(*in),
                       .as = as,
                       .index = index,
                       .concurrency = concurrency,
                       .steps = std::move(steps),
                       .collect = std::move(collect)};
  }
  if (kind == "while") {
    if (!ExpectMapping(value, "`while`")) return std::nullopt;
    CheckKeys(value, {"condition", "max_iterations", "steps"}, "`while`");
    auto condition = Condition(Required(value, "condition", "`while`"), context, "`condition`");
    std::int64_t max_iterations = 0;
    if (const SourceNode* max = value.Find("max_iterations")) {
      max_iterations = Integer(max, "`max_iterations`", 1).value_or(0);
    } else {
      Error(codes::kMissingMaxIterations, value, "`while` needs `max_iterations`",
            "bound every loop, e.g. `max_iterations: 100`; a loop that reaches it fails");
    }
    Block steps = LoadBlock(Required(value, "steps", "`while`"), context, "`steps`");
    if (!condition) return std::nullopt;
    return WhileStep{.condition = std::move(*condition),
                     .max_iterations = max_iterations,
                     .steps = std::move(steps)};
  }
  if (kind == "wait") {
    WaitStep out;
    if (value.kind == Kind::kString && value.string().find("${") != std::string::npos) {
      out.duration_expression = ExpressionOf(&value, context, "`wait`");
      return out;
    }
    if (value.kind != Kind::kMapping) {
      out.duration = DurationOf(&value);
      return out;
    }
    CheckKeys(value, {"for", "until"}, "`wait`");
    const SourceNode* for_node = value.Find("for");
    const SourceNode* until = value.Find("until");
    if ((for_node == nullptr) == (until == nullptr)) {
      Error(codes::kConflictingKeys, value, "`wait` takes exactly one of `for` and `until`",
            "`wait: 5m`, `wait: {for: ${ duration(input.delay) }}` or "
            "`wait: {until: ${ timestamp(input.deadline) }}`");
      return out;
    }
    if (for_node != nullptr) {
      if (for_node->is_string() && for_node->string().find("${") != std::string::npos) {
        out.duration_expression = ExpressionOf(for_node, context, "`for`");
      } else {
        out.duration = DurationOf(for_node);
      }
    } else {
      out.until = ExpressionOf(until, context, "`until`");
    }
    return out;
  }
  if (kind == "await") {
    AwaitStep out;
    if (!ExpectMapping(value, "`await`")) return std::nullopt;
    CheckKeys(value, {"signal", "condition", "timeout"}, "`await`");
    const SourceNode* signal = value.Find("signal");
    const SourceNode* condition = value.Find("condition");
    if ((signal == nullptr) == (condition == nullptr)) {
      Error(codes::kConflictingKeys, value, "`await` takes exactly one of `signal` and `condition`",
            "`await: {signal: approve, timeout: 48h}` or "
            "`await: {condition: ${ vars.approved }, timeout: 48h}`");
    }
    if (signal != nullptr) {
      if (auto name = Name(signal, ExternalNamePattern(), "signal", "")) {
        out.signal = name;
        if (!signals_.contains(*name)) {
          std::vector<std::string_view> candidates(signals_.begin(), signals_.end());
          auto suggestion = ClosestSpelling(*name, candidates);
          Error(codes::kUnknownSignal, *signal, "unknown signal `" + *name + "`",
                suggestion ? "did you mean `" + *suggestion + "`?"
                           : "declare it under `handlers: {signals: {" + *name + ": {}}}`");
        }
      }
    }
    if (condition != nullptr) out.condition = Condition(condition, context, "`condition`");
    if (const SourceNode* timeout = value.Find("timeout")) out.timeout = DurationOf(timeout);
    return out;
  }
  if (kind == "workflow") {
    ChildWorkflowStep out;
    if (!ExpectMapping(value, "`workflow`")) return std::nullopt;
    CheckKeys(value, {"name", "version", "input", "id", "task_queue", "wait", "parent_close"},
              "`workflow`");
    out.name = Name(Required(value, "name", "`workflow`"), WorkflowNamePattern(), "workflow name",
                    "workflow names are lowercase words joined by `-`")
                   .value_or("");
    if (const SourceNode* version = value.Find("version")) {
      out.version = Integer(version, "`version`", 1);
    }
    if (const SourceNode* input = value.Find("input")) out.input = TemplateOf(*input, context);
    if (const SourceNode* id = value.Find("id")) out.workflow_id = TemplateOf(*id, context);
    if (const SourceNode* queue = value.Find("task_queue")) {
      out.task_queue = Name(queue, ExternalNamePattern(), "task queue", "");
    }
    if (auto wait = Boolean(value.Find("wait"), "`wait`")) out.wait = *wait;
    if (const SourceNode* policy = value.Find("parent_close")) {
      if (auto text = String(policy, "`parent_close`")) {
        if (*text == "terminate") {
          out.parent_close = ChildWorkflowStep::ParentClose::kTerminate;
        } else if (*text == "request_cancel") {
          out.parent_close = ChildWorkflowStep::ParentClose::kRequestCancel;
        } else if (*text == "abandon") {
          out.parent_close = ChildWorkflowStep::ParentClose::kAbandon;
        } else {
          Error(
              codes::kInvalidValue, *policy,
              "`parent_close` is `terminate`, `request_cancel` or `abandon`, not `" + *text + "`");
        }
      }
    }
    return out;
  }
  if (kind == "try") {
    TryStep out;
    if (!ExpectMapping(value, "`try`")) return std::nullopt;
    CheckKeys(value, {"steps", "catch", "finally"}, "`try`");
    out.steps = LoadBlock(Required(value, "steps", "`try`"), context, "`steps`");
    const SourceNode* catches = value.Find("catch");
    const SourceNode* finally = value.Find("finally");
    if (catches == nullptr && finally == nullptr) {
      Error(codes::kMissingKey, value, "`try` needs `catch`, `finally` or both");
    }
    if (catches != nullptr && ExpectKind(*catches, Kind::kSequence, "`catch`")) {
      for (const SourceNode& item : catches->items) {
        if (!ExpectMapping(item, "a catch clause")) continue;
        CheckKeys(item, {"errors", "when", "as", "compensate", "steps"}, "a catch clause");
        CatchClause clause;
        if (const SourceNode* errors = item.Find("errors");
            errors != nullptr && ExpectKind(*errors, Kind::kSequence, "`errors`")) {
          for (const SourceNode& type : errors->items) {
            if (auto name = Name(&type, ExternalNamePattern(), "error type", "")) {
              clause.errors.push_back(*name);
            }
          }
        }
        clause.as = LocalName(item.Find("as"), "error", "`as`");
        Context inner = context;
        inner.locals[clause.as] = Type::Object({{"type", Type::String()},
                                                {"message", Type::String()},
                                                {"details", Type::Dyn()},
                                                {"retryable", Type::Bool()},
                                                {"step", Type::String()}},
                                               /*open=*/false);
        if (const SourceNode* when = item.Find("when")) {
          clause.when = Condition(when, inner, "`when`");
        }
        if (auto compensate = Boolean(item.Find("compensate"), "`compensate`")) {
          clause.compensate = *compensate;
        }
        if (const SourceNode* steps = item.Find("steps")) {
          clause.steps = LoadBlock(steps, inner, "`steps`");
        } else if (!clause.compensate) {
          Error(codes::kMissingKey, item, "a catch clause needs `steps` or `compensate: true`");
        }
        out.catches.push_back(std::move(clause));
      }
    }
    if (finally != nullptr) out.finally_steps = LoadBlock(finally, context, "`finally`");
    return out;
  }
  if (kind == "fail") {
    FailStep out;
    if (!ExpectMapping(value, "`fail`")) return std::nullopt;
    CheckKeys(value, {"type", "message", "details", "retryable"}, "`fail`");
    out.type = Name(Required(value, "type", "`fail`", "the error type that `catch` matches"),
                    ExternalNamePattern(), "error type", "error types are names like `Rejected`")
                   .value_or("");
    if (const SourceNode* message = value.Find("message")) {
      out.message = TemplateOf(*message, context);
    }
    if (const SourceNode* details = value.Find("details")) {
      out.details = TemplateOf(*details, context);
    }
    if (auto retryable = Boolean(value.Find("retryable"), "`retryable`")) {
      out.retryable = *retryable;
    }
    return out;
  }
  // return
  ReturnStep out;
  if (value.kind != Kind::kMapping) {
    out.output = TemplateOf(value, context);
    return out;
  }
  CheckKeys(value, {"output", "continue_as_new"}, "`return`");
  const SourceNode* output = value.Find("output");
  const SourceNode* next = value.Find("continue_as_new");
  if ((output == nullptr) == (next == nullptr)) {
    Error(codes::kConflictingKeys, value,
          "`return` takes exactly one of `output` and `continue_as_new`",
          "`return: ${ vars.total }`, `return: {output: {ok: true}}` or "
          "`return: {continue_as_new: {input: ${ input }}}`");
    return out;
  }
  if (output != nullptr) {
    out.output = TemplateOf(*output, context);
  } else if (ExpectMapping(*next, "`continue_as_new`")) {
    CheckKeys(*next, {"input"}, "`continue_as_new`");
    const SourceNode* input = next->Find("input");
    out.continue_as_new_input = input ? TemplateOf(*input, context) : Template();
  }
  return out;
}

void Loader::LoadHandlers(const SourceNode& node) {
  if (!ExpectMapping(node, "`handlers`")) return;
  CheckKeys(node, {"queries", "signals", "updates"}, "`handlers`");
  std::map<std::string, std::string> kinds;  // handler name -> "query", "signal", "update"
  const auto claim = [&](const SourceNode::Entry& entry, const std::string& kind) {
    if (!std::regex_match(entry.key, ExternalNamePattern())) {
      ErrorAtKey(codes::kInvalidName, entry, "`" + entry.key + "` is not a valid handler name",
                 "handler names are letters, digits, `_`, `-` and `.`");
      return false;
    }
    auto [previous, inserted] = kinds.emplace(entry.key, kind);
    if (!inserted) {
      ErrorAtKey(codes::kHandlerClash, entry,
                 "`" + entry.key + "` is both " + WithArticle(previous->second) + " and " +
                     WithArticle(kind),
                 "a client names the handler it calls: give each a distinct name");
      return false;
    }
    return true;
  };
  Context base;
  base.recorded = false;
  if (const SourceNode* queries = node.Find("queries");
      queries != nullptr && ExpectMapping(*queries, "`queries`")) {
    for (const SourceNode::Entry& entry : queries->entries) {
      if (!claim(entry, "query")) continue;
      Context context = base;
      context.locals["query"] = Type::Dyn();
      const SourceNode* value = &entry.value;
      std::string description;
      if (value->kind == Kind::kMapping) {
        CheckKeys(*value, {"value", "description"}, "a query");
        description = String(value->Find("description"), "`description`").value_or("");
        value = Required(*value, "value", "a query");
      }
      if (auto expression = ExpressionOf(value, context, "a query's value")) {
        definition_->queries.push_back(QueryHandler{.name = entry.key,
                                                    .value = std::move(*expression),
                                                    .description = description,
                                                    .range = entry.value.range});
      }
    }
  }
  if (const SourceNode* signals = node.Find("signals");
      signals != nullptr && ExpectMapping(*signals, "`signals`")) {
    for (const SourceNode::Entry& entry : signals->entries) {
      if (!claim(entry, "signal")) continue;
      signals_.insert(entry.key);
      SignalHandler handler{.name = entry.key, .range = entry.value.range};
      if (entry.value.kind != Kind::kNull && ExpectMapping(entry.value, "a signal handler")) {
        CheckKeys(entry.value, {"set", "description"}, "a signal handler");
        Context context;
        context.locals["signal"] = Type::Dyn();
        handler.description = String(entry.value.Find("description"), "`description`").value_or("");
        if (const SourceNode* set = entry.value.Find("set")) {
          handler.assignments = Assignments(*set, context);
        }
      }
      definition_->signals.push_back(std::move(handler));
    }
  }
  if (const SourceNode* updates = node.Find("updates");
      updates != nullptr && ExpectMapping(*updates, "`updates`")) {
    for (const SourceNode::Entry& entry : updates->entries) {
      if (!claim(entry, "update")) continue;
      UpdateHandler handler{.name = entry.key, .range = entry.value.range};
      if (!ExpectMapping(entry.value, "an update handler")) continue;
      CheckKeys(entry.value, {"validate", "set", "result", "description"}, "an update handler");
      Context context;
      context.locals["update"] = Type::Dyn();
      handler.description = String(entry.value.Find("description"), "`description`").value_or("");
      if (const SourceNode* validate = entry.value.Find("validate")) {
        Context validator = context;
        validator.recorded = false;  // runs outside history
        handler.validate = Condition(validate, validator, "`validate`");
      }
      if (const SourceNode* set = entry.value.Find("set")) {
        handler.assignments = Assignments(*set, context);
      }
      if (const SourceNode* result = entry.value.Find("result")) {
        handler.result = TemplateOf(*result, context);
      }
      definition_->updates.push_back(std::move(handler));
    }
  }
}

LoadResult Loader::Load() {
  ReadResult read = ReadYaml(text_, options_.file, options_.limits);
  diagnostics_ = std::move(read.diagnostics);
  if (!read.root) return std::unexpected(std::move(diagnostics_));
  const SourceNode& root = *read.root;
  Definition& def = *definition_;
  def.file = options_.file;
  if (!ExpectMapping(root, "a definition")) return std::unexpected(std::move(diagnostics_));
  CheckKeys(root,
            {"dsl", "name", "version", "description", "input", "vars", "defaults", "handlers",
             "steps", "output", "on_failure", "timeout", "search_attributes", "memo"},
            "the definition");

  const SourceNode* dsl = root.Find("dsl");
  if (dsl == nullptr) {
    Error(codes::kDslVersion, SourcePosition{.line = 1, .column = 1}, "",
          "the definition does not say which language version it is written in",
          "start the file with `dsl: 1`");
  } else if (dsl->kind != Kind::kInt || dsl->scalar.get<std::int64_t>() != 1) {
    Error(codes::kDslVersion, *dsl,
          "unknown language version `" + dsl->ToJson().dump() + "`; this weft reads `dsl: 1`",
          "write `dsl: 1`");
  }
  if (auto name = Name(Required(root, "name", "the definition", "e.g. `name: order-clothes`"),
                       WorkflowNamePattern(), "workflow name",
                       "workflow names are lowercase words joined by `-`: `order-clothes`")) {
    def.name = *name;
  }
  if (auto version = Integer(root.Find("version"), "`version`", 1)) def.version = *version;
  def.description = String(root.Find("description"), "`description`").value_or("");
  if (const SourceNode* input = root.Find("input"); input && ExpectMapping(*input, "`input`")) {
    def.input_schema = input->ToJson();
    input_type_ = expr::TypeFromJsonSchema(def.input_schema);
  } else {
    def.input_schema = nlohmann::json::object();
  }
  workflow_type_ = Type::Object({{"id", Type::String()},
                                 {"run_id", Type::String()},
                                 {"name", Type::String()},
                                 {"version", Type::Int()},
                                 {"sha256", Type::String()},
                                 {"attempt", Type::Int()},
                                 {"start_time", Type::Timestamp()},
                                 {"task_queue", Type::String()}},
                                /*open=*/false);

  // Variables: declared in `vars`, or by a step's `result`.
  const SourceNode* vars = root.Find("vars");
  if (vars != nullptr && ExpectMapping(*vars, "`vars`")) {
    for (const SourceNode::Entry& entry : vars->entries) {
      if (!std::regex_match(entry.key, IdentifierPattern())) {
        ErrorAtKey(codes::kInvalidName, entry, "`" + entry.key + "` is not a valid variable name",
                   "variables are lowercase identifiers: letters, digits and `_`");
        continue;
      }
      variables_.insert(entry.key);
    }
  }
  if (const SourceNode* steps = root.Find("steps")) CollectVariablesAndIds(*steps);
  std::map<std::string, Type> var_fields;
  for (const std::string& name : variables_) var_fields[name] = Type::Dyn();
  vars_type_ = Type::Object(std::move(var_fields), /*open=*/false);
  def.variables.assign(variables_.begin(), variables_.end());
  if (vars != nullptr && vars->kind == Kind::kMapping) {
    Context context;
    context.locals.clear();
    for (const SourceNode::Entry& entry : vars->entries) {
      if (!variables_.contains(entry.key)) continue;
      def.vars.push_back(
          Assignment{.variable = entry.key, .value = TemplateOf(entry.value, context)});
    }
  }

  call_defaults_ = LoadCallDefaults(root.Find("defaults"));
  if (const SourceNode* handlers = root.Find("handlers")) LoadHandlers(*handlers);

  Context top;
  if (const SourceNode* steps = Required(root, "steps", "the definition",
                                         "`steps:` is the list of steps the workflow runs")) {
    def.steps = LoadBlock(steps, top, "`steps`");
    for (const Step& step : def.steps) {
      top.steps[step.id] = Type::Object({{"result", Type::Dyn()}}, false);
    }
  }
  if (const SourceNode* output = root.Find("output")) def.output = TemplateOf(*output, top);
  if (const SourceNode* on_failure = root.Find("on_failure")) {
    if (auto text = String(on_failure, "`on_failure`")) {
      if (*text == "compensate") {
        def.on_failure = Definition::OnFailure::kCompensate;
      } else if (*text != "fail") {
        Error(codes::kInvalidValue, *on_failure,
              "`on_failure` is `fail` or `compensate`, not `" + *text + "`",
              "compensate: run the compensations of completed calls, newest first, then fail");
      }
    }
  }
  if (const SourceNode* timeout = root.Find("timeout")) def.timeout = DurationOf(timeout);
  for (const char* key : {"search_attributes", "memo"}) {
    const SourceNode* node = root.Find(key);
    if (node == nullptr || !ExpectMapping(*node, std::string("`") + key + "`")) continue;
    auto& target = std::string_view(key) == "memo" ? def.memo : def.search_attributes;
    for (const SourceNode::Entry& entry : node->entries) {
      if (!std::regex_match(entry.key, ExternalNamePattern())) {
        ErrorAtKey(codes::kInvalidName, entry, "`" + entry.key + "` is not a valid name");
        continue;
      }
      target.emplace(entry.key, TemplateOf(entry.value, Context{}));
    }
  }

  if (!diagnostics_.empty()) {
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return a.position.offset < b.position.offset;
                     });
    return std::unexpected(std::move(diagnostics_));
  }
  // The canonical form: the document as JSON (comments, formatting and key order gone, aliases
  // expanded), with durations and expression delimiters in their one canonical spelling.
  def.canonical = root.ToJson();
  for (const auto& [path, value] : canonical_rewrites_) {
    def.canonical[nlohmann::json::json_pointer(path)] = value;
  }
  def.sha256 = Sha256Hex(def.canonical.dump());
  return std::shared_ptr<const Definition>(std::move(definition_));
}

}  // namespace

LoadResult LoadDefinition(std::string_view text, const LoadOptions& options) {
  Loader loader(text, options);
  return loader.Load();
}

LoadResult LoadDefinitionFile(const std::filesystem::path& path, LoadOptions options) {
  if (options.file.empty()) options.file = path.string();
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > options.limits.max_bytes) {
    // Refuse before reading: a hostile file must not cost its size in memory.
    return std::unexpected(std::vector<Diagnostic>{
        Diagnostic{.code = codes::kFileTooLarge,
                   .file = options.file,
                   .position = SourcePosition{.line = 1, .column = 1},
                   .message = "the definition is " + std::to_string(size) +
                              " bytes; the limit is " + std::to_string(options.limits.max_bytes),
                   .hint = "move large data out of the definition: pass it as input"}});
  }
  std::ifstream in(path, std::ios::binary);
  if (error || !in) {
    return std::unexpected(std::vector<Diagnostic>{Diagnostic{
        .code = codes::kUnreadableFile,
        .file = options.file,
        .message = "cannot read the file" + (error ? ": " + error.message() : std::string()),
        .hint = ""}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return LoadDefinition(text.str(), options);
}

}  // namespace weft::dsl
