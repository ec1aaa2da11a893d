// JSON values as Temporal payloads, byte for byte as the official SDKs write them
// (docs/temporal-protocol.md#payloads): null is one `binary/null` payload with no data, every
// other value one `json/plain` payload holding compact JSON. One payload per argument: a weft
// workflow's input, a signal's argument and a result are each exactly one payload.
//
// A protobuf message of Temporal's own API (the `__temporal_workflow_metadata` answer) is one
// `json/protobuf` payload naming its `messageType`, as the SDKs' default converters write one.
//
// Decoding is lenient where SDKs differ: an empty Payloads (Go and Java omit void results) and
// `binary/null` both read as null, JSON with any whitespace is accepted, `json/protobuf` reads
// as the JSON it holds, and `binary/plain` reads as a string. Anything else (a codec's encoding,
// binary protobuf) is an error naming it; an encrypted payload read without keys says so.
#ifndef WEFT_RUNTIME_TEMPORAL_PAYLOAD_H_
#define WEFT_RUNTIME_TEMPORAL_PAYLOAD_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "temporal/api/common/v1/message.pb.h"

namespace weft::temporal {

using Payload = ::temporal::api::common::v1::Payload;
using Payloads = ::temporal::api::common::v1::Payloads;

Payload ToPayload(const nlohmann::json& value);

// One payload holding `value`.
Payloads ToPayloads(const nlohmann::json& value);

// One json/protobuf payload: `message` is the proto3 JSON form of a message of `message_type`
// ("temporal.api.sdk.v1.WorkflowMetadata").
Payloads ToProtoJsonPayloads(const nlohmann::json& message, const std::string& message_type);

// The error is a message that names the encoding or the JSON error.
std::expected<nlohmann::json, std::string> FromPayload(const Payload& payload);

// The first payload of `payloads`, or null when there is none. More than one payload (an SDK
// caller passing several positional arguments) reads as a JSON array of them.
std::expected<nlohmann::json, std::string> FromPayloads(const Payloads& payloads);

// A memo's or search attributes' fields, each decoded; one that does not decode (another SDK's
// encoding) is kept as {"undecoded": <why>}, not dropped.
template <typename Map>
nlohmann::json DecodeFields(const Map& fields) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, payload] : fields) {
    auto value = FromPayload(payload);
    out[name] = value ? *value : nlohmann::json{{"undecoded", value.error()}};
  }
  return out;
}

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_PAYLOAD_H_
