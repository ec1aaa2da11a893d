#include "cmd/weft/connection_flags.h"

#include <cstdlib>

#include "runtime/temporal/encryption_keys.h"

namespace weft::cli {

void ConnectionFlags::AddTo(CLI::App& command, bool address_optional) {
  auto* address_option = command.add_option("--address", address, "Temporal frontend, host:port")
                             ->envname("TEMPORAL_ADDRESS");
  if (address_optional) {
    address_option->description(
        "Temporal frontend, host:port (none: the embedded engine's journal)");
  } else {
    address_option->required();
  }
  command.add_option("--namespace,-n", namespace_name, "Temporal namespace")
      ->envname("TEMPORAL_NAMESPACE")
      ->capture_default_str();
  command.add_option("--api-key", api_key, "API key (Temporal Cloud); turns TLS on")
      ->envname("TEMPORAL_API_KEY");
  command.add_flag("--tls", tls, "Connect with TLS")->envname("TEMPORAL_TLS");
  command.add_option("--tls-ca-path", tls_ca_path, "Server CA certificate (PEM)")
      ->envname("TEMPORAL_TLS_CA");
  command.add_option("--tls-cert-path", tls_cert_path, "Client certificate for mTLS (PEM)")
      ->envname("TEMPORAL_TLS_CERT");
  command.add_option("--tls-key-path", tls_key_path, "Client key for mTLS (PEM)")
      ->envname("TEMPORAL_TLS_KEY");
  command.add_option("--tls-server-name", tls_server_name, "Server name to verify")
      ->envname("TEMPORAL_TLS_SERVER_NAME");
  AddCodecKeyFlag(command, codec_key_file);
}

void ConnectionFlags::AddCodecKeyFlag(CLI::App& command, std::string& key_file) {
  // The keys themselves only from the environment (WEFT_CODEC_KEYS): a flag would show them
  // to every user of the machine in the process list.
  command
      .add_option("--codec-key-file", key_file,
                  "Encrypt payloads with the keys of this file, and decrypt with them "
                  "(or the keys themselves in WEFT_CODEC_KEYS)")
      ->envname("WEFT_CODEC_KEY_FILE");
}

std::optional<temporal::EncryptionOptions> ConnectionFlags::Encryption() const {
  const char* keys = std::getenv(temporal::kCodecKeysVariable);
  if (codec_key_file.empty() && (keys == nullptr || *keys == '\0')) return std::nullopt;
  return temporal::EncryptionOptions{.key_file = codec_key_file, .keys = keys ? keys : ""};
}

temporal::ConnectionOptions ConnectionFlags::Options() const {
  temporal::ConnectionOptions options{.address = address,
                                      .namespace_name = namespace_name,
                                      .api_key = api_key,
                                      .encryption = Encryption()};
  if (tls || !tls_ca_path.empty() || !tls_cert_path.empty()) {
    options.tls = temporal::TlsOptions{.server_ca_file = tls_ca_path,
                                       .client_cert_file = tls_cert_path,
                                       .client_key_file = tls_key_path,
                                       .server_name = tls_server_name};
  }
  return options;
}

}  // namespace weft::cli
