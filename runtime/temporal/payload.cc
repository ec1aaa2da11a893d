#include "runtime/temporal/payload.h"

#include "dsl/json_text.h"
#include "runtime/temporal/encryption_codec.h"

namespace weft::temporal {
namespace {

constexpr const char* kEncoding = "encoding";
constexpr const char* kJsonPlain = "json/plain";
constexpr const char* kBinaryNull = "binary/null";
constexpr const char* kBinaryPlain = "binary/plain";
constexpr const char* kJsonProtobuf = "json/protobuf";

}  // namespace

Payload ToPayload(const nlohmann::json& value) {
  Payload payload;
  if (value.is_null()) {
    (*payload.mutable_metadata())[kEncoding] = kBinaryNull;
    return payload;
  }
  (*payload.mutable_metadata())[kEncoding] = kJsonPlain;
  // Compact, as Go's json.Marshal and Python's json.dumps(separators=(",", ":")) write it.
  payload.set_data(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return payload;
}

Payloads ToPayloads(const nlohmann::json& value) {
  Payloads payloads;
  *payloads.add_payloads() = ToPayload(value);
  return payloads;
}

Payloads ToProtoJsonPayloads(const nlohmann::json& message, const std::string& message_type) {
  Payloads payloads;
  Payload& payload = *payloads.add_payloads();
  (*payload.mutable_metadata())[kEncoding] = kJsonProtobuf;
  (*payload.mutable_metadata())["messageType"] = message_type;
  payload.set_data(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return payloads;
}

std::expected<nlohmann::json, std::string> FromPayload(const Payload& payload) {
  auto encoding = payload.metadata().find(kEncoding);
  if (encoding == payload.metadata().end()) {
    return std::unexpected(std::string("payload has no encoding"));
  }
  const std::string& name = encoding->second;
  if (name == kBinaryNull) return nullptr;
  if (name == kBinaryPlain) return payload.data();
  if (name == kEncryptedEncoding) {
    // Read without a codec: this process was given no keys (a process with keys decrypts every
    // payload before it gets here, or fails naming the key it lacks).
    auto key = payload.metadata().find(kEncryptionKeyIdKey);
    return std::unexpected(
        "the payload is binary/encrypted (key `" +
        (key == payload.metadata().end() ? std::string("?") : key->second) +
        "`) and this process has no payload keys: give it the key file (--codec-key-file or "
        "WEFT_CODEC_KEYS)");
  }
  if (name != kJsonPlain && name != kJsonProtobuf) {
    return std::unexpected("payload encoding `" + name + "` is not supported (weft reads " +
                           kJsonPlain + ", " + kJsonProtobuf + ", " + kBinaryNull + " and " +
                           kBinaryPlain + ")");
  }
  // Any client may have written it: read with the bounds of every other entry (depth, numbers
  // in range, no key twice).
  auto value = dsl::ParseJsonText(payload.data(), name + " payload");
  if (!value) return std::unexpected(value.error());
  return std::move(*value);
}

std::expected<nlohmann::json, std::string> FromPayloads(const Payloads& payloads) {
  if (payloads.payloads_size() == 0) return nullptr;
  if (payloads.payloads_size() == 1) return FromPayload(payloads.payloads(0));
  nlohmann::json values = nlohmann::json::array();
  for (const Payload& payload : payloads.payloads()) {
    auto value = FromPayload(payload);
    if (!value) return value;
    values.push_back(std::move(*value));
  }
  return values;
}

}  // namespace weft::temporal
