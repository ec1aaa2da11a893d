#include "runtime/client/connect_client.h"

#include "runtime/client/temporal_client.h"

namespace weft::client {

std::expected<std::unique_ptr<WorkflowClient>, ClientError> ConnectClient(
    const ClientOptions& options) {
  if (options.temporal.address.empty()) {
    auto client = EmbeddedClient::Open(options.embedded);
    if (!client) return std::unexpected(client.error());
    return std::unique_ptr<WorkflowClient>(std::move(*client));
  }
  auto client = TemporalClient::Connect(options.temporal);
  if (!client) return std::unexpected(client.error());
  return std::unique_ptr<WorkflowClient>(std::move(*client));
}

}  // namespace weft::client
