// ConnectClient: the WorkflowClient that connection options mean. A Temporal address means the
// Temporal server at it; none means the embedded engine's journal. The one place where the
// choice of engine is made for a client, so that every command and tool chooses alike.
//
// Any thread may call it; the client it returns is the caller's.
#ifndef WEFT_RUNTIME_CLIENT_CONNECT_CLIENT_H_
#define WEFT_RUNTIME_CLIENT_CONNECT_CLIENT_H_

#include <expected>
#include <memory>
#include <string>

#include "runtime/client/embedded_client.h"
#include "runtime/client/workflow_client.h"
#include "runtime/temporal/connection_options.h"

namespace weft::client {

struct ClientOptions {
  temporal::ConnectionOptions temporal{.address = ""};  // address empty: the embedded engine
  EmbeddedClientOptions embedded;                       // used when there is no address
};

std::expected<std::unique_ptr<WorkflowClient>, ClientError> ConnectClient(
    const ClientOptions& options);

// Embedded, with a background engine command: starts that engine when no process holds the
// journal's lease, so that a run nobody executes (its engine exited) moves and answers queries.
// Nothing to do on Temporal, or when an engine runs. The error says why it could not start.
std::expected<void, std::string> EnsureEngine(const ClientOptions& options);

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_CONNECT_CLIENT_H_
