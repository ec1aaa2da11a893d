// EncodeMessage and DecodeMessage: a PayloadCodec applied to every payload an API message holds,
// at any depth, as the SDKs' codec interceptors apply theirs (sdk-go's proxy.VisitPayloads):
// requests are encoded before they are sent, responses decoded when they arrive
// (connection.h), so that no caller handles an encoded payload.
//
// - Every Payload field, in Payloads, maps (memo, header, marker details) and oneofs, and
//   inside google.protobuf.Any (the update protocol's messages), is visited.
// - Search attributes are not: the server indexes them, and no SDK encodes them.
// - Failures: encoding moves a failure's message and stack trace into its encoded attributes
//   and leaves "Encoded failure" in their place, as the SDKs' failure converter does with
//   encode_common_attributes, so that they are encrypted too; decoding puts them back. Go,
//   Python and weft clients read them back from there either way.
// - Encoding leaves a payload the codec already made alone, so that a payload read without
//   the key and written back is not wrapped twice.
//
// The error names where in the message the payload was ("history.events[4]
// .activity_task_completed_event_attributes.result.payloads[0]: ...").
#ifndef WEFT_RUNTIME_TEMPORAL_MESSAGE_CODEC_H_
#define WEFT_RUNTIME_TEMPORAL_MESSAGE_CODEC_H_

#include <google/protobuf/message.h>

#include <expected>
#include <string>

#include "runtime/temporal/payload_codec.h"

namespace weft::temporal {

std::expected<void, std::string> EncodeMessage(const PayloadCodec& codec,
                                               google::protobuf::Message& message);
std::expected<void, std::string> DecodeMessage(const PayloadCodec& codec,
                                               google::protobuf::Message& message);

// The message a failure's encoded message becomes, as the SDKs write it.
inline constexpr char kEncodedFailureMessage[] = "Encoded failure";

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_MESSAGE_CODEC_H_
