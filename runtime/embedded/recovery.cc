#include "runtime/embedded/recovery.h"

#include <spdlog/spdlog.h>

#include <map>
#include <utility>
#include <vector>

#include "runtime/embedded/engine_core.h"
#include "runtime/embedded/journal_codec.h"
#include "runtime/interpreter/definition_pin.h"
#include "runtime/run/failure_codec.h"
#include "runtime/run/replay_check.h"

namespace weft::embedded {
namespace {

namespace ij = interpreter;
using interpreter::Failure;
using nlohmann::json;

// The commands an activation journaled, as the replay check reads them.
std::vector<run::RecordedCommand> Recorded(const ActivationRecord& activation) {
  std::vector<run::RecordedCommand> recorded;
  if (!activation.commands.is_array()) return recorded;
  for (std::size_t i = 0; i < activation.commands.size(); ++i) {
    const json& command = activation.commands[i];
    recorded.push_back(
        {.kind = command.is_object() ? command.value("command", std::string("?")) : "?",
         .fields = command,
         .where = "activation " + std::to_string(activation.seq) + ", command " +
                  std::to_string(i + 1)});
  }
  return recorded;
}

// Replays the journaled activations through `instance`, checking each against what it
// recorded; `scheduled` collects the activities the run scheduled, as replay reproduces them.
// A divergence or an unreadable activation is the run's failure.
std::expected<void, Failure> Replay(ij::WorkflowInstance& instance,
                                    const std::vector<ActivationRecord>& activations,
                                    const std::string& run_id,
                                    std::map<std::uint32_t, ij::ScheduleActivity>* scheduled) {
  for (const ActivationRecord& activation : activations) {
    auto jobs = JobsFromJson(activation.jobs);
    if (!jobs) {
      return std::unexpected(Failure{.type = "JournalError",
                                     .message = "activation " + std::to_string(activation.seq) +
                                                " of run " + run_id + ": " + jobs.error(),
                                     .non_retryable = true});
    }
    const std::vector<ij::Command> commands = instance.Activate(
        ij::Activation{.now_unix_ms = activation.now_ms,
                       .is_replaying = true,
                       .continue_as_new_suggested = activation.continue_as_new_suggested,
                       .jobs = std::move(*jobs)});
    if (scheduled != nullptr) {
      for (const auto& command : commands) {
        if (const auto* schedule = std::get_if<ij::ScheduleActivity>(&command)) {
          (*scheduled)[schedule->seq] = *schedule;
        }
      }
    }
    auto same = run::CheckReplayedAll(Recorded(activation), commands,
                                      "activation " + std::to_string(activation.seq));
    if (!same) return std::unexpected(same.error().ToFailure());
  }
  return {};
}

// The first run of the record's continue-as-new chain.
std::string FirstRunOfChain(Journal& journal, const RunRecord& record) {
  std::string first = record.run_id;
  std::string previous = record.continued_from;
  // Bounded: a damaged journal must not loop.
  for (int hops = 0; !previous.empty() && hops < 1'000'000; ++hops) {
    first = previous;
    auto found = journal.FindRun(previous);
    if (!found || !*found) break;
    previous = (*found)->continued_from;
  }
  return first;
}

void FailUnloadable(EngineCore& core, const RunRecord& record, const Failure& failure) {
  spdlog::error("run {} ({}): {}", record.run_id, record.name, failure.message);
  const json failure_json = run::FailureToJson(failure);
  core.Submit(JournalBatch{write::SetRunStatus{.run_id = record.run_id,
                                               .status = RunStatus::kFailed,
                                               .failure = failure_json,
                                               .closed_ms = core.Now()},
                           write::DeleteRunOperations{record.run_id}},
              "");
  std::lock_guard lock(core.mutex);
  core.closed[record.run_id] =
      RunOutcome{.run_id = record.run_id, .status = RunStatus::kFailed, .failure = failure_json};
  core.waiters.Wake(record.run_id);
}

}  // namespace

std::expected<void, std::string> Recover(EngineCore& core) {
  auto unfinished = core.reader->UnfinishedRuns();
  if (!unfinished) return std::unexpected(unfinished.error());
  for (RunRecord& record : *unfinished) {
    if (auto done = RecoverRun(core, std::move(record)); !done) return done;
  }
  return {};
}

std::expected<void, std::string> RecoverRun(EngineCore& core, RunRecord record) {
  auto definition = ij::LoadPinnedDefinition(record.pin);
  if (!definition) {
    FailUnloadable(
        core, record,
        Failure{.type = "JournalError",
                .message = "cannot load the run's pinned definition: " + definition.error(),
                .non_retryable = true});
    return {};
  }
  auto journaled = core.reader->Activations(record.run_id);
  if (!journaled) return std::unexpected(journaled.error());
  auto operations = core.reader->Operations(record.run_id);
  if (!operations) return std::unexpected(operations.error());

  std::string first_run_id = FirstRunOfChain(*core.reader, record);
  Run* run = core.AddRun(std::move(record), std::move(*definition), std::move(first_run_id));
  std::map<std::uint32_t, ij::ScheduleActivity> scheduled;
  if (auto replayed = Replay(*run->instance, *journaled, run->record.run_id, &scheduled);
      !replayed) {
    RunRecord copy = run->record;
    core.RemoveRun(copy.run_id);
    FailUnloadable(core, copy, replayed.error());
    return {};
  }
  run->activation_seq = journaled->empty() ? 0 : journaled->back().seq;
  run->started_ms = journaled->empty() ? core.Now() : journaled->front().now_ms;
  if (journaled->empty()) core.PushStart(*run);
  if (const auto& timeout = run->definition->timeout; timeout && !journaled->empty()) {
    core.deadlines.Push({.at_ms = run->started_ms + timeout->count(),
                         .kind = Deadline::Kind::kRunTimeout,
                         .run_id = run->record.run_id});
  }

  for (const OperationRecord& op : *operations) {
    const auto seq = static_cast<std::uint32_t>(op.seq);
    if (op.kind == operation::kActivity) {
      auto spec = scheduled.find(seq);
      if (spec == scheduled.end()) {
        return std::unexpected("run " + run->record.run_id + " waits on activity " +
                               std::to_string(seq) + " that its journal never scheduled");
      }
      core.attempts.Restore(*run, seq,
                            ActivityTask{.spec = std::move(spec->second),
                                         .attempt = static_cast<std::int32_t>(op.attempt),
                                         .scheduled_ms = op.data.value("scheduled_ms", op.due_ms),
                                         .due_ms = op.due_ms,
                                         .heartbeat_details = op.data.value("heartbeat", json())});
    } else if (op.kind == operation::kTimer) {
      run->timers[seq] = op.due_ms;
      core.deadlines.Push({.at_ms = op.due_ms,
                           .kind = Deadline::Kind::kTimer,
                           .run_id = run->record.run_id,
                           .seq = seq});
    } else if (op.kind == operation::kChild) {
      run->children[seq] = {op.data.value("child_run_id", ""),
                            ParentClosePolicyFromName(op.data.value("policy", ""))};
    } else if (operation::IsDeliver(op.kind)) {
      auto job = JobFromJson(op.data);
      if (!job) return std::unexpected(job.error());
      run->pending.push_back(
          {.job = std::move(*job),
           .consume = {write::DeleteOperation{run->record.run_id, op.kind, op.seq}}});
      core.MarkReady(run->record.run_id);
    }
  }
  core.replayed_runs.fetch_add(1);
  return {};
}

std::expected<std::unique_ptr<ij::WorkflowInstance>, std::string> RebuildInstance(
    Journal& journal, const RunRecord& record) {
  auto definition = ij::LoadPinnedDefinition(record.pin);
  if (!definition) return std::unexpected("its pinned definition: " + definition.error());
  auto journaled = journal.Activations(record.run_id);
  if (!journaled) return std::unexpected(journaled.error());
  auto instance = std::make_unique<ij::WorkflowInstance>(std::move(*definition));
  if (auto replayed = Replay(*instance, *journaled, record.run_id, nullptr); !replayed) {
    return std::unexpected(replayed.error().message);
  }
  return instance;
}

}  // namespace weft::embedded
