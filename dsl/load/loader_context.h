// What the loader's passes share while one definition loads (dsl/loader.h): the file's text and
// options, the diagnostics found so far, the names the document declares, and the checks every
// pass makes of a node's shape (keys, types, names, durations) and of its expressions and
// templates. A failed check adds a diagnostic and returns nothing; the caller carries on, so
// that one load reports every problem of the file.
//
// The passes: the document (dsl/load/document.cc), its steps (dsl/load/steps.h, one load
// function per row of dsl/step_kinds.h) and its handlers (dsl/load/handlers.h).
//
// One LoaderContext per load, on the loading thread only. It refers to the text and options it
// is given, which must outlive it.
#ifndef WEFT_DSL_LOAD_LOADER_CONTEXT_H_
#define WEFT_DSL_LOAD_LOADER_CONTEXT_H_

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/definition.h"
#include "dsl/diagnostic.h"
#include "dsl/duration.h"
#include "dsl/expr/expression.h"
#include "dsl/expr/type.h"
#include "dsl/loader.h"
#include "dsl/source_node.h"
#include "dsl/template.h"

namespace weft::dsl::load {

// What is visible at one point of the document (docs/language.md, "Scopes").
struct Visible {
  std::map<std::string, expr::Type> steps;   // step id -> {result}
  std::map<std::string, expr::Type> locals;  // loop variables, caught error, handler payloads
  bool recorded = true;                      // now(), uuid(), random() allowed
};

// `defaults.call`: what a call step takes when it does not say.
struct CallDefaults {
  Timeouts timeouts;
  RetryPolicy retry;
  bool has_non_retryable = false;
  std::optional<std::string> task_queue;
};

// What the document declares, known before its steps load: the types of the root names, every
// variable (under `vars` or a step's `result`), every step id, the signals and `defaults.call`.
struct Declarations {
  expr::Type input;
  expr::Type vars;
  expr::Type workflow;
  std::set<std::string> variables;
  std::set<std::string> all_step_ids;
  std::set<std::string> signals;
  CallDefaults call_defaults;
};

// Names every expression may see, which loop variables and `as` names may not take.
inline constexpr std::array<std::string_view, 7> kRootNames = {
    "input", "vars", "steps", "workflow", "signal", "update", "query"};

const std::regex& IdentifierPattern();    // steps, variables, branches, loop variables
const std::regex& WorkflowNamePattern();  // `order-clothes`
const std::regex& ExternalNamePattern();  // activities, handlers, error types, task queues

// The spellings other workflow languages use, mapped to this one's: the hint of an unknown key.
const std::map<std::string, std::string, std::less<>>& ForeignSpellings();

// "a mapping", "an integer": a noun with its article, for messages.
std::string WithArticle(std::string_view noun);

class LoaderContext {
 public:
  LoaderContext(std::string_view text, const LoadOptions& options,
                std::vector<Diagnostic> diagnostics);

  const LoadOptions& options() const { return options_; }
  Declarations& declarations() { return declarations_; }
  const Declarations& declarations() const { return declarations_; }
  bool has_errors() const { return !diagnostics_.empty(); }
  std::vector<Diagnostic> TakeDiagnostics() { return std::move(diagnostics_); }
  // Normalized spellings for the canonical form: JSON Pointer -> canonical value.
  const std::vector<std::pair<std::string, nlohmann::json>>& canonical_rewrites() const {
    return canonical_rewrites_;
  }
  // Where each expression was written, by its JSON Pointer path (Definition::source_map).
  const std::map<std::string, SourcePosition>& expression_positions() const {
    return expression_positions_;
  }

  // Records the step id `id` written at `position`; when a step took it before, returns where.
  std::optional<SourcePosition> ClaimStepId(const std::string& id, SourcePosition position) {
    auto [previous, inserted] = step_ids_.emplace(id, position);
    if (inserted) return std::nullopt;
    return previous->second;
  }

  // Diagnostics.
  void Error(const char* code, const SourceNode& node, std::string message, std::string hint = {});
  void Error(const char* code, SourcePosition position, std::string path, std::string message,
             std::string hint = {});
  void ErrorAtKey(const char* code, const SourceNode::Entry& entry, std::string message,
                  std::string hint = {});

  // Shape (dsl/load/loader_context.cc).
  bool ExpectKind(const SourceNode& node, SourceNode::Kind kind, std::string_view what);
  bool ExpectMapping(const SourceNode& node, std::string_view what) {
    return ExpectKind(node, SourceNode::Kind::kMapping, what);
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
  // A loop variable or caught error's name: `fallback` when absent or invalid.
  std::string LocalName(const SourceNode* node, std::string fallback, std::string_view what);

  // Expressions and templates (dsl/load/expressions.cc).
  std::optional<Expression> ExpressionOf(const SourceNode* node, const Visible& visible,
                                         std::string_view what);
  std::optional<Expression> Condition(const SourceNode* node, const Visible& visible,
                                      std::string_view what);
  Template TemplateOf(const SourceNode& node, const Visible& visible);
  std::vector<Assignment> Assignments(const SourceNode& node, const Visible& visible);

 private:
  expr::Scope ScopeFor(const Visible& visible) const;
  std::optional<Expression> CompileExpression(const SourceNode& node, const Visible& visible);
  SourcePosition PositionInScalar(const SourceNode& node, std::size_t index) const;

  std::string_view text_;
  const LoadOptions& options_;
  std::vector<Diagnostic> diagnostics_;
  Declarations declarations_;
  std::map<std::string, SourcePosition> step_ids_;  // seen so far
  std::vector<std::pair<std::string, nlohmann::json>> canonical_rewrites_;
  std::map<std::string, SourcePosition> expression_positions_;
};

}  // namespace weft::dsl::load

#endif  // WEFT_DSL_LOAD_LOADER_CONTEXT_H_
