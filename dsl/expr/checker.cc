#include "dsl/expr/checker.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>
#include <utility>

#include "dsl/expr/codes.h"
#include "dsl/expr/functions.h"
#include "dsl/expr/operators.h"
#include "dsl/expr/time_values.h"

namespace weft::dsl::expr {

namespace {

using Kind = Type::Kind;

// Edit distance counting a swap of two neighbouring letters as one edit ("inptu" -> "input"),
// the commonest typo.
std::size_t EditDistance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string Quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += "`" + n + "`";
  }
  return out;
}

// Names other languages use for the built-in functions, to suggest the right one.
const char* KnownAlias(const std::string& name) {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"len", "size"},
      {"length", "size"},
      {"count", "size"},
      {"lower", "lowerAscii"},
      {"toLowerCase", "lowerAscii"},
      {"upper", "upperAscii"},
      {"toUpperCase", "upperAscii"},
      {"strip", "trim"},
      {"match", "matches"},
      {"regex", "matches"},
      {"find", "indexOf"},
      {"substr", "substring"},
      {"str", "string"},
      {"toString", "string"},
      {"float", "double"},
      {"includes", "contains"},
      {"startswith", "startsWith"},
      {"endswith", "endsWith"},
      {"any", "exists"},
      {"some", "exists"},
      {"every", "all"},
      {"select", "filter"},
      {"where", "filter"},
      {"coalesce", "??"},
      {"default", "??"},
      {"exists_in", "in"},
  };
  for (const auto& [alias, name_here] : kAliases) {
    if (name == alias) return name_here;
  }
  return nullptr;
}

bool IsBoolOrDyn(const Type& t) { return t.is_dyn() || t.kind() == Kind::kBool; }

class Checker {
 public:
  explicit Checker(const Scope& scope) : scope_(scope) {}

  CheckResult Run(Node& root) {
    Visit(root);
    std::sort(result_.diagnostics.begin(), result_.diagnostics.end(),
              [](const Diagnostic& a, const Diagnostic& b) { return a.offset < b.offset; });
    result_.roots.assign(roots_.begin(), roots_.end());
    return std::move(result_);
  }

 private:
  void Report(const char* code, const Node& node, std::string message, std::string hint = {}) {
    result_.diagnostics.push_back(
        Diagnostic{code, node.offset, node.length, std::move(message), std::move(hint)});
  }

  void Visit(Node& node) {
    for (auto& child : node.children) {
      // Comprehension bodies are visited with their loop variable in scope.
      if (node.kind == NodeKind::kComprehension && child.get() != node.children[0].get()) break;
      Visit(*child);
    }
    node.type = TypeOf(node);
  }

  Type TypeOf(Node& node) {
    switch (node.kind) {
      case NodeKind::kLiteral:
        return TypeOfJsonValue(node.literal);
      case NodeKind::kIdent:
        return ResolveName(node);
      case NodeKind::kSelect:
        return SelectField(node, node.children[0]->type, node.name, node);
      case NodeKind::kIndex:
        return IndexType(node);
      case NodeKind::kCall:
        return CallType(node);
      case NodeKind::kList: {
        if (node.children.empty()) return Type::List(Type::Dyn());
        Type element = StoredType(node.children[0]->type);
        for (const auto& child : node.children)
          element = JoinTypes(element, StoredType(child->type));
        return Type::List(element);
      }
      case NodeKind::kMap:
        return MapType(node);
      case NodeKind::kUnary:
      case NodeKind::kBinary:
        return OperatorType(node);
      case NodeKind::kTernary: {
        if (!IsBoolOrDyn(node.children[0]->type)) {
          Report(codes::kNotBool, *node.children[0],
                 "the condition of `?:` must be bool, not " + node.children[0]->type.ToString());
        }
        return JoinTypes(node.children[1]->type, node.children[2]->type);
      }
      case NodeKind::kDefault: {
        const Type& left = node.children[0]->type;
        if (left.kind() == Kind::kNull) return node.children[1]->type;
        return JoinTypes(left, node.children[1]->type);
      }
      case NodeKind::kHas: {
        const Type& object = node.children[0]->type;
        if (!object.is_dyn() && object.kind() != Kind::kMap && object.kind() != Kind::kObject) {
          Report(codes::kNotIndexable, node,
                 "has() tests a field of a map, but this is " + object.ToString());
        }
        return Type::Bool();
      }
      case NodeKind::kComprehension:
        return ComprehensionType(node);
    }
    return Type::Dyn();
  }

