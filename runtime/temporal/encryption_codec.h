// EncryptionCodec: payloads encrypted with AES-256-GCM (OpenSSL's EVP), in the format of
// Temporal's encryption samples (samples-go/encryption, samples-python/encryption), so that an
// SDK worker or client with a codec written to it reads weft's payloads and weft reads theirs:
//
//   metadata  encoding           "binary/encrypted"
//             encryption-key-id  the id of the key (encryption_keys.h)
//   data      a random 12-byte nonce, then the AES-256-GCM ciphertext of the original Payload
//             message in protobuf's binary form, then the 16-byte tag; no associated data
//
// Encode() uses the first key of the ring; Decode() the key the payload names, so that
// payloads written before a rotation still read. A payload not "binary/encrypted" is passed as
// it is by Decode() (an SDK client's plain payload). docs/operations.md#encrypted-payloads.
//
// Random 96-bit nonces are safe for about 2^32 payloads per key (NIST SP 800-38D); rotate keys
// well before that.
//
// Thread-safe: each call has its own cipher context.
#ifndef WEFT_RUNTIME_TEMPORAL_ENCRYPTION_CODEC_H_
#define WEFT_RUNTIME_TEMPORAL_ENCRYPTION_CODEC_H_

#include <expected>
#include <memory>
#include <string>

#include "runtime/temporal/encryption_keys.h"
#include "runtime/temporal/payload_codec.h"

namespace weft::temporal {

inline constexpr char kEncryptedEncoding[] = "binary/encrypted";
inline constexpr char kEncryptionKeyIdKey[] = "encryption-key-id";

class EncryptionCodec final : public PayloadCodec {
 public:
  explicit EncryptionCodec(EncryptionKeys keys) : keys_(std::move(keys)) {}

  std::expected<void, std::string> Encode(Payload& payload) const override;
  std::expected<void, std::string> Decode(Payload& payload) const override;
  bool Encoded(const Payload& payload) const override;

  const EncryptionKeys& keys() const { return keys_; }

 private:
  EncryptionKeys keys_;
};

// The codec the options ask for: none without encryption options, else an EncryptionCodec with
// the keys they name. The error is the keys' (a missing or malformed key file).
std::expected<std::shared_ptr<const PayloadCodec>, std::string> MakePayloadCodec(
    const std::optional<EncryptionOptions>& encryption);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_ENCRYPTION_CODEC_H_
