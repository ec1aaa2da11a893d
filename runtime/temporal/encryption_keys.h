// EncryptionKeys: the AES-256 keys payloads are encrypted with, by key id, read from a key file
// (--codec-key-file) or from the text of one (WEFT_CODEC_KEYS). The format
// (docs/operations.md#the-key-file):
//
//   # comments and blank lines are ignored
//   2026-12 q2Xy...base64 of 32 random bytes...=     <- the first key encrypts
//   2026-06 Ab3L...=                                 <- every key decrypts
//
// One key a line, `<key id> <base64 key>`; in the environment variable, commas may separate
// keys as newlines do. A key id is 1-64 characters of letters, digits and `._:-`. Keys rotate
// by putting a new key first and keeping the old ones below for as long as history holds
// payloads encrypted with them.
//
// Errors name the file (or variable) and the line, and say what is wrong and how to fix it.
// Immutable once loaded.
#ifndef WEFT_RUNTIME_TEMPORAL_ENCRYPTION_KEYS_H_
#define WEFT_RUNTIME_TEMPORAL_ENCRYPTION_KEYS_H_

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/temporal/connection_options.h"

namespace weft::temporal {

inline constexpr std::size_t kEncryptionKeyBytes = 32;  // AES-256
inline constexpr char kCodecKeysVariable[] = "WEFT_CODEC_KEYS";

struct EncryptionKey {
  std::string id;
  std::string bytes;  // kEncryptionKeyBytes of them
};

class EncryptionKeys {
 public:
  // The key file's or the variable's keys. Exactly one of the two must be set.
  static std::expected<EncryptionKeys, std::string> Load(const EncryptionOptions& options);
  // Keys in the format above; `source` names where they come from in errors ("keys.txt",
  // "WEFT_CODEC_KEYS").
  static std::expected<EncryptionKeys, std::string> Parse(std::string_view text,
                                                          std::string source);

  // The key that encrypts.
  const EncryptionKey& active() const { return keys_.front(); }
  // The key of `id`, or null.
  const EncryptionKey* Find(std::string_view id) const;
  // "2026-12, 2026-06": the ids, for an error about one that is missing.
  std::string ListIds() const;
  // Where the keys came from: "the key file /etc/weft/keys", "WEFT_CODEC_KEYS".
  const std::string& source() const { return source_; }

 private:
  EncryptionKeys(std::vector<EncryptionKey> keys, std::string source)
      : keys_(std::move(keys)), source_(std::move(source)) {}

  std::vector<EncryptionKey> keys_;  // never empty
  std::string source_;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_ENCRYPTION_KEYS_H_
