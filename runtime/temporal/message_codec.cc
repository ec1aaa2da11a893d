#include "runtime/temporal/message_codec.h"

#include <google/protobuf/any.pb.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/temporal/payload.h"
#include "temporal/api/common/v1/message.pb.h"
#include "temporal/api/failure/v1/message.pb.h"

namespace weft::temporal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using ::temporal::api::common::v1::SearchAttributes;
using ::temporal::api::failure::v1::Failure;

enum class Direction { kEncode, kDecode };

// Whether messages of type `type` can hold a payload at any depth. Answered once per type and
// thread: most fields of a history (timestamps, ids, task queues) are not walked into.
bool MayHoldPayloads(const Descriptor* type) {
  thread_local std::unordered_map<const Descriptor*, bool> known;
  if (auto found = known.find(type); found != known.end()) return found->second;
  if (type == Payload::descriptor() || type == google::protobuf::Any::descriptor()) {
    return known[type] = true;
  }
  if (type == SearchAttributes::descriptor()) return known[type] = false;
  known[type] = true;  // while it is being answered: a cycle (Failure.cause) walks, to be safe
  bool holds = false;
  for (int i = 0; i < type->field_count() && !holds; ++i) {
    const FieldDescriptor* field = type->field(i);
    holds = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
            MayHoldPayloads(field->message_type());
  }
  return known[type] = holds;
}

class Walk {
 public:
  Walk(const PayloadCodec& codec, Direction direction) : codec_(codec), direction_(direction) {}

  std::expected<void, std::string> Visit(Message& message) {
    const Descriptor* type = message.GetDescriptor();
    if (type == Payload::descriptor()) return VisitPayload(static_cast<Payload&>(message));
    if (type == google::protobuf::Any::descriptor()) {
      return VisitAny(static_cast<google::protobuf::Any&>(message));
    }
    Failure* failure = type == Failure::descriptor() ? static_cast<Failure*>(&message) : nullptr;
    if (failure != nullptr && direction_ == Direction::kEncode) EncodeCommonAttributes(*failure);
    const google::protobuf::Reflection& reflection = *message.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection.ListFields(message, &fields);  // only the fields that are set
    for (const FieldDescriptor* field : fields) {
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
          !MayHoldPayloads(field->message_type())) {
        continue;
      }
      if (field->is_repeated()) {
        for (int i = 0; i < reflection.FieldSize(message, field); ++i) {
          Message& item = *reflection.MutableRepeatedMessage(&message, field, i);
          std::string key;
          if (field->is_map() &&
              field->message_type()->map_key()->type() == FieldDescriptor::TYPE_STRING) {
            key = item.GetReflection()->GetString(item, field->message_type()->map_key());
          }
          path_.push_back({field, i, std::move(key)});
          if (auto visited = Visit(item); !visited) return visited;
          path_.pop_back();
        }
      } else {
        path_.push_back({field, -1, {}});
        if (auto visited = Visit(*reflection.MutableMessage(&message, field)); !visited) {
          return visited;
        }
        path_.pop_back();
      }
    }
    if (failure != nullptr && direction_ == Direction::kDecode) DecodeCommonAttributes(*failure);
    return {};
  }

 private:
  std::expected<void, std::string> VisitPayload(Payload& payload) {
    if (direction_ == Direction::kEncode && codec_.Encoded(payload)) return {};
    auto done = direction_ == Direction::kEncode ? codec_.Encode(payload) : codec_.Decode(payload);
    if (!done) return std::unexpected(Where() + ": " + done.error());
    ++payloads_;
    return {};
  }

  // An Any holds a message of the API serialized: it is opened, walked and closed again.
  std::expected<void, std::string> VisitAny(google::protobuf::Any& any) {
    const std::string& url = any.type_url();
    const Descriptor* type =
        google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
            url.substr(url.rfind('/') + 1));
    if (type == nullptr || !MayHoldPayloads(type)) return {};
    std::unique_ptr<Message> inner(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
    if (!inner->ParseFromString(any.value())) {
      return std::unexpected(Where() + ": does not parse as the " + type->full_name() + " it says");
    }
    const int before = payloads_;
    if (auto visited = Visit(*inner); !visited) return visited;
    if (payloads_ != before) any.set_value(inner->SerializeAsString());
    return {};
  }

  void EncodeCommonAttributes(Failure& failure) {
    if (failure.message().empty() && failure.stack_trace().empty()) return;
    nlohmann::json attributes = nlohmann::json::object();
    if (failure.has_encoded_attributes()) {
      // Attributes weft or another SDK already put there (weft's step, compensations) stay.
      auto existing = FromPayload(failure.encoded_attributes());
      if (!existing || !existing->is_object()) return;
      attributes = std::move(*existing);
    }
    attributes["message"] = failure.message();
    attributes["stack_trace"] = failure.stack_trace();
    *failure.mutable_encoded_attributes() = ToPayload(attributes);
    failure.set_message(kEncodedFailureMessage);
    failure.clear_stack_trace();
  }

  static void DecodeCommonAttributes(Failure& failure) {
    if (!failure.has_encoded_attributes()) return;
    auto attributes = FromPayload(failure.encoded_attributes());
    if (!attributes || !attributes->is_object()) return;
    if (auto message = attributes->find("message");
        message != attributes->end() && message->is_string()) {
      failure.set_message(message->get<std::string>());
    }
    if (auto trace = attributes->find("stack_trace");
        trace != attributes->end() && trace->is_string()) {
      failure.set_stack_trace(trace->get<std::string>());
    }
  }

  // "history.events[4].activity_task_completed_event_attributes.result.payloads[0]"; a map's
  // entry by its key: "header.fields[\"weft-resume\"]".
  std::string Where() const {
    std::string where;
    for (const auto& [field, index, key] : path_) {
      if (field->containing_type()->options().map_entry()) continue;  // the entry's value
      if (!where.empty()) where += '.';
      where += field->name();
      if (field->is_map()) {
        where += "[\"" + key + "\"]";
      } else if (index >= 0) {
        where += "[" + std::to_string(index) + "]";
      }
    }
    return where.empty() ? "payload" : where;
  }

  const PayloadCodec& codec_;
  const Direction direction_;
  struct Step {
    const FieldDescriptor* field;
    int index;        // in a repeated field; -1 for a singular one
    std::string key;  // a map entry's key, when it is a string
  };
  std::vector<Step> path_;
  int payloads_ = 0;
};

}  // namespace

std::expected<void, std::string> EncodeMessage(const PayloadCodec& codec, Message& message) {
  return Walk(codec, Direction::kEncode).Visit(message);
}

std::expected<void, std::string> DecodeMessage(const PayloadCodec& codec, Message& message) {
  return Walk(codec, Direction::kDecode).Visit(message);
}

}  // namespace weft::temporal
