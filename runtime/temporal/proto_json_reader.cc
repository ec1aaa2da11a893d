#include "runtime/temporal/proto_json_reader.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft::temporal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using nlohmann::json;

// The whole of `text` as a number, or nothing.
template <typename T>
std::optional<T> FromText(std::string_view text) {
  T out{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return out;
}

// An integer field's value: a JSON integer or a string holding one (proto3 JSON writes 64-bit
// integers as strings), in range for T.
template <typename T>
std::optional<T> Integer(const json& value) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (!std::in_range<T>(number)) return std::nullopt;
    return static_cast<T>(number);
  }
  if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    if (!std::in_range<T>(number)) return std::nullopt;
    return static_cast<T>(number);
  }
  if (value.is_string()) return FromText<T>(value.get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<double> Double(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  return FromText<double>(text);
}

std::optional<float> Float(const json& value) {
  auto number = Double(value);
  if (!number) return std::nullopt;
  if (std::isfinite(*number) && std::fabs(*number) > std::numeric_limits<float>::max()) {
    return std::nullopt;
  }
  return static_cast<float>(*number);
}

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Base64, standard or URL-safe alphabet, padding optional (as protobuf's parser accepts).
std::optional<std::string> Base64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int pending = 0;  // bits in `bits` not yet written out
  for (char c : text) {
    const int sextet = Sextet(c);
    if (sextet < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(sextet);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      out.push_back(static_cast<char>((bits >> pending) & 0xFF));
      bits &= (1U << pending) - 1;
    }
  }
  return out;
}

// "WorkflowTaskStarted" -> "WORKFLOW_TASK_STARTED".
std::string UpperSnake(std::string_view pascal) {
  std::string out;
  out.reserve(pascal.size() + 8);
  for (std::size_t i = 0; i < pascal.size(); ++i) {
    const auto c = static_cast<unsigned char>(pascal[i]);
    if (i > 0 && std::isupper(c) && !std::isupper(static_cast<unsigned char>(pascal[i - 1]))) {
      out += '_';
    }
    out += static_cast<char>(std::toupper(c));
  }
  return out;
}

// An enum value by name, by the Go spelling of its name, or by number. Present but empty: a
// name this build does not know, which protobuf's parser (ignoring unknown fields) skips too.
std::optional<std::optional<int>> EnumNumber(const json& value, const EnumDescriptor& enumeration) {
  if (value.is_number_integer()) return Integer<std::int32_t>(value);
  if (!value.is_string()) return std::nullopt;
  const std::string& name = value.get_ref<const std::string&>();
  if (const EnumValueDescriptor* found = enumeration.FindValueByName(name)) {
    return found->number();
  }
  // Every Temporal enum's first value is <PREFIX>UNSPECIFIED.
  std::string_view prefix = enumeration.value(0)->name();
  constexpr std::string_view kUnspecified = "UNSPECIFIED";
  if (prefix.ends_with(kUnspecified)) {
    prefix.remove_suffix(kUnspecified.size());
    std::string go_spelling(prefix);
    go_spelling += UpperSnake(name);
    if (const EnumValueDescriptor* found = enumeration.FindValueByName(go_spelling)) {
      return found->number();
    }
  }
  return std::optional<int>{};
}

// By JSON name (what proto3 JSON writes), else by proto name, as protobuf's parser accepts.
const FieldDescriptor* FindField(const Descriptor& descriptor, const std::string& key) {
  // The camel-case index is the JSON name unless a .proto sets json_name: checked.
  const FieldDescriptor* field = descriptor.FindFieldByCamelcaseName(key);
  if (field != nullptr && field->json_name() == key) return field;
  field = descriptor.FindFieldByName(key);
  if (field != nullptr) return field;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    if (descriptor.field(i)->json_name() == key) return descriptor.field(i);
  }
  return nullptr;
}

bool ReadWellKnown(const json& value, Message& message);

