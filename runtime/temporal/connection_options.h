// Where and how to reach a Temporal server: address, namespace, identity, TLS and API key, and
// the keys its payloads are encrypted with. Plain data, free of gRPC, so that the command line
// can fill it in.
#ifndef WEFT_RUNTIME_TEMPORAL_CONNECTION_OPTIONS_H_
#define WEFT_RUNTIME_TEMPORAL_CONNECTION_OPTIONS_H_

#include <optional>
#include <string>

namespace weft::temporal {

struct TlsOptions {
  std::string server_ca_file;    // PEM; empty: the system's roots
  std::string client_cert_file;  // PEM, for mTLS; empty: none
  std::string client_key_file;   // PEM, for mTLS
  std::string server_name;       // overrides the name checked in the server's certificate
};

// Payload encryption (docs/operations.md#encrypted-payloads): the keys come from a key file, or
// from the text of one in an environment variable. Absent: payloads go as plain JSON.
struct EncryptionOptions {
  std::string key_file;  // a path
  std::string keys;      // the text of a key file (WEFT_CODEC_KEYS)
};

struct ConnectionOptions {
  std::string address = "127.0.0.1:7233";
  std::string namespace_name = "default";
  std::string identity;  // empty: "<pid>@<hostname>", as the SDKs do
  // TLS is on when set, and also when an API key is given (Temporal Cloud requires it).
  std::optional<TlsOptions> tls;
  std::string api_key;  // sent as "authorization: Bearer <key>"
  // Every payload written is encrypted and every payload read decrypted when set.
  std::optional<EncryptionOptions> encryption;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_CONNECTION_OPTIONS_H_
