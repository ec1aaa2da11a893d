#include "dsl/expr/operators.h"

#include <cmath>
#include <limits>

#include "dsl/expr/codes.h"

namespace weft::dsl::expr {

namespace {

using Kind = Type::Kind;
using json = nlohmann::json;

// Object and map types are the same kind of value at run time.
Kind Shape(const Type& t) { return t.kind() == Kind::kObject ? Kind::kMap : t.kind(); }

bool IsNumber(Kind k) { return k == Kind::kInt || k == Kind::kDouble; }

struct Rule {
  Kind a;
  Kind b;
  Kind result;
};

// The operand kinds each binary operator accepts (comparisons and `in` are handled apart).
constexpr Rule kAddRules[] = {
    {Kind::kInt, Kind::kInt, Kind::kInt},
    {Kind::kDouble, Kind::kDouble, Kind::kDouble},
    {Kind::kInt, Kind::kDouble, Kind::kDouble},
    {Kind::kDouble, Kind::kInt, Kind::kDouble},
    {Kind::kString, Kind::kString, Kind::kString},
    {Kind::kList, Kind::kList, Kind::kList},
    {Kind::kDuration, Kind::kDuration, Kind::kDuration},
    {Kind::kTimestamp, Kind::kDuration, Kind::kTimestamp},
    {Kind::kDuration, Kind::kTimestamp, Kind::kTimestamp},
};
constexpr Rule kSubRules[] = {
    {Kind::kInt, Kind::kInt, Kind::kInt},
    {Kind::kDouble, Kind::kDouble, Kind::kDouble},
    {Kind::kInt, Kind::kDouble, Kind::kDouble},
    {Kind::kDouble, Kind::kInt, Kind::kDouble},
    {Kind::kDuration, Kind::kDuration, Kind::kDuration},
    {Kind::kTimestamp, Kind::kDuration, Kind::kTimestamp},
    {Kind::kTimestamp, Kind::kTimestamp, Kind::kDuration},
};
constexpr Rule kMulDivRules[] = {
    {Kind::kInt, Kind::kInt, Kind::kInt},
    {Kind::kDouble, Kind::kDouble, Kind::kDouble},
    {Kind::kInt, Kind::kDouble, Kind::kDouble},
    {Kind::kDouble, Kind::kInt, Kind::kDouble},
};
constexpr Rule kModRules[] = {{Kind::kInt, Kind::kInt, Kind::kInt}};
constexpr Rule kOrderRules[] = {
    {Kind::kInt, Kind::kInt, Kind::kBool},
    {Kind::kDouble, Kind::kDouble, Kind::kBool},
    {Kind::kInt, Kind::kDouble, Kind::kBool},
    {Kind::kDouble, Kind::kInt, Kind::kBool},
    {Kind::kString, Kind::kString, Kind::kBool},
    {Kind::kBool, Kind::kBool, Kind::kBool},
    {Kind::kDuration, Kind::kDuration, Kind::kBool},
    {Kind::kTimestamp, Kind::kTimestamp, Kind::kBool},
};

template <std::size_t N>
std::expected<Type, std::string> ApplyRules(const Rule (&rules)[N], Op op, const Type& a,
                                            const Type& b) {
  const Kind ka = Shape(a);
  const Kind kb = Shape(b);
  bool matched = false;
  bool ambiguous = false;
  Kind result = Kind::kDyn;
  for (const Rule& rule : rules) {
    if ((ka == Kind::kDyn || ka == rule.a) && (kb == Kind::kDyn || kb == rule.b)) {
      if (matched && result != rule.result) ambiguous = true;
      matched = true;
      result = rule.result;
    }
  }
  if (!matched) {
    return std::unexpected("no operator `" + std::string(OpSpelling(op)) + "` for " + a.ToString() +
                           " and " + b.ToString());
  }
  if (ambiguous) return Type::Dyn();
  switch (result) {
    case Kind::kInt:
      return Type::Int();
    case Kind::kDouble:
      return Type::Double();
    case Kind::kString:
      return Type::String();
    case Kind::kBool:
      return Type::Bool();
    case Kind::kDuration:
      return Type::Duration();
    case Kind::kTimestamp:
      return Type::Timestamp();
    case Kind::kList:
      return Type::List(ka == Kind::kList && kb == Kind::kList ? JoinTypes(a.element(), b.element())
                                                               : Type::Dyn());
    default:
      return Type::Dyn();
  }
}

// Whether values of these two kinds can ever be equal (or sensibly compared for equality).
bool Comparable(Kind a, Kind b) {
  if (a == Kind::kDyn || b == Kind::kDyn || a == Kind::kNull || b == Kind::kNull) return true;
  if (IsNumber(a) && IsNumber(b)) return true;
  return a == b;
}

Failure Mismatch(Op op, const Value& a, const Value& b) {
  return Failure{codes::kTypeMismatch, std::string("no operator `") + OpSpelling(op) + "` for " +
                                           TypeName(a) + " and " + TypeName(b)};
}

Failure Overflow(Op op) {
  return Failure{codes::kOverflow, std::string("integer overflow in `") + OpSpelling(op) + "`"};
}

std::expected<Value, Failure> Finite(double d, Op op) {
  if (!std::isfinite(d)) {
    return std::unexpected(Failure{codes::kNotFinite, std::string("`") + OpSpelling(op) +
                                                          "` gives a number JSON cannot hold"});
  }
  return Value::Own(json(d));
}

std::optional<double> AsDouble(const json& j) {
  if (j.is_number_float()) return j.get<double>();
  // nlohmann counts unsigned numbers as integers too, so they are tested first.
  if (j.is_number_unsigned()) return static_cast<double>(j.get<std::uint64_t>());
  if (j.is_number_integer()) return static_cast<double>(j.get<std::int64_t>());
  return std::nullopt;
}

std::expected<Value, Failure> TimeArithmetic(Op op, const Value& a, const Value& b) {
  std::int64_t out = 0;
  if (a.is_duration() && b.is_duration()) {
    const bool bad = op == Op::kAdd
                         ? __builtin_add_overflow(a.duration().nanos, b.duration().nanos, &out)
                         : __builtin_sub_overflow(a.duration().nanos, b.duration().nanos, &out);
    if (bad) return std::unexpected(Failure{codes::kTimeRange, "duration out of range"});
    return Value::Of(Duration{out});
  }
  if (a.is_timestamp() && b.is_duration()) {
    const bool bad = op == Op::kAdd
                         ? __builtin_add_overflow(a.timestamp().nanos, b.duration().nanos, &out)
                         : __builtin_sub_overflow(a.timestamp().nanos, b.duration().nanos, &out);
    if (bad) return std::unexpected(Failure{codes::kTimeRange, "timestamp out of range"});
    return Value::Of(Timestamp{out});
  }
  if (op == Op::kAdd && a.is_duration() && b.is_timestamp()) {
    if (__builtin_add_overflow(a.duration().nanos, b.timestamp().nanos, &out)) {
      return std::unexpected(Failure{codes::kTimeRange, "timestamp out of range"});
    }
    return Value::Of(Timestamp{out});
  }
  if (op == Op::kSub && a.is_timestamp() && b.is_timestamp()) {
    if (__builtin_sub_overflow(a.timestamp().nanos, b.timestamp().nanos, &out)) {
      return std::unexpected(Failure{codes::kTimeRange, "duration out of range"});
    }
    return Value::Of(Duration{out});
  }
  return std::unexpected(Mismatch(op, a, b));
}

}  // namespace

const char* OpSpelling(Op op) {
  switch (op) {
    case Op::kNot:
      return "!";
    case Op::kNeg:
      return "-";
    case Op::kOr:
      return "||";
    case Op::kAnd:
      return "&&";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kIn:
      return "in";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
    case Op::kMod:
      return "%";
    case Op::kNone:
      break;
  }
  return "?";
}

Type StoredType(const Type& type) {
  if (type.kind() == Kind::kDuration || type.kind() == Kind::kTimestamp) return Type::String();
  return type;
}

Type JoinTypes(const Type& a, const Type& b) { return a == b ? a : Type::Dyn(); }

std::expected<Type, std::string> CheckOperator(Op op, const Type& a, const Type& b) {
  switch (op) {
    case Op::kNot:
    case Op::kAnd:
    case Op::kOr: {
      const bool unary = op == Op::kNot;
      if ((a.is_dyn() || a.kind() == Kind::kBool) &&
          (unary || b.is_dyn() || b.kind() == Kind::kBool)) {
        return Type::Bool();
      }
      return std::unexpected("`" + std::string(OpSpelling(op)) + "` needs bool operands, not " +
                             (a.is_dyn() || a.kind() == Kind::kBool ? b : a).ToString());
    }
    case Op::kNeg:
      switch (a.kind()) {
        case Kind::kDyn:
        case Kind::kInt:
        case Kind::kDouble:
        case Kind::kDuration:
          return a;
        default:
          return std::unexpected("no operator `-` for " + a.ToString());
      }
    case Op::kEq:
    case Op::kNe:
      if (!Comparable(Shape(a), Shape(b))) {
        return std::unexpected("comparing " + a.ToString() + " with " + b.ToString() +
                               " is always " + (op == Op::kEq ? "false" : "true"));
      }
      return Type::Bool();
    case Op::kIn:
      switch (Shape(b)) {
        case Kind::kDyn:
        case Kind::kList:
          return Type::Bool();
        case Kind::kMap:
          if (a.is_dyn() || a.kind() == Kind::kString) return Type::Bool();
          return std::unexpected("map keys are strings; `in` cannot find " + a.ToString());
        default:
          return std::unexpected("`in` needs a list or a map, not " + b.ToString());
      }
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
      return ApplyRules(kOrderRules, op, a, b);
    case Op::kAdd:
      return ApplyRules(kAddRules, op, a, b);
    case Op::kSub:
      return ApplyRules(kSubRules, op, a, b);
    case Op::kMul:
    case Op::kDiv:
      return ApplyRules(kMulDivRules, op, a, b);
    case Op::kMod:
      return ApplyRules(kModRules, op, a, b);
    case Op::kNone:
      break;
  }
  return Type::Dyn();
}

std::optional<std::int64_t> AsInt(const json& j) {
  // nlohmann counts unsigned numbers as integers too, so they are tested first.
  if (j.is_number_unsigned()) {
    const auto u = j.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(u);
    }
    return std::nullopt;
  }
  if (j.is_number_integer()) return j.get<std::int64_t>();
  return std::nullopt;
}