// Sets `field` to the scalar `value`, or adds it when the field is repeated. A message field
// takes only the well-known types JSON writes as scalars (Timestamp, Duration, wrappers).
bool ReadValue(const json& value, Message& message, const FieldDescriptor& field) {
  const Reflection& reflection = *message.GetReflection();
  const bool add = field.is_repeated();
  auto store = [&](auto parsed, auto set, auto append) {
    if (!parsed) return false;
    (reflection.*(add ? append : set))(&message, &field, *parsed);
    return true;
  };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return ReadWellKnown(value, add ? *reflection.AddMessage(&message, &field)
                                      : *reflection.MutableMessage(&message, &field));
    case FieldDescriptor::CPPTYPE_INT32:
      return store(Integer<std::int32_t>(value), &Reflection::SetInt32, &Reflection::AddInt32);
    case FieldDescriptor::CPPTYPE_INT64:
      return store(Integer<std::int64_t>(value), &Reflection::SetInt64, &Reflection::AddInt64);
    case FieldDescriptor::CPPTYPE_UINT32:
      return store(Integer<std::uint32_t>(value), &Reflection::SetUInt32, &Reflection::AddUInt32);
    case FieldDescriptor::CPPTYPE_UINT64:
      return store(Integer<std::uint64_t>(value), &Reflection::SetUInt64, &Reflection::AddUInt64);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return store(Double(value), &Reflection::SetDouble, &Reflection::AddDouble);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return store(Float(value), &Reflection::SetFloat, &Reflection::AddFloat);
    case FieldDescriptor::CPPTYPE_BOOL:
      return store(value.is_boolean() ? std::optional<bool>(value.get<bool>()) : std::nullopt,
                   &Reflection::SetBool, &Reflection::AddBool);
    case FieldDescriptor::CPPTYPE_STRING: {
      if (!value.is_string()) return false;
      const std::string& text = value.get_ref<const std::string&>();
      std::optional<std::string> bytes =
          field.type() == FieldDescriptor::TYPE_BYTES ? Base64(text) : std::optional(text);
      if (!bytes) return false;
      if (add) {
        reflection.AddString(&message, &field, std::move(*bytes));
      } else {
        reflection.SetString(&message, &field, std::move(*bytes));
      }
      return true;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      auto number = EnumNumber(value, *field.enum_type());
      if (!number) return false;
      if (!*number) return true;  // unknown name: skipped
      if (add) {
        reflection.AddEnumValue(&message, &field, **number);
      } else {
        reflection.SetEnumValue(&message, &field, **number);
      }
      return true;
    }
  }
  return false;
}

// A map entry's key, which JSON always writes as a string.
bool ReadMapKey(const std::string& key, Message& entry, const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      entry.GetReflection()->SetString(&entry, &field, key);
      return true;
    case FieldDescriptor::CPPTYPE_BOOL:
      if (key != "true" && key != "false") return false;
      entry.GetReflection()->SetBool(&entry, &field, key == "true");
      return true;
    default:
      return ReadValue(json(key), entry, field);  // integers, from their text
  }
}

// Timestamp and Duration are strings in JSON ("2026-11-22T03:00:00.5Z", "1.5s").
template <typename WellKnown>
bool ReadTime(const json& value, Message& message) {
  if (!value.is_string()) return false;
  WellKnown parsed;
  if (!google::protobuf::util::TimeUtil::FromString(value.get_ref<const std::string&>(), &parsed)) {
    return false;
  }
  const Reflection& reflection = *message.GetReflection();
  const Descriptor& descriptor = *message.GetDescriptor();
  reflection.SetInt64(&message, descriptor.FindFieldByNumber(1), parsed.seconds());
  reflection.SetInt32(&message, descriptor.FindFieldByNumber(2), parsed.nanos());
  return true;
}

