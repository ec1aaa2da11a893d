// PayloadCodec: a transformation of payloads' bytes, the SDKs' PayloadCodec: Encode() on every
// payload the process writes, Decode() on every payload it reads, so that what the server stores
// is what the codec made (docs/operations.md#encrypted-payloads). The one implementation is
// EncryptionCodec (encryption_codec.h); message_codec.h applies a codec to whole API messages,
// and the Connection (connection.h) applies it to every call, which is the one seam between
// weft's plain JSON payloads and what goes over the wire.
//
// Decode() passes a payload the codec did not make (another encoding) through unchanged, so
// that plain payloads of SDK clients without the codec still read.
//
// Implementations are immutable once built and thread-safe.
#ifndef WEFT_RUNTIME_TEMPORAL_PAYLOAD_CODEC_H_
#define WEFT_RUNTIME_TEMPORAL_PAYLOAD_CODEC_H_

#include <expected>
#include <string>

#include "temporal/api/common/v1/message.pb.h"

namespace weft::temporal {

class PayloadCodec {
 public:
  using Payload = ::temporal::api::common::v1::Payload;

  virtual ~PayloadCodec() = default;

  // Replaces `payload` with its encoded form. The error says why it could not.
  virtual std::expected<void, std::string> Encode(Payload& payload) const = 0;
  // Replaces `payload` with what it encoded, or leaves it as it is when the codec did not make
  // it. The error says why it could not (a key it does not hold, data that fails to decrypt).
  virtual std::expected<void, std::string> Decode(Payload& payload) const = 0;
  // Whether the codec made `payload` (what Decode() would decode).
  virtual bool Encoded(const Payload& payload) const = 0;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_PAYLOAD_CODEC_H_
