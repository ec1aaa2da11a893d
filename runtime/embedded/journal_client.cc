#include "runtime/embedded/journal_client.h"

#include <algorithm>
#include <thread>

#include "runtime/embedded/bell_client.h"
#include "runtime/embedded/engine.h"
#include "runtime/embedded/journal_lease.h"
#include "runtime/interpreter/definition_pin.h"
#include "runtime/run/random_id.h"

namespace weft::embedded {

std::expected<JournalClient, std::string> JournalClient::Open(const std::filesystem::path& path) {
  auto journal = Journal::Open(path);
  if (!journal) return std::unexpected(journal.error());
  return JournalClient(std::move(*journal));
}

std::expected<RunRecord, std::string> JournalClient::CreateRun(const dsl::Definition& definition,
                                                               nlohmann::json input,
                                                               std::string workflow_id,
                                                               JournalBatch along) {
  RunRecord record{.run_id = run::NewTimeOrderedUuid(),
                   .workflow_id = std::move(workflow_id),
                   .name = definition.name,
                   .pin = interpreter::PinIdentity(definition),
                   .input = std::move(input),
                   .created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count()};
  if (record.workflow_id.empty()) {
    record.workflow_id = definition.name + "-" + run::NewShortId();
  }
  // The check and the insert are one transaction: two processes starting one workflow id at
  // once cannot both see it free.
  along.insert(along.begin(), write::InsertRun{.run = record,
                                               .unless_workflow_open = true,
                                               .pin_text = pin_texts_.Of(definition)});
  if (auto done = journal_->Apply(along); !done) {
    // A refusal is the caller's to read, not a failure of the journal.
    constexpr std::string_view kWriteFailed = "journal write failed: ";
    std::string error = done.error();
    if (error.starts_with(kWriteFailed) &&
        (error.find("already running") != std::string::npos ||
         error.find("already in the journal") != std::string::npos)) {
      error.erase(0, kWriteFailed.size());
    }
    return std::unexpected(std::move(error));
  }
  bell::Ring(journal_->path());  // the engine, if one listens, takes the run on now
  return record;
}

std::expected<RunRecord, std::string> JournalClient::Resolve(const std::string& id, PinRead pin) {
  auto run = journal_->ResolveRun(id, pin);
  if (!run) return std::unexpected(run.error());
  if (*run) return std::move(**run);
  return std::unexpected("no run or workflow id \"" + id + "\" in the journal " +
                         journal_->path().string());
}

std::expected<RunRecord, std::string> JournalClient::Latest(const std::string& id, PinRead pin) {
  auto record = Resolve(id, pin);
  while (record && record->status == RunStatus::kContinuedAsNew && !record->continued_to.empty()) {
    record = Resolve(record->continued_to, pin);
  }
  return record;
}

std::expected<std::optional<RunRecord>, std::string> JournalClient::FindUnfinished(
    const std::string& name, const nlohmann::json& input) {
  auto runs = journal_->UnfinishedRuns();
  if (!runs) return std::unexpected(runs.error());
  for (RunRecord& run : *runs) {
    if (run.name == name && run.input == input && run.parent_run_id.empty() &&
        run.continued_from.empty()) {
      return std::move(run);
    }
  }
  return std::nullopt;
}

std::expected<std::int64_t, std::string> JournalClient::Send(const std::string& run_id,
                                                             const std::string& kind,
                                                             const std::string& name,
                                                             nlohmann::json payload) {
  auto id =
      journal_->Enqueue({.run_id = run_id,
                         .kind = kind,
                         .name = name,
                         .payload = std::move(payload),
                         .created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count()});
  if (id) bell::Ring(journal_->path());  // delivered now rather than at the engine's next poll
  return id;
}

bool JournalClient::NoEngine(std::chrono::milliseconds grace) const {
  const auto until = std::chrono::steady_clock::now() + grace;
  while (!JournalLease::IsHeld(journal_->path())) {
    if (std::chrono::steady_clock::now() >= until) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::expected<Reply, std::string> JournalClient::AwaitReply(std::int64_t inbox_id,
                                                            std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds pause{1};
  while (true) {
    auto reply = journal_->FindReply(inbox_id);
    if (!reply) return std::unexpected(reply.error());
    if (*reply) return std::move(**reply);
    if (NoEngine()) {
      // Checked again after the lease test: the engine may have answered and exited.
      auto late = journal_->FindReply(inbox_id);
      if (late && *late) return std::move(**late);
      return std::unexpected(
          "no engine is running the runs of " + journal_->path().string() +
          "; start one with `weft resume` (the request stays queued and is answered then)");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::unexpected("the engine (pid " +
                             std::to_string(JournalLease::HolderPid(journal_->path())) +
                             ") did not answer within " + std::to_string(timeout.count()) + " ms");
    }
    // The engine was rung by Send() and answers within an activation; short looks first.
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(10));
  }
}

}  // namespace weft::embedded
