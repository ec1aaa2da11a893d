#include "runtime/interpreter/environment.h"

#include <utility>

namespace weft::interpreter {

// Swaps a fiber's locals into the roots for its lifetime, and back out.
class Environment::Overlay {
 public:
  Overlay(nlohmann::json& roots, nlohmann::json& locals) : roots_(roots), locals_(locals) {
    Swap();
  }
  ~Overlay() { Swap(); }
  Overlay(const Overlay&) = delete;
  Overlay& operator=(const Overlay&) = delete;

 private:
  void Swap() {
    if (!locals_.is_object()) return;
    for (auto& [name, value] : locals_.items()) {
      if (name == "steps") {
        nlohmann::json& shared = roots_["steps"];
        for (auto& [id, result] : value.items()) std::swap(shared[id], result);
      } else {
        std::swap(roots_[name], value);
      }
    }
  }
  nlohmann::json& roots_;
  nlohmann::json& locals_;
};

Environment::Environment(std::string file, const dsl::Definition::SourceMap& source_map)
    : file_(std::move(file)), source_map_(source_map) {
  context_.values = &roots_;
  context_.now_unix_ms = [this] { return now_unix_ms_; };
  context_.uuid = [this] { return random_.NextUuid(); };
  context_.random = [this] { return random_.NextDouble(); };
}

std::expected<nlohmann::json, Failure> Environment::Evaluate(const dsl::Template& value,
                                                             nlohmann::json& locals) {
  if (value.is_literal()) return value.literal();
  Overlay overlay(roots_, locals);
  return Build(value);
}

// Walks the template itself, rather than Template::Evaluate, so that a failure names the one
// expression that failed. Recursion follows the document's nesting, which the loader bounds.
std::expected<nlohmann::json, Failure> Environment::Build(const dsl::Template& value) {
  switch (value.kind()) {
    case dsl::Template::Kind::kLiteral:
      return value.literal();
    case dsl::Template::Kind::kExpression: {
      auto result = dsl::expr::Evaluate(value.expression().program, context_);
      if (!result) return std::unexpected(ExpressionFailure(value.expression(), result.error()));
      return std::move(*result);
    }
    case dsl::Template::Kind::kArray: {
      nlohmann::json array = nlohmann::json::array();
      for (const dsl::Template& item : value.items()) {
        auto built = Build(item);
        if (!built) return built;
        array.push_back(std::move(*built));
      }
      return array;
    }
    case dsl::Template::Kind::kObject: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& [name, field] : value.fields()) {
        auto built = Build(field);
        if (!built) return built;
        object[name] = std::move(*built);
      }
      return object;
    }
  }
  return nullptr;
}

std::expected<nlohmann::json, Failure> Environment::Evaluate(const dsl::Expression& expression,
                                                             nlohmann::json& locals) {
  Overlay overlay(roots_, locals);
  auto result = dsl::expr::Evaluate(expression.program, context_);
  if (!result) return std::unexpected(ExpressionFailure(expression, result.error()));
  return std::move(*result);
}

std::expected<bool, Failure> Environment::Holds(const dsl::Expression& expression,
                                                nlohmann::json& locals) {
  auto value = Evaluate(expression, locals);
  if (!value) return std::unexpected(std::move(value.error()));
  if (!value->is_boolean()) {
    Failure failure;
    failure.type = "ExpressionError";
    failure.message =
        Where(expression) + ": a condition gave " + std::string(value->type_name()) + ", not bool";
    failure.non_retryable = true;
    return std::unexpected(std::move(failure));
  }
  return value->get<bool>();
}

std::string Environment::Where(const dsl::Expression& expression) const {
  if (auto found = source_map_.expressions.find(expression.path);
      found != source_map_.expressions.end()) {
    return source_map_.file + ":" + std::to_string(found->second.line) + ":" +
           std::to_string(found->second.column);
  }
  return file_ + ":" + std::to_string(expression.range.begin.line) + ":" +
         std::to_string(expression.range.begin.column);
}

Failure Environment::ExpressionFailure(const dsl::Expression& expression,
                                       const dsl::expr::EvalError& error) const {
  Failure failure;
  failure.type = "ExpressionError";
  failure.message = Where(expression) + ": error[" + error.code + "]: " + error.message + " in `" +
                    std::string(expression.program.source()) + "`";
  failure.details = {{"code", error.code}, {"path", expression.path}};
  failure.non_retryable = true;
  return failure;
}

}  // namespace weft::interpreter
