// JournalClient: what a process that does not execute runs may do with a journal: create a
// run for the engine to pick up, find runs, send signals, queries, updates and cancellations
// through the inbox, and wait for the engine's reply. Used by the CLI (`weft run` in a second
// terminal, `weft signal|query|update|cancel|result|list|show`) and by tests. Writing a run or
// an inbox row rings the journal's doorbell (bell_client.h), so that a listening engine takes
// it on at once rather than at its next inbox poll.
//
// Not thread-safe (one connection); cheap to create.
#ifndef WEFT_RUNTIME_EMBEDDED_JOURNAL_CLIENT_H_
#define WEFT_RUNTIME_EMBEDDED_JOURNAL_CLIENT_H_

#include <chrono>
#include <expected>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dsl/definition.h"
#include "runtime/embedded/journal.h"
#include "runtime/interpreter/definition_pin.h"

namespace weft::embedded {

class JournalClient {
 public:
  static std::expected<JournalClient, std::string> Open(const std::filesystem::path& path);

  // Inserts a pending run pinned to `definition`; an engine starts it. Returns the record,
  // with the pin's identity (the whole pin is in the journal).
  // `along` is written in the same transaction (a schedule's record, with the run it fired).
  std::expected<RunRecord, std::string> CreateRun(const dsl::Definition& definition,
                                                  nlohmann::json input, std::string workflow_id,
                                                  JournalBatch along = {});

  // A run id, or a workflow id (its newest run). An error names what was looked for. A client
  // shows a run's pin, it does not run it: the identity is read unless `pin` asks for more.
  std::expected<RunRecord, std::string> Resolve(const std::string& run_or_workflow_id,
                                                PinRead pin = PinRead::kIdentity);
  // Resolve, then follows continue-as-new to the newest run of the chain.
  std::expected<RunRecord, std::string> Latest(const std::string& run_or_workflow_id,
                                               PinRead pin = PinRead::kIdentity);
  // An unfinished run of `name` with exactly this input, if any (so that running the same
  // command again resumes the run instead of starting another).
  std::expected<std::optional<RunRecord>, std::string> FindUnfinished(const std::string& name,
                                                                      const nlohmann::json& input);

  // Writes an inbox row for the engine; returns its id.
  std::expected<std::int64_t, std::string> Send(const std::string& run_id, const std::string& kind,
                                                const std::string& name, nlohmann::json payload);
  // Waits for the engine's reply to an inbox row. Fails with a clear message when no engine
  // holds the journal's lease or none answers within `timeout`.
  std::expected<Reply, std::string> AwaitReply(std::int64_t inbox_id,
                                               std::chrono::milliseconds timeout);

  // True when no process holds the journal's lease, and none takes it within `grace`. An
  // engine lets the lease go and takes it again at once when it finds runs created at the last
  // moment (host.h), and one process hands it to another: a client that saw it free for an
  // instant would call a run orphaned that is not.
  bool NoEngine(std::chrono::milliseconds grace = std::chrono::seconds(1)) const;

  Journal& journal() { return *journal_; }

 private:
  explicit JournalClient(std::unique_ptr<Journal> journal) : journal_(std::move(journal)) {}
  std::unique_ptr<Journal> journal_;
  interpreter::PinTexts pin_texts_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_JOURNAL_CLIENT_H_
