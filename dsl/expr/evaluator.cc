#include "dsl/expr/evaluator.h"

#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "dsl/expr/budget.h"
#include "dsl/expr/codes.h"
#include "dsl/expr/functions.h"
#include "dsl/expr/operators.h"
#include "dsl/expr/value.h"

namespace weft::dsl::expr {

namespace {

using json = nlohmann::json;

// A failure and the node it happened at.
struct Fail {
  Failure failure;
  const Node* node;
};
using Result = std::expected<Value, Fail>;

// Missing data, which `??` replaces by its default.
bool IsMissing(const Fail& fail) {
  const std::string_view code = fail.failure.code;
  return code == codes::kMissingField || code == codes::kOutOfRange;
}

// JSON does not say whether 2 was meant as 2.0. A value the checker types double (a JSON Schema
// `number`) keeps the form it was written in wherever it is only passed on, so that an integer
// reaches an activity, a result or an output as an integer. Only where int and double arithmetic
// differ does the static type decide: such an operand is read as a double.
Value AsDeclaredDouble(const Node& node, Value v) {
  if (node.type.kind() == Type::Kind::kDouble && v.is_json() &&
      (v.json().is_number_integer() || v.json().is_number_unsigned())) {
    return Value::Own(json(v.json().get<double>()));
  }
  return v;
}

std::string FieldList(const json& object) {
  std::string out;
  int shown = 0;
  for (const auto& [key, unused] : object.items()) {
    if (shown == 5) {
      out += ", ...";
      break;
    }
    out += (shown++ == 0 ? "`" : ", `") + key + "`";
  }
  return out.empty() ? "it has none" : "it has " + out;
}

// The member `name` of a JSON object, or nullptr. Objects in workflow data are mostly small, and
// for those a scan that compares lengths and first letters before calling memcmp beats the
// ordered map's full string comparisons.
const json* FindField(const json::object_t& fields, const std::string& name) {
  constexpr std::size_t kScanUpTo = 8;
  if (fields.size() > kScanUpTo || name.empty()) {
    auto it = fields.find(name);
    return it == fields.end() ? nullptr : &it->second;
  }
  for (const auto& [key, value] : fields) {
    if (key.size() == name.size() && key[0] == name[0] &&
        std::memcmp(key.data(), name.data(), name.size()) == 0) {
      return &value;
    }
  }
  return nullptr;
}

class Evaluator {
 public:
  Evaluator(const CompiledProgram& program, const EvalContext& context)
      : program_(program),
        context_(context),
        budget_(context.limits.max_steps, context.limits.max_bytes),
        locals_(static_cast<std::size_t>(program.local_slots)) {}

  std::expected<json, EvalError> Run() {
    auto result = Eval(*program_.root);
    if (!result) {
      const Node& at = *result.error().node;
      return std::unexpected(EvalError{result.error().failure.code,
                                       std::move(result.error().failure.message), at.offset,
                                       at.length});
    }
    if (result->kind() == Value::Kind::kBorrowed && result->json().is_structured()) {
      // The caller gets its own copy; it is counted like any value built.
      if (!budget_.TakeBytes(Budget::ApproxBytes(result->json()))) {
        const Node& root = *program_.root;
        Failure failure = budget_.BytesExceeded();
        return std::unexpected(
            EvalError{failure.code, std::move(failure.message), root.offset, root.length});
      }
    }
    return std::move(*result).ToJson();
  }

 private:
  static std::unexpected<Fail> Error(const Node& node, Failure failure) {
    return std::unexpected(Fail{std::move(failure), &node});
  }
  static std::unexpected<Fail> Error(const Node& node, const char* code, std::string message) {
    return std::unexpected(Fail{Failure{code, std::move(message)}, &node});
  }

  // Charges the bytes of a value about to be copied into a new one.
  std::expected<void, Failure> ChargeCopy(const Value& v) {
    std::size_t bytes = 16;
    if (v.kind() == Value::Kind::kBorrowed) bytes += Budget::ApproxBytes(v.json());
    if (!budget_.TakeBytes(bytes)) return std::unexpected(budget_.BytesExceeded());
    return {};
  }