  Type ResolveName(Node& node) {
    for (std::size_t i = locals_.size(); i-- > 0;) {
      if (locals_[i].first == node.name) {
        node.slot = static_cast<int>(i);
        return locals_[i].second;
      }
    }
    if (auto it = scope_.names.find(node.name); it != scope_.names.end()) {
      roots_.insert(node.name);
      return it->second;
    }
    std::vector<std::string> candidates;
    for (const auto& [name, unused] : scope_.names) candidates.push_back(name);
    for (const auto& [name, unused] : locals_) candidates.push_back(name);
    std::vector<std::string> close = ClosestNames(node.name, candidates);
    std::string message = "unknown name `" + node.name + "`";
    if (!close.empty()) message += "; did you mean `" + close[0] + "`?";
    std::string hint =
        candidates.empty() ? "no names are in scope here" : "names in scope: " + Quoted(candidates);
    if (FindFunction(node.name) != nullptr) {
      hint = "`" + node.name + "` is a function: call it, e.g. " + node.name + "(...)";
    }
    Report(codes::kUnknownName, node, std::move(message), std::move(hint));
    return Type::Dyn();
  }

  Type SelectField(const Node& at, const Type& object, const std::string& field,
                   const Node& report_node) {
    switch (object.kind()) {
      case Kind::kDyn:
        return Type::Dyn();
      case Kind::kMap:
        return object.element();
      case Kind::kObject: {
        if (auto it = object.fields().find(field); it != object.fields().end()) return it->second;
        if (object.open()) return Type::Dyn();
        std::vector<std::string> candidates;
        for (const auto& [name, unused] : object.fields()) candidates.push_back(name);
        std::vector<std::string> close = ClosestNames(field, candidates);
        std::string message = "no field `" + field + "` in " + object.ToString();
        if (!close.empty()) message += "; did you mean `" + close[0] + "`?";
        Report(codes::kNoSuchField, report_node, std::move(message),
               candidates.empty() ? "" : "fields: " + Quoted(candidates));
        return Type::Dyn();
      }
      case Kind::kNull:
        // Reading a field of null fails at run time; `??` is the way to read it safely.
        return Type::Dyn();
      default:
        Report(codes::kNotIndexable, at,
               "cannot read field `" + field + "` of " + object.ToString());
        return Type::Dyn();
    }
  }

  Type IndexType(Node& node) {
    const Type& container = node.children[0]->type;
    const Node& index = *node.children[1];
    switch (container.kind()) {
      case Kind::kDyn:
        return Type::Dyn();
      case Kind::kList:
        if (!index.type.is_dyn() && index.type.kind() != Kind::kInt) {
          Report(codes::kArgumentTypes, index,
                 "a list index must be an int, not " + index.type.ToString());
        }
        return container.element();
      case Kind::kMap:
      case Kind::kObject:
        if (!index.type.is_dyn() && index.type.kind() != Kind::kString) {
          Report(codes::kMapKeyType, index,
                 "a map key must be a string, not " + index.type.ToString());
          return Type::Dyn();
        }
        if (index.kind == NodeKind::kLiteral && index.literal.is_string()) {
          return SelectField(node, container, index.literal.get<std::string>(), index);
        }
        return container.kind() == Kind::kMap ? container.element() : Type::Dyn();
      default:
        Report(codes::kNotIndexable, node, "cannot index " + container.ToString());
        return Type::Dyn();
    }
  }

