// ReadProtoJson: fills a protobuf message from a proto3 JSON document that nlohmann::json has
// already parsed, directly through the message's reflection. It exists for speed: protobuf's own
// JSON parser takes text, so a document that was parsed once (to check it, to fix it up) would be
// printed and parsed again, and that parser is slow (it goes through a type resolver and an
// intermediate wire encoding). Replaying an exported history was 95 % JSON handling.
//
// What it reads, as protobuf's parser does with ignore_unknown_fields: fields by their JSON
// (lowerCamel) or proto name; unknown fields and unknown enum values ignored; null as unset;
// 64-bit integers as numbers or strings; bytes as base64 (standard or URL-safe); enums by name
// or number, and also spelled the Go way ("WorkflowTaskStarted" for
// EVENT_TYPE_WORKFLOW_TASK_STARTED, as older Temporal tools wrote them); maps as objects;
// google.protobuf.Timestamp and Duration as strings; the wrapper types and Empty.
//
// What it does not cover (google.protobuf.Any, FieldMask, Struct, Value, ListValue) and any
// value of a shape it does not expect go to protobuf's own parser instead, after the same
// enum fix-up, so that those still parse and a wrong value gets protobuf's error, which names it.
//
// Stateless and thread-safe.
#ifndef WEFT_RUNTIME_TEMPORAL_PROTO_JSON_READER_H_
#define WEFT_RUNTIME_TEMPORAL_PROTO_JSON_READER_H_

#include <google/protobuf/message.h>

#include <expected>
#include <nlohmann/json.hpp>
#include <string>

namespace weft::temporal {

// Fills `message` (which should be empty) from `document`; the error is what does not parse.
std::expected<void, std::string> ReadProtoJson(const nlohmann::json& document,
                                               google::protobuf::Message& message);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_PROTO_JSON_READER_H_
