// A run-time value of the evaluator: a JSON value, borrowed from the evaluation's inputs or owned,
// or a duration or timestamp (which JSON cannot represent until they are spelled as strings).
//
// Borrowing is what keeps the hot path free of copies: `input.a == input.b` compares two
// pointers' targets and builds nothing. A borrowed Value must not outlive the JSON it points to;
// the evaluator guarantees that by only borrowing from EvalContext::values and from values held
// by the frames below the current node.
#ifndef WEFT_DSL_EXPR_VALUE_H_
#define WEFT_DSL_EXPR_VALUE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "dsl/expr/time_values.h"

namespace weft::dsl::expr {

class Value {
 public:
  enum class Kind { kBorrowed, kOwned, kDuration, kTimestamp };

  Value() : kind_(Kind::kBorrowed), borrowed_(&kNull) {}  // null
  static Value Borrow(const nlohmann::json& json) {
    Value v;
    v.kind_ = Kind::kBorrowed;
    v.borrowed_ = &json;
    return v;
  }
  static Value Own(nlohmann::json json) {
    Value v;
    v.kind_ = Kind::kOwned;
    v.owned_.emplace(std::move(json));
    return v;
  }
  // Booleans borrow shared constants: comparisons, the commonest results, build nothing.
  static Value Bool(bool b) { return Borrow(b ? kTrue : kFalse); }
  static Value Of(Duration d) {
    Value v;
    v.kind_ = Kind::kDuration;
    v.nanos_ = d.nanos;
    return v;
  }
  static Value Of(Timestamp t) {
    Value v;
    v.kind_ = Kind::kTimestamp;
    v.nanos_ = t.nanos;
    return v;
  }

  Kind kind() const { return kind_; }
  bool is_json() const { return kind_ == Kind::kBorrowed || kind_ == Kind::kOwned; }
  bool is_duration() const { return kind_ == Kind::kDuration; }
  bool is_timestamp() const { return kind_ == Kind::kTimestamp; }
  Duration duration() const { return Duration{nanos_}; }
  Timestamp timestamp() const { return Timestamp{nanos_}; }

  // The JSON value; only for is_json().
  const nlohmann::json& json() const { return kind_ == Kind::kOwned ? *owned_ : *borrowed_; }

  // The value as JSON, durations and timestamps spelled as strings; moves out of owned values.
  nlohmann::json ToJson() &&;

 private:
  static const nlohmann::json kNull;
  static const nlohmann::json kTrue;
  static const nlohmann::json kFalse;

  Kind kind_;
  const nlohmann::json* borrowed_ = nullptr;
  // Engaged only for owned values, so that borrowed ones never construct or destroy a json.
  std::optional<nlohmann::json> owned_;
  std::int64_t nanos_ = 0;
};

// The language's name of a value's type: "null", "bool", "int", "double", "string", "list",
// "map", "duration", "timestamp".
const char* TypeName(const Value& value);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_VALUE_H_