  Result Eval(const Node& node) {
    if (!budget_.TakeSteps(1)) return Error(node, budget_.StepsExceeded());
    switch (node.kind) {
      case NodeKind::kLiteral:
        return Value::Borrow(node.literal);
      case NodeKind::kIdent:
        return Ident(node);
      case NodeKind::kSelect:
        return SelectChain(node);
      case NodeKind::kIndex:
        return Index(node);
      case NodeKind::kCall:
        return Call(node);
      case NodeKind::kList:
        return List(node);
      case NodeKind::kMap:
        return Map(node);
      case NodeKind::kUnary:
        return Unary(node);
      case NodeKind::kBinary:
        return Binary(node);
      case NodeKind::kTernary: {
        auto cond = Eval(*node.children[0]);
        if (!cond) return cond;
        if (!cond->is_json() || !cond->json().is_boolean()) {
          return Error(*node.children[0], codes::kTypeMismatch,
                       std::string("the condition of `?:` must be bool, not ") + TypeName(*cond));
        }
        return Eval(*node.children[cond->json().get<bool>() ? 1 : 2]);
      }
      case NodeKind::kDefault: {
        ++quiet_missing_;
        auto left = Eval(*node.children[0]);
        --quiet_missing_;
        if (left && !(left->is_json() && left->json().is_null())) return left;
        if (!left && !IsMissing(left.error())) return left;
        return Eval(*node.children[1]);
      }
      case NodeKind::kHas: {
        auto object = Eval(*node.children[0]);
        if (!object) return object;
        if (object->is_json() && object->json().is_null()) return Value::Bool(false);
        if (!object->is_json() || !object->json().is_object()) {
          return Error(node, codes::kTypeMismatch,
                       std::string("has() tests a field of a map, not of a ") + TypeName(*object));
        }
        return Value::Bool(object->json().contains(node.name));
      }
      case NodeKind::kComprehension:
        return Comprehension(node);
    }
    return Error(node, codes::kInternal, "unknown node");
  }

  Result Ident(const Node& node) {
    if (node.slot >= 0) {
      const Value& local = locals_[static_cast<std::size_t>(node.slot)];
      if (local.is_json()) return Value::Borrow(local.json());
      return local;
    }
    if (const json* root = Root(node.name)) return Value::Borrow(*root);
    return Error(node, codes::kUnboundName, "`" + node.name + "` has no value in this evaluation");
  }

  // a.b.c is walked in a loop rather than by recursion, and while every step finds its field in
  // borrowed data it follows a plain pointer: field paths are the hot path of guards.
  Result SelectChain(const Node& node) {
    std::array<const Node*, kMaxDepth> chain;
    std::size_t n = 0;
    const Node* base = &node;
    while (base->kind == NodeKind::kSelect) {
      chain[n++] = base;
      base = base->children[0].get();
    }
    if (!budget_.TakeSteps(n)) return Error(node, budget_.StepsExceeded());
    const json* cursor = nullptr;
    Value v;
    if (base->kind == NodeKind::kIdent && base->slot < 0) {
      cursor = Root(base->name);
    }
    if (cursor == nullptr) {
      auto object = Eval(*base);
      if (!object) return object;
      v = std::move(*object);
      if (v.kind() == Value::Kind::kBorrowed) cursor = &v.json();
    }
    while (cursor != nullptr && n > 0 && cursor->is_object()) {
      const json* field = FindField(cursor->get_ref<const json::object_t&>(), chain[n - 1]->name);
      if (field == nullptr) break;
      cursor = field;
      --n;
    }
    if (cursor != nullptr) {
      if (n == 0) return Value::Borrow(*cursor);
      v = Value::Borrow(*cursor);
    }
    // The rest: owned values, and the errors of missing fields and non-objects.
    while (n > 0) {
      const Node& select = *chain[--n];
      auto field = Select(select, std::move(v), select.name);
      if (!field) return field;
      v = std::move(*field);
    }
    return v;
  }

  // The value of a root name, or nullptr.
  const json* Root(const std::string& name) const {
    const json* values = context_.values;
    if (values == nullptr || !values->is_object()) return nullptr;
    return FindField(values->get_ref<const json::object_t&>(), name);
  }

  Result Select(const Node& node, Value object, const std::string& name) {
    if (!object.is_json()) {
      return Error(node, codes::kTypeMismatch,
                   std::string("cannot read field `") + name + "` of a " + TypeName(object));
    }
    const json& j = object.json();
    if (j.is_null()) {
      return Error(node, codes::kMissingField, "cannot read field `" + name + "` of null");
    }
    if (!j.is_object()) {
      return Error(node, codes::kTypeMismatch,
                   std::string("cannot read field `") + name + "` of a " + TypeName(object));
    }
    auto it = j.find(name);
    if (it == j.end()) {
      // Under `??` a missing field is expected and its message is never read.
      if (quiet_missing_ > 0) return Error(node, codes::kMissingField, std::string());
      return Error(
          node, codes::kMissingField,
          "no field `" + name + "` (" + FieldList(j) + "); use has() or `??` for optional data");
    }
    if (object.kind() == Value::Kind::kBorrowed) return Value::Borrow(*it);
    json whole = std::move(object).ToJson();
    return Value::Own(std::move(whole[name]));
  }

