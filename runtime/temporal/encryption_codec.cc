#include "runtime/temporal/encryption_codec.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace weft::temporal {
namespace {

constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* Bytes(const std::string& text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}
unsigned char* Bytes(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

// nonce || ciphertext || tag of `plain` under `key`, or nothing if OpenSSL fails.
std::optional<std::string> Seal(const std::string& key, const std::string& plain) {
  std::string out(kNonceBytes + plain.size() + kTagBytes, '\0');
  if (RAND_bytes(Bytes(out), kNonceBytes) != 1) return std::nullopt;
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int written = 0;
  int final_written = 0;
  if (!context ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(context.get(), nullptr, nullptr, Bytes(key), Bytes(out)) != 1 ||
      EVP_EncryptUpdate(context.get(), Bytes(out) + kNonceBytes, &written, Bytes(plain),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), Bytes(out) + kNonceBytes + written, &final_written) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          Bytes(out) + kNonceBytes + plain.size()) != 1) {
    return std::nullopt;
  }
  return out;
}

// The plaintext of `sealed`, or nothing when it does not authenticate under `key`.
std::optional<std::string> Open(const std::string& key, const std::string& sealed) {
  const std::size_t length = sealed.size() - kNonceBytes - kTagBytes;
  std::string plain(length, '\0');
  std::string tag = sealed.substr(kNonceBytes + length);
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int written = 0;
  int final_written = 0;
  if (!context ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, Bytes(key), Bytes(sealed)) != 1 ||
      EVP_DecryptUpdate(context.get(), Bytes(plain), &written, Bytes(sealed) + kNonceBytes,
                        static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(context.get(), Bytes(plain) + written, &final_written) != 1) {
    return std::nullopt;
  }
  return plain;
}

}  // namespace

bool EncryptionCodec::Encoded(const Payload& payload) const {
  auto encoding = payload.metadata().find("encoding");
  return encoding != payload.metadata().end() && encoding->second == kEncryptedEncoding;
}

std::expected<void, std::string> EncryptionCodec::Encode(Payload& payload) const {
  const EncryptionKey& key = keys_.active();
  auto sealed = Seal(key.bytes, payload.SerializeAsString());
  if (!sealed) return std::unexpected(std::string("OpenSSL could not encrypt the payload"));
  Payload encrypted;
  (*encrypted.mutable_metadata())["encoding"] = kEncryptedEncoding;
  (*encrypted.mutable_metadata())[kEncryptionKeyIdKey] = key.id;
  encrypted.set_data(std::move(*sealed));
  payload = std::move(encrypted);
  return {};
}

std::expected<void, std::string> EncryptionCodec::Decode(Payload& payload) const {
  if (!Encoded(payload)) return {};
  auto id = payload.metadata().find(kEncryptionKeyIdKey);
  if (id == payload.metadata().end()) {
    return std::unexpected(std::string("an encrypted payload names no key (its metadata has no ") +
                           kEncryptionKeyIdKey + ")");
  }
  const EncryptionKey* key = keys_.Find(id->second);
  if (key == nullptr) {
    return std::unexpected("a payload is encrypted with the key `" + id->second + "`, which " +
                           keys_.source() + " does not hold (it holds " + keys_.ListIds() +
                           "); add that key below the first one");
  }
  if (payload.data().size() < kNonceBytes + kTagBytes) {
    return std::unexpected("a payload encrypted with the key `" + key->id + "` has " +
                           std::to_string(payload.data().size()) +
                           " bytes, fewer than a nonce and a tag");
  }
  auto plain = Open(key->bytes, payload.data());
  if (!plain) {
    return std::unexpected("a payload encrypted with the key `" + key->id +
                           "` does not decrypt with the key of that id in " + keys_.source() +
                           ": another key under the same id, or the payload was altered");
  }
  Payload decoded;
  if (!decoded.ParseFromString(*plain)) {
    return std::unexpected("a payload encrypted with the key `" + key->id +
                           "` decrypts to something that is not a Payload message");
  }
  payload = std::move(decoded);
  return {};
}

std::expected<std::shared_ptr<const PayloadCodec>, std::string> MakePayloadCodec(
    const std::optional<EncryptionOptions>& encryption) {
  if (!encryption) return std::shared_ptr<const PayloadCodec>();
  auto keys = EncryptionKeys::Load(*encryption);
  if (!keys) return std::unexpected(keys.error());
  return std::make_shared<const EncryptionCodec>(std::move(*keys));
}

}  // namespace weft::temporal
