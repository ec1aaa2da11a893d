// SHA-256 of a byte string, as lowercase hex: the pin of a definition and the key of a
// schedule. Written here from FIPS 180-4 rather than taken from OpenSSL, whose first digest
// initialised the whole library (its configuration, every algorithm's table) and cost a
// one-shot `weft run` about a millisecond before its first step. Pure; thread-safe.
#ifndef WEFT_DSL_SHA256_H_
#define WEFT_DSL_SHA256_H_

#include <string>
#include <string_view>

namespace weft::dsl {

std::string Sha256Hex(std::string_view data);

}  // namespace weft::dsl

#endif  // WEFT_DSL_SHA256_H_