  Result Index(const Node& node) {
    auto container = Eval(*node.children[0]);
    if (!container) return container;
    auto index = Eval(*node.children[1]);
    if (!index) return index;
    if (container->is_json() && container->json().is_array()) {
      const json& list = container->json();
      const auto i = index->is_json() ? AsInt(index->json()) : std::nullopt;
      if (!i) {
        return Error(*node.children[1], codes::kTypeMismatch,
                     std::string("a list index must be an int, not a ") + TypeName(*index));
      }
      if (*i < 0 || static_cast<std::uint64_t>(*i) >= list.size()) {
        return Error(node, codes::kOutOfRange,
                     "index " + std::to_string(*i) + " is out of range for a list of " +
                         std::to_string(list.size()));
      }
      if (container->kind() == Value::Kind::kBorrowed) {
        return Value::Borrow(list[static_cast<std::size_t>(*i)]);
      }
      json whole = std::move(*container).ToJson();
      return Value::Own(std::move(whole[static_cast<std::size_t>(*i)]));
    }
    if (container->is_json() && container->json().is_object()) {
      if (!index->is_json() || !index->json().is_string()) {
        return Error(*node.children[1], codes::kTypeMismatch,
                     std::string("a map key must be a string, not a ") + TypeName(*index));
      }
      return Select(node, std::move(*container), index->json().get_ref<const std::string&>());
    }
    if (container->is_json() && container->json().is_null()) {
      return Error(node, codes::kMissingField, "cannot index null");
    }
    return Error(node, codes::kTypeMismatch, std::string("cannot index a ") + TypeName(*container));
  }

  Result Call(const Node& node) {
    if (node.folded) {
      if (node.name == "duration") return Value::Of(Duration{node.folded_nanos});
      return Value::Of(Timestamp{node.folded_nanos});
    }
    if (node.function == nullptr) return Error(node, codes::kInternal, "unresolved function");
    std::vector<Value> args;
    args.reserve(node.children.size());
    for (const auto& child : node.children) {
      auto v = Eval(*child);
      if (!v) return v;
      args.push_back(std::move(*v));
    }
    CallArgs call{args, node, context_, budget_};
    auto result = node.function->eval(call);
    if (!result) return Error(node, std::move(result.error()));
    return std::move(*result);
  }

  Result List(const Node& node) {
    json out = json::array();
    for (const auto& child : node.children) {
      auto v = Eval(*child);
      if (!v) return v;
      if (auto ok = ChargeCopy(*v); !ok) return Error(*child, std::move(ok.error()));
      out.push_back(std::move(*v).ToJson());
    }
    return Value::Own(std::move(out));
  }

  Result Map(const Node& node) {
    constexpr std::size_t kSmall = 16;
    const std::size_t pairs = node.children.size() / 2;
    if (!node.sorted_pairs.empty() && pairs <= kSmall) {
      // Values are evaluated in the order written (so errors and recorded calls come in that
      // order), then appended in key order.
      std::array<std::optional<json>, kSmall> slots;
      for (std::size_t i = 0; i < pairs; ++i) {
        const Node& key = *node.children[2 * i];
        auto value = Eval(*node.children[2 * i + 1]);
        if (!value) return value;
        std::size_t bytes = 32 + key.literal.get_ref<const std::string&>().size();
        if (value->kind() == Value::Kind::kBorrowed) bytes += Budget::ApproxBytes(value->json());
        if (!budget_.TakeBytes(bytes)) return Error(node, budget_.BytesExceeded());
        slots[i].emplace(std::move(*value).ToJson());
      }
      json out = json::object();
      auto& fields = out.get_ref<json::object_t&>();
      for (std::size_t i : node.sorted_pairs) {
        fields.emplace_hint(fields.end(),
                            node.children[2 * i]->literal.get_ref<const std::string&>(),
                            std::move(*slots[i]));
      }
      return Value::Own(std::move(out));
    }
    json out = json::object();
    auto& fields = out.get_ref<json::object_t&>();
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
      const Node& key_node = *node.children[i];
      // Literal keys, the usual case, are used as they are.
      Value key;
      if (key_node.kind == NodeKind::kLiteral) {
        key = Value::Borrow(key_node.literal);
      } else {
        auto evaluated = Eval(key_node);
        if (!evaluated) return evaluated;
        key = std::move(*evaluated);
      }
      if (!key.is_json() || !key.json().is_string()) {
        return Error(key_node, codes::kTypeMismatch,
                     std::string("map keys are strings, not a ") + TypeName(key));
      }
      auto value = Eval(*node.children[i + 1]);
      if (!value) return value;
      const auto& name = key.json().get_ref<const std::string&>();
      std::size_t bytes = 32 + name.size();
      if (value->kind() == Value::Kind::kBorrowed) bytes += Budget::ApproxBytes(value->json());
      if (!budget_.TakeBytes(bytes)) return Error(node, budget_.BytesExceeded());
      // A repeated key keeps its last value, as a JSON object does.
      fields.insert_or_assign(name, std::move(*value).ToJson());
    }
    return Value::Own(std::move(out));
  }