bool Equal(const Value& a, const Value& b) {
  if (a.is_duration() || b.is_duration()) {
    return a.is_duration() && b.is_duration() && a.duration() == b.duration();
  }
  if (a.is_timestamp() || b.is_timestamp()) {
    return a.is_timestamp() && b.is_timestamp() && a.timestamp() == b.timestamp();
  }
  const json& x = a.json();
  const json& y = b.json();
  // Integers compare exactly; only a double on either side makes the comparison numeric.
  if (x.is_number_float() || y.is_number_float()) {
    if (!x.is_number() || !y.is_number()) return false;
    const auto u = static_cast<long double>(x.is_number_float() ? x.get<double>()
                                            : x.is_number_unsigned()
                                                ? static_cast<long double>(x.get<std::uint64_t>())
                                                : static_cast<long double>(x.get<std::int64_t>()));
    const auto v = static_cast<long double>(y.is_number_float() ? y.get<double>()
                                            : y.is_number_unsigned()
                                                ? static_cast<long double>(y.get<std::uint64_t>())
                                                : static_cast<long double>(y.get<std::int64_t>()));
    return u == v;
  }
  return x == y;
}

std::expected<Value, Failure> Arithmetic(Op op, const Value& a, const Value& b) {
  if (!a.is_json() || !b.is_json()) {
    if (op == Op::kAdd || op == Op::kSub) return TimeArithmetic(op, a, b);
    return std::unexpected(Mismatch(op, a, b));
  }
  const json& x = a.json();
  const json& y = b.json();
  const auto xi = AsInt(x);
  const auto yi = AsInt(y);
  if (xi && yi) {
    std::int64_t out = 0;
    switch (op) {
      case Op::kAdd:
        if (__builtin_add_overflow(*xi, *yi, &out)) return std::unexpected(Overflow(op));
        break;
      case Op::kSub:
        if (__builtin_sub_overflow(*xi, *yi, &out)) return std::unexpected(Overflow(op));
        break;
      case Op::kMul:
        if (__builtin_mul_overflow(*xi, *yi, &out)) return std::unexpected(Overflow(op));
        break;
      case Op::kDiv:
      case Op::kMod:
        if (*yi == 0) {
          return std::unexpected(Failure{codes::kDivisionByZero,
                                         op == Op::kDiv ? "division by zero" : "modulo by zero"});
        }
        if (*xi == std::numeric_limits<std::int64_t>::min() && *yi == -1) {
          if (op == Op::kMod) return Value::Own(json(std::int64_t{0}));
          return std::unexpected(Overflow(op));
        }
        out = op == Op::kDiv ? *xi / *yi : *xi % *yi;
        break;
      default:
        return std::unexpected(Mismatch(op, a, b));
    }
    return Value::Own(json(out));
  }
  if (x.is_number() && y.is_number()) {
    const double u = *AsDouble(x);
    const double v = *AsDouble(y);
    switch (op) {
      case Op::kAdd:
        return Finite(u + v, op);
      case Op::kSub:
        return Finite(u - v, op);
      case Op::kMul:
        return Finite(u * v, op);
      case Op::kDiv:
        if (v == 0) return std::unexpected(Failure{codes::kDivisionByZero, "division by zero"});
        return Finite(u / v, op);
      default:
        return std::unexpected(Mismatch(op, a, b));
    }
  }
  if (op == Op::kAdd && x.is_string() && y.is_string()) {
    return Value::Own(json(x.get_ref<const std::string&>() + y.get_ref<const std::string&>()));
  }
  if (op == Op::kAdd && x.is_array() && y.is_array()) {
    json out = x;
    for (const json& item : y) out.push_back(item);
    return Value::Own(std::move(out));
  }
  return std::unexpected(Mismatch(op, a, b));
}

