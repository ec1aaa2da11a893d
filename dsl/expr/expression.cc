#include "dsl/expr/expression.h"

#include <algorithm>
#include <utility>

#include "dsl/expr/checker.h"
#include "dsl/expr/evaluator.h"
#include "dsl/expr/parser.h"
#include "dsl/expr/program.h"

namespace weft::dsl::expr {

Program::Program(std::shared_ptr<const CompiledProgram> compiled)
    : compiled_(std::move(compiled)) {}

const Type& Program::result_type() const { return compiled_->root->type; }

std::string_view Program::source() const { return compiled_->source; }

std::vector<std::string> Program::referenced_roots() const { return compiled_->roots; }

bool Program::uses_recorded_functions() const { return compiled_->uses_recorded_functions; }

std::expected<Program, std::vector<Diagnostic>> Compile(std::string_view source,
                                                        const Scope& scope) {
  auto root = Parse(source);
  if (!root) return std::unexpected(std::vector<Diagnostic>{std::move(root.error())});
  CheckResult checked = Check(**root, scope);
  if (!checked.diagnostics.empty()) return std::unexpected(std::move(checked.diagnostics));
  auto compiled = std::make_shared<CompiledProgram>();
  compiled->source = std::string(source);
  compiled->root = std::move(*root);
  compiled->roots = std::move(checked.roots);
  compiled->local_slots = checked.local_slots;
  compiled->uses_recorded_functions = checked.uses_recorded_functions;
  return Program(std::move(compiled));
}

std::expected<nlohmann::json, EvalError> Evaluate(const Program& program,
                                                  const EvalContext& context) {
  return EvaluateTree(program.compiled(), context);
}

}  // namespace weft::dsl::expr