  Result Unary(const Node& node) {
    auto operand = Eval(*node.children[0]);
    if (!operand) return operand;
    if (node.op == Op::kNot) {
      if (!operand->is_json() || !operand->json().is_boolean()) {
        return Error(node, codes::kTypeMismatch,
                     std::string("`!` needs a bool, not a ") + TypeName(*operand));
      }
      return Value::Bool(!operand->json().get<bool>());
    }
    auto negated = Negate(*operand);
    if (!negated) return Error(node, std::move(negated.error()));
    return std::move(*negated);
  }

  // CEL's logical operators: an error on one side is absorbed when the other side decides.
  Result Logical(const Node& node) {
    const bool is_or = node.op == Op::kOr;
    auto as_bool = [](const Result& r) -> std::optional<bool> {
      if (r && r->is_json() && r->json().is_boolean()) return r->json().get<bool>();
      return std::nullopt;
    };
    Result left = Eval(*node.children[0]);
    const auto l = as_bool(left);
    if (l && *l == is_or) return Value::Bool(is_or);
    Result right = Eval(*node.children[1]);
    const auto r = as_bool(right);
    if (r && *r == is_or) return Value::Bool(is_or);
    if (l && r) return Value::Bool(!is_or);
    // Neither side decided: the first problem wins.
    for (const auto* side : {&left, &right}) {
      if (!*side) {
        // Budget exhaustion is final whichever side hit it.
        return std::unexpected((*side).error());
      }
    }
    const Result& bad = l ? right : left;
    const Node& at = l ? *node.children[1] : *node.children[0];
    return Error(
        at, codes::kTypeMismatch,
        std::string("`") + OpSpelling(node.op) + "` needs bool operands, not a " + TypeName(*bad));
  }

  Result Binary(const Node& node) {
    if (node.op == Op::kAnd || node.op == Op::kOr) return Logical(node);
    auto left = Eval(*node.children[0]);
    if (!left) return left;
    auto right = Eval(*node.children[1]);
    if (!right) return right;
    switch (node.op) {
      case Op::kEq:
        return Value::Bool(Equal(*left, *right));
      case Op::kNe:
        return Value::Bool(!Equal(*left, *right));
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        auto result = Compare(node.op, *left, *right);
        if (!result) return Error(node, std::move(result.error()));
        return Value::Bool(*result);
      }
      case Op::kIn: {
        auto result = In(*left, *right);
        if (!result) return Error(node, std::move(result.error()));
        return Value::Bool(*result);
      }
      default:
        break;
    }
    const Node& x = *node.children[0];
    const Node& y = *node.children[1];
    const bool declared_double =
        x.type.kind() == Type::Kind::kDouble || y.type.kind() == Type::Kind::kDouble;
    // `/` truncates on two ints, and int arithmetic overflows where a double does not: a declared
    // number that JSON wrote as an integer is computed as a double there.
    if (declared_double && node.op == Op::kDiv) {
      left = AsDeclaredDouble(x, std::move(*left));
      right = AsDeclaredDouble(y, std::move(*right));
    }
    auto result = Arithmetic(node.op, *left, *right);
    if (declared_double && !result && result.error().code == codes::kOverflow) {
      result = Arithmetic(node.op, AsDeclaredDouble(x, std::move(*left)),
                          AsDeclaredDouble(y, std::move(*right)));
    }
    if (!result) return Error(node, std::move(result.error()));
    if (result->is_json() && (result->json().is_string() || result->json().is_array())) {
      if (!budget_.TakeBytes(Budget::ApproxBytes(result->json()))) {
        return Error(node, budget_.BytesExceeded());
      }
    }
    return std::move(*result);
  }