std::expected<Value, Failure> Negate(const Value& a) {
  if (a.is_duration()) {
    if (a.duration().nanos == std::numeric_limits<std::int64_t>::min()) {
      return std::unexpected(Failure{codes::kTimeRange, "duration out of range"});
    }
    return Value::Of(Duration{-a.duration().nanos});
  }
  if (a.is_json()) {
    if (auto i = AsInt(a.json())) {
      if (*i == std::numeric_limits<std::int64_t>::min()) {
        return std::unexpected(Overflow(Op::kNeg));
      }
      return Value::Own(json(-*i));
    }
    if (a.json().is_number()) return Value::Own(json(-*AsDouble(a.json())));
  }
  return std::unexpected(
      Failure{codes::kTypeMismatch, std::string("no operator `-` for ") + TypeName(a)});
}

std::expected<bool, Failure> Compare(Op op, const Value& a, const Value& b) {
  int order = 0;  // <0, 0, >0
  bool unordered = false;
  if (a.is_duration() && b.is_duration()) {
    order = a.duration() < b.duration() ? -1 : (a.duration() == b.duration() ? 0 : 1);
  } else if (a.is_timestamp() && b.is_timestamp()) {
    order = a.timestamp() < b.timestamp() ? -1 : (a.timestamp() == b.timestamp() ? 0 : 1);
  } else if (a.is_json() && b.is_json() && a.json().is_number() && b.json().is_number()) {
    const auto xi = AsInt(a.json());
    const auto yi = AsInt(b.json());
    if (xi && yi) {
      order = *xi < *yi ? -1 : (*xi == *yi ? 0 : 1);
    } else {
      // long double holds every int64 exactly, so mixed comparisons are exact.
      auto wide = [](const json& j) {
        if (j.is_number_float()) return static_cast<long double>(j.get<double>());
        if (j.is_number_unsigned()) return static_cast<long double>(j.get<std::uint64_t>());
        return static_cast<long double>(j.get<std::int64_t>());
      };
      const long double u = wide(a.json());
      const long double v = wide(b.json());
      if (std::isnan(u) || std::isnan(v)) unordered = true;
      order = u < v ? -1 : (u == v ? 0 : 1);
    }
  } else if (a.is_json() && b.is_json() && a.json().is_string() && b.json().is_string()) {
    // Byte order of UTF-8 is code point order.
    const int c =
        a.json().get_ref<const std::string&>().compare(b.json().get_ref<const std::string&>());
    order = c < 0 ? -1 : (c == 0 ? 0 : 1);
  } else if (a.is_json() && b.is_json() && a.json().is_boolean() && b.json().is_boolean()) {
    order = static_cast<int>(a.json().get<bool>()) - static_cast<int>(b.json().get<bool>());
  } else {
    return std::unexpected(Mismatch(op, a, b));
  }
  if (unordered) return false;
  switch (op) {
    case Op::kLt:
      return order < 0;
    case Op::kLe:
      return order <= 0;
    case Op::kGt:
      return order > 0;
    case Op::kGe:
      return order >= 0;
    default:
      return std::unexpected(Mismatch(op, a, b));
  }
}

std::expected<bool, Failure> In(const Value& element, const Value& container) {
  if (container.is_json() && container.json().is_array()) {
    for (const json& item : container.json()) {
      if (Equal(element, Value::Borrow(item))) return true;
    }
    return false;
  }
  if (container.is_json() && container.json().is_object()) {
    if (!element.is_json() || !element.json().is_string()) {
      return std::unexpected(
          Failure{codes::kTypeMismatch,
                  std::string("map keys are strings; `in` cannot find a ") + TypeName(element)});
    }
    return container.json().contains(element.json().get_ref<const std::string&>());
  }
  return std::unexpected(Failure{
      codes::kTypeMismatch, std::string("`in` needs a list or a map, not ") + TypeName(container)});
}

}  // namespace weft::dsl::expr
