// The flags that say how to reach a Temporal server (--address, --namespace, --api-key, --tls*),
// shared by the client commands, `weft worker` and anything else that connects. Their names and
// environment variables are the Temporal CLI's, so that a shell set up for `temporal` is set up
// for weft. Beside them, the payload keys (--codec-key-file, WEFT_CODEC_KEY_FILE, or the keys
// themselves in WEFT_CODEC_KEYS): every command that reaches the server encrypts and decrypts
// payloads with them (docs/operations.md#encrypted-payloads).
//
// Plain data filled in by CLI11; one per command.
#ifndef WEFT_CMD_WEFT_CONNECTION_FLAGS_H_
#define WEFT_CMD_WEFT_CONNECTION_FLAGS_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "runtime/temporal/connection_options.h"

namespace weft::cli {

struct ConnectionFlags {
  std::string address;
  std::string namespace_name = "default";
  std::string api_key;
  bool tls = false;
  std::string tls_ca_path, tls_cert_path, tls_key_path, tls_server_name;
  std::string codec_key_file;

  // Registers the flags on `command`. --address is required unless `address_optional` (the
  // client commands, which use the embedded engine without it).
  void AddTo(CLI::App& command, bool address_optional = false);

  temporal::ConnectionOptions Options() const;

  // The payload keys the flags and the environment give, if any.
  std::optional<temporal::EncryptionOptions> Encryption() const;

  // Registers --codec-key-file alone, for commands that need keys and no server.
  static void AddCodecKeyFlag(CLI::App& command, std::string& key_file);
};

}  // namespace weft::cli

#endif  // WEFT_CMD_WEFT_CONNECTION_FLAGS_H_
