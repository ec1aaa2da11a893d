// EncryptionCodec and EncryptionKeys: the stored format (the Temporal samples' binary/encrypted),
// decoding by key id across a rotation, and the errors a wrong key, altered data or a bad key
// file give, each saying where and what.

#include "runtime/temporal/encryption_codec.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "runtime/temporal/encryption_keys.h"
#include "runtime/temporal/payload.h"

using nlohmann::json;
using weft::temporal::EncryptionCodec;
using weft::temporal::EncryptionKeys;
using weft::temporal::EncryptionOptions;
using weft::temporal::FromPayload;
using weft::temporal::Payload;
using weft::temporal::ToPayload;

namespace {

// Base64 of 32 bytes: "aaaa..." and "bbbb...".
const std::string kKeyA = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=";
const std::string kKeyB = "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI=";

EncryptionCodec Codec(const std::string& text) {
  auto keys = EncryptionKeys::Parse(text, "keys.txt");
  if (!keys) FAIL(keys.error());
  return EncryptionCodec(std::move(*keys));
}

std::string ParseError(const std::string& text) {
  auto keys = EncryptionKeys::Parse(text, "keys.txt");
  REQUIRE_FALSE(keys);
  return keys.error();
}

}  // namespace

TEST_CASE("A payload is stored as the samples' binary/encrypted and reads back whole") {
  const EncryptionCodec codec = Codec("k-2026-12 " + kKeyA + "\n");
  const Payload original = ToPayload(json{{"card", "4111-secret"}});
  Payload payload = original;
  REQUIRE(codec.Encode(payload));

  CHECK(payload.metadata().size() == 2);
  CHECK(payload.metadata().at("encoding") == "binary/encrypted");
  CHECK(payload.metadata().at("encryption-key-id") == "k-2026-12");
  // A 12-byte nonce, the serialized Payload encrypted, the 16-byte tag.
  CHECK(payload.data().size() == 12 + original.SerializeAsString().size() + 16);
  CHECK(payload.data().find("secret") == std::string::npos);
  CHECK(codec.Encoded(payload));

  Payload again = original;
  REQUIRE(codec.Encode(again));
  CHECK(again.data().substr(0, 12) != payload.data().substr(0, 12));  // a fresh nonce each time

  REQUIRE(codec.Decode(payload));
  CHECK(payload.SerializeAsString() == original.SerializeAsString());
  CHECK(*FromPayload(payload) == json{{"card", "4111-secret"}});
}

TEST_CASE("The first key encrypts; every key decrypts, so payloads read across a rotation") {
  const EncryptionCodec before = Codec("old " + kKeyA);
  const EncryptionCodec after = Codec("new " + kKeyB + "\nold " + kKeyA);
  Payload written_before = ToPayload("from last month");
  REQUIRE(before.Encode(written_before));
  Payload written_after = ToPayload("from today");
  REQUIRE(after.Encode(written_after));
  CHECK(written_after.metadata().at("encryption-key-id") == "new");

  REQUIRE(after.Decode(written_before));
  CHECK(*FromPayload(written_before) == "from last month");
  auto unknown = before.Decode(written_after);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error() ==
        "a payload is encrypted with the key `new`, which keys.txt does not hold (it holds old); "
        "add that key below the first one");
}

TEST_CASE("Altered data, or another key under the same id, does not decrypt") {
  const EncryptionCodec codec = Codec("k1 " + kKeyA);
  Payload payload = ToPayload("x");
  REQUIRE(codec.Encode(payload));

  Payload altered = payload;
  altered.mutable_data()->back() ^= 1;
  auto tampered = codec.Decode(altered);
  REQUIRE_FALSE(tampered);
  CHECK(tampered.error() ==
        "a payload encrypted with the key `k1` does not decrypt with the key of that id in "
        "keys.txt: another key under the same id, or the payload was altered");

  Payload other = payload;
  CHECK_FALSE(Codec("k1 " + kKeyB).Decode(other));

  Payload short_data = payload;
  short_data.set_data("tiny");
  CHECK(codec.Decode(short_data).error() ==
        "a payload encrypted with the key `k1` has 4 bytes, fewer than a nonce and a tag");

  Payload nameless = payload;
  nameless.mutable_metadata()->erase("encryption-key-id");
  CHECK(codec.Decode(nameless).error() ==
        "an encrypted payload names no key (its metadata has no encryption-key-id)");
}

