// EmbeddedClient: WorkflowClient over an embedded engine's journal (runtime/embedded). Starting
// a run writes it to the journal; signals, queries, updates, cancellations and terminations go
// through the journal's inbox to whichever process holds the journal's lease, and queries and
// updates wait for its reply. It knows the lease: a message to a run no engine executes is
// queued (Sent::queued), and waiting for the result of such a run fails at once instead of
// hanging; while an engine runs it, Result() waits at the journal's doorbell
// (embedded/bell_client.h) and hears the run close, polling only when there is no bell. A
// query to a closed run is answered here, from the run's interpreter rebuilt from
// its journal (embedded/recovery.h), so it needs no engine. With a background engine command,
// Start() launches an engine when none runs.
//
// Owns one journal connection: one thread at a time.
#ifndef WEFT_RUNTIME_CLIENT_EMBEDDED_CLIENT_H_
#define WEFT_RUNTIME_CLIENT_EMBEDDED_CLIENT_H_

#include <chrono>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "runtime/client/workflow_client.h"
#include "runtime/embedded/host.h"
#include "runtime/embedded/journal_client.h"

namespace weft::client {

struct EmbeddedClientOptions {
  std::filesystem::path journal = ".weft/journal.db";
  std::filesystem::path workflows = "workflows";  // where Start() finds definitions by name
  // Started by Start() when no process holds the lease; none: the run waits for one.
  std::optional<embedded::BackgroundCommand> background_engine;
  std::chrono::milliseconds reply_timeout{std::chrono::seconds(30)};
  // How often Result() looks at the journal when no engine's doorbell answers.
  std::chrono::milliseconds poll{100};
};

class EmbeddedClient : public WorkflowClient {
 public:
  static std::expected<std::unique_ptr<EmbeddedClient>, ClientError> Open(
      EmbeddedClientOptions options);

  std::string_view engine() const override { return "embedded"; }
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
  std::expected<RunSummary, ClientError> Peek(const Execution& execution) override;
  std::expected<std::vector<RunSummary>, ClientError> List(const ListFilter& filter) override;
  std::expected<nlohmann::json, ClientError> Activations(const Execution& execution) override;

 private:
  EmbeddedClient(EmbeddedClientOptions options, embedded::JournalClient journal)
      : options_(std::move(options)), journal_(std::move(journal)) {}

  // The newest run of the execution's chain; kClosed when `open` is required and it is closed.
  std::expected<embedded::RunRecord, ClientError> Find(
      const Execution& execution, bool open, embedded::PinRead pin = embedded::PinRead::kIdentity);
  // Writes an inbox row; waits for the reply when `answer` (a query, an update) is expected.
  std::expected<nlohmann::json, ClientError> Deliver(const Execution& execution,
                                                     const std::string& kind,
                                                     const std::string& name,
                                                     const nlohmann::json& payload, bool answer,
                                                     bool* queued);

  EmbeddedClientOptions options_;
  embedded::JournalClient journal_;
};

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_EMBEDDED_CLIENT_H_
