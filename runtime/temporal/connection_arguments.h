// ConnectionArguments: how a user says where a Temporal server is, as the Temporal CLI's flags
// and environment variables say it (--address, --namespace, --api-key, --tls*), plus weft's
// payload keys (--codec-key-file, or the keys themselves in WEFT_CODEC_KEYS: a flag would show
// them to every user of the machine in the process list). ToConnectionOptions() turns them into
// the ConnectionOptions a connection takes: TLS is on with --tls, and also when a CA or a client
// certificate is given.
//
// Plain data, filled in by the command line; the functions read the environment and are safe
// to call from any thread that does not change it.
#ifndef WEFT_RUNTIME_TEMPORAL_CONNECTION_ARGUMENTS_H_
#define WEFT_RUNTIME_TEMPORAL_CONNECTION_ARGUMENTS_H_

#include <optional>
#include <string>

#include "runtime/temporal/connection_options.h"

namespace weft::temporal {

struct ConnectionArguments {
  std::string address;  // empty: no server (the client commands use the embedded engine)
  std::string namespace_name = "default";
  std::string api_key;
  bool tls = false;
  std::string tls_ca_path, tls_cert_path, tls_key_path, tls_server_name;
  std::string codec_key_file;
};

// The payload keys of --codec-key-file, or of WEFT_CODEC_KEYS; none when neither is given.
std::optional<EncryptionOptions> PayloadKeys(const std::string& codec_key_file);

ConnectionOptions ToConnectionOptions(const ConnectionArguments& arguments);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_CONNECTION_ARGUMENTS_H_