// A message written as a scalar: Timestamp, Duration, a wrapper. Any other is refused.
bool ReadWellKnown(const json& value, Message& message) {
  const Descriptor& descriptor = *message.GetDescriptor();
  switch (descriptor.well_known_type()) {
    case Descriptor::WELLKNOWNTYPE_TIMESTAMP:
      return ReadTime<google::protobuf::Timestamp>(value, message);
    case Descriptor::WELLKNOWNTYPE_DURATION:
      return ReadTime<google::protobuf::Duration>(value, message);
    case Descriptor::WELLKNOWNTYPE_DOUBLEVALUE:
    case Descriptor::WELLKNOWNTYPE_FLOATVALUE:
    case Descriptor::WELLKNOWNTYPE_INT64VALUE:
    case Descriptor::WELLKNOWNTYPE_UINT64VALUE:
    case Descriptor::WELLKNOWNTYPE_INT32VALUE:
    case Descriptor::WELLKNOWNTYPE_UINT32VALUE:
    case Descriptor::WELLKNOWNTYPE_STRINGVALUE:
    case Descriptor::WELLKNOWNTYPE_BYTESVALUE:
    case Descriptor::WELLKNOWNTYPE_BOOLVALUE:
      return ReadValue(value, message, *descriptor.FindFieldByNumber(1));
    default:
      return false;
  }
}

// The SAX handler (nlohmann's json_sax interface) that writes each value into its field as the
// text is scanned, so that no JSON tree is built. A stack of frames tracks where the next
// value goes. Any callback returning false stops the scan: the caller falls back.
class MessageWriter {
 public:
  explicit MessageWriter(Message& root) : root_(root) {}

  bool null() {
    if (Skipping()) return true;
    // An unset singular field; null inside a list or a map protobuf's parser refuses.
    return frames_.empty() ? false : frames_.back().kind == Frame::kMessage;
  }
  bool boolean(bool value) { return Scalar(json(value)); }
  bool number_integer(json::number_integer_t value) { return Scalar(json(value)); }
  bool number_unsigned(json::number_unsigned_t value) { return Scalar(json(value)); }
  bool number_float(json::number_float_t value, const json::string_t&) {
    return Scalar(json(value));
  }
  bool string(json::string_t& value) { return Scalar(json(std::move(value))); }
  bool binary(json::binary_t&) { return false; }

  bool start_object(std::size_t) {
    if (Skipping()) return ++skip_depth_, true;
    if (frames_.empty()) {
      frames_.push_back({Frame::kMessage, &root_});
      return true;
    }
    Frame& frame = frames_.back();
    if (frame.kind == Frame::kMessage && frame.field == nullptr) return ++skip_depth_, true;
    if (frame.kind == Frame::kMessage && frame.field->is_map()) {
      frames_.push_back({Frame::kMap, frame.message, frame.field});
      return true;
    }
    const FieldDescriptor* field =
        frame.kind == Frame::kMap ? frame.field->message_type()->map_value() : frame.field;
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        field->message_type()->well_known_type() != Descriptor::WELLKNOWNTYPE_UNSPECIFIED) {
      return false;  // a scalar, or a well-known type written as an object (Any, Struct...)
    }
    Message* child = Slot(frame, [&](Message& message, const FieldDescriptor& target) {
      const Reflection& reflection = *message.GetReflection();
      return target.is_repeated() ? reflection.AddMessage(&message, &target)
                                  : reflection.MutableMessage(&message, &target);
    });
    if (child == nullptr) return false;
    frames_.push_back({Frame::kMessage, child});
    return true;
  }

  bool key(json::string_t& key) {
    if (Skipping()) return true;
    Frame& frame = frames_.back();
    if (frame.kind == Frame::kMap) {
      frame.map_key = std::move(key);
    } else {
      // Unknown (a newer server's field): its value is skipped.
      frame.field = FindField(*frame.message->GetDescriptor(), key);
    }
    return true;
  }

  bool end_object() {
    if (Skipping()) return --skip_depth_, true;
    frames_.pop_back();
    return true;
  }

  bool start_array(std::size_t) {
    if (Skipping()) return ++skip_depth_, true;
    if (frames_.empty() || frames_.back().kind != Frame::kMessage) return false;
    Frame& frame = frames_.back();
    if (frame.field == nullptr) return ++skip_depth_, true;
    if (!frame.field->is_repeated() || frame.field->is_map()) return false;
    frames_.push_back({Frame::kRepeated, frame.message, frame.field});
    return true;
  }

  bool end_array() {
    if (Skipping()) return --skip_depth_, true;
    frames_.pop_back();
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  struct Frame {
    enum Kind { kMessage, kRepeated, kMap } kind;
    Message* message;  // the message being read, or the one holding the list or map
    // kMessage: the field the next value is for (null: unknown, skipped); else the list's or
    // the map's field.
    const FieldDescriptor* field = nullptr;
    std::string map_key;  // kMap: the key of the next value
  };

  bool Skipping() const { return skip_depth_ > 0; }

  // Where the next value goes: `write(message, field)` on the field itself, on the list, or on
  // a new map entry's value. Null when the value cannot go there.
  template <typename Write>
  auto Slot(Frame& frame, Write write)
      -> decltype(write(std::declval<Message&>(), std::declval<const FieldDescriptor&>())) {
    using Result =
        decltype(write(std::declval<Message&>(), std::declval<const FieldDescriptor&>()));
    switch (frame.kind) {
      case Frame::kMessage: {
        // Two members of one oneof: protobuf's parser refuses that, and says so.
        const auto* oneof = frame.field->real_containing_oneof();
        if (oneof != nullptr && frame.message->GetReflection()->HasOneof(*frame.message, oneof)) {
          return Result{};
        }
        if (frame.field->is_repeated()) return Result{};  // a list must be an array
        return write(*frame.message, *frame.field);
      }
      case Frame::kRepeated:
        return write(*frame.message, *frame.field);
      case Frame::kMap: {
        Message& entry = *frame.message->GetReflection()->AddMessage(frame.message, frame.field);
        const Descriptor& entry_type = *frame.field->message_type();
        if (!ReadMapKey(frame.map_key, entry, *entry_type.map_key())) return Result{};
        return write(entry, *entry_type.map_value());
      }
    }
    return Result{};
  }

  bool Scalar(const json& value) {
    if (Skipping()) return true;
    if (frames_.empty()) return false;
    Frame& frame = frames_.back();
    if (frame.kind == Frame::kMessage && frame.field == nullptr) return true;  // unknown field
    return Slot(frame, [&](Message& message, const FieldDescriptor& field) {
      return ReadValue(value, message, field);
    });
  }

  Message& root_;
  std::vector<Frame> frames_;
  int skip_depth_ = 0;  // nesting inside a skipped value
};

