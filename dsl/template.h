// The values a definition computes at run time: `args`, `input`, `output`, `set` values, handler
// results... A Template is JSON in which any string that is exactly `${ ... }` is an expression;
// its value keeps its JSON type (a number stays a number). There is no splicing of expressions
// into strings: `"order ${ id }"` is an error at load time, and `${ "order " + id }` builds the
// string. `$${` writes a literal `${`.
//
// Immutable once loaded; sub-trees without expressions are stored as one literal, so a constant
// costs one JSON copy. Evaluate() may be called from many threads at once.
#ifndef WEFT_DSL_TEMPLATE_H_
#define WEFT_DSL_TEMPLATE_H_

#include <expected>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dsl/expr/expression.h"
#include "dsl/source_range.h"

namespace weft::dsl {

// One compiled `${ ... }` and where it is written.
struct Expression {
  expr::Program program;
  SourceRange range;  // of the YAML scalar holding it
  std::string path;   // JSON Pointer of that scalar
};

class Template {
 public:
  enum class Kind { kLiteral, kExpression, kArray, kObject };

  Template() = default;  // the literal null
  static Template Literal(nlohmann::json value);
  static Template FromExpression(Expression expression);
  // Arrays and objects whose parts are all literals collapse into one literal.
  static Template Array(std::vector<Template> items);
  static Template Object(std::map<std::string, Template> fields);

  Kind kind() const { return kind_; }
  bool is_literal() const { return kind_ == Kind::kLiteral; }
  const nlohmann::json& literal() const { return literal_; }                 // kLiteral
  const Expression& expression() const { return *expression_; }              // kExpression
  const std::vector<Template>& items() const { return items_; }              // kArray
  const std::map<std::string, Template>& fields() const { return fields_; }  // kObject

  // Every expression in the template, in document order.
  std::vector<const Expression*> expressions() const;

  // The JSON value, with every expression evaluated in `context`.
  std::expected<nlohmann::json, expr::EvalError> Evaluate(const expr::EvalContext& context) const;

 private:
  Kind kind_ = Kind::kLiteral;
  nlohmann::json literal_;
  std::shared_ptr<const Expression> expression_;
  std::vector<Template> items_;
  std::map<std::string, Template> fields_;
};

}  // namespace weft::dsl

#endif  // WEFT_DSL_TEMPLATE_H_
