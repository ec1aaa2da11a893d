#include "dsl/expr/value.h"

namespace weft::dsl::expr {

const nlohmann::json Value::kNull = nullptr;
const nlohmann::json Value::kTrue = true;
const nlohmann::json Value::kFalse = false;

nlohmann::json Value::ToJson() && {
  switch (kind_) {
    case Kind::kBorrowed:
      return *borrowed_;
    case Kind::kOwned:
      return std::move(*owned_);
    case Kind::kDuration:
      return FormatDuration(Duration{nanos_});
    case Kind::kTimestamp:
      return FormatTimestamp(Timestamp{nanos_});
  }
  return nullptr;
}

const char* TypeName(const Value& value) {
  if (value.is_duration()) return "duration";
  if (value.is_timestamp()) return "timestamp";
  switch (value.json().type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "int";
    case nlohmann::json::value_t::number_float:
      return "double";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::array:
      return "list";
    case nlohmann::json::value_t::object:
      return "map";
    default:
      return "unknown";
  }
}

}  // namespace weft::dsl::expr
