// The flags that say how to reach a Temporal server (--address, --namespace, --api-key, --tls*),
// shared by the client commands, `weft worker` and anything else that connects. Their names and
// environment variables are the Temporal CLI's, so that a shell set up for `temporal` is set up
// for weft.
//
// Plain data filled in by CLI11; one per command.
#ifndef WEFT_CMD_WEFT_CONNECTION_FLAGS_H_
#define WEFT_CMD_WEFT_CONNECTION_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "runtime/temporal/connection_options.h"

namespace weft::cli {

struct ConnectionFlags {
  std::string address;
  std::string namespace_name = "default";
  std::string api_key;
  bool tls = false;
  std::string tls_ca_path, tls_cert_path, tls_key_path, tls_server_name;

  // Registers the flags on `command`. --address is required unless `address_optional` (the
  // client commands, which use the embedded engine without it).
  void AddTo(CLI::App& command, bool address_optional = false);

  temporal::ConnectionOptions Options() const;
};

}  // namespace weft::cli

#endif  // WEFT_CMD_WEFT_CONNECTION_FLAGS_H_
