// Environment: the values a run's expressions read. It holds one JSON object with the roots
// every expression sees ({"input", "vars", "steps", "workflow"}) and evaluates templates and
// expressions against it, with the locals of the fiber that evaluates (loop names, a caught
// error, a handler's payload, the step results of a `foreach` iteration) laid over it for the
// duration of one evaluation.
//
// Laying locals over the roots swaps JSON values in and out (O(1) per name) instead of copying
// the roots, so an evaluation costs what the expression reads, not the size of the state.
//
// Evaluation errors come back as the Failure a step fails with: type `ExpressionError`, with
// file:line:col and the expression language's code in the message.
//
// Not thread-safe; owned by one WorkflowInstance.
#ifndef WEFT_RUNTIME_INTERPRETER_ENVIRONMENT_H_
#define WEFT_RUNTIME_INTERPRETER_ENVIRONMENT_H_

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "dsl/definition.h"
#include "dsl/template.h"
#include "runtime/interpreter/deterministic_random.h"
#include "runtime/interpreter/failure.h"

namespace weft::interpreter {

class Environment {
 public:
  // Errors name `source_map`'s file and positions where it has the expression's path, else
  // `file` and the expression's own range. The map must outlive the Environment.
  Environment(std::string file, const dsl::Definition::SourceMap& source_map);

  nlohmann::json& input() { return roots_["input"]; }
  nlohmann::json& vars() { return roots_["vars"]; }
  nlohmann::json& steps() { return roots_["steps"]; }
  nlohmann::json& workflow() { return roots_["workflow"]; }

  void set_now_unix_ms(std::int64_t now) { now_unix_ms_ = now; }
  std::int64_t now_unix_ms() const { return now_unix_ms_; }
  void Seed(std::uint64_t seed) { random_ = DeterministicRandom(seed); }

  // `locals` is an object of extra root names; its "steps" member, when present, holds step
  // results laid over the shared ones. It is restored before these return.
  std::expected<nlohmann::json, Failure> Evaluate(const dsl::Template& value,
                                                  nlohmann::json& locals);
  std::expected<nlohmann::json, Failure> Evaluate(const dsl::Expression& expression,
                                                  nlohmann::json& locals);
  // A condition: an expression the loader checked to be bool.
  std::expected<bool, Failure> Holds(const dsl::Expression& expression, nlohmann::json& locals);

 private:
  class Overlay;
  std::expected<nlohmann::json, Failure> Build(const dsl::Template& value);
  Failure ExpressionFailure(const dsl::Expression& expression,
                            const dsl::expr::EvalError& error) const;

  // "file:line:col" of the expression as the user wrote it.
  std::string Where(const dsl::Expression& expression) const;

  std::string file_;
  const dsl::Definition::SourceMap& source_map_;
  nlohmann::json roots_ = {{"input", nullptr},
                           {"vars", nlohmann::json::object()},
                           {"steps", nlohmann::json::object()},
                           {"workflow", nlohmann::json::object()}};
  std::int64_t now_unix_ms_ = 0;
  DeterministicRandom random_;
  dsl::expr::EvalContext context_;
};

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_ENVIRONMENT_H_