  Type MapType(Node& node) {
    std::map<std::string, Type> fields;
    bool literal_keys = true;
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
      const Node& key = *node.children[i];
      const Type& value = node.children[i + 1]->type;
      if (!key.type.is_dyn() && key.type.kind() != Kind::kString) {
        Report(codes::kMapKeyType, key, "map keys are strings, not " + key.type.ToString(),
               "values are JSON, whose object keys are strings");
        literal_keys = false;
        continue;
      }
      if (key.kind == NodeKind::kLiteral && key.literal.is_string()) {
        const auto& name = key.literal.get_ref<const std::string&>();
        if (fields.contains(name)) {
          Report(codes::kMapKeyType, key, "duplicate map key `" + name + "`");
        }
        fields[name] = StoredType(value);
      } else {
        literal_keys = false;
      }
    }
    if (literal_keys && fields.size() * 2 == node.children.size()) {
      for (std::size_t i = 0; i < node.children.size(); i += 2) node.sorted_pairs.push_back(i / 2);
      std::sort(node.sorted_pairs.begin(), node.sorted_pairs.end(),
                [&](std::size_t a, std::size_t b) {
                  return node.children[2 * a]->literal.get_ref<const std::string&>() <
                         node.children[2 * b]->literal.get_ref<const std::string&>();
                });
    }
    if (literal_keys) return Type::Object(std::move(fields), false);
    return Type::Map(Type::Dyn());
  }

  Type OperatorType(Node& node) {
    const Type& a = node.children[0]->type;
    const Type b = node.children.size() > 1 ? node.children[1]->type : Type::Dyn();
    auto result = CheckOperator(node.op, a, b);
    if (!result) {
      const bool logical = node.op == Op::kAnd || node.op == Op::kOr || node.op == Op::kNot;
      Report(logical ? codes::kNotBool : codes::kOperatorTypes, node, result.error());
      return node.op == Op::kEq || node.op == Op::kNe || node.op == Op::kIn || logical
                 ? Type::Bool()
                 : Type::Dyn();
    }
    return *result;
  }

  Type CallType(Node& node) {
    const Function* f = FindFunction(node.name);
    if (f == nullptr) {
      std::vector<std::string> candidates;
      for (const Function& each : AllFunctions()) candidates.push_back(each.name);
      std::vector<std::string> close = ClosestNames(node.name, candidates);
      std::string message = "unknown function `" + node.name + "`";
      if (const char* alias = KnownAlias(node.name)) {
        message += "; did you mean `" + std::string(alias) + "`?";
      } else if (!close.empty()) {
        message += "; did you mean `" + close[0] + "`?";
      }
      Report(codes::kUnknownFunction, node, std::move(message),
             "functions: " + Quoted(candidates) +
                 "; macros: has, all, exists, exists_one, map, filter");
      return Type::Dyn();
    }
    node.function = f;
    if (node.receiver_call && !f->receiver) {
      Report(codes::kUnknownFunction, node,
             std::string(f->name) + "() is not a method; call it as " + f->name + "(x)",
             std::string("signature: ") + f->signature);
      node.function = nullptr;
      return Type::Dyn();
    }
    if (!node.receiver_call && !f->global) {
      Report(codes::kUnknownFunction, node,
             std::string(f->name) + "() is a method; call it as x." + f->name + "(...)",
             std::string("signature: ") + f->signature);
      node.function = nullptr;
      return Type::Dyn();
    }
    const int count = static_cast<int>(node.children.size());
    if (count < f->min_args || count > f->max_args) {
      Report(codes::kArgumentCount, node,
             std::string(f->name) + "() takes " + CountText(*f, node.receiver_call) + ", given " +
                 std::to_string(node.receiver_call ? count - 1 : count),
             std::string("signature: ") + f->signature);
      node.function = nullptr;
      return Type::Dyn();
    }
    if (f->recorded) {
      result_.uses_recorded_functions = true;
      if (!scope_.allow_recorded_functions) {
        Report(codes::kRecordedNotAllowed, node, std::string(f->name) + "() is not allowed here",
               "now(), uuid() and random() are only allowed where the engine records their "
               "value, e.g. in a `set` step");
      }
    }
    std::vector<Type> types;
    for (const auto& child : node.children) types.push_back(child->type);
    auto result = f->check(types);
    if (!result) {
      Report(codes::kArgumentTypes, node, std::string(f->name) + "(): " + result.error(),
             std::string("signature: ") + f->signature);
      return Type::Dyn();
    }
    CheckLiteralArguments(node);
    return *result;
  }

  static std::string CountText(const Function& f, bool receiver) {
    const int offset = receiver ? 1 : 0;
    const int lo = f.min_args - offset;
    const int hi = f.max_args - offset;
    auto plural = [](int n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); };
    if (lo == hi) return plural(lo);
    return std::to_string(lo) + " to " + plural(hi);
  }

  // Literal patterns, durations and timestamps are checked (and patterns compiled) now, so that
  // a typo fails when the definition loads rather than when the step runs.
  void CheckLiteralArguments(Node& node) {
    const std::string name = node.name;
    if (name == "matches") {
      const Node& pattern = *node.children[1];
      if (pattern.kind != NodeKind::kLiteral || !pattern.literal.is_string()) return;
      RE2::Options options;
      options.set_log_errors(false);
      auto regex = std::make_shared<RE2>(pattern.literal.get<std::string>(), options);
      if (!regex->ok()) {
        Report(codes::kInvalidRegex, pattern, "invalid regular expression: " + regex->error(),
               "the syntax is RE2's: https://github.com/google/re2/wiki/Syntax");
        return;
      }
      node.regex = std::move(regex);
    } else if (name == "duration" || name == "timestamp") {
      const Node& arg = *node.children[0];
      if (arg.kind != NodeKind::kLiteral || !arg.literal.is_string()) return;
      const auto& text = arg.literal.get_ref<const std::string&>();
      if (name == "duration") {
        if (auto d = ParseDuration(text)) {
          node.folded = true;
          node.folded_nanos = d->nanos;
        } else {
          Report(codes::kInvalidLiteral, arg, "`" + text + "` is not a duration",
                 "write e.g. \"30s\", \"5m\", \"1h30m\", \"250ms\"");
        }
      } else if (auto t = ParseTimestamp(text)) {
        node.folded = true;
        node.folded_nanos = t->nanos;
      } else {
        Report(codes::kInvalidLiteral, arg, "`" + text + "` is not an RFC 3339 timestamp",
               "write e.g. \"2026-01-01T00:00:00Z\"");
      }
    }
  }

  Type ComprehensionType(Node& node) {
    const Type& range = node.children[0]->type;
    Type element = Type::Dyn();
    switch (range.kind()) {
      case Kind::kDyn:
        break;
      case Kind::kList:
        element = range.element();
        break;
      case Kind::kMap:
      case Kind::kObject:
        element = Type::String();
        break;
      default:
        Report(codes::kNotIndexable, *node.children[0], "cannot iterate over " + range.ToString(),
               "macros iterate over lists and maps");
    }
    locals_.emplace_back(node.name, element);
    node.slot = static_cast<int>(locals_.size()) - 1;
    result_.local_slots = std::max(result_.local_slots, static_cast<int>(locals_.size()));
    for (std::size_t i = 1; i < node.children.size(); ++i) Visit(*node.children[i]);
    locals_.pop_back();

    // The predicate is children[1] for every macro except map (whose filter, if any, is too).
    const bool has_predicate = node.macro != Macro::kMap;
    if (has_predicate && !IsBoolOrDyn(node.children[1]->type)) {
      Report(codes::kNotBool, *node.children[1],
             "the predicate of " + MacroName(node.macro) + "() must be bool, not " +
                 node.children[1]->type.ToString());
    }
    switch (node.macro) {
      case Macro::kAll:
      case Macro::kExists:
      case Macro::kExistsOne:
        return Type::Bool();
      case Macro::kMap:
        return Type::List(StoredType(node.children[1]->type));
      case Macro::kMapFilter:
        return Type::List(StoredType(node.children[2]->type));
      case Macro::kFilter:
        return range.kind() == Kind::kList ? range : Type::List(element);
    }
    return Type::Dyn();
  }

  static std::string MacroName(Macro macro) {
    switch (macro) {
      case Macro::kAll:
        return "all";
      case Macro::kExists:
        return "exists";
      case Macro::kExistsOne:
        return "exists_one";
      case Macro::kMap:
      case Macro::kMapFilter:
        return "map";
      case Macro::kFilter:
        return "filter";
    }
    return "?";
  }

  const Scope& scope_;
  std::vector<std::pair<std::string, Type>> locals_;
  std::set<std::string> roots_;
  CheckResult result_;
};

}  // namespace

std::vector<std::string> ClosestNames(const std::string& name,
                                      const std::vector<std::string>& candidates) {
  // Close means one edit for short names, else up to a third of the letters (at least two).
  constexpr std::size_t kLongestName = 64;
  if (name.size() > kLongestName) return {};
  const std::size_t limit = name.size() <= 3 ? 1 : std::max<std::size_t>(2, name.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const std::string& candidate : candidates) {
    if (candidate.size() > kLongestName) continue;
    const std::size_t d = EditDistance(name, candidate);
    if (d <= limit && candidate != name) scored.emplace_back(d, candidate);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (auto& [unused, candidate] : scored) {
    if (std::find(out.begin(), out.end(), candidate) == out.end()) out.push_back(candidate);
  }
  return out;
}

CheckResult Check(Node& root, const Scope& scope) { return Checker(scope).Run(root); }

}  // namespace weft::dsl::expr
