// The cost and size budget of one evaluation (Limits in dsl/expr/expression.h). Every node
// evaluated costs a step; functions that scan long strings cost steps in proportion; every value
// built is charged its approximate size in bytes. Running out of either is an error, so no
// expression can stall a workflow task or exhaust its memory. One Budget per evaluation; not
// shared between threads.
#ifndef WEFT_DSL_EXPR_BUDGET_H_
#define WEFT_DSL_EXPR_BUDGET_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "dsl/expr/codes.h"
#include "dsl/expr/failure.h"

namespace weft::dsl::expr {

class Budget {
 public:
  Budget(std::uint64_t max_steps, std::size_t max_bytes)
      : max_steps_(max_steps), max_bytes_(max_bytes) {}

  // The hot path: false once the budget is exhausted (then see StepsExceeded()).
  bool TakeSteps(std::uint64_t n) {
    steps_ += n;
    return steps_ <= max_steps_;
  }
  bool TakeBytes(std::size_t n) {
    bytes_ += n;
    return bytes_ <= max_bytes_;
  }
  Failure StepsExceeded() const {
    return Failure{codes::kStepBudget,
                   "evaluation exceeded its budget of " + std::to_string(max_steps_) + " steps"};
  }
  Failure BytesExceeded() const {
    return Failure{codes::kSizeBudget,
                   "evaluation built more than " + std::to_string(max_bytes_) + " bytes of values"};
  }

  // The same, as error values, for code that propagates them.
  std::expected<void, Failure> Steps(std::uint64_t n) {
    if (!TakeSteps(n)) return std::unexpected(StepsExceeded());
    return {};
  }
  std::expected<void, Failure> Bytes(std::size_t n) {
    if (!TakeBytes(n)) return std::unexpected(BytesExceeded());
    return {};
  }

  // The bytes a JSON value occupies, roughly (containers count their nodes). Iterative, so
  // deeply nested data costs no stack.
  static std::size_t ApproxBytes(const nlohmann::json& value);

  std::uint64_t steps() const { return steps_; }
  std::size_t bytes() const { return bytes_; }

 private:
  std::uint64_t max_steps_;
  std::size_t max_bytes_;
  std::uint64_t steps_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_BUDGET_H_
