// TemporalClient: WorkflowClient over a Temporal server (runtime/temporal's WorkflowClient), for
// any workflow on it, weft's or any SDK's. It turns the server's answers into the client's one
// shape: a cancelled, terminated or timed-out run gets a failure_codec failure as the embedded
// engine writes one. Describe() reads the server's description and the run's first and last
// events, so that a run's details have the embedded engine's keys (its pinned definition's name,
// version and hash, its input, result or failure); List() asks the visibility store. The
// Temporal-only history stays on temporal::WorkflowClient (`weft history`).
//
// Thread-safe, as the connection under it.
#ifndef WEFT_RUNTIME_CLIENT_TEMPORAL_CLIENT_H_
#define WEFT_RUNTIME_CLIENT_TEMPORAL_CLIENT_H_

#include <expected>
#include <memory>

#include "runtime/client/workflow_client.h"
#include "runtime/temporal/workflow_client.h"

namespace weft::client {

class TemporalClient : public WorkflowClient {
 public:
  static std::expected<std::unique_ptr<TemporalClient>, ClientError> Connect(
      const temporal::ConnectionOptions& options);

  std::string_view engine() const override { return "temporal"; }
  std::expected<Started, ClientError> Start(const StartRequest& request) override;
  std::expected<Sent, ClientError> Signal(const Execution& execution, const std::string& signal,
                                          const nlohmann::json& argument) override;
  std::expected<nlohmann::json, ClientError> Query(const Execution& execution,
                                                   const std::string& query,
                                                   const nlohmann::json& argument) override;
  std::expected<nlohmann::json, ClientError> Update(const Execution& execution,
                                                    const std::string& update,
                                                    const nlohmann::json& argument) override;
  std::expected<Sent, ClientError> Cancel(const Execution& execution,
                                          const std::string& reason) override;
  std::expected<Sent, ClientError> Terminate(const Execution& execution,
                                             const std::string& reason) override;
  std::expected<Outcome, ClientError> Result(const Execution& execution) override;
  std::expected<RunSummary, ClientError> Describe(const Execution& execution) override;
  std::expected<std::vector<RunSummary>, ClientError> List(const ListFilter& filter) override;
  std::expected<nlohmann::json, ClientError> Activations(const Execution& execution) override;

  const temporal::WorkflowClient& temporal() const { return client_; }

 private:
  explicit TemporalClient(temporal::WorkflowClient client) : client_(std::move(client)) {}
  temporal::WorkflowClient client_;
};

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_TEMPORAL_CLIENT_H_
