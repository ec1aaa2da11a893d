// The canonical form and its SHA-256: formatting, comments, key order, quoting and spelling of
// durations and expression delimiters do not change the hash; any change of meaning does.
#include <openssl/evp.h>

#include <array>
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "dsl/loader.h"
#include "dsl/sha256.h"

namespace {

std::string HashOf(const std::string& text) {
  auto result = weft::dsl::LoadDefinition(text);
  if (!result) {
    for (const auto& diagnostic : result.error())
      FAIL_CHECK(weft::dsl::FormatDiagnostic(diagnostic));
  }
  REQUIRE(result.has_value());
  return (*result)->sha256;
}

const char kBase[] = R"(dsl: 1
name: order
version: 2
vars: {stage: new}
steps:
  - id: charge
    call: payments.charge
    args: {amount: '${ input.total }', currency: EUR}
    timeouts: {start_to_close: 90s}
  - id: done
    set: {stage: charged}
output: ${ vars.stage }
)";

}  // namespace

TEST_CASE("SHA-256 matches the FIPS 180-2 test vectors") {
  CHECK(weft::dsl::Sha256Hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(weft::dsl::Sha256Hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(weft::dsl::Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(weft::dsl::Sha256Hex(std::string(1'000'000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// weft's own SHA-256 against OpenSSL's, on every length up to five blocks: each way the
// padding can fall (the tail's one bit and length in the last block or spilling into another).
TEST_CASE("SHA-256 agrees with OpenSSL's on every length up to five blocks") {
  std::mt19937 random(20261206);
  std::string data;
  for (std::size_t length = 0; length <= 320; ++length) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    REQUIRE(EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) == 1);
    std::string expected;
    for (unsigned int i = 0; i < size; ++i) {
      static constexpr char kHex[] = "0123456789abcdef";
      expected += kHex[digest[i] >> 4];
      expected += kHex[digest[i] & 0x0F];
    }
    INFO("length " << length);
    CHECK(weft::dsl::Sha256Hex(data) == expected);
    data += static_cast<char>(random() & 0xFF);
  }
}

TEST_CASE("formatting, comments, key order and spelling do not change the hash") {
  const std::string base = HashOf(kBase);
  const char* same[] = {// Comments, blank lines, block style instead of flow style, keys reordered.
                        R"(# An order.
name: order   # its name
dsl: 1

version: 2
vars:
  stage: new
steps:
  - call: payments.charge
    id: charge
    timeouts:
      start_to_close: 1m30s
    args:
      currency: "EUR"
      amount: ${input.total}
  - set:
      stage: 'charged'
    id: done
output: "${   vars.stage   }"
)",
                        // JSON is YAML too.
                        R"({"dsl": 1, "name": "order", "version": 2, "vars": {"stage": "new"},
 "steps": [{"id": "charge", "call": "payments.charge",
            "args": {"amount": "${ input.total }", "currency": "EUR"},
            "timeouts": {"start_to_close": "90s"}},
           {"id": "done", "set": {"stage": "charged"}}],
 "output": "${ vars.stage }"})",
                        // Anchors and aliases are expanded.
                        R"(dsl: 1
name: order
version: 2
vars: {stage: &new new}
steps:
  - id: charge
    call: payments.charge
    args: {amount: '${ input.total }', currency: EUR}
    timeouts: &t {start_to_close: 90000ms}
  - id: done
    set: {stage: charged}
output: ${ vars.stage }
)"};
  for (const char* text : same) {
    INFO(text);
    CHECK(HashOf(text) == base);
  }
}

TEST_CASE("any change of meaning changes the hash") {
  const std::string base = HashOf(kBase);
  const std::pair<const char*, const char*> changes[] = {
      {"version: 2", "version: 3"},
      {"currency: EUR", "currency: USD"},
      {"start_to_close: 90s", "start_to_close: 91s"},
      {"${ input.total }", "${ input.total + 1 }"},
      {"id: done", "id: finished"},
      {"payments.charge", "payments.authorize"},
      {"stage: charged", "stage: 'new'"},
      {"output: ${ vars.stage }", "output: ${ vars.stage == 'x' }"},
      {"vars: {stage: new}", "vars: {stage: new}\ndescription: x"},
      {"amount: '${ input.total }'", "amount: '${ input.total }x'"},
  };
  for (const auto& [from, to] : changes) {
    std::string text = kBase;
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string(from).size(), to);
    INFO(text);
    if (std::string(to).ends_with("x'")) {
      CHECK_FALSE(weft::dsl::LoadDefinition(text).has_value());  // spliced: not even valid
      continue;
    }
    CHECK(HashOf(text) != base);
  }
}

TEST_CASE("the canonical form is the document as JSON with canonical spellings") {
  auto result = weft::dsl::LoadDefinition(kBase);
  REQUIRE(result.has_value());
  const nlohmann::json& canonical = (*result)->canonical;
  CHECK(canonical["steps"][0]["timeouts"]["start_to_close"] == "1m30s");
  CHECK(canonical["steps"][0]["args"]["amount"] == "${ input.total }");
  CHECK(canonical["dsl"] == 1);
  // It loads again, to the same hash: a run can be pinned to it.
  auto again = weft::dsl::LoadDefinition(canonical.dump());
  REQUIRE(again.has_value());
  CHECK((*again)->sha256 == (*result)->sha256);
}