  Result Comprehension(const Node& node) {
    auto range = Eval(*node.children[0]);
    if (!range) return range;
    if (!range->is_json() || !(range->json().is_array() || range->json().is_object())) {
      return Error(*node.children[0], codes::kTypeMismatch,
                   std::string("macros iterate over lists and maps, not a ") + TypeName(*range));
    }
    const json& items = range->json();
    const bool is_map = items.is_object();
    Value& local = locals_[static_cast<std::size_t>(node.slot)];
    json out = json::array();
    std::optional<Fail> first_error;
    std::int64_t matches = 0;
    for (auto it = items.begin(); it != items.end(); ++it) {
      local = is_map ? Value::Own(json(it.key())) : Value::Borrow(*it);
      if (is_map) {
        if (!budget_.TakeBytes(it.key().size() + 16)) return Error(node, budget_.BytesExceeded());
      }
      switch (node.macro) {
        case Macro::kAll:
        case Macro::kExists:
        case Macro::kExistsOne: {
          auto p = Predicate(*node.children[1]);
          if (!p) {
            // all/exists: another element may still decide; exists_one needs every answer.
            if (node.macro == Macro::kExistsOne || IsFinal(p.error()))
              return std::unexpected(p.error());
            if (!first_error) first_error = p.error();
            continue;
          }
          if (node.macro == Macro::kAll && !*p) return Value::Bool(false);
          if (node.macro == Macro::kExists && *p) return Value::Bool(true);
          if (*p) ++matches;
          break;
        }
        case Macro::kMap:
        case Macro::kMapFilter: {
          if (node.macro == Macro::kMapFilter) {
            auto p = Predicate(*node.children[1]);
            if (!p) return std::unexpected(p.error());
            if (!*p) continue;
          }
          auto v = Eval(*node.children[node.macro == Macro::kMap ? 1 : 2]);
          if (!v) return v;
          if (auto ok = ChargeCopy(*v); !ok) return Error(node, std::move(ok.error()));
          out.push_back(std::move(*v).ToJson());
          break;
        }
        case Macro::kFilter: {
          auto p = Predicate(*node.children[1]);
          if (!p) return std::unexpected(p.error());
          if (!*p) continue;
          if (auto ok = ChargeCopy(local); !ok) return Error(node, std::move(ok.error()));
          out.push_back(Value(local).ToJson());
          break;
        }
      }
    }
    switch (node.macro) {
      case Macro::kAll:
        if (first_error) return std::unexpected(*first_error);
        return Value::Bool(true);
      case Macro::kExists:
        if (first_error) return std::unexpected(*first_error);
        return Value::Bool(false);
      case Macro::kExistsOne:
        return Value::Bool(matches == 1);
      default:
        return Value::Own(std::move(out));
    }
  }

  static bool IsFinal(const Fail& fail) {
    const std::string_view code = fail.failure.code;
    return code == codes::kStepBudget || code == codes::kSizeBudget;
  }

  std::expected<bool, Fail> Predicate(const Node& node) {
    auto v = Eval(node);
    if (!v) return std::unexpected(v.error());
    if (!v->is_json() || !v->json().is_boolean()) {
      return std::unexpected(
          Fail{Failure{codes::kTypeMismatch,
                       std::string("a predicate must give a bool, not a ") + TypeName(*v)},
               &node});
    }
    return v->json().get<bool>();
  }

  const CompiledProgram& program_;
  const EvalContext& context_;
  Budget budget_;
  std::vector<Value> locals_;
  int quiet_missing_ = 0;  // > 0 while evaluating the left side of `??`
};

}  // namespace

std::expected<nlohmann::json, EvalError> EvaluateTree(const CompiledProgram& program,
                                                      const EvalContext& context) {
  try {
    return Evaluator(program, context).Run();
  } catch (const std::exception& e) {
    // Nothing here is meant to throw; if a library does (allocation failure), it is an error
    // value like any other rather than an exception through the interpreter.
    return std::unexpected(EvalError{codes::kInternal, std::string("internal error: ") + e.what(),
                                     0, program.source.size()});
  }
}

}  // namespace weft::dsl::expr
