#include "dsl/expr/type.h"

#include <utility>

namespace weft::dsl::expr {

namespace {

const Type& DynType() {
  static const Type kDyn;
  return kDyn;
}

const std::map<std::string, Type>& NoFields() {
  static const std::map<std::string, Type> kNone;
  return kNone;
}

}  // namespace

Type Type::List(Type element) {
  Type t(Kind::kList);
  t.element_ = std::make_shared<const Type>(std::move(element));
  return t;
}

Type Type::Map(Type element) {
  Type t(Kind::kMap);
  t.element_ = std::make_shared<const Type>(std::move(element));
  return t;
}

Type Type::Object(std::map<std::string, Type> fields, bool open) {
  Type t(Kind::kObject);
  t.open_ = open;
  t.fields_ = std::make_shared<const std::map<std::string, Type>>(std::move(fields));
  return t;
}

const Type& Type::element() const { return element_ ? *element_ : DynType(); }

const std::map<std::string, Type>& Type::fields() const { return fields_ ? *fields_ : NoFields(); }

std::string Type::ToString() const {
  switch (kind_) {
    case Kind::kDyn:
      return "dyn";
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kDouble:
      return "double";
    case Kind::kString:
      return "string";
    case Kind::kDuration:
      return "duration";
    case Kind::kTimestamp:
      return "timestamp";
    case Kind::kList:
      return "list<" + element().ToString() + ">";
    case Kind::kMap:
      return "map<string, " + element().ToString() + ">";
    case Kind::kObject: {
      std::string out = "object{";
      bool first = true;
      for (const auto& [name, type] : fields()) {
        if (!first) out += ", ";
        first = false;
        out += name + ": " + type.ToString();
      }
      if (open_) out += first ? "..." : ", ...";
      return out + "}";
    }
  }
  return "dyn";
}

bool operator==(const Type& a, const Type& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Type::Kind::kList:
    case Type::Kind::kMap:
      return a.element() == b.element();
    case Type::Kind::kObject:
      return a.open_ == b.open_ && a.fields() == b.fields();
    default:
      return true;
  }
}

Type TypeOfJsonValue(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return Type::Null();
    case nlohmann::json::value_t::boolean:
      return Type::Bool();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return Type::Int();
    case nlohmann::json::value_t::number_float:
      return Type::Double();
    case nlohmann::json::value_t::string:
      return Type::String();
    case nlohmann::json::value_t::array:
      return Type::List(Type::Dyn());
    case nlohmann::json::value_t::object:
      return Type::Map(Type::Dyn());
    default:
      return Type::Dyn();
  }
}

namespace {

// Schemas may nest without limit; deeper parts are simply not described.
constexpr int kMaxSchemaDepth = 32;

Type FromSchema(const nlohmann::json& schema, int depth) {
  if (!schema.is_object() || depth > kMaxSchemaDepth) return Type::Dyn();
  if (auto c = schema.find("const"); c != schema.end()) return TypeOfJsonValue(*c);
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array() && !e->empty()) {
    Type first = TypeOfJsonValue(e->front());
    for (const auto& v : *e) {
      if (!(TypeOfJsonValue(v) == first)) return Type::Dyn();
    }
    return first;
  }
  auto t = schema.find("type");
  if (t == schema.end()) return Type::Dyn();
  std::string name;
  if (t->is_string()) {
    name = t->get<std::string>();
  } else if (t->is_array()) {
    // ["string", "null"] is typed string (the language has no optional types; a null there
    // fails at run time like any wrong value); two or more non-null types are dyn.
    for (const auto& item : *t) {
      if (!item.is_string()) return Type::Dyn();
      if (item == "null") continue;
      if (!name.empty()) return Type::Dyn();
      name = item.get<std::string>();
    }
  } else {
    return Type::Dyn();
  }
  if (name == "null") return Type::Null();
  if (name == "boolean") return Type::Bool();
  if (name == "integer") return Type::Int();
  if (name == "number") return Type::Double();
  if (name == "string") return Type::String();
  if (name == "array") {
    auto items = schema.find("items");
    return Type::List(items != schema.end() ? FromSchema(*items, depth + 1) : Type::Dyn());
  }
  if (name == "object") {
    auto properties = schema.find("properties");
    auto additional = schema.find("additionalProperties");
    const bool closed = additional != schema.end() && *additional == false &&
                        schema.find("patternProperties") == schema.end();
    if (properties == schema.end() || !properties->is_object()) {
      if (additional != schema.end() && additional->is_object()) {
        return Type::Map(FromSchema(*additional, depth + 1));
      }
      return closed ? Type::Object({}, false) : Type::Map(Type::Dyn());
    }
    std::map<std::string, Type> fields;
    for (const auto& [key, sub] : properties->items()) fields[key] = FromSchema(sub, depth + 1);
    return Type::Object(std::move(fields), !closed);
  }
  return Type::Dyn();
}

}  // namespace

Type TypeFromJsonSchema(const nlohmann::json& schema) { return FromSchema(schema, 0); }

}  // namespace weft::dsl::expr
