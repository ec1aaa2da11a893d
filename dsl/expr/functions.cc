#include "dsl/expr/functions.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>

#include "dsl/expr/codes.h"
#include "dsl/expr/operators.h"
#include "dsl/expr/time_values.h"
#include "dsl/expr/utf8.h"

namespace weft::dsl::expr {

namespace {

using json = nlohmann::json;
using Kind = Type::Kind;
using CheckResult = std::expected<Type, std::string>;
using EvalResult = std::expected<Value, Failure>;

// Scanning text costs one step per this many bytes, so long strings cannot hide work.
constexpr std::size_t kBytesPerStep = 64;

// ---- Static checks ----

bool Accepts(const Type& t, Kind k) {
  if (t.is_dyn()) return true;
  if (k == Kind::kMap) return t.kind() == Kind::kMap || t.kind() == Kind::kObject;
  return t.kind() == k;
}

std::string KindName(Kind k) {
  switch (k) {
    case Kind::kInt:
      return "int";
    case Kind::kDouble:
      return "double";
    case Kind::kString:
      return "string";
    case Kind::kBool:
      return "bool";
    case Kind::kList:
      return "list";
    case Kind::kMap:
      return "map";
    default:
      return "value";
  }
}

// Checks each argument against the kind expected at its position.
CheckResult Expect(std::span<const Type> args, std::initializer_list<Kind> kinds, Type result) {
  std::size_t i = 0;
  for (Kind k : kinds) {
    if (i >= args.size()) break;
    if (!Accepts(args[i], k)) {
      return std::unexpected("argument " + std::to_string(i + 1) + " must be " + KindName(k) +
                             ", not " + args[i].ToString());
    }
    ++i;
  }
  return result;
}

CheckResult CheckSize(std::span<const Type> args) {
  const Type& t = args[0];
  if (t.is_dyn() || Accepts(t, Kind::kString) || Accepts(t, Kind::kList) ||
      Accepts(t, Kind::kMap)) {
    return Type::Int();
  }
  return std::unexpected("needs a string, list or map, not " + t.ToString());
}
CheckResult CheckStringPredicate(std::span<const Type> args) {
  return Expect(args, {Kind::kString, Kind::kString}, Type::Bool());
}
CheckResult CheckStringToString(std::span<const Type> args) {
  return Expect(args, {Kind::kString}, Type::String());
}
CheckResult CheckSplit(std::span<const Type> args) {
  return Expect(args, {Kind::kString, Kind::kString, Kind::kInt}, Type::List(Type::String()));
}
CheckResult CheckJoin(std::span<const Type> args) {
  if (!Accepts(args[0], Kind::kList)) {
    return std::unexpected("is called on a list, not on " + args[0].ToString());
  }
  if (args[0].kind() == Kind::kList && !Accepts(args[0].element(), Kind::kString)) {
    return std::unexpected("needs a list of strings, not " + args[0].ToString());
  }
  return Expect(args, {Kind::kList, Kind::kString}, Type::String());
}
CheckResult CheckReplace(std::span<const Type> args) {
  return Expect(args, {Kind::kString, Kind::kString, Kind::kString, Kind::kInt}, Type::String());
}
CheckResult CheckSubstring(std::span<const Type> args) {
  return Expect(args, {Kind::kString, Kind::kInt, Kind::kInt}, Type::String());
}
CheckResult CheckIndexOf(std::span<const Type> args) {
  return Expect(args, {Kind::kString, Kind::kString, Kind::kInt}, Type::Int());
}
CheckResult CheckKeys(std::span<const Type> args) {
  return Expect(args, {Kind::kMap}, Type::List(Type::String()));
}

CheckResult CheckConversion(std::span<const Type> args, std::initializer_list<Kind> from,
                            Type result) {
  const Type& t = args[0];
  if (t.is_dyn() || t.kind() == result.kind()) return result;
  for (Kind k : from) {
    if (t.kind() == k) return result;
  }
  return std::unexpected("cannot convert " + t.ToString());
}
CheckResult CheckInt(std::span<const Type> args) {
  return CheckConversion(args, {Kind::kDouble, Kind::kString, Kind::kTimestamp}, Type::Int());
}
CheckResult CheckDouble(std::span<const Type> args) {
  return CheckConversion(args, {Kind::kInt, Kind::kString}, Type::Double());
}
CheckResult CheckString(std::span<const Type> args) {
  return CheckConversion(
      args, {Kind::kInt, Kind::kDouble, Kind::kBool, Kind::kDuration, Kind::kTimestamp},
      Type::String());
}
CheckResult CheckBool(std::span<const Type> args) {
  return CheckConversion(args, {Kind::kString}, Type::Bool());
}
CheckResult CheckType(std::span<const Type>) { return Type::String(); }
CheckResult CheckDuration(std::span<const Type> args) {
  return CheckConversion(args, {Kind::kString}, Type::Duration());
}
CheckResult CheckTimestamp(std::span<const Type> args) {
  return CheckConversion(args, {Kind::kString, Kind::kInt}, Type::Timestamp());
}
CheckResult CheckNow(std::span<const Type>) { return Type::Timestamp(); }
CheckResult CheckUuid(std::span<const Type>) { return Type::String(); }
CheckResult CheckRandom(std::span<const Type>) { return Type::Double(); }

// ---- Run time ----

Failure WrongType(const CallArgs& call, std::size_t index, const char* wanted) {
  return Failure{codes::kTypeMismatch, std::string(call.node.name) + "(): argument " +
                                           std::to_string(index + 1) + " must be " + wanted +
                                           ", not " + TypeName(call.args[index])};
}

// The string at args[index], or nullptr.
const std::string* StringArg(const CallArgs& call, std::size_t index) {
  const Value& v = call.args[index];
  if (!v.is_json() || !v.json().is_string()) return nullptr;
  return &v.json().get_ref<const std::string&>();
}

std::optional<std::int64_t> IntArg(const CallArgs& call, std::size_t index) {
  const Value& v = call.args[index];
  if (!v.is_json()) return std::nullopt;
  return AsInt(v.json());
}

#define WEFT_STRING_ARG(var, index)                \
  const std::string* var = StringArg(call, index); \
  if (var == nullptr) return std::unexpected(WrongType(call, index, "string"))

#define WEFT_INT_ARG(var, index, fallback)                                   \
  std::int64_t var = fallback;                                               \
  if (call.args.size() > (index)) {                                          \
    auto var##_value = IntArg(call, index);                                  \
    if (!var##_value) return std::unexpected(WrongType(call, index, "int")); \
    var = *var##_value;                                                      \
  }

#define WEFT_TRY(expr)                              \
  if (auto ok_ = (expr); !ok_) {                    \
    return std::unexpected(std::move(ok_.error())); \
  }

EvalResult ScanCost(const CallArgs& call, std::size_t bytes) {
  WEFT_TRY(call.budget.Steps(bytes / kBytesPerStep));
  return Value();
}

EvalResult OwnString(const CallArgs& call, std::string s) {
  WEFT_TRY(call.budget.Bytes(s.size() + 16));
  return Value::Own(json(std::move(s)));
}

EvalResult Size(const CallArgs& call) {
  const Value& v = call.args[0];
  if (v.is_json()) {
    const json& j = v.json();
    if (j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      WEFT_TRY(ScanCost(call, s.size()));
      return Value::Own(json(static_cast<std::int64_t>(CodePointCount(s))));
    }
    if (j.is_array() || j.is_object()) {
      return Value::Own(json(static_cast<std::int64_t>(j.size())));
    }
  }
  return std::unexpected(WrongType(call, 0, "a string, list or map"));
}

EvalResult Contains(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  WEFT_STRING_ARG(t, 1);
  WEFT_TRY(ScanCost(call, s->size()));
  return Value::Bool(s->find(*t) != std::string::npos);
}
EvalResult StartsWith(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  WEFT_STRING_ARG(t, 1);
  return Value::Bool(s->starts_with(*t));
}
EvalResult EndsWith(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  WEFT_STRING_ARG(t, 1);
  return Value::Bool(s->ends_with(*t));
}

EvalResult Matches(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  WEFT_STRING_ARG(pattern, 1);
  WEFT_TRY(ScanCost(call, s->size()));
  std::shared_ptr<const RE2> regex = call.node.regex;
  if (!regex) {
    // A pattern only known at run time is compiled for this call; its cost is counted.
    WEFT_TRY(call.budget.Steps(pattern->size()));
    RE2::Options options;
    options.set_log_errors(false);
    auto compiled = std::make_shared<RE2>(*pattern, options);
    if (!compiled->ok()) {
      return std::unexpected(
          Failure{codes::kConversion, "invalid regular expression: " + compiled->error()});
    }
    regex = std::move(compiled);
  }
  return Value::Bool(RE2::PartialMatch(*s, *regex));
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

EvalResult LowerAscii(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  std::string out = *s;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return OwnString(call, std::move(out));
}
EvalResult UpperAscii(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  std::string out = *s;
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return OwnString(call, std::move(out));
}
EvalResult Trim(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  std::size_t begin = 0;
  std::size_t end = s->size();
  while (begin < end && IsAsciiSpace((*s)[begin])) ++begin;
  while (end > begin && IsAsciiSpace((*s)[end - 1])) --end;
  return OwnString(call, s->substr(begin, end - begin));
}

EvalResult Split(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  WEFT_STRING_ARG(sep, 1);
  WEFT_INT_ARG(limit, 2, -1);
  WEFT_TRY(ScanCost(call, s->size()));
  json out = json::array();
  std::size_t bytes = 16;
  auto add = [&](std::string part) {
    bytes += part.size() + 32;
    out.push_back(std::move(part));
  };
  if (limit == 0) return Value::Own(std::move(out));
  std::size_t pos = 0;
  if (sep->empty()) {
    // Each code point becomes one part.
    while (pos < s->size()) {
      if (limit > 0 && static_cast<std::int64_t>(out.size()) == limit - 1) break;
      std::size_t next = pos + 1;
      while (next < s->size() && (static_cast<unsigned char>((*s)[next]) & 0xC0) == 0x80) ++next;
      add(s->substr(pos, next - pos));
      pos = next;
    }
    if (pos < s->size()) add(s->substr(pos));
  } else {
    while (true) {
      if (limit > 0 && static_cast<std::int64_t>(out.size()) == limit - 1) {
        add(s->substr(pos));
        break;
      }
      const std::size_t found = s->find(*sep, pos);
      if (found == std::string::npos) {
        add(s->substr(pos));
        break;
      }
      add(s->substr(pos, found - pos));
      pos = found + sep->size();
    }
  }
  WEFT_TRY(call.budget.Bytes(bytes));
  return Value::Own(std::move(out));
}

EvalResult Join(const CallArgs& call) {
  const Value& list = call.args[0];
  if (!list.is_json() || !list.json().is_array()) {
    return std::unexpected(WrongType(call, 0, "a list"));
  }
  std::string sep;
  if (call.args.size() > 1) {
    WEFT_STRING_ARG(given, 1);
    sep = *given;
  }
  std::string out;
  bool first = true;
  for (const json& item : list.json()) {
    if (!item.is_string()) {
      return std::unexpected(Failure{
          codes::kTypeMismatch,
          "join() needs a list of strings; found a " + std::string(TypeName(Value::Borrow(item)))});
    }
    if (!first) out += sep;
    first = false;
    out += item.get_ref<const std::string&>();
    if (out.size() > call.context.limits.max_bytes) break;  // the charge below fails
  }
  WEFT_TRY(ScanCost(call, out.size()));
  return OwnString(call, std::move(out));
}

EvalResult Replace(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  WEFT_STRING_ARG(from, 1);
  WEFT_STRING_ARG(to, 2);
  WEFT_INT_ARG(limit, 3, -1);
  WEFT_TRY(ScanCost(call, s->size()));
  std::string out;
  std::int64_t done = 0;
  std::size_t pos = 0;
  const std::size_t cap = call.context.limits.max_bytes;
  if (from->empty()) {
    // As in Go: the replacement goes before every code point and at the end.
    while (pos <= s->size() && (limit < 0 || done < limit) && out.size() <= cap) {
      out += *to;
      ++done;
      if (pos == s->size()) {
        pos = s->size() + 1;
        break;
      }
      std::size_t next = pos + 1;
      while (next < s->size() && (static_cast<unsigned char>((*s)[next]) & 0xC0) == 0x80) ++next;
      out.append(*s, pos, next - pos);
      pos = next;
    }
    if (pos < s->size()) out.append(*s, pos);
    return OwnString(call, std::move(out));
  }
  while ((limit < 0 || done < limit) && out.size() <= cap) {
    const std::size_t found = s->find(*from, pos);
    if (found == std::string::npos) break;
    out.append(*s, pos, found - pos);
    out += *to;
    pos = found + from->size();
    ++done;
  }
  out.append(*s, pos);
  return OwnString(call, std::move(out));
}

EvalResult Substring(const CallArgs& call) {
  WEFT_STRING_ARG(s, 0);
  WEFT_INT_ARG(start, 1, 0);
  const auto count = static_cast<std::int64_t>(CodePointCount(*s));
  WEFT_INT_ARG(end, 2, count);
  if (start < 0 || start > count || end < start || end > count) {
    return std::unexpected(Failure{codes::kOutOfRange, "substring(" + std::to_string(start) + ", " +
                                                           std::to_string(end) +
                                                           ") is out of range for a string of " +
                                                           std::to_string(count) + " characters"});
  }
  const std::size_t b = CodePointOffset(*s, static_cast<std::size_t>(start));
  const std::size_t e = CodePointOffset(*s, static_cast<std::size_t>(end));
  return OwnString(call, s->substr(b, e - b));
}

EvalResult IndexOfImpl(const CallArgs& call, bool last) {
  WEFT_STRING_ARG(s, 0);
  WEFT_STRING_ARG(t, 1);
  WEFT_TRY(ScanCost(call, s->size()));
  const auto count = static_cast<std::int64_t>(CodePointCount(*s));
  WEFT_INT_ARG(from, 2, last ? count : 0);
  if (from < 0 || from > count) {
    return std::unexpected(Failure{codes::kOutOfRange, "start " + std::to_string(from) +
                                                           " is out of range for a string of " +
                                                           std::to_string(count) + " characters"});
  }
  const std::size_t offset = CodePointOffset(*s, static_cast<std::size_t>(from));
  std::size_t found = 0;
  if (last) {
    found = s->rfind(*t, offset);
  } else {
    found = s->find(*t, offset);
  }
  if (found == std::string::npos) return Value::Own(json(std::int64_t{-1}));
  return Value::Own(
      json(static_cast<std::int64_t>(CodePointCount(std::string_view(*s).substr(0, found)))));
}
EvalResult IndexOf(const CallArgs& call) { return IndexOfImpl(call, false); }
EvalResult LastIndexOf(const CallArgs& call) { return IndexOfImpl(call, true); }

EvalResult Keys(const CallArgs& call) {
  const Value& v = call.args[0];
  if (!v.is_json() || !v.json().is_object()) return std::unexpected(WrongType(call, 0, "a map"));
  json out = json::array();
  std::size_t bytes = 16;
  // nlohmann::json objects are std::map-backed, so keys come out sorted.
  for (const auto& [key, unused] : v.json().items()) {
    bytes += key.size() + 32;
    out.push_back(key);
  }
  WEFT_TRY(call.budget.Bytes(bytes));
  return Value::Own(std::move(out));
}

Failure ConversionError(const std::string& message) { return Failure{codes::kConversion, message}; }

EvalResult ToInt(const CallArgs& call) {
  const Value& v = call.args[0];
  if (v.is_timestamp()) {
    std::int64_t nanos = v.timestamp().nanos;
    std::int64_t seconds = nanos / 1'000'000'000;
    if (nanos % 1'000'000'000 < 0) --seconds;
    return Value::Own(json(seconds));
  }
  if (v.is_json()) {
    const json& j = v.json();
    if (auto i = AsInt(j)) return Value::Own(json(*i));
    if (j.is_number_float()) {
      const double d = std::trunc(j.get<double>());
      // 2^63 is exactly representable; anything at or above it does not fit.
      if (!std::isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
        return std::unexpected(
            ConversionError("int(): " + j.dump() + " is out of the int64 range"));
      }
      return Value::Own(json(static_cast<std::int64_t>(d)));
    }
    if (j.is_number_unsigned()) {
      return std::unexpected(ConversionError("int(): value is out of the int64 range"));
    }
    if (j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      std::int64_t out = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
        return std::unexpected(
            ConversionError("int(): \"" + s.substr(0, 64) + "\" is not an integer"));
      }
      return Value::Own(json(out));
    }
  }
  return std::unexpected(WrongType(call, 0, "a number, string or timestamp"));
}

EvalResult ToDouble(const CallArgs& call) {
  const Value& v = call.args[0];
  if (v.is_json()) {
    const json& j = v.json();
    if (j.is_number_float()) return Value::Own(j);
    // nlohmann counts unsigned numbers as integers too, so they are tested first.
    if (j.is_number_unsigned()) {
      return Value::Own(json(static_cast<double>(j.get<std::uint64_t>())));
    }
    if (j.is_number_integer()) return Value::Own(json(static_cast<double>(j.get<std::int64_t>())));
    if (j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      char* end = nullptr;
      const double d = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(d) ||
          IsAsciiSpace(s.front())) {
        return std::unexpected(
            ConversionError("double(): \"" + s.substr(0, 64) + "\" is not a finite number"));
      }
      return Value::Own(json(d));
    }
  }
  return std::unexpected(WrongType(call, 0, "a number or string"));
}

std::string FormatDouble(double d) {
  char buffer[64];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, ptr);
}

EvalResult ToString(const CallArgs& call) {
  const Value& v = call.args[0];
  if (v.is_duration()) return OwnString(call, FormatDuration(v.duration()));
  if (v.is_timestamp()) return OwnString(call, FormatTimestamp(v.timestamp()));
  const json& j = v.json();
  if (j.is_string()) return Value::Own(j);
  if (j.is_boolean()) return OwnString(call, j.get<bool>() ? "true" : "false");
  if (j.is_number_unsigned()) return OwnString(call, std::to_string(j.get<std::uint64_t>()));
  if (j.is_number_integer()) return OwnString(call, std::to_string(j.get<std::int64_t>()));
  if (j.is_number_float()) return OwnString(call, FormatDouble(j.get<double>()));
  return std::unexpected(WrongType(call, 0, "a string, number, bool, duration or timestamp"));
}

EvalResult ToBool(const CallArgs& call) {
  const Value& v = call.args[0];
  if (v.is_json() && v.json().is_boolean()) return Value::Own(v.json());
  if (const std::string* s = StringArg(call, 0)) {
    static constexpr std::string_view kTrue[] = {"true", "True", "TRUE", "t", "1"};
    static constexpr std::string_view kFalse[] = {"false", "False", "FALSE", "f", "0"};
    for (auto t : kTrue) {
      if (*s == t) return Value::Bool(true);
    }
    for (auto f : kFalse) {
      if (*s == f) return Value::Bool(false);
    }
    return std::unexpected(ConversionError("bool(): \"" + s->substr(0, 64) + "\" is not a bool"));
  }
  return std::unexpected(WrongType(call, 0, "a bool or string"));
}

EvalResult TypeOf(const CallArgs& call) {
  return Value::Own(json(std::string(TypeName(call.args[0]))));
}

EvalResult ToDuration(const CallArgs& call) {
  const Value& v = call.args[0];
  if (v.is_duration()) return Value::Of(v.duration());
  if (const std::string* s = StringArg(call, 0)) {
    if (auto d = ParseDuration(*s)) return Value::Of(*d);
    return std::unexpected(ConversionError("duration(): \"" + s->substr(0, 64) +
                                           "\" is not a duration such as \"1h30m\""));
  }
  return std::unexpected(WrongType(call, 0, "a string"));
}

EvalResult ToTimestamp(const CallArgs& call) {
  const Value& v = call.args[0];
  if (v.is_timestamp()) return Value::Of(v.timestamp());
  if (v.is_json()) {
    if (auto seconds = AsInt(v.json())) {
      std::int64_t nanos = 0;
      if (__builtin_mul_overflow(*seconds, std::int64_t{1'000'000'000}, &nanos)) {
        return std::unexpected(Failure{codes::kTimeRange, "timestamp(): out of range"});
      }
      return Value::Of(Timestamp{nanos});
    }
  }
  if (const std::string* s = StringArg(call, 0)) {
    if (auto t = ParseTimestamp(*s)) return Value::Of(*t);
    return std::unexpected(
        ConversionError("timestamp(): \"" + s->substr(0, 64) +
                        "\" is not an RFC 3339 timestamp such as \"2026-01-01T00:00:00Z\""));
  }
  return std::unexpected(WrongType(call, 0, "a string or int"));
}

Failure NoRecorder(const char* name) {
  return Failure{codes::kNoRecorder,
                 std::string(name) + "() has no recorded source in this evaluation"};
}

EvalResult Now(const CallArgs& call) {
  if (!call.context.now_unix_ms) return std::unexpected(NoRecorder("now"));
  std::int64_t nanos = 0;
  if (__builtin_mul_overflow(call.context.now_unix_ms(), std::int64_t{1'000'000}, &nanos)) {
    return std::unexpected(Failure{codes::kTimeRange, "now(): out of range"});
  }
  return Value::Of(Timestamp{nanos});
}
EvalResult Uuid(const CallArgs& call) {
  if (!call.context.uuid) return std::unexpected(NoRecorder("uuid"));
  return OwnString(call, call.context.uuid());
}
EvalResult Random(const CallArgs& call) {
  if (!call.context.random) return std::unexpected(NoRecorder("random"));
  const double d = call.context.random();
  if (!std::isfinite(d)) return std::unexpected(NoRecorder("random"));
  return Value::Own(json(d));
}

#undef WEFT_STRING_ARG
#undef WEFT_INT_ARG
#undef WEFT_TRY

constexpr Function kFunctions[] = {
    {"size", "size(string | list | map) -> int", true, true, 1, 1, false, CheckSize, Size},
    {"contains", "string.contains(string) -> bool", false, true, 2, 2, false, CheckStringPredicate,
     Contains},
    {"startsWith", "string.startsWith(string) -> bool", false, true, 2, 2, false,
     CheckStringPredicate, StartsWith},
    {"endsWith", "string.endsWith(string) -> bool", false, true, 2, 2, false, CheckStringPredicate,
     EndsWith},
    {"matches", "string.matches(regex) -> bool", true, true, 2, 2, false, CheckStringPredicate,
     Matches},
    {"lowerAscii", "string.lowerAscii() -> string", false, true, 1, 1, false, CheckStringToString,
     LowerAscii},
    {"upperAscii", "string.upperAscii() -> string", false, true, 1, 1, false, CheckStringToString,
     UpperAscii},
    {"trim", "string.trim() -> string", false, true, 1, 1, false, CheckStringToString, Trim},
    {"split", "string.split(separator, [limit]) -> list<string>", false, true, 2, 3, false,
     CheckSplit, Split},
    {"join", "list<string>.join([separator]) -> string", false, true, 1, 2, false, CheckJoin, Join},
    {"replace", "string.replace(old, new, [limit]) -> string", false, true, 3, 4, false,
     CheckReplace, Replace},
    {"substring", "string.substring(start, [end]) -> string", false, true, 2, 3, false,
     CheckSubstring, Substring},
    {"indexOf", "string.indexOf(string, [start]) -> int", false, true, 2, 3, false, CheckIndexOf,
     IndexOf},
    {"lastIndexOf", "string.lastIndexOf(string, [start]) -> int", false, true, 2, 3, false,
     CheckIndexOf, LastIndexOf},
    {"keys", "keys(map) -> list<string>", true, true, 1, 1, false, CheckKeys, Keys},
    {"int", "int(double | string | timestamp) -> int", true, false, 1, 1, false, CheckInt, ToInt},
    {"double", "double(int | string) -> double", true, false, 1, 1, false, CheckDouble, ToDouble},
    {"string", "string(value) -> string", true, false, 1, 1, false, CheckString, ToString},
    {"bool", "bool(string) -> bool", true, false, 1, 1, false, CheckBool, ToBool},
    {"type", "type(value) -> string", true, false, 1, 1, false, CheckType, TypeOf},
    {"duration", "duration(string) -> duration", true, false, 1, 1, false, CheckDuration,
     ToDuration},
    {"timestamp", "timestamp(string | int) -> timestamp", true, false, 1, 1, false, CheckTimestamp,
     ToTimestamp},
    {"now", "now() -> timestamp", true, false, 0, 0, true, CheckNow, Now},
    {"uuid", "uuid() -> string", true, false, 0, 0, true, CheckUuid, Uuid},
    {"random", "random() -> double", true, false, 0, 0, true, CheckRandom, Random},
};

}  // namespace

const Function* FindFunction(std::string_view name) {
  for (const Function& f : kFunctions) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::span<const Function> AllFunctions() { return kFunctions; }

}  // namespace weft::dsl::expr
