#include "dsl/template.h"

#include <utility>

namespace weft::dsl {

Template Template::Literal(nlohmann::json value) {
  Template out;
  out.literal_ = std::move(value);
  return out;
}

Template Template::FromExpression(Expression expression) {
  Template out;
  out.kind_ = Kind::kExpression;
  out.expression_ = std::make_shared<const Expression>(std::move(expression));
  return out;
}

Template Template::Array(std::vector<Template> items) {
  bool all_literal = true;
  for (const Template& item : items) all_literal = all_literal && item.is_literal();
  if (all_literal) {
    nlohmann::json value = nlohmann::json::array();
    for (Template& item : items) value.push_back(std::move(item.literal_));
    return Literal(std::move(value));
  }
  Template out;
  out.kind_ = Kind::kArray;
  out.items_ = std::move(items);
  return out;
}

Template Template::Object(std::map<std::string, Template> fields) {
  bool all_literal = true;
  for (const auto& [name, field] : fields) all_literal = all_literal && field.is_literal();
  if (all_literal) {
    nlohmann::json value = nlohmann::json::object();
    for (auto& [name, field] : fields) value[name] = std::move(field.literal_);
    return Literal(std::move(value));
  }
  Template out;
  out.kind_ = Kind::kObject;
  out.fields_ = std::move(fields);
  return out;
}

std::vector<const Expression*> Template::expressions() const {
  std::vector<const Expression*> out;
  switch (kind_) {
    case Kind::kLiteral:
      break;
    case Kind::kExpression:
      out.push_back(expression_.get());
      break;
    case Kind::kArray:
      for (const Template& item : items_) {
        for (const Expression* expression : item.expressions()) out.push_back(expression);
      }
      break;
    case Kind::kObject:
      for (const auto& [name, field] : fields_) {
        for (const Expression* expression : field.expressions()) out.push_back(expression);
      }
      break;
  }
  return out;
}

std::expected<nlohmann::json, expr::EvalError> Template::Evaluate(
    const expr::EvalContext& context) const {
  switch (kind_) {
    case Kind::kLiteral:
      return literal_;
    case Kind::kExpression:
      return expr::Evaluate(expression_->program, context);
    case Kind::kArray: {
      nlohmann::json out = nlohmann::json::array();
      for (const Template& item : items_) {
        auto value = item.Evaluate(context);
        if (!value) return value;
        out.push_back(std::move(*value));
      }
      return out;
    }
    case Kind::kObject: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [name, field] : fields_) {
        auto value = field.Evaluate(context);
        if (!value) return value;
        out[name] = std::move(*value);
      }
      return out;
    }
  }
  return literal_;
}

}  // namespace weft::dsl
