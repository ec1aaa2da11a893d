// Fuzz target: payloads as they arrive from any Temporal client or server
// (runtime/temporal/payload.h), read from proto3 JSON (runtime/temporal/proto_json_reader.h)
// as an exported history or the codec server's requests carry them. The input is the JSON of
// a temporal.api.common.v1.Payloads; each payload is decoded as it is, and again after the
// encryption codec has had it (encryption_codec.h, a fixed key "k1"), as a worker with
// --codec-key-file reads it. Seeds: tests/fuzz/corpus/payload, every encoding weft reads.
//
// Checked besides memory safety: ReadProtoJson and decoding return errors, never throw; a
// value decoded prints as JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/temporal/encryption_codec.h"
#include "runtime/temporal/encryption_keys.h"
#include "runtime/temporal/payload.h"
#include "runtime/temporal/proto_json_reader.h"

namespace {

namespace wt = weft::temporal;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

const wt::EncryptionCodec& Codec() {
  // Base64 of 32 bytes of 'a'.
  static const wt::EncryptionCodec codec(
      *wt::EncryptionKeys::Parse("k1 YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=\n", "fuzz"));
  return codec;
}

void Print(const std::expected<nlohmann::json, std::string>& value) {
  if (value) {
    (void)value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    Check(!value.error().empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  wt::Payloads payloads;
  if (!wt::ReadProtoJson(text, payloads)) return 0;
  Print(wt::FromPayloads(payloads));
  for (const wt::Payload& payload : payloads.payloads()) {
    Print(wt::FromPayload(payload));
    wt::Payload decoded = payload;
    if (Codec().Decode(decoded)) Print(wt::FromPayload(decoded));
  }
  return 0;
}
