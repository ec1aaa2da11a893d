// SHA-256 of a byte string, as lowercase hex (OpenSSL's libcrypto underneath). Pure;
// thread-safe.
#ifndef WEFT_DSL_SHA256_H_
#define WEFT_DSL_SHA256_H_

#include <string>
#include <string_view>

namespace weft::dsl {

std::string Sha256Hex(std::string_view data);

}  // namespace weft::dsl

#endif  // WEFT_DSL_SHA256_H_
