#include "runtime/client/connect_client.h"

#include "runtime/client/temporal_client.h"
#include "runtime/embedded/journal_lease.h"

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

std::expected<void, std::string> EnsureEngine(const ClientOptions& options) {
  const EmbeddedClientOptions& embedded = options.embedded;
  if (!options.temporal.address.empty() || !embedded.background_engine ||
      embedded::JournalLease::IsHeld(embedded.journal)) {
    return {};
  }
  return embedded::StartBackgroundEngine(embedded.journal, *embedded.background_engine);
}

}  // namespace weft::client
