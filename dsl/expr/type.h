// The static types of the expression language, used by the checker (dsl/expr/checker.h) and by
// callers that describe what a Scope's names hold. `dyn` stands for anything not known until run
// time; the checker accepts dyn wherever a type is required and leaves the check to evaluation.
//
// A Type is an immutable value; composite types share their parts through shared_ptr, so copies
// are cheap. Thread-safe to read from any thread.
#ifndef WEFT_DSL_EXPR_TYPE_H_
#define WEFT_DSL_EXPR_TYPE_H_

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace weft::dsl::expr {

class Type {
 public:
  enum class Kind {
    kDyn,
    kNull,
    kBool,
    kInt,
    kDouble,
    kString,
    kList,    // list<element>
    kMap,     // map<string, element>; a JSON object whose fields are not known
    kObject,  // a JSON object with known fields; `open` when others may exist
    kDuration,
    kTimestamp,
  };

  Type() = default;  // dyn

  static Type Dyn() { return Type(); }
  static Type Null() { return Type(Kind::kNull); }
  static Type Bool() { return Type(Kind::kBool); }
  static Type Int() { return Type(Kind::kInt); }
  static Type Double() { return Type(Kind::kDouble); }
  static Type String() { return Type(Kind::kString); }
  static Type Duration() { return Type(Kind::kDuration); }
  static Type Timestamp() { return Type(Kind::kTimestamp); }
  static Type List(Type element);
  static Type Map(Type element);
  // `open`: fields other than `fields` may be present (reading them gives dyn); a closed object
  // makes reading any other field a compile error.
  static Type Object(std::map<std::string, Type> fields, bool open = true);

  Kind kind() const { return kind_; }
  bool is_dyn() const { return kind_ == Kind::kDyn; }
  // The element type of a list, or the value type of a map (dyn for other kinds).
  const Type& element() const;
  // The known fields of an object (empty for other kinds).
  const std::map<std::string, Type>& fields() const;
  bool open() const { return open_; }

  // "int", "list<string>", "object{a: int, b: dyn, ...}".
  std::string ToString() const;

  friend bool operator==(const Type& a, const Type& b);

 private:
  explicit Type(Kind kind) : kind_(kind) {}

  Kind kind_ = Kind::kDyn;
  bool open_ = true;
  std::shared_ptr<const Type> element_;
  std::shared_ptr<const std::map<std::string, Type>> fields_;
};

// The type a JSON Schema describes, as far as the language can use it: `type` (string or a list
// of one type besides "null"), `properties`, `additionalProperties: false`, `items`, `enum` and
// `const` (typed by their values). Anything else, or anything ambiguous, is dyn. Formats
// "date-time" and "duration" stay strings: convert them with timestamp() and duration().
// The type of a JSON value: scalars exactly, lists and objects with dyn elements.
Type TypeOfJsonValue(const nlohmann::json& value);

Type TypeFromJsonSchema(const nlohmann::json& schema);

}  // namespace weft::dsl::expr

#endif  // WEFT_DSL_EXPR_TYPE_H_
