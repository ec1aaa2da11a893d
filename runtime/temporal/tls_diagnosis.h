// TlsDiagnosis: why a connection to a Temporal server failed at the TLS layer, in words a user
// can act on. gRPC reports a failed handshake as "Ssl handshake failed: certificate verify
// failed" whatever the cause, and a TLS port reached in plain text as "Trying to connect an
// http1.x server". This repeats the handshake with OpenSSL, with the same CA, server name and
// client certificate as the connection, and reads what went wrong: a certificate that expired
// (and when), one for other names (which), one no trusted CA signed (whose it is), a server
// that wants a client certificate, or a server that speaks TLS to a client that does not.
//
// Called by GrpcConnection::CheckServer() after a failed first call, never on a working
// connection. Stateless; any thread. Blocks for at most `timeout` (one TCP connection).
#ifndef WEFT_RUNTIME_TEMPORAL_TLS_DIAGNOSIS_H_
#define WEFT_RUNTIME_TEMPORAL_TLS_DIAGNOSIS_H_

#include <chrono>
#include <optional>
#include <string>

#include "runtime/temporal/connection_options.h"

namespace weft::temporal {

// What is wrong, naming the flag that fixes it ("the server's certificate expired on ...
// (--tls-ca-path ...)"); nullopt when the TLS layer is not the problem, or the server could not
// be reached to find out.
std::optional<std::string> DiagnoseTls(const ConnectionOptions& options,
                                       std::chrono::milliseconds timeout);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_TLS_DIAGNOSIS_H_