// Older exports (tctl, the UI's download before 2.x, sdk-go's tests) spell enum values the Go
// way. Rewrites them, guided by the descriptors, to the names protobuf's parser expects; values
// that are already right are left alone.
void FixEnumSpellings(json& value, const Descriptor& descriptor) {
  if (!value.is_object()) return;
  for (auto& [key, field_value] : value.items()) {
    const FieldDescriptor* field = FindField(descriptor, key);
    if (field == nullptr) continue;
    auto fix = [&](json& element) {
      if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
        if (field->is_map()) {
          const FieldDescriptor* map_value = field->message_type()->map_value();
          if (map_value->type() != FieldDescriptor::TYPE_MESSAGE || !element.is_object()) return;
          for (auto& [map_key, entry] : element.items()) {
            FixEnumSpellings(entry, *map_value->message_type());
          }
          return;
        }
        FixEnumSpellings(element, *field->message_type());
      } else if (field->type() == FieldDescriptor::TYPE_ENUM && element.is_string()) {
        auto number = EnumNumber(element, *field->enum_type());
        if (number && *number) element = field->enum_type()->FindValueByNumber(**number)->name();
      }
    };
    if (field->is_repeated() && !field->is_map() && field_value.is_array()) {
      for (auto& element : field_value) fix(element);
    } else {
      fix(field_value);
    }
  }
}

}  // namespace

std::expected<void, std::string> ReadProtoJson(std::string_view text,
                                               google::protobuf::Message& message) {
  MessageWriter writer(message);
  if (json::sax_parse(text, &writer)) return {};
  // What the writer does not cover, or a value of the wrong shape: protobuf's parser reads the
  // first and names what is wrong in the second.
  message.Clear();
  json document = json::parse(text, nullptr, false);
  if (document.is_discarded()) return std::unexpected("not JSON");
  FixEnumSpellings(document, *message.GetDescriptor());
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(document.dump(), &message, options);
  if (!status.ok()) return std::unexpected(std::string(status.message()));
  return {};
}

}  // namespace weft::temporal