TEST_CASE("Decoding passes a payload of another encoding through, as an SDK's plain one") {
  const EncryptionCodec codec = Codec("k1 " + kKeyA);
  Payload plain = ToPayload(json{{"a", 1}});
  REQUIRE(codec.Decode(plain));
  CHECK(*FromPayload(plain) == json{{"a", 1}});
  CHECK_FALSE(codec.Encoded(plain));
}

TEST_CASE("A key file: comments, blank lines, commas between keys; the first one encrypts") {
  auto keys = EncryptionKeys::Parse("# weft payload keys\n\n  new " + kKeyB + "   # since today\n" +
                                        "old " + kKeyA + ", older " + kKeyB + "\n",
                                    "keys.txt");
  REQUIRE(keys);
  CHECK(keys->active().id == "new");
  CHECK(keys->active().bytes == std::string(32, 'b'));
  CHECK(keys->ListIds() == "new, old, older");
  CHECK(keys->Find("old") != nullptr);
  CHECK(keys->Find("none") == nullptr);
}

TEST_CASE("A key file that cannot be used says which line and what to do") {
  CHECK(ParseError("k1 " + kKeyA + "\nk2\n") ==
        "keys.txt:2: expected `<key id> <base64 key>`, found 1 words");
  CHECK(ParseError("k/1 " + kKeyA) ==
        "keys.txt:1: `k/1` is not a key id (1-64 letters, digits and ._:-)");
  CHECK(ParseError("k1 " + kKeyA + "\nk1 " + kKeyB) ==
        "keys.txt:2: the key id `k1` is listed twice");
  CHECK(ParseError("k1 not*base64") ==
        "keys.txt:1: the key of `k1` is not base64 (make one with `openssl rand -base64 32`)");
  CHECK(ParseError("k1 YWFhYWFhYWFhYWFhYWFhYQ==") ==
        "keys.txt:1: the key of `k1` is 16 bytes; AES-256 needs 32 (make one with `openssl rand "
        "-base64 32`)");
  CHECK(ParseError("# nothing\n\n") ==
        "keys.txt: holds no key; write `<key id> <base64 key>` lines (make one with `openssl "
        "rand -base64 32`)");
}

TEST_CASE("Keys load from a file or the variable's text, from exactly one of them") {
  const auto path =
      std::filesystem::temp_directory_path() / ("weft-keys-" + std::to_string(getpid()) + ".txt");
  std::ofstream(path) << "k1 " << kKeyA << "\n";
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto from_file = EncryptionKeys::Load({.key_file = path.string()});
  REQUIRE(from_file);
  CHECK(from_file->source() == "the key file " + path.string());

  auto from_variable = EncryptionKeys::Load({.keys = "k2 " + kKeyB});
  REQUIRE(from_variable);
  CHECK(from_variable->source() == "WEFT_CODEC_KEYS");
  CHECK(from_variable->active().id == "k2");

  CHECK(EncryptionKeys::Load({.key_file = path.string(), .keys = "k2 " + kKeyB}).error() ==
        "payload keys come from --codec-key-file or WEFT_CODEC_KEYS, not both");
  CHECK(EncryptionKeys::Load(EncryptionOptions{}).error() ==
        "no payload keys: give --codec-key-file or set WEFT_CODEC_KEYS");
  CHECK(EncryptionKeys::Load({.key_file = "/nonexistent/keys"}).error() ==
        "cannot read the key file /nonexistent/keys: No such file or directory "
        "(--codec-key-file)");
  std::filesystem::remove(path);
}
