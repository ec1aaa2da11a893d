#include "runtime/temporal/connection_arguments.h"

#include <cstdlib>

#include "runtime/temporal/encryption_keys.h"

namespace weft::temporal {

std::optional<EncryptionOptions> PayloadKeys(const std::string& codec_key_file) {
  const char* keys = std::getenv(kCodecKeysVariable);
  if (codec_key_file.empty() && (keys == nullptr || *keys == '\0')) return std::nullopt;
  return EncryptionOptions{.key_file = codec_key_file, .keys = keys ? keys : ""};
}

ConnectionOptions ToConnectionOptions(const ConnectionArguments& arguments) {
  ConnectionOptions options{.address = arguments.address,
                            .namespace_name = arguments.namespace_name,
                            .api_key = arguments.api_key,
                            .encryption = PayloadKeys(arguments.codec_key_file)};
  if (arguments.tls || !arguments.tls_ca_path.empty() || !arguments.tls_cert_path.empty()) {
    options.tls = TlsOptions{.server_ca_file = arguments.tls_ca_path,
                             .client_cert_file = arguments.tls_cert_path,
                             .client_key_file = arguments.tls_key_path,
                             .server_name = arguments.tls_server_name};
  }
  return options;
}

}  // namespace weft::temporal
